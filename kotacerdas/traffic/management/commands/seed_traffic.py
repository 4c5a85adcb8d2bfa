"""`manage.py seed_traffic`: the demo ATCS registry for Medan.

The 18 intersections of the 2012 ATCS list (data/medan_atcs_intersections_2012.csv) at approximate positions
along their named roads, plus generated intersections up to --count (default 60), each with 3-4 approaches,
lanes, detectors, a controller device, phases and a fixed-time plan. Everything is is_demo and approximate.
Positions must lie inside the active city (regions.geo.locate); generated ones are drawn around the centre and
kept only if they are. Deterministic for a given --seed. Goes through traffic.actions (check_import/do_import).
"""

from __future__ import annotations

import csv
import random
from pathlib import Path
from typing import Any

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import transaction

from kotacerdas.regions import geo
from kotacerdas.sensors.models import Device
from kotacerdas.traffic import actions
from kotacerdas.traffic.models import Intersection

DATA = Path(__file__).resolve().parents[2] / "data" / "medan_atcs_intersections_2012.csv"
SOURCE = "sumutpos.co/metropolis/09/10/2012/18-acts-berfungsi-akhir-tahun (daftar ATCS 2012); posisi perkiraan"
GATEWAY = "atcs-pusat"
PLAN_FROM = "2026-01-01T00:00:00+07:00"
# (lat, lon) estimated along the named roads in central Medan; none is surveyed (approximate=True).
APPROXIMATE_POSITIONS = {
    "atcs-2012-01": (3.5832, 98.6745),  # Suprapto / Multatuli
    "atcs-2012-02": (3.5795, 98.6728),  # Sudirman / Imam Bonjol
    "atcs-2012-03": (3.5762, 98.6702),  # Sudirman / Juanda
    "atcs-2012-04": (3.5830, 98.6700),  # Diponegoro / Kartini
    "atcs-2012-05": (3.5870, 98.6720),  # Diponegoro / KH Zainul Arifin
    "atcs-2012-06": (3.5852, 98.6712),  # Diponegoro / Kejaksaan
    "atcs-2012-07": (3.5905, 98.6745),  # Pengadilan / Kapten Maulana Lubis
    "atcs-2012-08": (3.6230, 98.6760),  # Yos Sudarso / Simpang Glugur
    "atcs-2012-09": (3.5920, 98.6690),  # Gatot Subroto / Guru Patimpus
    "atcs-2012-10": (3.5860, 98.6750),  # Imam Bonjol / Sutoyo Siswomiharjo
    "atcs-2012-11": (3.5842, 98.6760),  # Imam Bonjol / Palang Merah
    "atcs-2012-12": (3.5892, 98.6768),  # Raden Saleh / Balai Kota
    "atcs-2012-13": (3.5885, 98.6800),  # Ahmad Yani / Pulau Penang
    "atcs-2012-14": (3.5840, 98.6790),  # Pemuda / Palang Merah
    "atcs-2012-15": (3.5818, 98.6800),  # Brigjen Katamso / Suprapto
    "atcs-2012-16": (3.5760, 98.6855),  # Brigjen Katamso / Masjid Raya
    "atcs-2012-17": (3.5700, 98.6905),  # SM Raja / Amaliun
    "atcs-2012-18": (3.5790, 98.6880),  # SM Raja / Pandu
}
CENTRE = (3.5900, 98.6780)  # Lapangan Merdeka, roughly
DIRECTIONS = [("utara", "U"), ("timur", "T"), ("selatan", "S"), ("barat", "B")]


def _approaches(rng: random.Random, code: str, device: str, roads: tuple[str, str],
                n: int) -> list[dict[str, Any]]:
    out = []
    dirs = DIRECTIONS if n == 4 else [DIRECTIONS[i] for i in sorted(rng.sample(range(4), 3))]
    for direction, short in dirs:
        road = roads[0] if direction in ("utara", "selatan") else roads[1]
        lanes = rng.choice((2, 2, 3))
        movements = ["lurus_kiri"] + ["lurus"] * (lanes - 2) + ["lurus_kanan"]
        kind = rng.choice(("loop", "loop", "camera", "radar"))
        if kind == "loop":
            detectors = [{"code": f"{code}-{short}{i}", "kind": "loop", "lane": i, "device": device}
                         for i in range(1, lanes + 1)]
        else:  # one camera or radar sees the whole approach
            detectors = [{"code": f"{code}-{short}", "kind": kind, "lane": None, "device": device}]
        out.append({"direction": direction, "name": road, "width_m": round(lanes * rng.uniform(2.8, 3.5), 1),
                    "lanes": lanes, "lane_list": [{"number": i, "movement": m, "width_m": None}
                                                  for i, m in enumerate(movements, start=1)],
                    "detectors": detectors})
    return out


