"""Regions API: public read, filters, GeoJSON."""

from __future__ import annotations

from rest_framework.test import APIClient


def get(url: str):  # noqa: ANN201
    return APIClient().get(url)


def test_it_lists_regions_publicly_with_filters(city):
    resp = get("/api/v1/regions/?level=kecamatan&parent=12.71")
    assert resp.status_code == 200
    body = resp.json()
    assert [r["code"] for r in body["results"]] == ["12.71.01", "12.71.05"]
    assert body["results"][0]["has_boundary"] is True
    assert "boundary" not in body["results"][0]  # outlines only through GeoJSON
    resp = get("/api/v1/regions/?level=kelurahan&level=kecamatan&q=baru")
    assert {r["code"] for r in resp.json()["results"]} == {"12.71.05", "12.71.01.1001"}


def test_it_reads_one_region_by_dotted_code(city):
    resp = get("/api/v1/regions/12.71.01/")
    assert resp.status_code == 200
    assert resp.json()["name"] == "Medan Kota" and resp.json()["parent"] == "12.71"
    assert get("/api/v1/regions/99.99/").status_code == 404


def test_it_returns_geojson_features(city):
    resp = get("/api/v1/regions/12.71.01/geojson/")
    assert resp.status_code == 200 and resp["Content-Type"].startswith("application/geo+json")
    feature = resp.json()
    assert feature["type"] == "Feature" and feature["geometry"]["type"] == "Polygon"
    assert feature["properties"] == {"code": "12.71.01", "name": "Medan Kota", "level": "kecamatan",
                                     "parent_code": "12.71"}
    assert get("/api/v1/regions/12.71.01/?format=geojson").json() == feature
    resp = get("/api/v1/regions/?parent=12.71.01&format=geojson")
    collection = resp.json()
    assert collection["type"] == "FeatureCollection" and collection["count"] == 2
    assert {f["id"] for f in collection["features"]} == {"12.71.01.1001", "12.71.01.1002"}
    assert all(f["geometry"] for f in collection["features"])


def test_it_gives_a_null_geometry_without_an_outline(city):
    feature = get("/api/v1/regions/12/geojson/").json()  # the provinsi has no outline in the fixture
    assert feature["geometry"] is None and feature["properties"]["parent_code"] is None


def test_it_rejects_an_unknown_level_naming_the_field(city):
    resp = get("/api/v1/regions/?level=planet")
    assert resp.status_code == 400 and "level" in resp.json()


def test_it_refuses_writes(city, people):
    api = APIClient()
    api.force_authenticate(people.root)
    assert api.post("/api/v1/regions/", {"code": "12.99", "name": "X"}, format="json").status_code == 405
