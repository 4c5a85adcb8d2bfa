"""Shared test fixtures: a small synthetic city and one persona per role.

The city is Kota Medan's codes with square outlines (fast, independent of the bundled GeoJSON); tests of the
real region data use `setup_region` directly. Personas (healthchecks/Zulip style):

- wati      warga who reports
- adi       admin koordinator (Diskominfo)
- dewi      penghubung OPD at DLH;      putra   petugas lapangan at DLH;   kepala_dlh  head of DLH
- hendra    penghubung OPD at Dishub
- oscar     operator Command Center
- walikota  pimpinan for the whole city;  camat   pimpinan for kecamatan Medan Kota;  lurah  for kel. Pasar Baru
- root      superadmin
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from typing import Any

import pytest

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "kotacerdas.settings")


def square(lon0: float, lat0: float, lon1: float, lat1: float) -> dict[str, Any]:
    return {"type": "Polygon", "coordinates": [[[lon0, lat0], [lon1, lat0], [lon1, lat1], [lon0, lat1], [lon0, lat0]]]}


@dataclass
class City:
    kota: Any
    kec_kota: Any  # Medan Kota: lon 98.68-98.70, lat 3.56-3.58
    kec_baru: Any  # Medan Baru: lon 98.64-98.66, lat 3.56-3.58
    kel_pasar_baru: Any  # west half of Medan Kota
    kel_pusat_pasar: Any  # east half of Medan Kota
    kel_babura: Any  # all of Medan Baru
    dlh: Any
    dishub: Any
    kominfo: Any
    cat_sampah: Any  # routed to DLH
    cat_lampu: Any  # routed to Dishub, requires an after-photo
    inside: tuple[float, float]  # (lat, lon) in Pasar Baru
    inside_baru: tuple[float, float]  # (lat, lon) in Babura
    outside: tuple[float, float]  # (lat, lon) in the sea


@pytest.fixture
def city(db) -> City:  # noqa: ANN001
    from kotacerdas.agencies.models import Agency
    from kotacerdas.complaints.models import Category, RoutingRule
    from kotacerdas.core.models import SiteSettings
    from kotacerdas.regions.models import Level, Region

    prov = Region.objects.create(code="12", name="Sumatera Utara", level=Level.PROVINSI)
    kota = Region.objects.create(
        code="12.71", name="Kota Medan", level=Level.KOTA, parent=prov, timezone="Asia/Jakarta",
        boundary=square(98.60, 3.50, 98.75, 3.70), lat=3.6, lon=98.67, area_km2=279.2, population=2546452,
    )
    kec_kota = Region.objects.create(code="12.71.01", name="Medan Kota", level=Level.KECAMATAN, parent=kota,
                                     boundary=square(98.68, 3.56, 98.70, 3.58))
    kec_baru = Region.objects.create(code="12.71.05", name="Medan Baru", level=Level.KECAMATAN, parent=kota,
                                     boundary=square(98.64, 3.56, 98.66, 3.58))
    kel_pb = Region.objects.create(code="12.71.01.1001", name="Pasar Baru", level=Level.KELURAHAN, parent=kec_kota,
                                   boundary=square(98.68, 3.56, 98.69, 3.58))
    kel_pp = Region.objects.create(code="12.71.01.1002", name="Pusat Pasar", level=Level.KELURAHAN,
                                   parent=kec_kota, boundary=square(98.69, 3.56, 98.70, 3.58))
    kel_bb = Region.objects.create(code="12.71.05.1001", name="Babura", level=Level.KELURAHAN, parent=kec_baru,
                                   boundary=square(98.64, 3.56, 98.66, 3.58))
    site = SiteSettings.load()
    site.city, site.public_name, site.tracking_prefix = kota, "Medan Rumah Kita", "MRK"
    site.jurisdiction_id = "medan.go.id"
    site.save()

    dlh = Agency.objects.create(code="dinas-lingkungan-hidup", name="Dinas Lingkungan Hidup", short_name="DLH",
                                city=kota)
    dishub = Agency.objects.create(code="dinas-perhubungan", name="Dinas Perhubungan", short_name="Dishub",
                                   city=kota)
    kominfo = Agency.objects.create(code="dinas-kominfo", name="Dinas Komunikasi dan Informatika",
                                    short_name="Diskominfo", city=kota)
    sampah = Category.objects.create(code="sampah", name="Sampah tidak diangkut", name_en="Uncollected waste",
                                     keywords="sampah, tumpukan, bau")
    lampu = Category.objects.create(code="lampu-lalu-lintas", name="Lampu lalu lintas rusak",
                                    name_en="Broken traffic light", requires_after_photo=True)
    RoutingRule.objects.create(category=sampah, agency=dlh)
    RoutingRule.objects.create(category=lampu, agency=dishub)
    from kotacerdas.regions import geo

    geo.reset_cache()
    return City(kota, kec_kota, kec_baru, kel_pb, kel_pp, kel_bb, dlh, dishub, kominfo, sampah, lampu,
                inside=(3.57, 98.685), inside_baru=(3.57, 98.65), outside=(3.0, 99.5))


@dataclass
class Personas:
    wati: Any
    adi: Any
    dewi: Any
    putra: Any
    kepala_dlh: Any
    hendra: Any
    oscar: Any
    walikota: Any
    camat: Any
    lurah: Any
    root: Any


PASSWORD = "rahasia-uji-123"


@pytest.fixture
def people(city: City) -> Personas:
    from kotacerdas.accounts.models import Role, User

    def make(username: str, role: str, **extra: Any) -> Any:
        first, _, last = extra.pop("full_name", username.title()).partition(" ")
        return User.objects.create_user(
            username=username, password=PASSWORD, role=role, first_name=first, last_name=last,
            email=f"{username}@contoh.id", **extra,
        )

    p = Personas(
        wati=make("wati", Role.WARGA, full_name="Wati Siregar", phone="081234567890"),
        adi=make("adi", Role.ADMIN_KOORDINATOR, full_name="Adi Nasution", agency=city.kominfo),
        dewi=make("dewi", Role.PENGHUBUNG, full_name="Dewi Lubis", agency=city.dlh),
        putra=make("putra", Role.PETUGAS, full_name="Putra Sinaga", agency=city.dlh),
        kepala_dlh=make("kepala_dlh", Role.PENGHUBUNG, full_name="Kepala DLH", agency=city.dlh),
        hendra=make("hendra", Role.PENGHUBUNG, full_name="Hendra Tarigan", agency=city.dishub),
        oscar=make("oscar", Role.OPERATOR, full_name="Oscar Manurung"),
        walikota=make("walikota", Role.PIMPINAN, full_name="Wali Kota", position="Wali Kota Medan"),
        camat=make("camat", Role.PIMPINAN, full_name="Camat Medan Kota", region=city.kec_kota),
        lurah=make("lurah", Role.PIMPINAN, full_name="Lurah Pasar Baru", region=city.kel_pasar_baru),
        root=make("root", Role.SUPERADMIN, full_name="Super Admin", is_superuser=True, is_staff=True),
    )
    city.dlh.head = p.kepala_dlh
    city.dlh.save()
    return p


@pytest.fixture(autouse=True)
def _fresh_calendar():
    """A rolled-back test fires no Holiday signal; drop cached calendars so no test sees another's holidays."""
    from kotacerdas.core import deadlines

    deadlines.clear_cache()
    yield
    deadlines.clear_cache()


