"""Apparatus-performance pages with many complaints: server time of the league table, drill-down and report.

Creates `--complaints` complaints with bulk_create (bench/queue_page.py's mix: a year, statuses of a city a year
in, one intake event each) and their CaseFact rows generated to match (durations drawn per status; the facts
builder itself is timed separately on `--rebuild` real timelines, which have only their intake event here). Then,
in-process through Django's test client (server time only: view, SQL, template), p50/p95 over `--requests` of:
the performance page per OPD and per kecamatan (default 90-day window and a full year), the drill-down list,
the league JSON API, the monthly report page and its PDF, as the wali kota (whole city), the head of DLH and a
camat, each cold (the shared figures cache cleared before every request) and cached. Then the worker's prewarm
(prewarm.py: the leaders' default pages computed ahead after a facts sync) and the wali kota's page right after
it, and the cost of `performance.sync` after 200 cases changed.

    .venv/bin/python bench/command_center_performance.py [--db postgres] [--complaints 100000] [--requests 20]
"""

from __future__ import annotations

import random
import sys
import time
from datetime import timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from lib import common  # noqa: E402
from queue_page import create  # noqa: E402


def make_facts(seed: int = 7) -> int:
    from django.db import transaction
    from django.db.models import Max

    from kotacerdas.command_center.models import CaseFact, FactWatermark
    from kotacerdas.complaints.models import Complaint, ComplaintEvent
    from kotacerdas.core import deadlines

    rng = random.Random(seed)
    rows: list[CaseFact] = []
    resolved_statuses = ("selesai", "tuntas", "tidak_tuntas")
    with transaction.atomic():
        for c in Complaint.objects.values("pk", "created_at", "status", "agency_id", "kecamatan_id",
                                          "kelurahan_id", "category_id").iterator(chunk_size=5000):
            status, agency = c["status"], c["agency_id"]
            local = deadlines.to_local(c["created_at"]).date()
            excluded = status in ("arsip", "bukan_wewenang")
            clock = c["created_at"] + timedelta(hours=rng.uniform(1, 72)) if agency else None
            responded = status in ("diproses", *resolved_statuses)
            response = rng.lognormvariate(0.6, 0.8) if responded else None
            resolve = (response or 0) + rng.lognormvariate(2.0, 0.9) if status in resolved_statuses else None
            rows.append(CaseFact(
                complaint_id=c["pk"], received_at=c["created_at"], month=local.replace(day=1),
                week=local - timedelta(days=local.weekday()), agency_id=agency, kecamatan_id=c["kecamatan_id"],
                kelurahan_id=c["kelurahan_id"], category_id=c["category_id"], status=status, excluded=excluded,
                clock_start=clock, in_backlog=status in ("disposisi", "diproses") and agency is not None,
                due_at=clock + timedelta(days=7) if clock else None, verify_days=rng.uniform(0.05, 4),
                dispose_days=rng.uniform(0.05, 4) if agency else None, response_days=response,
                resolve_days=resolve, resolved=resolve is not None,
                late=bool((response and response > 5) or (resolve and resolve > 42)), forgiven=False,
                reopened=resolve is not None and rng.random() < 0.05,
                rating=rng.choice((None, 2, 3, 4, 4, 5, 5)) if status == "tuntas" else None,
            ))
            if len(rows) == 5000:
                CaseFact.objects.bulk_create(rows, batch_size=1000)
                rows = []
        CaseFact.objects.bulk_create(rows, batch_size=1000)
    top = ComplaintEvent.objects.aggregate(m=Max("id"))["m"] or 0
    FactWatermark.objects.update_or_create(pk=1, defaults={"last_event_id": top})
    return CaseFact.objects.count()


def timed(client: object, url: str, count: int, cold: bool = False) -> list[float]:
    from django.core.cache import caches

    def get() -> None:
        response = client.get(url)  # type: ignore[attr-defined]
        if response.status_code != 200:
            raise RuntimeError(f"GET {url} -> HTTP {response.status_code}")

    # cold: the figures cache (performance.figures) cleared, so every request computes
    return common.timed(get, count, caches["shared"].clear if cold else None, warmup=0)


