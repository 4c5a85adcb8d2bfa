"""ATCS reads over ≥ 10 million raw readings: the city map, the city's last hour, one intersection's 24 hours.

Builds a throw-away city of --intersections signalised intersections (3-4 approaches each, lane loops on about half
of the approaches and one camera on the others, a controller with one phase per approach and a fixed-time plan)
with bulk_create, then loads --readings raw readings (5-minute intervals by default, ending at the last complete
interval before now, in time order as ingestion writes them): COPY on PostgreSQL, executemany in big transactions
on SQLite, with the secondary indexes dropped during the load and rebuilt after. The 5-minute, 15-minute and hourly
rollups are computed from the raw table in SQL (INSERT ... SELECT ... GROUP BY: the same sums ingestion keeps
incrementally). Prints the load time and the size of every table and index (bytes per reading, against P8).

Then times, in-process and server-side (`selectors` called directly, `now` frozen at the end of the data), each
over --runs runs after a warm-up, p50/p95 against the issue's targets (iot-traffic-parking.md §6.2):
  P4  latest state of every intersection: COMPUTED (cache cleared before every run) and from the cache, ≤ 50 ms;
  P5  city-wide last-hour summary (`city_summary`), map cached as in production and cold, ≤ 200 ms;
  P6  one intersection's 24 hours at 15 minutes (`intersection_series`), ≤ 20 ms;
and the data reads alone that the reference's physical limits (§6.3) time: the newest 15-minute bucket of every
detector, the city's last hour in 5-minute buckets, one detector's 24 hours. `--http` also times the same screens
through uvicorn; `--profile` profiles the computed map (SQL vs Python time, the heaviest functions, the plan of the
slowest statement).

On PostgreSQL it then measures (unless --no-brin) what a BRIN index on TrafficReading.start does against the btree
`traffic_reading_start`: size, build time, raw range queries (city-wide last hour in 5-minute buckets, one day),
the retention prune of one day out of the table (TrafficHandler.prune, autocommit slices as in production) with
either index, the same after the freed space is reused by new readings, and a day partition dropped for scale.

`--keep-db NAME` keeps the loaded database (a PostgreSQL name or an SQLite file) and `--reuse-db NAME` measures it
again without loading (use --no-brin with them: the BRIN study prunes four days of readings).

    .venv/bin/python bench/traffic_queries.py [--db postgres] [--intersections 1000] [--readings 10000000]
                                              [--interval 300] [--runs 30] [--http] [--profile] [--no-brin]
                                              [--keep-db NAME | --reuse-db NAME]
"""

from __future__ import annotations

import atexit
import math
import os
import random
import shutil
import sys
import time
from collections.abc import Callable, Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

from lib import common  # noqa: E402

TARGETS_MS = {"P4": 50, "P5": 200, "P6": 20}  # iot-traffic-parking.md §6.2
P8_BYTES_PER_ROW = 80  # §6.2 P8: a PostgreSQL row with 4 metrics ≤ 80 B including indexes (≤ 20 B per data point)
READING_TABLE = "traffic_trafficreading"
ROLLUP_TABLES = {"5min": "traffic_rollup5min", "15min": "traffic_rollup15min", "hour": "traffic_rolluphour"}
COPY_COLUMNS = ("detector_id", "start", "seconds", "motor", "car", "heavy", "vehicles", "flow", "speed", "occupancy",
                "source", "received_at")


# --- Registry ---------------------------------------------------------------------------------------------------


