"""The demo e-parking registry for Medan (`manage.py seed_parking`). Idempotent: rows are matched by code and
updated in place; card secrets, webhook secrets and passwords are set only when a row is first created.

What is real (with its source) and what is made up:
- tariffs: Perda Kota Medan 1/2024, motor Rp3.000 and mobil Rp5.000 (Dishub, Jan and Oct 2024); pick-up, truk mini
  and truk gandeng/bus are listed without an amount because the sources conflict (egov-rules §6.2);
- subscription: Perwal Medan 26/2024 from 1 July 2024, motor Rp90.000 and mobil Rp130.000 a year; truk/bus left
  empty (Rp168.000 vs Rp170.000 in the sources);
- operators: Dishub runs Jl. Adinegoro itself; the ~15 third-party operators are DEMO companies (the real ones are
  not listed publicly), sharing 60% (class-1 roads) or 65% (class-2 roads) per Perwal Medan 45/2021;
- points: the five segments named in data/medan_eparking_segments.csv at APPROXIMATE positions along those streets
  (no source gives coordinates), plus generated demo points up to 152 (the Feb 2023 count) inside the city;
- capacities, targets, jukir, merchant ids, stickers and sensors: all generated for the demo.
"""

from __future__ import annotations

import csv
import math
import random
from dataclasses import dataclass, field
from datetime import date, time, timedelta
from pathlib import Path

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from kotacerdas.accounts.models import Role
from kotacerdas.parking import actions
from kotacerdas.parking.models import (
    Jukir,
    JukirAssignment,
    LandUse,
    MerchantAccount,
    OperatorKind,
    ParkingOperator,
    ParkingPoint,
    PaymentProvider,
    PointCapacity,
    RoadSegment,
    Sticker,
    SubscriptionTariff,
    Tariff,
    TariffSchedule,
    VehicleClass,
)
from kotacerdas.regions import geo
from kotacerdas.sensors.models import Device

DATA = Path(__file__).resolve().parent / "data" / "medan_eparking_segments.csv"
TOTAL_POINTS = 152  # Medan, Feb 2023 (membaranews.com, 9 Feb 2023)
DEMO_PROVIDER = "agregator-demo"
# Published in the README like the demo passwords: a demo installation only (seed refuses nothing, but the
# provider is is_active and named "(demo)"; production creates its provider with a random secret in the admin).
DEMO_WEBHOOK_SECRET = "demo-webhook-rahasia-jangan-dipakai-di-produksi"
SENSOR_GATEWAY = "parkir-pusat"

PERDA = "Perda Kota Medan No. 1 Tahun 2024 tentang Pajak Daerah dan Retribusi Daerah"
PERDA_SOURCE = ("medan.tribunnews.com/2024/04/18/perubahan-tarif-parkir-terbaru-di-kota-medan...; "
                "sumut.suara.com/read/2024/01/04/152906/...; sumut.suara.com/amp/read/2024/10/28/150538/...")
PERWAL_SUBSCRIPTION = "Perwal Medan No. 26 Tahun 2024 (parkir berlangganan)"
PERWAL_SUBSCRIPTION_SOURCE = ("medan.kompas.com/read/2024/07/19/225716378/...; "
                              "tvonenews.com/daerah/sumatera/226381-...")
SHARE_SOURCE = ("Perwal Medan No. 45/2021: operator 60% / Pemko 40% di jalan kelas 1, 65% / 35% di kelas 2 "
                "(kliik.id 13 Okt 2021; Tribun Medan 2021-09-20)")
TARIFFS: dict[str, tuple[int | None, str]] = {
    VehicleClass.MOTOR: (3000, "Dishub Medan Jan & Okt 2024"),
    VehicleClass.MOBIL: (5000, "Dishub Medan Jan & Okt 2024"),
    VehicleClass.PICKUP: (None, "Belum dikonfirmasi: Rp7.000 (rencana Jan 2024) vs Rp5.000 (laporan Apr 2024)"),
    VehicleClass.TRUK_MINI: (None, "Belum dikonfirmasi: Rp8.000 (rencana) vs Rp7.000"),
    VehicleClass.TRUK_BESAR: (None, "Belum dikonfirmasi: Rp12.000 (rencana Jan 2024)"),
}
SUBSCRIPTIONS: dict[str, int | None] = {VehicleClass.MOTOR: 90000, VehicleClass.MOBIL: 130000,
                                        VehicleClass.TRUK_BESAR: None}  # truk/bus: Rp168.000 vs Rp170.000

