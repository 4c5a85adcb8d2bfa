"""The open stock over time: OpenStockSnapshot rows written every 5 minutes, read by the live room's "open" tile.

`snapshot` counts the open complaints (OPEN_STATUSES) in all and per OPD, kecamatan and kelurahan in one
GROUP BY; `open_at` answers "how many were open at that moment" for a reader's scope (selectors.reader_scope) from
the newest snapshot taken at most SNAPSHOT_SLACK before it, or None (no snapshot then: the caller reconstructs it
from the timeline). Petugas and warga scopes are not kept (they do not use the room).
"""

from __future__ import annotations

from collections import Counter
from datetime import datetime, timedelta
from typing import Any

from django.conf import settings
from django.db.models import Count

from kotacerdas.complaints.models import OPEN_STATUSES, Complaint, OpenStockSnapshot

# The task runs every 5 minutes; a snapshot up to 10 minutes older than the moment asked for still answers (one
# missed run), an older one does not.
SNAPSHOT_SLACK = timedelta(minutes=10)
SCOPE_FIELDS = {"agency": "by_agency", "kecamatan": "by_kecamatan", "kelurahan": "by_kelurahan"}


def snapshot(now: datetime) -> OpenStockSnapshot:
    """Counts the open stock now and stores it (idempotent per moment)."""
    rows = (Complaint.objects.filter(status__in=OPEN_STATUSES).order_by()
            .values_list("agency_id", "kecamatan_id", "kelurahan_id").annotate(n=Count("id")))
    total = 0
    per: dict[str, Counter[str]] = {field: Counter() for field in SCOPE_FIELDS.values()}
    for agency_id, kecamatan_id, kelurahan_id, n in rows:
        total += n
        for field, key in (("by_agency", agency_id), ("by_kecamatan", kecamatan_id), ("by_kelurahan", kelurahan_id)):
            if key is not None:
                per[field][str(key)] += n
    snap, _created = OpenStockSnapshot.objects.update_or_create(
        at=now, defaults={"total": total, **{field: dict(counts) for field, counts in per.items()}})
    return snap


def prune(now: datetime) -> int:
    days = int(getattr(settings, "COMPLAINTS_STOCK_SNAPSHOT_DAYS", 8))
    return OpenStockSnapshot.objects.filter(at__lt=now - timedelta(days=days)).delete()[0]


def open_at(scope: tuple[str, Any], moment: datetime) -> int | None:
    """Open complaints in the scope at `moment` per the snapshot taken just before it; None without one."""
    kind, value = scope
    if kind != "kota" and kind not in SCOPE_FIELDS:
        return None
    snap = (OpenStockSnapshot.objects.filter(at__lte=moment, at__gte=moment - SNAPSHOT_SLACK).order_by("-at")
            .first())
    if snap is None:
        return None
    if kind == "kota":
        return snap.total
    return int(getattr(snap, SCOPE_FIELDS[kind]).get(str(value), 0))
