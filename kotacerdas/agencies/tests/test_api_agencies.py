"""Agencies (OPD) API: public read, officers for admins only."""

from __future__ import annotations

from rest_framework.test import APIClient


def client_for(user) -> APIClient:  # noqa: ANN001
    api = APIClient()
    if user is not None:
        api.force_authenticate(user)
    return api


def test_it_lists_active_agencies_publicly_by_kind(city):
    city.kominfo.is_active = False
    city.kominfo.save()
    resp = client_for(None).get("/api/v1/agencies/?kind=dinas")
    assert resp.status_code == 200
    rows = resp.json()["results"]
    assert {r["code"] for r in rows} == {"dinas-lingkungan-hidup", "dinas-perhubungan"}
    assert set(rows[0]) == {"code", "name", "short_name", "kind", "kind_label", "city", "region", "is_active"}
    assert client_for(None).get("/api/v1/agencies/?kind=kecamatan").json()["count"] == 0
    assert client_for(None).get("/api/v1/agencies/dinas-kominfo/").status_code == 404


def test_it_shows_inactive_agencies_to_admins(city, people):
    city.kominfo.is_active = False
    city.kominfo.save()
    resp = client_for(people.adi).get("/api/v1/agencies/dinas-kominfo/")
    assert resp.status_code == 200 and resp.json()["is_active"] is False


def test_it_reads_one_agency_without_people(city, people):
    body = client_for(None).get("/api/v1/agencies/dinas-lingkungan-hidup/").json()
    assert body["short_name"] == "DLH" and body["city"] == "12.71"
    assert "head" not in body and "kepala_dlh" not in str(body)


def test_it_lists_officers_only_for_admins(city, people):
    url = "/api/v1/agencies/dinas-lingkungan-hidup/officers/"
    assert client_for(None).get(url).status_code == 401
    for outsider in (people.dewi, people.walikota, people.oscar, people.wati):
        assert client_for(outsider).get(url).status_code == 403
    resp = client_for(people.adi).get(url)
    assert resp.status_code == 200
    rows = resp.json()["results"]
    assert {r["username"] for r in rows} == {"dewi", "putra", "kepala_dlh"}
    assert all("phone" not in r and "nik" not in r and "password" not in r for r in rows)
    assert client_for(people.adi).get("/api/v1/agencies/tidak-ada/officers/").status_code == 404


def test_it_rejects_an_unknown_kind_naming_the_field(city):
    resp = client_for(None).get("/api/v1/agencies/?kind=kementerian")
    assert resp.status_code == 400 and "kind" in resp.json()
