"""/api/v1/planning/ and the open-data dataset."""

from __future__ import annotations

import pytest
from rest_framework.test import APIClient

from kotacerdas.planning import actions, opendata
from kotacerdas.planning.rules import Decision

pytestmark = pytest.mark.django_db


def api(user=None) -> APIClient:  # noqa: ANN001
    c = APIClient()
    if user is not None:
        c.force_authenticate(user)
    return c


def test_it_creates_and_decides_usulan_through_the_api(plan, people) -> None:  # noqa: ANN001
    lat, lon = plan.city.inside
    body = {"source": "kelurahan", "kamus": "KMS-001", "title": "Jalan API", "lat": lat, "lon": lon,
            "location_text": "Gg. API", "volume": "10", "components": [{"item": "JL-001", "quantity": "10"}]}
    assert api().post("/api/v1/planning/usulan/", body, format="json").status_code == 401
    bad = api(people.lurah).post("/api/v1/planning/usulan/", {**body, "kamus": "NOPE", "components": []},
                                 format="json")
    assert bad.status_code == 400 and {"kamus", "components"} <= set(bad.json())
    assert api(people.wati).post("/api/v1/planning/usulan/", body, format="json").status_code == 403
    r = api(people.lurah).post("/api/v1/planning/usulan/", body, format="json")
    assert r.status_code == 201 and r.json()["estimated_cost"] == "1850000"
    number = r.json()["number"]
    r = api(people.lurah).post(f"/api/v1/planning/usulan/{number}/decision/", {"decision": "x", "reason": ""},
                               format="json")
    assert r.status_code == 400
    r = api(people.lurah).post(f"/api/v1/planning/usulan/{number}/decision/",
                               {"decision": "diterima", "reason": "Prioritas warga"}, format="json")
    assert r.status_code == 200 and r.json()["status"] == "diterima"
    assert api(people.hendra).get(f"/api/v1/planning/usulan/{number}/").status_code == 404
    listed = api(people.lurah).get("/api/v1/planning/usulan/?stage=kelurahan").json()
    assert [u["number"] for u in listed["results"]] == [number]


def test_it_sets_ranks_through_the_api(plan, people) -> None:  # noqa: ANN001
    a = plan.usulan(people.lurah, qty="5", title="A")
    b = plan.usulan(people.lurah, qty="5", title="B")
    for u in (a, b):
        actions.do_decide(people.lurah, u, Decision.DITERIMA, "Prioritas warga")
    forum = actions.forum_for(a)
    url = f"/api/v1/planning/forums/{forum.pk}/ranks/"
    assert api(people.lurah).post(url, {"ranks": {a.number: 1, b.number: 3}}, format="json").status_code == 400
    assert api(people.camat).post(url, {"ranks": {a.number: 2, b.number: 1}}, format="json").status_code == 403
    assert api(people.lurah).post(url, {"ranks": {a.number: 2, b.number: 1}}, format="json").status_code == 204
    assert forum.decisions.get(usulan=a).rank == 2


def test_it_publishes_years_kamus_prices_and_public_usulan_without_proposer(plan, people) -> None:  # noqa: ANN001
    u = plan.usulan(people.wati, source="warga")
    years = api().get("/api/v1/planning/years/").json()
    assert years["results"][0]["year"] == 2027 and len(years["results"][0]["windows"]) == 7
    kamus = api().get("/api/v1/planning/kamus/").json()["results"]
    assert {k["code"] for k in kamus} == {"KMS-001", "KMS-004"}
    prices = api().get("/api/v1/planning/prices/?year=2027").json()["results"]
    assert {p["code"]: p["lampiran"] for p in prices}["RPT-001"] == "I"
    assert api().get("/api/v1/planning/prices/?year=abc").status_code == 400
    public = api().get("/api/v1/planning/public/usulan/").json()["results"]
    assert public[0]["number"] == u.number and "proposer" not in public[0]
    assert "wati" not in str(public).lower()


def test_it_offers_the_usulan_dataset_without_personal_data(plan, people) -> None:  # noqa: ANN001
    u = plan.usulan(people.wati, source="warga")
    actions.do_decide(people.lurah, u, Decision.DITERIMA, "Prioritas RW")
    (ds,) = opendata.datasets()
    assert ds["slug"] == "usulan-musrenbang" and ds["frequency"] in ("daily", "weekly", "monthly")
    assert {f[0] for f in ds["fields"]} == set(ds["rows"]()[0])
    row = ds["rows"]()[0]
    assert row["nomor"] == u.number and row["keputusan"] == "rembuk=diterima (1)"
    text = str(ds["rows"]()) + str(ds["geojson"]())
    for private in ("Wati", "081234567890", "wati@contoh.id"):
        assert private not in text
    assert ds["geojson"]()["features"][0]["geometry"]["type"] == "Point"


def test_it_answers_malformed_ids_and_years_in_json(plan, people) -> None:  # noqa: ANN001
    client = api(people.lurah)
    for url in ("/api/v1/planning/usulan/%C2%84/", "/api/v1/planning/usulan/a.b/", "/api/v1/planning/years/abc/",
                "/api/v1/planning/years/1999/"):
        response = client.get(url)
        assert response.status_code == 404 and response["Content-Type"] == "application/json", url
    response = client.post("/api/v1/planning/forums/null,null/ranks/", {"ranks": {}}, format="json")
    assert response.status_code == 404 and response["Content-Type"] == "application/json"
    for url in ("/api/v1/planning/kamus/?year=abc", "/api/v1/planning/kamus/?year=%C2%B2",
                "/api/v1/planning/usulan/?year=0.5", "/api/v1/planning/public/usulan/?year=0"):
        response = client.get(url)
        assert response.status_code == 400 and "year" in response.json(), url
