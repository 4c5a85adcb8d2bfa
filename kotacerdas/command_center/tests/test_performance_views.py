"""The performance pages and API: scopes per role, drill-down, disputes through the UI and API, bad input."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.urls import reverse

from conftest import PASSWORD
from kotacerdas.command_center import actions
from kotacerdas.command_center.models import Dispute, DisputeStatus
from kotacerdas.command_center.tests.conftest import MON

PERIOD = {"dari": "2026-11-01", "sampai": "2026-11-30"}
REASON = "Lokasi tergenang banjir tiga hari sehingga truk tidak bisa masuk."


def client_for(client, user):  # noqa: ANN001, ANN201
    assert client.login(username=user.username, password=PASSWORD)
    return client


@pytest.fixture
def two_areas(cases, city):  # noqa: ANN001, ANN201
    """One DLH case in Pasar Baru (Medan Kota), one Dishub case in Babura (Medan Baru), one late DLH case."""
    a = cases.handled(MON)
    b = cases.file(MON, where=city.inside_baru, category=city.cat_lampu)
    b = cases.dispose(b, MON, agency=city.dishub)
    cases.respond(b, MON + timedelta(days=1))
    late = cases.handled(MON, respond_after=timedelta(days=8), resolve_after=timedelta(days=9))
    return a, b, late


def league_codes(response) -> set[str]:  # noqa: ANN001
    return {r["code"] for r in response.json()["rows"]}


@pytest.mark.django_db
def test_it_shows_the_whole_city_to_the_wali_kota_with_links_to_the_cases(client, people, two_areas):
    c = client_for(client, people.walikota)
    page = c.get(reverse("command_center:performance"), PERIOD)
    assert page.status_code == 200
    html = page.content.decode()
    assert "DLH" in html and "Dishub" in html
    assert 'id="per-petugas"' in html  # city-wide leaders may see officers
    api = c.get("/api/v1/command-center/performance/", {**PERIOD, "per": "kecamatan"})
    assert league_codes(api) == {"12.71.01", "12.71.05"}
    # Drill-down from DLH's late figure lists exactly the late case.
    drill = c.get(reverse("command_center:performance-cases"),
                  {**PERIOD, "agency": "dinas-lingkungan-hidup", "flag": "terlambat"})
    assert drill.status_code == 200
    assert two_areas[2].tracking_no in drill.content.decode()
    assert two_areas[0].tracking_no not in drill.content.decode()


@pytest.mark.django_db
def test_it_limits_a_camat_and_a_lurah_to_their_area_without_officers(client, people, two_areas):
    c = client_for(client, people.camat)
    api = c.get("/api/v1/command-center/performance/", {**PERIOD, "per": "kecamatan"})
    assert league_codes(api) == {"12.71.01"}
    assert c.get("/api/v1/command-center/performance/", {**PERIOD, "per": "petugas"}).status_code == 400
    cases_api = c.get("/api/v1/command-center/performance/cases/", PERIOD).json()
    assert {r["tracking_no"] for r in cases_api["results"]} == {two_areas[0].tracking_no, two_areas[2].tracking_no}
    assert "officer" not in cases_api["results"][0]
    assert c.get("/api/v1/command-center/performance/cases/", {"officer": people.putra.pk}).status_code == 400
    client.logout()
    lurah = client_for(client, people.lurah)
    assert league_codes(lurah.get("/api/v1/command-center/performance/", {**PERIOD, "per": "kelurahan"})) == {
        "12.71.01.1001"}


@pytest.mark.django_db
def test_it_limits_the_head_of_an_opd_to_its_own_opd(client, people, two_areas):
    c = client_for(client, people.kepala_dlh)
    api = c.get("/api/v1/command-center/performance/", PERIOD)
    assert league_codes(api) == {"dinas-lingkungan-hidup"}
    assert api.json()["totals"]["received"] == 2


@pytest.mark.django_db
@pytest.mark.parametrize("who", ["dewi", "putra", "hendra", "oscar", "wati"])
def test_it_refuses_everybody_else(client, people, who):
    c = client_for(client, getattr(people, who))
    for name in ("command_center:performance", "command_center:performance-cases", "command_center:report",
                 "command_center:report-pdf"):
        assert c.get(reverse(name)).status_code == 403, name
    assert c.get("/api/v1/command-center/performance/").status_code == 403


@pytest.mark.django_db
def test_it_sends_anonymous_visitors_to_the_login(client):
    response = client.get(reverse("command_center:performance"))
    assert response.status_code == 302 and reverse("accounts:login") in response["Location"]
    assert client.get("/api/v1/command-center/performance/").status_code == 401


@pytest.mark.django_db
def test_it_answers_bad_input_with_a_field_error(client, people, two_areas):
    c = client_for(client, people.walikota)
    for params, field in (({"dari": "kemarin"}, "dari"), ({"dari": "2026-11-30", "sampai": "2026-11-01"}, "sampai"),
                          ({"per": "rt"}, "per")):
        response = c.get("/api/v1/command-center/performance/", params)
        assert response.status_code == 400 and field in response.json(), params
    assert c.get("/api/v1/command-center/performance/trend/", {"by": "hari"}).status_code == 400
    page = c.get(reverse("command_center:performance"), {"dari": "2026-11-30", "sampai": "2026-11-01"})
    assert page.status_code == 200 and "Tanggal akhir harus sesudah tanggal awal" in page.content.decode()
    assert c.get(reverse("command_center:performance-cases"), {"flag": "zzz", "dari": "x"}).status_code == 200
    assert c.get(reverse("command_center:report"), {"bulan": "2026-13"}).status_code == 200


@pytest.mark.django_db
def test_it_lets_the_opd_dispute_and_the_coordinator_decide_through_the_pages(client, people, two_areas):
    late = two_areas[2]
    c = client_for(client, people.kepala_dlh)
    drill = c.get(reverse("command_center:performance-cases"), {**PERIOD, "flag": "terlambat"}).content.decode()
    url = reverse("command_center:performance-dispute-new", args=[late.pk])
    assert url in drill
    bad = c.post(url, {"reason": "telat"})
    assert bad.status_code == 400 and "minimal 20 karakter" in bad.content.decode()
    assert c.post(url, {"reason": REASON}).status_code == 302
    dispute = Dispute.objects.get()
    assert c.post(reverse("command_center:performance-dispute-decide", args=[dispute.pk]),
                  {"decision": "diterima", "note": "Saya setujui sendiri."}).status_code == 403
    dispute.refresh_from_db()
    assert dispute.status == DisputeStatus.DIAJUKAN  # the OPD cannot decide its own dispute
    client.logout()
    adi = client_for(client, people.adi)
    assert adi.post(reverse("command_center:performance-dispute-decide", args=[dispute.pk]),
                    {"decision": "diterima", "note": "Banjir tercatat BPBD."}).status_code == 302
    dispute.refresh_from_db()
    assert dispute.status == DisputeStatus.DITERIMA
    page = adi.get(reverse("command_center:performance-disputes")).content.decode()
    assert "Banjir tercatat BPBD." in page


@pytest.mark.django_db
def test_it_offers_disputes_and_decisions_through_the_api(client, people, two_areas):
    late = two_areas[2]
    c = client_for(client, people.kepala_dlh)
    bad = c.post("/api/v1/command-center/disputes/", {"complaint": late.tracking_no, "reason": "telat"})
    assert bad.status_code == 400 and "reason" in bad.json()
    unknown = c.post("/api/v1/command-center/disputes/", {"complaint": "MRK-0000-000000", "reason": REASON})
    assert unknown.status_code == 400 and "complaint" in unknown.json()
    made = c.post("/api/v1/command-center/disputes/", {"complaint": late.tracking_no, "reason": REASON})
    assert made.status_code == 201 and made.json()["status"] == "diajukan"
    pk = made.json()["id"]
    assert c.post(f"/api/v1/command-center/disputes/{pk}/decide/", {"decision": "diterima", "note": "Setuju."}
                  ).status_code == 403
    client.logout()
    adi = client_for(client, people.adi)
    assert adi.post(f"/api/v1/command-center/disputes/{pk}/decide/", {"decision": "x"}).status_code == 400
    done = adi.post(f"/api/v1/command-center/disputes/{pk}/decide/", {"decision": "ditolak", "note": "Tanpa bukti."})
    assert done.status_code == 200 and done.json()["status"] == "ditolak"
    assert adi.get("/api/v1/command-center/disputes/", {"status": "ditolak"}).json()["count"] == 1


@pytest.mark.django_db
def test_it_shows_disputes_only_to_those_concerned(client, people, two_areas):
    actions.open_dispute(people.kepala_dlh, two_areas[2], REASON)
    assert client_for(client, people.hendra).get("/api/v1/command-center/disputes/").json()["count"] == 0
    client.logout()
    assert client_for(client, people.wati).get(reverse("command_center:performance-disputes")).status_code == 403
