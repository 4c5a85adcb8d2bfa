"""Open311 writes through the Django test client: POST requests, batch tokens, idempotency, limits, updates."""

from __future__ import annotations

from typing import Any

import pytest

from kotacerdas.complaints import actions
from kotacerdas.complaints.models import Channel, Complaint, Status
from kotacerdas.open311.models import (
    ApiKey,
    IdempotencyRecord,
    RequestAttributeValue,
    RequestToken,
    RequestUpdate,
    ServiceAttribute,
    ServiceConfig,
)
from kotacerdas.open311.tests.conftest import BASE, parse, resolve


def body(key: str, **extra: Any) -> dict[str, Any]:
    data = {"api_key": key, "service_code": "sampah", "lat": "3.57", "long": "98.685",
            "description": "Sampah menumpuk di pinggir jalan sejak kemarin sore.\nBaunya sampai ke sekolah.",
            "first_name": "Ani", "last_name": "Lubis", "email": "ani@contoh.id", "phone": "081377788899",
            "account_id": "warga-77", "device_id": "hp-1"}
    data.update(extra)
    return data


def errors_of(response: Any) -> list[str]:
    data = parse(response)
    if isinstance(data, list):
        return [e["description"] for e in data]
    return [e.findtext("description") for e in data.findall("error")]


@pytest.fixture
def questions(city: Any) -> None:
    ServiceAttribute.objects.create(category=city.cat_sampah, code="volume", datatype="number", order=1,
                                    required=True, description="Perkiraan volume (m3)")
    ServiceAttribute.objects.create(category=city.cat_sampah, code="jenis", datatype="multivaluelist", order=2,
                                    description="Jenis sampah", values=[{"key": "organik", "name": "Organik"},
                                                                        {"key": "plastik", "name": "Plastik"}])
    ServiceAttribute.objects.create(category=city.cat_sampah, code="sejak", datatype="datetime", order=3,
                                    description="Sejak kapan?")
    ServiceAttribute.objects.create(category=city.cat_sampah, code="lokasi", datatype="singlevaluelist", order=4,
                                    description="Di mana?", values=[{"key": "jalan", "name": "Jalan"},
                                                                    {"key": "sungai", "name": "Sungai"}])


def test_it_files_a_complaint_through_actions_with_channel_reporter_and_answers(client, city, apikey, questions):
    response = client.post(f"{BASE}/requests.json", body(
        apikey[1], **{"attribute[volume]": "2.5", "attribute[jenis][]": ["organik", "plastik"],
                      "attribute[sejak]": "2026-11-01T08:00:00Z", "attribute[lokasi]": "jalan",
                      "attribute[fixmystreet_id]": "123"}))
    assert response.status_code == 200, response.content
    (item,) = parse(response)
    assert set(item) == {"service_request_id", "service_notice", "account_id"}
    assert item["account_id"] == "warga-77" and item["service_request_id"].startswith("MRK-")
    c = Complaint.objects.get(tracking_no=item["service_request_id"])
    assert c.channel == Channel.OPEN311 and c.status == Status.BARU
    assert c.reporter_name == "Ani Lubis" and c.reporter_email == "ani@contoh.id"
    assert c.title == "Sampah menumpuk di pinggir jalan sejak kemarin sore."
    assert c.kelurahan == city.kel_pasar_baru
    answers = dict(RequestAttributeValue.objects.filter(complaint=c).values_list("code", "value"))
    assert answers == {"volume": 2.5, "jenis": ["organik", "plastik"], "sejak": "2026-11-01T15:00:00+07:00",
                       "lokasi": "jalan"}
    assert c.open311.api_key == apikey[0] and c.open311.device_id == "hp-1"
    assert ApiKey.objects.get().last_used_at is not None


def test_it_accepts_an_address_instead_of_a_point_and_treats_empty_fields_as_absent(client, city, apikey):
    response = client.post(f"{BASE}/requests.xml", body(apikey[1], lat="", long="",
                                                        address_string="Depan Masjid Raya, Jl. SM Raja"))
    assert response.status_code == 200, response.content
    root = parse(response)
    assert root.tag == "service_requests" and root.findtext("request/service_request_id").startswith("MRK-")
    c = Complaint.objects.get()
    assert c.lat is None and c.address == "Depan Masjid Raya, Jl. SM Raja"


