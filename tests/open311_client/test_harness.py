"""The Open311 server seen from outside: a client over real HTTP against the live server, in both formats.

Each rule of issue #3 §1 has a test here; everything a test checks comes from HTTP answers (the ORM only
prepares the city and moves cases through their lifecycle as the staff would).
"""

from __future__ import annotations

import time
from datetime import timedelta
from typing import Any

import jsonschema
import pytest
from django.core.cache import cache
from django.test import override_settings
from django.utils import timezone

from kotacerdas.complaints import actions
from kotacerdas.complaints.models import Outcome
from tests.open311_client import schemas
from tests.open311_client.harness import Open311Client, canon

pytestmark = pytest.mark.django_db(transaction=True)
FORMATS = ("json", "xml")
PII = ["Budi Santoso", "081298765432", "budi@contoh.id", "1271010101900001", "0812-3456-7890", "rina@contoh.id"]


@pytest.fixture(autouse=True)
def _clean_cache():
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def world(city: Any, people: Any) -> dict[str, Any]:
    """A key, service definitions and complaints in the states a client must handle."""
    from kotacerdas.open311.models import ApiKey, ServiceAttribute, ServiceConfig

    key = ApiKey(integrator="Harness", rate_limit_per_minute=10_000)
    raw = key.issue()
    key.save()
    for n, datatype in enumerate(["string", "number", "datetime", "text", "singlevaluelist", "multivaluelist"], 1):
        ServiceAttribute.objects.create(
            category=city.cat_sampah, code=f"q{n}", datatype=datatype, order=n, required=datatype == "number",
            description=f"Pertanyaan {datatype}", datatype_description="Isi singkat" if n == 1 else "",
            values=[{"key": "a", "name": "Satu"}, {"key": "b", "name": "Dua"}] if n >= 5 else [])
    ServiceConfig.objects.create(category=city.cat_lampu, type="batch")
    now = timezone.now()

    def report(days: float, **extra: Any) -> Any:
        data = {"title": "Sampah menumpuk di depan pasar", "category": "sampah", "lat": city.inside[0],
                "lon": city.inside[1], "reporter_name": "Budi Santoso", "reporter_phone": "081298765432",
                "reporter_email": "budi@contoh.id", "reporter_nik": "1271010101900001",
                "description": "Sudah seminggu sampah tidak diangkut, baunya menyengat sampai ke rumah warga."}
        data.update(extra)
        return actions.submit(data, now=now - timedelta(days=days))

    old = report(200)
    resolved = report(5)
    resolved = actions.do_dispose(people.adi, resolved, actions.check_dispose(people.adi, resolved, city.dlh))
    resolved = actions.do_respond(people.dewi, resolved,
                                  *actions.check_respond(people.dewi, resolved, "Petugas menuju lokasi."))
    resolved = actions.do_resolve(people.dewi, resolved, *actions.check_resolve(
        people.dewi, resolved, Outcome.FIXED, "Sampah sudah diangkut seluruhnya."))
    closed = report(4, category="lampu-lalu-lintas")
    closed = actions.do_close_unverified(people.adi, closed, "bukan_wewenang", actions.check_close_unverified(
        people.adi, closed, "Lampu milik Dishub provinsi"))
    secret = report(3, is_rahasia=True)
    anon = report(2, is_anonim=True, description="Telepon saya 0812-3456-7890, rina@contoh.id, "
                                                 "NIK 1271010101900001. Sampah tidak diangkut.")
    fresh = report(1)
    return {"key": raw, "old": old, "resolved": resolved, "closed": closed, "secret": secret, "anon": anon,
            "fresh": fresh, "now": now}


@pytest.fixture
def o311(live_server: Any) -> Open311Client:
    return Open311Client(f"{live_server.url}/open311/v2")


def post_body(key: str, **extra: Any) -> dict[str, Any]:
    data = {"api_key": key, "service_code": "sampah", "lat": "3.571", "long": "98.686",
            "description": "Tumpukan sampah di trotoar menghalangi pejalan kaki.", "first_name": "Rina",
            "email": "rina@contoh.id", "attribute[q2]": "3"}
    data.update(extra)
    return data


