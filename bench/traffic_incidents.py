"""Incident detection on planted incidents: detection rate, false alarms per detector-interval, time to detect.

Seeds the demo ATCS registry (`seed_traffic`, 60 intersections), defines a California detector pair along every
link the simulator knows (the first detector of an approach → the first detector of the approach downstream of
it at the next intersection: where the traffic of a blocked approach would have gone), then per seed:

1. history: --baseline-days of simulated readings with rain and no incident, ingested through the real pipeline
   (`sensors.actions.do_ingest`, in 6-hour batches), so the robust z-score has its time-of-day baseline;
2. evaluation: --days with --incidents planted incidents and rain, ingested interval by interval as a device
   would send them (do_ingest at the interval's end), each followed by `traffic.alarms.run_detection` at that time,
   exactly what the 5-minute `detect_incidents` task calls;
3. scoring against the simulator's ground truth (`simulator.ground_truth_rows`): an incident is detected when an
   alarm on its approach (California: the pair's upstream detector; z-score: any detector of the approach) is
   active during [start, end + --tolerance]; an alarm matching no incident is false, and false alarms raised
   during a rain spell (rows kind=hujan, which are not incidents) are reported apart. Time to detect = first
   matching alarm's raised_at (the start of the interval that raised it) − incident start, 0 if already on.
   FAR = false alarms / decisions, one decision per monitored unit and interval (pairs for California,
   detectors for the z-score, both for the two combined). Scored with `kotacerdas.lib.incidents.evaluate_detection`.

`--compare` then replays the detection on the same stored data with the previous z-score floor
(TRAFFIC_ZSCORE_MIN_SCALE 1.0) and with California persistence 2 on every pair, scored the same way.

Targets (iot-traffic-parking.md §6.2 P11): DR ≥ 90 %, FAR ≤ 1 % per detector-interval, MTTD ≤ 2 intervals.

    .venv/bin/python bench/traffic_incidents.py [--db postgres] [--seeds 42 7] [--days 3] [--incidents 40]
                                                [--baseline-days 21] [--tolerance 15] [--ground-truth DIR]
                                                [--compare]
"""

from __future__ import annotations

import os
import sys
import time
from collections import Counter
from collections.abc import Iterable, Iterator
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

from lib import common  # noqa: E402

P11 = {"dr": 0.90, "far": 0.01, "mttd_intervals": 2.0}


def by_interval(readings: Iterable[Any]) -> Iterator[tuple[datetime, list[Any]]]:
    """Group the generator's readings (interval by interval, in time order) per interval start."""
    current: datetime | None = None
    batch: list[Any] = []
    for r in readings:
        if r.start != current and batch:
            yield current, batch  # type: ignore[misc]
            batch = []
        current = r.start
        batch.append(r)
    if batch:
        yield current, batch  # type: ignore[misc]


def define_pairs(topology: Any) -> int:
    """One California pair per link upstream approach → downstream approach, on their first detectors."""
    from kotacerdas.traffic.models import Detector, DetectorPair

    pk_of = dict(Detector.objects.values_list("code", "pk"))
    pairs = []
    for up_key, down_key in sorted(topology.downstream.items()):
        up, down = topology.approach(up_key), topology.approach(down_key)
        pairs.append(DetectorPair(upstream_id=pk_of[up.detectors[0].code], downstream_id=pk_of[down.detectors[0].code]))
    DetectorPair.objects.bulk_create(pairs)
    return len(pairs)


def ingest(device: Any, readings: list[Any], now: datetime) -> int:
    from kotacerdas.sensors.actions import do_ingest

    result = do_ingest("traffic", device, [r.compact() for r in readings], source="http", now=now)
    if result.rejected:
        raise RuntimeError(f"{result.rejected} readings rejected: {result.errors[:3]}")
    return result.stored


VARIANTS = {
    # label: (settings overrides, California persistence for every pair or None)
    "z floor 1,0 (lama)": ({"TRAFFIC_ZSCORE_MIN_SCALE": 1.0}, None),
    "California persistensi 2": ({}, 2),
}


