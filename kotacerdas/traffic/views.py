"""ATCS registry export for staff and the traffic quarantine list (the operator screens come later)."""

from __future__ import annotations

import json

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.views.decorators.http import require_GET

from kotacerdas.sensors.views import is_operator
from kotacerdas.sensors.views import quarantine_list as _quarantine_list
from kotacerdas.traffic import registry_io


@login_required
@require_GET
def export(request: HttpRequest, fmt: str) -> HttpResponse:
    if not request.user.is_staff_role:
        raise PermissionDenied
    if fmt == "csv":
        response = HttpResponse(registry_io.to_csv(), content_type="text/csv; charset=utf-8")
    elif fmt == "geojson":
        response = HttpResponse(json.dumps(registry_io.to_geojson(), ensure_ascii=False),
                                content_type="application/geo+json")
    else:
        raise Http404
    response["Content-Disposition"] = f'attachment; filename="atcs-registri.{fmt}"'
    return response


def quarantine(request: HttpRequest) -> HttpResponse:
    return _quarantine_list(request, kind="traffic")


__all__ = ["export", "quarantine", "is_operator"]