def error_texts(reply: Any) -> list[str]:
    jsonschema.validate(reply.data, schemas.ERRORS)
    return [e["description"] for e in reply.data]


# --------------------------------------------------------------------------------------------------------


def test_it_serves_discovery_in_both_formats(live_server, world):
    client = Open311Client(f"{live_server.url}/open311")
    data = client.both("discovery", schemas.DISCOVERY)
    assert data["endpoints"][0]["url"] == f"{live_server.url}/open311/v2"
    assert set(data["endpoints"][0]["formats"]) == {"text/xml", "application/json"}


def test_it_lists_services_and_definitions_with_parity(o311, world):
    services = o311.both("services", schemas.SERVICES)
    by_code = {s["service_code"]: s for s in services}
    assert by_code["sampah"]["metadata"] is True and by_code["sampah"]["type"] == "realtime"
    assert by_code["lampu-lalu-lintas"]["metadata"] is False and by_code["lampu-lalu-lintas"]["type"] == "batch"
    definition = o311.both("services/sampah", schemas.SERVICE_DEFINITION)
    assert [a["datatype"] for a in definition["attributes"]] == [
        "string", "number", "datetime", "text", "singlevaluelist", "multivaluelist"]
    assert [a["order"] for a in definition["attributes"]] == [1, 2, 3, 4, 5, 6]
    assert definition["attributes"][1]["required"] is True
    assert definition["attributes"][5]["values"] == [{"key": "a", "name": "Satu"}, {"key": "b", "name": "Dua"}]
    assert o311.both("services/lampu-lalu-lintas", schemas.SERVICE_DEFINITION)["attributes"] == []


def test_it_lists_requests_as_v2_newest_first_within_90_days(o311, world):
    data = o311.both("requests", schemas.REQUESTS)
    ids = [r["service_request_id"] for r in data]
    assert ids == [world[k].tracking_no for k in ("fresh", "anon", "closed", "resolved")]
    for item in data:
        assert item["requested_datetime"].endswith("+07:00") and item["expected_datetime"].endswith("+07:00")
    by_id = {r["service_request_id"]: r for r in data}
    closed, resolved = by_id[world["closed"].tracking_no], by_id[world["resolved"].tracking_no]
    assert closed["status"] == "closed" and closed["status_notes"].startswith("Bukan wewenang")
    assert resolved["status"] == "open" and resolved["agency_responsible"] == "Dinas Lingkungan Hidup"
    assert resolved["expected_datetime"] == timezone.localtime(world["resolved"].resolve_due_at).isoformat(
        timespec="seconds")


def test_it_filters_requests_the_same_way_in_both_formats(o311, world):
    def ids(**params: Any) -> list[str]:
        return [r["service_request_id"] for r in o311.both("requests", schemas.REQUESTS, **params)]

    assert ids(status="closed") == [world["closed"].tracking_no]
    assert ids(status="open", service_code="lampu-lalu-lintas") == []
    assert ids(service_code="lampu-lalu-lintas,tidak-ada") == [world["closed"].tracking_no]
    assert ids(service_code="", status="") == ids()  # empty parameters are absent ones
    # service_request_id overrides every other filter, including the 90-day window.
    assert ids(service_request_id=f"{world['old'].tracking_no},{world['fresh'].tracking_no}", status="closed") == [
        world["fresh"].tracking_no, world["old"].tracking_no]
    now = world["now"]
    assert ids(start_date=(now - timedelta(days=210)).strftime("%Y-%m-%dT%H:%M:%SZ"),
               end_date=(now - timedelta(days=150)).strftime("%Y-%m-%dT%H:%M:%SZ")) == [world["old"].tracking_no]
    assert ids(start_date=timezone.localtime(now - timedelta(days=2, hours=12)).isoformat(timespec="seconds")) == [
        world["fresh"].tracking_no, world["anon"].tracking_no]
    for fmt in FORMATS:
        too_wide = o311.get("requests", fmt, start_date="2026-01-01T00:00:00Z", end_date="2026-06-01T00:00:00Z")
        assert too_wide.status == 400 and error_texts(too_wide)[0].startswith("end_date:")
        naive_garbage = o311.get("requests", fmt, start_date="31/12/2026")
        assert naive_garbage.status == 400 and error_texts(naive_garbage)[0].startswith("start_date:")