def build_registry(n: int, seed: int, now: datetime) -> dict[str, int]:
    """n intersections around central Medan with approaches, lanes, detectors, controllers, phases and plans."""
    from django.db import transaction

    from kotacerdas.traffic.models import (
        Approach,
        Detector,
        EngineeringProfile,
        Intersection,
        Lane,
        Phase,
        PhaseGreen,
        SignalController,
        TimingPlan,
    )

    rng = random.Random(seed)
    directions = ("utara", "timur", "selatan", "barat")
    with transaction.atomic():
        inters = Intersection.objects.bulk_create([
            Intersection(code=f"bench-{i:04d}", name=f"Simpang Uji {i}", lat=round(rng.gauss(3.59, 0.035), 5),
                         lon=round(rng.gauss(98.678, 0.035), 5), approximate=True, source="bench")
            for i in range(1, n + 1)], batch_size=2000)
        approaches: list[Approach] = []
        for inter in inters:
            dirs = directions if rng.random() < 0.67 else tuple(sorted(rng.sample(directions, 3)))
            for d in dirs:
                lanes = rng.choice((2, 2, 3))
                approaches.append(Approach(intersection=inter, direction=d, name=f"Jalan {d} {inter.code}",
                                           width_m=round(lanes * rng.uniform(2.8, 3.5), 1), lanes=lanes))
        Approach.objects.bulk_create(approaches, batch_size=2000)
        loops = {a.pk: rng.random() < 0.5 for a in approaches}
        lanes_rows = Lane.objects.bulk_create([Lane(approach=a, number=k) for a in approaches if loops[a.pk]
                                               for k in range(1, a.lanes + 1)], batch_size=2000)
        detectors: list[Detector] = []
        for lane in lanes_rows:
            a = lane.approach
            detectors.append(Detector(code=f"{a.intersection.code}-{a.direction[0]}{lane.number}", kind="loop",
                                      approach=a, lane=lane))
        for a in approaches:
            if not loops[a.pk]:
                detectors.append(Detector(code=f"{a.intersection.code}-{a.direction[0]}", kind="camera", approach=a))
        Detector.objects.bulk_create(detectors, batch_size=2000)
        controllers = SignalController.objects.bulk_create([
            SignalController(intersection=i, code=f"{i.code}-ctl") for i in inters], batch_size=2000)
        by_inter: dict[int, list[Approach]] = {}
        for a in approaches:
            by_inter.setdefault(a.intersection_id, []).append(a)
        phases: list[Phase] = []
        phase_approach: list[tuple[Phase, Approach]] = []
        for ctl in controllers:
            for k, a in enumerate(by_inter[ctl.intersection_id], start=1):
                ph = Phase(controller=ctl, number=k, name=f"Fase {k}")
                phases.append(ph)
                phase_approach.append((ph, a))
        Phase.objects.bulk_create(phases, batch_size=2000)
        through = Approach.phases.through
        through.objects.bulk_create([through(phase_id=ph.pk, approach_id=a.pk) for ph, a in phase_approach],
                                    batch_size=2000)
        plans: list[TimingPlan] = []
        greens_of: dict[int, list[tuple[Phase, int]]] = {}
        for ctl in controllers:
            mine = [ph for ph in phases if ph.controller_id == ctl.pk]
            greens = [(ph, rng.randint(18, 40)) for ph in mine]
            lost = 4 * len(mine)
            plans.append(TimingPlan(controller=ctl, name="Rencana harian (uji)", cycle_s=sum(g for _p, g in greens)
                                    + lost, lost_time_s=lost, effective_from=now - timedelta(days=90)))
            greens_of[ctl.pk] = greens
        TimingPlan.objects.bulk_create(plans, batch_size=2000)
        PhaseGreen.objects.bulk_create([PhaseGreen(plan=p, phase=ph, green_s=g) for p in plans
                                        for ph, g in greens_of[p.controller_id]], batch_size=2000)
        # A surveyed profile for one intersection in ten, so that path is exercised too.
        EngineeringProfile.objects.bulk_create([
            EngineeringProfile(intersection=i, side_friction=0.93, parking=0.9, source="survei uji")
            for i in inters[::10]])
    return {"intersections": len(inters), "approaches": len(approaches), "lanes": len(lanes_rows),
            "detectors": len(detectors), "phases": len(phases), "plans": len(plans)}


# --- Readings ---------------------------------------------------------------------------------------------------


class Detectors:
    """Per-detector parameters of the synthetic load: ids, peak flow (veh/h), free speed, lanes watched."""

    def __init__(self, seed: int) -> None:
        import numpy as np

        from kotacerdas.traffic.models import Detector

        rows = list(Detector.objects.order_by("pk").values_list("pk", "lane_id", "approach__lanes"))
        rng = np.random.default_rng(seed)
        self.ids = np.array([r[0] for r in rows], dtype=np.int64)
        whole = np.array([r[1] is None for r in rows])
        lanes = np.array([r[2] for r in rows], dtype=np.float64)
        self.lanes = np.where(whole, lanes, 1.0)
        # Peak demand per lane 350-650 veh/h (motorcycle-heavy, PKJI-scale), a camera sees every lane.
        self.peak = rng.uniform(350, 650, len(rows)) * self.lanes
        self.free_speed = rng.uniform(38, 52, len(rows))
        self.dj = rng.uniform(0.7, 1.05, len(rows))
        self.n_rows = 0  # raw readings loaded

    def __len__(self) -> int:
        return len(self.ids)


def interval_values(det: Detectors, t: datetime, interval_s: int, rng: Any) -> tuple[Any, ...]:
    """Counts, flow, speed and occupancy of every detector for the interval starting at t (numpy arrays)."""
    import numpy as np

    from kotacerdas.traffic.simulator import profile

    p = profile(t + timedelta(seconds=interval_s / 2))
    mean = det.peak * p * interval_s / 3600
    vehicles = rng.poisson(mean)
    motor = rng.binomial(vehicles, 0.70)
    heavy = rng.binomial(vehicles - motor, 0.17)
    car = vehicles - motor - heavy
    x = det.dj * p
    speed = np.maximum(3.0, det.free_speed * np.where(x <= 1, 1 - 0.55 * x ** 2.5, 0.45 / x ** 1.5)
                       * rng.normal(1.0, 0.04, len(det)))
    flow = vehicles * 3600.0 / interval_s
    occupancy = np.clip((flow / det.lanes) / speed * 3.6 / 10 * rng.normal(1.0, 0.05, len(det))
                        + np.maximum(0.0, x - 1) * 25, 0.0, 98.0)
    return vehicles, motor, car, heavy, flow, speed, occupancy


def interval_starts(end: datetime, count: int, interval_s: int) -> list[datetime]:
    return [end - timedelta(seconds=interval_s * k) for k in range(count, 0, -1)]


def pg_lines(det: Detectors, starts: list[datetime], interval_s: int, seed: int) -> Iterator[str]:
    """COPY text, one block per interval (tab-separated, \\N for NULL)."""
    import numpy as np

    rng = np.random.default_rng(seed)
    ids = det.ids.tolist()
    for t in starts:
        vehicles, motor, car, heavy, flow, speed, occ = interval_values(det, t, interval_s, rng)
        ts = t.strftime("%Y-%m-%d %H:%M:%S+00")
        received = (t + timedelta(seconds=interval_s + 20)).strftime("%Y-%m-%d %H:%M:%S+00")
        tail = f"\tbnch\t{received}\n"
        head = f"\t{ts}\t{interval_s}\t"
        yield "".join(
            f"{d}{head}{m}\t{c}\t{h}\t{v}\t{f:.1f}\t{(f'{s:.1f}' if v else chr(92) + 'N')}\t{o:.1f}{tail}"
            for d, m, c, h, v, f, s, o in zip(ids, motor.tolist(), car.tolist(), heavy.tolist(), vehicles.tolist(),
                                              flow.tolist(), speed.tolist(), occ.tolist(), strict=True))


