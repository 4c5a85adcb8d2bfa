"""A planning year on the synthetic city of the root conftest, with every stage window open today.

- `bappeda` perencana; the root personas lurah (Pasar Baru), camat (Medan Kota), dewi (penghubung DLH).
- kamus: KMS-001 rehabilitasi jalan (Dinas PU demo agency), KMS-004 tong sampah (DLH).
- SSH 2027 v1: JL-001 Rp185.000/m2, TS-001 Rp2.750.000/unit, RPT-001 (rapat luar kantor, Lampiran I ceiling
  Rp383.000), KON-001 (rapat dalam kantor, Lampiran II ceiling Rp60.000).
- pagu indikatif Medan Kota Rp50.000.000.
"""

from __future__ import annotations

import io
from dataclasses import dataclass
from datetime import timedelta
from decimal import Decimal
from typing import Any

import pytest

from kotacerdas.accounts.models import Role, User
from kotacerdas.agencies.models import Agency
from kotacerdas.planning import actions
from kotacerdas.planning.models import KamusEntry, ShsrCeiling, StageWindow
from kotacerdas.planning.rules import Source

PASSWORD = "rahasia-uji-123"

PRICES_CSV = (
    "kode,uraian,spesifikasi,satuan,harga,kode_rekening,kategori_shsr\n"
    "JL-001,Pengaspalan jalan lingkungan,5 cm,m2,185000,5.2.4,\n"
    "TS-001,Tong sampah terpilah,3x50 l,unit,2750000,5.2.2,\n"
    "RPT-001,Paket rapat luar kantor,fullday,orang/hari,380000,5.1.02,rapat_luar_kantor\n"
    "KON-001,Konsumsi rapat dalam kantor,snack,orang/kali,55000,5.1.02,rapat_dalam_kantor\n"
)


@dataclass
class Plan:
    year: Any
    bappeda: Any
    pu: Any
    kamus_jalan: Any
    kamus_sampah: Any
    version: Any
    city: Any
    people: Any

    def usulan(self, user: Any, source: str = Source.KELURAHAN, point: tuple[float, float] | None = None,
               qty: str = "100", kamus: Any = None, **extra: Any) -> Any:
        lat, lon = point or self.city.inside
        kamus = kamus or self.kamus_jalan
        code = "JL-001" if kamus == self.kamus_jalan else "TS-001"
        data = actions.UsulanInput(
            source=source, kamus=kamus, title=extra.pop("title", "Rehab jalan lingkungan Gg. Mawar"), lat=lat,
            lon=lon, location_text="Jl. Mawar dekat masjid", volume=qty, components=[(code, qty)],
            rw="RW 03", urgency=4, beneficiaries=350, **extra)
        return actions.do_submit_usulan(user, self.year, data)

    def open_all(self) -> None:
        today = actions.local_today()
        StageWindow.objects.filter(planning_year=self.year).update(
            opens_on=today - timedelta(days=1), closes_on=today + timedelta(days=1), closed_at=None)


@pytest.fixture
def plan(people: Any, city: Any) -> Plan:
    bappeda = User.objects.create_user(username="bappeda", password=PASSWORD, role=Role.PERENCANA,
                                       first_name="Bappeda", last_name="Medan")
    pu = Agency.objects.create(code="dinas-pu-uji", name="Dinas Sumber Daya Air dan Bina Marga", short_name="SDABM",
                               city=city.kota)
    year = actions.do_create_year(bappeda, city.kota, 2027)
    ShsrCeiling.objects.create(category="rapat_luar_kantor", name="Rapat luar kantor fullday", lampiran="I",
                               province_code="12", satuan="orang/hari", amount=Decimal(383000), source="uji")
    ShsrCeiling.objects.create(category="rapat_dalam_kantor", name="Konsumsi rapat dalam kantor", lampiran="II",
                               province_code="12", satuan="orang/kali", amount=Decimal(60000), source="uji")
    version = actions.do_import_prices(bappeda, "ssh", 2027, "Perwal Medan 1/2026",
                                       io.BytesIO(PRICES_CSV.encode()), "ssh.csv", "12")
    common = {"planning_year": year, "urusan_code": "1.03", "program_code": "1.03.10", "program_name": "Jalan",
              "kegiatan_code": "1.03.10.2.01", "kegiatan_name": "Penyelenggaraan jalan",
              "subkegiatan_code": "1.03.10.2.01.0014", "subkegiatan_name": "Rehabilitasi jalan"}
    jalan = KamusEntry.objects.create(code="KMS-001", name="Rehabilitasi jalan lingkungan", rumpun="infrastruktur",
                                      satuan="m2", agency=pu, **common)
    sampah = KamusEntry.objects.create(code="KMS-004", name="Tong sampah terpilah", rumpun="infrastruktur",
                                       satuan="unit", agency=city.dlh,
                                       **{**common, "program_code": "2.11.09", "subkegiatan_code": "2.11.09.2.01.0003"})
    actions.do_set_pagu(bappeda, year, 50_000_000, region=city.kec_kota)
    p = Plan(year, bappeda, pu, jalan, sampah, version, city, people)
    p.open_all()
    return p
