from __future__ import annotations

import math

import pytest

from kotacerdas.lib.geo import EARTH_RADIUS_M, bbox_around, haversine_m

MEDAN_MERDEKA = (3.5914, 98.6775)  # Lapangan Merdeka, Medan
MONAS = (-6.1754, 106.8272)  # Monas, Jakarta


def _destination(lat: float, lon: float, bearing_deg: float, meters: float) -> tuple[float, float]:
    # Standard spherical "direct" formula, independent of the code under test.
    phi, lam, theta = math.radians(lat), math.radians(lon), math.radians(bearing_deg)
    d = meters / EARTH_RADIUS_M
    phi2 = math.asin(math.sin(phi) * math.cos(d) + math.cos(phi) * math.sin(d) * math.cos(theta))
    lam2 = lam + math.atan2(
        math.sin(theta) * math.sin(d) * math.cos(phi), math.cos(d) - math.sin(phi) * math.sin(phi2)
    )
    return math.degrees(phi2), math.degrees(lam2)


def test_it_measures_a_thousandth_of_a_degree_of_latitude_as_about_111_m():
    assert haversine_m(3.5914, 98.6775, 3.5924, 98.6775) == pytest.approx(111.19, abs=0.01)


def test_it_measures_a_degree_of_longitude_on_the_equator_as_about_111_km():
    assert haversine_m(0.0, 106.0, 0.0, 107.0) == pytest.approx(111_195, abs=1)


def test_it_shrinks_a_degree_of_longitude_with_the_cosine_of_latitude():
    assert haversine_m(60.0, 10.0, 60.0, 11.0) == pytest.approx(111_195 * 0.5, rel=0.002)


def test_it_measures_medan_to_jakarta_as_about_1414_km():
    # Cross-check with the spherical law of cosines, an independent formula for the same sphere.
    (lat1, lon1), (lat2, lon2) = (tuple(map(math.radians, p)) for p in (MEDAN_MERDEKA, MONAS))
    cosines = EARTH_RADIUS_M * math.acos(
        math.sin(lat1) * math.sin(lat2) + math.cos(lat1) * math.cos(lat2) * math.cos(lon2 - lon1)
    )

    distance = haversine_m(*MEDAN_MERDEKA, *MONAS)

    assert distance == pytest.approx(cosines, abs=0.5)
    assert distance == pytest.approx(1_414_000, rel=0.002)


def test_it_is_zero_for_the_same_point_and_symmetric():
    assert haversine_m(*MONAS, *MONAS) == 0.0
    assert haversine_m(*MEDAN_MERDEKA, *MONAS) == haversine_m(*MONAS, *MEDAN_MERDEKA)


def test_it_handles_antipodal_points():
    assert haversine_m(0.0, 0.0, 0.0, 180.0) == pytest.approx(math.pi * EARTH_RADIUS_M)


def test_it_builds_a_box_about_111_m_tall_per_side_for_111_m():
    min_lat, max_lat, min_lon, max_lon = bbox_around(0.0, 100.0, 111.195)

    assert (min_lat, max_lat) == (pytest.approx(-0.001, abs=1e-7), pytest.approx(0.001, abs=1e-7))
    assert (min_lon, max_lon) == (pytest.approx(99.999, abs=1e-7), pytest.approx(100.001, abs=1e-7))


@pytest.mark.parametrize("centre", [MEDAN_MERDEKA, MONAS, (-10.9, 140.9), (60.0, 25.0)])
@pytest.mark.parametrize("meters", [50.0, 500.0, 5_000.0])
def test_it_keeps_every_point_within_the_distance_inside_the_box(centre, meters):
    min_lat, max_lat, min_lon, max_lon = bbox_around(*centre, meters)

    for bearing in range(0, 360, 5):
        lat, lon = _destination(*centre, bearing, meters * 0.999)
        assert min_lat <= lat <= max_lat
        assert min_lon <= lon <= max_lon


@pytest.mark.parametrize("centre", [MEDAN_MERDEKA, MONAS])
def test_it_keeps_the_box_tight_enough_to_be_a_useful_prefilter(centre):
    meters = 1_000.0
    min_lat, max_lat, min_lon, max_lon = bbox_around(*centre, meters)

    # Each side sits at the distance itself: just past it in every direction a point falls outside.
    assert haversine_m(min_lat, centre[1], *centre) == pytest.approx(meters, rel=1e-6)
    assert haversine_m(centre[0], max_lon, *centre) == pytest.approx(meters, rel=1e-3)
    lat, lon = _destination(*centre, 45.0, meters * 1.5)
    assert not (min_lat <= lat <= max_lat and min_lon <= lon <= max_lon)


def test_it_is_a_point_for_zero_meters():
    assert bbox_around(*MONAS, 0.0) == (MONAS[0], MONAS[0], MONAS[1], MONAS[1])


def test_it_opens_the_longitude_range_near_a_pole_or_across_the_antimeridian():
    assert bbox_around(89.99, 10.0, 5_000.0)[2:] == (-180.0, 180.0)
    assert bbox_around(89.99, 10.0, 5_000.0)[1] == 90.0
    assert bbox_around(0.0, 179.999, 1_000.0)[2:] == (-180.0, 180.0)


def test_it_refuses_a_negative_distance_or_an_impossible_latitude():
    with pytest.raises(ValueError):
        bbox_around(0.0, 0.0, -1.0)
    with pytest.raises(ValueError):
        bbox_around(91.0, 0.0, 10.0)
