"""The SSE view keeps the browser's Last-Event-ID current: a new client is told where it starts, and a stream that
ends repeats the newest id, so a reconnect asks for exactly what came after (no event lost in the gap)."""

from __future__ import annotations

import asyncio
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import pytest
from asgiref.sync import async_to_sync
from django.test import AsyncClient

from kotacerdas.core import sse
from kotacerdas.core.models import Event


def _collect(gen: Any) -> list[str]:
    async def run() -> list[str]:
        return [frame async for frame in gen]

    # A thread of its own: a browser test earlier in the session may have left an event loop in this one.
    with ThreadPoolExecutor(1) as pool:
        return pool.submit(asyncio.run, run()).result()


async def _frames(*frames: str) -> Any:
    for frame in frames:
        yield frame


def test_it_announces_the_starting_cursor_and_repeats_the_newest_id_at_the_end() -> None:
    frames = _collect(sse.with_cursor(_frames("retry: 3000\n\n", "id: 12\ndata: {}\n\n", ": keep-alive\n\n"), 9,
                                      announce=True))
    assert frames == ["id: 9\n\n", "retry: 3000\n\n", "id: 12\ndata: {}\n\n", ": keep-alive\n\n", "id: 12\n\n"]
    quiet = _collect(sse.with_cursor(_frames("retry: 3000\n\n"), 40, announce=False))
    assert quiet == ["retry: 3000\n\n", "id: 40\n\n"]


def test_a_client_reconnecting_after_a_quiet_stream_gets_the_events_of_the_gap(people: Any, settings: Any) -> None:
    settings.EVENT_STREAM_MAX_SECONDS = 0
    settings.EVENT_STREAM_POLL_SECONDS = 0
    settings.REDIS_URL = ""
    Event.objects.create(topic="complaint.created", payload={"id": 1})

    async def get(headers: dict[str, str]) -> str:
        client = AsyncClient()
        await client.aforce_login(people.oscar)
        response = await client.get("/events/stream?topics=complaint", headers=headers)
        return "".join([c.decode() async for c in response.streaming_content])

    first = async_to_sync(get)({})
    cursor = first.strip().split("\n")[-1].removeprefix("id: ")
    assert "data:" not in first and cursor.isdigit()  # nothing new, but the browser now holds the cursor
    gap = Event.objects.create(topic="complaint.created", payload={"id": 2})  # while the browser waits to reconnect
    second = async_to_sync(get)({"Last-Event-ID": cursor})
    assert f"id: {gap.pk}\ndata: " in second


@pytest.mark.django_db(transaction=True)
def test_a_waiting_stream_holds_no_database_connection_on_a_database_server() -> None:
    # 200 viewers once held 200 PostgreSQL connections (max_connections 100): each read now gives its back.
    from asgiref.sync import sync_to_async
    from django.db import connection

    Event.objects.create(topic="traffic.alarm", payload={})

    async def read_then_look() -> tuple[int, bool]:
        async with sse.db_slots():
            newest = await sse.latest_id()
        # The same thread the read ran in (thread-sensitive): is its connection still held?
        return newest, await sync_to_async(lambda: connection.connection is None)()

    with ThreadPoolExecutor(1) as pool:
        newest, released = pool.submit(asyncio.run, read_then_look()).result()
    assert newest == Event.objects.get().pk
    assert released is (connection.vendor != "sqlite")  # a local SQLite file stays open
