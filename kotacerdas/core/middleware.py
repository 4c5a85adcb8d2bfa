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


class RejectNulBytesMiddleware:
    """Answers 400 when a client sends a NUL character in the URL, the query or a text field.

    PostgreSQL text columns cannot hold NUL (psycopg raises DataError, a 500), SQLite stores it silently; no
    legitimate form, API or Open311 input contains one. File uploads are not inspected (binary data may).
    """

    MESSAGE = "Masukan mengandung karakter NUL (\\x00) yang tidak diizinkan."

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if self._has_nul(request):
            from django.http import JsonResponse

            if request.path.startswith("/open311/"):
                # Open311 clients expect a v2 error body in the format they asked for.
                from kotacerdas.open311.render import errors

                fmt = "json" if ".json" in request.path or request.GET.get("format") == "json" else "xml"
                return errors(fmt, 400, [(400, self.MESSAGE)])
            if request.path.startswith("/api/") or "json" in request.content_type:
                return JsonResponse({"detail": self.MESSAGE}, status=400)
            return HttpResponse(self.MESSAGE, status=400, content_type="text/plain; charset=utf-8")
        return self.get_response(request)

    # Sensor ingestion quarantines a bad item on its own (with the reason) instead of refusing the whole batch.
    EXEMPT_PREFIXES = ("/api/v1/ingest/",)

    @classmethod
    def _has_nul(cls, request: HttpRequest) -> bool:
        if request.path.startswith(cls.EXEMPT_PREFIXES) and "\x00" not in request.path:
            return False
        if "\x00" in request.path or "%00" in request.META.get("QUERY_STRING", ""):
            return True
        try:
            if any("\x00" in v for _k, values in request.GET.lists() for v in values):
                return True
        except Exception:  # noqa: BLE001 - e.g. too many fields: the view answers that with its own 400
            return False
        if request.method in ("POST", "PUT", "PATCH"):
            content_type = request.content_type or ""
            if content_type in ("application/x-www-form-urlencoded", "multipart/form-data"):
                try:
                    return any("\x00" in v for _k, values in request.POST.lists() for v in values)
                except Exception:  # noqa: BLE001 - a malformed body is the view's to refuse, with its own 400
                    return False
            if "json" in content_type or content_type.startswith("text/"):
                body = request.body
                return b"\x00" in body or b"\\u0000" in body
        return False
