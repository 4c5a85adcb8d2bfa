"""The project's OpenAPI schema class (REST_FRAMEWORK["DEFAULT_SCHEMA_CLASS"]): what every /api/v1/ operation shares.

Its own module: drf_spectacular.openapi imports rest_framework.generics, which imports kotacerdas.core.api for
DEFAULT_PAGINATION_CLASS, so the class cannot live in core/api.py. DRF loads it lazily, after both are imported.
"""

from __future__ import annotations

import re
from typing import Any

from drf_spectacular.openapi import AutoSchema
from drf_spectacular.plumbing import force_instance, is_serializer
from drf_spectacular.utils import OpenApiResponse
from rest_framework import permissions

from kotacerdas.core.api import error_responses

API_PATH = re.compile(r"^/api/v\d+/([^/{]+)/")
class ProjectAutoSchema(AutoSchema):
    """drf-spectacular's AutoSchema plus what every /api/v1/ operation shares.

    - Tag: the app segment of the URL (`/api/v1/jobs/...` -> `jobs`) unless `extend_schema(tags=...)` names
      one.
    - Error responses, each with an example body, for the codes the operation can really answer:
      400 when it takes a body or query parameters other than paging (filters and the like);
      401 when it has authentication classes (a bad token is refused even where anonymous reads are allowed);
      403 when it needs an authenticated user and writes (check_* refuses the role; a session needs CSRF),
      or its permission classes check more than authentication;
      404 when the path has a parameter (an unknown id, or outside the caller's scope) or the list is paged
      (a page past the end).
      An operation whose `extend_schema(responses=...)` already lists any 4xx keeps exactly what it lists: an
      explicit list is the author's statement (e.g. a GET that raises PermissionDenied for some roles).
    Summaries and success examples stay per operation: only the author knows them.
    """

    def get_tags(self) -> list[str]:
        match = API_PATH.match(self.path)
        return [match.group(1)] if match else super().get_tags()

    def _get_parameters(self) -> list[dict[str, Any]]:
        self._kc_parameters: list[dict[str, Any]] = super()._get_parameters()
        return self._kc_parameters

    def _get_response_bodies(self, direction: str = "response") -> dict[str, Any]:
        responses = super()._get_response_bodies(direction)  # type: ignore[arg-type]
        if direction != "response" or any(str(code).startswith("4") for code in responses):
            return responses
        for code, response in self._error_responses().items():
            responses[str(code)] = self._get_response_for_code(response, str(code), direction=direction)
        return responses

    def _error_responses(self) -> dict[int, OpenApiResponse]:
        params = getattr(self, "_kc_parameters", [])
        paginator = self._get_paginator()
        paging = {getattr(paginator, "page_query_param", None), getattr(paginator, "page_size_query_param", None)}
        query = [p["name"] for p in params if p.get("in") == "query" and p["name"] not in paging]
        body = self._body_field() if self.method not in permissions.SAFE_METHODS and self.method != "DELETE" else None
        authenticated = bool(self.view.get_authenticators())
        perms = self.view.get_permissions()
        needs_user = any(not isinstance(p, permissions.AllowAny) for p in perms)
        role_checked = any(not isinstance(p, (permissions.AllowAny, permissions.IsAuthenticated,
                                              permissions.IsAuthenticatedOrReadOnly)) for p in perms)

        codes: list[int] = []
        if body is not None or query:
            codes.append(400)
        if authenticated:
            codes.append(401)
        if authenticated and ((needs_user and self.method not in permissions.SAFE_METHODS) or role_checked):
            codes.append(403)
        paged = self.method == "GET" and paginator is not None and self._is_list_view()
        if any(p.get("in") == "path" for p in params) or paged:
            codes.append(404)
        if body is not None:
            example = {body or "non_field_errors": ["Bidang ini harus diisi."]}
        elif query:
            example = {query[0]: ["Pilih pilihan yang valid. Nilai tersebut bukan salah satu pilihan yang "
                                  "tersedia."]}
        else:
            example = None
        return error_responses(*codes, field_example=example,
                               forbidden_example="Anda tidak memiliki izin untuk melakukan tindakan ini.")

    def _body_field(self) -> str | None:
        """The first writable field of the request body ("" when it has none or is not a serializer)."""
        serializer = force_instance(self.get_request_serializer())
        if not is_serializer(serializer) or not hasattr(serializer, "fields"):
            return "" if serializer is not None else None
        names = [name for name, field in serializer.fields.items() if not field.read_only]
        return names[0] if names else ""