def score(planted: list[Any], rain: list[Any], start: datetime, evaluated: int, args: Any, pairs: int,
          location: dict[int, str], detectors: int) -> dict[str, Any]:
    """DR, false alarms (and those in rain), FAR per decision and MTTD per method from the alarms now stored."""
    from kotacerdas.lib import incidents as li
    from kotacerdas.traffic import simulator as sim
    from kotacerdas.traffic.models import Alarm

    interval = timedelta(seconds=sim.DEFAULT_INTERVAL_S)
    truth = [li.Incident(inc.approach, inc.start, inc.end) for inc in planted]
    tolerance = timedelta(minutes=args.tolerance)
    raised = list(Alarm.objects.filter(method__in=("california", "zscore")).order_by("raised_at"))

    def in_rain(t: datetime) -> bool:
        return any(r.start <= t <= r.end + tolerance for r in rain)

    rows: dict[str, Any] = {}
    for method, units in (("california", pairs), ("zscore", detectors), ("gabungan", pairs + detectors)):
        mine = [a for a in raised if method == "gabungan" or a.method == method]
        lib_alarms = [li.Alarm(location[a.detector_id], a.raised_at, a.cleared_at, a.score, a.reason) for a in mine]
        ev = li.evaluate_detection(truth, lib_alarms, detector_days=units * args.days, grace=tolerance,
                                   decisions=units * evaluated)
        false = [a for a, la in zip(mine, lib_alarms, strict=True)
                 if not any(la.location == inc.location and la.start <= inc.end + tolerance
                            and (la.end is None or la.end >= inc.start) for inc in truth)]
        rainy = sum(1 for a in false if in_rain(a.raised_at))
        dry_decisions = units * sum(1 for k in range(evaluated) if not in_rain(start + interval * k))
        rows[method] = {"ev": ev, "false": len(false), "rain_false": rainy,
                        "far_dry": (len(false) - rainy) / dry_decisions if dry_decisions else None}
    missed = [inc for inc in planted if not any(
        location[a.detector_id] == inc.approach and a.raised_at <= inc.end + tolerance
        and (a.cleared_at is None or a.cleared_at >= inc.start) for a in raised)]
    return {"rows": rows, "missed": missed}


