"""The CKAN-compatible API read by the real `ckanapi` client against a live server, and the DCAT catalogue."""

from __future__ import annotations

import sys
import types
from typing import Any

import ckanapi
import pytest

from kotacerdas.openinfo import catalog
from kotacerdas.openinfo.tests.test_catalog import spec

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def published(city: Any, monkeypatch: pytest.MonkeyPatch) -> Any:
    module = types.ModuleType("kotacerdas.openinfo.opendata")
    module.datasets = lambda: [  # type: ignore[attr-defined]
        spec("aduan-uji", keywords=["aduan", "kelurahan"]),
        spec("parkir-uji", publisher="dinas-perhubungan", keywords=["parkir"], spatial=True,
             title="Pendapatan parkir uji",
             geojson=lambda: {"type": "FeatureCollection", "features": [
                 {"type": "Feature", "geometry": {"type": "Point", "coordinates": [98.68, 3.57]},
                  "properties": {"titik": "KSW-01", "pendapatan": 5000}}]}),
    ]
    monkeypatch.setitem(sys.modules, "kotacerdas.openinfo.opendata", module)
    catalog.refresh(force=True, only="aduan-uji")
    catalog.refresh(force=True, only="parkir-uji")
    return module


def client(live_server: Any) -> ckanapi.RemoteCKAN:
    ckan = ckanapi.RemoteCKAN(live_server.url)
    ckan.base_url = "api/3/action/"  # CKAN serves both /api/action/ and /api/3/action/; we serve the versioned one
    return ckan


def test_it_answers_ckanapi_package_list_show_and_search(live_server, published):
    ckan = client(live_server)
    assert ckan.action.package_list() == ["aduan-uji", "parkir-uji"]
    pkg = ckan.action.package_show(id="parkir-uji")
    assert pkg["name"] == "parkir-uji" and pkg["organization"]["name"] == "dinas-perhubungan"
    assert pkg["license_id"] == "CC-BY-4.0" and {t["name"] for t in pkg["tags"]} == {"parkir"}
    assert [r["format"] for r in pkg["resources"]] == ["CSV", "JSON", "GeoJSON"]
    assert ckan.action.package_show(id=pkg["id"])["name"] == "parkir-uji"  # by id too
    found = ckan.action.package_search(q="parkir")
    assert found["count"] == 1 and found["results"][0]["name"] == "parkir-uji"
    assert ckan.action.package_search(fq="organization:dinas-kominfo")["count"] == 1
    assert ckan.action.package_search(fq="res_format:GeoJSON tags:parkir")["count"] == 1
    page = ckan.action.package_search(rows=1, start=1)
    assert page["count"] == 2 and [p["name"] for p in page["results"]] == ["parkir-uji"]


def test_it_answers_organization_list_and_resource_show(live_server, published):
    ckan = client(live_server)
    assert ckan.action.organization_list() == ["dinas-kominfo", "dinas-perhubungan"]
    orgs = ckan.action.organization_list(all_fields=True)
    assert orgs[1]["title"] == "Dinas Perhubungan" and orgs[1]["package_count"] == 1
    resource = ckan.action.package_show(id="aduan-uji")["resources"][0]
    shown = ckan.action.resource_show(id=resource["id"])
    assert shown["url"] == resource["url"] and shown["format"] == "CSV"
    import requests

    csv_text = requests.get(shown["url"], timeout=10).text
    assert csv_text.splitlines() == ["nama,jumlah", "Pasar Baru,3"]


def test_it_returns_ckan_errors_that_ckanapi_understands(live_server, published):
    ckan = client(live_server)
    with pytest.raises(ckanapi.NotFound):
        ckan.action.package_show(id="tidak-ada")
    with pytest.raises(ckanapi.ValidationError) as exc:
        ckan.action.package_show()
    assert exc.value.error_dict["id"] == ["Missing value"]
    with pytest.raises(ckanapi.NotFound):
        ckan.action.resource_show(id="00000000-0000-0000-0000-000000000000")
    with pytest.raises(ckanapi.ValidationError):
        ckan.action.package_search(rows="banyak")
    with pytest.raises(ckanapi.SearchQueryError):
        ckan.action.package_search(fq="author:siapa")


def test_it_uses_the_ckan_envelope_and_status_codes(live_server, published):
    import requests

    base = live_server.url + "/api/3/action/"
    ok = requests.get(base + "package_list", timeout=10)
    assert ok.status_code == 200 and set(ok.json()) == {"help", "success", "result"}
    missing = requests.get(base + "package_show?id=tidak-ada", timeout=10)
    assert missing.status_code == 404
    assert missing.json()["error"] == {"__type": "Not Found Error", "message": "Not found"}
    assert requests.get(base + "package_show", timeout=10).status_code == 409
    unknown = requests.get(base + "package_create", timeout=10)
    assert unknown.status_code == 400 and unknown.json()["success"] is False
    assert requests.get(live_server.url + "/api/3", timeout=10).json() == {"version": 3}


def test_it_serves_a_dcat_catalogue_in_json_ld(live_server, published):
    import requests

    doc = requests.get(live_server.url + "/catalog.jsonld", timeout=10)
    assert doc.headers["Content-Type"] == "application/ld+json"
    body = doc.json()
    assert body["@type"] == "dcat:Catalog" and len(body["dcat:dataset"]) == 2
    parkir = next(d for d in body["dcat:dataset"] if d["dct:identifier"] == "parkir-uji")
    assert parkir["dct:publisher"]["foaf:name"] == "Dinas Perhubungan"
    assert parkir["dct:accrualPeriodicity"]["@id"].endswith("/DAILY")
    assert parkir["dct:spatial"]["dct:identifier"] == "12.71"
    assert {d["dct:format"] for d in parkir["dcat:distribution"]} == {"CSV", "JSON", "GeoJSON"}
    assert parkir["dct:license"]["@id"] == "https://creativecommons.org/licenses/by/4.0/"