def _controller(rng: random.Random, code: str, device: str, approaches: list[dict[str, Any]]) -> dict[str, Any]:
    phases = [{"number": i, "name": f"Fase {i} ({ap['direction']})", "approaches": [ap["direction"]]}
              for i, ap in enumerate(approaches, start=1)]
    greens = {str(ph["number"]): rng.randint(18, 40) for ph in phases}
    lost = 4 * len(phases)  # 3 s amber + 1 s all-red per phase change
    return {"code": f"{code}-ctl", "model": "demo fixed-time", "device": device, "phases": phases,
            "plans": [{"name": "Rencana harian (demo)", "cycle_s": sum(greens.values()) + lost, "lost_time_s": lost,
                       "effective_from": PLAN_FROM, "greens": greens}]}


def build_records(count: int, seed: int) -> list[dict[str, Any]]:
    rng = random.Random(seed)
    records: list[dict[str, Any]] = []
    with DATA.open(encoding="utf-8") as f:
        for row in csv.DictReader(f):
            code = row["id"]
            lat, lon = APPROXIMATE_POSITIONS[code]
            n = 3 if code == "atcs-2012-08" else 4  # Simpang Glugur: a T-junction on Yos Sudarso in this demo
            approaches = _approaches(rng, code, f"{code}-ctl", (row["road_a"], row["road_b"]), n)
            records.append({"code": code, "name": row["intersection_as_published"], "lat": lat, "lon": lon,
                            "approximate": True, "source": SOURCE, "note": row["notes"],
                            "approaches": approaches, "controller": _controller(rng, code, f"{code}-ctl",
                                                                                approaches)})
    points = [(r["lat"], r["lon"]) for r in records]
    n = len(records)
    attempts = 0
    while len(records) < count and attempts < count * 200:
        attempts += 1
        lat, lon = round(rng.gauss(CENTRE[0], 0.035), 5), round(rng.gauss(CENTRE[1], 0.035), 5)
        if any(abs(lat - a) < 0.004 and abs(lon - b) < 0.004 for a, b in points):
            continue  # keep ~400 m between intersections
        try:
            where = geo.locate(lat, lon)
        except geo.OutsideCity:
            continue
        n += 1
        code = f"demo-simpang-{n:03d}"
        area = (where.kelurahan or where.kecamatan).name
        approaches = _approaches(rng, code, f"{code}-ctl", (f"Jalan {area} (utara-selatan)",
                                                          f"Jalan {area} (timur-barat)"), rng.choice((3, 4, 4)))
        records.append({"code": code, "name": f"Simpang {area} {n}", "lat": lat, "lon": lon, "approximate": True,
                        "source": "dibangkitkan seed_traffic", "note": "simpang buatan untuk demo",
                        "approaches": approaches, "controller": _controller(rng, code, f"{code}-ctl", approaches)})
        points.append((lat, lon))
    return records


class Command(BaseCommand):
    help = "Mengisi registri ATCS demo: 18 simpang ATCS Medan 2012 (posisi perkiraan) dan simpang buatan."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--count", type=int, default=60, help="total intersections (at least the 18 named)")
        parser.add_argument("--seed", type=int, default=2012)
        parser.add_argument("--reset", action="store_true", help="delete the demo registry first")

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            geo.city_bounds()
        except geo.CityNotSet as exc:
            raise CommandError(exc.message) from None
        with transaction.atomic():
            if options["reset"]:
                Intersection.objects.filter(is_demo=True).delete()
                Device.objects.filter(is_demo=True).delete()
            elif Intersection.objects.filter(is_demo=True).exists():
                self.stdout.write("seed_traffic: registri demo sudah ada (pakai --reset untuk membuat ulang).")
                return
            try:
                checked = actions.check_import(build_records(max(options["count"], 18), options["seed"]))
            except ValidationError as exc:
                raise CommandError("\n".join(exc.messages)) from None
            counts = actions.do_import(None, checked, is_demo=True)
            Device.objects.get_or_create(code=GATEWAY, defaults={
                "name": "Server pusat ATCS (demo)", "kind": "traffic", "owner_module": "traffic",
                "is_gateway": True, "is_demo": True})
            Device.objects.filter(code__endswith="-ctl", is_demo=True).update(name="Pengendali simpang (demo)")
        self.stdout.write(self.style.SUCCESS(
            "seed_traffic: " + ", ".join(f"{k}: {v}" for k, v in counts.items())
            + f". Token gateway: manage.py sensor_credentials token {GATEWAY}"))
