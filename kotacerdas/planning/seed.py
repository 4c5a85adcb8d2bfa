"""Demo data for Medan's current planning year (`manage.py seed_planning`), built through planning.actions.

The calendar is laid around today so the demo is alive: rembuk warga and Musrenbang kelurahan are over (forums
closed with berita acara), the Musrenbang kecamatan is open (some usulan decided and ranked, some waiting), later
stages are ahead. Past stages are replayed with `today` set inside their window, so every rule still applies.

Idempotent: a planning year that already has usulan is left as it is.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any

from django.db import transaction
from shapely.geometry import shape

from kotacerdas.accounts.models import Role, User
from kotacerdas.agencies.models import Agency
from kotacerdas.core.models import SiteSettings
from kotacerdas.planning import actions
from kotacerdas.planning.models import (
    KamusEntry,
    PlanningYear,
    PriceVersion,
    ShsrCeiling,
    StageWindow,
    Usulan,
)
from kotacerdas.planning.rules import Decision, Source, Stage
from kotacerdas.regions.models import Level, Region

DATA = Path(__file__).resolve().parent / "data"
KAMUS_SOURCE = "Demo: kamus_medan_demo.csv (kode berbentuk Permendagri 90/2019, belum dicocokkan dengan SIPD [U])"
# Offsets in days from today: (stage, start, end).
DEMO_CALENDAR = [
    (Stage.REMBUK, -45, -36), (Stage.KELURAHAN, -30, -16), (Stage.KECAMATAN, -7, 10), (Stage.FORUM_OPD, 11, 20),
    (Stage.KOTA, 21, 25), (Stage.RENJA, 26, 40), (Stage.RKPD, 60, 75),
]
KECAMATAN = ["12.71.01", "12.71.17", "12.71.19"]  # Medan Kota (demo camat), Medan Baru, Medan Petisah
PAGU = Decimal(750_000_000)
OPD_PAGU = Decimal(2_000_000_000)

# (kamus code, title, location, volume, urgency, beneficiaries, alignment, component, quantity)
IDEAS = [
    ("KMS-001", "Rehabilitasi jalan lingkungan Gang Mawar", "Gg. Mawar, dekat masjid", 320, 4, 450, 2,
     "HSPK-JL-001", 320),
    ("KMS-002", "Normalisasi drainase Jalan Sutomo Ujung", "Jl. Sutomo Ujung", 180, 5, 900, 2, "HSPK-DR-001", 180),
    ("KMS-003", "Pemasangan PJU tenaga surya di lorong gelap", "Lorong Famili", 6, 3, 300, 1, "HSPK-PJU-001", 6),
    ("KMS-004", "Tong sampah terpilah untuk pasar lingkungan", "Pajak Sambu sisi timur", 12, 3, 1200, 1,
     "SSH-KBS-001", 12),
    ("KMS-006", "Pelatihan UMKM kuliner ibu rumah tangga", "Kantor lurah", 30, 2, 30, 1, "SSH-PLT-001", 30),
    ("KMS-008", "Penyuluhan pencegahan kebakaran permukiman padat", "Balai warga", 1, 4, 600, 0, "SSH-PYL-001", 1),
    ("KMS-007", "Rehabilitasi ruang kelas SD negeri", "SD Negeri 060800", 2, 4, 280, 2, "SSH-KLS-001", 2),
]


@dataclass
class Summary:
    year: int = 0
    created: bool = False
    usulan: int = 0
    accounts: list[str] = field(default_factory=list)

    def as_text(self) -> str:
        if not self.created:
            return f"tahun rencana {self.year} sudah berisi {self.usulan} usulan; tidak diubah."
        return (f"tahun rencana {self.year}: {self.usulan} usulan, akun {', '.join(self.accounts)} "
                f"(kata sandi demo12345).")


def _point(region: Region) -> tuple[float, float]:
    """A point surely inside the kelurahan outline (shapely's representative point), as (lat, lon)."""
    if region.boundary:
        p = shape(region.boundary).representative_point()
        return p.y, p.x
    return float(region.lat or 0), float(region.lon or 0)


def _account(username: str, role: str, full_name: str, **extra: Any) -> User:
    from kotacerdas.core.demo.city import _account as demo_account

    return demo_account(username, role, full_name, **extra)


def load_kamus(year: PlanningYear) -> int:
    agencies = {a.code: a for a in Agency.objects.all()}
    n = 0
    with open(DATA / "kamus_medan_demo.csv", encoding="utf-8") as f:
        for row in csv.DictReader(f):
            agency = agencies.get(row["opd"])
            if agency is None:
                continue
            KamusEntry.objects.update_or_create(planning_year=year, code=row["kode"], defaults={
                "name": row["nama"], "rumpun": row["rumpun"], "satuan": row["satuan"], "agency": agency,
                "urusan_code": row["urusan_kode"], "program_code": row["program_kode"],
                "program_name": row["program_nama"], "kegiatan_code": row["kegiatan_kode"],
                "kegiatan_name": row["kegiatan_nama"], "subkegiatan_code": row["subkegiatan_kode"],
                "subkegiatan_name": row["subkegiatan_nama"], "source": KAMUS_SOURCE})
            n += 1
    return n


def load_ceilings() -> int:
    with open(DATA / "shsr_ceilings.csv", encoding="utf-8") as f:
        rows = list(csv.DictReader(f))
    for row in rows:
        ShsrCeiling.objects.update_or_create(category=row["kategori"], province_code=row["provinsi"], defaults={
            "name": row["nama"], "lampiran": row["lampiran"], "satuan": row["satuan"],
            "amount": Decimal(row["batas"]), "source": row["sumber"]})
    return len(rows)


def _ba(day: date, place: str, chair: str) -> actions.BeritaAcaraInput:
    return actions.BeritaAcaraInput(
        held_on=day, place=place, chair=chair,
        participants="\n".join([chair, "Ketua LPM", "Delegasi RW 01", "Delegasi RW 03 (perempuan)",
                                "Delegasi PKK", "Staf Bappeda (pendamping)"]),
        notes="Musyawarah untuk mufakat; daftar hadir terlampir pada arsip kelurahan.")


@transaction.atomic
def seed(today: date | None = None) -> Summary:
    from kotacerdas.core.demo.city import require_demo

    require_demo()  # the demo accounts share the published password demo12345
    site = SiteSettings.load()
    city = site.city
    if city is None:
        raise ValueError("Wilayah kota belum diatur (setup_region / seed_demo).")
    today = today or actions.local_today()
    plan_year = today.year + 1
    bappeda = _account("bappeda", Role.PERENCANA, "Perencana Bappeda", position="Perencana Bappeda Kota Medan")
    summary = Summary(year=plan_year, accounts=["bappeda"])
    load_ceilings()
    year = PlanningYear.objects.filter(city=city, year=plan_year).first()
    if year is None:
        year = actions.do_create_year(bappeda, city, plan_year, f"RKPD {plan_year} Kota Medan")
    if Usulan.objects.filter(planning_year=year).exists():
        summary.usulan = Usulan.objects.filter(planning_year=year).count()
        return summary
    summary.created = True
    for stage, start, end in DEMO_CALENDAR:
        StageWindow.objects.filter(planning_year=year, stage=stage).update(
            opens_on=today + timedelta(days=start), closes_on=today + timedelta(days=end),
            source="Demo: jadwal digeser di sekitar hari ini (bawaan: egov-rules rule 26)")
    load_kamus(year)
    if not PriceVersion.objects.filter(kind="ssh", budget_year=plan_year).exists():
        with open(DATA / "ssh_medan_2027_demo.csv", "rb") as f:
            actions.do_import_prices(bappeda, "ssh", plan_year, f"Perwal Medan (demo) SSH TA {plan_year}",
                                     io.BytesIO(f.read()), "ssh_medan_demo.csv", city.code[:2],
                                     perwal_date=today - timedelta(days=60))
    kamus = {k.code: k for k in KamusEntry.objects.filter(planning_year=year)}
    kecamatan = [k for k in Region.objects.filter(code__in=KECAMATAN, level=Level.KECAMATAN).order_by("code")]
    for kec in kecamatan:
        actions.do_set_pagu(bappeda, year, PAGU, region=kec, source="Demo: pagu indikatif per kecamatan")
    # The Renja/RKPD view compares each OPD's accepted total with its pagu; a small one shows the warning.
    for n, agency in enumerate(sorted({k.agency for k in kamus.values()}, key=lambda a: a.code)):
        actions.do_set_pagu(bappeda, year, OPD_PAGU if n % 3 else Decimal(200_000_000), agency=agency,
                            source="Demo: pagu indikatif OPD")

    # One lurah per demo kelurahan (the shared `lurah` for Pasar Baru), one camat per kecamatan.
    lurahs: list[tuple[User, Region]] = []
    camats: dict[int, User] = {}
    for kec in kecamatan:
        kels = list(Region.objects.filter(parent=kec, level=Level.KELURAHAN).exclude(boundary=None)
                    .order_by("code")[:2])
        camat = User.objects.filter(username="camat", region=kec).first() or _account(
            f"camat-{kec.code.replace('.', '')}", Role.PIMPINAN, f"Camat {kec.name}", region=kec,
            position=f"Camat {kec.name}")
        camats[kec.pk] = camat
        if camat.username != "camat":
            summary.accounts.append(camat.username)
        for kel in kels:
            lurah = User.objects.filter(username="lurah", region=kel).first() or _account(
                f"lurah-{kel.code.replace('.', '')}", Role.PIMPINAN, f"Lurah {kel.name}", region=kel,
                position=f"Lurah {kel.name}")
            if lurah.username != "lurah":
                summary.accounts.append(lurah.username)
            lurahs.append((lurah, kel))
    warga = User.objects.filter(username="warga").first()

    def submit(user: User, source: str, kel: Region, idea: tuple, day: date, shift: float) -> Usulan:
        code, title, place, volume, urgency, people, align, item, qty = idea
        lat, lon = _point(kel)
        data = actions.UsulanInput(
            source=source, kamus=kamus[code], title=title, lat=lat + shift * 0.0002, lon=lon, location_text=place,
            volume=volume, components=[(item, qty)], rw=f"RW {1 + int(abs(shift) * 10) % 9:02d}",
            urgency=urgency, beneficiaries=people, alignment=align,
            description="Usulan demo: permasalahan di lapangan dan manfaat bagi warga sekitar.")
        return actions.do_submit_usulan(user, year, data, today=day)

    def window_day(stage: str) -> date:
        return actions.window(year, stage).opens_on + timedelta(days=2)

    # Rembuk warga (closed): residents of Pasar Baru propose through the demo warga account.
    day = window_day(Stage.REMBUK)
    rembuk = []
    if warga is not None and lurahs:
        lurah0, kel0 = lurahs[0]
        rembuk = [submit(warga, Source.WARGA, kel0, IDEAS[i], day, 0.5 + i) for i in (5, 3)]
        actions.do_decide(lurah0, rembuk[0], Decision.DITERIMA, "Disepakati rembuk RW sebagai prioritas 1", day)
        actions.do_decide(lurah0, rembuk[1], Decision.BELUM, "Menunggu kesepakatan lokasi dengan pengelola pasar",
                          day)
        forum = actions.forum_for(rembuk[0], Stage.REMBUK)
        actions.do_save_berita_acara(lurah0, forum, _ba(day, "Balai warga RW 03", f"Lurah {kel0.name}"))
        actions.do_close_forum(lurah0, forum, day)
    actions.do_close_stage(bappeda, actions.window(year, Stage.REMBUK))

    # Musrenbang kelurahan (closed): two or three usulan per kelurahan, one rejected.
    day = window_day(Stage.KELURAHAN)
    for n, (lurah, kel) in enumerate(lurahs):
        items = [submit(lurah, Source.KELURAHAN, kel, IDEAS[(n + k) % len(IDEAS)], day, k - 1) for k in range(3)]
        items += [u for u in Usulan.objects.filter(planning_year=year, kelurahan=kel, current_stage=Stage.KELURAHAN)
                  if u not in items]
        for k, u in enumerate(items):
            if k == 2 and n % 2 == 1:
                actions.do_decide(lurah, u, Decision.DITOLAK, "Sudah ditangani melalui dana kelurahan tahun berjalan",
                                  day)
            else:
                actions.do_decide(lurah, u, Decision.DITERIMA, "Prioritas hasil musyawarah kelurahan", day)
        forum = actions.forum_for(items[0], Stage.KELURAHAN)
        actions.do_save_berita_acara(lurah, forum, _ba(day, f"Aula Kantor Lurah {kel.name}", f"Lurah {kel.name}"))
        actions.do_close_forum(lurah, forum, day)
    actions.do_close_stage(bappeda, actions.window(year, Stage.KELURAHAN))

    # Musrenbang kecamatan (open now): the camat of Medan Kota adds one usulan tambahan; in the first two
    # kecamatan some usulan are already accepted and ranked, the rest wait for the forum.
    for n, kec in enumerate(kecamatan):
        camat = camats[kec.pk]
        kel = next((k for _l, k in lurahs if k.parent_id == kec.pk), None)
        if kel is not None and n == 0:
            submit(camat, Source.KECAMATAN, kel, IDEAS[6], today, 2.5)
        if n == 2:
            continue
        waiting = list(Usulan.objects.filter(planning_year=year, kecamatan=kec, current_stage=Stage.KECAMATAN)
                       .order_by("-estimated_cost"))
        for u in waiting[1:3]:
            actions.do_decide(camat, u, Decision.DITERIMA, "Sesuai prioritas kecamatan dan dalam pagu", today)
    summary.usulan = Usulan.objects.filter(planning_year=year).count()
    return summary
