"""Command Center live room at scale: server time of the room's first render and of each live update.

Builds a throw-away city (Medan's regions, OPD and categories), then bulk-inserts synthetic data:
- --complaints complaints over the last --complaint-days days (status mix of a running city, positions in
  Medan's kelurahan, SLA levels, ratings) with their timeline: intake for every case, resolved / confirmed /
  rated for closed ones, SLA breaches on about a quarter of the open ones, and a `complaint.created` outbox event
  for the newest cases (the feed);
- the ATCS registry and --readings raw traffic readings with their rollups, loaded as bench/traffic_queries.py
  does (COPY on PostgreSQL), plus open and cleared alarms;
- --parking-points e-parking points (the demo registry of seed_parking) with --parking-per-day payments per point
  per day over --parking-days days, occupancy readings of the last hour and a leakage assessment for yesterday.

Then, in-process through Django's test client as the Command Center operator (server time: URL routing,
middleware, selectors, SQL and template rendering; no network), p50/p95 over --runs runs:
- first render of /pusat-komando/ in a new web process (cache cleared before each run; the ATCS maps of now and
  of a week ago read from the MapSnapshot rows the worker's 5-minute tasks store, which the bench runs untimed
  whenever a new bucket closes), with a warm cache, and on a fresh install (no cache and no snapshot: both maps
  computed in the request; shown, not held to the goal, since it happens once before the worker has run);
- the open-stock snapshots of a week ago that the worker would have written then (complaints/stock.py);
- each live update room.js makes after an event: the tiles fragment, the feed fragment, the complaint layer
  (zoom 12, the whole city), the intersection, parking and alarm layers;
- the same first render and tiles as the head of an OPD (scoped reads).
Goal (issue #6 §4): ≤ 300 ms p95 at 1,000,000 complaints, 10,000,000 readings and a year of parking.

    .venv/bin/python bench/command_center.py [--db postgres] [--complaints 1000000] [--readings 10000000]
        [--intersections 1000] [--parking-days 365] [--parking-points 150] [--parking-per-day 40] [--runs 30]
"""

from __future__ import annotations

import math
import os
import random
import sys
import time
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

from lib import common  # noqa: E402

GOAL_MS = 300
STATUS_WEIGHTS = {"baru": 2, "disposisi": 2, "diproses": 4, "selesai": 2, "tuntas": 70, "tidak_tuntas": 8,
                  "bukan_wewenang": 6, "arsip": 4, "digabung": 2}
OPEN = ("baru", "tunda", "disposisi", "diproses", "selesai")


