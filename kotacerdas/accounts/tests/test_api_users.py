"""Users API (superadmin and admin koordinator) and token authentication."""

from __future__ import annotations

import pytest
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from conftest import PASSWORD
from kotacerdas.accounts.models import Role, User
from kotacerdas.core.models import AuditLog

NEW = {"username": "rina", "full_name": "Rina Harahap", "email": "rina@medan.go.id", "role": "penghubung",
       "agency": "dinas-perhubungan", "position": "Staf"}


def client_for(user) -> APIClient:  # noqa: ANN001
    api = APIClient()
    if user is not None:
        api.force_authenticate(user)
    return api


@pytest.fixture(autouse=True)
def _fresh_throttle():
    """Token attempts are counted in the cache; another test's attempts must not count here."""
    from django.core.cache import cache

    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def private_data(people):  # noqa: ANN001
    people.dewi.nik = "1271010101900001"
    people.dewi.save()
    return people


def test_it_lets_only_admins_use_the_users_api(people):
    assert client_for(None).get("/api/v1/users/").status_code == 401
    for role_user in (people.wati, people.dewi, people.oscar, people.walikota, people.camat):
        assert client_for(role_user).get("/api/v1/users/").status_code == 403
        assert client_for(role_user).post("/api/v1/users/", NEW, format="json").status_code == 403
    assert client_for(people.adi).get("/api/v1/users/").status_code == 200
    assert client_for(people.root).get("/api/v1/users/").status_code == 200


def test_it_hides_superadmins_from_the_coordinator(people):
    names = {r["username"] for r in client_for(people.adi).get("/api/v1/users/?page_size=200").json()["results"]}
    assert "root" not in names and {"adi", "dewi", "wati"} <= names
    assert client_for(people.adi).get(f"/api/v1/users/{people.root.pk}/").status_code == 404
    assert client_for(people.adi).post(f"/api/v1/users/{people.root.pk}/deactivate/",
                                       {"reason": "Coba nonaktifkan"}, format="json").status_code == 404


def test_it_shows_nik_and_phone_only_to_the_superadmin(private_data):
    people = private_data
    body = client_for(people.adi).get(f"/api/v1/users/{people.wati.pk}/").content.decode()
    assert "081234567890" not in body and '"phone"' not in body and '"nik"' not in body
    assert "1271010101900001" not in client_for(people.adi).get("/api/v1/users/?page_size=200").content.decode()
    row = client_for(people.root).get(f"/api/v1/users/{people.dewi.pk}/").json()
    assert row["nik"] == "1271010101900001"
    assert client_for(people.root).get(f"/api/v1/users/{people.wati.pk}/").json()["phone"] == "081234567890"


def test_it_never_returns_password_hashes(people):
    for user in (people.adi, people.root):
        body = client_for(user).get("/api/v1/users/?page_size=200").content.decode()
        assert "password" not in body and "md5$" not in body and "pbkdf2" not in body
    resp = client_for(people.root).post("/api/v1/users/", {**NEW, "password": "Panjang-sekali-42"}, format="json")
    assert resp.status_code == 201 and "password" not in resp.json()


def test_it_creates_an_account_through_the_actions(city, people):
    resp = client_for(people.adi).post("/api/v1/users/", NEW, format="json")
    assert resp.status_code == 201, resp.content
    body = resp.json()
    assert (body["role"], body["agency"], body["full_name"]) == ("penghubung", "dinas-perhubungan", "Rina Harahap")
    user = User.objects.get(username="rina")
    assert not user.has_usable_password() and not user.is_superuser
    assert AuditLog.objects.filter(action="accounts.user_created", target_id=str(user.pk)).exists()


def test_it_names_every_bad_field_on_create(city, people):
    resp = client_for(people.adi).post("/api/v1/users/", {
        "username": "dewi", "full_name": "", "email": "bukan-email", "role": "penghubung", "region": "99"},
        format="json")
    assert resp.status_code == 400
    assert {"username", "full_name", "email"} <= set(resp.json())
    resp = client_for(people.adi).post("/api/v1/users/", {**NEW, "agency": ""}, format="json")
    assert resp.status_code == 400 and "agency" in resp.json()
    resp = client_for(people.adi).post("/api/v1/users/", {**NEW, "role": "warga", "region": "12.71.01"},
                                       format="json")
    assert resp.status_code == 400 and "region" in resp.json() and "agency" in resp.json()
    resp = client_for(people.adi).post("/api/v1/users/", {**NEW, "role": "raja"}, format="json")
    assert resp.status_code == 400 and "role" in resp.json()
    resp = client_for(people.root).post("/api/v1/users/", {**NEW, "password": "123"}, format="json")
    assert resp.status_code == 400 and "password" in resp.json()
    assert not User.objects.filter(username="rina").exists()


def test_it_reserves_superadmin_powers(city, people):
    assert client_for(people.adi).post("/api/v1/users/", {**NEW, "role": "superadmin", "agency": ""},
                                       format="json").status_code == 403
    assert client_for(people.adi).post("/api/v1/users/", {**NEW, "nik": "1271010101900002"},
                                       format="json").status_code == 403
    resp = client_for(people.root).post("/api/v1/users/", {**NEW, "role": "superadmin", "agency": "",
                                                            "nik": "1271010101900002"}, format="json")
    assert resp.status_code == 201 and resp.json()["nik"] == "1271010101900002"
    assert User.objects.get(username="rina").is_superuser


