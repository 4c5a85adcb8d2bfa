"""Receivers of the LAPOR! connector (imported by LaporConfig.ready)."""

from __future__ import annotations

from typing import Any

from django.db.models.signals import post_save
from django.dispatch import receiver

from kotacerdas.complaints.models import ComplaintEvent
from kotacerdas.lapor import outbox


@receiver(post_save, sender=ComplaintEvent, dispatch_uid="lapor.outbox_on_complaint_event")
def complaint_event_saved(sender: type[ComplaintEvent], instance: ComplaintEvent, created: bool = False,
                          raw: bool = False, **kwargs: Any) -> None:
    # post_save runs inside the action's transaction: the outbox row commits or rolls back with the change.
    # Fixture loading (raw) replays history and must not send anything.
    if created and not raw:
        outbox.record_event(instance)
