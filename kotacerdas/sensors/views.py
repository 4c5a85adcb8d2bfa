"""HTTP ingestion (`POST /api/v1/ingest/<kind>`) and the operators' quarantine list.

Plain Django function views, not DRF: a sensor push should not pay serializer cost (stack-and-style.md §1).
Device input never causes a 500: unreadable bodies are a 400 with a message, token problems 401/403, and every
item-level problem is in the 200 answer's `errors` list and in the quarantine.
"""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET

from kotacerdas.sensors import actions, registry
from kotacerdas.sensors.bodies import BodyError, parse_body
from kotacerdas.sensors.models import Quarantine, Reason, Source


def _token(request: HttpRequest) -> str | None:
    auth = request.headers.get("Authorization", "")
    scheme, _sep, value = auth.partition(" ")
    if scheme.lower() == "bearer" and value.strip():
        return value.strip()
    return request.headers.get("X-Device-Token") or None


def _error(status: int, message: str, **extra: object) -> JsonResponse:
    response = JsonResponse({"error": message, **extra}, status=status)
    if status == 401:
        response["WWW-Authenticate"] = 'Bearer realm="kotacerdas-ingest"'
    return response


@csrf_exempt
def ingest(request: HttpRequest, kind: str) -> HttpResponse:
    if request.method != "POST":
        return _error(405, _("Gunakan POST."))
    if registry.get(kind) is None:
        return _error(404, _("Jenis sensor %(kind)s tidak dikenal.") % {"kind": kind}, kinds=registry.kinds())
    try:
        device = actions.check_device(kind, _token(request))
    except actions.NotAuthenticated as exc:
        return _error(401, str(exc))
    except PermissionDenied as exc:
        return _error(403, str(exc))
    try:
        items = parse_body(request.body)
    except BodyError as exc:
        actions.quarantine_body(kind, device, Source.HTTP, Reason.UNPARSEABLE, str(exc), request.body)
        return _error(400, str(exc))
    if len(items) > actions.max_batch():
        return _error(413, _("Maksimal %(n)d data per kiriman; pecah kiriman ini.") % {"n": actions.max_batch()})
    result = actions.do_ingest(kind, device, items, source=Source.HTTP)
    return JsonResponse(result.as_dict())


def is_operator(user: object) -> bool:
    from kotacerdas.accounts.models import Role

    if not getattr(user, "is_authenticated", False):
        return False
    return bool(user.is_superuser or user.role in (Role.OPERATOR, Role.ADMIN_KOORDINATOR, Role.SUPERADMIN)
                or (user.role == Role.PENGHUBUNG and user.agency_id is not None))


@login_required
@require_GET
def quarantine_list(request: HttpRequest, kind: str | None = None) -> HttpResponse:
    if not is_operator(request.user):
        raise PermissionDenied
    rows = Quarantine.objects.select_related("device")
    if kind:
        rows = rows.filter(kind=kind)
    reason = request.GET.get("reason", "")
    if reason in Reason.values:
        rows = rows.filter(reason_code=reason)
    if request.GET.get("open") == "1":
        rows = rows.filter(resolved_at__isnull=True)
    page = Paginator(rows, 50).get_page(request.GET.get("page"))
    return render(request, "sensors/quarantine_list.html", {
        "page_obj": page, "kind": kind, "reasons": Reason.choices, "reason": reason,
    })