def create_complaints(n: int, days: int, seed: int) -> dict[str, int]:
    """Complaints and their timeline with bulk_create, 5,000 at a time."""
    from django.db import transaction
    from django.utils import timezone

    from kotacerdas.complaints import routing
    from kotacerdas.complaints.models import Category, Complaint, ComplaintEvent
    from kotacerdas.core.models import Event
    from kotacerdas.regions.models import Region

    rng = random.Random(seed)
    now = timezone.now()
    categories = list(Category.objects.all())
    rule_agency = {c.pk: routing.suggest(c, None).agency_id for c in categories}
    villages = list(Region.objects.filter(code__startswith="12.71.", level="kelurahan", lat__isnull=False)
                    .values_list("pk", "parent_id", "lat", "lon"))
    statuses, weights = list(STATUS_WEIGHTS), list(STATUS_WEIGHTS.values())
    n_events = 0
    batch: list[Complaint] = []
    for i in range(1, n + 1):
        category = rng.choice(categories)
        kel, kec, lat, lon = rng.choice(villages)
        # Newer cases are still open: an old case is closed whatever the draw said.
        created = now - timedelta(minutes=rng.randint(1, days * 24 * 60))
        status = rng.choices(statuses, weights)[0]
        if status in OPEN and now - created > timedelta(days=60):
            status = "tuntas"
        due = created + timedelta(days=rng.choice((3, 5, 7, 14)))
        batch.append(Complaint(
            tracking_no=f"BEN-{i:09d}", title=f"{category.name}", description="Data uji ruang kendali.",
            category=category, status=status, lat=lat + rng.uniform(-0.003, 0.003),
            lon=lon + rng.uniform(-0.003, 0.003), kelurahan_id=kel, kecamatan_id=kec,
            agency_id=None if status in ("baru", "arsip", "bukan_wewenang") else rule_agency[category.pk],
            reporter_name="Warga Uji", created_at=created, clock_started_at=created,
            stage="resolve" if status in OPEN else "", stage_due_at=due if status in OPEN else None,
            resolve_due_at=created + timedelta(days=14),
            sla_level=(100 if due < now else rng.choice((0, 50, 80))) if status in OPEN else 0,
            closed_at=created + timedelta(days=rng.uniform(1, 20)) if status not in OPEN else None,
            rating=rng.choice((2, 3, 4, 4, 5, 5)) if status == "tuntas" else None))
        if len(batch) == 5000 or i == n:
            with transaction.atomic():
                made = Complaint.objects.bulk_create(batch, batch_size=1000)
                events: list[ComplaintEvent] = []
                for c in made:
                    events.append(ComplaintEvent(complaint_id=c.pk, kind="created", at=c.created_at,
                                                 to_status="baru"))
                    if c.status in ("tuntas", "tidak_tuntas") and c.closed_at <= now:
                        resolved = c.closed_at - timedelta(hours=rng.uniform(2, 48))
                        events += [
                            ComplaintEvent(complaint_id=c.pk, kind="resolved", at=resolved, from_status="diproses",
                                           to_status="selesai"),
                            ComplaintEvent(complaint_id=c.pk, kind="confirmed", at=c.closed_at,
                                           from_status="selesai", to_status=c.status),
                            ComplaintEvent(complaint_id=c.pk, kind="rated", at=c.closed_at, from_status=c.status,
                                           to_status=c.status)]
                    elif c.status in OPEN and c.sla_level == 100:
                        events.append(ComplaintEvent(complaint_id=c.pk, kind="sla_breach", at=c.stage_due_at,
                                                     from_status=c.status, to_status=c.status))
                ComplaintEvent.objects.bulk_create(events, batch_size=2000)
                n_events += len(events)
            batch = []
    newest = Complaint.objects.order_by("-created_at").values_list("pk", flat=True)[:200]
    Event.objects.bulk_create([Event(topic="complaint.created", payload={"id": pk}) for pk in reversed(newest)])
    return {"complaints": n, "timeline": n_events}


