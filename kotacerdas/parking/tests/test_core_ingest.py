"""POST /api/v1/ingest/parking: OnStreetParking (keyValues, normalized) and compact lines, one row per interval."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from django.test import Client
from django.utils import timezone

from kotacerdas.parking import selectors
from kotacerdas.parking.models import OccupancyReading
from kotacerdas.sensors.models import Device, Quarantine, Reason

URL = "/api/v1/ingest/parking"


def iso(dt: datetime) -> str:
    return dt.astimezone(UTC).isoformat().replace("+00:00", "Z")


@pytest.fixture
def sensors(parking: Any) -> dict[str, Any]:
    device = Device(code="sensor-ksw-01", kind="parking", owner_module="parking")
    token = device.issue_token()
    device.save()
    gateway = Device(code="parkir-pusat", kind="parking", owner_module="parking", is_gateway=True)
    gateway_token = gateway.issue_token()
    gateway.save()
    parking.ksw1.device = device
    parking.ksw1.save()
    start = timezone.now().astimezone(UTC).replace(second=0, microsecond=0) - timedelta(minutes=30)
    return {"token": token, "gateway_token": gateway_token, "start": start}


def post(client: Client, token: str, body: Any) -> Any:
    data = body if isinstance(body, str) else json.dumps(body)
    return client.post(URL, data=data, content_type="application/json", HTTP_AUTHORIZATION=f"Bearer {token}")


def key_values(code: str, start: datetime, seconds: int = 300, **attrs: Any) -> dict[str, Any]:
    return {"id": f"urn:ngsi-ld:OnStreetParking:{code}", "type": "OnStreetParking", "dateObservedFrom": iso(start),
            "dateObservedTo": iso(start + timedelta(seconds=seconds)), **attrs}


def test_it_stores_key_values_on_street_parking(client: Client, parking: Any, sensors: Any) -> None:
    body = key_values("KSW-01", sensors["start"], occupiedSpotNumber=14, totalSpotNumber=20, arrivals=9)

    response = post(client, sensors["token"], body)

    assert response.json() == {"stored": 1, "duplicates": 0, "rejected": 0, "errors": []}
    r = OccupancyReading.objects.get()
    assert (r.point, r.start, r.seconds, r.occupied, r.total, r.arrivals, r.source) == (
        parking.ksw1, sensors["start"], 300, 14, 20, 9, "http")


def test_it_stores_ngsi_ld_normalized_entities(client: Client, parking: Any, sensors: Any) -> None:
    start = sensors["start"]
    body = {"id": "urn:ngsi-ld:OnStreetParking:KSW-01", "type": "OnStreetParking",
            "dateObservedFrom": {"type": "Property", "value": {"@type": "DateTime", "@value": iso(start)}},
            "dateObservedTo": {"type": "Property", "value": iso(start + timedelta(minutes=5))},
            "totalSpotNumber": {"type": "Property", "value": 20},
            "availableSpotNumber": {"type": "Property", "value": 5}}

    assert post(client, sensors["token"], body).json()["stored"] == 1
    assert OccupancyReading.objects.get().occupied == 15


def test_it_stores_compact_lines_and_nothing_twice(client: Client, parking: Any, sensors: Any) -> None:
    lines = [{"p": "KSW-01", "t": iso(sensors["start"] + timedelta(minutes=5 * i)), "s": 300, "occ": i, "tot": 20}
             for i in range(3)]
    ndjson = "\n".join(json.dumps(line) for line in lines)

    first = post(client, sensors["token"], ndjson).json()
    again = post(client, sensors["token"], ndjson).json()

    assert (first["stored"], again["stored"], again["duplicates"]) == (3, 0, 3)
    assert OccupancyReading.objects.count() == 3


@pytest.mark.parametrize(("item", "code"), [
    ({"p": "KSW-01", "s": 300, "occ": 1, "tot": 20}, Reason.MALFORMED),  # no time
    ({"p": "KSW-01", "s": 300, "occ": 21, "tot": 20}, Reason.INVALID_VALUE),  # more occupied than spaces
    ({"p": "KSW-01", "s": 300, "occ": 1, "tot": 0}, Reason.INVALID_VALUE),
    ({"p": "KSW-01", "s": 300, "occ": -1, "tot": 20}, Reason.INVALID_VALUE),
    ({"p": "KSW-01", "s": 300, "occ": 1}, Reason.MALFORMED),  # no total
    ({"p": "KSW-01", "s": 60, "occ": 1, "tot": 2, "arr": 50}, Reason.INVALID_VALUE),
    ({"p": "KSW-01", "s": 10, "occ": 1, "tot": 2}, Reason.INVALID_VALUE),  # interval too short
    ({"p": "TIDAK-ADA", "s": 300, "occ": 1, "tot": 2}, Reason.UNKNOWN_SENSOR),
    ({"p": "KSW-02", "s": 300, "occ": 1, "tot": 2}, Reason.NOT_OWNED),  # KSW-02 is not this device's point
    ({"type": "ParkingSpot", "id": "urn:ngsi-ld:ParkingSpot:1", "status": "occupied"}, Reason.MALFORMED),
])
def test_it_quarantines_bad_items_with_their_reason(client: Client, parking: Any, sensors: Any, item: Any,
                                                    code: str) -> None:
    if "p" in item and "s" in item and "t" not in item and code != Reason.MALFORMED:
        item["t"] = iso(sensors["start"])
    response = post(client, sensors["token"], [item])

    assert response.json()["rejected"] == 1
    assert Quarantine.objects.get().reason_code == code
    assert not OccupancyReading.objects.exists()


def test_a_gateway_reports_any_point(client: Client, parking: Any, sensors: Any) -> None:
    body = [{"p": code, "t": iso(sensors["start"]), "s": 300, "occ": 1, "tot": 10} for code in ("KSW-01", "KSW-02")]

    assert post(client, sensors["gateway_token"], body).json()["stored"] == 2


def test_occupancy_now_reads_the_newest_fresh_reading(parking: Any, sensors: Any) -> None:
    now = timezone.now()
    OccupancyReading.objects.create(point=parking.ksw1, start=now - timedelta(minutes=20), seconds=300, occupied=3,
                                    total=20)
    OccupancyReading.objects.create(point=parking.ksw1, start=now - timedelta(minutes=10), seconds=300, occupied=9,
                                    total=20)
    OccupancyReading.objects.create(point=parking.ksw2, start=now - timedelta(hours=3), seconds=300, occupied=5,
                                    total=10)

    found = selectors.occupancy_now([parking.ksw1, parking.ksw2, parking.psr1], now=now)

    assert set(found) == {parking.ksw1.pk}  # KSW-02's reading is 3 h old: not "now"
    occupied, total, at = found[parking.ksw1.pk]
    assert (occupied, total) == (9, 20) and at == now - timedelta(minutes=5)
