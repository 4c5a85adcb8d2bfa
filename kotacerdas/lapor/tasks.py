"""LAPOR! work for the worker: delivery right after a commit (django-tasks) and every minute (Huey), pulls."""

from __future__ import annotations

import logging

from django_tasks import task
from huey import crontab
from huey.contrib.djhuey import db_periodic_task, lock_task

from kotacerdas.lapor import conf, outbox, sync

log = logging.getLogger("kotacerdas.lapor")


@task()
def deliver_outbox() -> dict[str, int]:
    """Enqueued after each commit that wrote a message; concurrent runs are safe (messages are claimed)."""
    return outbox.deliver()


@db_periodic_task(crontab(minute="*"))
@lock_task("lapor-deliver-outbox")
def deliver_outbox_periodic() -> dict[str, int]:
    # Catches what the immediate kick missed: retries whose backoff ran out, a worker restart, a lost task.
    if not conf.enabled():
        return {}
    counts = outbox.deliver()
    if counts:
        log.info("LAPOR! outbox: %s", counts)
    return counts


@db_periodic_task(crontab(minute="*/5"))
@lock_task("lapor-pull-changes")
def pull_changes() -> dict[str, int]:
    if not conf.enabled():
        return {}
    counts = sync.pull()
    if counts:
        log.info("LAPOR! pull: %s", counts)
    return counts
