from __future__ import annotations

import json

import pytest

from kotacerdas.regions.loader import setup_region

pytestmark = pytest.mark.urls("kotacerdas.regions.tests.urls")


def test_it_serves_kecamatan_and_kelurahan_geojson_with_an_hour_of_caching(db, client) -> None:  # noqa: ANN001
    setup_region("12.71")

    response = client.get("/wilayah/kelurahan.geojson")

    assert response.status_code == 200
    assert response["Content-Type"] == "application/geo+json"
    assert {d.strip() for d in response["Cache-Control"].split(",")} == {"public", "max-age=3600"}
    body = json.loads(response.content)
    assert body["type"] == "FeatureCollection" and len(body["features"]) == 151
    body = json.loads(client.get("/wilayah/kecamatan.geojson").content)
    assert len(body["features"]) == 21
    assert body["features"][0]["geometry"]["type"] in ("Polygon", "MultiPolygon")


def test_it_answers_404_for_an_unknown_level_or_no_city(db, client) -> None:  # noqa: ANN001
    setup_region("12.71", activate=False)
    assert client.get("/wilayah/kecamatan.geojson").status_code == 404  # no active city yet

    setup_region("12.71")
    assert client.get("/wilayah/provinsi.geojson").status_code == 404
    assert client.get("/wilayah/kota.geojson").status_code == 404
    assert client.post("/wilayah/kecamatan.geojson").status_code == 405
