"""Staff queue page under load: GET /staf/ with 100,000 complaints in the database.

Creates the complaints with bulk_create (tracking numbers generated, one intake event each; no actions, so
it takes seconds rather than hours), starts uvicorn, logs in as the admin koordinator (sees the whole city)
and as the DLH penghubung (sees only DLH's cases), and prints p50/p95 of the plain queue and of a filtered
queue (late cases of one category in one kecamatan).

    .venv/bin/python bench/queue_page.py [--db postgres] [--complaints 100000] [--requests 40]
"""

from __future__ import annotations

import random
import sys
import time
from datetime import timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from lib import common  # noqa: E402

# Status mix of a city a year in: most cases closed, a working backlog open.
STATUS_WEIGHTS = {"tuntas": 62, "tidak_tuntas": 8, "arsip": 3, "bukan_wewenang": 4, "baru": 4, "tunda": 1,
                  "disposisi": 5, "diproses": 9, "selesai": 4}


def create(n: int, seed: int = 1) -> None:
    from django.db import transaction
    from django.utils import timezone

    from kotacerdas.complaints import routing
    from kotacerdas.complaints.models import Category, Complaint, ComplaintEvent, SlaStage, TrackingCounter
    from kotacerdas.regions.models import Region

    rng = random.Random(seed)
    now = timezone.now()
    categories = list(Category.objects.all())
    rule_agency = {c.pk: routing.suggest(c, None).agency_id for c in categories}
    villages = list(Region.objects.filter(code__startswith="12.71.", level="kelurahan", lat__isnull=False)
                    .values_list("pk", "parent_id", "lat", "lon"))
    statuses, weights = list(STATUS_WEIGHTS), list(STATUS_WEIGHTS.values())
    stage_of = {"baru": SlaStage.VERIFY, "disposisi": SlaStage.RESPOND, "diproses": SlaStage.RESOLVE,
                "selesai": SlaStage.CONFIRM}
    year = timezone.localtime(now).year
    batch: list[Complaint] = []
    with transaction.atomic():
        for i in range(1, n + 1):
            category = rng.choice(categories)
            kel, kec, lat, lon = rng.choice(villages)
            created = now - timedelta(minutes=rng.randint(10, 365 * 24 * 60))
            status = rng.choices(statuses, weights)[0]
            stage = stage_of.get(status, "")
            batch.append(Complaint(
                tracking_no=f"MRK-{year}-{i:06d}", title=f"{category.name} di kelurahan {kel}",
                description="Data uji beban halaman antrean.", public_title=f"{category.name}",
                public_description="Data uji beban halaman antrean.", category=category, status=status,
                lat=lat + rng.uniform(-0.002, 0.002), lon=lon + rng.uniform(-0.002, 0.002), kelurahan_id=kel,
                kecamatan_id=kec, agency_id=None if status in ("baru", "tunda", "arsip", "bukan_wewenang")
                else rule_agency[category.pk], reporter_name="Warga Uji", reporter_phone="081200000000",
                created_at=created, clock_started_at=created, stage=stage,
                stage_started_at=created if stage else None,
                stage_due_at=created + timedelta(days=rng.choice((3, 5, 7, 14))) if stage else None,
                sla_level=rng.choice((0, 0, 50, 80, 100)) if stage else 0,
                escalation_level=rng.choice((0, 0, 0, 1, 2)) if stage else 0,
                is_rahasia=rng.random() < 0.05, is_anonim=rng.random() < 0.15,
            ))
            if len(batch) == 5000 or i == n:
                made_rows = Complaint.objects.bulk_create(batch, batch_size=1000)
                ids = list(Complaint.objects.filter(tracking_no__in=[c.tracking_no for c in made_rows])
                           .values_list("pk", "created_at"))
                ComplaintEvent.objects.bulk_create(
                    [ComplaintEvent(complaint_id=pk, kind="created", at=at, to_status="baru", is_public=True)
                     for pk, at in ids], batch_size=1000)
                batch = []
        TrackingCounter.objects.update_or_create(prefix="MRK", year=year, defaults={"last": n})


def measure(session: object, url: str, count: int) -> list[float]:
    times = []
    for _ in range(count):
        began = time.perf_counter()
        response = session.get(url, timeout=120)  # type: ignore[attr-defined]
        times.append(time.perf_counter() - began)
        if response.status_code != 200:
            raise RuntimeError(f"GET {url} -> HTTP {response.status_code}")
    return times


def main() -> None:
    p = common.parser(__doc__.splitlines()[0])
    p.add_argument("--complaints", type=int, default=100_000)
    p.add_argument("--requests", type=int, default=40, help="requests per URL and user (40)")
    args = p.parse_args()
    common.prepare(args.db)
    common.setup_django()
    common.small_city()

    import requests

    from kotacerdas.complaints.models import Category, Complaint
    from kotacerdas.core.demo import city as demo_city
    from kotacerdas.regions.models import Region

    demo_city.load_accounts(Region.objects.get(code=demo_city.CITY_CODE))
    began = time.perf_counter()
    create(args.complaints)
    print(f"queue_page: {common.engine_label(args.db)}; {Complaint.objects.count():,} aduan dibuat dalam "
          f"{time.perf_counter() - began:.1f} dtk (bulk_create)")
    sampah = Category.objects.get(code="sampah")
    jalan = Category.objects.get(code="jalan-rusak")
    kec = Region.objects.get(code="12.71.01")
    server = common.Server()
    cases = [
        ("admin", "/staf/"),
        ("admin", f"/staf/?queue=terlambat&category={jalan.pk}&kecamatan={kec.pk}"),
        ("dlh", "/staf/"),
        ("dlh", f"/staf/?queue=terbuka&category={sampah.pk}&q=sampah"),
    ]
    sessions = {}
    for user in ("admin", "dlh"):
        sessions[user] = requests.Session()
        common.login(sessions[user], server.url, user, demo_city.DEMO_PASSWORD)
    for user, path in cases:
        measure(sessions[user], server.url + path, 3)  # warm-up: templates, caches, connections
        times = measure(sessions[user], server.url + path, args.requests)
        print(f"  {user:5} GET {path:60} p50 {common.percentile(times, 50) * 1000:6.0f} ms  "
              f"p95 {common.percentile(times, 95) * 1000:6.0f} ms")
    server.stop()


if __name__ == "__main__":
    main()
