from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError
from shapely.geometry import Point, shape

from kotacerdas.core.models import SiteSettings
from kotacerdas.regions import geo
from kotacerdas.regions.loader import setup_region
from kotacerdas.regions.models import Region


@pytest.fixture
def medan(db) -> Region:  # noqa: ANN001
    return setup_region("12.71")


# Centroids from data/medan.csv that lie inside their own kelurahan polygon. Pusat Pasar's centroid lies in no
# kecamatan polygon at all (the kecamatan layer is coarse), so it only resolves through the kelurahan layer.
@pytest.mark.parametrize(
    ("lat", "lon", "kelurahan", "kecamatan"),
    [
        (3.583985, 98.684741, "Pasar Baru", "Medan Kota"),
        (3.588683, 98.687703, "Pusat Pasar", "Medan Kota"),
        (3.590371, 98.68213, "Gang Buntu", "Medan Timur"),
        (3.585988, 98.696571, "Sei Rengas II", "Medan Area"),
    ],
)
def test_it_locates_medan_kelurahan_centroids(medan, lat, lon, kelurahan, kecamatan) -> None:  # noqa: ANN001
    where = geo.locate(lat, lon)

    assert where.kelurahan is not None
    assert (where.kelurahan.name, where.kecamatan.name) == (kelurahan, kecamatan)
    assert where.kelurahan.parent_id == where.kecamatan.pk


def test_it_trusts_a_kelurahan_hit_where_the_kota_outline_is_coarse(medan) -> None:  # noqa: ANN001
    # Tembung's centroid is inside its own polygon but just outside the simplified Kota Medan outline.
    point = Point(98.735139, 3.596784)
    assert not shape(medan.boundary).covers(point)

    where = geo.locate(3.596784, 98.735139)

    assert (where.kelurahan.code, where.kecamatan.name) == ("12.71.14.1005", "Medan Tembung")


def test_it_refuses_a_point_in_the_sea_naming_the_city(medan) -> None:  # noqa: ANN001
    with pytest.raises(geo.OutsideCity) as exc:
        geo.locate(3.9, 98.8)  # Selat Malaka, north of Belawan

    assert isinstance(exc.value, ValidationError)
    assert exc.value.message == "Lokasi berada di luar wilayah Kota Medan."
    assert exc.value.code == "outside_city"


def test_it_falls_back_to_kecamatan_outlines_where_no_kelurahan_outlines_are_bundled(db) -> None:  # noqa: ANN001
    setup_region("12.01")

    where = geo.locate(2.022018, 98.410015)  # centroid of kecamatan Barus

    assert where.kelurahan is None
    assert (where.kecamatan.code, where.kecamatan.name) == ("12.01.01", "Barus")
    with pytest.raises(geo.OutsideCity, match="Kabupaten Tapanuli Tengah"):
        geo.locate(3.583985, 98.684741)  # Medan


def test_it_rebuilds_its_index_when_the_active_city_changes(db) -> None:  # noqa: ANN001
    setup_region("12.71")
    manado = setup_region("71.71", activate=False)
    assert geo.locate(3.583985, 98.684741).kelurahan.name == "Pasar Baru"  # index built for Medan

    site = SiteSettings.load()
    site.city = manado
    site.save()  # no reset_cache(): another process switched the city

    with pytest.raises(geo.OutsideCity, match="Kota Manado"):
        geo.locate(3.583985, 98.684741)
    kel = Region.objects.filter(code__startswith="71.71.", level="kelurahan").exclude(lat=None).first()
    assert kel is not None
    assert geo.locate(kel.lat, kel.lon).kecamatan.code.startswith("71.71.")


def test_it_serves_the_city_geojson_and_bounds(medan) -> None:  # noqa: ANN001
    kecamatan = geo.city_geojson("kecamatan")
    kelurahan = geo.city_geojson("kelurahan")

    assert kecamatan["type"] == kelurahan["type"] == "FeatureCollection"
    assert len(kecamatan["features"]) == 21 and len(kelurahan["features"]) == 151
    props = {f["properties"]["code"]: f["properties"] for f in kelurahan["features"]}
    assert props["12.71.01.1001"] == {
        "code": "12.71.01.1001",
        "name": "Pasar Baru",
        "level": "kelurahan",
        "parent_code": "12.71.01",
    }
    assert {f["properties"]["parent_code"] for f in kecamatan["features"]} == {"12.71"}
    assert geo.city_geojson("kecamatan") is kecamatan  # cached for the process
    (minlat, minlon), (maxlat, maxlon) = geo.city_bounds()
    assert minlat < 3.583985 < maxlat and minlon < 98.684741 < maxlon
    assert (minlat, minlon, maxlat, maxlon) == pytest.approx((3.48017, 98.592639, 3.797394, 98.746716))
    with pytest.raises(ValueError):
        geo.city_geojson("provinsi")


def test_it_says_so_when_no_city_is_set_up(db) -> None:  # noqa: ANN001
    setup_region("12.71", activate=False)

    with pytest.raises(geo.CityNotSet, match="setup_region"):
        geo.locate(3.583985, 98.684741)


def test_it_works_with_the_synthetic_test_city(city) -> None:  # noqa: ANN001
    assert geo.locate(*city.inside).kelurahan == city.kel_pasar_baru
    assert geo.locate(*city.inside).kecamatan == city.kec_kota
    assert geo.locate(*city.inside_baru).kelurahan == city.kel_babura
    with pytest.raises(geo.OutsideCity, match="Kota Medan"):
        geo.locate(*city.outside)
    # Inside the kota square but in no kecamatan square: the nearest kecamatan, no kelurahan.
    where = geo.locate(3.57, 98.663)  # 0.003° east of Medan Baru, 0.017° west of Medan Kota
    assert where.kelurahan is None and where.kecamatan == city.kec_baru
