"""Periodic complaint work, run by the Huey consumer. Thin: each calls a domain function."""

from __future__ import annotations

import logging

from django.utils import timezone
from huey import crontab
from huey.contrib.djhuey import db_periodic_task, lock_task

from kotacerdas.complaints import stock, sweeps
from kotacerdas.core import notify

log = logging.getLogger("kotacerdas.complaints")


@db_periodic_task(crontab(minute="*/5"))
@lock_task("complaints-sla-sweep")
def sla_sweep() -> dict[str, int]:
    counts = sweeps.sweep()
    if counts:
        log.info("SLA sweep: %s", counts)
    return counts


@db_periodic_task(crontab(minute="*/5"))
@lock_task("complaints-open-stock")
def open_stock_snapshot() -> int:
    """Every 5 minutes: the open stock per OPD and area, for the live room's week-ago comparison (stock.py)."""
    now = timezone.now()
    stock.prune(now)
    return stock.snapshot(now).total


@db_periodic_task(crontab(minute="*/5"))
@lock_task("notifications-retry")
def retry_notifications() -> int:
    return notify.retry_unsent()


@db_periodic_task(crontab(hour="2", minute="0"))
@lock_task("complaints-retrain-classifier")
def retrain_classifier() -> str:
    """Daily at 02:00, when nobody is filing: yesterday's dispositions teach the category/OPD suggestions."""
    from kotacerdas.complaints import classifier

    report = classifier.train()
    log.info("classifier: %s", report.summary())
    return report.version or report.message