def main() -> None:
    p = common.parser(__doc__.splitlines()[0])
    p.add_argument("--complaints", type=int, default=100_000)
    p.add_argument("--requests", type=int, default=20, help="requests per URL and user (20)")
    p.add_argument("--rebuild", type=int, default=2000, help="real timelines to rebuild facts from (2000)")
    args = p.parse_args()
    common.prepare(args.db)
    common.setup_django()
    common.small_city()

    from django.test import Client
    from django.utils import timezone

    from kotacerdas.accounts.models import User
    from kotacerdas.agencies.models import Agency
    from kotacerdas.command_center import performance
    from kotacerdas.complaints.models import Complaint, ComplaintEvent
    from kotacerdas.core.demo import city as demo_city
    from kotacerdas.regions.models import Region

    demo_city.load_accounts(Region.objects.get(code=demo_city.CITY_CODE))
    began = time.perf_counter()
    create(args.complaints)
    made = time.perf_counter() - began
    began = time.perf_counter()
    n = make_facts()
    print(f"command_center_performance: {common.engine_label(args.db)}; {Complaint.objects.count():,} aduan "
          f"({made:.1f} dtk), {n:,} fakta ({time.perf_counter() - began:.1f} dtk, bulk_create)")

    ids = list(Complaint.objects.order_by("?").values_list("pk", flat=True)[:args.rebuild])
    began = time.perf_counter()
    performance.refresh_facts(ids)
    took = time.perf_counter() - began
    print(f"  refresh_facts of {len(ids):,} real timelines: {took:.2f} s ({len(ids) / took:,.0f} cases/s; "
          f"a full rebuild of {args.complaints:,} ≈ {args.complaints / len(ids) * took:.0f} s)")

    today = timezone.localdate()
    year = {"dari": (today - timedelta(days=364)).isoformat(), "sampai": today.isoformat()}
    last_month = (today.replace(day=1) - timedelta(days=1)).strftime("%Y-%m")
    dlh = Agency.objects.get(code="dinas-lingkungan-hidup")
    cases = [
        ("walikota", "/pusat-komando/kinerja/"),
        ("walikota", "/pusat-komando/kinerja/?per=kecamatan"),
        ("walikota", "/pusat-komando/kinerja/?per=kelurahan&dari={dari}&sampai={sampai}".format(**year)),
        ("walikota", "/pusat-komando/kinerja/?dari={dari}&sampai={sampai}".format(**year)),
        ("walikota", f"/pusat-komando/kinerja/aduan/?agency={dlh.code}&flag=terlambat"),
        ("walikota", "/api/v1/command-center/performance/?per=opd"),
        ("walikota", f"/pusat-komando/kinerja/laporan/?bulan={last_month}"),
        ("walikota", f"/pusat-komando/kinerja/laporan.pdf?bulan={last_month}"),
        ("kadlh", "/pusat-komando/kinerja/?dari={dari}&sampai={sampai}".format(**year)),
        ("camat", "/pusat-komando/kinerja/?per=kelurahan&dari={dari}&sampai={sampai}".format(**year)),
    ]
    clients = {}
    for username in {u for u, _p in cases}:
        clients[username] = Client()
        clients[username].force_login(User.objects.get(username=username))
    worst = {"cold": 0.0, "cached": 0.0}
    print("  server time, in-process; cold = figures computed on every request, cached = served from the "
          "shared figures cache (performance.figures, max age 300 s)")
    for username, path in cases:
        timed(clients[username], path, 2, cold=True)  # warm-up: templates, connections
        line = f"  {username:8} GET {path[:74]:74}"
        for mode in ("cold", "cached"):
            times = timed(clients[username], path, args.requests, cold=mode == "cold")
            p95 = common.percentile(times, 95)
            worst[mode] = max(worst[mode], p95)
            line += f"  {mode} p50 {common.percentile(times, 50) * 1000:5.0f} p95 {p95 * 1000:5.0f} ms"
        print(line)

    # The worker's share: the leaders' default pages computed ahead after a facts sync (prewarm.py).
    from django.core.cache import caches

    from kotacerdas.command_center import prewarm

    caches["shared"].clear()
    began = time.perf_counter()
    warmed = prewarm.prewarm()
    took = time.perf_counter() - began
    began = time.perf_counter()
    again = prewarm.prewarm()
    print(f"  prewarm (worker, after a facts sync): {warmed} pages for {len(prewarm.scopes())} scopes in "
          f"{took:.1f} s; again with nothing new: {again} pages in {(time.perf_counter() - began) * 1000:.0f} ms")
    timed(clients["walikota"], "/pusat-komando/kinerja/", 1)
    times = timed(clients["walikota"], "/pusat-komando/kinerja/", args.requests)
    print(f"  walikota GET /pusat-komando/kinerja/ right after the prewarm (a new web process would see the same): "
          f"p50 {common.percentile(times, 50) * 1000:.0f} p95 {common.percentile(times, 95) * 1000:.0f} ms")

    # A page view after 200 cases changed folds them in first.
    changed = list(Complaint.objects.order_by("?")[:200])
    ComplaintEvent.objects.bulk_create([ComplaintEvent(complaint=c, kind="note", at=timezone.now(),
                                                       message="bench") for c in changed])
    began = time.perf_counter()
    folded = performance.sync()
    took_ms = (time.perf_counter() - began) * 1000
    print(f"  sync after {len(changed)} changed cases: {folded} folded in {took_ms:.0f} ms")
    for mode, value in worst.items():
        print(f"  worst p95 {mode}: {value * 1000:.0f} ms ({'≤' if value <= 0.3 else '>'} 300 ms)")


if __name__ == "__main__":
    main()