# (code, CSV street, start (lat, lon), end (lat, lon), points, road class, land use, operator code, since).
# Positions estimated along the named streets in central Medan: none is surveyed (approximate=True).
NAMED_SEGMENTS: list[tuple[str, str, tuple[float, float], tuple[float, float], int, int, str, str, date]] = [
    ("kesawan", "Jalan Ahmad Yani (Kawasan Kesawan)", (3.5905, 98.6797), (3.5862, 98.6803), 5, 1,
     LandUse.CULINARY, "mitra-demo-01", date(2021, 9, 1)),
    ("zainul-arifin", "Jalan Zainul Arifin", (3.5868, 98.6718), (3.5850, 98.6668), 4, 1, LandUse.COMMERCIAL,
     "mitra-demo-02", date(2021, 10, 18)),
    ("setia-budi", "Jalan Setia Budi", (3.5880, 98.6378), (3.5665, 98.6392), 4, 1, LandUse.CULINARY,
     "mitra-demo-03", date(2021, 10, 18)),
    ("irian-barat", "Jalan Irian Barat", (3.5905, 98.6872), (3.5940, 98.6880), 3, 2, LandUse.MARKET,
     "mitra-demo-09", date(2021, 10, 18)),
    ("adinegoro", "Jalan Adinegoro", (3.5985, 98.6862), (3.5960, 98.6895), 4, 2, LandUse.OFFICE,
     "dishub-medan", date(2021, 11, 22)),
]
CENTRE = (3.5900, 98.6780)  # Lapangan Merdeka, roughly
CITY_OPERATOR = "dishub-medan"
FIRST_NAMES = ["Agus", "Budi", "Darwin", "Edi", "Fauzi", "Gomgom", "Hasan", "Indra", "Joko", "Kardi", "Leo",
               "Maruli", "Nasir", "Poltak", "Rahmat", "Sahat", "Tigor", "Ucok", "Wahyu", "Yusuf", "Zulkifli",
               "Bonar", "Daniel", "Ferry", "Iwan", "Jhonny", "Rudi", "Sutrisno", "Togar", "Anwar"]
FAMILY_NAMES = ["Siregar", "Nasution", "Lubis", "Harahap", "Simanjuntak", "Sitompul", "Tarigan", "Ginting",
                "Sembiring", "Saragih", "Damanik", "Hutagalung", "Pane", "Batubara", "Matondang", "Rangkuti",
                "Daulay", "Pohan", "Situmorang", "Manurung"]
LAND_USES = [LandUse.COMMERCIAL] * 4 + [LandUse.CULINARY] * 3 + [LandUse.MARKET] * 2 + [
    LandUse.OFFICE, LandUse.OFFICE, LandUse.HEALTH, LandUse.SCHOOL, LandUse.RESIDENTIAL]
HOURS = {LandUse.CULINARY: (time(10), time(23)), LandUse.MARKET: (time(6), time(18)),
         LandUse.OFFICE: (time(7), time(18)), LandUse.SCHOOL: (time(6, 30), time(17))}
DEMO_JUKIR_ACCOUNTS = 3
OPERATOR_STAFF = "mitraparkir"


@dataclass
class SeedSummary:
    operators: int = 0
    segments: int = 0
    points: int = 0
    jukir: int = 0
    stickers: int = 0
    devices: int = 0
    accounts: list[str] = field(default_factory=list)

    def as_text(self) -> str:
        return (f"operator: {self.operators}, ruas: {self.segments}, titik: {self.points}, jukir: {self.jukir}, "
                f"stiker: {self.stickers}, sensor: {self.devices}, akun: {', '.join(self.accounts) or '-'}")


def read_segments() -> list[dict[str, str]]:
    with DATA.open(encoding="utf-8", newline="") as fh:
        return list(csv.DictReader(fh))


