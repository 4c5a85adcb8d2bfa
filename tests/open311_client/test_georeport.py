"""A second, independent reader: the PyPI package `georeport` (0.3.1) against the live server, JSON and XML.

georeport only reads (services, service definitions, requests, one request) and raises requests' HTTPError on
4xx; its XML mode returns xmltodict's shapes (one element is a dict, not a list), so the checks below read both.
"""

from __future__ import annotations

from typing import Any

import pytest
import requests
from django.core.cache import cache
from georeport import GeoReport

from kotacerdas.complaints import actions

pytestmark = pytest.mark.django_db(transaction=True)


def as_list(value: Any) -> list[Any]:
    return value if isinstance(value, list) else [value]


@pytest.fixture
def reports(city: Any) -> list[Any]:
    from kotacerdas.open311.models import ServiceAttribute

    cache.clear()
    ServiceAttribute.objects.create(category=city.cat_sampah, code="volume", datatype="number", order=1,
                                    required=True, description="Perkiraan volume (m3)")
    ServiceAttribute.objects.create(category=city.cat_sampah, code="jenis", datatype="singlevaluelist", order=2,
                                    description="Jenis", values=[{"key": "organik", "name": "Organik"}])
    made = []
    for n in range(2):
        made.append(actions.submit({
            "title": f"Sampah menumpuk nomor {n}", "category": "sampah", "lat": city.inside[0],
            "lon": city.inside[1], "reporter_name": "Budi Santoso", "reporter_phone": "081298765432",
            "description": "Sudah seminggu sampah tidak diangkut, baunya menyengat sampai ke rumah warga.",
        }))
    return made


@pytest.mark.parametrize("fmt", ["json", "xml"])
def test_it_is_read_by_the_georeport_package(live_server, reports, fmt):
    client = GeoReport(f"{live_server.url}/open311/v2", jurisdiction="medan.go.id", output_format=fmt)

    services = as_list(client.get_service_list())
    assert {s["service_code"] for s in services} == {"sampah", "lampu-lalu-lintas"}
    sampah = next(s for s in services if s["service_code"] == "sampah")
    assert str(sampah["metadata"]).lower() == "true"

    definition = client.get_service_definition("sampah")
    attributes = as_list(definition["attributes"] if fmt == "json" else definition["attributes"]["attribute"])
    assert [a["code"] for a in attributes] == ["volume", "jenis"]
    assert str(attributes[0]["required"]).lower() == "true"

    listed = as_list(client.get_service_requests(service_code="sampah", status="open"))
    assert [r["service_request_id"] for r in listed] == [c.tracking_no for c in reversed(reports)]
    one = as_list(client.get_service_requests(service_request_id=reports[0].tracking_no))
    assert len(one) == 1 and one[0]["service_request_id"] == reports[0].tracking_no

    single = client.get_service_request(reports[1].tracking_no)
    assert single["service_request_id"] == reports[1].tracking_no
    assert single["status"] == "open" and single["requested_datetime"].endswith("+07:00")
    assert "081298765432" not in str(single) and "Budi" not in str(single)

    with pytest.raises(requests.HTTPError) as exc:
        client.get_service_request("MRK-2026-999999")
    assert exc.value.response.status_code == 404
    wrong = GeoReport(f"{live_server.url}/open311/v2", jurisdiction="manado.go.id", output_format=fmt)
    with pytest.raises(requests.HTTPError):
        wrong.get_service_list()
