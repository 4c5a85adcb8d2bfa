"""Staff pages of the LAPOR! connector: the dead-letter list (with re-queue) and the reconciliation report.

Admin koordinator and superadmin only (403 for other staff and citizens). Thin: reads from selectors/reconcile,
writes through actions.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from kotacerdas.complaints.actions import is_coordinator
from kotacerdas.lapor import actions, conf, reconcile, selectors
from kotacerdas.lapor.models import OutboxMessage, SyncState
from kotacerdas.lapor.outbox import blocked_behind


def _coordinator(request: HttpRequest) -> Any:
    if not is_coordinator(request.user):
        raise PermissionDenied(_("Halaman ini hanya untuk admin koordinator."))
    return request.user


@login_required
@require_GET
def dead_letters(request: HttpRequest) -> HttpResponse:
    _coordinator(request)
    dead = list(selectors.dead_letters()[:200])
    for message in dead:
        message.blocked = blocked_behind(message)
    return render(request, "lapor/dead_letters.html", {
        "dead": dead, "retrying": selectors.retrying()[:200], "counts": selectors.outbox_counts(),
        "sync": SyncState.load(), "enabled": conf.enabled(),
    })


@login_required
@require_POST
def requeue(request: HttpRequest, pk: int) -> HttpResponse:
    user = _coordinator(request)
    message = get_object_or_404(OutboxMessage, pk=pk)
    try:
        actions.check_requeue(user, message)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        actions.do_requeue(user, message)
        messages.success(request, _("Pesan untuk aduan %(no)s masuk antrean kirim lagi.")
                         % {"no": message.complaint.tracking_no})
    return redirect("lapor:dead_letters")


@login_required
@require_GET
def reconciliation(request: HttpRequest) -> HttpResponse:
    _coordinator(request)
    report = reconcile.build() if conf.enabled() else None
    return render(request, "lapor/reconciliation.html", {"report": report, "enabled": conf.enabled(),
                                                         "sync": SyncState.load()})
