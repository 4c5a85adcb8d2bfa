"""Periodic e-parking work, run by the Huey consumer. Thin: each calls a domain function that tests call directly."""

from __future__ import annotations

import logging
from datetime import date

from django.utils import timezone
from django_tasks import task
from huey import crontab
from huey.contrib.djhuey import db_periodic_task, lock_task

from kotacerdas.parking import leakage

log = logging.getLogger("kotacerdas.parking")


# Huey evaluates crontabs in UTC; running hourly and acting only at local 01:15 keeps "daily after local midnight"
# right in every Indonesian time zone (as traffic.tasks.detector_health). 01:15 leaves late webhooks and the
# last occupancy readings of the day an hour to arrive.
@db_periodic_task(crontab(minute="15"))
@lock_task("parking-assess-leakage")
def assess_leakage_daily() -> dict[str, int] | None:
    """Daily at 01:15 local time: yesterday's leakage assessment for every active point."""
    if timezone.localtime().hour != 1:
        return None
    counts = leakage.assess_yesterday()
    log.info("parking leakage: %s", counts)
    return counts


@task()
def assess_leakage_day(day: str) -> int:
    """Re-assess one day (ISO date) on demand, e.g. after a late settlement or a corrected registry."""
    return len(leakage.do_assess_leakage(date.fromisoformat(day)))
