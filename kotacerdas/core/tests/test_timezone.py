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
