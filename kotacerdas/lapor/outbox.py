"""The transactional outbox to SP4N-LAPOR!: written with the complaint change, delivered by a worker.

Writing. `record_event` runs from the `post_save` of every new `ComplaintEvent`, i.e. inside the action's
transaction: the message exists if and only if the change committed. A verified complaint (the DISPOSISI entry) in a
category with `forward_to_lapor` becomes a `report`; once a complaint has a report message, its public tindak lanjut,
selesai, reopen and closing entries become follow-ups. Entries that came *from* LAPOR! (data.source == "lapor") are
never sent back, and complaints that arrived through the LAPOR! channel are not forwarded to it again.

Delivering (`deliver`, run by a task after each commit and every minute):

1. Claim due messages: pending or failed, `next_attempt_at` reached, and the oldest unsent message of their
   complaint (so a follow-up waits until its report has a TrackingID, and follow-ups keep their order). The claim is
   a conditional UPDATE that pushes `next_attempt_at` one lease ahead, in a short transaction (FOR UPDATE SKIP LOCKED
   on PostgreSQL; SQLite's IMMEDIATE transactions serialise claimers). HTTP happens outside any transaction.
2. Send with the message's idempotency key. A reply lost to a timeout is retried with the same key, and LAPOR!
   answers with the TrackingID it already issued: nothing is created twice.
3. Success: state sent; a report's TrackingID is stored (LaporLink, complaint.lapor_tracking_id, audit entry).
   Failure: exponential backoff with jitter (30 s doubling, capped at 1 h, at least LAPOR!'s Retry-After); after
   `LAPOR_MAX_ATTEMPTS` attempts, 24 h, or an error that cannot succeed on retry (4xx), the message is dead and the
   admin koordinators are alerted once. A worker that dies mid-send leaves the lease to expire: the message is
   claimed again and the key keeps the retry safe.
"""

from __future__ import annotations

import logging
import random
import uuid
from collections import Counter
from datetime import datetime, timedelta
from typing import Any

from django.db import connection, transaction
from django.db.models import F, Min
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from kotacerdas.complaints.models import Channel, Complaint, ComplaintEvent, EventKind
from kotacerdas.lapor import conf
from kotacerdas.lapor.gateway import LaporError, LaporGateway, get_gateway
from kotacerdas.lapor.models import LaporLink, MessageKind, MessageState, OutboxMessage
from kotacerdas.lapor.payloads import FOLLOWUP_EVENTS, followup_payload, report_payload
from kotacerdas.lib import pii

log = logging.getLogger("kotacerdas.lapor")

UNSENT = (MessageState.PENDING, MessageState.FAILED, MessageState.DEAD)
DUE = (MessageState.PENDING, MessageState.FAILED)


# --------------------------------------------------------------------------------------------------------------
# Writing


def forwards(complaint: Complaint) -> bool:
    """Whether a verified complaint goes to LAPOR! (its category says so; LAPOR!'s own reports stay home)."""
    return bool(complaint.category.forward_to_lapor) and complaint.channel != Channel.LAPOR


def has_report(complaint_id: int) -> bool:
    return OutboxMessage.objects.filter(complaint_id=complaint_id, kind=MessageKind.REPORT).exists()


def record_event(event: ComplaintEvent) -> OutboxMessage | None:
    """Writes the outbox message a new timeline entry calls for (in the caller's transaction), or nothing."""
    if not conf.enabled():
        return None
    if (event.data or {}).get("source") == "lapor":
        return None  # it came from LAPOR!; sending it back would loop
    complaint = event.complaint
    if event.kind == EventKind.DISPOSISI:
        if not forwards(complaint) or has_report(complaint.pk):
            return None
        return _write(complaint, event, MessageKind.REPORT, report_payload(complaint))
    kind = FOLLOWUP_EVENTS.get(event.kind)
    if kind is None or not has_report(complaint.pk):
        return None
    if event.kind != EventKind.FLAGS and not event.is_public:
        return None
    return _write(complaint, event, kind, followup_payload(event))


def enqueue_report(complaint: Complaint) -> OutboxMessage | None:
    """Forwards an already verified complaint that never went (e.g. verified before the category forwarded)."""
    if not conf.enabled() or not forwards(complaint) or complaint.dispositioned_at is None \
            or has_report(complaint.pk):
        return None
    return _write(complaint, None, MessageKind.REPORT, report_payload(complaint))