def seed_tariffs() -> None:
    schedule, _created = TariffSchedule.objects.update_or_create(
        regulation=PERDA, valid_from=date(2024, 1, 4),
        defaults={"name": "Tarif parkir tepi jalan umum Kota Medan", "source": PERDA_SOURCE})
    for cls, (amount, note) in TARIFFS.items():
        Tariff.objects.update_or_create(schedule=schedule, vehicle_class=cls, defaults={"amount": amount,
                                                                                       "note": note})
    for cls, amount in SUBSCRIPTIONS.items():
        SubscriptionTariff.objects.update_or_create(
            vehicle_class=cls, regulation=PERWAL_SUBSCRIPTION, valid_from=date(2024, 7, 1),
            defaults={"amount": amount, "source": PERWAL_SUBSCRIPTION_SOURCE})


def seed_operators() -> dict[str, ParkingOperator]:
    ops: dict[str, ParkingOperator] = {}
    ops[CITY_OPERATOR], _c = ParkingOperator.objects.update_or_create(code=CITY_OPERATOR, defaults={
        "name": "Dinas Perhubungan Kota Medan", "kind": OperatorKind.CITY, "operator_share_percent": 0,
        "share_source": "Dikelola langsung Dishub: Jl. Adinegoro (sumutpos.co 29/11/2021; Mistar 2022)",
        "is_demo": True})
    for n in range(1, 16):
        road_class = 1 if n <= 8 else 2
        code = f"mitra-demo-{n:02d}"
        ops[code], _c = ParkingOperator.objects.update_or_create(code=code, defaults={
            "name": f"PT Mitra Parkir Demo {n:02d}", "kind": OperatorKind.THIRD_PARTY,
            "operator_share_percent": 60 if road_class == 1 else 65, "share_source": SHARE_SOURCE,
            "contract_number": f"DEMO/{n:02d}/PKS-DISHUB/2022", "contract_start": date(2022, 1, 1),
            "contract_end": date(2027, 12, 31), "is_demo": True})
    MerchantAccount.objects.update_or_create(merchant_id=nmid(0), defaults={
        "label": "Kas Daerah Kota Medan - Retribusi Parkir (demo)", "operator": None})
    for i, (_code, op) in enumerate(sorted(ops.items()), start=1):
        if op.kind == OperatorKind.THIRD_PARTY:
            MerchantAccount.objects.update_or_create(merchant_id=nmid(i * 100), defaults={
                "label": f"{op.name} (demo)", "operator": op})
    return ops


def nmid(n: int) -> str:
    """A demo QRIS NMID: "ID" + 13 digits (the real format; these numbers are made up)."""
    return f"ID1021{n:09d}"


def _along(start: tuple[float, float], end: tuple[float, float], n: int) -> list[tuple[float, float]]:
    if n == 1:
        return [start]
    return [(round(start[0] + (end[0] - start[0]) * i / (n - 1), 5),
             round(start[1] + (end[1] - start[1]) * i / (n - 1), 5)) for i in range(n)]


@dataclass
class PlannedPoint:
    segment: str
    position: tuple[float, float]
    land_use: str
    operator: str
    since: date
    source: str
    name: str


@dataclass
class PlannedSegment:
    code: str
    street: str
    from_desc: str
    to_desc: str
    road_class: int
    geometry: list[list[float]]
    source: str
    location: geo.Location


