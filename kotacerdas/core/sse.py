"""Server-sent events from the `core.Event` outbox, for live staff screens (ATCS map, Command Center).

GET /events/stream?topics=traffic,complaint  (text/event-stream; staff only)

- Events are read by id cursor, so every web process sees every event whatever process wrote it. A client that
  reconnects sends `Last-Event-ID` (EventSource does this by itself) and gets what it missed; a new client starts
  at the newest event (no replay of history; `?after=<id>` asks for one explicitly).
- `topics` is a comma-separated list of topic prefixes ("traffic" matches "traffic.alarm"); empty = everything.
- Each message is unnamed (`message` on the client) with `id:` = the event id and `data:` = JSON
  {"id", "topic", "created", "payload"}, so one EventSource handler serves every topic.
- The database is polled every EVENT_STREAM_POLL_SECONDS (1); a comment line goes out after
  EVENT_STREAM_KEEPALIVE_SECONDS (15) of silence so proxies do not close the connection; the stream ends after
  EVENT_STREAM_MAX_SECONDS (300) and the browser reconnects (its `retry` is 3 s): no request lives forever, and a
  user whose account was disabled is shut out within minutes.

- With `REDIS_URL` set, a stream subscribes to the installation's Redis channel (`core.events.redis_channel`,
  where `core.events` publishes every stored event) and relays what it hears at once, so a change made in one
  process reaches viewers in every other process without them polling the table; it still catches up from the
  table when it starts (Last-Event-ID / ?after) and every EVENT_STREAM_RESYNC_SECONDS (30), which also delivers
  anything whose Redis publish failed. If Redis cannot be reached the stream polls the table as without Redis.

Runs as an async view under ASGI (uvicorn): a waiting client costs a coroutine, not a worker thread. Under WSGI
(runserver, the test live server) Django collects the whole stream before sending it, so a stream there only
arrives when it ends: keep EVENT_STREAM_MAX_SECONDS short in such setups (the browser reconnects with
Last-Event-ID and loses nothing).
"""

from __future__ import annotations

import asyncio
import json
import logging
import time
import weakref
from collections.abc import AsyncIterator, Callable, Sequence
from typing import Any

from asgiref.sync import sync_to_async
from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.db.models import Q
from django.http import HttpRequest, StreamingHttpResponse
from django.views.decorators.http import require_GET

from kotacerdas.core import events
from kotacerdas.core.models import Event

logger = logging.getLogger(__name__)
BATCH = 200  # events per poll; a burst larger than this drains over consecutive polls without waiting
RETRY_MS = 3000


def _setting(name: str, default: float) -> float:
    return float(getattr(settings, name, default))


def parse_topics(raw: str | None) -> tuple[str, ...]:
    return tuple(p.strip() for p in (raw or "").split(",") if p.strip())[:20]


def _filter(prefixes: Sequence[str]) -> Q:
    q = Q()
    for prefix in prefixes:
        q |= Q(topic__startswith=prefix)
    return q


def format_event(event_id: int, topic: str, created: Any, payload: Any) -> str:
    data = events.as_message(event_id, topic, created, payload)
    # json.dumps never emits a raw newline, so the data fits one `data:` line.
    return f"id: {event_id}\ndata: {data}\n\n"


def matches(topic: str, prefixes: Sequence[str]) -> bool:
    return not prefixes or any(topic.startswith(p) for p in prefixes)


def _release_connection() -> None:
    """Closes this thread's database connection after a stream's read, on a database server.

    Django runs each ASGI request's synchronous work (the ORM included) in a thread of its own, and a stream lives
    for minutes: a connection kept per stream exhausted PostgreSQL's max_connections (100) before 200 viewers were
    connected (bench/command_center_viewers.py). Closed after each read, a stream holds none while it waits. SQLite
    connections are local files and stay open; inside a transaction (tests) nothing is closed."""
    from django.db import connection

    if connection.vendor != "sqlite" and not connection.in_atomic_block:
        connection.close()


_SLOTS: weakref.WeakKeyDictionary[asyncio.AbstractEventLoop, asyncio.Semaphore] = weakref.WeakKeyDictionary()


def db_slots() -> asyncio.Semaphore:
    """At most EVENT_STREAM_DB_SLOTS (10) streams of this process touch the database at once.

    Each stream's reads run in its request's own thread with its own connection (see `_release_connection`); when
    200 browsers (re)connect together, as after a restart, 200 session loads would open 200 connections at once."""
    loop = asyncio.get_running_loop()
    slots = _SLOTS.get(loop)
    if slots is None:
        slots = _SLOTS[loop] = asyncio.Semaphore(int(getattr(settings, "EVENT_STREAM_DB_SLOTS", 10)))
    return slots


@sync_to_async
def _release() -> None:
    _release_connection()


@sync_to_async
def latest_id() -> int:
    try:
        return Event.objects.order_by("-id").values_list("id", flat=True).first() or 0
    finally:
        _release_connection()


@sync_to_async
def _rows(topic_filter: Q, cursor: int) -> list[tuple[int, str, Any, Any]]:
    try:
        return list(Event.objects.filter(topic_filter, id__gt=cursor).order_by("id")
                    .values_list("id", "topic", "created", "payload")[:BATCH])
    finally:
        _release_connection()


class _Subscription:
    """One stream's Redis connection and its subscription to the installation's event channel."""

    def __init__(self, client: Any, pubsub: Any) -> None:
        self.client, self.pubsub = client, pubsub

    async def get_message(self, timeout: float) -> dict[str, Any] | None:
        return await self.pubsub.get_message(ignore_subscribe_messages=True, timeout=timeout)

    async def close(self) -> None:
        for closing in (self.pubsub.aclose, self.client.aclose):
            try:
                await closing()
            except Exception:  # noqa: BLE001, S112 - closing a broken connection: nothing left to do
                continue


