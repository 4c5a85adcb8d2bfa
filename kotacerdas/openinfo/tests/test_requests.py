"""PPID requests: registration, deadlines over the 2026 holidays, extension, answers, refusals (rules 11-14, 19)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from kotacerdas.core.models import AuditLog
from kotacerdas.openinfo import actions, rules
from kotacerdas.openinfo.models import ConsequenceTest, EventKind, InfoRequest, RequestStatus
from kotacerdas.openinfo.tests.conftest import wib

pytestmark = pytest.mark.django_db

# Monday 16 March 2026, 10:00 WIB: the week of Nyepi and Idul Fitri.
RECEIVED = wib(2026, 3, 16, 10, 0)


def local_date(dt: datetime) -> str:
    return dt.astimezone(wib(2026, 1, 1).tzinfo).date().isoformat()


def submit(user: Any, data: dict[str, Any], now: datetime = RECEIVED) -> InfoRequest:
    return actions.do_submit_request(user, data, now=now)


def test_it_gives_a_registration_number_and_a_due_date_of_10_working_days_over_the_holidays(people, request_data):
    req = submit(people.wati, request_data)
    assert req.reg_no == "PPID-2026-000001"
    # Day 1 is 17 Mar; 18-24 Mar are cuti bersama, Nyepi, Idul Fitri; 3 Apr is Wafat Yesus Kristus:
    # 17, 25, 26, 27, 30, 31 Mar, 1, 2, 6, 7 Apr -> 7 April 23:59:59 WIB.
    assert local_date(req.due_at) == "2026-04-07"
    assert req.due_at.astimezone(RECEIVED.tzinfo).time().isoformat() == "23:59:59"
    assert req.requester == people.wati and req.status == RequestStatus.DIPROSES
    assert req.events.get().kind == EventKind.RECEIVED
    second = submit(people.wati, request_data)
    assert second.reg_no == "PPID-2026-000002"
    assert AuditLog.objects.filter(action="openinfo.request.received").count() == 2


def test_it_counts_from_the_next_working_day_for_a_request_received_on_a_saturday(people, request_data):
    req = submit(people.wati, request_data, now=wib(2026, 4, 4, 9, 0))  # Saturday after Good Friday
    # Received Mon 6 Apr; day 1 = 7 Apr ... day 10 = 20 Apr.
    assert local_date(req.due_at) == "2026-04-20"


def test_it_keeps_the_register_fields_and_refuses_bad_identity(people, request_data):
    bad = {**request_data, "nik": "12345", "format": "fax", "address": ""}
    with pytest.raises(ValidationError) as exc:
        submit(people.wati, bad)
    assert set(exc.value.message_dict) == {"nik", "format", "address"}
    assert InfoRequest.objects.count() == 0


def test_it_requires_a_signed_in_requester(request_data):
    from django.contrib.auth.models import AnonymousUser

    with pytest.raises(PermissionDenied):
        submit(AnonymousUser(), request_data)


def test_it_lets_the_ppid_register_an_unwritten_request_without_an_account(people, ppid_officer, request_data):
    req = submit(ppid_officer, {**request_data, "nik": "", "channel": "telepon", "email": "", "delivery": "ambil",
                                "phone": "0612345678"})
    assert req.channel == "telepon" and req.requester is None and req.recorded_by == ppid_officer


def test_it_extends_once_by_7_working_days_with_a_written_reason(people, ppid_officer, request_data):
    req = submit(people.wati, request_data)
    with pytest.raises(ValidationError) as exc:
        actions.do_extend(ppid_officer, req, "", now=wib(2026, 3, 30, 9))
    assert "reason" in exc.value.message_dict
    req = actions.do_extend(ppid_officer, req, "Dokumen tersimpan di arsip OPD lain.", now=wib(2026, 3, 30, 9))
    # Old due 7 Apr + 7 hk: 8, 9, 10, 13, 14, 15, 16 Apr.
    assert local_date(req.due_at) == "2026-04-16"
    assert local_date(req.original_due_at) == "2026-04-07"
    assert req.events.filter(kind=EventKind.EXTENDED).get().due_at == req.due_at
    with pytest.raises(ValidationError):
        actions.do_extend(ppid_officer, req, "Sekali lagi karena banyak dokumen.", now=wib(2026, 4, 8, 9))


def test_it_refuses_an_extension_after_the_deadline_and_from_a_citizen(people, ppid_officer, request_data):
    req = submit(people.wati, request_data)
    with pytest.raises(PermissionDenied):
        actions.do_extend(people.wati, req, "Saya ingin memperpanjang sendiri.", now=wib(2026, 3, 30, 9))
    with pytest.raises(ValidationError):
        actions.do_extend(ppid_officer, req, "Terlambat memperpanjang permohonan.", now=wib(2026, 4, 8, 9))


def test_it_requires_a_pasal_17_exception_and_an_uji_konsekuensi_to_refuse(people, ppid_officer, request_data):
    req = submit(people.wati, request_data)
    with pytest.raises(ValidationError) as exc:
        actions.do_answer(ppid_officer, req, {"decision": "ditolak", "answer": "Ditolak karena rahasia."},
                          now=wib(2026, 3, 27, 10))
    assert {"exception", "harm", "public_interest"} <= set(exc.value.message_dict)
    req.refresh_from_db()
    assert req.status == RequestStatus.DIPROSES and not ConsequenceTest.objects.exists()
    req = actions.do_answer(ppid_officer, req, {
        "decision": "ditolak", "answer": "Ditolak karena memuat rahasia pribadi.", "exception": "h",
        "harm": "Membuka data akan mengungkap rahasia pribadi pihak ketiga.",
        "public_interest": "Tidak ada kepentingan publik yang lebih besar."}, now=wib(2026, 3, 27, 10))
    test = ConsequenceTest.objects.get(request=req)
    assert test.exception == "h" and test.conclusion == "dikecualikan"
    assert req.status == RequestStatus.SELESAI and not req.answered_late


def test_it_itemises_copy_and_delivery_costs_only(people, ppid_officer, request_data):
    req = submit(people.wati, request_data)
    with pytest.raises(ValidationError) as exc:
        actions.do_answer(ppid_officer, req, {"decision": "dipenuhi", "answer": "Terlampir salinan.",
                                              "copy_cost": -5}, now=wib(2026, 3, 27, 10))
    assert "copy_cost" in exc.value.message_dict
    req = actions.do_answer(ppid_officer, req, {"decision": "sebagian", "answer": "Sebagian terlampir.",
                                                "copy_cost": 5000, "delivery_cost": 12000},
                            now=wib(2026, 4, 8, 10))
    assert req.total_cost == 17000 and req.answered_late


def test_it_shows_the_request_only_to_its_requester_and_the_ppid(client, people, ppid_officer, request_data):
    req = submit(people.wati, request_data)
    url = reverse("openinfo:request", args=[req.reg_no])
    client.force_login(people.dewi)
    assert client.get(url).status_code == 404
    client.force_login(people.wati)
    page = client.get(url).content.decode()
    assert req.reg_no in page and "1271014101900002" not in page and "************0002" in page
    client.force_login(ppid_officer)
    page = client.get(url).content.decode()
    assert "7 April 2026" in page and "1271014101900002" not in page


def test_it_files_a_request_through_the_form_with_field_errors(client, people):
    client.force_login(people.wati)
    response = client.post(reverse("openinfo:request-new"), {"name": "Wati", "nik": "12"})
    assert response.status_code == 400
    assert "Nomor KTP (NIK) harus 16 angka." in response.content.decode()
    assert InfoRequest.objects.count() == 0


def test_it_answers_a_bad_year_filter_with_400_naming_year(client, people, request_data):
    client.force_login(people.wati)
    assert client.post("/api/v1/openinfo/requests/", request_data, content_type="application/json").status_code == 201
    for bad in ("0.5", "0", "10000", "abc"):
        response = client.get(f"/api/v1/openinfo/requests/?year={bad}")
        assert response.status_code == 400 and "year" in response.json(), bad
    year = InfoRequest.objects.get().received_at.year
    assert client.get(f"/api/v1/openinfo/requests/?year={year}").json()["count"] == 1
    assert client.get(f"/api/v1/openinfo/requests/?year={year - 1}").json()["count"] == 0
    missing = client.get("/api/v1/openinfo/requests/PPID-1999-000001/")
    assert missing.status_code == 404 and missing["Content-Type"] == "application/json"


def test_it_files_and_reads_requests_through_the_api_without_identity_numbers(client, people, request_data):
    client.force_login(people.wati)
    response = client.post("/api/v1/openinfo/requests/", {**request_data, "nik": "1"},
                           content_type="application/json")
    assert response.status_code == 400 and "nik" in response.json()
    response = client.post("/api/v1/openinfo/requests/", request_data, content_type="application/json")
    assert response.status_code == 201
    body = client.get("/api/v1/openinfo/requests/").json()
    assert body["count"] == 1
    assert "nik" not in body["results"][0] and "081234567890" not in str(body)


def test_it_reads_each_limit_from_the_rules_with_a_source(settings):
    assert all(limit.source for limit in rules.LIMITS)
    settings.PPID_ANSWER_WORKING_DAYS = 5
    assert rules.ANSWER.value == 5
