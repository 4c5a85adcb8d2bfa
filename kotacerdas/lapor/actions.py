"""Changes the LAPOR! connector makes: linking a TrackingID, applying remote changes, re-queuing dead messages.

Remote status policy: a LAPOR! status never changes our status. The case is worked here (the OPD answers in Kota
Cerdas and LAPOR! mirrors us), our lifecycle has rules LAPOR! does not know (the reporter's confirmation, the
after-photo), and LAPOR!'s own closing ("Selesai" after 10 hk without a reply) is the same rule our auto-close
sweep applies, so it happens here anyway. A remote status that differs from ours is put on the timeline (public,
like any LAPOR! tanggapan) and shows in the reconciliation report, where the admin koordinator decides through the
normal actions.
"""

from __future__ import annotations

import logging
from datetime import datetime

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from kotacerdas.complaints import notifications
from kotacerdas.complaints.actions import is_coordinator
from kotacerdas.complaints.models import Complaint, ComplaintEvent, EventKind
from kotacerdas.core import audit, events
from kotacerdas.lapor import outbox
from kotacerdas.lapor.gateway import RemoteChange, lapor_status_for, status_label
from kotacerdas.lapor.models import LaporLink, MessageState, OutboxMessage
from kotacerdas.lib import pii

log = logging.getLogger("kotacerdas.lapor")


@transaction.atomic
def do_link(complaint_id: int, tracking_id: str, now: datetime | None = None) -> LaporLink:
    """Stores LAPOR!'s TrackingID for a forwarded complaint. Not a lifecycle change: a plain field write (no
    version bump, no timeline entry), recorded in the audit trail."""
    now = now or timezone.now()
    link, created = LaporLink.objects.get_or_create(complaint_id=complaint_id,
                                                    defaults={"tracking_id": tracking_id, "linked_at": now})
    complaint = Complaint.objects.only("pk", "tracking_no").get(pk=complaint_id)
    if not created:
        if link.tracking_id != tracking_id:
            # Two TrackingIDs for one complaint would mean a duplicate on LAPOR!: keep the first, leave a trace.
            log.warning("LAPOR! returned %s for complaint %s, already linked to %s", tracking_id, complaint_id,
                        link.tracking_id)
            audit.record(None, "lapor.duplicate_tracking_id", complaint,
                         {"kept": link.tracking_id, "ignored": tracking_id})
        return link
    Complaint.objects.filter(pk=complaint_id).update(lapor_tracking_id=tracking_id)
    audit.record(None, "lapor.linked", complaint, {"tracking_id": tracking_id, "tracking_no": complaint.tracking_no})
    return link


@transaction.atomic
def do_apply_remote_update(change: RemoteChange, now: datetime | None = None) -> str:
    """Applies one remote version to its complaint. Returns "applied", "stale" (not newer than what we have: a
    duplicate or an older version arriving late) or "unknown" (not a report we forwarded).

    Each change is a snapshot, so skipping an older version loses nothing: the newer one carries every tanggapan.
    New LAPOR!-side tanggapan become public timeline entries (kind response, data.source "lapor"), once each; our own
    follow-ups echoed back are skipped.
    """
    now = now or timezone.now()
    link = (LaporLink.objects.select_for_update(of=("self",)).select_related("complaint", "complaint__agency")
            .filter(tracking_id=change.tracking_id).first())
    if link is None:
        return "unknown"
    if change.version <= link.remote_version:
        return "stale"
    complaint = link.complaint
    applied = list(link.applied_tanggapan or [])
    new_messages: list[str] = []
    base = {"source": "lapor", "tracking_id": change.tracking_id, "version": change.version}
    for tanggapan in change.tanggapan:
        if tanggapan.source == "integrasi" or tanggapan.id in applied:
            continue
        message = pii.mask_personal_data(tanggapan.message.strip())
        ComplaintEvent.objects.create(
            complaint=complaint, kind=EventKind.RESPONSE, at=now, agency=complaint.agency,
            from_status=complaint.status, to_status=complaint.status, is_public=True, message=message,
            data={**base, "remote_id": tanggapan.id, "author": tanggapan.author[:120],
                  "remote_at": tanggapan.at.isoformat() if tanggapan.at else ""},
        )
        applied.append(tanggapan.id)
        new_messages.append(message)
    # A remote status is news only when it moved, is not simply ours mirrored back, and none of our own changes is
    # still on its way (an undelivered follow-up explains the difference; reconciliation shows it meanwhile).
    waiting = OutboxMessage.objects.filter(complaint=complaint).exclude(state=MessageState.SENT).exists()
    if change.status != link.remote_status and change.status != lapor_status_for(complaint) and not waiting:
        ComplaintEvent.objects.create(
            complaint=complaint, kind=EventKind.RESPONSE, at=now, agency=complaint.agency,
            from_status=complaint.status, to_status=complaint.status, is_public=True,
            message=_("Status di SP4N-LAPOR!: %(status)s.") % {"status": status_label(change.status)},
            data={**base, "remote_status": change.status, "previous_remote_status": link.remote_status},
        )
    link.remote_version = change.version
    link.remote_status = change.status
    link.last_synced_at = now
    link.applied_tanggapan = applied
    link.save(update_fields=["remote_version", "remote_status", "last_synced_at", "applied_tanggapan"])
    if new_messages:
        notifications.to_reporter(complaint, _("Tanggapan baru untuk aduan %(no)s"),
                                  _("Tanggapan melalui SP4N-LAPOR!:\n\n%(text)s") % {"text": "\n\n".join(new_messages)})
    events.publish("complaint.lapor", {"id": complaint.pk, "tracking_id": change.tracking_id,
                                       "version": change.version, "remote_status": change.status})
    return "applied"


def check_requeue(user: object, message: OutboxMessage) -> None:
    if not is_coordinator(user):
        raise PermissionDenied(_("Hanya admin koordinator yang dapat mengirim ulang pesan SP4N-LAPOR!."))
    if message.state != MessageState.DEAD:
        raise ValidationError({"state": [_("Hanya pesan yang gagal permanen yang dapat dikirim ulang.")]})


@transaction.atomic
def do_requeue(user: object, message: OutboxMessage, now: datetime | None = None) -> OutboxMessage:
    """Back in line with a fresh window and attempt count; the same idempotency key, so a report that did arrive
    after all is not duplicated. A later alert is possible again."""
    now = now or timezone.now()
    OutboxMessage.objects.filter(pk=message.pk, state=MessageState.DEAD).update(
        state=MessageState.PENDING, attempts=0, window_started_at=now, next_attempt_at=now, dead_at=None,
        first_failed_at=None, alerted_at=None,
    )
    message.refresh_from_db()
    complaint = Complaint.objects.only("pk", "tracking_no").get(pk=message.complaint_id)
    audit.record(user, "lapor.requeue", complaint, {"message": message.pk, "kind": message.kind})
    transaction.on_commit(outbox.kick, robust=True)
    return message
