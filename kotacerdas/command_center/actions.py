"""Disputes of red marks: an OPD objects to an overdue case charged to it; the admin koordinator decides.

Fairness rule (issue #6 §3; complaints-open311-lapor.md §5 row 33): an accepted dispute lifts the red mark, so the
case no longer counts against the OPD (it leaves the on-time share and the overdue counts); a rejected one leaves
it. `check_*` validates and authorizes, `do_*` writes in a transaction with an audit entry and an event after
commit.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from kotacerdas.agencies.models import Agency
from kotacerdas.command_center import performance, selectors
from kotacerdas.command_center.models import CaseFact, Dispute, DisputeStatus
from kotacerdas.complaints.models import Complaint
from kotacerdas.core import audit, events

MIN_REASON = 20  # a dispute must say why the delay was not the OPD's doing
MIN_NOTE = 5
DECISIONS = (DisputeStatus.DITERIMA, DisputeStatus.DITOLAK)


def _fail(field: str, message: str) -> None:
    raise ValidationError({field: [message]})


def check_open_dispute(user: Any, complaint: Complaint | None, reason: str, now: datetime | None = None) -> str:
    """The user's OPD must be the unit charged with the case, the case must carry a red mark now, and not be
    disputed by that OPD before. Returns the cleaned reason."""
    agencies = selectors.dispute_agencies(user)
    if not agencies:
        raise PermissionDenied(_("Hanya kepala OPD atau penghubung OPD yang dapat mengajukan keberatan."))
    if complaint is None:
        _fail("complaint", _("Pilih aduan yang ditandai merah."))
    performance.sync()
    fact = CaseFact.objects.filter(complaint_id=complaint.pk).first()
    if fact is None or fact.agency_id not in agencies:
        raise PermissionDenied(_("Aduan ini tidak dibebankan kepada OPD Anda."))
    if not performance.red_marks(CaseFact.objects.filter(pk=fact.pk), now).exists():
        _fail("complaint", _("Aduan ini tidak bertanda merah (tidak terlambat)."))
    if Dispute.objects.filter(complaint=complaint, agency_id=fact.agency_id).exists():
        _fail("complaint", _("Keberatan untuk aduan ini sudah pernah diajukan."))
    reason = (reason or "").strip()
    if len(reason) < MIN_REASON:
        _fail("reason", _("Jelaskan alasan keberatan (minimal %(n)d karakter).") % {"n": MIN_REASON})
    if len(reason) > 4000:
        _fail("reason", _("Alasan maksimal 4000 karakter."))
    return reason


@transaction.atomic
def do_open_dispute(user: Any, complaint: Complaint, reason: str, now: datetime | None = None) -> Dispute:
    now = now or timezone.now()
    fact = CaseFact.objects.select_for_update().get(complaint_id=complaint.pk)
    agency = Agency.objects.get(pk=fact.agency_id)
    dispute = Dispute.objects.create(complaint=complaint, agency=agency, reason=reason, opened_by=user,
                                     opened_at=now)
    audit.record(user, "command_center.dispute.open", dispute,
                 {"complaint": complaint.tracking_no, "agency": agency.code, "reason": reason})
    events.publish("command_center.dispute", {"id": dispute.pk, "status": dispute.status,
                                              "agency": agency.pk, "complaint": complaint.pk})
    return dispute


def open_dispute(user: Any, complaint: Complaint | None, reason: str, now: datetime | None = None) -> Dispute:
    reason = check_open_dispute(user, complaint, reason, now)
    assert complaint is not None
    return do_open_dispute(user, complaint, reason, now)


def check_decide(user: Any, dispute: Dispute, decision: str, note: str) -> tuple[str, str]:
    if not selectors.can_decide(user):
        raise PermissionDenied(_("Hanya admin koordinator yang memutus keberatan."))
    if dispute.status != DisputeStatus.DIAJUKAN:
        _fail("status", _("Keberatan ini sudah diputus."))
    if decision not in DECISIONS:
        _fail("decision", _("Pilih: terima atau tolak."))
    note = (note or "").strip()
    if len(note) < MIN_NOTE:
        _fail("note", _("Tuliskan dasar keputusan (minimal %(n)d karakter).") % {"n": MIN_NOTE})
    return decision, note


@transaction.atomic
def do_decide(user: Any, dispute: Dispute, decision: str, note: str, now: datetime | None = None) -> Dispute:
    """Accepted: the fact's red mark is lifted at once (and stays lifted on every later rebuild)."""
    now = now or timezone.now()
    dispute = Dispute.objects.select_for_update().get(pk=dispute.pk)
    if dispute.status != DisputeStatus.DIAJUKAN:  # decided by someone else meanwhile
        _fail("status", _("Keberatan ini sudah diputus."))
    dispute.status = decision
    dispute.decided_by = user
    dispute.decided_at = now
    dispute.decision_note = note
    dispute.save()
    CaseFact.objects.filter(complaint_id=dispute.complaint_id, agency_id=dispute.agency_id).update(
        forgiven=decision == DisputeStatus.DITERIMA)
    audit.record(user, "command_center.dispute.decide", dispute,
                 {"decision": decision, "note": note, "complaint": dispute.complaint.tracking_no,
                  "agency": dispute.agency.code})
    events.publish("command_center.dispute", {"id": dispute.pk, "status": dispute.status,
                                              "agency": dispute.agency_id, "complaint": dispute.complaint_id})
    return dispute


def decide(user: Any, dispute: Dispute, decision: str, note: str, now: datetime | None = None) -> Dispute:
    decision, note = check_decide(user, dispute, decision, note)
    return do_decide(user, dispute, decision, note, now)
