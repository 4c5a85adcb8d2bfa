"""Inbound: reads LAPOR!'s change feed and applies it (periodic task, `lapor_pull` command).

The cursor advances only after a page is applied: a crash in between re-reads the page, and remote versions make
the repeat harmless (duplicates and older versions are skipped by `do_apply_remote_update`).
"""

from __future__ import annotations

from collections import Counter
from datetime import datetime

from django.utils import timezone

from kotacerdas.lapor import actions, conf
from kotacerdas.lapor.gateway import LaporError, LaporGateway, RemoteChange, get_gateway
from kotacerdas.lapor.models import SyncState
from kotacerdas.lib import pii

MAX_PAGES = 50


def pull(*, now: datetime | None = None, gateway: LaporGateway | None = None) -> dict[str, int]:
    """Applies every change since the stored cursor. Returns counts: applied, stale, unknown, error."""
    if not conf.enabled():
        return {}
    gateway = gateway or get_gateway()
    now = now or timezone.now()
    cursor = SyncState.load().cursor
    counts: Counter[str] = Counter()
    for _page in range(MAX_PAGES):
        try:
            page = gateway.pull_changes(cursor)
        except LaporError as exc:
            SyncState.objects.filter(pk=1).update(last_pull_at=now, last_error=pii.mask_personal_data(str(exc)))
            counts["error"] += 1
            break
        # Snapshots: within a page only the newest version of each report matters; older ones count as stale
        # without being applied (applying them first would flash a status the report has already left).
        newest: dict[str, RemoteChange] = {}
        for change in page.changes:
            if change.tracking_id not in newest or change.version > newest[change.tracking_id].version:
                newest[change.tracking_id] = change
        counts["stale"] += len(page.changes) - len(newest)
        for change in newest.values():
            counts[actions.do_apply_remote_update(change, now=now)] += 1
        SyncState.objects.filter(pk=1).update(cursor=page.cursor, last_pull_at=now, last_ok_at=now, last_error="")
        if not page.changes or page.cursor == cursor:
            break
        cursor = page.cursor
    return {k: v for k, v in counts.items() if v}