def run_seed(seed: int, args: Any, topology: Any, device: Any, pairs: int) -> dict[str, Any]:
    from django.test import override_settings
    from django.utils import timezone

    from kotacerdas.traffic import alarms
    from kotacerdas.traffic import simulator as sim
    from kotacerdas.traffic.models import ROLLUPS, Alarm, Detector, DetectorPair, TrafficReading

    TrafficReading.objects.all().delete()
    for model in ROLLUPS:
        model.objects.all().delete()
    Alarm.objects.all().delete()

    interval = timedelta(seconds=sim.DEFAULT_INTERVAL_S)
    today = timezone.localtime().replace(hour=0, minute=0, second=0, microsecond=0)
    start = today - timedelta(days=args.days)
    end = today
    warm = start - timedelta(days=args.baseline_days)
    rain = sim.plan_rain(seed, warm, end) if not args.no_rain else ()
    planted = sim.plan_incidents(topology, seed, start, end, args.incidents)
    scenario = sim.Scenario(rain, planted)
    if args.ground_truth:
        path = Path(args.ground_truth) / f"traffic_truth_seed{seed}.csv"
        sim.write_ground_truth(str(path), planted, [r for r in rain if r.end > start])

    began = time.perf_counter()
    stored = 0
    t = warm
    while t < start:
        chunk_end = min(t + timedelta(hours=6), start)
        readings = list(sim.generate(topology, t, chunk_end, seed=seed, scenario=scenario))
        stored += ingest(device, readings, chunk_end + timedelta(minutes=1))
        t = chunk_end
    history_s = time.perf_counter() - began
    print(f"  seed {seed}: riwayat {args.baseline_days} hari ({stored:,} bacaan) dalam {history_s:.0f} dtk", flush=True)

    began = time.perf_counter()
    run_times: list[float] = []
    ticks: list[datetime] = []
    for t, readings in by_interval(sim.generate(topology, start, end, seed=seed, scenario=scenario)):
        tick = t + interval  # the device sends when the interval ends; the task runs at the 5-minute mark
        stored += ingest(device, readings, tick)
        t0 = time.perf_counter()
        alarms.run_detection(tick)
        run_times.append(time.perf_counter() - t0)
        ticks.append(tick)
    eval_s = time.perf_counter() - began

    detectors = Detector.objects.filter(is_active=True).count()
    location = {d.pk: f"{d.approach.intersection.code}:{d.approach.direction}"
                for d in Detector.objects.select_related("approach__intersection")}
    in_window = [r for r in rain if r.end > start and r.start < end]
    scored = {"bawaan": score(planted, in_window, start, len(ticks), args, pairs, location, detectors)}
    # Other settings on the same stored data: detection at tick T reads only buckets up to T and history before
    # it, so replaying the ticks after ingestion decides exactly as the interleaved run would have.
    for label, (overrides, persistence) in (VARIANTS.items() if args.compare else ()):
        Alarm.objects.filter(method__in=("california", "zscore")).delete()
        if persistence is not None:
            DetectorPair.objects.update(persistence=persistence)
        with override_settings(**overrides):
            for tick in ticks:
                alarms.run_detection(tick)
        DetectorPair.objects.update(persistence=1)
        scored[label] = score(planted, in_window, start, len(ticks), args, pairs, location, detectors)
        print(f"  seed {seed}: varian '{label}' dihitung ulang", flush=True)
    kinds = Counter(Detector.objects.filter(code__in=[inc.detectors[0] for inc in scored["bawaan"]["missed"]])
                    .values_list("kind", flat=True))
    return {"seed": seed, "stored": stored, "history_s": history_s, "eval_s": eval_s, "evaluated": len(ticks),
            "rain": in_window, "planted": planted, "scored": scored, "run_ms": [x * 1000 for x in run_times],
            "missed_kinds": kinds, "detectors": detectors, "start": start, "end": end}


def print_seed(res: dict[str, Any]) -> None:
    from kotacerdas.traffic import simulator as sim

    rain_min = sum((r.end - r.start).total_seconds() for r in res["rain"]) / 60
    print(f"\n  seed {res['seed']}: {res['start'].astimezone(sim.LOCAL):%Y-%m-%d} – "
          f"{res['end'].astimezone(sim.LOCAL):%Y-%m-%d} WIB, {len(res['planted'])} insiden ditanam, "
          f"{len(res['rain'])} hujan ({rain_min:.0f} menit); {res['stored']:,} bacaan disimpan (riwayat "
          f"{res['history_s']:.0f} dtk, evaluasi {res['eval_s']:.0f} dtk); run_detection per 5 menit p50 "
          f"{common.percentile(res['run_ms'], 50):.0f} ms, p95 {common.percentile(res['run_ms'], 95):.0f} ms")
    print(f"  {'pengaturan':26} {'metode':11} {'DR':>12} {'alarm':>6} {'palsu':>6} {'hujan':>6} {'FAR/keputusan':>14} "
          f"{'FAR kering':>11} {'MTTD menit':>11} {'interval':>9}")
    for label, scored in res["scored"].items():
        for method, row in scored["rows"].items():
            ev = row["ev"]
            dr = f"{ev.detected}/{ev.incidents} {100 * (ev.detection_rate or 0):3.0f}%"
            mttd = ev.mean_time_to_detect_s
            mttd_txt = (f"{mttd / 60:11.1f} {mttd / sim.DEFAULT_INTERVAL_S:9.2f}" if mttd is not None
                        else f"{'-':>11} {'-':>9}")
            far_dry = row["far_dry"]
            print(f"  {label:26} {method:11} {dr:>12} {ev.alarms:6d} {row['false']:6d} {row['rain_false']:6d} "
                  f"{100 * (ev.false_alarm_rate_per_decision or 0):13.3f}% "
                  f"{100 * far_dry if far_dry is not None else 0:10.3f}% {mttd_txt}")
    missed = res["scored"]["bawaan"]["missed"]
    if missed:
        by_kind = Counter(inc.kind for inc in missed)
        factors = [inc.capacity_factor for inc in missed]
        hours = sorted({inc.start.astimezone(sim.LOCAL).hour for inc in missed})
        print(f"  terlewat oleh kedua metode: {len(missed)} — jenis {dict(by_kind)}, detektor "
              f"{dict(res['missed_kinds'])}, sisa kapasitas {min(factors):.2f}–{max(factors):.2f}, jam WIB {hours}")


