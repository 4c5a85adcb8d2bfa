"""Periodic Command Center work, run by the Huey consumer (which autodiscovers each app's `tasks` module).

- the live room's week-old ATCS map for the LOS tile's trend (tasks_live);
- the apparatus-performance facts: every 5 minutes the complaints whose timeline grew are folded into `CaseFact`,
  so the performance pages read fresh facts without paying for the sync themselves (a page still syncs up to
  SYNC_LIMIT_PER_REQUEST cases if the task is behind); then the leaders' default pages are computed into the
  shared cache (prewarm.py).
"""

from __future__ import annotations

import logging

from huey import crontab
from huey.contrib.djhuey import db_periodic_task, lock_task

from kotacerdas.command_center import performance, prewarm
from kotacerdas.command_center.tasks_live import refresh_week_ago_map_task  # noqa: F401 - registers the task

log = logging.getLogger("kotacerdas.command_center")


@db_periodic_task(crontab(minute="*/5"))
@lock_task("command-center-facts-sync")
def facts_sync() -> int:
    """Every 5 minutes: fold new complaint events into the performance facts (all of them, however many), then
    compute the leaders' default pages ahead of their views (prewarm.py)."""
    n = performance.sync(limit=None)
    if n:
        log.info("command center: %d case facts refreshed", n)
    warmed = prewarm.prewarm()
    if warmed:
        log.info("command center: %d performance pages computed ahead", warmed)
    return n
