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

Runs as an async view under ASGI (uvicorn): a waiting client costs a coroutine, not a worker thread. Under WSGI
(runserver, the test live server) Django iterates the generator synchronously and each stream holds a thread.
"""

from __future__ import annotations

import asyncio
import json
import time
from collections.abc import AsyncIterator, Callable, Sequence
from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.core.serializers.json import DjangoJSONEncoder
from django.db.models import Q
from django.http import HttpRequest, StreamingHttpResponse
from django.views.decorators.http import require_GET

from kotacerdas.core.models import Event

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
    data = json.dumps({"id": event_id, "topic": topic, "created": created, "payload": payload},
                      cls=DjangoJSONEncoder, ensure_ascii=False, separators=(",", ":"))
    # json.dumps never emits a raw newline, so the data fits one `data:` line.
    return f"id: {event_id}\ndata: {data}\n\n"


async def latest_id() -> int:
    last = await Event.objects.order_by("-id").values_list("id", flat=True).afirst()
    return last or 0


async def event_stream(*, after: int, prefixes: Sequence[str] = (), max_seconds: float = 300,
                       poll_seconds: float = 1.0, keepalive_seconds: float = 15.0,
                       clock: Callable[[], float] = time.monotonic) -> AsyncIterator[str]:
    """Yields SSE frames for events with id > `after` whose topic starts with one of `prefixes`."""
    yield f"retry: {RETRY_MS}\n\n"
    started = last_sent = clock()
    topic_filter = _filter(prefixes)
    cursor = after
    while True:
        rows = [row async for row in Event.objects.filter(topic_filter, id__gt=cursor).order_by("id")
                .values_list("id", "topic", "created", "payload")[:BATCH]]
        for event_id, topic, created, payload in rows:
            cursor = event_id
            yield format_event(event_id, topic, created, payload)
        now = clock()
        if rows:
            last_sent = now
        elif now - last_sent >= keepalive_seconds:
            last_sent = now
            yield ": keep-alive\n\n"
        if now - started >= max_seconds:
            return
        if len(rows) < BATCH:
            await asyncio.sleep(poll_seconds)


def _cursor(request: HttpRequest) -> int | None:
    for raw in (request.headers.get("Last-Event-ID"), request.GET.get("after")):
        if raw and raw.strip().isdigit():
            return int(raw.strip())
    return None


@require_GET
async def stream(request: HttpRequest) -> StreamingHttpResponse:
    user = await request.auser()
    if not (user.is_authenticated and user.is_active and user.is_staff_role):
        # No redirect to the login page: an EventSource cannot follow it to anything useful.
        raise PermissionDenied
    after = _cursor(request)
    if after is None:
        after = await latest_id()
    response = StreamingHttpResponse(
        event_stream(after=after, prefixes=parse_topics(request.GET.get("topics")),
                     max_seconds=_setting("EVENT_STREAM_MAX_SECONDS", 300),
                     poll_seconds=_setting("EVENT_STREAM_POLL_SECONDS", 1.0),
                     keepalive_seconds=_setting("EVENT_STREAM_KEEPALIVE_SECONDS", 15.0)),
        content_type="text/event-stream; charset=utf-8",
    )
    response["Cache-Control"] = "no-cache, no-store"
    response["X-Accel-Buffering"] = "no"  # nginx: pass frames through as they come
    return response
