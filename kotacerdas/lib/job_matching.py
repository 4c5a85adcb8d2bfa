"""Matching job seekers and vacancies: a transparent score with the reasons behind it, and ranking metrics.

Score (0-100) = weighted sum of four parts, each in [0, 1]:

- skills (weight 0.45): share of the vacancy's required skills the seeker has (the skills a Disnaker officer and
  an employer both look at first); a vacancy without listed skills counts as 0.5 (no evidence either way);
- education (0.25): 1 when the seeker meets the minimum level, 0.4 one level below (employers often accept
  SMK for D3 with experience), 0 further below; over-qualification by 3+ levels gives 0.7 (such applicants
  leave soon, so they should not crowd out those who fit);
- location (0.15): 1 in the vacancy's kecamatan, `OTHER_KECAMATAN` elsewhere in the city, 0.5 when unknown;
- experience (0.15): years / required years, capped at 1; 1 when none is required.

The reasons are structured (`Reason(code, params)`) so the Django layer can phrase them in the user's language.
Pure: no Django imports, so the bench and tests score thousands of pairs without a database.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

WEIGHTS = {"skills": 0.45, "education": 0.25, "location": 0.15, "experience": 0.15}
OTHER_KECAMATAN = 0.3
UNKNOWN = 0.5


def canonical_skill(text: str) -> str:
    """"  Microsoft  Excel " -> "microsoft excel": skills compare case- and space-insensitively."""
    return " ".join((text or "").lower().split())


def skill_set(values: Iterable[str]) -> frozenset[str]:
    return frozenset(s for s in (canonical_skill(v) for v in values) if s)


@dataclass(frozen=True)
class Seeker:
    key: object
    education: int  # ordinal level, see jobs.models.EDUCATION_RANK
    skills: frozenset[str]
    kecamatan: str | None
    experience_years: float


@dataclass(frozen=True)
class Vacancy:
    key: object
    min_education: int
    skills: frozenset[str]
    kecamatan: str | None
    min_experience_years: float


@dataclass(frozen=True)
class Reason:
    code: str  # skills | skills_none | education_ok | education_below | education_over | same_kecamatan | ...
    params: dict[str, object] = field(default_factory=dict)


@dataclass(frozen=True)
class Match:
    seeker: object
    vacancy: object
    score: float
    parts: dict[str, float]
    reasons: tuple[Reason, ...]


def _skills(seeker: Seeker, vacancy: Vacancy) -> tuple[float, Reason]:
    if not vacancy.skills:
        return UNKNOWN, Reason("skills_unlisted")
    common = sorted(seeker.skills & vacancy.skills)
    share = len(common) / len(vacancy.skills)
    if not common:
        return 0.0, Reason("skills_none", {"required": len(vacancy.skills)})
    return share, Reason("skills", {"matched": common, "count": len(common), "required": len(vacancy.skills)})


def _education(seeker: Seeker, vacancy: Vacancy) -> tuple[float, Reason]:
    gap = seeker.education - vacancy.min_education
    if gap >= 3:
        return 0.7, Reason("education_over", {"gap": gap})
    if gap >= 0:
        return 1.0, Reason("education_ok")
    if gap == -1:
        return 0.4, Reason("education_below", {"gap": -gap})
    return 0.0, Reason("education_below", {"gap": -gap})


def _location(seeker: Seeker, vacancy: Vacancy) -> tuple[float, Reason]:
    if not seeker.kecamatan or not vacancy.kecamatan:
        return UNKNOWN, Reason("location_unknown")
    if seeker.kecamatan == vacancy.kecamatan:
        return 1.0, Reason("same_kecamatan")
    return OTHER_KECAMATAN, Reason("other_kecamatan")


def _experience(seeker: Seeker, vacancy: Vacancy) -> tuple[float, Reason]:
    need = max(0.0, vacancy.min_experience_years)
    have = max(0.0, seeker.experience_years)
    if need == 0:
        return 1.0, Reason("experience_not_required", {"years": have})
    return min(1.0, have / need), Reason("experience", {"years": have, "required": need})


def score(seeker: Seeker, vacancy: Vacancy) -> Match:
    parts: dict[str, float] = {}
    reasons: list[Reason] = []
    for name, fn in (("skills", _skills), ("education", _education), ("location", _location),
                     ("experience", _experience)):
        value, reason = fn(seeker, vacancy)
        parts[name] = round(value, 4)
        reasons.append(reason)
    total = 100 * sum(WEIGHTS[k] * v for k, v in parts.items())
    return Match(seeker.key, vacancy.key, round(total, 1), parts, tuple(reasons))


def best_vacancies(seeker: Seeker, vacancies: Iterable[Vacancy], k: int = 10) -> list[Match]:
    """The `k` best vacancies for one seeker, best first; ties broken by key for a stable order."""
    matches = [score(seeker, v) for v in vacancies]
    matches.sort(key=lambda m: (-m.score, str(m.vacancy)))
    return matches[:k]


def best_seekers(vacancy: Vacancy, seekers: Iterable[Seeker], k: int = 10) -> list[Match]:
    matches = [score(s, vacancy) for s in seekers]
    matches.sort(key=lambda m: (-m.score, str(m.seeker)))
    return matches[:k]


# --- ranking quality ---------------------------------------------------------------------------------------------


def dcg(gains: Sequence[float]) -> float:
    return sum((2 ** g - 1) / math.log2(i + 2) for i, g in enumerate(gains))


def ndcg_at_k(ranked: Sequence[object], relevance: dict[object, float], k: int = 10) -> float:
    """NDCG@k of a ranked list of keys against graded relevance (missing keys = 0); 0 when nothing is relevant."""
    gains = [relevance.get(key, 0.0) for key in ranked[:k]]
    ideal = sorted(relevance.values(), reverse=True)[:k]
    best = dcg(ideal)
    return dcg(gains) / best if best > 0 else 0.0


def precision_at_k(ranked: Sequence[object], relevant: set[object], k: int = 10) -> float:
    if k <= 0:
        return 0.0
    return sum(1 for key in ranked[:k] if key in relevant) / k