def sqlite_rows(det: Detectors, starts: list[datetime], interval_s: int, seed: int) -> Iterator[list[tuple]]:
    """executemany parameters, one list per interval; datetimes as Django stores them on SQLite (naive UTC)."""
    import numpy as np

    rng = np.random.default_rng(seed)
    ids = det.ids.tolist()
    for t in starts:
        vehicles, motor, car, heavy, flow, speed, occ = interval_values(det, t, interval_s, rng)
        ts = t.strftime("%Y-%m-%d %H:%M:%S")
        received = (t + timedelta(seconds=interval_s + 20)).strftime("%Y-%m-%d %H:%M:%S")
        yield [(d, ts, interval_s, m, c, h, v, round(f, 1), round(s, 1) if v else None, round(o, 1), "bnch",
                received)
               for d, m, c, h, v, f, s, o in zip(ids, motor.tolist(), car.tolist(), heavy.tolist(), vehicles.tolist(),
                                                 flow.tolist(), speed.tolist(), occ.tolist(), strict=True)]


def secondary_indexes(table: str) -> list[tuple[str, str, str]]:
    """(name, drop SQL, create SQL) of a table's indexes other than the primary key, read from the catalogue."""
    from django.db import connection

    out: list[tuple[str, str, str]] = []
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SELECT conname, pg_get_constraintdef(oid) FROM pg_constraint WHERE conrelid = %s::regclass "
                           "AND contype = 'u'", [table])
            constraints = cursor.fetchall()
            for name, definition in constraints:
                out.append((name, f'ALTER TABLE "{table}" DROP CONSTRAINT "{name}"',
                            f'ALTER TABLE "{table}" ADD CONSTRAINT "{name}" {definition}'))
            cursor.execute("SELECT i.indexname, i.indexdef FROM pg_indexes i WHERE i.tablename = %s AND NOT EXISTS "
                           "(SELECT 1 FROM pg_constraint c WHERE c.conname = i.indexname AND c.conrelid = "
                           "%s::regclass)", [table, table])
            for name, definition in cursor.fetchall():
                out.append((name, f'DROP INDEX "{name}"', definition))
        else:
            cursor.execute("SELECT name, sql FROM sqlite_master WHERE type = 'index' AND tbl_name = %s AND sql IS NOT "
                           "NULL", [table])
            for name, definition in cursor.fetchall():
                out.append((name, f'DROP INDEX "{name}"', definition))
    return out


def load_readings(det: Detectors, starts: list[datetime], interval_s: int, seed: int) -> float:
    """Raw readings in time order; returns seconds spent (indexes rebuilt after are timed separately)."""
    from django.db import connection, transaction

    began = time.perf_counter()
    if connection.vendor == "postgresql":
        cols = ", ".join(COPY_COLUMNS)
        with connection.cursor() as cursor:
            raw = cursor.cursor  # psycopg's own cursor: COPY
            with raw.copy(f"COPY {READING_TABLE} ({cols}) FROM STDIN") as copy:
                for block in pg_lines(det, starts, interval_s, seed):
                    copy.write(block)
    else:
        sql = (f"INSERT INTO {READING_TABLE} ({', '.join(COPY_COLUMNS)}) VALUES "  # noqa: S608 - constant names
               f"({', '.join(['?'] * len(COPY_COLUMNS))})")
        raw_conn = connection.connection
        batch: list[tuple] = []
        for rows in sqlite_rows(det, starts, interval_s, seed):
            batch += rows
            if len(batch) >= 500_000:
                with transaction.atomic():
                    raw_conn.executemany(sql, batch)
                batch = []
        if batch:
            with transaction.atomic():
                raw_conn.executemany(sql, batch)
    return time.perf_counter() - began


def bucket_sql(column: str, seconds: int) -> str:
    from django.db import connection

    if connection.vendor == "postgresql":
        return f"to_timestamp(floor(extract(epoch FROM {column}) / {seconds}) * {seconds})"
    return f"datetime(CAST(strftime('%s', {column}) AS INTEGER) / {seconds} * {seconds}, 'unixepoch')"