def test_it_reads_one_request_and_404s_the_unknown_and_the_rahasia(o311, world):
    (item,) = o311.both(f"requests/{world['fresh'].tracking_no}", schemas.REQUESTS)
    assert item["service_request_id"] == world["fresh"].tracking_no and item["service_code"] == "sampah"
    for fmt in FORMATS:
        for tracking_no in (world["secret"].tracking_no, "MRK-2026-999999"):
            reply = o311.get(f"requests/{tracking_no}", fmt)
            assert reply.status == 404 and reply.data[0]["code"] == 404


def test_it_never_shows_rahasia_or_personal_data(o311, world):
    for fmt in FORMATS:
        bodies = [o311.get("requests", fmt, extensions="true").raw,
                  o311.get("requests", fmt, service_request_id=world["secret"].tracking_no).raw,
                  o311.get(f"requests/{world['anon'].tracking_no}", fmt, extensions="true").raw,
                  o311.get("servicerequestupdates", fmt).raw]
        for raw in bodies:
            text = raw.decode("utf-8")
            assert world["secret"].tracking_no not in text
            for value in PII:
                assert value not in text, (fmt, value)
    anon = o311.both(f"requests/{world['anon'].tracking_no}", schemas.REQUESTS)[0]
    assert "[" in anon["description"]  # the masked public copy, not the reporter's original


def test_it_answers_a_wrong_jurisdiction_with_404_everywhere(o311, world):
    for path in ("services", "services/sampah", "requests", f"requests/{world['fresh'].tracking_no}"):
        for fmt in FORMATS:
            reply = o311.get(path, fmt, jurisdiction_id="manado.go.id")
            assert reply.status == 404 and error_texts(reply)
            assert o311.get(path, fmt, jurisdiction_id="medan.go.id").status == 200
    for fmt in FORMATS:
        reply = o311.post("requests", fmt, post_body(world["key"], jurisdiction_id="manado.go.id"))
        assert reply.status == 404


@pytest.mark.parametrize("fmt", FORMATS)
def test_it_creates_a_request_and_reads_it_back(o311, world, fmt):
    reply = o311.post("requests", fmt, post_body(world["key"], **{"attribute[q6][]": ["a", "b"]}))
    assert reply.status == 200, reply.raw
    jsonschema.validate(reply.data, schemas.POSTED)
    new_id = reply.data[0]["service_request_id"]
    (item,) = o311.both(f"requests/{new_id}", schemas.REQUESTS_EXTENDED, extensions="true")
    assert item["status"] == "open" and item["extended_attributes"]["channel"] == "open311"
    assert item["lat"] == pytest.approx(3.571) and "Rina" not in str(item)


@pytest.mark.parametrize("fmt", FORMATS)
def test_it_refuses_posts_without_a_valid_key_and_stores_nothing(o311, world, fmt):
    before = o311.both("requests")
    for key in (None, "", "kc311_tebakan"):
        body = post_body(key or "")
        if key is None:
            del body["api_key"]
        reply = o311.post("requests", fmt, body)
        assert reply.status == 403 and error_texts(reply)[0]
    assert o311.both("requests") == before


