from __future__ import annotations

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse
from django.utils import timezone

from kotacerdas.core.models import SiteSettings


class CityTimezoneMiddleware:
    """Shows every time in the city's own zone (WIB for Medan, WITA for Manado, WIT for Papua).

    Stored times stay in UTC; Perpres 21/2023 counts office hours in "zona waktu setempat".
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        site = SiteSettings.load()
        request.site_settings = site  # type: ignore[attr-defined]
        timezone.activate(site.timezone)
        try:
            return self.get_response(request)
        finally:
            timezone.deactivate()