def load_rollups() -> dict[str, float]:
    """The three rollup tables from the raw table (5 min) and from each other (15 min, hour): sums are additive."""
    from django.db import connection, transaction

    sums = ("readings", "seconds", "count_seconds", "vehicles", "motor", "car", "heavy", "speed_sum", "speed_n",
            "occupancy_sum", "occupancy_seconds")
    cols = ", ".join(("detector_id", "bucket_start", *sums))
    # Exactly the increments of TrafficHandler.rollup (traffic/ingest.py) per reading.
    from_raw = ("COUNT(*), SUM(seconds), SUM(CASE WHEN vehicles IS NOT NULL THEN seconds ELSE 0 END), "
                "SUM(COALESCE(vehicles, 0)), SUM(COALESCE(motor, 0)), SUM(COALESCE(car, 0)), SUM(COALESCE(heavy, 0)), "
                "SUM(COALESCE(speed, 0)), COUNT(speed), SUM(COALESCE(occupancy * seconds, 0)), "
                "SUM(CASE WHEN occupancy IS NOT NULL THEN seconds ELSE 0 END)")
    from_rollup = ", ".join(f"SUM({s})" for s in sums)
    timings: dict[str, float] = {}
    steps = [("5min", READING_TABLE, "start", 300, from_raw), ("15min", ROLLUP_TABLES["5min"], "bucket_start", 900,
                                                                from_rollup),
             ("hour", ROLLUP_TABLES["15min"], "bucket_start", 3600, from_rollup)]
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SET work_mem = '256MB'")
        for name, source, column, seconds, select in steps:
            began = time.perf_counter()
            bucket = bucket_sql(column, seconds)
            with transaction.atomic():
                cursor.execute(f"INSERT INTO {ROLLUP_TABLES[name]} ({cols}) SELECT detector_id, {bucket}, {select} "  # noqa: S608
                               f"FROM {source} GROUP BY detector_id, {bucket} ORDER BY {bucket}, detector_id")
            timings[name] = time.perf_counter() - began
        if connection.vendor == "postgresql":
            cursor.execute("RESET work_mem")
    return timings


def drop_indexes(tables: list[str]) -> list[tuple[str, str, str]]:
    from django.db import connection

    dropped = [ix for t in tables for ix in secondary_indexes(t)]
    with connection.cursor() as cursor:
        for _name, drop, _create in dropped:
            cursor.execute(drop)
    return dropped


def rebuild_indexes(dropped: list[tuple[str, str, str]]) -> float:
    from django.db import connection

    began = time.perf_counter()
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SET maintenance_work_mem = '512MB'")
        for _name, _drop, create in dropped:
            cursor.execute(create)
        if connection.vendor == "postgresql":
            cursor.execute("RESET maintenance_work_mem")
    return time.perf_counter() - began


def few_alarms(n: int, now: datetime) -> None:
    """Open and closed alarms and yesterday's detector health, as a running city has."""
    from django.utils import timezone

    from kotacerdas.traffic.models import Alarm, Detector, DetectorHealthReport

    rng = random.Random(5)
    dets = list(Detector.objects.select_related("approach").order_by("?")[:n])
    Alarm.objects.bulk_create([
        Alarm(kind=rng.choice(("incident", "congestion")), method="zscore", key=f"zscore:{d.pk}",
              state="raised" if k % 3 else "cleared", intersection_id=d.approach.intersection_id,
              approach_id=d.approach_id, detector=d, raised_at=now - timedelta(minutes=rng.randint(5, 600)),
              cleared_at=None if k % 3 else now - timedelta(minutes=2)) for k, d in enumerate(dets)])
    yesterday = timezone.localdate(now) - timedelta(days=1)
    DetectorHealthReport.objects.bulk_create([
        DetectorHealthReport(detector_id=pk, day=yesterday, healthy=rng.random() > 0.05, assessed_at=now)
        for pk in Detector.objects.values_list("pk", flat=True)], batch_size=5000)


# --- Sizes ------------------------------------------------------------------------------------------------------


def sizes() -> list[tuple[str, int, int, list[tuple[str, int]]]]:
    """(table, rows, table bytes, [(index, bytes)]) for the raw and rollup tables."""
    from django.db import connection

    out = []
    with connection.cursor() as cursor:
        for table in (READING_TABLE, *ROLLUP_TABLES.values()):
            cursor.execute(f"SELECT COUNT(*) FROM {table}")  # noqa: S608 - constant names
            rows = cursor.fetchone()[0]
            if connection.vendor == "postgresql":
                cursor.execute("SELECT pg_table_size(%s::regclass)", [table])
                tbytes = cursor.fetchone()[0]
                cursor.execute("SELECT indexrelid::regclass::text, pg_relation_size(indexrelid) FROM pg_index "
                               "WHERE indrelid = %s::regclass ORDER BY 1", [table])
                indexes = list(cursor.fetchall())
            else:
                cursor.execute("SELECT name, SUM(pgsize) FROM dbstat WHERE name = %s OR name IN (SELECT name FROM "
                               "sqlite_master WHERE type = 'index' AND tbl_name = %s) GROUP BY name", [table, table])
                found = dict(cursor.fetchall())
                tbytes = found.pop(table, 0)
                indexes = sorted(found.items())
            out.append((table, rows, tbytes, indexes))
    return out


def print_sizes(label: str = "") -> tuple[int, int]:
    """Prints sizes; returns (raw rows, raw bytes including indexes)."""
    raw_rows = raw_total = 0
    print(f"\n  ukuran {label}".rstrip())
    for table, rows, tbytes, indexes in sizes():
        ibytes = sum(b for _n, b in indexes)
        per = (tbytes + ibytes) / rows if rows else 0
        print(f"  {table:24} {rows:>12,} baris  tabel {tbytes / 2**20:8.1f} MiB  indeks {ibytes / 2**20:8.1f} MiB  "
              f"= {per:6.1f} B/baris")
        for name, b in indexes:
            print(f"      {name:44} {b / 2**20:8.1f} MiB  {b / rows if rows else 0:6.1f} B/baris")
        if table == READING_TABLE:
            raw_rows, raw_total = rows, tbytes + ibytes
    return raw_rows, raw_total


# --- Timing -----------------------------------------------------------------------------------------------------


timed = common.timed