def plan(count: int, rng: random.Random) -> tuple[list[PlannedSegment], list[PlannedPoint]]:
    """Segments and points: the five named ones first, then generated ones inside the active city."""
    rows = {r["street"]: r for r in read_segments()}
    segments: list[PlannedSegment] = []
    points: list[PlannedPoint] = []
    for code, street, start, end, n, road_class, land_use, operator, since in NAMED_SEGMENTS:
        row = rows[street]
        where = actions.locate(*start)
        source = f"{row['source']} (data/medan_eparking_segments.csv); posisi perkiraan"
        segments.append(PlannedSegment(code, street, row["from"], row["to"], road_class,
                                       [[start[1], start[0]], [end[1], end[0]]], source, where))
        for i, pos in enumerate(_along(start, end, n), start=1):
            actions.locate(*pos)  # every named point must lie in the city (ValidationError otherwise)
            points.append(PlannedPoint(code, pos, land_use, operator, since, source, f"{street} {i}"))
    used = [p.position for p in points]
    by_class = {1: [f"mitra-demo-{n:02d}" for n in range(1, 9)], 2: [f"mitra-demo-{n:02d}" for n in range(9, 16)]}
    turn = {1: 0, 2: 0}
    attempts = 0
    while len(points) < count and attempts < count * 200:
        attempts += 1
        lat, lon = round(rng.gauss(CENTRE[0], 0.03), 5), round(rng.gauss(CENTRE[1], 0.03), 5)
        if any(abs(lat - a) < 0.003 and abs(lon - b) < 0.003 for a, b in used):
            continue  # ~300 m between generated segments and anything else
        n = min(rng.choice((2, 3, 3, 4)), count - len(points))
        bearing = rng.uniform(0, math.pi)
        step = 0.0007  # ~80 m between the points of a segment
        end = (round(lat + math.sin(bearing) * step * (n - 1), 5), round(lon + math.cos(bearing) * step * (n - 1), 5))
        positions = _along((lat, lon), end, n)
        try:
            where = geo.locate(lat, lon)
            for pos in positions:
                geo.locate(*pos)
        except geo.OutsideCity:
            continue
        road_class = rng.choice((1, 2))
        operator = by_class[road_class][turn[road_class] % len(by_class[road_class])]
        turn[road_class] += 1
        area = (where.kelurahan or where.kecamatan).name
        code = f"demo-ruas-{len(segments) - len(NAMED_SEGMENTS) + 1:03d}"
        street = f"Jalan {area} (ruas demo {len(segments) - len(NAMED_SEGMENTS) + 1})"
        segments.append(PlannedSegment(code, street, "", "", road_class, [[lon, lat], [end[1], end[0]]],
                                       "dibangkitkan seed_parking (demo)", where))
        land_use = rng.choice(LAND_USES)
        since = date(2022, 1, 1) + timedelta(days=rng.randint(0, 400))
        for i, pos in enumerate(positions, start=1):
            points.append(PlannedPoint(code, pos, land_use, operator, since, "dibangkitkan seed_parking (demo)",
                                       f"{street} {i}"))
        used.extend(positions)
    return segments, points


def _target(capacities: dict[str, int], rng: random.Random) -> int:
    # About 60% of a plausible day (turnover 4-8 per space), rounded to Rp10.000: a demo figure, not a survey.
    potential = sum(spaces * rng.uniform(4, 8) * (TARIFFS[cls][0] or 0) for cls, spaces in capacities.items())
    return int(round(potential * 0.6, -4))


def _name(rng: random.Random) -> str:
    return f"{rng.choice(FIRST_NAMES)} {rng.choice(FAMILY_NAMES)}"