@pytest.mark.parametrize("key", [None, "", "kc311_salah", "x" * 500])
def test_it_refuses_a_post_without_a_valid_key_with_403_and_stores_nothing(client, city, key):
    data = body(key or "")
    if key is None:
        del data["api_key"]
    for fmt in ("json", "xml"):
        response = client.post(f"{BASE}/requests.{fmt}", data, HTTP_IDEMPOTENCY_KEY="k1")
        assert response.status_code == 403
        assert "api_key" in errors_of(response)[0]
    assert not Complaint.objects.exists() and not IdempotencyRecord.objects.exists()


def test_it_refuses_an_inactive_key(client, city, apikey):
    ApiKey.objects.update(is_active=False)
    assert client.post(f"{BASE}/requests.json", body(apikey[1])).status_code == 403
    assert not Complaint.objects.exists()


def test_it_names_the_field_of_every_problem_and_stores_nothing(client, city, apikey, questions):
    response = client.post(f"{BASE}/requests.json", body(
        apikey[1], lat=str(city.outside[0]), long=str(city.outside[1]), description="rusak", email="bukan-email",
        phone="", **{"attribute[jenis]": "kaca", "attribute[sejak]": "kemarin", "attribute[lokasi]": "laut"}))
    assert response.status_code == 400
    found = errors_of(response)
    assert "lat: Lokasi berada di luar wilayah Kota Medan." in found
    assert any(e.startswith("description:") for e in found)
    assert any(e.startswith("email:") for e in found)
    assert "attribute[volume]: volume wajib diisi" in found
    assert any(e.startswith("attribute[jenis]: pilihan tidak dikenal: kaca") for e in found)
    assert any(e.startswith("attribute[sejak]:") for e in found)
    assert any(e.startswith("attribute[lokasi]:") for e in found)
    assert not Complaint.objects.exists()


@pytest.mark.parametrize(("extra", "field"), [
    ({"lat": "", "long": "", "address_string": ""}, "lat"),
    ({"lat": "", "long": "", "address_id": "A-12"}, "address_id"),
    ({"long": ""}, "lat"),
    ({"lat": "tiga"}, "lat"),
    ({"lat": "1e400", "long": "98.6"}, "lat"),
    ({"lat": "nan"}, "lat"),
    ({"description": "x" * 4001}, "description"),
    ({"media_url": "javascript:alert(1)"}, "media_url"),
    ({"first_name": "", "last_name": ""}, "first_name"),
    ({"email": "", "phone": ""}, "phone"),
    ({"service_code": ""}, "service_code"),
])
def test_it_refuses_bad_fields_with_400(client, city, apikey, extra, field):
    response = client.post(f"{BASE}/requests.json", body(apikey[1], **extra))
    assert response.status_code == 400, response.content
    assert any(e.startswith(f"{field}:") for e in errors_of(response)), errors_of(response)
    assert not Complaint.objects.exists()


def test_it_answers_an_unknown_or_inactive_service_with_404(client, city, apikey):
    assert client.post(f"{BASE}/requests.json", body(apikey[1], service_code="banjir")).status_code == 404
    city.cat_sampah.is_active = False
    city.cat_sampah.save()
    assert client.post(f"{BASE}/requests.json", body(apikey[1])).status_code == 404
    assert client.post(f"{BASE}/requests.json", body(apikey[1], jurisdiction_id="manado.go.id",
                                                     service_code="lampu-lalu-lintas")).status_code == 404