def create_traffic(intersections: int, readings: int, seed: int) -> dict[str, Any]:
    import traffic_queries as tq
    from django.db import connection

    now = datetime.now(UTC)
    interval = 300
    end = datetime.fromtimestamp(int(now.timestamp()) // interval * interval, UTC)
    counts = tq.build_registry(intersections, seed, now)
    det = tq.Detectors(seed)
    n_intervals = max(1, math.ceil(readings / len(det)))
    starts = tq.interval_starts(end, n_intervals, interval)
    det.n_rows = n_intervals * len(det)
    dropped = tq.drop_indexes([tq.READING_TABLE, *tq.ROLLUP_TABLES.values()])
    tq.load_readings(det, starts, interval, seed)
    tq.load_rollups()
    tq.rebuild_indexes(dropped)
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    tq.few_alarms(60, end)
    return {**counts, "readings": det.n_rows, "from": starts[0]}


def create_parking(points: int, days: int, per_day: int, seed: int) -> dict[str, int]:
    from io import StringIO

    from django.core.management import call_command
    from django.db import transaction
    from django.utils import timezone

    from kotacerdas.parking import leakage
    from kotacerdas.parking.models import Jukir, OccupancyReading, ParkingPoint, ParkingTransaction

    call_command("seed_parking", "--count", str(points), "--no-accounts", stdout=StringIO())
    rng = random.Random(seed)
    now = timezone.now()
    pts = list(ParkingPoint.objects.all())
    jukir = Jukir.objects.first()
    total = 0
    for d in range(days, -1, -1):
        day0 = timezone.localtime(now - timedelta(days=d)).replace(hour=7, minute=0, second=0, microsecond=0)
        rows = []
        for p in pts:
            for k in range(per_day):
                paid = day0 + timedelta(minutes=rng.uniform(0, 15 * 60))
                if paid > now:
                    continue
                rows.append(ParkingTransaction(reference=f"b{d}-{p.pk}-{k}", channel="webhook", origin="bench",
                                               point=p, jukir=jukir, operator_id=p.operator_id,
                                               vehicle_class="motor", method="qris_dinamis", amount=3000,
                                               paid_at=paid))
        with transaction.atomic():
            ParkingTransaction.objects.bulk_create(rows, batch_size=5000)
        total += len(rows)
    OccupancyReading.objects.bulk_create([
        OccupancyReading(point=p, start=now - timedelta(minutes=10), seconds=300, occupied=rng.randint(0, 30),
                         total=30) for p in pts])
    leakage.do_assess_leakage(timezone.localdate(now) - timedelta(days=1))
    return {"points": len(pts), "transactions": total}


def timed_ms(fn: Callable[[], Any], runs: int, before: Callable[[], Any] | None = None) -> list[float]:
    return [t * 1000 for t in common.timed(fn, runs, before)]


def main() -> None:
    p = common.parser(__doc__.splitlines()[0])
    p.add_argument("--complaints", type=int, default=100_000)
    p.add_argument("--complaint-days", type=int, default=365)
    p.add_argument("--readings", type=int, default=1_000_000)
    p.add_argument("--intersections", type=int, default=1000)
    p.add_argument("--parking-days", type=int, default=365)
    p.add_argument("--parking-points", type=int, default=150)
    p.add_argument("--parking-per-day", type=int, default=40)
    p.add_argument("--runs", type=int, default=30)
    p.add_argument("--seed", type=int, default=6)
    p.add_argument("--explain", action="store_true", help="PostgreSQL: EXPLAIN ANALYZE the tiles' queries ≥ 20 ms")
    args = p.parse_args()
    common.prepare(args.db)
    common.setup_django()
    common.small_city()

    from django.core.cache import cache
    from django.test import Client

    from kotacerdas.accounts.models import Role, User
    from kotacerdas.agencies.models import Agency

    engine = common.engine_label(args.db)
    load = ", ".join(f"{x:.1f}" for x in os.getloadavg())
    print(f"command_center: {engine}; {os.cpu_count()} CPU, load average {load} (mesin dipakai bersama)")
    began = time.perf_counter()
    made = create_complaints(args.complaints, args.complaint_days, args.seed)
    print(f"  {made['complaints']:,} aduan, {made['timeline']:,} baris linimasa: "
          f"{time.perf_counter() - began:.0f} dtk")
    began = time.perf_counter()
    traffic = create_traffic(args.intersections, args.readings, args.seed)
    print(f"  ATCS: {traffic['intersections']:,} simpang, {traffic['detectors']:,} detektor, "
          f"{traffic['readings']:,} bacaan sejak {traffic['from']:%Y-%m-%d %H:%M} UTC + rekap: "
          f"{time.perf_counter() - began:.0f} dtk")
    began = time.perf_counter()
    parking = create_parking(args.parking_points, args.parking_days, args.parking_per_day, args.seed)
    print(f"  parkir: {parking['points']} titik, {parking['transactions']:,} transaksi "
          f"({args.parking_days} hari): {time.perf_counter() - began:.0f} dtk")

    operator = User.objects.create_user(username="bench_operator", password="x", role=Role.OPERATOR)
    head = User.objects.create_user(username="bench_kepala", password="x", role=Role.PENGHUBUNG,
                                    agency=Agency.objects.order_by("pk").first())
    clients = {}
    for name, user in (("operator", operator), ("kepala OPD", head)):
        c = Client()
        c.force_login(user)
        clients[name] = c

    def get(who: str, url: str) -> Callable[[], None]:
        def run() -> None:
            response = clients[who].get(url)
            if response.status_code != 200:
                raise RuntimeError(f"{url}: HTTP {response.status_code}")
            if getattr(response, "streaming", False):
                b"".join(response.streaming_content)
        return run

    from kotacerdas.command_center import tasks_live
    from kotacerdas.traffic import engineering
    from kotacerdas.traffic import selectors as traffic_selectors
    from kotacerdas.traffic.models import MapSnapshot

    refreshed: list[Any] = [None]

    # The open stock a week ago, as the worker's 5-minute task would have stored it then (OpenStockSnapshot; the
    # bench's history was loaded at once, so the counts are today's: only the read is measured, one indexed row).
    from django.utils import timezone

    from kotacerdas.command_center import live
    from kotacerdas.complaints import stock

    week_ago = timezone.now() - live.WEEK
    for minutes in range(-10, 120, 5):
        stock.snapshot(week_ago + timedelta(minutes=minutes))

    def worker_tasks() -> None:
        """What the Huey consumer does every 5 minutes: store the map of the newest bucket and of a week ago."""
        bucket = engineering.last_complete_bucket()
        if refreshed[0] != bucket:
            traffic_selectors.refresh_map()
            tasks_live.refresh_week_ago_map()
            refreshed[0] = bucket

    def new_process() -> None:
        """A web process that has not served the room yet (a restart, another worker): its cache is empty, the
        stored snapshots are there (untimed: the worker keeps them)."""
        worker_tasks()
        cache.clear()

    def fresh_install() -> None:
        """No worker has ever run: no cache and no snapshot, both maps computed in the request."""
        MapSnapshot.objects.all().delete()
        refreshed[0] = None
        cache.clear()

    checks = [
        ("render pertama, instalasi baru (peta dihitung)", "operator", "/pusat-komando/", fresh_install),
        ("render pertama, proses web baru (cache kosong)", "operator", "/pusat-komando/", new_process),
        ("render pertama (cache hangat)", "operator", "/pusat-komando/", None),
        ("dinding (peta ATCS di cache)", "operator", "/pusat-komando/dinding/", None),
        ("pembaruan: ubin", "operator", "/pusat-komando/ubin/", None),
        ("pembaruan: umpan", "operator", "/pusat-komando/umpan/", None),
        ("pembaruan: lapisan aduan (zoom 12)", "operator", "/api/v1/command-center/map/complaints/?zoom=12", None),
        ("pembaruan: lapisan simpang", "operator", "/api/v1/command-center/map/intersections/", None),
        ("pembaruan: lapisan parkir", "operator", "/api/v1/command-center/map/parking/", None),
        ("pembaruan: lapisan alarm", "operator", "/api/v1/command-center/map/alarms/", None),
        ("kepala OPD: render pertama", "kepala OPD", "/pusat-komando/", None),
        ("kepala OPD: ubin", "kepala OPD", "/pusat-komando/ubin/", None),
        ("kepala OPD: lapisan aduan", "kepala OPD", "/api/v1/command-center/map/complaints/?zoom=12", None),
    ]
    print(f"  waktu server per permintaan (dalam proses, {args.runs} kali), sasaran p95 ≤ {GOAL_MS} ms:")
    update_p95 = []
    for label, who, url, before in checks:
        if before is None:
            worker_tasks()
        times = timed_ms(get(who, url), args.runs, before)
        p50, p95 = common.percentile(times, 50), common.percentile(times, 95)
        if label.startswith("pembaruan"):
            update_p95.append(p95)
        # A fresh install computes both maps once (then the worker stores them): shown, not held to the goal.
        mark = "-" if before is fresh_install else "ok" if p95 <= GOAL_MS else "LEWAT"
        print(f"    {label:48s} p50 {p50:7.1f} ms  p95 {p95:7.1f} ms  {mark}")
    print(f"  satu pembaruan lengkap setelah kejadian (ubin + umpan + 4 lapisan, berurutan): p95 ≤ "
          f"{sum(update_p95):.0f} ms (jumlah p95)")

    # Where the tiles' time goes (selectors called directly, caches warm as above).
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    print("  rincian ubin (operator, dalam proses):")
    for label, fn in (("aduan", live.complaint_tiles), ("lalu lintas", live.traffic_tiles),
                      ("parkir", live.parking_tiles)):
        def one(fn: Callable[..., Any] = fn) -> None:
            now = timezone.now()
            fn(operator, now, live.day_start(now))
        times = timed_ms(one, args.runs)
        with CaptureQueriesContext(connection) as ctx:
            one()
        print(f"    {label:12s} p50 {common.percentile(times, 50):7.1f} ms  p95 {common.percentile(times, 95):7.1f} ms"
              f"  {len(ctx.captured_queries)} kueri: "
              + ", ".join(f"{float(q['time']) * 1000:.0f}" for q in ctx.captured_queries) + " ms")
        if args.explain and connection.vendor == "postgresql":
            for q in ctx.captured_queries:
                if float(q["time"]) * 1000 >= 20:
                    with connection.cursor() as cursor:
                        cursor.execute("EXPLAIN (ANALYZE, BUFFERS) " + q["sql"])
                        plan = "\n".join("        " + row[0] for row in cursor.fetchall())
                    print(f"      {q['sql'][:300]}\n{plan}")


if __name__ == "__main__":
    main()
