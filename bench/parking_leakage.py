"""E-parking leakage detection on planted leaks (issue #5 §5, iot-traffic-parking §6.2 P12), on two seeds.

Builds a registry of --points points (default 152, Medan's count in 2023) on the five named demo segments plus
generated ones: 16 operators (Dishub and 15 mitra at 60 %/65 %), land uses and road classes mixed, 10-30 motor and
0-8 car spaces, one or two jukir per point on 07-15/15-22 shifts, a third of the points with an occupancy sensor,
daily targets at 70 % of the point's simulated weekday potential rounded to Rp10.000 (targets below potential, as
the Batu/Gresik figures in iot-traffic-parking §5.3 describe). Then per seed: simulates --days days (default 28)
ending yesterday with the planted leaks of kotacerdas/parking/simulator.py (10 % of points diverting 30-90 % of
sessions to cash, 3 capping deposits at the target, one personal static QR, one sticker holder charged) through the
simulator's bulk writer (accepted payments by bulk_create, refusals through actions.record_payment, occupancy
through the sensor pipeline), assesses the last --window days with leakage.do_assess_leakage and reads
leakage.audit_list. Prints:

- recall in the top k of the audit list, k = the number of planted anomalies (cash diversion, capping, personal
  QR, sticker charged), and how many of the cash-diversion points are among them (goal ≥ 90 %);
- false positives among flagged points: flagged points with no planted anomaly / flagged points (goal ≤ 5 %), and
  the honest points flagged / honest points;
- mean absolute error of the estimated leak (1 − recorded/expected over the window) against the realised diverted
  share of revenue, in percentage points, for the cash-diversion points, by basis (sensor / peer / history).

    .venv/bin/python bench/parking_leakage.py [--db postgres] [--points 152] [--days 28] [--seeds 1 2]
                                              [--heterogeneity 0.10] [--explain]
"""

from __future__ import annotations

import csv
import os
import random
import statistics
import sys
import time
from datetime import date, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from lib import common  # noqa: E402

LAND_USES = (("niaga", 0.35), ("kuliner", 0.15), ("pasar", 0.12), ("kantor", 0.12), ("kesehatan", 0.08),
             ("sekolah", 0.08), ("permukiman", 0.10))
SEGMENTS_CSV = Path("/work/shared/data/demo/medan_eparking_segments.csv")
NAMED = ["Jalan Zainul Arifin", "Jalan Setia Budi", "Jalan Irian Barat", "Jalan Ahmad Yani (Kawasan Kesawan)",
         "Jalan Adinegoro"]


