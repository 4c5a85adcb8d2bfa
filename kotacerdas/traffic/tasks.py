"""Periodic ATCS work, run by the Huey consumer. Thin: each calls a domain function that tests call with `now`."""

from __future__ import annotations

import logging

from django.utils import timezone
from huey import crontab
from huey.contrib.djhuey import db_periodic_task, lock_task

from kotacerdas.traffic import alarms, health, selectors

log = logging.getLogger("kotacerdas.traffic")


@db_periodic_task(crontab(minute="*/5"))
@lock_task("traffic-detect-incidents")
def detect_incidents() -> dict[str, int]:
    """Every 5 minutes: California on defined pairs and robust z-score per detector → alarms raised/cleared."""
    counts = alarms.run_detection()
    if counts["raised"] or counts["cleared"]:
        log.info("traffic detection: %s", counts)
    return counts


@db_periodic_task(crontab(minute="1-59/5"))
@lock_task("traffic-refresh-map")
def refresh_map() -> int:
    """Every 5 minutes (a minute after a bucket closes): recompute and cache the city map for latest_state."""
    return len(selectors.refresh_map())


# Huey evaluates crontabs in UTC; running hourly and acting only at local 00:30 keeps "daily after local
# midnight" right in every Indonesian time zone.
@db_periodic_task(crontab(minute="30"))
@lock_task("traffic-detector-health")
def detector_health() -> dict[str, int] | None:
    """Daily at 00:30 local time: yesterday's health per detector (late data has had half an hour to arrive)."""
    if timezone.localtime().hour != 0:
        return None
    counts = health.assess_yesterday()
    log.info("traffic detector health: %s", counts)
    return counts
