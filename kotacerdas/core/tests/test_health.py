"""/healthz: database engine, broker reachability and worker liveness through the heartbeat task."""

from __future__ import annotations

import time
from collections.abc import Iterator

import pytest
from django.conf import settings
from django.db import connection
from django.test import Client
from huey import RedisHuey
from huey.contrib.djhuey import HUEY

from kotacerdas.core.health import HEARTBEAT_FRESH_SECONDS, HEARTBEAT_KEY
from kotacerdas.core.tasks import worker_heartbeat

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def no_heartbeat() -> Iterator[None]:
    # Tests run Huey in immediate mode (in-memory store shared by the whole session): start and end clean.
    HUEY.delete(HEARTBEAT_KEY)
    yield
    HUEY.delete(HEARTBEAT_KEY)


def healthz(client: Client) -> dict:
    response = client.get("/healthz")
    assert response["Content-Type"] == "application/json"
    assert "no-cache" in response["Cache-Control"]
    return {"status_code": response.status_code, **response.json()}


def test_it_answers_200_json_naming_the_database_engine(client: Client) -> None:
    body = healthz(client)

    assert body["status_code"] == 200
    assert body["status"] == "ok"
    assert body["database"] == {"engine": connection.vendor, "ok": True}
    assert body["database"]["engine"] in ("sqlite", "postgresql")


def test_it_reports_the_broker_reachable(client: Client) -> None:
    body = healthz(client)

    assert body["broker"]["ok"] is True
    assert body["broker"]["kind"] == settings.TASKS_BROKER
    assert body["broker"]["pending"] == 0


def test_it_reports_no_worker_without_a_heartbeat(client: Client) -> None:
    body = healthz(client)

    assert body["worker"] == {"ok": False, "last_seen_seconds_ago": None}


def test_it_reports_the_worker_alive_after_the_heartbeat_task_runs(client: Client) -> None:
    worker_heartbeat()  # immediate mode: enqueueing runs the periodic task's body right here

    body = healthz(client)

    assert body["worker"]["ok"] is True
    assert body["worker"]["last_seen_seconds_ago"] <= 1


def test_it_reports_a_stale_heartbeat_as_worker_down(client: Client) -> None:
    HUEY.put(HEARTBEAT_KEY, time.time() - HEARTBEAT_FRESH_SECONDS - 5)

    body = healthz(client)

    assert body["status_code"] == 200  # a dead worker delays tasks but the site still serves
    assert body["worker"]["ok"] is False
    assert body["worker"]["last_seen_seconds_ago"] >= HEARTBEAT_FRESH_SECONDS


def test_it_reports_an_unreachable_broker_without_failing_the_page(
    client: Client, monkeypatch: pytest.MonkeyPatch
) -> None:
    # A real Redis client aimed at a port nobody listens on: the same failure as Redis being down.
    monkeypatch.setattr("huey.contrib.djhuey.HUEY", RedisHuey("kotacerdas-down", url="redis://127.0.0.1:1/0"))

    body = healthz(client)

    assert body["status_code"] == 200
    assert body["broker"]["ok"] is False
    assert body["broker"]["error"] == "ConnectionError"
    assert body["worker"] == {"ok": False, "last_seen_seconds_ago": None}


def test_it_reaches_the_configured_broker_outside_immediate_mode(client: Client) -> None:
    # Immediate mode swaps in a memory store; switching it off talks to the real SQLite file or Redis server
    # (CI runs this with TASKS_BROKER=redis). Only reads happen, so a running dev worker is not disturbed.
    HUEY.immediate = False
    try:
        body = healthz(client)
    finally:
        HUEY.immediate = True

    assert body["broker"]["ok"] is True, body["broker"]
    assert body["broker"]["kind"] == settings.TASKS_BROKER
    assert isinstance(body["broker"]["pending"], int)