@pytest.mark.parametrize("fmt", FORMATS)
def test_it_refuses_bad_posts_with_400_naming_the_field(o311, world, fmt):
    cases = [
        ({"lat": "3.0", "long": "99.5"}, "lat: Lokasi berada di luar wilayah Kota Medan."),
        ({"attribute[q2]": ""}, "attribute[q2]: q2 wajib diisi"),
        ({"attribute[q5]": "c"}, "attribute[q5]:"),
        ({"lat": "", "long": ""}, "lat:"),
        ({"lat": "utara"}, "lat:"),
        ({"description": "x" * 4001}, "description:"),
        ({"service_code": ""}, "service_code:"),
    ]
    for extra, expected in cases:
        reply = o311.post("requests", fmt, post_body(world["key"], **extra))
        assert reply.status == 400, (extra, reply.raw)
        assert any(text.startswith(expected) for text in error_texts(reply)), (extra, reply.data)
    reply = o311.post("requests", fmt, post_body(world["key"], lat="", long="", address_string="Depan Masjid Raya"))
    assert reply.status == 200  # empty lat/long are absent; the address is enough
    unknown = o311.post("requests", fmt, post_body(world["key"], service_code="banjir"))
    assert unknown.status == 404 and error_texts(unknown)


@pytest.mark.parametrize("fmt", FORMATS)
def test_it_replays_a_post_with_the_same_idempotency_key(o311, world, fmt):
    headers = {"Idempotency-Key": f"harness-{fmt}"}
    first = o311.post("requests", fmt, post_body(world["key"]), headers)
    again = o311.post("requests", fmt, post_body(world["key"]), headers)
    assert first.status == again.status == 200 and first.raw == again.raw
    found = o311.both("requests", service_request_id=first.data[0]["service_request_id"])
    assert len(found) == 1 and len(o311.both("requests")) == 5


@pytest.mark.parametrize("fmt", FORMATS)
def test_it_gives_a_token_for_a_batch_service_that_resolves_to_the_request(o311, world, fmt):
    reply = o311.post("requests", fmt, post_body(world["key"], service_code="lampu-lalu-lintas"))
    assert reply.status == 200, reply.raw
    jsonschema.validate(reply.data, schemas.POSTED)
    token = reply.data[0]["token"]
    assert "service_request_id" not in reply.data[0]
    for _attempt in range(50):  # poll, as Chicago advises
        (found,) = o311.both(f"tokens/{token}", schemas.TOKEN)
        if found["service_request_id"]:
            break
        time.sleep(0.1)
    assert found["token"] == token and found["service_request_id"].startswith("MRK-")
    assert o311.both(f"requests/{found['service_request_id']}")[0]["service_code"] == "lampu-lalu-lintas"
    missing = o311.get("tokens/tidak-ada", fmt)
    assert missing.status == 404 and error_texts(missing)


def test_it_adds_extensions_only_when_asked(o311, world, people):
    plain = o311.both("requests", schemas.REQUESTS)  # additionalProperties: false keeps plain answers v2-only
    extended = o311.both("requests", schemas.REQUESTS_EXTENDED, extensions="true")
    assert [r["service_request_id"] for r in extended] == [r["service_request_id"] for r in plain]
    resolved = next(r for r in extended if r["service_request_id"] == world["resolved"].tracking_no)
    assert resolved["extended_attributes"]["opd_code"] == "dinas-lingkungan-hidup"
    assert resolved["extended_attributes"]["kelurahan"] == "Pasar Baru"
    assert [n["type"] for n in resolved["notes"]][0] == "submitted"
    page1 = o311.both("requests", schemas.REQUESTS, page="1", page_size="3")
    page2 = o311.both("requests", schemas.REQUESTS, page="2", page_size="3")
    assert [r["service_request_id"] for r in page1 + page2] == [r["service_request_id"] for r in plain]
    mark = timezone.now()
    old = world["old"]
    actions.do_close_unverified(people.adi, old, "bukan_wewenang",
                                actions.check_close_unverified(people.adi, old, "Wewenang PLN"))
    changed = o311.both("requests", schemas.REQUESTS, updated_after=mark.isoformat())
    assert [r["service_request_id"] for r in changed] == [old.tracking_no]


