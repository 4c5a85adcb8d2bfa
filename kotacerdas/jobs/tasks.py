"""Periodic Siduta work, run by the Huey consumer. Thin: each calls a domain function that tests call directly."""

from __future__ import annotations

import logging

from django.utils import timezone
from huey import crontab
from huey.contrib.djhuey import db_periodic_task, lock_task

from kotacerdas.jobs import actions

log = logging.getLogger("kotacerdas.jobs")


# Huey evaluates crontabs in UTC; running hourly and acting only at local 00:30 keeps "daily after local midnight"
# right in every Indonesian time zone (as parking.tasks.assess_leakage_daily).
@db_periodic_task(crontab(minute="30"))
@lock_task("jobs-sweep-ak1")
def sweep_ak1_daily() -> dict[str, int] | None:
    """Daily at 00:30 local time: AK/1 cards with a missed six-monthly report turn inactive, lapsed ones expire."""
    if timezone.localtime().hour != 0:
        return None
    counts = actions.sweep_ak1()
    log.info("jobs AK/1 sweep: %s", counts)
    return counts
