from __future__ import annotations

import pytest

from kotacerdas.core.models import SiteSettings
from kotacerdas.regions.loader import (
    RegionError,
    counts,
    kabkota_code,
    setup_region,
    timezone_for,
    tracking_prefix_for,
)
from kotacerdas.regions.models import Level, Region


def test_it_loads_medan_with_21_kecamatan_151_kelurahan_and_kota_figures(db) -> None:  # noqa: ANN001
    medan = setup_region("12.71")

    assert (medan.code, medan.name, medan.level) == ("12.71", "Kota Medan", Level.KOTA)
    assert medan.parent.code == "12" and medan.parent.name == "Sumatera Utara"
    assert medan.parent.level == Level.PROVINSI
    assert counts(medan) == {"kecamatan": 21, "kelurahan": 151, "desa": 0, "batas": 151}
    assert medan.population == 2546452
    assert medan.area_km2 == pytest.approx(279.239)
    assert medan.timezone == "Asia/Jakarta"
    assert medan.boundary["type"] in ("Polygon", "MultiPolygon")
    assert (medan.lat, medan.lon) == pytest.approx((3.629041, 98.667196))
    pasar_baru = Region.objects.get(code="12.71.01.1001")
    assert (pasar_baru.name, pasar_baru.level, pasar_baru.parent.name) == (
        "Pasar Baru",
        "kelurahan",
        "Medan Kota",
    )
    assert (pasar_baru.lat, pasar_baru.lon) == pytest.approx((3.583985, 98.684741))


def test_it_gives_every_medan_kelurahan_and_kecamatan_a_boundary(db) -> None:  # noqa: ANN001
    setup_region("1271")  # the undotted form is accepted too

    villages = Region.objects.filter(code__startswith="12.71.", level=Level.KELURAHAN)
    assert villages.count() == 151
    assert not villages.filter(boundary__isnull=True).exists()
    assert not villages.filter(lat__isnull=True).exists()
    assert not Region.objects.filter(
        code__startswith="12.71.", level=Level.KECAMATAN, boundary__isnull=True
    ).exists()


def test_it_is_idempotent_on_a_second_run(db) -> None:  # noqa: ANN001
    setup_region("12.71")
    before = dict(Region.objects.values_list("code", "pk"))
    Region.objects.filter(code="12.71.01.1001").update(name="Salah Ketik")

    setup_region("12.71")

    assert dict(Region.objects.values_list("code", "pk")) == before  # same rows, same ids, nothing added
    assert Region.objects.count() == 1 + 1 + 21 + 151
    assert Region.objects.get(code="12.71.01.1001").name == "Pasar Baru"  # the data wins over a stale name


def test_it_writes_in_bulk(db, django_assert_max_num_queries) -> None:  # noqa: ANN001
    # One query per row would be ~350 for Medan; bulk writes keep setup fast on any database.
    with django_assert_max_num_queries(25):
        setup_region("12.71")


def test_it_gives_manado_wita(db) -> None:  # noqa: ANN001
    manado = setup_region("71.71")

    assert manado.timezone == "Asia/Makassar"
    assert SiteSettings.load().timezone == "Asia/Makassar"
    assert counts(manado) == {"kecamatan": 11, "kelurahan": 87, "desa": 0, "batas": 87}


@pytest.mark.parametrize(
    ("code", "zone"),
    [
        ("12.71", "Asia/Jakarta"),
        ("31.71", "Asia/Jakarta"),
        ("61.71", "Asia/Jakarta"),
        ("51.71", "Asia/Makassar"),
        ("64.72", "Asia/Makassar"),
        ("76.01", "Asia/Makassar"),
        ("81.71", "Asia/Jayapura"),
        ("94.01", "Asia/Jayapura"),
    ],
)
def test_it_picks_the_time_zone_by_province(code: str, zone: str) -> None:
    assert timezone_for(code) == zone


@pytest.mark.parametrize(
    ("code", "words"),
    [
        ("12.99", ["12.99", "tidak ada dalam daftar"]),
        ("12-7", ["12-7", "tidak valid"]),
        ("12", ["provinsi", "bukan kab/kota"]),
        ("12.71.01", ["kecamatan", "bukan kab/kota"]),
        ("12.70", ["01–69", "71–99"]),
        ("", ["tidak valid"]),
    ],
)
def test_it_refuses_a_code_that_is_not_a_known_kabkota(db, code: str, words: list[str]) -> None:  # noqa: ANN001
    with pytest.raises(RegionError) as exc:
        setup_region(code)

    assert isinstance(exc.value, ValueError)
    for word in words:
        assert word in exc.value.message
    assert not Region.objects.exists()
    assert SiteSettings.objects.filter(city__isnull=False).count() == 0


def test_it_normalizes_codes() -> None:
    assert kabkota_code(" 1271 ") == "12.71"
    assert kabkota_code("11.05") == "11.05"


def test_it_sets_up_a_kabupaten_without_bundled_kelurahan_outlines(db) -> None:  # noqa: ANN001
    tapteng = setup_region("12.01")

    assert (tapteng.name, tapteng.level) == ("Kabupaten Tapanuli Tengah", Level.KABUPATEN)
    assert tapteng.boundary is not None and tapteng.lat is not None
    assert tapteng.population is None  # not in kabkota_summary.csv; nothing invented
    kecamatan = Region.objects.filter(parent=tapteng, level=Level.KECAMATAN)
    assert kecamatan.count() == 20
    assert not kecamatan.filter(boundary__isnull=True).exists()
    assert counts(tapteng) == {"kecamatan": 20, "kelurahan": 56, "desa": 159, "batas": 0}
    assert Region.objects.get(code="12.01.01.1001").name == "Pasar Batu Gerigis"
    assert Region.objects.get(code="12.01.01.2003").level == Level.DESA
    assert Region.objects.get(code="12.01.01.2003").parent.name == "Barus"


def test_it_names_the_service_after_the_city_only_while_the_name_is_a_default(db) -> None:  # noqa: ANN001
    setup_region("12.71")
    site = SiteSettings.load()
    assert (site.city.code, site.public_name, site.tracking_prefix) == (
        "12.71",
        "Layanan Aduan Kota Medan",
        "MDN",
    )

    setup_region("71.71")  # what we generated for Medan is still a default
    site = SiteSettings.load()
    assert (site.city.code, site.public_name, site.tracking_prefix) == (
        "71.71",
        "Layanan Aduan Kota Manado",
        "MND",
    )

    site.public_name, site.tracking_prefix = "Manado Hebat", "MH"
    site.save()
    setup_region("12.71")
    site = SiteSettings.load()
    assert (site.city.code, site.public_name, site.tracking_prefix) == ("12.71", "Manado Hebat", "MH")


def test_it_leaves_the_site_alone_without_activate(db) -> None:  # noqa: ANN001
    setup_region("12.71", activate=False)

    site = SiteSettings.load()
    assert site.city is None
    assert (site.public_name, site.tracking_prefix) == ("Kota Cerdas", "KC")


@pytest.mark.parametrize(
    ("name", "prefix"),
    [
        ("Kota Medan", "MDN"),
        ("Kota Lhokseumawe", "LHK"),
        ("Kabupaten Aceh Barat", "AB"),
        ("Kota Dumai", "DUM"),
        ("Kota Administrasi Jakarta Pusat", "JP"),
        ("Kabupaten Pangkajene Dan Kepulauan", "PK"),
    ],
)
def test_it_derives_a_tracking_prefix_from_the_name(name: str, prefix: str) -> None:
    assert tracking_prefix_for(name) == prefix