@transaction.atomic
def seed(*, count: int = TOTAL_POINTS, seed_value: int = 2021, accounts: bool | None = None) -> SeedSummary:
    """Creates or updates the demo registry. Demo accounts only when settings.DEMO (published password)."""
    accounts = settings.DEMO if accounts is None else accounts
    rng = random.Random(seed_value)
    summary = SeedSummary()
    seed_tariffs()
    ops = seed_operators()
    summary.operators = len(ops)
    segments, planned = plan(max(count, sum(s[4] for s in NAMED_SEGMENTS)), rng)
    segment_rows: dict[str, RoadSegment] = {}
    for s in segments:
        segment_rows[s.code], _c = RoadSegment.objects.update_or_create(code=s.code, defaults={
            "street": s.street, "from_desc": s.from_desc, "to_desc": s.to_desc, "road_class": s.road_class,
            "kecamatan": s.location.kecamatan, "kelurahan": s.location.kelurahan, "geometry": s.geometry,
            "source": s.source[:300], "is_demo": True})
    summary.segments = len(segment_rows)

    Device.objects.get_or_create(code=SENSOR_GATEWAY, defaults={
        "name": "Server sensor parkir (demo)", "kind": "parking", "owner_module": "parking", "is_gateway": True,
        "is_demo": True})
    points: list[ParkingPoint] = []
    jukir_n = 0
    for n, p in enumerate(planned, start=1):
        code = f"ep-{n:03d}"
        where = actions.locate(*p.position)
        capacities = {VehicleClass.MOTOR: rng.randint(8, 40), VehicleClass.MOBIL: rng.randint(2, 12)}
        opens, closes = HOURS.get(p.land_use, (time(7), time(22)))
        device = None
        if n % 5 == 0:  # one sensor for about 30 of the 152 points
            device, _c = Device.objects.get_or_create(code=f"parkir-sensor-{code}", defaults={
                "name": f"Sensor okupansi {code} (demo)", "kind": "parking", "owner_module": "parking",
                "is_demo": True})
            summary.devices += 1
        point, _c = ParkingPoint.objects.update_or_create(code=code, defaults={
            "name": p.name, "segment": segment_rows[p.segment], "operator": ops[p.operator], "lat": p.position[0],
            "lon": p.position[1], "approximate": True, "kecamatan": where.kecamatan, "kelurahan": where.kelurahan,
            "is_eparking": True, "eparking_since": p.since, "land_use": p.land_use, "opens_at": opens,
            "closes_at": closes, "daily_target": _target(capacities, rng), "device": device, "source": p.source[:300],
            "note": "titik demo: posisi, kapasitas dan target dibuat untuk demo", "is_demo": True})
        for cls, spaces in capacities.items():
            PointCapacity.objects.update_or_create(point=point, vehicle_class=cls, defaults={"spaces": spaces})
        points.append(point)
        # One jukir for the whole day, or two shifts (40% of points).
        shifts = [(opens, closes)] if rng.random() < 0.6 else [(opens, time(14, 30)), (time(14, 30), closes)]
        for shift_start, shift_end in shifts:
            jukir_n += 1
            # The defaults (and the name draw) are evaluated on every run, so a re-run draws the same sequence.
            jukir, _c = Jukir.objects.get_or_create(code=f"JKR-{jukir_n:04d}", defaults={
                "name": _name(rng), "operator": point.operator, "card_secret": actions.new_card_secret(),
                "card_issued_at": timezone.now(), "is_demo": True})
            JukirAssignment.objects.get_or_create(jukir=jukir, point=point, shift_start=shift_start,
                                                  defaults={"shift_end": shift_end, "valid_from": date(2024, 1, 1)})
    summary.points, summary.jukir = len(points), jukir_n

    PaymentProvider.objects.get_or_create(code=DEMO_PROVIDER, defaults={
        "name": "Agregator QRIS (demo)", "webhook_secret": DEMO_WEBHOOK_SECRET})
    today = timezone.localdate()
    for i in range(1, 21):
        start = today - timedelta(days=rng.randint(0, 300)) if i <= 15 else today - timedelta(days=rng.randint(
            400, 600))  # five expired
        cls = VehicleClass.MOTOR if i % 3 else VehicleClass.MOBIL
        letters = "".join(rng.choice("ABCDEFGHJKLMNPRSTUVWXYZ") for _ in range(2))
        Sticker.objects.get_or_create(number=f"DEMO-STK-{i:03d}", defaults={
            "barcode": f"KCBDEMO{i:05d}", "plate": f"BK{1000 + i * 37}{letters}", "vehicle_class": cls,
            "owner_name": f"Pelanggan demo {i}", "valid_from": start,
            "valid_to": start + timedelta(days=364), "amount_paid": SUBSCRIPTIONS[cls] or 0,
            "regulation": PERWAL_SUBSCRIPTION, "is_demo": True})
        summary.stickers += 1
    if accounts:
        summary.accounts = seed_accounts(ops)
    return summary


def seed_accounts(ops: dict[str, ParkingOperator]) -> list[str]:
    """A few jukir accounts and one operator staff account, with the demo password of core.demo.city."""
    from kotacerdas.core.demo.city import _account, require_demo

    require_demo()
    names: list[str] = []
    for n in range(1, DEMO_JUKIR_ACCOUNTS + 1):
        jukir = Jukir.objects.get(code=f"JKR-{n:04d}")
        username = f"jukir{n}"
        user = _account(username, Role.JUKIR, jukir.name, position=f"Juru parkir {jukir.code}")
        if jukir.user_id != user.pk:
            Jukir.objects.filter(user=user).exclude(pk=jukir.pk).update(user=None)
            jukir.user = user
            jukir.save(update_fields=["user"])
        names.append(username)
    staff = _account(OPERATOR_STAFF, Role.OPERATOR_PARKIR, "Mira Sinaga", position="Staf PT Mitra Parkir Demo 01")
    ops["mitra-demo-01"].members.add(staff)
    names.append(OPERATOR_STAFF)
    return names

