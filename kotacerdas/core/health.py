"""Reachability checks for /healthz: the database, the task broker and whether a worker was seen lately."""

from __future__ import annotations

import time

from django.conf import settings
from django.db import connection

# The worker writes this key into the broker's result store every minute and when it starts
# (kotacerdas.core.tasks); 180 s tolerates two missed beats before /healthz calls the worker down.
HEARTBEAT_KEY = "kotacerdas:worker-heartbeat"
HEARTBEAT_FRESH_SECONDS = 180


def database() -> dict[str, object]:
    try:
        with connection.cursor() as cur:
            cur.execute("SELECT 1")
        return {"engine": connection.vendor, "ok": True}
    except Exception as exc:  # noqa: BLE001 - reported, not raised
        return {"engine": connection.vendor, "ok": False, "error": exc.__class__.__name__}


def broker_and_worker() -> tuple[dict[str, object], dict[str, object]]:
    from huey.contrib.djhuey import HUEY

    kind = settings.TASKS_BROKER
    try:
        beat = HUEY.get(HEARTBEAT_KEY, peek=True)
        broker = {"kind": kind, "ok": True, "pending": HUEY.pending_count()}
    except Exception as exc:  # noqa: BLE001
        broker = {"kind": kind, "ok": False, "error": exc.__class__.__name__}
        return broker, {"ok": False, "last_seen_seconds_ago": None}
    age = None if beat is None else time.time() - float(beat)
    worker = {"ok": age is not None and age < HEARTBEAT_FRESH_SECONDS,
              "last_seen_seconds_ago": None if age is None else round(age)}
    return broker, worker
