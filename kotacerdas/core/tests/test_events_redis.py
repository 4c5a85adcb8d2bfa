"""core.events with REDIS_URL: every stored event is also published on the installation's Redis channel, after
the transaction commits, and a Redis failure never loses the outbox row or breaks the change that made it."""

from __future__ import annotations

import json
import time
from typing import Any

import pytest
from django.db import transaction

from kotacerdas.core import events
from kotacerdas.core.models import Event
from kotacerdas.core.tests.test_sse_redis import require_redis


@pytest.fixture
def redis_channel(settings: Any) -> Any:
    import redis

    url = require_redis()
    settings.REDIS_URL = url
    settings.EVENT_REDIS_CHANNEL = f"kotacerdas-test:{time.monotonic_ns()}:events"
    pubsub = redis.Redis.from_url(url).pubsub(ignore_subscribe_messages=True)
    pubsub.subscribe(settings.EVENT_REDIS_CHANNEL)
    yield pubsub
    pubsub.close()


def _next_message(pubsub: Any, timeout: float = 3.0) -> dict[str, Any] | None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        message = pubsub.get_message(timeout=0.2)
        if message and message["type"] == "message":
            return json.loads(message["data"])
    return None


@pytest.mark.django_db(transaction=True)
def test_it_publishes_a_committed_event_on_redis_with_its_outbox_id(redis_channel: Any) -> None:
    with transaction.atomic():
        events.publish("complaint.created", {"id": 7})
        assert _next_message(redis_channel, 0.5) is None  # nothing before the commit
    stored = Event.objects.get()
    message = _next_message(redis_channel)
    assert message is not None
    assert message["id"] == stored.pk and message["topic"] == "complaint.created"
    assert message["payload"] == {"id": 7}


@pytest.mark.django_db(transaction=True)
def test_it_publishes_nothing_for_a_rolled_back_change_on_redis(redis_channel: Any) -> None:
    with pytest.raises(RuntimeError), transaction.atomic():
        events.publish("complaint.created", {"id": 8})
        raise RuntimeError("rollback")
    assert _next_message(redis_channel, 0.5) is None
    assert not Event.objects.exists()


@pytest.mark.django_db(transaction=True)
def test_it_keeps_the_outbox_row_when_redis_is_down(settings: Any, caplog: Any) -> None:
    settings.REDIS_URL = "redis://127.0.0.1:1/0"  # nothing listens on port 1
    with transaction.atomic():
        events.publish("traffic.alarm", {"id": 1})
    assert Event.objects.filter(topic="traffic.alarm").count() == 1
    assert "not announced on Redis" in caplog.text


def test_it_names_the_channel_after_the_installation(settings: Any) -> None:
    settings.EVENT_REDIS_CHANNEL = ""
    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "KEY_PREFIX": "kota-x"}}
    assert events.redis_channel() == "kota-x:events"
