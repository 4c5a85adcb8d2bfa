"""Domain events: written to the outbox table after the transaction commits, read by SSE streams."""

from __future__ import annotations

from typing import Any

from django.db import transaction


def publish(topic: str, payload: dict[str, Any]) -> None:
    """Record an event once the surrounding transaction commits (nothing is announced for a rolled-back change)."""
    from kotacerdas.core.models import Event

    transaction.on_commit(lambda: Event.objects.create(topic=topic, payload=payload))
