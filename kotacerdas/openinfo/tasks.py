"""Periodic PPID and open-data work, run by the Huey consumer. Thin: each calls a domain function tests call."""

from __future__ import annotations

import logging

from django_tasks import task
from huey import crontab
from huey.contrib.djhuey import db_periodic_task, lock_task

from kotacerdas.openinfo import catalog, sweeps

log = logging.getLogger("kotacerdas.openinfo")


@db_periodic_task(crontab(minute="*/15"))
@lock_task("openinfo-ppid-sweep")
def ppid_sweep() -> dict[str, int]:
    """Reminders, red marks and closing of expired sengketa windows (like the complaint SLA sweep)."""
    counts = sweeps.sweep()
    if counts:
        log.info("PPID sweep: %s", counts)
    return counts


@db_periodic_task(crontab(minute="40"))
@lock_task("openinfo-refresh-datasets")
def refresh_datasets() -> dict[str, object]:
    """Hourly: regenerate every dataset whose update frequency (daily, weekly, monthly) has come round."""
    result = catalog.refresh()
    log.info("open data refresh: generated %s, failed %s", result["generated"], result["failed"])
    return result


@task()
def refresh_dataset(slug: str) -> dict[str, object]:
    """Regenerate one dataset now (the staff "refresh" button)."""
    return catalog.refresh(force=True, only=slug)