def main() -> None:
    p = common.parser(__doc__.splitlines()[0])
    p.add_argument("--seeds", type=int, nargs="+", default=[42, 7], help="simulator seeds (42 7)")
    p.add_argument("--intersections", type=int, default=60)
    p.add_argument("--days", type=int, default=3, help="evaluated days (3)")
    p.add_argument("--incidents", type=int, default=40, help="planted incidents in the evaluated days (40)")
    p.add_argument("--baseline-days", type=int, default=21, help="incident-free history before them (21)")
    p.add_argument("--tolerance", type=int, default=15, help="minutes after an incident's end an alarm counts (15)")
    p.add_argument("--no-rain", action="store_true")
    p.add_argument("--ground-truth", default=None, help="directory to write the ground-truth CSV per seed")
    p.add_argument("--compare", action="store_true",
                   help="also replay detection with the previous z-score floor (1.0) and California persistence 2")
    args = p.parse_args()
    common.prepare(args.db)
    common.setup_django()
    common.small_city()

    from django.core.management import call_command

    from kotacerdas.sensors.models import Device
    from kotacerdas.traffic import alarms
    from kotacerdas.traffic import simulator as sim

    call_command("seed_traffic", count=args.intersections, seed=2012, verbosity=0, stdout=open(os.devnull, "w"))  # noqa: SIM115
    topology = sim.topology_from_db()
    pairs = define_pairs(topology)
    device = Device.objects.get(code="atcs-pusat")
    cfg = alarms.detection_settings()
    load = ", ".join(f"{x:.1f}" for x in os.getloadavg())
    print(f"traffic_incidents: {common.engine_label(args.db)}; {os.cpu_count()} CPU, load average {load}")
    print(f"  {len(topology.approaches)} lengan, {len(topology.detectors)} detektor, {pairs} pasangan California "
          f"(ambang bawaan DetectorPair 8/0,5/0,15, persistensi 1); z-score robust: naik z ≥ {cfg.z_raise:g} "
          f"{cfg.consecutive}× berturut, turun z < {cfg.z_clear:g}, skala min {cfg.min_scale:g} poin, baseline "
          f"{cfg.baseline_days} hari (min {cfg.baseline_min_samples} sampel per slot); toleransi {args.tolerance} "
          "menit")
    results = [run_seed(seed, args, topology, device, pairs) for seed in args.seeds]
    for res in results:
        print_seed(res)
    print(f"\n  P11: DR ≥ {P11['dr']:.0%}, FAR ≤ {P11['far']:.0%} per detektor-interval, MTTD ≤ "
          f"{P11['mttd_intervals']:g} interval")
    for res in results:
        verdicts = []
        for method, row in res["scored"]["bawaan"]["rows"].items():
            ev = row["ev"]
            ok = ((ev.detection_rate or 0) >= P11["dr"] and (ev.false_alarm_rate_per_decision or 0) <= P11["far"]
                  and ev.mean_time_to_detect_s is not None
                  and ev.mean_time_to_detect_s / sim.DEFAULT_INTERVAL_S <= P11["mttd_intervals"])
            verdicts.append(f"{method} {'terpenuhi' if ok else 'TIDAK'}")
        print(f"  seed {res['seed']}: " + ", ".join(verdicts))


if __name__ == "__main__":
    main()
