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


class IndonesianFirstLocaleMiddleware:
    """Indonesian unless the visitor chose English with the language switch (the cookie set by set_language).

    Django's LocaleMiddleware follows the browser's Accept-Language, and many Indonesian phones are set to English;
    the service speaks Indonesian first.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        from django.conf import settings
        from django.utils import translation

        chosen = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME, "")
        language = chosen if chosen in dict(settings.LANGUAGES) else settings.LANGUAGE_CODE
        translation.activate(language)
        request.LANGUAGE_CODE = language  # type: ignore[attr-defined]
        response = self.get_response(request)
        response.headers.setdefault("Content-Language", language)
        translation.deactivate()
        return response