def test_it_updates_role_and_scope(city, people):
    url = f"/api/v1/users/{people.dewi.pk}/"
    resp = client_for(people.adi).patch(url, {"agency": "dinas-perhubungan"}, format="json")
    assert resp.status_code == 200 and resp.json()["agency"] == "dinas-perhubungan"
    resp = client_for(people.adi).patch(url, {"role": "pimpinan", "region": "12.71.05"}, format="json")
    body = resp.json()
    assert (body["role"], body["region"]) == ("pimpinan", "12.71.05")
    assert body["agency"] == "dinas-perhubungan"  # a pimpinan may keep an OPD
    resp = client_for(people.adi).patch(url, {"role": "warga"}, format="json")
    assert resp.status_code == 200 and (resp.json()["agency"], resp.json()["region"]) == (None, None)
    resp = client_for(people.adi).patch(url, {"region": "31.71"}, format="json")  # not this city
    assert resp.status_code == 400 and "region" in resp.json()
    resp = client_for(people.adi).patch(f"/api/v1/users/{people.adi.pk}/", {"role": "warga"}, format="json")
    assert resp.status_code == 400 and "role" in resp.json()
    assert User.objects.get(pk=people.adi.pk).role == Role.ADMIN_KOORDINATOR


def test_it_does_not_let_a_coordinator_wipe_private_fields(people):
    resp = client_for(people.adi).patch(f"/api/v1/users/{people.wati.pk}/", {"phone": "", "position": "Guru"},
                                        format="json")
    assert resp.status_code == 200
    assert User.objects.get(pk=people.wati.pk).phone == "081234567890"


def test_it_deactivates_and_revokes_tokens(people):
    token = Token.objects.create(user=people.dewi)
    url = f"/api/v1/users/{people.dewi.pk}/deactivate/"
    resp = client_for(people.adi).post(url, {}, format="json")
    assert resp.status_code == 400 and "reason" in resp.json()
    resp = client_for(people.adi).post(url, {"reason": "Pindah tugas"}, format="json")
    assert resp.status_code == 200 and resp.json()["is_active"] is False
    assert not Token.objects.filter(key=token.key).exists()
    resp = client_for(people.adi).post(url, {"reason": "Pindah tugas"}, format="json")
    assert resp.status_code == 400 and "is_active" in resp.json()
    resp = client_for(people.adi).post(f"/api/v1/users/{people.adi.pk}/deactivate/", {"reason": "Cuti panjang"},
                                       format="json")
    assert resp.status_code == 400 and "is_active" in resp.json()
    resp = client_for(people.adi).post(f"/api/v1/users/{people.dewi.pk}/activate/", {"reason": "Kembali bertugas"},
                                       format="json")
    assert resp.status_code == 200 and resp.json()["is_active"] is True


def test_it_filters_users(people):
    rows = client_for(people.adi).get("/api/v1/users/?agency=dinas-lingkungan-hidup&role=petugas").json()
    assert [r["username"] for r in rows["results"]] == ["putra"]
    resp = client_for(people.adi).get("/api/v1/users/?role=raja")
    assert resp.status_code == 400 and "role" in resp.json()


def test_it_issues_uses_and_revokes_a_token(people):
    anon = APIClient()
    resp = anon.post("/api/v1/auth/token/", {"username": "adi", "password": "salah"}, format="json")
    assert resp.status_code == 400 and "non_field_errors" in resp.json()
    resp = anon.post("/api/v1/auth/token/", {"password": PASSWORD}, format="json")
    assert resp.status_code == 400 and "username" in resp.json()
    resp = anon.post("/api/v1/auth/token/", {"username": "adi", "password": PASSWORD}, format="json")
    assert resp.status_code == 200
    key = resp.json()["token"]
    api = APIClient()
    api.credentials(HTTP_AUTHORIZATION=f"Token {key}")
    assert api.get("/api/v1/users/").status_code == 200
    assert api.get("/api/v1/complaints/").status_code == 200
    assert api.delete("/api/v1/auth/token/").status_code == 204
    assert api.get("/api/v1/complaints/").status_code == 401
    bad = APIClient()
    bad.credentials(HTTP_AUTHORIZATION="Token tidak-ada")
    assert bad.get("/api/v1/complaints/").status_code == 401


def test_it_refuses_a_token_to_a_deactivated_account(people):
    people.dewi.is_active = False
    people.dewi.save()
    resp = APIClient().post("/api/v1/auth/token/", {"username": "dewi", "password": PASSWORD}, format="json")
    assert resp.status_code == 400


def test_it_accepts_session_authentication(people):
    api = APIClient(enforce_csrf_checks=True)
    assert api.login(username="adi", password=PASSWORD)
    assert api.get("/api/v1/users/").status_code == 200
    # An unsafe request over a session needs the CSRF token, as any form in the UI does.
    assert api.post(f"/api/v1/users/{people.dewi.pk}/deactivate/", {"reason": "Pindah tugas"},
                    format="json").status_code == 403


def test_it_slows_down_password_guessing(people):
    anon = APIClient()
    for _attempt in range(10):
        resp = anon.post("/api/v1/auth/token/", {"username": "adi", "password": "tebakan"}, format="json")
        assert resp.status_code == 400
    resp = anon.post("/api/v1/auth/token/", {"username": "adi", "password": PASSWORD}, format="json")
    assert resp.status_code == 429 and "Retry-After" in resp
    # Another account from the same address is counted separately.
    assert anon.post("/api/v1/auth/token/", {"username": "dewi", "password": PASSWORD},
                     format="json").status_code == 200