def report(label: str, times: list[float], target: str | None, results: list[tuple[str, float, str | None]]) -> None:
    p50, p95 = common.percentile(times, 50) * 1000, common.percentile(times, 95) * 1000
    verdict = ""
    if target:
        limit = TARGETS_MS[target]
        verdict = f"  {target} ≤ {limit} ms: " + ("terpenuhi" if p95 <= limit else "TIDAK terpenuhi")
    print(f"  {label:52} p50 {p50:8.1f}  p95 {p95:8.1f} ms{verdict}")
    results.append((label, p95, target))


def profile_call(fn: Callable[[], Any], before: Callable[[], Any]) -> None:
    """The computed map in-process: SQL time (re-run with every row fetched) vs the rest; heaviest functions."""
    import cProfile
    import pstats

    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    before()
    fn()
    before()
    with CaptureQueriesContext(connection) as ctx:
        began = time.perf_counter()
        fn()
        total = time.perf_counter() - began
    timed_q = []
    with connection.cursor() as cursor:
        for q in ctx.captured_queries:
            best = float("inf")
            rows = 0
            for _ in range(3):
                began = time.perf_counter()
                cursor.execute(q["sql"])
                rows = len(cursor.fetchall()) if cursor.description else 0
                best = min(best, time.perf_counter() - began)
            timed_q.append((best, rows, q["sql"]))
    sql_time = sum(t for t, _r, _s in timed_q)
    print(f"\nprofil: peta terhitung (latest_state tanpa cache), total {total * 1000:.0f} ms; {len(timed_q)} query SQL "
          f"{sql_time * 1000:.0f} ms (semua baris diambil); di luar basis data {(total - sql_time) * 1000:.0f} ms")
    for t, rows, sql in sorted(timed_q, reverse=True)[:8]:
        print(f"    {t * 1000:7.1f} ms {rows:7d} baris  {sql[:150]}")
    before()
    prof = cProfile.Profile()
    prof.enable()
    fn()
    prof.disable()
    print("  fungsi Python terberat (tottime):")
    stats = pstats.Stats(prof)
    rows_ = sorted(stats.stats.items(), key=lambda kv: kv[1][2], reverse=True)[:15]  # type: ignore[attr-defined]
    for (filename, line, name), (_cc, calls, tottime, cumtime, _callers) in rows_:
        where = filename.split("site-packages/")[-1].split("/work/main/")[-1]
        print(f"    {tottime * 1000:7.1f} ms  {cumtime * 1000:7.1f} ms kum.  {calls:7d}x  {name} ({where}:{line})")
    slowest = max(timed_q)
    explain = "EXPLAIN (ANALYZE, BUFFERS) " if connection.vendor == "postgresql" else "EXPLAIN QUERY PLAN "
    with connection.cursor() as cursor:
        cursor.execute(explain + slowest[2])
        plan = cursor.fetchall()
    print(f"  rencana query terlama ({slowest[0] * 1000:.1f} ms):")
    for row in plan:
        print("    " + (row[0] if connection.vendor == "postgresql" else " | ".join(map(str, row))))


