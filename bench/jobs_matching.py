"""Ranking quality of Siduta's matching (kotacerdas/lib/job_matching.py) on seeded synthetic data with noise.

No database: the matcher is pure. A hidden "true" profile is drawn for every seeker and vacancy (skills from a
sector's pool, education level, kecamatan, years of experience); the ground-truth relevance of a pair (0-3) is
computed from the TRUE profiles plus an employer-taste noise term. The matcher only sees OBSERVED profiles: each
skill the seeker has is listed with probability 1 - `--drop`, `--extra` spurious skills are added, education is
misreported by one level with probability `--edu-noise`, the kecamatan is missing with probability 0.1. For each
vacancy the matcher ranks all seekers; we print NDCG@10 (graded) and precision@10 (relevance >= 2), averaged over
vacancies and seeds, next to two baselines (random order; education-only) so the figure has a scale.

    .venv/bin/python bench/jobs_matching.py [--seekers 600] [--vacancies 120] [--seeds 1 2 3] [--drop 0.3]
"""

from __future__ import annotations

import argparse
import random
import statistics
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from kotacerdas.lib import job_matching as jm  # noqa: E402

SECTORS = {
    "retail": ["kasir", "pelayanan pelanggan", "penataan barang", "penjualan", "microsoft excel", "gudang"],
    "hotel": ["memasak", "food hygiene", "bahasa inggris", "kebersihan", "pelayanan pelanggan", "resepsionis"],
    "health": ["keperawatan", "str perawat", "farmasi", "kebersihan", "administrasi", "pelayanan pelanggan"],
    "it": ["python", "sql", "jaringan komputer", "fiber optik", "microsoft excel", "administrasi"],
    "industry": ["las", "listrik", "mesin produksi", "k3", "forklift", "gudang"],
}
KECAMATAN = [f"12.71.{i:02d}" for i in range(1, 22)]


def _person(rng: random.Random, key: str) -> dict:
    sector = rng.choice(list(SECTORS))
    pool = SECTORS[sector]
    skills = set(rng.sample(pool, k=rng.randint(2, 4)))
    if rng.random() < 0.3:  # some people span two sectors
        other = SECTORS[rng.choice(list(SECTORS))]
        skills |= set(rng.sample(other, k=1))
    return {"key": key, "skills": skills, "edu": rng.choices(range(1, 7), weights=[3, 8, 50, 15, 22, 2])[0],
            "kec": rng.choice(KECAMATAN), "years": rng.choice([0, 0, 1, 2, 3, 5, 8])}


def _vacancy(rng: random.Random, key: str) -> dict:
    sector = rng.choice(list(SECTORS))
    return {"key": key, "skills": set(rng.sample(SECTORS[sector], k=rng.randint(2, 3))),
            "edu": rng.choices(range(1, 7), weights=[2, 10, 55, 15, 17, 1])[0], "kec": rng.choice(KECAMATAN),
            "years": rng.choice([0, 0, 1, 2, 3])}


def true_relevance(s: dict, v: dict, rng: random.Random) -> float:
    """What an employer would judge with full knowledge: skills matter most, then education, experience, place."""
    skill = len(s["skills"] & v["skills"]) / len(v["skills"])
    edu = 1.0 if s["edu"] >= v["edu"] else (0.4 if s["edu"] == v["edu"] - 1 else 0.0)
    exp = 1.0 if v["years"] == 0 else min(1.0, s["years"] / v["years"])
    place = 1.0 if s["kec"] == v["kec"] else 0.5
    value = 0.5 * skill + 0.25 * edu + 0.15 * exp + 0.10 * place + rng.gauss(0, 0.08)
    return float(max(0, min(3, round(value * 4 - 0.6))))


def observe(s: dict, rng: random.Random, drop: float, extra: int, edu_noise: float) -> jm.Seeker:
    skills = {k for k in s["skills"] if rng.random() > drop}
    all_skills = sorted({k for pool in SECTORS.values() for k in pool})
    skills |= set(rng.sample(all_skills, k=extra))
    edu = s["edu"] + (rng.choice([-1, 1]) if rng.random() < edu_noise else 0)
    kec = None if rng.random() < 0.1 else s["kec"]
    return jm.Seeker(s["key"], edu, jm.skill_set(skills), kec, float(s["years"]))


def run(seed: int, n_seekers: int, n_vacancies: int, drop: float, extra: int, edu_noise: float) -> dict[str, tuple]:
    rng = random.Random(seed)
    people = [_person(rng, f"s{i}") for i in range(n_seekers)]
    jobs = [_vacancy(rng, f"v{i}") for i in range(n_vacancies)]
    observed = [observe(p, rng, drop, extra, edu_noise) for p in people]
    results: dict[str, list[tuple[float, float]]] = {"matcher": [], "education only": [], "random": []}
    for v in jobs:
        rel = {p["key"]: true_relevance(p, v, rng) for p in people}
        relevant = {k for k, r in rel.items() if r >= 2}
        if not relevant:
            continue
        vac = jm.Vacancy(v["key"], v["edu"], jm.skill_set(v["skills"]), v["kec"], float(v["years"]))
        ranked = [m.seeker for m in jm.best_seekers(vac, observed, k=10)]
        edu_only = [o.key for o in sorted(observed, key=lambda o: (-(o.education >= v["edu"]), rng.random()))][:10]
        shuffled = [o.key for o in rng.sample(observed, k=10)]
        for name, order in (("matcher", ranked), ("education only", edu_only), ("random", shuffled)):
            results[name].append((jm.ndcg_at_k(order, rel, 10), jm.precision_at_k(order, relevant, 10)))
    return {name: (statistics.mean(x for x, _ in rows), statistics.mean(y for _, y in rows), len(rows))
            for name, rows in results.items()}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--seekers", type=int, default=600)
    parser.add_argument("--vacancies", type=int, default=120)
    parser.add_argument("--seeds", type=int, nargs="+", default=[1, 2, 3])
    parser.add_argument("--drop", type=float, default=0.3, help="chance a real skill is missing from the profile")
    parser.add_argument("--extra", type=int, default=1, help="spurious skills added to each profile")
    parser.add_argument("--edu-noise", type=float, default=0.1, help="chance education is off by one level")
    args = parser.parse_args()
    print(f"jobs_matching: {args.seekers} seekers x {args.vacancies} vacancies, seeds {args.seeds}, "
          f"skill drop {args.drop}, extra {args.extra}, education noise {args.edu_noise}")
    totals: dict[str, list[tuple[float, float]]] = {}
    for seed in args.seeds:
        for name, (ndcg, prec, n) in run(seed, args.seekers, args.vacancies, args.drop, args.extra,
                                         args.edu_noise).items():
            totals.setdefault(name, []).append((ndcg, prec))
            print(f"  seed {seed:>3}  {name:<15} NDCG@10 {ndcg:.3f}  P@10 {prec:.3f}  ({n} vacancies)")
    print("mean over seeds:")
    for name, rows in totals.items():
        print(f"  {name:<15} NDCG@10 {statistics.mean(r[0] for r in rows):.3f}  "
              f"P@10 {statistics.mean(r[1] for r in rows):.3f}")


if __name__ == "__main__":
    main()
