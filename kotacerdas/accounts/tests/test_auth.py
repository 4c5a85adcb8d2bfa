"""Logging in and out, signing up, and resetting or changing a password."""

from __future__ import annotations

import re

import pytest
from django.contrib.auth import SESSION_KEY
from django.core import mail
from django.urls import reverse

from conftest import PASSWORD
from kotacerdas.accounts.models import Role, User
from kotacerdas.accounts.views import landing_url_for
from kotacerdas.core.models import AuditLog

EMAIL_BACKEND = "kotacerdas.accounts.backends.EmailOrUsernameBackend"


@pytest.fixture
def email_login(settings):
    # Until settings.py lists the backend, turn it on here; once it does, this changes nothing.
    settings.AUTHENTICATION_BACKENDS = [EMAIL_BACKEND]


def logged_in_id(client) -> str | None:
    return client.session.get(SESSION_KEY)


def test_it_logs_in_with_a_username_and_sends_a_citizen_home(client, people):
    response = client.post(reverse("accounts:login"), {"username": "wati", "password": PASSWORD})
    assert response.status_code == 302
    assert response.url == "/"
    assert logged_in_id(client) == str(people.wati.pk)


def test_it_sends_staff_to_their_queue_after_login(client, people):
    response = client.post(reverse("accounts:login"), {"username": "dewi", "password": PASSWORD})
    assert response.status_code == 302
    assert response.url == landing_url_for(people.dewi)
    try:
        queue = reverse("complaints:queue")
    except Exception:  # the complaints app has not named its queue yet
        queue = "/"
    assert response.url == queue


def test_it_follows_a_safe_next_parameter_but_not_an_outside_one(client, people):
    data = {"username": "wati", "password": PASSWORD}
    response = client.post(reverse("accounts:login") + "?next=/akun/profil/", data)
    assert response.url == "/akun/profil/"
    client.logout()
    response = client.post(reverse("accounts:login") + "?next=https://jahat.example/", data)
    assert response.url == "/"


@pytest.mark.usefixtures("email_login")
def test_it_logs_in_with_an_email_address_in_any_case(client, people):
    response = client.post(reverse("accounts:login"), {"username": "WATI@Contoh.id", "password": PASSWORD})
    assert response.status_code == 302
    assert logged_in_id(client) == str(people.wati.pk)


@pytest.mark.usefixtures("email_login")
def test_it_still_logs_in_with_a_username_through_the_email_backend(client, people):
    client.post(reverse("accounts:login"), {"username": "dewi", "password": PASSWORD})
    assert logged_in_id(client) == str(people.dewi.pk)


@pytest.mark.usefixtures("email_login")
def test_it_refuses_an_email_shared_by_two_accounts(client, people):
    User.objects.create_user("wati2", email="wati@contoh.id", password=PASSWORD)
    response = client.post(reverse("accounts:login"), {"username": "wati@contoh.id", "password": PASSWORD})
    assert response.status_code == 200
    assert logged_in_id(client) is None


@pytest.mark.usefixtures("email_login")
def test_it_rejects_a_wrong_password_in_indonesian(client, people):
    response = client.post(reverse("accounts:login"), {"username": "wati@contoh.id", "password": "salah"})
    assert response.status_code == 200
    assert "kata sandi salah" in response.content.decode()
    assert logged_in_id(client) is None


def test_it_logs_out_only_on_post(client, people):
    client.force_login(people.wati)
    response = client.get(reverse("accounts:logout"))
    assert response.status_code == 405
    assert logged_in_id(client) == str(people.wati.pk)
    response = client.post(reverse("accounts:logout"))
    assert response.status_code == 302
    assert logged_in_id(client) is None


SIGNUP = {
    "full_name": "Budi  Santoso Hutapea", "email": "Budi@Contoh.ID", "phone": "+62 812-7777-1234",
    "password": "kopi-susu-pagi-9", "password2": "kopi-susu-pagi-9",
}