def http_checks(runs: int, codes: list[str], results: list[tuple[str, float, str | None]]) -> None:
    """The same screens through uvicorn as an operator (the server's own cache: the first map request computes)."""
    import requests

    from kotacerdas.accounts.models import Role, User

    user, _new = User.objects.get_or_create(username="operator-bench", defaults={"role": Role.OPERATOR})
    user.set_password("uji-beban-123")  # a database kept from an earlier run has the account already
    user.save()
    server = common.Server()
    session = requests.Session()
    common.login(session, server.url, "operator-bench", "uji-beban-123")

    def get(path: str) -> Callable[[], None]:
        def run() -> None:
            r = session.get(server.url + path, timeout=120)
            if r.status_code != 200:
                raise RuntimeError(f"GET {path} -> HTTP {r.status_code}")
        return run

    print(f"\n  HTTP (uvicorn, 1 worker, operator masuk; {runs} permintaan)")
    report("GET /atcs/peta.geojson (peta, cache server)", timed(get("/atcs/peta.geojson"), runs), None, results)
    report("GET /atcs/ (halaman peta + ringkasan kota)", timed(get("/atcs/"), runs), None, results)
    cycle = iter(codes * (runs // len(codes) + 3))
    report("GET /atcs/simpang/<kode>/ (grafik 24 jam)",
           timed(lambda: get(f"/atcs/simpang/{next(cycle)}/")(), runs), None, results)
    server.stop()


# --- BRIN and partitions (PostgreSQL) ----------------------------------------------------------------------------


def brin_study(det: Detectors, first: datetime, end: datetime, interval_s: int, runs: int) -> None:
    """btree vs BRIN on TrafficReading.start: size, raw range queries, the daily prune, and both after the space
    freed by pruning has been reused by new readings (what DELETE-based retention does to a table over time)."""
    from django.db import connection, transaction
    from django.test import override_settings

    from kotacerdas.traffic.ingest import TrafficHandler

    def one(sql: str, params: list[Any] | None = None) -> Any:
        with connection.cursor() as cursor:
            cursor.execute(sql, params or [])
            return cursor.fetchall() if cursor.description else cursor.rowcount

    def rel_size(name: str) -> int:
        return one("SELECT pg_relation_size(%s::regclass)", [name])[0][0]

    hour_sql = (f"SELECT date_bin('5 minutes', start, TIMESTAMPTZ 'epoch'), COUNT(*), SUM(vehicles), AVG(speed), "  # noqa: S608
                f"AVG(occupancy) FROM {READING_TABLE} WHERE start >= %s AND start < %s GROUP BY 1")
    day_sql = f"SELECT COUNT(*), SUM(vehicles) FROM {READING_TABLE} WHERE start >= %s AND start < %s"  # noqa: S608
    queries = {"kota 1 jam terakhir per 5 menit": (hour_sql, [end - timedelta(hours=1), end]),
               "satu hari (24 jam sebelum jam terakhir)": (day_sql, [end - timedelta(hours=25),
                                                                    end - timedelta(hours=1)])}

    def measure(tag: str) -> None:
        one("ANALYZE " + READING_TABLE)
        for label, (sql, params) in queries.items():
            times = timed(lambda s=sql, p=params: one(s, p), max(10, runs // 3))
            plan = [r[0] for r in one("EXPLAIN (ANALYZE, BUFFERS) " + sql, params)]
            scan = next((r.strip().lstrip("-> ").split("  ")[0].split(" (")[0] for r in plan if "Scan" in r), "?")
            buffers = next((r.strip() for r in plan if "Buffers" in r), "")
            print(f"    [{tag}] {label:40} p50 {common.percentile(times, 50) * 1000:7.1f}  "
                  f"p95 {common.percentile(times, 95) * 1000:7.1f} ms  ({scan}; {buffers})")

    retention = 30

    def prune(k: int, tag: str) -> None:
        # TrafficHandler.prune as the daily task runs it (autocommit slices), below a cutoff one day further on.
        cutoff = first + timedelta(days=k)
        with override_settings(TRAFFIC_RAW_RETENTION_DAYS=retention):
            began = time.perf_counter()
            n = TrafficHandler().prune(cutoff + timedelta(days=retention))
            took = time.perf_counter() - began
        print(f"    [{tag}] prune 1 hari: {n:,} baris (start < {cutoff:%m-%d %H:%M}) dalam {took:.1f} dtk "
              f"({n / took:,.0f} baris/dtk)")

    total = one(f"SELECT COUNT(*) FROM {READING_TABLE}")[0][0]  # noqa: S608
    print(f"\nBRIN vs btree pada {READING_TABLE}.start (PostgreSQL; {total:,} baris, disisipkan urut waktu seperti "
          "ingest)")
    btree = rel_size("traffic_reading_start")
    print(f"  btree traffic_reading_start: {btree / 2**20:.1f} MiB ({btree / total:.1f} B/baris)")
    measure("btree")
    prune(1, "btree")
    one("VACUUM " + READING_TABLE)
    began = time.perf_counter()
    one(f"CREATE INDEX traffic_reading_start_brin ON {READING_TABLE} USING brin (start)")
    built = time.perf_counter() - began
    brin = rel_size("traffic_reading_start_brin")
    print(f"  BRIN (pages_per_range 128): dibangun {built:.1f} dtk, {brin / 2**10:.0f} KiB; btree "
          f"{btree / 2**20:.0f} MiB: hemat {(btree - brin) / 2**20:.0f} MiB = {(btree - brin) / total:.1f} B/baris")
    one("DROP INDEX traffic_reading_start")
    measure("BRIN ")
    prune(2, "BRIN ")

    # DELETE-based retention frees the oldest pages; after VACUUM new readings land in them, inside block ranges
    # whose BRIN summaries only ever widen. One more day of readings (stamped after the data) shows the effect.
    one("VACUUM " + READING_TABLE)
    new_day = interval_starts(end + timedelta(days=1), 86400 // interval_s, interval_s)
    with transaction.atomic(), connection.cursor() as cursor, cursor.cursor.copy(
            f"COPY {READING_TABLE} ({', '.join(COPY_COLUMNS)}) FROM STDIN") as copy:
        for block in pg_lines(det, new_day, interval_s, 99):
            copy.write(block)
    newest = end + timedelta(days=1)
    queries["kota 1 jam terakhir per 5 menit"] = (hour_sql, [newest - timedelta(hours=1), newest])
    print(f"  setelah prune + VACUUM, {len(new_day) * len(det):,} bacaan baru (1 hari) mengisi ruang yang dibebaskan:")
    measure("BRIN ")
    prune(3, "BRIN ")
    began = time.perf_counter()
    one(f"CREATE INDEX traffic_reading_start ON {READING_TABLE} (start)")
    print(f"    btree dibangun ulang dalam {time.perf_counter() - began:.1f} dtk")
    one("DROP INDEX traffic_reading_start_brin")
    measure("btree")
    prune(4, "btree")

    # A day partition, for scale: what retention costs when a day is a table of its own.
    one(f"CREATE TABLE bench_part (LIKE {READING_TABLE} INCLUDING DEFAULTS) PARTITION BY RANGE (start)")
    lo = end - timedelta(days=1)
    one("CREATE TABLE bench_part_0 PARTITION OF bench_part FOR VALUES FROM (%s) TO (%s)", [lo, end])
    one(f"INSERT INTO bench_part SELECT * FROM {READING_TABLE} WHERE start >= %s AND start < %s", [lo, end])  # noqa: S608
    rows = one("SELECT COUNT(*) FROM bench_part_0")[0][0]
    began = time.perf_counter()
    one("ALTER TABLE bench_part DETACH PARTITION bench_part_0")
    one("DROP TABLE bench_part_0")
    print(f"  partisi harian: DETACH + DROP satu hari ({rows:,} baris) {(time.perf_counter() - began) * 1000:.0f} ms")
    one("DROP TABLE bench_part")


# --- Main -------------------------------------------------------------------------------------------------------


def main() -> None:
    p = common.parser(__doc__.splitlines()[0])
    p.add_argument("--intersections", type=int, default=1000)
    p.add_argument("--readings", type=int, default=10_000_000, help="raw readings to load (10,000,000)")
    p.add_argument("--interval", type=int, default=300, help="detector interval in seconds (300)")
    p.add_argument("--runs", type=int, default=30, help="timed runs per query (30)")
    p.add_argument("--seed", type=int, default=4)
    p.add_argument("--http", action="store_true", help="also time the screens through uvicorn")
    p.add_argument("--profile", action="store_true", help="profile the computed map")
    p.add_argument("--no-brin", action="store_true", help="PostgreSQL: skip the BRIN/partition measurements")
    p.add_argument("--keep-db", metavar="NAME", help="load into this database (PostgreSQL name or SQLite file) and "
                                                     "keep it, to measure again with --reuse-db (use --no-brin: the "
                                                     "BRIN study prunes days)")
    p.add_argument("--reuse-db", metavar="NAME", help="measure a database loaded earlier with --keep-db")
    args = p.parse_args()
    named = args.keep_db or args.reuse_db
    if named:
        keep_database(args.db, named, fresh=bool(args.keep_db))
    else:
        common.prepare(args.db)
    common.setup_django()
    if not args.reuse_db:
        common.small_city()

    from django.db import connection

    now = datetime.now(UTC)
    end = datetime.fromtimestamp(int(now.timestamp()) // args.interval * args.interval, UTC)  # last complete end
    engine = common.engine_label(args.db)
    load = ", ".join(f"{x:.1f}" for x in os.getloadavg())
    print(f"traffic_queries: {engine}; {os.cpu_count()} CPU, load average {load} (mesin dipakai bersama: angka "
          "berisik)")
    if args.reuse_db:
        first, end = reused_bounds()
        measure_reads(args, Detectors(args.seed), first, end)
        return

    began = time.perf_counter()
    counts = build_registry(args.intersections, args.seed, now)
    print(f"  registri: {', '.join(f'{v:,} {k}' for k, v in counts.items())} dalam "
          f"{time.perf_counter() - began:.1f} dtk (bulk_create)")
    det = Detectors(args.seed)
    n_intervals = math.ceil(args.readings / len(det))
    starts = interval_starts(end, n_intervals, args.interval)
    det.n_rows = n_intervals * len(det)

    if connection.vendor == "sqlite":
        with connection.cursor() as cursor:
            cursor.execute("PRAGMA cache_size = -1000000")  # 1 GB page cache while loading (bench only)
    dropped = drop_indexes([READING_TABLE, *ROLLUP_TABLES.values()])
    raw_s = load_readings(det, starts, args.interval, args.seed)
    rate = det.n_rows / raw_s
    how = "COPY" if connection.vendor == "postgresql" else "executemany, 500.000 baris per transaksi"
    print(f"  {det.n_rows:,} bacaan mentah ({len(det):,} detektor × {n_intervals:,} interval {args.interval} dtk, "
          f"{starts[0]:%Y-%m-%d %H:%M} – {end:%Y-%m-%d %H:%M} UTC) dalam {raw_s:.1f} dtk ({rate:,.0f}/dtk, {how})")
    roll = load_rollups()
    print("  rekap dari tabel mentah (INSERT ... SELECT ... GROUP BY): "
          + ", ".join(f"{k} {v:.1f} dtk" for k, v in roll.items()))
    ix_s = rebuild_indexes(dropped)
    print(f"  {len(dropped)} indeks sekunder dibangun ulang dalam {ix_s:.1f} dtk")
    began = time.perf_counter()
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            for table in (READING_TABLE, *ROLLUP_TABLES.values()):
                cursor.execute(f"VACUUM (ANALYZE) {table}")
        else:
            cursor.execute("ANALYZE")
            cursor.execute("PRAGMA cache_size = -2000")  # back to SQLite's default for the measurements
    print(f"  {'VACUUM ANALYZE' if connection.vendor == 'postgresql' else 'ANALYZE'} "
          f"{time.perf_counter() - began:.1f} dtk")
    few_alarms(60, end)
    total_load = raw_s + sum(roll.values()) + ix_s
    raw_rows, raw_bytes = print_sizes()
    values_per_row = 7  # motor, car, heavy, vehicles, flow, speed, occupancy
    per_row = raw_bytes / raw_rows
    print(f"  mentah: {per_row:.0f} B per bacaan termasuk indeks = {per_row / values_per_row:.1f} B per nilai (7 nilai "
          f"per bacaan); P8: ≤ {P8_BYTES_PER_ROW} B per baris dengan 4 metrik termasuk indeks, ≤ 20 B per nilai; "
          f"waktu muat total {total_load:.0f} dtk")

    measure_reads(args, det, starts[0], end)


def reused_bounds() -> tuple[datetime, datetime]:
    """First interval start and last interval end of the raw readings of a database loaded earlier."""
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(f"SELECT MIN(start), MAX(start), MAX(seconds) FROM {READING_TABLE}")  # noqa: S608
        first, last, seconds = cursor.fetchone()
    first, last = (datetime.fromisoformat(t).replace(tzinfo=UTC) if isinstance(t, str) else t  # SQLite: text
                   for t in (first, last))
    return first, last + timedelta(seconds=seconds)


def keep_database(db: str, name: str, *, fresh: bool) -> None:
    """common.prepare's environment, on a named database that outlives the run."""
    import tempfile

    tmp = Path(tempfile.mkdtemp(prefix="kc-bench-"))
    atexit.register(shutil.rmtree, tmp, True)  # DATA_DIR and media go; the named database stays
    env = {"DJANGO_SETTINGS_MODULE": "kotacerdas.settings", "DEMO": "1", "DATA_DIR": str(tmp),
           "MEDIA_ROOT": str(tmp / "media"), "DB": db, "LOG_LEVEL": "WARNING", "TASKS_BROKER": "sqlite"}
    if db == "postgres":
        if fresh:
            common._pg_admin(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
            common._pg_admin(f'CREATE DATABASE "{name}"')
        env.update(DATABASE_URL=f"{common.PG_URL}/{name}", DB_CONN_MAX_AGE="0")
    else:
        if fresh and Path(name).exists():
            Path(name).unlink()
        env["SQLITE_PATH"] = str(Path(name).resolve())
    os.environ.update(env)
    print(f"  basis data disimpan: {name} (hapus sendiri setelah selesai)")


def measure_reads(args: Any, det: Detectors, first: datetime, end: datetime) -> None:
    from django.core.cache import cache
    from django.db import connection
    from django.db.models import Sum

    from kotacerdas.traffic import engineering, selectors
    from kotacerdas.traffic.models import Detector, Intersection, Rollup5Min, Rollup15Min

    # Measurements: `now` frozen just after the data's end, so the newest complete 15-minute bucket has data.
    frozen = end + timedelta(seconds=30)
    results: list[tuple[str, float, str | None]] = []
    print(f"\n  {'dalam proses, sisi server':52} ({args.runs} kali per query setelah pemanasan)")

    def cold() -> None:
        cache.clear()

    report(f"latest_state {args.intersections} simpang TERHITUNG (cache dikosongkan)",
           timed(lambda: selectors.latest_state(now=frozen), args.runs, before=cold), "P4", results)
    selectors.refresh_map(now=frozen)
    report(f"latest_state {args.intersections} simpang dari cache",
           timed(lambda: selectors.latest_state(now=frozen), args.runs), "P4", results)
    report("city_summary 1 jam terakhir (peta di cache, seperti produksi)",
           timed(lambda: selectors.city_summary(now=frozen), args.runs), "P5", results)
    report("city_summary 1 jam terakhir (cache kosong: peta ikut dihitung)",
           timed(lambda: selectors.city_summary(now=frozen), args.runs, before=cold), "P5", results)
    # The reference's physical limits (§6.3) are for the data access alone; the same reads here, from the rollups.
    bucket = engineering.last_complete_bucket(frozen)
    report("  data saja: rekap 15 menit terbaru, semua detektor (1 query)",
           timed(lambda: engineering.rollup_sums(Rollup15Min, bucket=bucket), args.runs), "P4", results)
    five = engineering.last_complete_bucket(frozen, "15min") + timedelta(minutes=15)
    report("  data saja: kota 1 jam terakhir per 5 menit, semua detektor",
           timed(lambda: list(Rollup5Min.objects.filter(bucket_start__gte=five - timedelta(hours=1),
                                                        bucket_start__lt=five).order_by("bucket_start")
                              .values_list("bucket_start").annotate(v=Sum("vehicles"), s=Sum("speed_sum"),
                                                                    n=Sum("speed_n"), o=Sum("occupancy_sum"),
                                                                    os=Sum("occupancy_seconds"))),
                 args.runs), "P5", results)
    det_ids = list(Detector.objects.order_by("?").values_list("pk", flat=True)[:args.runs + 2])
    dcycle = iter(det_ids * 3)
    report("  data saja: 1 detektor 24 jam per 15 menit",
           timed(lambda: engineering.rollup_sums(Rollup15Min, detector_ids=[next(dcycle)], since=bucket
                                                 - timedelta(hours=24), until=bucket), args.runs), "P6", results)
    ids = list(Intersection.objects.order_by("pk").values_list("pk", flat=True))
    rng = random.Random(11)
    cycle = iter(rng.sample(ids, min(len(ids), args.runs + 2)) * 3)
    report("intersection_series 1 simpang 24 jam per 15 menit",
           timed(lambda: selectors.intersection_series(next(cycle), hours=24, now=frozen), args.runs), "P6",
           results)
    report("engineering.intersection_state 1 simpang (+ saran Webster)",
           timed(lambda: engineering.intersection_state(rng.choice(ids), now=frozen), args.runs), None, results)
    selectors.refresh_map(now=frozen)
    if args.http:
        codes = list(Intersection.objects.order_by("?").values_list("code", flat=True)[:50])
        http_checks(args.runs, codes, results)
    missed = [r for r in results if r[2] and r[1] > TARGETS_MS[r[2]]]
    scope = "" if connection.vendor == "postgresql" else " (SQLite: acuan untuk pemasangan kecil)"
    print(f"\n  target: {'semua terpenuhi' if not missed else 'TIDAK terpenuhi: ' + '; '.join(r[0] for r in missed)}"
          f"{scope}")
    if args.profile:
        profile_call(lambda: selectors.latest_state(now=frozen), cold)
    if connection.vendor == "postgresql" and not args.no_brin:
        brin_study(det, first, end, args.interval, args.runs)


if __name__ == "__main__":
    main()
