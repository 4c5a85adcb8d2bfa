"""The REST API follows the same scopes and actions as the staff UI."""

from __future__ import annotations

import pytest
from rest_framework.test import APIClient

from kotacerdas.complaints import actions
from kotacerdas.complaints.models import Complaint, Status
from kotacerdas.complaints.tests.test_actions import file_report

PERSONAL = ("081298765432", "Budi Santoso", "wati@contoh.id", "081234567890", "reporter_phone", "reporter_nik")


@pytest.fixture
def cases(city, people):  # noqa: ANN001
    """One DLH case in Medan Kota, one Dishub case in Medan Baru, one new case."""
    dlh = actions.do_dispose(people.adi, file_report(city, people.wati), city.dlh)
    dishub = file_report(city, None, category=city.cat_lampu.code, title="Lampu lalu lintas mati",
                         description="Lampu merah di simpang Babura mati total sejak pagi.",
                         lat=city.inside_baru[0], lon=city.inside_baru[1])
    dishub = actions.do_dispose(people.adi, dishub, city.dishub)
    new = file_report(city, people.wati)
    return {"dlh": dlh, "dishub": dishub, "new": new}


def client_for(user) -> APIClient:  # noqa: ANN001
    c = APIClient()
    if user is not None:
        c.force_authenticate(user)
    return c


def listed(user) -> set[str]:  # noqa: ANN001
    resp = client_for(user).get("/api/v1/complaints/?page_size=100")
    assert resp.status_code == 200, resp.content
    return {row["tracking_no"] for row in resp.json()["results"]}


def test_it_scopes_the_list_by_role(city, people, cases):
    everyone = {c.tracking_no for c in cases.values()}
    assert listed(people.adi) == everyone
    assert listed(people.walikota) == everyone
    assert listed(people.oscar) == everyone
    assert listed(people.dewi) == {cases["dlh"].tracking_no}
    assert listed(people.hendra) == {cases["dishub"].tracking_no}
    assert listed(people.camat) == {cases["dlh"].tracking_no, cases["new"].tracking_no}  # Medan Kota only
    assert listed(people.lurah) == {cases["dlh"].tracking_no, cases["new"].tracking_no}
    assert listed(people.putra) == set()  # nothing assigned to him yet
    assert listed(people.wati) == {cases["dlh"].tracking_no, cases["new"].tracking_no}  # her own


def test_it_refuses_anonymous_callers(cases):
    assert client_for(None).get("/api/v1/complaints/").status_code in (401, 403)


def test_it_answers_404_outside_the_scope(people, cases):
    assert client_for(people.hendra).get(f"/api/v1/complaints/{cases['dlh'].pk}/").status_code == 404


def test_it_never_returns_reporter_identity(people, cases):
    body = client_for(people.adi).get(f"/api/v1/complaints/{cases['dishub'].pk}/").content.decode()
    for secret in PERSONAL:
        assert secret not in body


def test_it_filters_with_the_shared_filterset(people, cases):
    resp = client_for(people.adi).get("/api/v1/complaints/?queue=baru")
    assert {r["tracking_no"] for r in resp.json()["results"]} == {cases["new"].tracking_no}
    resp = client_for(people.adi).get("/api/v1/complaints/?agency=dinas-perhubungan")
    assert {r["tracking_no"] for r in resp.json()["results"]} == {cases["dishub"].tracking_no}


def test_it_runs_actions_with_the_same_rules(city, people, cases):
    api = client_for(people.dewi)
    url = f"/api/v1/complaints/{cases['dlh'].pk}"
    assert api.post(f"{url}/accept/").status_code == 200
    resp = api.post(f"{url}/respond/", {"message": "pendek"}, format="json")
    assert resp.status_code == 400 and "message" in resp.json()
    resp = api.post(f"{url}/respond/", {"message": "Petugas sudah meninjau dan menjadwalkan pengangkutan."},
                    format="json")
    assert resp.status_code == 200 and resp.json()["first_response_at"]
    # Dishub may not act on DLH's case: it cannot even see it.
    assert client_for(people.hendra).post(f"{url}/resolve/", {"outcome": "fixed", "message": "x" * 20},
                                          format="json").status_code == 404
    # Verifying is the coordinator's: the OPD gets 403 on a case it can see but may not verify.
    new_url = f"/api/v1/complaints/{cases['new'].pk}"
    assert client_for(people.camat).post(f"{new_url}/dispose/", {}, format="json").status_code == 403
    resp = client_for(people.adi).post(f"{new_url}/dispose/", {"agency": "tidak-ada"}, format="json")
    assert resp.status_code == 400 and "agency" in resp.json()
    resp = client_for(people.adi).post(f"{new_url}/dispose/", {}, format="json")
    assert resp.status_code == 200 and resp.json()["agency"] == city.dlh.code
    assert Complaint.objects.get(pk=cases["new"].pk).status == Status.DISPOSISI


def test_it_creates_a_complaint_and_names_bad_fields(city, people):
    api = client_for(people.wati)
    resp = api.post("/api/v1/complaints/", {"title": "Drainase tersumbat", "description": "singkat",
                                            "category": "sampah", "lat": 1.0, "lon": 1.0}, format="json")
    assert resp.status_code == 400
    assert {"description", "location"} <= set(resp.json())
    assert Complaint.objects.count() == 0
    resp = api.post("/api/v1/complaints/", {
        "title": "Drainase tersumbat", "description": "Saluran air di depan rumah tersumbat sampah plastik.",
        "category": "sampah", "lat": city.inside[0], "lon": city.inside[1]}, format="json")
    assert resp.status_code == 201 and resp.json()["kelurahan"] == city.kel_pasar_baru.code


def test_it_serves_the_openapi_schema(db):
    resp = client_for(None).get("/api/schema/")
    assert resp.status_code == 200
    assert b"/api/v1/complaints/{id}/dispose/" in resp.content


def test_it_gives_the_masked_text_to_whoever_may_not_see_the_reporter(city, people):
    c = file_report(city, people.wati, is_anonim=True,
                    description="Sampah menumpuk, hubungi saya di 081377778888 kapan saja ya pak.")
    c = actions.do_dispose(people.adi, c, city.dlh)
    assert "081377778888" in client_for(people.adi).get(f"/api/v1/complaints/{c.pk}/").content.decode()
    body = client_for(people.dewi).get(f"/api/v1/complaints/{c.pk}/").content.decode()
    assert "081377778888" not in body and "disamarkan" in body