def test_it_replays_a_post_with_the_same_idempotency_key_once_per_api_key(client, city, apikey):
    first = client.post(f"{BASE}/requests.json", body(apikey[1]), HTTP_IDEMPOTENCY_KEY="abc-1")
    again = client.post(f"{BASE}/requests.json", body(apikey[1]), HTTP_IDEMPOTENCY_KEY="abc-1")
    assert first.status_code == again.status_code == 200
    assert again.content == first.content and again["Idempotent-Replayed"] == "true"
    assert Complaint.objects.count() == 1
    other = client.post(f"{BASE}/requests.json", body(apikey[1], description="Lain lagi: sampah di sungai."),
                        HTTP_IDEMPOTENCY_KEY="abc-1")
    assert other.status_code == 400 and errors_of(other)[0].startswith("Idempotency-Key:")
    # Another integrator's key has its own namespace of idempotency keys.
    second = ApiKey(integrator="Kios Kelurahan")
    raw = second.issue()
    second.save()
    assert client.post(f"{BASE}/requests.json", body(raw), HTTP_IDEMPOTENCY_KEY="abc-1").content != first.content
    assert Complaint.objects.count() == 2


def test_it_does_not_store_a_refused_post_under_its_idempotency_key(client, city, apikey):
    refused = client.post(f"{BASE}/requests.json", body(apikey[1], description="pendek"),
                          HTTP_IDEMPOTENCY_KEY="k-9")
    assert refused.status_code == 400
    fixed = client.post(f"{BASE}/requests.json", body(apikey[1], description="pendek"),
                        HTTP_IDEMPOTENCY_KEY="k-9")
    assert fixed.status_code == 400 and "Idempotent-Replayed" not in fixed
    assert not IdempotencyRecord.objects.exists()


def test_it_answers_a_batch_service_with_a_token_that_resolves_once_created(
        client, city, apikey, django_capture_on_commit_callbacks):
    ServiceConfig.objects.create(category=city.cat_sampah, type="batch")
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        response = client.post(f"{BASE}/requests.xml", body(apikey[1]))
    assert response.status_code == 200
    root = parse(response)
    token = root.findtext("request/token")
    assert token and root.find("request/service_request_id") is None
    pending = parse(client.get(f"{BASE}/tokens/{token}.json"))
    assert pending == [{"service_request_id": None, "token": token}]
    assert not Complaint.objects.exists()
    for callback in callbacks:  # the commit: the task runs (tests run tasks immediately)
        callback()
    c = Complaint.objects.get()
    assert c.channel == Channel.OPEN311
    assert parse(client.get(f"{BASE}/tokens/{token}.json")) == [{"service_request_id": c.tracking_no,
                                                                  "token": token}]
    root = parse(client.get(f"{BASE}/tokens/{token}.xml"))
    assert root.findtext("request/service_request_id") == c.tracking_no
    assert RequestToken.objects.get().payload == {}  # the contact details are not kept beside the complaint


def test_it_marks_a_batch_token_failed_when_the_input_no_longer_passes(
        client, city, apikey, django_capture_on_commit_callbacks):
    ServiceConfig.objects.create(category=city.cat_sampah, type="batch")
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        token = parse(client.post(f"{BASE}/requests.json", body(apikey[1])))[0]["token"]
    city.cat_sampah.is_active = False  # the category was switched off before the worker ran
    city.cat_sampah.save()
    for callback in callbacks:
        callback()
    response = client.get(f"{BASE}/tokens/{token}.json")
    assert response.status_code == 400 and "service_code" in errors_of(response)[0]
    assert not Complaint.objects.exists()


def test_it_limits_requests_per_api_key_with_retry_after(client, city, apikey, monkeypatch):
    from kotacerdas.open311 import ratelimit

    # 30 s into a window, always: on a slow machine the three requests could otherwise straddle a window edge.
    monkeypatch.setattr(ratelimit, "_clock", lambda: 29_000_000 * 60 + 30.0)
    ApiKey.objects.update(rate_limit_per_minute=2)
    assert client.post(f"{BASE}/requests.json", body(apikey[1])).status_code == 200
    assert client.post(f"{BASE}/requests.json", body(apikey[1])).status_code == 200
    response = client.post(f"{BASE}/requests.xml", body(apikey[1]))
    assert response.status_code == 429 and 1 <= int(response["Retry-After"]) <= 60
    assert parse(response).findtext("error/code") == "429"
    assert Complaint.objects.count() == 2