def _write(complaint: Complaint, event: ComplaintEvent | None, kind: str, payload: dict[str, Any]) -> OutboxMessage:
    # Real time, not the action's `now`: the outbox is operational (a replayed or back-dated action is sent now).
    now = timezone.now()
    message = OutboxMessage.objects.create(
        complaint=complaint, event=event, kind=kind, payload=payload, idempotency_key=f"kc-{uuid.uuid4().hex}",
        created_at=now, window_started_at=now, next_attempt_at=now,
    )
    transaction.on_commit(kick, robust=True)
    return message


def kick() -> None:
    """Asks a worker to deliver now, instead of waiting for the minute tick."""
    from kotacerdas.lapor.tasks import deliver_outbox

    deliver_outbox.enqueue()


# --------------------------------------------------------------------------------------------------------------
# Delivering


def backoff(attempts: int, retry_after: float | None = None) -> timedelta:
    """Delay before attempt `attempts + 1`: doubling from 30 s, capped at 1 h, "equal jitter" (half fixed, half
    random) so workers that failed together do not retry together; never sooner than the server asked."""
    delay = min(conf.BACKOFF_CAP_SECONDS, conf.BACKOFF_BASE_SECONDS * 2 ** max(0, attempts - 1))
    delay = delay / 2 + random.uniform(0, delay / 2)
    if retry_after:
        delay = max(delay, min(float(retry_after), conf.BACKOFF_CAP_SECONDS))
    return timedelta(seconds=delay)


def _lease() -> timedelta:
    # Longer than one HTTP call can take, so nobody else picks the message while it is in flight.
    return timedelta(seconds=conf.timeout() + 60)


def claim(now: datetime, limit: int = 50) -> tuple[list[OutboxMessage], int]:
    """Takes up to `limit` due messages that are first in line for their complaint. Returns (claimed, blocked)."""
    with transaction.atomic():
        qs = OutboxMessage.objects.filter(state__in=DUE, next_attempt_at__lte=now).order_by("id")
        if connection.features.has_select_for_update_skip_locked:
            qs = qs.select_for_update(skip_locked=True)
        due = list(qs[: limit * 4])
        if not due:
            return [], 0
        heads = dict(
            OutboxMessage.objects.filter(complaint_id__in={m.complaint_id for m in due}, state__in=UNSENT)
            .order_by().values("complaint_id").annotate(first=Min("id")).values_list("complaint_id", "first")
        )
        claimed: list[OutboxMessage] = []
        blocked = 0
        for message in due:
            if heads.get(message.complaint_id) != message.pk:
                blocked += 1  # an older message of the same complaint is not delivered yet
                continue
            if len(claimed) >= limit:
                break
            until = now + _lease()
            won = OutboxMessage.objects.filter(
                pk=message.pk, state=message.state, next_attempt_at=message.next_attempt_at,
            ).update(next_attempt_at=until, attempts=F("attempts") + 1, last_attempt_at=now)
            if won:
                message.next_attempt_at, message.last_attempt_at = until, now
                message.attempts += 1
                claimed.append(message)
        return claimed, blocked


def deliver(*, now: datetime | None = None, gateway: LaporGateway | None = None, limit: int = 200) -> dict[str, int]:
    """Sends what is due, in order per complaint, until nothing more is due. Returns counts per outcome."""
    if not conf.enabled():
        return {}
    gateway = gateway or get_gateway()
    clock = (lambda: now) if now is not None else timezone.now
    counts: Counter[str] = Counter()
    # A complaint's follow-up becomes first in line once its report is sent, so claim again until a pass is empty.
    while sum(counts[k] for k in ("sent", "failed", "dead")) < limit:
        claimed, blocked = claim(clock(), limit=min(50, limit))
        counts["blocked"] = blocked
        if not claimed:
            break
        for message in claimed:
            counts[send(message, gateway, clock)] += 1
    counts["alerted"] += alert_stale(clock())
    return {k: v for k, v in counts.items() if v}