def test_it_takes_a_reopen_from_the_filing_client_once(o311, world, people, city):
    created = o311.post("requests", "json", post_body(world["key"]))
    tracking_no = created.data[0]["service_request_id"]
    from kotacerdas.complaints.models import Complaint

    c = Complaint.objects.get(tracking_no=tracking_no)
    c = actions.do_dispose(people.adi, c, actions.check_dispose(people.adi, c, city.dlh))
    c = actions.do_respond(people.dewi, c, *actions.check_respond(people.dewi, c, "Petugas menuju lokasi."))
    actions.do_resolve(people.dewi, c, *actions.check_resolve(people.dewi, c, Outcome.FIXED, "Sudah diangkut semua."))
    update = {"api_key": world["key"], "service_request_id": tracking_no, "update_id": "fms-77", "status": "REOPEN",
              "updated_datetime": timezone.now().isoformat(), "description": "Sampah kembali menumpuk hari ini."}
    replies = [o311.post("servicerequestupdates", fmt, update) for fmt in ("json", "xml", "json")]
    for reply in replies:
        assert reply.status == 200, reply.raw
        jsonschema.validate(reply.data, schemas.UPDATE_POSTED)
    assert canon(replies[0].data) == canon(replies[1].data) == canon(replies[2].data)
    (item,) = o311.both(f"requests/{tracking_no}", schemas.REQUESTS_EXTENDED, extensions="true")
    assert item["extended_attributes"]["internal_status"] == "diproses"
    assert [n["type"] for n in item["notes"]].count("opened") == 1  # stored once
    feed = o311.both("servicerequestupdates", schemas.UPDATES)
    reopened = [u for u in feed if u["update_id"] == replies[0].data[0]["update_id"]]
    assert reopened and reopened[0]["status"] == "reopen"
    # Another case, not filed by this key: the key does not act for that reporter.
    other = {**update, "service_request_id": world["resolved"].tracking_no, "update_id": "fms-78"}
    assert o311.post("servicerequestupdates", "xml", other).status == 403


def test_it_limits_per_ip_and_per_key_with_retry_after(o311, world):
    with override_settings(OPEN311_RATE_LIMIT_PER_IP=4):
        replies = [o311.get("services", fmt) for fmt in ("json", "xml", "json", "xml", "json", "xml")]
        assert [r.status for r in replies] == [200, 200, 200, 200, 429, 429]
        assert int(replies[-1].headers["Retry-After"]) >= 1 and replies[-1].data[0]["code"] == 429
    cache.clear()
    from kotacerdas.open311.models import ApiKey

    ApiKey.objects.update(rate_limit_per_minute=1)
    assert o311.post("requests", "json", post_body(world["key"])).status == 200
    limited = o311.post("requests", "xml", post_body(world["key"]))
    assert limited.status == 429 and int(limited.headers["Retry-After"]) >= 1


def test_it_never_answers_client_input_with_a_server_error(o311, world):
    hostile = ["", "\x00", "ﷺ" * 300, "1e999", "-inf", "2026-02-30", "<a>&</a>", "9" * 60, "%ZZ"]
    with override_settings(OPEN311_RATE_LIMIT_PER_IP=100_000):
        for value in hostile:
            for fmt in FORMATS:  # Open311Client.call asserts status < 500 on every answer
                o311.get("requests", fmt, start_date=value, status=value, page=value, page_size=value,
                         service_request_id=value, updated_after=value, extensions=value)
                o311.get(f"requests/{value.strip() or 'x'}", fmt)
                o311.post("requests", fmt, post_body(world["key"], lat=value, long=value, description=value,
                                                     **{"attribute[q3]": value, "attribute[q5]": value}))
                o311.post("servicerequestupdates", fmt, {"api_key": world["key"], "service_request_id": value,
                                                         "update_id": value, "status": value,
                                                         "updated_datetime": value, "description": value})
        for method in ("PUT", "DELETE", "PATCH"):
            reply = o311.call(method, "requests", "json")
            assert reply.status == 405 and reply.data[0]["code"] == 405 and "GET" in reply.headers["Allow"]
        assert o311.call("POST", "services", "xml").status == 405
