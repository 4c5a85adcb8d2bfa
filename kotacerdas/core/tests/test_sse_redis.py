"""core.sse with Redis: a stream relays events published on the Redis channel at once (no table poll needed),
catches up from the outbox, ignores what it already sent or did not ask for, and falls back to polling the
table when Redis is unreachable."""

from __future__ import annotations

import asyncio
import os
import time
from typing import Any

import pytest
from asgiref.sync import async_to_sync, sync_to_async

from kotacerdas.core import events, sse
from kotacerdas.core.models import Event

TEST_REDIS_URL = os.environ.get("TEST_REDIS_URL") or os.environ.get("REDIS_URL") or "redis://127.0.0.1:6379/15"


def require_redis(url: str = TEST_REDIS_URL) -> str:
    import redis

    try:
        redis.Redis.from_url(url, socket_connect_timeout=1).ping()
    except Exception as exc:  # noqa: BLE001 - any failure means no usable Redis
        message = f"Redis at {url} is not reachable ({exc.__class__.__name__})"
        if os.environ.get("CI", "").lower() in ("1", "true", "yes"):
            pytest.fail(message + "; CI runs the Redis path and must not skip it")
        pytest.skip(message)
    return url


@pytest.fixture
def redis_url(settings: Any) -> str:
    url = require_redis()
    settings.REDIS_URL = url
    settings.EVENT_REDIS_CHANNEL = f"kotacerdas-test:{time.monotonic_ns()}:events"
    return url


def _store_and_announce(topic: str, payload: dict[str, Any]) -> Event:
    event = Event.objects.create(topic=topic, payload=payload)
    events.announce(event)
    return event


def test_it_relays_a_redis_message_without_polling_the_table(db: Any, redis_url: str) -> None:
    async def run() -> tuple[list[str], float, list[int]]:
        # Polling and resync every 60 s: anything that arrives within a second came through Redis.
        gen = sse.event_stream(after=0, prefixes=("complaint",), max_seconds=10, poll_seconds=60,
                               keepalive_seconds=60, redis_url=redis_url, resync_seconds=60)
        frames = [await anext(gen)]
        waiting = asyncio.ensure_future(anext(gen))
        await asyncio.sleep(0.3)  # the stream has subscribed and read the (empty) table
        started = time.monotonic()
        ignored = await sync_to_async(_store_and_announce)("traffic.alarm", {"id": 1})
        wanted = await sync_to_async(_store_and_announce)("complaint.created", {"id": 5})
        frames.append(await asyncio.wait_for(waiting, 3))
        elapsed = time.monotonic() - started
        await gen.aclose()
        return frames, elapsed, [ignored.pk, wanted.pk]

    frames, elapsed, (ignored, wanted) = async_to_sync(run)()
    assert frames[0] == "retry: 3000\n\n"
    assert frames[1].startswith(f"id: {wanted}\n") and '"topic":"complaint.created"' in frames[1]
    assert elapsed < 1.5


def test_it_catches_up_from_the_outbox_before_relaying_redis(db: Any, redis_url: str) -> None:
    missed = Event.objects.create(topic="complaint.created", payload={"id": 1})  # stored while disconnected

    async def run() -> list[str]:
        gen = sse.event_stream(after=missed.pk - 1, max_seconds=10, poll_seconds=60, keepalive_seconds=60,
                               redis_url=redis_url, resync_seconds=60)
        out = [await anext(gen), await anext(gen)]
        waiting = asyncio.ensure_future(anext(gen))
        await asyncio.sleep(0.3)
        # Redis repeats the caught-up event (an older publish arriving late) and then a new one.
        await sync_to_async(events.announce)(missed)
        fresh = await sync_to_async(_store_and_announce)("complaint.sla", {"id": 1, "sla_level": 100})
        out.append(await asyncio.wait_for(waiting, 3))
        await gen.aclose()
        return [*out, str(fresh.pk)]

    retry, first, second, fresh_id = async_to_sync(run)()
    assert first.startswith(f"id: {missed.pk}\n")
    assert second.startswith(f"id: {fresh_id}\n")  # the repeat of `missed` was not sent twice


def test_it_polls_the_table_when_redis_is_unreachable(db: Any, caplog: Any) -> None:
    async def run() -> list[str]:
        gen = sse.event_stream(after=0, max_seconds=5, poll_seconds=0.05, keepalive_seconds=60,
                               redis_url="redis://127.0.0.1:1/0")
        out = [await anext(gen)]
        waiting = asyncio.ensure_future(anext(gen))
        await asyncio.sleep(0.2)
        await sync_to_async(Event.objects.create)(topic="complaint.created", payload={"id": 3})
        out.append(await asyncio.wait_for(waiting, 3))
        await gen.aclose()
        return out

    frames = async_to_sync(run)()
    assert '"topic":"complaint.created"' in frames[1]
    assert "Redis unavailable" in caplog.text