def test_it_limits_requests_per_ip_on_every_endpoint(client, city, settings):
    settings.OPEN311_RATE_LIMIT_PER_IP = 3
    for _n in range(3):
        assert client.get(f"{BASE}/services.json").status_code == 200
    response = client.get(f"{BASE}/requests.json")
    assert response.status_code == 429 and int(response["Retry-After"]) >= 1
    assert client.get(f"{BASE}/services.json", REMOTE_ADDR="10.0.0.9").status_code == 200


# --------------------------------------------------------------------------------------------------------
# servicerequestupdates


def reopen(client: Any, key: str, tracking_no: str, update_id: str = "fms-1", fmt: str = "json") -> Any:
    return client.post(f"{BASE}/servicerequestupdates.{fmt}", {
        "api_key": key, "service_request_id": tracking_no, "update_id": update_id, "status": "REOPEN",
        "updated_datetime": "2026-11-20T10:00:00+07:00", "description": "Sampah menumpuk lagi di tempat yang sama.",
    })


def filed_and_resolved(client: Any, key: str, people: Any, city: Any) -> Complaint:
    tracking_no = parse(client.post(f"{BASE}/requests.json", body(key)))[0]["service_request_id"]
    return resolve(Complaint.objects.get(tracking_no=tracking_no), people, city)


def test_it_reopens_a_case_for_the_key_that_filed_it_and_stores_an_update_once(client, city, people, apikey):
    c = filed_and_resolved(client, apikey[1], people, city)
    response = reopen(client, apikey[1], c.tracking_no)
    assert response.status_code == 200, response.content
    (item,) = parse(response)
    c.refresh_from_db()
    assert c.status == Status.DIPROSES and c.reopen_count == 1
    event = c.events.get(kind="reopened")
    assert item == {"update_id": str(event.pk)}
    again = reopen(client, apikey[1], c.tracking_no, fmt="xml")
    assert again.status_code == 200 and parse(again).findtext("request_update/update_id") == str(event.pk)
    assert RequestUpdate.objects.count() == 1
    c.refresh_from_db()
    assert c.reopen_count == 1
    feed = parse(client.get(f"{BASE}/servicerequestupdates.json"))
    mine = [u for u in feed if u["update_id"] == str(event.pk)]
    assert mine and mine[0]["status"] == "reopen" and mine[0]["service_request_id"] == c.tracking_no
    assert {u["status"] for u in feed} >= {"open", "action_scheduled", "in_progress", "fixed", "reopen"}


def test_it_refuses_updates_from_another_key_or_outside_the_lifecycle(client, city, people, apikey):
    c = filed_and_resolved(client, apikey[1], people, city)
    stranger = ApiKey(integrator="Bot WhatsApp")
    raw = stranger.issue()
    stranger.save()
    assert reopen(client, raw, c.tracking_no).status_code == 403
    assert reopen(client, "salah", c.tracking_no).status_code == 403
    web = actions.submit({"title": "Sampah di gang", "description": "Sampah tidak diangkut sudah tiga hari.",
                          "category": "sampah", "address": "Gang Mawar", "reporter_name": "Rina",
                          "reporter_phone": "081211112222"})
    assert reopen(client, apikey[1], web.tracking_no, update_id="x").status_code == 403
    assert reopen(client, apikey[1], "MRK-2026-999999", update_id="y").status_code == 404
    # Reopening an open case breaks the lifecycle rules: 400 naming the status.
    open_case = parse(client.post(f"{BASE}/requests.json", body(apikey[1])))[0]["service_request_id"]
    response = reopen(client, apikey[1], open_case, update_id="z")
    assert response.status_code == 400 and errors_of(response)[0].startswith("status:")
    response = client.post(f"{BASE}/servicerequestupdates.json", {"api_key": apikey[1], "status": "FIXED",
                                                                  "update_id": "w"})
    assert response.status_code == 400
    assert {e.split(":")[0] for e in errors_of(response)} == {"service_request_id", "updated_datetime",
                                                              "description"}
    c.refresh_from_db()
    assert c.status == Status.SELESAI and not RequestUpdate.objects.exists()
