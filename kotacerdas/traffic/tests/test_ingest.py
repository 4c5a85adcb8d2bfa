"""POST /api/v1/ingest/traffic: both TrafficFlowObserved forms and NDJSON, validation, quarantine, idempotency."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from django.test import Client
from django.utils import timezone

from kotacerdas.sensors.models import Quarantine, Reason
from kotacerdas.traffic.models import Rollup5Min, Rollup15Min, RollupHour, TrafficReading

URL = "/api/v1/ingest/traffic"


def iso(dt: datetime) -> str:
    return dt.astimezone(UTC).isoformat().replace("+00:00", "Z")


def post(client: Client, token: str | None, body: Any, *, header: str = "bearer") -> Any:
    data = body if isinstance(body, str | bytes) else json.dumps(body)
    extra = {}
    if token and header == "bearer":
        extra["HTTP_AUTHORIZATION"] = f"Bearer {token}"
    elif token:
        extra["HTTP_X_DEVICE_TOKEN"] = token
    return client.post(URL, data=data, content_type="application/json", **extra)


def key_values(detector: str, start: datetime, seconds: int = 300, **attrs: Any) -> dict[str, Any]:
    return {"id": f"urn:ngsi-ld:TrafficFlowObserved:{detector}:{start:%Y%m%d%H%M}", "type": "TrafficFlowObserved",
            "dateObservedFrom": iso(start), "dateObservedTo": iso(start + timedelta(seconds=seconds)), **attrs}


def compact(detector: str, start: datetime, seconds: int = 60, **extra: Any) -> dict[str, Any]:
    return {"d": detector, "t": iso(start), "s": seconds, **extra}


def ndjson(lines: list[dict[str, Any]]) -> str:
    return "\n".join(json.dumps(line) for line in lines) + "\n"


def recent(atcs: Any, minutes: int = 0) -> datetime:
    return atcs.now + timedelta(minutes=minutes)


def test_it_stores_key_values_entities_and_counts_them(client: Client, atcs: Any) -> None:
    start = recent(atcs)
    body = [key_values("D1", start, intensity=120, averageVehicleSpeed=32.5, occupancy=0.18),
            key_values("D2", start, vehicleCounts={"motor": 80, "car": 30, "heavy": 4}, averageVehicleSpeed=28)]

    response = post(client, atcs.token, body)

    assert response.status_code == 200
    assert response.json() == {"stored": 2, "duplicates": 0, "rejected": 0, "errors": []}
    r1 = TrafficReading.objects.get(detector=atcs.loop1)
    assert (r1.start, r1.seconds, r1.vehicles, r1.speed, r1.occupancy, r1.source) == (
        start, 300, 120, 32.5, pytest.approx(18.0), "http")
    assert r1.flow == pytest.approx(120 * 12)  # 120 vehicles in 5 min = 1440 veh/h
    r2 = TrafficReading.objects.get(detector=atcs.loop2)
    assert (r2.motor, r2.car, r2.heavy, r2.vehicles) == (80, 30, 4, 114)


def test_it_stores_ngsi_ld_normalized_entities(client: Client, atcs: Any) -> None:
    start = recent(atcs, 5)
    entity = {
        "id": "urn:ngsi-ld:TrafficFlowObserved:obs-77", "type": "TrafficFlowObserved",
        "refDevice": {"type": "Relationship", "object": "urn:ngsi-ld:Device:D1"},
        "dateObserved": {"type": "Property",
                         "value": {"@type": "DateTime", "@value": f"{iso(start)}/{iso(start + timedelta(minutes=5))}"}},
        "intensity": {"type": "Property", "value": 90},
        "averageVehicleSpeed": {"type": "Property", "value": 41.0, "unitCode": "KMH"},
        "occupancy": {"type": "Property", "value": 0.25},
        "@context": ["https://uri.etsi.org/ngsi-ld/v1/ngsi-ld-core-context.jsonld"],
    }

    response = post(client, atcs.token, [entity])

    assert response.json()["stored"] == 1
    reading = TrafficReading.objects.get()
    assert (reading.detector_id, reading.start, reading.vehicles, reading.speed, reading.occupancy) == (
        atcs.loop1.pk, start, 90, 41.0, pytest.approx(25.0))


def test_it_stores_compact_ndjson_lines(client: Client, atcs: Any) -> None:
    lines = [compact("D1", recent(atcs, m), n={"motor": 10, "car": 5, "heavy": 1}, v=30, o=12.5) for m in range(5)]

    response = post(client, atcs.token, ndjson(lines), header="x-device-token")

    assert response.json() == {"stored": 5, "duplicates": 0, "rejected": 0, "errors": []}
    assert list(TrafficReading.objects.values_list("vehicles", flat=True)) == [16] * 5


def test_it_merges_per_class_entities_of_one_interval(client: Client, atcs: Any) -> None:
    start = recent(atcs)
    body = [key_values("D1", start, vehicleType="motorcycle", intensity=70, occupancy=0.2),
            key_values("D1", start, vehicleType="car", intensity=25),
            key_values("D1", start, vehicleType="bus", intensity=3)]

    assert post(client, atcs.token, body).json()["stored"] == 1

    reading = TrafficReading.objects.get()
    assert (reading.motor, reading.car, reading.heavy, reading.vehicles) == (70, 25, 3, 98)


def test_it_stores_nothing_twice_when_a_batch_is_resent(client: Client, atcs: Any) -> None:
    lines = [compact(d, recent(atcs, m), n={"car": 10}) for d in ("D1", "D2") for m in range(10)]
    first = post(client, atcs.token, ndjson(lines)).json()
    rollup_before = list(Rollup5Min.objects.values_list("detector_id", "bucket_start", "vehicles", "readings"))

    again = post(client, atcs.token, ndjson(lines)).json()
    partly = post(client, atcs.token, ndjson(lines[:3] + [compact("D1", recent(atcs, 10), n={"car": 4})])).json()

    assert first == {"stored": 20, "duplicates": 0, "rejected": 0, "errors": []}
    assert again == {"stored": 0, "duplicates": 20, "rejected": 0, "errors": []}
    assert (partly["stored"], partly["duplicates"]) == (1, 3)
    assert TrafficReading.objects.count() == 21
    assert list(Rollup5Min.objects.filter(bucket_start__lt=recent(atcs, 10)).values_list(
        "detector_id", "bucket_start", "vehicles", "readings")) == rollup_before


def test_it_counts_a_repeat_inside_one_batch_as_duplicate(client: Client, atcs: Any) -> None:
    line = compact("D1", recent(atcs), n={"car": 10})

    answer = post(client, atcs.token, ndjson([line, {**line, "n": {"car": 99}}])).json()

    assert (answer["stored"], answer["duplicates"]) == (1, 1)
    assert TrafficReading.objects.get().car == 10  # the first one counts


@pytest.mark.parametrize(("item", "code", "words"), [
    (lambda a: compact("NOPE", recent(a)), Reason.UNKNOWN_SENSOR, "tidak terdaftar"),
    (lambda a: compact("C1", recent(a), n={"car": 1}), Reason.NOT_OWNED, "bukan milik"),
    (lambda a: compact("D1", recent(a), n={"car": -3}), Reason.INVALID_VALUE, "negatif"),
    (lambda a: compact("D1", recent(a), n={"car": 2.5}), Reason.INVALID_VALUE, "bilangan bulat"),
    (lambda a: compact("D1", recent(a), o=100.5), Reason.INVALID_VALUE, "Okupansi"),
    (lambda a: compact("D1", recent(a), v=251), Reason.INVALID_VALUE, "Kecepatan"),
    (lambda a: compact("D1", recent(a), n={"car": 5000}), Reason.INVALID_VALUE, "mustahil"),
    (lambda a: key_values("D1", recent(a), occupancy=18), Reason.INVALID_VALUE, "pecahan 0-1"),
    (lambda a: compact("D1", timezone.now() + timedelta(minutes=10)), Reason.FUTURE, "masa depan"),
    (lambda a: compact("D1", timezone.now() - timedelta(hours=25), n={"car": 1}), Reason.TOO_LATE, "24 jam"),
    (lambda a: {"d": "D1", "t": "2026-01-05T07:00:00", "s": 60}, Reason.MALFORMED, "zona waktu"),
    (lambda a: compact("D1", recent(a), s=5), Reason.INVALID_VALUE, "Lama interval"),
    (lambda a: compact("D1", recent(a)), Reason.MALFORMED, "Tidak ada nilai"),
    (lambda a: {"type": "TrafficFlowObserved", "id": "urn:ngsi-ld:TrafficFlowObserved:D1",
                "dateObserved": iso(recent(a)), "intensity": 4}, Reason.MALFORMED, "Periode"),
    (lambda a: key_values("D1", recent(a), vehicleType="bicycle", intensity=4), Reason.MALFORMED, "bicycle"),
])
def test_it_quarantines_each_kind_of_bad_reading_with_its_reason(client: Client, atcs: Any, item: Any, code: str,
                                                                 words: str) -> None:
    good = compact("D1", recent(atcs, 30), n={"car": 3})

    answer = post(client, atcs.token, [good, item(atcs)]).json()

    assert (answer["stored"], answer["rejected"]) == (1, 1)
    assert answer["errors"][0]["index"] == 1
    assert answer["errors"][0]["code"] == code
    assert words in answer["errors"][0]["reason"]
    row = Quarantine.objects.get()
    assert (row.kind, row.source, row.device, row.reason_code, row.item_index) == (
        "traffic", "http", atcs.device, code, 1)
    assert row.payload == json.loads(json.dumps(item(atcs))) or code in (Reason.FUTURE, Reason.TOO_LATE)


def test_it_accepts_a_small_clock_skew(client: Client, atcs: Any) -> None:
    start = timezone.now().replace(microsecond=0) - timedelta(seconds=30)  # ends 30 s from now: within 120 s skew

    assert post(client, atcs.token, [compact("D1", start, n={"car": 1})]).json()["stored"] == 1


def test_it_lets_a_gateway_report_any_detector(client: Client, atcs: Any) -> None:
    lines = [compact(d, recent(atcs), n={"car": 2}) for d in ("D1", "C1")]

    assert post(client, atcs.gateway_token, ndjson(lines)).json()["stored"] == 2


@pytest.mark.parametrize("body", [b"", b"not json", b"[1, 2", b"\xff\xfe garbage", b'"just a string"', b"{\"a\": }"])
def test_it_answers_400_with_a_message_for_an_unreadable_body(client: Client, atcs: Any, body: bytes) -> None:
    response = post(client, atcs.token, body)

    assert response.status_code == 400
    assert response.json()["error"]
    assert Quarantine.objects.get().reason_code == Reason.UNPARSEABLE


def test_it_never_answers_500_for_strange_items(client: Client, atcs: Any) -> None:
    body = [1, "x", None, [], {}, {"d": 5}, {"d": "D1", "t": True, "s": 60}, {"d": "D1", "t": 1e300, "s": 60},
            {"d": "D1", "t": iso(recent(atcs)), "s": "60"}, {"d": "D1", "t": iso(recent(atcs)), "s": 60, "n": [1]},
            {"d": "D1", "t": iso(recent(atcs)), "s": 60, "n": {"car": float("nan")}},
            {"type": "TrafficFlowObserved"}, {"type": "TrafficFlowObserved", "refDevice": ["a", "b"]},
            {"type": "TrafficFlowObserved", "id": 5}, {"type": "TrafficFlowObserved", "refDevice": {"type": "x"}},
            {"d": "x" * 500, "t": 0, "s": 60}]
    text = json.dumps(body).replace("NaN", "1e999")

    response = post(client, atcs.token, text)

    assert response.status_code == 200
    assert response.json()["rejected"] == len(body)
    assert Quarantine.objects.count() == len(body)


def test_it_quarantines_nul_characters_that_postgresql_cannot_store(atcs: Any) -> None:
    # Over HTTP core's RejectNulBytesMiddleware answers 400 first; MQTT payloads reach the pipeline as they are.
    from kotacerdas.sensors import actions

    items = [{"d": "D1\x00", "t": iso(recent(atcs)), "s": 60, "n": {"car": 1}},
             {"d": "D1", "t": iso(recent(atcs)), "s": 60, "n": {"car\x00": 1}}]

    result = actions.do_ingest("traffic", atcs.device, items, source="mqtt")

    assert (result.stored, result.rejected) == (0, 2)
    assert Quarantine.objects.count() == 2


def test_it_rejects_one_bad_ndjson_line_and_keeps_the_rest(client: Client, atcs: Any) -> None:
    text = json.dumps(compact("D1", recent(atcs), n={"car": 1})) + "\n{oops\n"

    answer = post(client, atcs.token, text).json()

    assert (answer["stored"], answer["rejected"], answer["errors"][0]["index"]) == (1, 1, 1)


@pytest.mark.parametrize(("auth", "status"), [(None, 401), ("kcdev_wrong", 401)])
def test_it_refuses_a_missing_or_unknown_token(client: Client, atcs: Any, auth: str | None, status: int) -> None:
    response = post(client, auth, [compact("D1", recent(atcs), n={"car": 1})])

    assert response.status_code == status
    assert response["WWW-Authenticate"].startswith("Bearer")
    assert not TrafficReading.objects.exists()


def test_it_refuses_an_inactive_device_or_one_of_another_kind(client: Client, atcs: Any) -> None:
    atcs.device.is_active = False
    atcs.device.save()
    assert post(client, atcs.token, []).status_code == 403
    atcs.other.kind = "parking"
    atcs.other.save()
    assert post(client, atcs.other_token, []).status_code == 403
    assert client.get(URL).status_code == 405
    assert client.post("/api/v1/ingest/unknown-kind", "[]", content_type="application/json").status_code == 404


def test_it_keeps_rollups_right_under_late_and_out_of_order_data(client: Client, atcs: Any) -> None:
    hour = atcs.now
    # 1-minute readings on D1, sent in a shuffled order over three batches, the last one 50 minutes "late".
    minutes = [14, 2, 7, 0, 59, 31, 3, 16]
    readings = {m: compact("D1", hour + timedelta(minutes=m), n={"motor": m, "car": 2, "heavy": 1},
                           v=20 + m, o=m / 2) for m in minutes}
    post(client, atcs.token, ndjson([readings[m] for m in minutes[:3]]))
    post(client, atcs.token, ndjson([readings[m] for m in minutes[3:6]]))
    post(client, atcs.token, ndjson([readings[m] for m in minutes[6:]]))

    def expect(model: Any, bucket_minute: int, members: list[int]) -> None:
        row = model.objects.get(detector=atcs.loop1, bucket_start=hour + timedelta(minutes=bucket_minute))
        assert row.readings == len(members)
        assert row.seconds == 60 * len(members)
        assert row.motor == sum(members)
        assert row.vehicles == sum(m + 3 for m in members)
        assert row.flow_vph == pytest.approx(sum(m + 3 for m in members) * 60 / len(members))
        assert row.mean_speed == pytest.approx(sum(20 + m for m in members) / len(members))
        assert row.mean_occupancy == pytest.approx(sum(m / 2 for m in members) / len(members))

    expect(Rollup5Min, 0, [0, 2, 3])
    expect(Rollup5Min, 5, [7])
    expect(Rollup5Min, 10, [14])
    expect(Rollup5Min, 15, [16])
    expect(Rollup5Min, 30, [31])
    expect(Rollup5Min, 55, [59])
    assert Rollup5Min.objects.count() == 6
    expect(Rollup15Min, 0, [0, 2, 3, 7, 14])
    expect(Rollup15Min, 15, [16])
    expect(Rollup15Min, 30, [31])
    expect(Rollup15Min, 45, [59])
    expect(RollupHour, 0, minutes)
    assert RollupHour.objects.count() == 1


def test_it_rolls_up_readings_without_counts_apart_from_counted_ones(client: Client, atcs: Any) -> None:
    # A radar gives speed and occupancy only: it must not dilute the flow of counted intervals.
    post(client, atcs.gateway_token, ndjson([compact("D1", atcs.now, n={"car": 30}, v=30),
                                             compact("D1", atcs.now + timedelta(minutes=1), v=50, o=40)]))

    row = Rollup5Min.objects.get()
    assert (row.readings, row.seconds, row.count_seconds, row.vehicles) == (2, 120, 60, 30)
    assert row.flow_vph == pytest.approx(1800)
    assert row.mean_speed == pytest.approx(40)
    assert row.mean_occupancy == pytest.approx(40)


def test_it_prunes_raw_readings_past_retention_and_keeps_rollups(client: Client, atcs: Any, settings: Any) -> None:
    from kotacerdas.sensors import actions

    settings.TRAFFIC_RAW_RETENTION_DAYS = 30
    post(client, atcs.token, ndjson([compact("D1", atcs.now + timedelta(minutes=m), n={"car": 1})
                                     for m in range(3)]))

    counts = actions.do_prune(now=timezone.now() + timedelta(days=31))

    assert counts["traffic"] == 3
    assert not TrafficReading.objects.exists()
    assert Rollup5Min.objects.get().readings == 3


def test_it_applies_a_changed_vehicles_per_second_limit(client: Client, atcs: Any, settings: Any) -> None:
    line = compact("D1", recent(atcs), n={"car": 100})  # 100 vehicles in 60 s: fine under the default 10/s
    assert post(client, atcs.token, ndjson([line])).json()["stored"] == 1

    settings.TRAFFIC_MAX_VEHICLES_PER_SECOND = 1  # the limit is cached per process; a changed setting resets it
    answer = post(client, atcs.token, ndjson([compact("D1", recent(atcs, 1), n={"car": 100})])).json()

    assert (answer["stored"], answer["errors"][0]["code"]) == (0, Reason.INVALID_VALUE)


def test_it_stores_a_large_batch_with_resent_readings_in_it_once(client: Client, atcs: Any) -> None:
    # An hour of 10-second readings on 3 detectors: more than one insert chunk on SQLite, one statement on
    # PostgreSQL; the second batch resends half of the first.
    lines = [compact(d, atcs.now + timedelta(seconds=10 * k), s=10, n={"motor": k % 7, "car": 1}, v=25.0)
             for k in range(360) for d in ("D1", "D2", "C1")]
    first = post(client, atcs.gateway_token, ndjson(lines[:720])).json()

    again = post(client, atcs.gateway_token, ndjson(lines[360:])).json()

    assert (first["stored"], first["duplicates"], again["stored"], again["duplicates"]) == (720, 0, 360, 360)
    assert TrafficReading.objects.count() == 1080
    for model in (Rollup5Min, Rollup15Min, RollupHour):
        rows = list(model.objects.values_list("readings", "vehicles", "speed_n"))
        assert sum(r[0] for r in rows) == 1080, model.__name__
        assert sum(r[1] for r in rows) == sum(k % 7 + 1 for k in range(360)) * 3
        assert sum(r[2] for r in rows) == 1080
    assert RollupHour.objects.count() == 3
