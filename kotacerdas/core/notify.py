"""Notifications: written as rows in the caller's transaction, delivered by a task after commit, retried.

Nothing is lost: a row exists before anything is sent, a failed send keeps the row with its error, and the
periodic retry picks it up again (up to MAX_ATTEMPTS).
"""

from __future__ import annotations

import logging
from collections.abc import Iterable
from datetime import timedelta
from typing import Any

from django.core.mail import send_mail
from django.db import transaction
from django.utils import timezone
from django_tasks import task

from kotacerdas.core.messaging import get_backend
from kotacerdas.core.models import NoticeChannel, Notification
from kotacerdas.lib.pii import mask_address

log = logging.getLogger("kotacerdas.notify")

MAX_ATTEMPTS = 6


def queue(
    *, subject: str, body: str, topic: str = "", user: Any = None, email: str = "", phone: str = "",
) -> list[Notification]:
    """Writes one notification per reachable channel of the person and schedules delivery after commit.

    A user is reached by e-mail and, when a phone is known, by WhatsApp; a person without an account by what
    they gave us.
    """
    email = email or (getattr(user, "email", "") if user else "")
    phone = phone or (getattr(user, "phone", "") if user else "")
    rows: list[Notification] = []
    if email:
        rows.append(Notification(user=user, channel=NoticeChannel.EMAIL, address=email, subject=subject,
                                 body=body, topic=topic))
    if phone:
        rows.append(Notification(user=user, channel=NoticeChannel.WHATSAPP, address=phone, subject=subject,
                                 body=body, topic=topic))
    created = []
    for row in rows:
        row.save()
        created.append(row)
        transaction.on_commit(lambda pk=row.pk: deliver.enqueue(pk))
    return created


def queue_many(people: Iterable[Any], *, subject: str, body: str, topic: str = "") -> int:
    seen: set[int] = set()
    count = 0
    for person in people:
        if person is None or person.pk in seen:
            continue
        seen.add(person.pk)
        count += len(queue(user=person, subject=subject, body=body, topic=topic))
    return count


def send(notification: Notification) -> bool:
    """Sends one notification now; records success or the error. Returns True when sent."""
    if notification.sent_at is not None:
        return True  # delivered before (a retried task must not send twice)
    notification.attempts += 1
    try:
        if notification.channel == NoticeChannel.EMAIL:
            send_mail(notification.subject, notification.body, None, [notification.address])
        else:
            text = f"{notification.subject}\n{notification.body}"
            get_backend().send(notification.channel, notification.address, text)
    except Exception as exc:  # noqa: BLE001 - any gateway failure is recorded and retried later
        notification.last_error = f"{exc.__class__.__name__}: {exc}"[:500]
        notification.save(update_fields=["attempts", "last_error"])
        log.warning("notification %s to %s failed: %s", notification.pk, mask_address(notification.address),
                    exc.__class__.__name__)
        return False
    notification.sent_at = timezone.now()
    notification.last_error = ""
    notification.save(update_fields=["attempts", "last_error", "sent_at"])
    return True


@task()
def deliver(notification_id: int) -> bool:
    notification = Notification.objects.filter(pk=notification_id).first()
    return bool(notification and send(notification))


def retry_unsent(now: Any = None, limit: int = 500) -> int:
    """Sends again what failed (or whose task was lost), oldest first; called by a periodic task."""
    now = now or timezone.now()
    pending = Notification.objects.filter(
        sent_at__isnull=True, attempts__lt=MAX_ATTEMPTS, created__lt=now - timedelta(minutes=1)
    ).order_by("created")[:limit]
    return sum(1 for n in pending if send(n))
