"""E-Planning at Medan's scale (6,223 usulan in the 2022 cycle, egov-rules §1.2 [S9]), in-process.

Builds Medan's regions and OPD, a planning year with every stage window open, the demo kamus and SSH, one lurah
per kelurahan (151) and one camat per kecamatan (21), then through planning.actions: enters `--usulan` usulan
spread over the kelurahan (each costed from the current SSH version and located with shapely), decides all of
them at the Musrenbang kelurahan, writes each berita acara and closes the 151 forums (accepted usulan move to the
kecamatan), and accepts at the kecamatan within the pagu. Prints per-operation p50/p95 and totals, then p50/p95
of the heaviest pages through Django's test client: the biggest kecamatan forum page, the public kecamatan page,
the Renja/RKPD grouped view and the SIPD CSV.

    .venv/bin/python bench/planning.py [--db postgres] [--usulan 6223] [--runs 10]
"""

from __future__ import annotations

import io
import random
import sys
import time
from datetime import timedelta
from decimal import Decimal
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.lib import common  # noqa: E402


def stats(label: str, values: list[float]) -> None:
    values_ms = [v * 1000 for v in values]
    print(f"{label:<46} n={len(values):>5}  p50 {common.percentile(values_ms, 50):8.1f} ms  "
          f"p95 {common.percentile(values_ms, 95):8.1f} ms  total {sum(values):7.1f} s")


def main() -> None:
    p = common.parser(__doc__.splitlines()[0])
    p.add_argument("--usulan", type=int, default=6223)
    p.add_argument("--runs", type=int, default=10)
    args = p.parse_args()
    common.prepare(args.db)
    common.setup_django()
    common.small_city()

    from django.conf import settings
    from django.contrib.auth.hashers import make_password
    from django.test import Client
    from shapely.geometry import shape

    from kotacerdas.accounts.models import Role, User
    from kotacerdas.core.models import SiteSettings
    from kotacerdas.planning import actions, seed
    from kotacerdas.planning.models import Forum, KamusEntry, StageWindow
    from kotacerdas.planning.rules import Decision, Source, Stage
    from kotacerdas.regions.models import Level, Region

    settings.ALLOWED_HOSTS = [*settings.ALLOWED_HOSTS, "testserver"]
    city = SiteSettings.load().city
    password = make_password("bench")
    bappeda = User.objects.create(username="bappeda", role=Role.PERENCANA, password=password)
    year = actions.do_create_year(bappeda, city, actions.local_today().year + 1)
    today = actions.local_today()
    StageWindow.objects.filter(planning_year=year).update(opens_on=today - timedelta(days=1),
                                                          closes_on=today + timedelta(days=1))
    seed.load_ceilings()
    seed.load_kamus(year)
    with open(seed.DATA / "ssh_medan_2027_demo.csv", "rb") as f:
        actions.do_import_prices(bappeda, "ssh", year.year, "Perwal bench", io.BytesIO(f.read()), "ssh.csv", "12")
    kamus = {k.code: k for k in KamusEntry.objects.filter(planning_year=year)}
    kels = list(Region.objects.filter(parent__parent=city, level=Level.KELURAHAN).exclude(boundary=None)
                .select_related("parent"))
    kecs = {k.parent for k in kels}
    lurah = {k.pk: User.objects.create(username=f"l{k.code}", role=Role.PIMPINAN, region=k, password=password)
             for k in kels}
    camat = {k.pk: User.objects.create(username=f"c{k.code}", role=Role.PIMPINAN, region=k, password=password)
             for k in kecs}
    for kec in kecs:
        actions.do_set_pagu(bappeda, year, Decimal(10) ** 11, region=kec)
    points = {k.pk: shape(k.boundary).representative_point() for k in kels}
    rng = random.Random(42)
    ideas = seed.IDEAS

    print(f"{common.engine_label(args.db)}: {len(kels)} kelurahan, {len(kecs)} kecamatan, {args.usulan} usulan")
    timings: list[float] = []
    made = []
    for n in range(args.usulan):
        kel = kels[n % len(kels)]
        code, title, place, volume, urgency, people, align, item, qty = ideas[rng.randrange(len(ideas))]
        pt = points[kel.pk]
        t0 = time.perf_counter()
        u = actions.do_submit_usulan(lurah[kel.pk], year, actions.UsulanInput(
            source=Source.KELURAHAN, kamus=kamus[code], title=f"{title} {n}", lat=pt.y, lon=pt.x,
            location_text=place, volume=volume, components=[(item, qty)], urgency=urgency, beneficiaries=people,
            alignment=align))
        timings.append(time.perf_counter() - t0)
        made.append(u)
    stats("enter usulan (locate + cost + audit)", timings)

    timings = []
    for u in made:
        t0 = time.perf_counter()
        actions.do_decide(lurah[u.kelurahan_id], u, Decision.DITERIMA if rng.random() < 0.8 else Decision.DITOLAK,
                          "Prioritas musyawarah kelurahan")
        timings.append(time.perf_counter() - t0)
    stats("decide at Musrenbang kelurahan", timings)

    timings = []
    for kel in kels:
        forum = Forum.objects.filter(planning_year=year, stage=Stage.KELURAHAN, region=kel).first()
        if forum is None:
            continue
        t0 = time.perf_counter()
        actions.do_save_berita_acara(lurah[kel.pk], forum, actions.BeritaAcaraInput(
            held_on=today, place="Aula", chair="Lurah", participants="Lurah\nLPM\nRW"))
        actions.do_close_forum(lurah[kel.pk], forum)
        timings.append(time.perf_counter() - t0)
    stats("berita acara + close forum (kelurahan)", timings)

    waiting = [u for u in made if u.kelurahan_id in lurah]
    for u in waiting:
        u.refresh_from_db()
    at_kec = [u for u in waiting if u.current_stage == Stage.KECAMATAN]
    timings = []
    for u in at_kec:
        t0 = time.perf_counter()
        actions.do_decide(camat[u.kecamatan_id], u, Decision.DITERIMA, "Prioritas kecamatan dalam pagu")
        timings.append(time.perf_counter() - t0)
    stats("decide at Musrenbang kecamatan (pagu check)", timings)

    biggest = max(kecs, key=lambda k: sum(1 for u in at_kec if u.kecamatan_id == k.pk))
    forum = actions.forum_for(next(u for u in at_kec if u.kecamatan_id == biggest.pk))
    n_forum = sum(1 for u in at_kec if u.kecamatan_id == biggest.pk)
    client = Client()
    client.force_login(camat[biggest.pk])
    pages = [(f"forum page ({biggest.name}, {n_forum} usulan)", f"/perencanaan/forum/{forum.pk}/", client)]
    staff = Client()
    staff.force_login(bappeda)
    public = Client()
    pages += [(f"public kecamatan page ({biggest.name})", f"/perencanaan/publik/{biggest.code}/", public),
              ("Renja/RKPD grouped view (all accepted)", "/perencanaan/rkpd/?tahap=kecamatan", staff),
              ("SIPD CSV (all accepted)", "/perencanaan/rkpd/sipd.csv?tahap=kecamatan", staff)]
    for label, url, c in pages:
        timings = []
        for _ in range(args.runs):
            t0 = time.perf_counter()
            r = c.get(url)
            timings.append(time.perf_counter() - t0)
            assert r.status_code == 200, (url, r.status_code)
        stats(label, timings)


if __name__ == "__main__":
    main()
