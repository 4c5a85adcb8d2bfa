from __future__ import annotations

from django.http import HttpResponse
from django.test import RequestFactory
from django.utils import timezone

from kotacerdas.core.middleware import CityTimezoneMiddleware
from kotacerdas.core.models import SiteSettings


def test_it_shows_times_in_the_city_zone(db):
    site = SiteSettings.load()
    site.timezone = "Asia/Makassar"  # Manado, WITA
    site.save()
    seen = {}

    def view(request):  # noqa: ANN001, ANN202
        seen["zone"] = timezone.get_current_timezone_name()
        return HttpResponse("ok")

    CityTimezoneMiddleware(view)(RequestFactory().get("/"))
    assert seen["zone"] == "Asia/Makassar"
    assert timezone.get_current_timezone_name() == "Asia/Jakarta"  # deactivated afterwards


def test_it_speaks_indonesian_even_to_an_english_browser_until_english_is_chosen(client, db):
    resp = client.get("/akun/masuk/", HTTP_ACCEPT_LANGUAGE="en-US,en;q=0.9")
    assert resp.headers["Content-Language"] == "id"
    client.cookies["django_language"] = "en"
    resp = client.get("/akun/masuk/", HTTP_ACCEPT_LANGUAGE="en-US,en;q=0.9")
    assert resp.headers["Content-Language"] == "en"


def test_it_refuses_nul_characters_anywhere_a_client_can_put_them(client, db):
    assert client.get("/open311/v2/requests/%00.json").status_code == 400
    assert client.get("/aduan/", {"q": "a\x00b"}).status_code == 400
    assert client.post("/lapor/", {"title": "x\x00"}).status_code == 400
    resp = client.post("/api/v1/auth/token/", data='{"username": "a\\u0000"}', content_type="application/json")
    assert resp.status_code == 400 and "NUL" in resp.json()["detail"]
    assert client.get("/aduan/", {"q": "biasa"}).status_code == 200
