"""Live updates across processes through Redis: two uvicorn processes on one database with REDIS_URL set; a
complaint filed through the API of one reaches an SSE client of the other.

The pytest database must be visible to the children: on PostgreSQL it is the test database itself (the test is
transactional, so rows are committed); on SQLite, whose test database lives in memory, the migrated and seeded
database is copied to a file with SQLite's backup API and both children open that file. `-k redis` selects this
test (CI's Redis step); with CI=true it fails when Redis is down instead of skipping.
"""

from __future__ import annotations

import json
import os
import queue
import sqlite3
import subprocess
import sys
import threading
import time
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import requests
from django.conf import settings
from django.db import connection
from django.test import Client
from rest_framework.authtoken.models import Token

from kotacerdas.core.tests.test_serve import free_port
from kotacerdas.core.tests.test_sse_redis import require_redis

START_TIMEOUT = 40


def _database_env(tmp_path: Path) -> dict[str, str]:
    if connection.vendor == "sqlite":
        path = tmp_path / "shared.sqlite3"
        connection.ensure_connection()
        target = sqlite3.connect(path)
        connection.connection.backup(target)
        target.close()
        return {"DB": "sqlite", "SQLITE_PATH": str(path)}
    s = connection.settings_dict
    auth = s["USER"] + (f":{s['PASSWORD']}" if s.get("PASSWORD") else "")
    return {"DB": "postgres", "DATABASE_URL": f"postgres://{auth}@{s['HOST'] or '127.0.0.1'}:{s['PORT'] or 5432}/"
                                              f"{s['NAME']}"}


@pytest.fixture
def two_servers(tmp_path: Path, transactional_db: Any, people: Any) -> Iterator[dict[str, Any]]:
    redis_url = require_redis()
    token = Token.objects.create(user=people.wati).key
    browser = Client()
    browser.force_login(people.oscar)
    session = browser.cookies[settings.SESSION_COOKIE_NAME].value
    env = {k: v for k, v in os.environ.items()
           if k not in ("PYTEST_VERSION", "PYTEST_CURRENT_TEST", "DJANGO_ALLOW_ASYNC_UNSAFE", "DB", "DATABASE_URL")}
    env.update(_database_env(tmp_path), DATA_DIR=str(tmp_path), DEMO="1", REDIS_URL=redis_url,
               HUEY_NAME=f"kotacerdas-test-{uuid.uuid4().hex[:8]}", TASKS_BROKER="sqlite", PYTHONUNBUFFERED="1")
    procs = []
    ports = []
    for name in ("a", "b"):
        port = free_port()
        log = (tmp_path / f"uvicorn-{name}.log").open("wb")
        procs.append(subprocess.Popen(  # noqa: S603
            [sys.executable, "-m", "uvicorn", "kotacerdas.asgi:application", "--host", "127.0.0.1", "--port",
             str(port), "--no-access-log"], cwd=settings.BASE_DIR, env=env, stdout=log, stderr=subprocess.STDOUT,
            stdin=subprocess.DEVNULL))
        ports.append(port)
    try:
        deadline = time.monotonic() + START_TIMEOUT
        for port in ports:
            while True:
                try:
                    if requests.get(f"http://127.0.0.1:{port}/healthz", timeout=2).status_code == 200:
                        break
                except requests.RequestException:
                    pass
                if time.monotonic() > deadline:
                    logs = "\n".join(p.read_text()[-3000:] for p in tmp_path.glob("uvicorn-*.log"))
                    pytest.fail(f"uvicorn did not start:\n{logs}")
                time.sleep(0.2)
        yield {"a": f"http://127.0.0.1:{ports[0]}", "b": f"http://127.0.0.1:{ports[1]}", "token": token,
               "session": session, "redis_url": redis_url, "channel": f"{env['HUEY_NAME']}:events"}
    finally:
        for proc in procs:
            proc.terminate()
        for proc in procs:
            try:
                proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait()


def _listen(url: str, session: str, out: queue.Queue) -> None:
    """An SSE client: puts every event's parsed data on `out` (and None when the stream ends)."""
    try:
        with requests.get(url, cookies={settings.SESSION_COOKIE_NAME: session}, stream=True, timeout=30,
                          headers={"Accept": "text/event-stream"}) as response:
            out.put(("status", response.status_code))
            for line in response.iter_lines(decode_unicode=True):
                if line and line.startswith("data: "):
                    out.put(("event", json.loads(line.removeprefix("data: "))))
    except requests.RequestException as exc:
        out.put(("error", repr(exc)))
    out.put(None)


def test_an_event_made_in_one_process_reaches_an_sse_client_of_another_through_redis(two_servers: dict[str, Any],
                                                                                  city: Any) -> None:
    import redis

    received: queue.Queue = queue.Queue()
    threading.Thread(target=_listen, daemon=True, args=(
        two_servers["b"] + "/events/stream?topics=complaint", two_servers["session"], received)).start()
    assert received.get(timeout=15) == ("status", 200)
    # The stream of process B has subscribed to the installation's channel: the event will come by Redis.
    client = redis.Redis.from_url(two_servers["redis_url"])
    deadline = time.monotonic() + 10
    while dict(client.pubsub_numsub(two_servers["channel"])).get(two_servers["channel"].encode(), 0) < 1:
        assert time.monotonic() < deadline, "process B never subscribed to the Redis channel"
        time.sleep(0.1)

    response = requests.post(two_servers["a"] + "/api/v1/complaints/", timeout=20,
                             headers={"Authorization": f"Token {two_servers['token']}"},
                             json={"title": "Sampah di depan pasar", "description": "Sudah tiga hari tidak diangkut.",
                                   "category": "sampah", "lat": city.inside[0], "lon": city.inside[1]})
    assert response.status_code == 201, response.text
    complaint_id = response.json()["id"]

    deadline = time.monotonic() + 10
    while True:
        item = received.get(timeout=max(0.1, deadline - time.monotonic()))
        assert item is not None and item[0] == "event", item
        if item[1]["topic"] == "complaint.created":
            break
    assert item[1]["payload"]["id"] == complaint_id