def send(message: OutboxMessage, gateway: LaporGateway, clock: Any = timezone.now) -> str:
    """One attempt for one claimed message; records the outcome. Returns "sent", "failed" or "dead"."""
    try:
        if message.kind == MessageKind.REPORT:
            tracking_id = gateway.push_report(message.payload, idempotency_key=message.idempotency_key)
        else:
            tracking_id = LaporLink.objects.filter(complaint_id=message.complaint_id) \
                .values_list("tracking_id", flat=True).first()
            if not tracking_id:
                raise LaporError(_("Aduan belum memiliki TrackingID LAPOR!."), retryable=True)
            gateway.push_followup(tracking_id, message.payload, idempotency_key=message.idempotency_key)
    except LaporError as exc:
        return _failed(message, exc, clock())
    except Exception as exc:  # noqa: BLE001 - a bug in a gateway must not stop the queue; recorded and retried
        log.exception("LAPOR! message %s: unexpected error", message.pk)
        return _failed(message, LaporError(f"{exc.__class__.__name__}: {exc}"), clock())
    _sent(message, tracking_id, clock())
    return "sent"


def _sent(message: OutboxMessage, tracking_id: str, now: datetime) -> None:
    from kotacerdas.lapor import actions

    with transaction.atomic():
        OutboxMessage.objects.filter(pk=message.pk).exclude(state=MessageState.SENT).update(
            state=MessageState.SENT, sent_at=now, last_error="", response={"tracking_id": tracking_id},
        )
        if message.kind == MessageKind.REPORT:
            actions.do_link(message.complaint_id, tracking_id, now=now)
    message.state, message.sent_at = MessageState.SENT, now


def _failed(message: OutboxMessage, exc: LaporError, now: datetime) -> str:
    # Errors can quote what we sent; the public copy is masked already, but be sure before it reaches a page or log.
    error = pii.mask_personal_data(str(exc))[:1000]
    first_failed = message.first_failed_at or now
    dead = (not exc.retryable or message.attempts >= conf.max_attempts()
            or now - message.window_started_at >= conf.dead_after())
    fields: dict[str, Any] = {"last_error": error, "first_failed_at": first_failed}
    if dead:
        fields.update(state=MessageState.DEAD, dead_at=now)
    else:
        fields.update(state=MessageState.FAILED, next_attempt_at=now + backoff(message.attempts, exc.retry_after))
    with transaction.atomic():
        OutboxMessage.objects.filter(pk=message.pk).exclude(state=MessageState.SENT).update(**fields)
        for name, value in fields.items():
            setattr(message, name, value)
        if dead:
            alert(message, now)
    log.warning("LAPOR! message %s (%s) attempt %s failed%s: %s", message.pk, message.kind, message.attempts,
                " - dead" if dead else "", error)
    return "dead" if dead else "failed"


def alert(message: OutboxMessage, now: datetime) -> bool:
    """Tells the admin koordinators about a message that will not go by itself; once per message."""
    from kotacerdas.accounts import selectors as people
    from kotacerdas.core import notify

    if not OutboxMessage.objects.filter(pk=message.pk, alerted_at__isnull=True).update(alerted_at=now):
        return False
    message.alerted_at = now
    tracking_no = Complaint.objects.filter(pk=message.complaint_id).values_list("tracking_no", flat=True).first()
    url = f"{conf.site_root()}{reverse('lapor:dead_letters')}"
    notify.queue_many(
        people.admin_koordinators(),
        subject=_("SP4N-LAPOR!: pesan aduan %(no)s gagal terkirim") % {"no": tracking_no},
        body=_("%(kind)s untuk aduan %(no)s belum terkirim ke SP4N-LAPOR! sejak %(since)s setelah %(n)d percobaan.\n"
               "Galat terakhir: %(error)s\n\nPeriksa dan kirim ulang: %(url)s") % {
            "kind": message.get_kind_display(), "no": tracking_no, "n": message.attempts,
            "since": timezone.localtime(message.window_started_at).strftime("%d-%m-%Y %H:%M"),
            "error": message.last_error or "-", "url": url},
        topic="lapor.dead_letter",
    )
    return True


def alert_stale(now: datetime) -> int:
    """A message that has been failing for a day is reported even while it is still being retried."""
    stale = OutboxMessage.objects.filter(state=MessageState.FAILED, alerted_at__isnull=True,
                                         first_failed_at__lte=now - timedelta(days=1))
    return sum(1 for message in stale if alert(message, now))


def blocked_behind(message: OutboxMessage) -> int:
    """How many later messages of the same complaint wait for this one."""
    return OutboxMessage.objects.filter(complaint_id=message.complaint_id, pk__gt=message.pk,
                                        state__in=DUE).count()
