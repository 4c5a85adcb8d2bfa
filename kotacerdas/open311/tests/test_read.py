"""Open311 reads through the Django test client: discovery, services, definitions, requests, privacy."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from kotacerdas.complaints import actions
from kotacerdas.open311.models import ServiceAttribute, ServiceConfig
from kotacerdas.open311.tests.conftest import BASE, file_report, jpeg, parse, resolve

V2_REQUEST_FIELDS = [
    "service_request_id", "status", "status_notes", "service_name", "service_code", "description",
    "agency_responsible", "service_notice", "requested_datetime", "updated_datetime", "expected_datetime",
    "address", "address_id", "zipcode", "lat", "long", "media_url",
]


def test_it_serves_discovery_in_both_formats_with_the_v2_endpoint(client, city):
    data = parse(client.get("/open311/discovery.json"))
    assert set(data) == {"changeset", "contact", "key_service", "endpoints"}
    (endpoint,) = data["endpoints"]
    assert endpoint["specification"] == "http://wiki.open311.org/GeoReport_v2"
    assert endpoint["url"] == "http://testserver/open311/v2"
    assert endpoint["formats"] == ["text/xml", "application/json"]
    response = client.get("/open311/discovery.xml")
    assert response["Content-Type"] == "text/xml; charset=utf-8"
    assert response.content.startswith(b'<?xml version="1.0" encoding="utf-8"?><discovery>')
    root = parse(response)
    assert [f.text for f in root.find("endpoints/endpoint/formats")] == ["text/xml", "application/json"]


def test_it_lists_active_categories_as_services_with_metadata_and_type(client, city):
    ServiceConfig.objects.create(category=city.cat_lampu, type="batch")
    ServiceAttribute.objects.create(category=city.cat_sampah, code="volume", datatype="number", order=1,
                                    description="Perkiraan volume (m3)")
    city.cat_sampah.group = "Kebersihan"
    city.cat_sampah.save()
    from kotacerdas.complaints.models import Category

    Category.objects.create(code="lama", name="Kategori lama", is_active=False)
    data = {s["service_code"]: s for s in parse(client.get(f"{BASE}/services.json"))}
    assert set(data) == {"sampah", "lampu-lalu-lintas"}
    assert data["sampah"] == {"service_code": "sampah", "service_name": "Sampah tidak diangkut", "description": "",
                              "metadata": True, "type": "realtime", "keywords": "sampah, tumpukan, bau",
                              "group": "Kebersihan"}
    assert data["lampu-lalu-lintas"]["metadata"] is False and data["lampu-lalu-lintas"]["type"] == "batch"
    root = parse(client.get(f"{BASE}/services.xml"))
    xml = {s.findtext("service_code"): s for s in root.findall("service")}
    assert xml["sampah"].findtext("metadata") == "true" and xml["lampu-lalu-lintas"].findtext("type") == "batch"


def test_it_serves_a_definition_with_all_six_datatypes(client, city):
    for n, datatype in enumerate(["string", "number", "datetime", "text", "singlevaluelist", "multivaluelist"], 1):
        ServiceAttribute.objects.create(
            category=city.cat_sampah, code=f"q{n}", datatype=datatype, order=n, required=n == 5,
            description=f"Pertanyaan {n}",
            values=[{"key": "a", "name": "Satu"}, {"key": "b", "name": "Dua"}] if n >= 5 else [],
        )
    data = parse(client.get(f"{BASE}/services/sampah.json"))
    assert data["service_code"] == "sampah"
    assert [a["datatype"] for a in data["attributes"]] == [
        "string", "number", "datetime", "text", "singlevaluelist", "multivaluelist"]
    assert data["attributes"][4]["required"] is True and data["attributes"][4]["variable"] is True
    assert data["attributes"][4]["values"] == [{"key": "a", "name": "Satu"}, {"key": "b", "name": "Dua"}]
    assert "values" not in data["attributes"][0]
    root = parse(client.get(f"{BASE}/services/sampah.xml"))
    assert root.tag == "service_definition"
    single = root.findall("attributes/attribute")[4]
    assert single.findtext("required") == "true"
    assert [v.findtext("key") for v in single.findall("values/value")] == ["a", "b"]


def test_it_answers_unknown_services_requests_tokens_and_paths_with_v2_404(client, city):
    for url in [f"{BASE}/services/tidak-ada.json", f"{BASE}/requests/MRK-2026-999999.json",
                f"{BASE}/tokens/abc.json", f"{BASE}/tidak-ada.json"]:
        response = client.get(url)
        assert response.status_code == 404, url
        assert response["Content-Type"] == "application/json; charset=utf-8"
        assert parse(response)[0]["code"] == 404
    response = client.get(f"{BASE}/services/tidak-ada.xml")
    assert response.status_code == 404 and parse(response).find("error/code").text == "404"


def test_it_checks_jurisdiction_id_on_every_endpoint_and_treats_empty_as_absent(client, city, people):
    c = file_report(city)
    urls = ["/open311/discovery.json", f"{BASE}/services.json", f"{BASE}/services/sampah.json",
            f"{BASE}/requests.json", f"{BASE}/requests/{c.tracking_no}.json", f"{BASE}/servicerequestupdates.json"]
    for url in urls:
        assert client.get(url, {"jurisdiction_id": "manado.go.id"}).status_code == 404, url
        assert client.get(url, {"jurisdiction_id": "MEDAN.go.id"}).status_code == 200, url
        assert client.get(url, {"jurisdiction_id": ""}).status_code == 200, url


def test_it_shows_only_v2_fields_by_default_with_strings_and_city_offsets(client, city, people):
    c = file_report(city)
    (item,) = parse(client.get(f"{BASE}/requests.json"))
    assert list(item) == V2_REQUEST_FIELDS
    assert item["service_request_id"] == c.tracking_no and isinstance(item["service_code"], str)
    assert item["requested_datetime"].endswith("+07:00")
    assert item["expected_datetime"] == timezone.localtime(c.resolve_due_at).isoformat(timespec="seconds")
    assert item["status"] == "open" and item["status_notes"] == "Aduan diterima"
    assert item["lat"] == pytest.approx(city.inside[0]) and item["long"] == pytest.approx(city.inside[1])
    root = parse(client.get(f"{BASE}/requests.xml"))
    assert [child.tag for child in root.find("request")] == V2_REQUEST_FIELDS


def test_it_maps_statuses_notes_and_the_agency_through_the_lifecycle(client, city, people):
    c = resolve(file_report(city), people, city)
    (item,) = parse(client.get(f"{BASE}/requests/{c.tracking_no}.json"))
    assert item["status"] == "open"  # selesai still waits for the reporter
    assert item["agency_responsible"] == "Dinas Lingkungan Hidup"
    assert item["status_notes"] == "Dinyatakan selesai oleh OPD: Sampah sudah diangkut seluruhnya."
    c = actions.do_confirm(None, c, actions.check_confirm(None, c, 5, token=c.access_token))
    (item,) = parse(client.get(f"{BASE}/requests/{c.tracking_no}.json"))
    assert item["status"] == "closed"
    assert item["updated_datetime"] == timezone.localtime(c.closed_at).isoformat(timespec="seconds")


def test_it_filters_by_id_code_status_and_dates_newest_first(client, city, people):
    now = timezone.now()
    old = file_report(city, when=now - timedelta(days=120))
    a = file_report(city, when=now - timedelta(days=3))
    b = file_report(city, when=now - timedelta(days=2), category=city.cat_lampu.code)
    closed = file_report(city, when=now - timedelta(days=1))
    actions.do_close_unverified(people.adi, closed, "bukan_wewenang",
                                actions.check_close_unverified(people.adi, closed, "Wewenang PLN"))

    def ids(**query: str) -> list[str]:
        response = client.get(f"{BASE}/requests.json", query)
        assert response.status_code == 200, response.content
        return [r["service_request_id"] for r in parse(response)]

    assert ids() == [closed.tracking_no, b.tracking_no, a.tracking_no]  # last 90 days, newest first
    assert ids(service_code="sampah") == [closed.tracking_no, a.tracking_no]
    assert ids(service_code="lampu-lalu-lintas,sampah", status="open") == [b.tracking_no, a.tracking_no]
    assert ids(status="closed") == [closed.tracking_no]
    assert ids(status="open,closed", service_code="") == ids()
    # service_request_id overrides every other filter, the 90-day window included; case does not matter.
    assert ids(service_request_id=f"{old.tracking_no},{a.tracking_no.lower()}", status="closed") == [
        a.tracking_no, old.tracking_no]
    start = (now - timedelta(days=150)).isoformat()
    assert ids(start_date=start, end_date=(now - timedelta(days=100)).isoformat()) == [old.tracking_no]
    assert ids(start_date=(now - timedelta(days=2, hours=12)).strftime("%Y-%m-%dT%H:%M:%SZ")) == [
        closed.tracking_no, b.tracking_no]
    # An unencoded "+07:00" arrives as " 07:00" and is still read as the offset.
    assert ids(end_date=timezone.localtime(now - timedelta(days=2, hours=12)).strftime(
        "%Y-%m-%dT%H:%M:%S 07:00")) == [a.tracking_no]


def test_it_caps_a_list_at_the_maximum(client, city, monkeypatch):
    from kotacerdas.open311 import views

    for _n in range(3):
        file_report(city)
    monkeypatch.setattr(views, "MAX_REQUESTS", 2)
    assert len(parse(client.get(f"{BASE}/requests.json"))) == 2


@pytest.mark.parametrize(("query", "field"), [
    ({"start_date": "kemarin"}, "start_date"),
    ({"end_date": "2026-02-30T00:00:00Z"}, "end_date"),
    ({"start_date": "0001-01-01T00:00:00+07:00"}, "start_date"),
    ({"start_date": "9999-12-31T23:59:59-07:00"}, "start_date"),
    ({"start_date": "2026-01-01T00:00:00Z", "end_date": "2026-06-01T00:00:00Z"}, "end_date"),
    ({"start_date": "2026-06-01T00:00:00Z", "end_date": "2026-01-01T00:00:00Z"}, "start_date"),
    ({"status": "pending"}, "status"),
    ({"page": "0"}, "page"),
    ({"page": "-1"}, "page"),
    ({"page": "satu"}, "page"),
    ({"page": "9" * 40}, "page"),
    ({"page_size": "501"}, "page_size"),
    ({"extensions": "mungkin"}, "extensions"),
    ({"updated_after": "2026-13-01"}, "updated_after"),
    ({"service_request_id": ",".join(str(n) for n in range(1001))}, "service_request_id"),
])
def test_it_refuses_bad_query_values_with_400_naming_the_field(client, city, query, field):
    for fmt in ("json", "xml"):
        response = client.get(f"{BASE}/requests.{fmt}", query)
        assert response.status_code == 400, (query, response.content)
        body = parse(response)
        text = body[0]["description"] if fmt == "json" else body.findtext("error/description")
        assert text.startswith(f"{field}:")


def test_it_never_answers_hostile_input_with_a_server_error(client, city, apikey, settings):
    settings.OPEN311_RATE_LIMIT_PER_IP = 100_000  # hundreds of requests from one test client
    apikey[0].rate_limit_per_minute = 100_000
    apikey[0].save()
    file_report(city)
    weird = ["\x00", "☃" * 500, "'; DROP TABLE x; --", "<x>&amp;</x>", "1e309", "NaN", "-" * 5000, "%00%ff"]
    for value in weird:
        for url in [f"{BASE}/requests.json", f"{BASE}/requests.xml", f"{BASE}/services.json",
                    f"{BASE}/servicerequestupdates.json"]:
            for name in ["service_request_id", "service_code", "start_date", "status", "page", "jurisdiction_id",
                         "updated_after"]:
                assert client.get(url, {name: value}).status_code < 500, (url, name, value)
        assert client.get(f"{BASE}/requests/{value[:200]}.json").status_code < 500
        assert client.get(f"{BASE}/tokens/{value[:200]}.xml").status_code < 500
        for name in ["lat", "long", "service_code", "description", "attribute[x]", "email", "phone", "media_url",
                     "address_string", "first_name"]:
            data = {"api_key": apikey[1], "service_code": "sampah", "lat": "3.57", "long": "98.685", name: value}
            assert client.post(f"{BASE}/requests.json", data).status_code < 500, (name, value)
    too_many = "&".join(f"f{n}=1" for n in range(1200))
    response = client.get(f"{BASE}/requests.json?{too_many}")
    assert response.status_code == 400 and parse(response)[0]["code"] == 400
    response = client.post(f"{BASE}/requests.xml", data=b"--x\r\nbroken",
                           content_type="multipart/form-data; boundary=x")
    assert response.status_code in (400, 403)


def test_it_refuses_wrong_methods_with_405_and_allow(client, city):
    response = client.delete(f"{BASE}/requests.json")
    assert response.status_code == 405 and response["Allow"] == "GET, HEAD, POST"
    assert parse(response)[0]["code"] == 405
    response = client.put(f"{BASE}/services.xml")
    assert response.status_code == 405 and parse(response).findtext("error/code") == "405"
    assert client.post(f"{BASE}/services/sampah.json").status_code == 405


def test_it_keeps_rahasia_and_archived_complaints_out_and_reporters_unnamed(client, city, people):
    secret = file_report(city, is_rahasia=True)
    spam = file_report(city)
    actions.do_close_unverified(people.adi, spam, "arsip", actions.check_close_unverified(people.adi, spam,
                                                                                         "Iklan, bukan aduan"))
    anon = file_report(city, is_anonim=True, description="Hubungi saya di 0812-3456-7890 atau budi@contoh.id, "
                                                         "NIK 1271010101900001, sampah tidak diangkut.")
    named = file_report(city)
    for fmt in ("json", "xml"):
        assert client.get(f"{BASE}/requests/{secret.tracking_no}.{fmt}").status_code == 404
        assert client.get(f"{BASE}/requests/{spam.tracking_no}.{fmt}").status_code == 404
        bodies = [client.get(f"{BASE}/requests.{fmt}", {"extensions": "true"}).content,
                  client.get(f"{BASE}/requests.{fmt}", {"service_request_id": secret.tracking_no}).content,
                  client.get(f"{BASE}/requests/{anon.tracking_no}.{fmt}", {"extensions": "true"}).content,
                  client.get(f"{BASE}/servicerequestupdates.{fmt}").content]
        for body in bodies:
            text = body.decode()
            assert secret.tracking_no not in text and spam.tracking_no not in text
            for pii in ["Budi", "081298765432", "budi@contoh.id", "1271010101900001", "0812-3456-7890"]:
                assert pii not in text, (pii, text)
        assert named.tracking_no in bodies[0].decode() and anon.tracking_no in bodies[0].decode()


def test_it_gives_the_first_photo_as_an_absolute_media_url(client, city, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    c = file_report(city, photos=[jpeg("a.jpg"), jpeg("b.jpg")])
    (item,) = parse(client.get(f"{BASE}/requests/{c.tracking_no}.json"))
    assert item["media_url"].startswith("http://testserver/media/complaints/")
    assert item["media_url"].endswith(f"{c.tracking_no}-report-1.jpg")


def test_it_shows_a_request_the_same_in_the_list_as_on_its_own(client, city, people, settings, tmp_path):
    # The list reads rows in bulk (on PostgreSQL: batched last note and photo, datetimes as epoch seconds); the
    # single request goes through model instances. Both must write every field identically.
    settings.MEDIA_ROOT = tmp_path
    resolved = resolve(file_report(city, photos=[jpeg("a.jpg")]), people, city)
    fresh = file_report(city)
    for fmt in ("json", "xml"):
        listed = client.get(f"{BASE}/requests.{fmt}").content.decode()
        for c in (resolved, fresh):
            single = client.get(f"{BASE}/requests/{c.tracking_no}.{fmt}").content.decode()
            if fmt == "json":
                (item,) = parse(client.get(f"{BASE}/requests/{c.tracking_no}.json"))
                assert item in parse(client.get(f"{BASE}/requests.json"))
                assert item["media_url"] if c is resolved else item["media_url"] is None
                assert item["updated_datetime"].endswith("+07:00") and item["status_notes"]
            else:
                body = single.split("<service_requests>", 1)[1].rsplit("</service_requests>", 1)[0]
                assert body in listed


def test_it_adds_extended_attributes_and_notes_only_when_asked(client, city, people):
    c = resolve(file_report(city), people, city)
    (item,) = parse(client.get(f"{BASE}/requests/{c.tracking_no}.json", {"extensions": "true"}))
    ext = item["extended_attributes"]
    assert ext["channel"] == "web" and ext["opd_code"] == "dinas-lingkungan-hidup"
    assert ext["kecamatan"] == "Medan Kota" and ext["kelurahan"] == "Pasar Baru"
    assert ext["lapor_tracking_id"] is None and ext["internal_status"] == "selesai"
    assert [n["type"] for n in item["notes"]] == ["submitted", "activity", "activity", "activity"]
    assert item["notes"][-1]["description"] == "Sampah sudah diangkut seluruhnya."
    plain = parse(client.get(f"{BASE}/requests/{c.tracking_no}.json", {"extensions": "false"}))[0]
    assert "extended_attributes" not in plain and "notes" not in plain


def test_it_pages_and_syncs_by_updated_after(client, city, people):
    now = timezone.now()
    made = [file_report(city, when=now - timedelta(days=5 - n)) for n in range(5)]
    newest_first = [c.tracking_no for c in reversed(made)]
    page = lambda **q: [r["service_request_id"] for r in parse(client.get(f"{BASE}/requests.json", q))]  # noqa: E731
    assert page(page="1", page_size="2") == newest_first[:2]
    assert page(page="3", page_size="2") == newest_first[4:]
    assert page(page="4", page_size="2") == []
    assert len(page(page_size="3")) == 3
    old = file_report(city, when=now - timedelta(days=200))
    mark = timezone.now()
    actions.do_dispose(people.adi, old, actions.check_dispose(people.adi, old, city.dlh))
    # Without a date window, updated_after reaches old requests that changed since.
    assert page(updated_after=mark.isoformat()) == [old.tracking_no]
    assert old.tracking_no not in page()


def test_a_list_shows_each_request_exactly_as_its_own_page_does(client, city, people, settings, tmp_path):
    # Lists fetch notes, photos and media of the whole page in batches on PostgreSQL; a single request reads them
    # per row. Both must agree field for field.
    settings.MEDIA_ROOT = tmp_path
    resolved = resolve(file_report(city, photos=[jpeg("a.jpg"), jpeg("b.jpg")]), people, city)
    fresh = file_report(city)
    listed = {item["service_request_id"]: item for item in parse(client.get(f"{BASE}/requests.json"))}

    assert set(listed) == {resolved.tracking_no, fresh.tracking_no}
    for c in (resolved, fresh):
        (own,) = parse(client.get(f"{BASE}/requests/{c.tracking_no}.json"))
        assert listed[c.tracking_no] == own
    assert listed[resolved.tracking_no]["media_url"].endswith("-report-1.jpg")
    assert listed[fresh.tracking_no]["media_url"] is None
    assert listed[resolved.tracking_no]["status_notes"].startswith("Dinyatakan selesai oleh OPD")