def test_it_signs_up_a_warga_and_logs_them_in(client, city):
    response = client.post(reverse("accounts:signup"), SIGNUP)
    assert response.status_code == 302
    user = User.objects.get(email__iexact="budi@contoh.id")
    assert user.role == Role.WARGA
    assert (user.first_name, user.last_name) == ("Budi", "Santoso Hutapea")
    assert user.phone == "081277771234"
    assert user.username == "budi.santoso.hutapea"
    assert not user.is_staff_role
    assert user.check_password("kopi-susu-pagi-9")
    assert logged_in_id(client) == str(user.pk)
    assert AuditLog.objects.filter(action="accounts.signup", target_id=str(user.pk)).exists()


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("phone", "12345", "Nomor HP tidak valid"),
        ("phone", "021-5551234", "Nomor HP tidak valid"),  # a Jakarta landline is not a mobile number
        ("phone", "", "Nomor HP wajib diisi"),
        ("email", "budi@", "Alamat e-mail tidak valid"),
        ("email", "wati@contoh.id", "sudah terdaftar"),
        ("full_name", "  ", "Nama wajib diisi"),
        ("password2", "lain-sekali-123", "Kedua kata sandi tidak sama"),
        ("password", "12345678", "terlalu umum"),
    ],
)
def test_it_rejects_a_bad_signup_in_indonesian_and_creates_nothing(client, people, field, value, message):
    before = User.objects.count()
    data = {**SIGNUP, field: value}
    if field == "password":
        data["password2"] = value
    response = client.post(reverse("accounts:signup"), data)
    assert response.status_code == 200
    assert message in response.context["form"].errors[field][0]
    assert message in response.content.decode()
    assert User.objects.count() == before
    assert logged_in_id(client) is None


def test_it_gives_a_second_budi_a_different_username(client, city):
    client.post(reverse("accounts:signup"), SIGNUP)
    client.logout()
    client.post(reverse("accounts:signup"), {**SIGNUP, "email": "budi.lain@contoh.id", "phone": "081300000001"})
    usernames = sorted(User.objects.filter(first_name="Budi").values_list("username", flat=True))
    assert usernames == ["budi.santoso.hutapea", "budi.santoso.hutapea2"]


def test_it_sends_a_password_reset_email_whose_link_sets_a_new_password(client, people):
    response = client.post(reverse("accounts:password_reset"), {"email": "wati@contoh.id"})
    assert response.status_code == 302
    assert response.url == reverse("accounts:password_reset_done")
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == ["wati@contoh.id"]
    assert "Medan Rumah Kita" in message.subject
    assert "Halo Wati Siregar" in message.body
    link = re.search(r"https?://[^/\s]+(/akun/kata-sandi/atur-ulang/\S+/)", message.body).group(1)

    # Django swaps the token for a session marker and redirects to the form.
    form_url = client.get(link).url
    response = client.post(form_url, {"new_password1": "teh-manis-dingin-7", "new_password2": "teh-manis-dingin-7"})
    assert response.url == reverse("accounts:password_reset_complete")
    people.wati.refresh_from_db()
    assert people.wati.check_password("teh-manis-dingin-7")


def test_it_sends_no_reset_email_for_an_unknown_address_but_says_the_same(client, people):
    response = client.post(reverse("accounts:password_reset"), {"email": "siapa@contoh.id"})
    assert response.url == reverse("accounts:password_reset_done")
    assert mail.outbox == []


def test_it_changes_a_password_after_checking_the_old_one(client, people):
    client.force_login(people.dewi)
    url = reverse("accounts:password_change")
    new = {"new_password1": "x-baru-123456", "new_password2": "x-baru-123456"}
    response = client.post(url, {"old_password": "salah", **new})
    assert response.status_code == 200
    response = client.post(url, {"old_password": PASSWORD, **new})
    assert response.url == reverse("accounts:profile")
    people.dewi.refresh_from_db()
    assert people.dewi.check_password("x-baru-123456")
    # Django keeps the session valid after a password change made by the person themselves.
    assert logged_in_id(client) == str(people.dewi.pk)


def test_it_asks_anonymous_visitors_to_log_in_for_the_profile(client, city):
    response = client.get(reverse("accounts:profile"))
    assert response.status_code == 302
    assert response.url.startswith(reverse("accounts:login") + "?next=")
