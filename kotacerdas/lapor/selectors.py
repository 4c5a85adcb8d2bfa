"""Reads of the connector's state for the staff pages (coordinators only; checked in the views)."""

from __future__ import annotations

from django.db.models import Count, Q, QuerySet

from kotacerdas.lapor.models import MessageState, OutboxMessage


def dead_letters() -> QuerySet[OutboxMessage]:
    return (OutboxMessage.objects.filter(state=MessageState.DEAD).select_related("complaint")
            .order_by("-dead_at", "-id"))


def retrying() -> QuerySet[OutboxMessage]:
    """Messages that failed at least once and are still being retried."""
    return (OutboxMessage.objects.filter(state=MessageState.FAILED).select_related("complaint")
            .order_by("first_failed_at", "id"))


def outbox_counts() -> dict[str, int]:
    agg = OutboxMessage.objects.aggregate(
        **{state: Count("id", filter=Q(state=state)) for state in MessageState.values}
    )
    return {k: v or 0 for k, v in agg.items()}