async def _subscribe(url: str) -> _Subscription | None:
    """A Redis pub/sub on the installation's event channel, or None when Redis cannot be reached."""
    client = None
    try:
        import redis.asyncio as aioredis

        client = aioredis.Redis.from_url(url, socket_connect_timeout=2)
        pubsub = client.pubsub(ignore_subscribe_messages=True)
        await pubsub.subscribe(events.redis_channel())
        return _Subscription(client, pubsub)
    except Exception as exc:  # noqa: BLE001 - no Redis: the stream polls the table instead
        logger.warning("SSE: Redis unavailable (%s), polling the event table", exc.__class__.__name__)
        if client is not None:
            await _Subscription(client, client.pubsub()).close()
        return None


async def event_stream(*, after: int, prefixes: Sequence[str] = (), max_seconds: float = 300,
                       poll_seconds: float = 1.0, keepalive_seconds: float = 15.0,
                       clock: Callable[[], float] = time.monotonic, redis_url: str = "",
                       resync_seconds: float = 30.0) -> AsyncIterator[str]:
    """Yields SSE frames for events with id > `after` whose topic starts with one of `prefixes`."""
    yield f"retry: {RETRY_MS}\n\n"
    started = last_sent = clock()
    topic_filter = _filter(prefixes)
    cursor = after
    # Subscribe before the first catch-up, so an event stored in between is heard (and de-duplicated by id).
    pubsub = await _subscribe(redis_url) if redis_url else None
    try:
        while True:
            async with db_slots():
                rows = await _rows(topic_filter, cursor)
            for event_id, topic, created, payload in rows:
                cursor = event_id
                yield format_event(event_id, topic, created, payload)
            now = clock()  # one reading per poll (the tests drive the clock)
            if rows:
                last_sent = now
            if pubsub is None:
                if not rows and now - last_sent >= keepalive_seconds:
                    last_sent = now
                    yield ": keep-alive\n\n"
                if now - started >= max_seconds:
                    return
                if len(rows) < BATCH:
                    await asyncio.sleep(poll_seconds)
                continue
            if len(rows) == BATCH:
                continue  # a burst: drain it before waiting
            synced = now
            while pubsub is not None and clock() - synced < resync_seconds:
                wait = min(keepalive_seconds, max_seconds - (clock() - started), resync_seconds) or 0.1
                try:
                    message = await pubsub.get_message(timeout=max(0.05, wait))
                except Exception as exc:  # noqa: BLE001 - Redis went away: poll the table from here on
                    logger.warning("SSE: Redis connection lost (%s), polling the event table",
                                   exc.__class__.__name__)
                    await pubsub.close()
                    pubsub = None
                    break
                now = clock()
                if message is not None and message.get("type") == "message":
                    try:
                        data = json.loads(message["data"])
                        event_id, topic = int(data["id"]), str(data["topic"])
                    except (ValueError, KeyError, TypeError):
                        continue
                    if event_id > cursor and matches(topic, prefixes):
                        cursor = event_id
                        last_sent = now
                        yield format_event(event_id, topic, data.get("created"), data.get("payload"))
                if now - last_sent >= keepalive_seconds:
                    last_sent = now
                    yield ": keep-alive\n\n"
                if now - started >= max_seconds:
                    return
            if clock() - started >= max_seconds:
                return
    finally:
        if pubsub is not None:
            await pubsub.close()


def _cursor(request: HttpRequest) -> int | None:
    for raw in (request.headers.get("Last-Event-ID"), request.GET.get("after")):
        if raw and raw.strip().isdigit():
            return int(raw.strip())
    return None


async def with_cursor(frames: AsyncIterator[str], after: int, *, announce: bool) -> AsyncIterator[str]:
    """Keeps the browser's Last-Event-ID current even when no event was sent.

    An `id:` line with no data moves EventSource's last event id without firing an event (WHATWG HTML, "dispatch
    the event": the id is taken before an empty data buffer is dropped). So a new client is told the cursor it
    starts from (`announce`), and every stream that ends normally repeats the newest id it reached: a client that
    reconnects then asks for exactly what came after, instead of starting again at "now" and missing the events
    of the reconnect gap.
    """
    cursor = after
    if announce:
        yield f"id: {cursor}\n\n"
    async for frame in frames:
        if frame.startswith("id: "):
            cursor = int(frame[4:frame.index("\n")])
        yield frame
    yield f"id: {cursor}\n\n"


@require_GET
async def stream(request: HttpRequest) -> StreamingHttpResponse:
    await _release()  # what the middleware read (site settings): not held while waiting for a slot
    async with db_slots():
        user = await request.auser()
        await _release()
        if not (user.is_authenticated and user.is_active and user.is_staff_role):
            # No redirect to the login page: an EventSource cannot follow it to anything useful.
            raise PermissionDenied
        after = _cursor(request)
        announce = after is None
        if after is None:
            after = await latest_id()
    response = StreamingHttpResponse(with_cursor(
        event_stream(after=after, prefixes=parse_topics(request.GET.get("topics")),
                     max_seconds=_setting("EVENT_STREAM_MAX_SECONDS", 300),
                     poll_seconds=_setting("EVENT_STREAM_POLL_SECONDS", 1.0),
                     keepalive_seconds=_setting("EVENT_STREAM_KEEPALIVE_SECONDS", 15.0),
                     redis_url=events.redis_url(),
                     resync_seconds=_setting("EVENT_STREAM_RESYNC_SECONDS", 30.0)),
        after, announce=announce),
        content_type="text/event-stream; charset=utf-8",
    )
    response["Cache-Control"] = "no-cache, no-store"
    response["X-Accel-Buffering"] = "no"  # nginx: pass frames through as they come
    return response
