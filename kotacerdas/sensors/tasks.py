"""Periodic sensor work, run by the Huey consumer: raw-data retention for every sensor kind."""

from __future__ import annotations

import logging

from huey import crontab
from huey.contrib.djhuey import db_periodic_task, lock_task

from kotacerdas.sensors import actions

log = logging.getLogger("kotacerdas.sensors")


@db_periodic_task(crontab(hour="3", minute="15"))
@lock_task("sensors-prune")
def prune_raw() -> dict[str, int]:
    """Daily at 03:15: raw readings older than each kind's retention (TRAFFIC_RAW_RETENTION_DAYS); rollups stay."""
    counts = actions.do_prune()
    log.info("sensor prune: %s", counts)
    return counts
