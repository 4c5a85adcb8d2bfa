"""Worker liveness: a heartbeat that /healthz reads (kotacerdas.core.health).

Huey's result store is the one place every process can reach whatever the broker is (SqliteHuey file or
Redis), so the worker writes its heartbeat there instead of into the application database: a worker that
can reach the broker but not the database should still show as alive, and the database check is separate.
"""

from __future__ import annotations

import time

from huey import crontab
from huey.contrib.djhuey import HUEY, db_periodic_task

from kotacerdas.core.health import HEARTBEAT_KEY


def beat() -> float:
    """Record "a worker is alive now" in the broker; returns the timestamp written."""
    now = time.time()
    HUEY.put(HEARTBEAT_KEY, now)
    return now


# Periodic tasks are only scheduled by a consumer started with periodic tasks on (run_huey's default;
# `serve` never passes --no-periodic). Every minute keeps well inside health.HEARTBEAT_FRESH_SECONDS.
@db_periodic_task(crontab(minute="*"))
def worker_heartbeat() -> None:
    beat()


@HUEY.on_startup()
def heartbeat_on_consumer_start() -> None:
    # Without this /healthz would report the worker as down until the next whole minute after a start.
    beat()