@pytest.fixture(autouse=True)
def _indonesian():
    """A request in English must not leave English active for the next test."""
    from django.utils import translation

    translation.activate("id")
    yield
    translation.activate("id")


def _insert_migration_rows() -> None:
    import importlib

    from django.apps import apps

    from kotacerdas.core import deadlines

    for module in ("kotacerdas.complaints.migrations.0002_default_sla_rules",
                   "kotacerdas.core.migrations.0002_cuti_bersama_2026"):
        importlib.import_module(module).insert(apps, None)
    deadlines.clear_cache()


@pytest.fixture
def migration_rows(transactional_db: None) -> None:
    """Puts back the rows data migrations insert (general SLA rules, 2026 holidays and cuti bersama).

    A transactional test ends with a flush that empties every table, data-migration rows included, so the next
    one would find no SlaRule. `serialized_rollback=True` is not the cure: after a plain transactional test its
    reload collides with the content types the flush re-created (IntegrityError).
    """
    _insert_migration_rows()


@pytest.fixture(autouse=True)
def _migration_rows_for_transactional_tests(request: pytest.FixtureRequest) -> None:
    marker = request.node.get_closest_marker("django_db")
    if ("live_server" in request.fixturenames or "transactional_db" in request.fixturenames
            or (marker is not None and marker.kwargs.get("transaction"))):
        request.getfixturevalue("transactional_db")
        _insert_migration_rows()


@pytest.fixture(autouse=True)
def _fresh_site_settings():
    """Each test's database starts without the previous test's SiteSettings row."""
    from kotacerdas.core.models import SiteSettings

    SiteSettings.clear_cache()
    yield
    SiteSettings.clear_cache()
