"""The PPID screens refuse what a role may not do (403/404, never 500) and filter the register."""

from __future__ import annotations

import pytest
from django.urls import reverse

from kotacerdas.openinfo import actions
from kotacerdas.openinfo.models import InfoRequest
from kotacerdas.openinfo.tests.conftest import wib

pytestmark = pytest.mark.django_db


@pytest.fixture
def req(people, request_data) -> InfoRequest:
    return actions.do_submit_request(people.wati, request_data, now=wib(2026, 3, 16, 10))


def test_it_sends_an_anonymous_visitor_to_the_login_page(client):
    response = client.get(reverse("openinfo:request-new"))
    assert response.status_code == 302 and reverse("accounts:login") in response["Location"]


def test_it_refuses_a_citizen_the_ppid_steps(client, people, req):
    client.force_login(people.wati)
    assert client.post(reverse("openinfo:request-extend", args=[req.reg_no]),
                       {"reason": "Saya ingin waktu lebih lama."}).status_code == 403
    assert client.post(reverse("openinfo:request-answer", args=[req.reg_no]),
                       {"decision": "dipenuhi", "answer": "Dipenuhi sendiri."}).status_code == 403
    assert client.post(reverse("openinfo:dip-create"), {"title": "x", "category": "berkala"}).status_code == 403
    assert client.get(reverse("openinfo:objections")).status_code == 403
    assert client.get(reverse("openinfo:data-status")).status_code == 403
    req.refresh_from_db()
    assert req.extended_at is None and req.decided_at is None


def test_it_shows_form_errors_for_a_bad_answer_and_changes_nothing(client, people, ppid_officer, req):
    client.force_login(ppid_officer)
    response = client.post(reverse("openinfo:request-answer", args=[req.reg_no]),
                           {"decision": "ditolak", "answer": "Ditolak karena rahasia."})
    assert response.status_code == 400
    assert "Penolakan wajib menyebut pengecualian Pasal 17." in response.content.decode()
    response = client.post(reverse("openinfo:request-answer", args=[req.reg_no]),
                           {"decision": "dipenuhi", "answer": "Dipenuhi seluruhnya.", "copy_cost": "abc"})
    assert response.status_code == 400
    req.refresh_from_db()
    assert req.decided_at is None


def test_it_answers_through_the_form_and_lets_the_requester_object(client, people, ppid_officer, req):
    client.force_login(ppid_officer)
    response = client.post(reverse("openinfo:request-answer", args=[req.reg_no]),
                           {"decision": "tidak_dikuasai", "answer": "Informasi dikuasai Dinas PU.",
                            "holder": "Dinas Pekerjaan Umum", "copy_cost": "0", "delivery_cost": "0"})
    assert response.status_code == 302
    client.force_login(people.wati)
    response = client.post(reverse("openinfo:request-object", args=[req.reg_no]),
                           {"ground": "e", "reason": "Informasi tidak diberikan sama sekali."})
    assert response.status_code == 302
    assert req.objections.get().ground == "e"
    client.force_login(people.dewi)
    assert client.post(reverse("openinfo:objection-answer", args=[req.objections.get().reg_no]),
                       {"outcome": "diterima", "answer": "Diterima oleh orang lain."}).status_code == 404


def test_it_filters_the_register_by_overdue_in_the_page_and_the_api(client, people, ppid_officer, req,
                                                                    request_data):
    fresh = actions.do_submit_request(people.wati, request_data)
    client.force_login(ppid_officer)
    page = client.get(reverse("openinfo:requests"), {"overdue": "1"}).content.decode()
    assert req.reg_no in page and fresh.reg_no not in page
    body = client.get("/api/v1/openinfo/requests/", {"overdue": "0"}).json()
    assert [r["reg_no"] for r in body["results"]] == [fresh.reg_no]
    assert client.get("/api/v1/openinfo/requests/", {"overdue": "x"}).status_code == 400


def test_it_404s_an_impossible_report_year(client, ppid_officer):
    client.force_login(ppid_officer)
    assert client.get(reverse("openinfo:report", args=[1900])).status_code == 404
