"""Periodic work of the live room, run by the Huey consumer (imported by the app's tasks.py, which Huey
autodiscovers).

The LOS tile compares the ATCS map now with the same 15-minute bucket a week ago. The traffic app's own task stores
the current map as a MapSnapshot every 5 minutes, so a week later the old bucket is normally there already; when it
is not (the platform was not running, or its snapshot was pruned), this task computes and stores it as soon as a new
bucket closes, so no viewer pays for that computation (≈ 0.3 s for 1,000 intersections, bench/traffic_queries.py)
on a room's first render.
"""

from __future__ import annotations

from datetime import datetime

from huey import crontab
from huey.contrib.djhuey import db_periodic_task, lock_task

from kotacerdas.command_center import live
from kotacerdas.traffic import engineering
from kotacerdas.traffic import selectors as traffic_selectors
from kotacerdas.traffic.models import MapSnapshot


def refresh_week_ago_map(now: datetime | None = None) -> int:
    """Stores the week-old bucket's map unless it is stored already. Returns intersections computed (0: none)."""
    bucket = engineering.last_complete_bucket(now) - live.WEEK
    if MapSnapshot.objects.filter(bucket_start=bucket).exists():
        return 0
    return len(traffic_selectors.refresh_map(bucket_start=bucket))


@db_periodic_task(crontab(minute="2-59/5"))
@lock_task("command-center-week-ago-map")
def refresh_week_ago_map_task() -> int:
    """Every 5 minutes, after the traffic app's own refresh: the week-old bucket for the LOS tile's trend."""
    return refresh_week_ago_map()
