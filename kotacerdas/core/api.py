"""Shared DRF pieces for /api/v1/: the exception handler, pagination, authentication and documented errors.

Every 400 names the field (Django `ValidationError` dicts from `actions.py` pass through keyed as they are),
`PermissionDenied` from a `check_*` becomes 403, and nothing a client sends may produce a 500.
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from drf_spectacular.extensions import OpenApiAuthenticationExtension
from drf_spectacular.utils import OpenApiExample, OpenApiResponse, inline_serializer
from rest_framework import exceptions, serializers
from rest_framework.authentication import SessionAuthentication, TokenAuthentication
from rest_framework.pagination import PageNumberPagination
from rest_framework.response import Response
from rest_framework.views import exception_handler as drf_exception_handler

MAX_PAGE_SIZE = 200
DEFAULT_PAGE_SIZE = 50

# Token first: an anonymous caller then gets 401 with `WWW-Authenticate: Token` (DRF answers 403 when the first
# class is SessionAuthentication, which has no challenge); a logged-in browser still works through the session.
AUTHENTICATION = [TokenAuthentication, SessionAuthentication]


def exception_handler(exc: Exception, context: dict[str, Any]) -> Response | None:
    if isinstance(exc, DjangoValidationError):
        detail = exc.message_dict if hasattr(exc, "error_dict") else {"non_field_errors": exc.messages}
        exc = exceptions.ValidationError(detail)
    elif isinstance(exc, DjangoPermissionDenied):
        exc = exceptions.PermissionDenied(str(exc) or None)
    return drf_exception_handler(exc, context)


class StandardPagination(PageNumberPagination):
    """`?page=N&page_size=M`; page_size is capped at 200 and an unusable value falls back to 50."""

    page_size = DEFAULT_PAGE_SIZE
    page_size_query_param = "page_size"
    page_size_query_description = f"Rows per page, 1-{MAX_PAGE_SIZE} (default {DEFAULT_PAGE_SIZE})."
    max_page_size = MAX_PAGE_SIZE

    def get_schema_operation_parameters(self, view: Any) -> list[dict[str, Any]]:
        params = super().get_schema_operation_parameters(view)
        for param in params:
            if param["name"] == self.page_size_query_param:
                param["schema"] = {"type": "integer", "minimum": 1, "maximum": MAX_PAGE_SIZE}
            elif param["name"] == self.page_query_param:
                param["schema"] = {"type": "integer", "minimum": 1}
        return params


class ApiViewMixin:
    """What every /api/v1/ view shares. Kept here so the choice does not depend on settings order."""

    authentication_classes = AUTHENTICATION
    pagination_class = StandardPagination
    # Any id reaches the view, so a malformed one (`null,null`, `%C2%84`, a dot) gets DRF's JSON 404 from
    # get_object instead of Django's HTML page for an unmatched URL. A view may narrow it only if the API keeps
    # answering JSON for everything else (a catch-all is simpler: leave it). NUL never gets here:
    # core.middleware refuses it with a 400 before any view runs.
    lookup_value_regex = r"[^/]+"


# --------------------------------------------------------------------------------------------------------
# Documented error bodies (the same shapes DRF produces through `exception_handler`)

DetailBody = inline_serializer("ErrorDetail", fields={"detail": serializers.CharField()})


FIELD_ERRORS_SCHEMA: dict[str, Any] = {
    "type": "object",
    "description": "Field-keyed messages (`non_field_errors` for the body as a whole); a body that cannot be "
                   "parsed at all gets a single `detail` string.",
    # A nested serializer answers its own field-keyed object under its key; a list of them (`many=True`) a list
    # with one such object per item, or an object keyed by the item's index.
    "additionalProperties": {"anyOf": [
        {"type": "array", "items": {"anyOf": [{"type": "string"}, {"type": "object"}]}},
        {"type": "string"},
        {"type": "object", "description": "Errors of a nested object, keyed the same way."},
    ]},
}


def _detail(description: str, example: str, name: str) -> OpenApiResponse:
    return OpenApiResponse(
        response=DetailBody, description=description,
        examples=[OpenApiExample(name, value={"detail": example}, response_only=True)],
    )


def error_responses(*codes: int, field_example: dict[str, list[str]] | None = None,
                    forbidden_example: str | None = None) -> dict[int, OpenApiResponse]:
    """OpenAPI responses for the error codes an operation can answer, each with an example body."""
    known: dict[int, OpenApiResponse] = {
        400: OpenApiResponse(
            response=FIELD_ERRORS_SCHEMA,
            description="Bad input. Every key names the offending field; `non_field_errors` for the whole body.",
            examples=[OpenApiExample(
                "Field error", response_only=True,
                value=field_example or {"reason": ["Alasan wajib diisi (minimal 5 karakter)."]},
            )],
        ),
        401: _detail("No or invalid credentials (send `Authorization: Token <key>` or a session cookie).",
                     "Kredensial untuk autentikasi tidak diberikan.", "Not authenticated"),
        403: _detail("Authenticated, but the role may not do this.",
                     forbidden_example or "Anda tidak berwenang melakukan tindakan ini pada aduan ini.", "Forbidden"),
        404: _detail("Unknown, or outside the caller's scope (the API does not reveal which).",
                     "Tidak ditemukan.", "Not found"),
        429: _detail("Too many requests; retry after `Retry-After` seconds.",
                     "Permintaan dibatasi. Diharapkan tersedia dalam 60 detik.", "Throttled"),
    }
    return {code: known[code] for code in codes}


# --------------------------------------------------------------------------------------------------------
# Security scheme descriptions (override drf-spectacular's defaults, which carry none)


class TokenScheme(OpenApiAuthenticationExtension):
    target_class = "rest_framework.authentication.TokenAuthentication"
    name = "tokenAuth"
    match_subclasses = True
    priority = 1

    def get_security_definition(self, auto_schema: Any) -> dict[str, Any]:
        return {
            "type": "apiKey", "in": "header", "name": "Authorization",
            "description": "`Authorization: Token <key>`; get the key from `POST /api/v1/auth/token/`.",
        }


class SessionScheme(OpenApiAuthenticationExtension):
    target_class = "rest_framework.authentication.SessionAuthentication"
    name = "cookieAuth"
    priority = 1

    def get_security_definition(self, auto_schema: Any) -> dict[str, Any]:
        from django.conf import settings

        return {
            "type": "apiKey", "in": "cookie", "name": settings.SESSION_COOKIE_NAME,
            "description": "The session of a user logged in through /akun/masuk/ (unsafe methods need the CSRF "
                           "token in `X-CSRFToken`).",
        }
