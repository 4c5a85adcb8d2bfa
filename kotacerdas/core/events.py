"""Domain events: written to the outbox table after the transaction commits, read by SSE streams.

The `core.Event` table is the record every process can read (SSE catch-up by id after a reconnect, the embedded
default where web processes meet only through the database). With `REDIS_URL` set, each event is also published
on a Redis channel right after it is stored, so SSE streams in any process hear it at once instead of polling
the table (`kotacerdas.core.sse`). Redis is only the doorbell: a failed publish is logged and the stream's
periodic catch-up from the table still delivers the event.
"""

from __future__ import annotations

import json
import logging
from typing import Any

from django.conf import settings
from django.core.serializers.json import DjangoJSONEncoder
from django.db import transaction

logger = logging.getLogger(__name__)
_clients: dict[str, Any] = {}


def redis_url() -> str:
    return str(getattr(settings, "REDIS_URL", "") or "")


def redis_channel() -> str:
    """One channel per installation: the cache's key prefix (HUEY_NAME) keeps installations on one Redis apart."""
    explicit = getattr(settings, "EVENT_REDIS_CHANNEL", "")
    if explicit:
        return str(explicit)
    prefix = settings.CACHES.get("default", {}).get("KEY_PREFIX") or "kotacerdas"
    return f"{prefix}:events"


def as_message(event_id: int, topic: str, created: Any, payload: Any) -> str:
    """The JSON every consumer gets (SSE `data:` line and Redis message alike)."""
    return json.dumps({"id": event_id, "topic": topic, "created": created, "payload": payload},
                      cls=DjangoJSONEncoder, ensure_ascii=False, separators=(",", ":"))


def _client(url: str) -> Any:
    client = _clients.get(url)
    if client is None:
        import redis

        # Short timeouts: a slow or absent Redis must not hold up the request that made the change.
        client = _clients[url] = redis.Redis.from_url(url, socket_timeout=2, socket_connect_timeout=2)
    return client


def announce(event: Any) -> None:
    """Publish a stored event on the Redis channel (no-op without REDIS_URL)."""
    url = redis_url()
    if not url:
        return
    try:
        _client(url).publish(redis_channel(), as_message(event.pk, event.topic, event.created, event.payload))
    except Exception as exc:  # noqa: BLE001 - any Redis failure: the outbox row stands, streams catch up from it
        logger.warning("event %s not announced on Redis: %s", event.pk, exc.__class__.__name__)


def _store(topic: str, payload: dict[str, Any]) -> None:
    from kotacerdas.core.models import Event

    announce(Event.objects.create(topic=topic, payload=payload))


def publish(topic: str, payload: dict[str, Any]) -> None:
    """Record an event once the surrounding transaction commits (nothing is announced for a rolled-back change)."""
    transaction.on_commit(lambda: _store(topic, payload))