def make_registry(points: int, seed: int = 2023, sensor_share: float = 1 / 3) -> None:
    """The benchmark's registry (see the module docstring); deterministic for a seed."""
    from datetime import time as dtime

    from django.utils import timezone

    from kotacerdas.parking import simulator as sim
    from kotacerdas.parking.models import (
        Jukir,
        JukirAssignment,
        MerchantAccount,
        OperatorKind,
        ParkingOperator,
        ParkingPoint,
        PointCapacity,
        RoadSegment,
        Sticker,
        Tariff,
        TariffSchedule,
    )
    from kotacerdas.sensors.models import Device

    rng = random.Random(seed)
    schedule = TariffSchedule.objects.create(name="Perda 1/2024", regulation="Perda Kota Medan No. 1 Tahun 2024",
                                             valid_from=date(2024, 1, 4))
    for cls, amount in (("motor", 3000), ("mobil", 5000), ("pickup", None), ("truk_mini", None),
                        ("truk_besar", None)):
        Tariff.objects.create(schedule=schedule, vehicle_class=cls, amount=amount)
    dishub = ParkingOperator.objects.create(code="dishub", name="Dishub Kota Medan", kind=OperatorKind.CITY)
    MerchantAccount.objects.create(merchant_id="ID1021000000001", label="Kas daerah")
    operators = [dishub]
    for k in range(1, 16):
        op = ParkingOperator.objects.create(code=f"mitra-{k:02d}", name=f"Mitra {k:02d}",
                                            operator_share_percent=60 if k % 3 else 65, is_demo=True)
        MerchantAccount.objects.create(merchant_id=f"ID10220000{k:05d}", label=op.name, operator=op)
        operators.append(op)
    names = NAMED + [f"Jalan Uji {k}" for k in range(1, 60)]
    segments = [RoadSegment.objects.create(code=f"seg-{k:02d}", street=name, road_class=1 + (k % 3 == 2),
                                           is_demo=True) for k, name in enumerate(names[:max(5, points // 3)])]
    gateway = Device.objects.create(code="bench-parking-sensors", name="Sensor parkir", kind="parking",
                                    owner_module="parking", is_gateway=True)
    uses, weights = zip(*LAND_USES, strict=True)
    tariffs = {"motor": 3000, "mobil": 5000}
    jk = 0
    for k in range(points):
        seg = segments[k % len(segments)]
        use = rng.choices(uses, weights)[0]
        motor, car = rng.randint(10, 30), rng.choice((0, 0, 2, 4, 6, 8))
        spec = sim.PointSpec(f"MDN-{k + 1:03d}", use, seg.road_class, (("mobil", car), ("motor", motor)),
                             dtime(7), dtime(22), 0, False, "", ())
        # Potential on an average weekday with the point's own factor unknown to the city: factor 1.
        potential = sim.expected_daily(spec, 0, 2, tariffs, 0.0)[1]
        point = ParkingPoint.objects.create(
            code=spec.code, name=f"Titik {seg.street} {k + 1}", segment=seg, operator=operators[k % len(operators)],
            lat=3.55 + rng.uniform(0, 0.06), lon=98.63 + rng.uniform(0, 0.07), approximate=True, land_use=use,
            daily_target=int(round(0.7 * potential, -4)), device=gateway if rng.random() < sensor_share else None,
            is_demo=True)
        PointCapacity.objects.create(point=point, vehicle_class="motor", spaces=motor)
        if car:
            PointCapacity.objects.create(point=point, vehicle_class="mobil", spaces=car)
        shifts = ((dtime(7), dtime(15)), (dtime(15), dtime(22))) if rng.random() < 0.6 else ((dtime(7), dtime(22)),)
        for s0, s1 in shifts:
            jk += 1
            j = Jukir.objects.create(code=f"JKR-{jk:04d}", name=f"Jukir {jk}", operator=point.operator,
                                     card_secret=f"bench-{jk}", is_demo=True)
            JukirAssignment.objects.create(jukir=j, point=point, shift_start=s0, shift_end=s1,
                                           valid_from=date(2024, 1, 1))
    today = timezone.localdate()
    Sticker.objects.create(number="STK-BENCH-1", barcode="BAR-BENCH-1", plate="BK1234AB", vehicle_class="motor",
                           valid_from=today - timedelta(days=200), valid_to=today + timedelta(days=165),
                           amount_paid=90000, is_demo=True)


def wipe() -> None:
    """Everything a simulation wrote, so the next seed starts from the same registry."""
    from kotacerdas.core.models import AuditLog, Event
    from kotacerdas.parking.models import (
        DutySession,
        LeakageAssessment,
        OccupancyReading,
        ParkingTransaction,
        ParkingViolation,
    )

    for model in (LeakageAssessment, ParkingViolation, ParkingTransaction, DutySession, OccupancyReading, Event,
                  AuditLog):
        model.objects.all().delete()


def _describe(code: str, leaks: dict, by_code: dict) -> str:
    leak, entry = leaks[code], by_code.get(code)
    where = f"{entry.basis}, perkiraan {entry.leakage_pct}%" if entry is not None else "tidak di daftar"
    return f"{code} ({leak.kind} {leak.share:.0%}, {where})"


def _why(entry: object) -> str:
    e = entry  # an AuditEntry
    fired = ", ".join(f"{i.code}×{i.days}" for i in e.indicators)  # type: ignore[attr-defined]
    return f"{e.point.code} ({e.basis}, {e.leakage_pct}%: {fired})"  # type: ignore[attr-defined]


def run_seed(seed: int, days: int, window: int, truth_dir: Path, explain: bool = False,
             heterogeneity: float = 0.10) -> dict[str, float]:
    from django.contrib.auth import get_user_model
    from django.utils import timezone

    from kotacerdas.parking import leakage, tariffs
    from kotacerdas.parking import simulator as sim

    today = timezone.localdate()
    first = today - timedelta(days=days)
    topology = sim.topology_from_db(today)
    leaks = sim.plan(topology, seed, first, days, tariffs=tariffs.tariffs_on(today), heterogeneity=heterogeneity)
    registry = sim.Registry()
    stats = sim.WriteStats()
    writer = sim.BulkWriter(registry, stats)
    book = sim.TruthBook(leaks)
    t0 = time.perf_counter()
    for k in range(days):
        day = first + timedelta(days=k)
        output = sim.simulate_day(topology, day, seed=seed, leaks=leaks, tariffs=tariffs.tariffs_on(day),
                                  heterogeneity=heterogeneity)
        writer.day(output)
        book.add(output)
    t_sim = time.perf_counter() - t0
    book.write(str(truth_dir / f"truth_seed{seed}.csv"))
    end = today - timedelta(days=1)
    window_days = [end - timedelta(days=k) for k in range(window)]
    t0 = time.perf_counter()
    for d in sorted(window_days):
        leakage.do_assess_leakage(d)
    t_assess = (time.perf_counter() - t0) / window
    user = get_user_model().objects.create_superuser(f"bench{seed}", f"bench{seed}@contoh.id", "x", role="superadmin")
    t0 = time.perf_counter()
    entries = leakage.audit_list(user, end=end, days=window)
    t_audit = time.perf_counter() - t0
    user.delete()

    # Every planted anomaly belongs on the audit list (the sticker charge loses the city nothing but is an offence
    # to audit), so k = all planted points.
    planted = set(leaks)
    divert = {c for c, x in leaks.items() if x.kind == "tunai"}
    anomalous = planted
    ranked = [e.point.code for e in entries]
    top = set(ranked[:len(planted)])
    top_divert = top & divert
    flagged = [e.point.code for e in entries if e.flagged]
    fp = [c for c in flagged if c not in anomalous]
    honest = len(topology.points) - len(anomalous)
    by_code = {e.point.code: e for e in entries}
    errors: dict[str, list[float]] = {}
    for code in divert:
        e = by_code.get(code)
        estimate = e.leakage_ratio if e is not None else 0.0
        basis = e.basis if e is not None else "none"
        err = abs(estimate - book.share(code, window_days)) * 100
        errors.setdefault(basis, []).append(err)
        errors.setdefault("all", []).append(err)
    missed = sorted(planted - top)
    print(f"  seed {seed}: {len(topology.points)} titik ({sum(p.sensor for p in topology.points)} bersensor), "
          f"{stats.accepted:,} transaksi diterima, {stats.refused} ditolak, {stats.readings_stored:,} bacaan "
          f"okupansi, {stats.duties:,} sesi tugas dalam {days} hari ({t_sim:.0f} dtk simulasi); penilaian "
          f"{t_assess:.2f} dtk/hari, daftar audit {t_audit * 1000:.0f} ms")
    print(f"    kebocoran tertanam: {len(divert)} tunai, "
          f"{sum(1 for x in leaks.values() if x.kind == 'setoran_dipatok')} setoran dipatok, "
          f"{sum(1 for x in leaks.values() if x.kind == 'qr_pribadi')} QR pribadi, "
          f"{sum(1 for x in leaks.values() if x.kind == 'stiker_ditarik')} stiker ditarik")
    print(f"    top-{len(planted)} daftar audit: {len(top & planted)}/{len(planted)} titik bocor "
          f"({100 * len(top & planted) / len(planted):.0f}%; target ≥ 90%); titik tunai di dalamnya: "
          f"{len(top_divert)}/{len(divert)} ({100 * len(top_divert) / len(divert):.0f}%)"
          + (f"; terlewat: {', '.join(_describe(c, leaks, by_code) for c in missed)}" if missed else ""))
    print(f"    ditandai: {len(flagged)} titik, positif palsu {len(fp)} ({100 * len(fp) / max(1, len(flagged)):.1f}% "
          f"dari yang ditandai; target ≤ 5%), {100 * len(fp) / honest:.1f}% dari {honest} titik jujur"
          + (f": {'; '.join(_why(by_code[c]) for c in fp)}" if fp else ""))
    print("    galat perkiraan kebocoran (tunai, |L − porsi nyata|, poin persen): "
          + "; ".join(f"{k} MAE {statistics.fmean(v):.1f} pp (maks {max(v):.1f}, n={len(v)})"
                      for k, v in sorted(errors.items())))
    if explain:
        from kotacerdas.parking.models import LeakageAssessment

        for code in fp + missed:
            e = by_code.get(code)
            if e is None:
                continue
            print(f"      {code}: {e.explanation}")
            for a in LeakageAssessment.objects.filter(point=e.point, day__in=window_days).order_by("day"):
                fired = [f"{i['code']}: {i['text']}" for i in a.indicators if i["fired"]]
                print(f"        {a.day} {a.basis} diharapkan {a.expected_revenue} tercatat {a.actual_revenue} "
                      f"L {a.leakage_ratio:.2f} {fired}")
    return {"recall": len(top & planted) / len(planted), "recall_divert": len(top_divert) / len(divert),
            "fdr": len(fp) / max(1, len(flagged)), "mae": statistics.fmean(errors["all"])}


def main() -> None:
    p = common.parser(__doc__.splitlines()[0])
    p.add_argument("--points", type=int, default=152)
    p.add_argument("--days", type=int, default=28)
    p.add_argument("--window", type=int, default=7)
    p.add_argument("--seeds", type=int, nargs="+", default=[1, 2])
    p.add_argument("--heterogeneity", type=float, default=0.10,
                   help="σ of the simulator's log point factor within road class + land use (0.10)")
    p.add_argument("--explain", action="store_true", help="print the audit entries of false positives and misses")
    args = p.parse_args()
    env = common.prepare(args.db)
    common.setup_django()
    common.small_city()
    engine = common.engine_label(args.db)
    load = ", ".join(f"{x:.1f}" for x in os.getloadavg())
    print(f"parking_leakage: {engine}; {os.cpu_count()} CPU, load average {load} (mesin dipakai bersama)")
    make_registry(args.points)
    truth_dir = Path(env["DATA_DIR"])
    results = []
    for k, seed in enumerate(args.seeds):
        if k:
            wipe()
        results.append(run_seed(seed, args.days, args.window, truth_dir, args.explain, args.heterogeneity))
    print(f"  rata-rata {len(results)} seed: top-k {100 * statistics.fmean(r['recall'] for r in results):.0f}%, "
          f"tunai top-k {100 * statistics.fmean(r['recall_divert'] for r in results):.0f}%, positif palsu "
          f"{100 * statistics.fmean(r['fdr'] for r in results):.1f}%, MAE "
          f"{statistics.fmean(r['mae'] for r in results):.1f} pp")
    with open(truth_dir / "summary.csv", "w", newline="") as f:
        csv.writer(f).writerows([["seed", "recall", "recall_divert", "fdr", "mae"]]
                                + [[s, r["recall"], r["recall_divert"], r["fdr"], r["mae"]]
                                   for s, r in zip(args.seeds, results, strict=True)])


if __name__ == "__main__":
    main()
