"""The page shell (base.html), the `kc` template library and the English catalogue."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.template import Context, Template
from django.test import RequestFactory
from django.urls import reverse
from django.utils import translation

from kotacerdas.core.models import SiteSettings
from kotacerdas.core.templatetags import kc


@pytest.fixture
def restore_language():
    # LocaleMiddleware leaves the last request's language active in the test thread; later tests expect "id".
    yield
    translation.activate("id")


def render(source: str, **context) -> str:
    return Template("{% load kc %}" + source).render(Context(context))


def test_it_renders_the_shell_with_the_site_name_and_safe_links(client, city):
    page = client.get(reverse("accounts:login")).content.decode()
    assert "Medan Rumah Kita" in page  # SiteSettings, not Django's RequestSite that LoginView also calls `site`
    assert "Kota Cerdas — perangkat lunak sumber terbuka" in page
    assert 'hx-headers=\'{"X-CSRFToken": "' in page
    assert reverse("set_language") in page
    for label in ("Lapor", "Lacak aduan", "Peta aduan"):
        assert f">{label}<" in page
    assert ">Antrian<" not in page
    assert ">Admin<" not in page


def test_it_shows_the_queue_to_staff_and_admin_to_the_superadmin_only(client, people):
    client.force_login(people.wati)
    page = client.get(reverse("accounts:profile")).content.decode()
    assert ">Antrian<" not in page and ">Keluar<" in page

    client.force_login(people.dewi)
    page = client.get(reverse("accounts:profile")).content.decode()
    assert ">Antrian<" in page and ">Admin<" not in page

    client.force_login(people.root)
    page = client.get(reverse("accounts:profile")).content.decode()
    assert ">Antrian<" in page and ">Admin<" in page


@pytest.mark.usefixtures("restore_language")
def test_it_switches_to_english(client, people):
    response = client.post(reverse("set_language"), {"language": "en", "next": reverse("accounts:login")})
    assert response.status_code == 302
    page = client.get(reverse("accounts:login")).content.decode()
    assert "Sign in to your account" in page
    assert "Masuk ke akun Anda" not in page
    assert '<html lang="en">' in page
    client.post(reverse("set_language"), {"language": "id", "next": "/"})
    assert "Masuk ke akun Anda" in client.get(reverse("accounts:login")).content.decode()


def test_it_translates_validation_messages_to_english(people):
    from django.core.exceptions import ValidationError

    from kotacerdas.accounts import actions

    with translation.override("en"), pytest.raises(ValidationError) as caught:
        actions.check_signup({"full_name": "A", "email": "a@contoh.id", "phone": "123", "password": "x"})
    assert "Invalid mobile number" in str(caught.value.message_dict["phone"])


def test_it_falls_back_to_a_hash_for_a_url_that_does_not_exist_yet(db):
    assert render("{% url_or_hash 'belum:ada' %}") == "#"
    assert render("{% url_or_hash 'accounts:login' %}") == reverse("accounts:login")


@pytest.mark.parametrize(
    ("zone", "expected"),
    [
        ("Asia/Jakarta", "23 Nov 2026 14.05 WIB"),
        ("Asia/Makassar", "23 Nov 2026 15.05 WITA"),
        ("Asia/Jayapura", "23 Nov 2026 16.05 WIT"),
    ],
)
def test_it_shows_local_time_in_the_city_zone(db, zone, expected):
    site = SiteSettings.load()
    site.timezone = zone
    site.save()
    moment = dt.datetime(2026, 11, 23, 7, 5, tzinfo=dt.UTC)
    with translation.override("id"):
        assert kc.localtime_id(moment) == expected


def test_it_uses_indonesian_month_names_and_crosses_midnight(db):
    late = dt.datetime(2026, 8, 16, 20, 30, tzinfo=dt.UTC)  # 03.30 WIB on 17 August
    with translation.override("id"):
        assert kc.localtime_id(late) == "17 Agu 2026 03.30 WIB"
        assert kc.localtime_id(late, "long date") == "17 Agustus 2026"
        assert kc.localtime_id(dt.date(2026, 5, 1)) == "1 Mei 2026"
        assert kc.localtime_id(None) == ""
    with translation.override("en"):
        assert kc.localtime_id(late) == "17 Aug 2026 03:30 WIB"


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (1500000, "Rp1.500.000"),
        (0, "Rp0"),
        (Decimal("1234.5"), "Rp1.234,50"),
        ("2500000.00", "Rp2.500.000"),
        (-75000, "-Rp75.000"),
        (None, ""),
        ("bukan angka", "bukan angka"),
    ],
)
def test_it_formats_rupiah(value, expected):
    assert kc.rupiah(value) == expected


def test_it_renders_a_role_badge_for_a_user_or_a_role(people):
    assert render("{{ u|role_badge }}", u=people.dewi) == (
        '<span class="badge bg-teal-lt kc-role-badge">Penghubung OPD</span>'
    )
    assert "Pimpinan" in render("{{ r|role_badge }}", r="pimpinan")
    assert render("{{ r|role_badge }}", r="") == ""


def test_it_marks_a_field_with_errors_for_tabler(db):
    from kotacerdas.accounts.forms import SignupForm

    form = SignupForm({"full_name": "", "email": "x", "phone": "1", "password": "", "password2": ""})
    assert not form.is_valid()
    html = Template('{% include "includes/form_field.html" with field=form.email %}').render(
        Context({"form": form})
    )
    assert 'class="form-control is-invalid"' in html
    assert "Alamat e-mail tidak valid" in html


def test_it_marks_the_current_page_in_the_menu(people):
    request = RequestFactory().get("/akun/profil/")
    from django.urls import resolve

    request.resolver_match = resolve("/akun/profil/")
    out = render("{% nav_active 'accounts:profile' %}|{% nav_active 'complaints:queue' %}", request=request)
    assert out == "active|"
