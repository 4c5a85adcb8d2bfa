"""Apparatus performance: the per-case facts table and the figures computed from it.

Facts: `refresh_facts` rebuilds CaseFact rows from each complaint's timeline (complaints/performance.py holds the
rules); `sync` folds in every case whose timeline grew since the last run (the watermark is the highest
ComplaintEvent id seen, plus the ids it skipped that a slower transaction may still commit; events are
append-only, so nothing is missed, including the SLA sweep's entries). The
performance pages call `sync` before reading, and `manage.py refresh_case_facts` rebuilds everything.

Figures: one SQL aggregate per grouping over the narrow facts table (counts, shares, averages, and medians/p90 with
`Percentile`: PostgreSQL's percentile_cont; on SQLite an aggregate registered on the connection).

Definitions (README.md of this app has the full list):
- received: cases received in the period (by complaint date), excluding bukan wewenang/arsip/digabung;
- late (red mark): a response or resolution after the charged unit's limit, or a case in its backlog past its
  limit now; a red mark lifted by an accepted dispute counts neither way;
- on-time share: finished on time / (finished on time + late);
- backlog: open cases with the OPD now (disposisi/diproses; tunda and selesai wait on the citizen), by calendar
  age since the OPD's clock started (0-7, 8-30, 31-60, > 60 days; 60 days is the resolution limit, Perpres
  76/2013);
- reopen rate: cases reopened at least once / resolved cases; rating: mean of citizen ratings 1-5.
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

from django.conf import settings
from django.core.cache import caches
from django.db import connection, transaction
from django.db.backends.signals import connection_created
from django.db.models import Aggregate, Avg, Count, FloatField, Max, Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from kotacerdas.command_center.models import CaseFact, Dispute, DisputeStatus, FactWatermark
from kotacerdas.complaints import performance as case_perf
from kotacerdas.complaints.models import Complaint, ComplaintEvent
from kotacerdas.core import deadlines

SYNC_BATCH = 500
# A page view folds in at most this many changed cases; a bigger backlog (a bulk import) is left to the command.
SYNC_LIMIT_PER_REQUEST = 2000
# Ids missing between two events read in one sync that are tracked (see FactWatermark).
MAX_GAP = 1000
BACKLOG_BUCKETS: tuple[tuple[str, int, int | None], ...] = (
    ("0-7", 0, 7), ("8-30", 8, 30), ("31-60", 31, 60), (">60", 61, None),
)
METRICS = ("verify", "dispose", "response", "resolve")
METRIC_LABELS = {
    "verify": _("Verifikasi"),
    "dispose": _("Disposisi"),
    "response": _("Tanggapan pertama"),
    "resolve": _("Penyelesaian"),
}
DIMENSIONS = {
    "opd": ("agency", _("OPD")),
    "petugas": ("officer", _("Petugas")),
    "kecamatan": ("kecamatan", _("Kecamatan")),
    "kelurahan": ("kelurahan", _("Kelurahan")),
}


# --------------------------------------------------------------------------------------------------------
# Median and p90 in SQL


class _SqlitePercentile:
    """SQLite aggregate kc_percentile(value, fraction): linear interpolation like PostgreSQL's percentile_cont."""

    def __init__(self) -> None:
        self.values: list[float] = []
        self.fraction = 0.5

    def step(self, value: Any, fraction: float) -> None:
        if value is not None:
            self.values.append(float(value))
            self.fraction = float(fraction)

    def finalize(self) -> float | None:
        return percentile(self.values, self.fraction)


def percentile(values: list[float], fraction: float) -> float | None:
    """percentile_cont: the value at position fraction*(n-1) of the sorted values, interpolated."""
    if not values:
        return None
    ordered = sorted(values)
    pos = fraction * (len(ordered) - 1)
    low, high = math.floor(pos), math.ceil(pos)
    return ordered[low] + (ordered[high] - ordered[low]) * (pos - low)


def _register_sqlite(sender: Any = None, connection: Any = None, **kwargs: Any) -> None:
    if connection is not None and connection.vendor == "sqlite":
        connection.connection.create_aggregate("kc_percentile", 2, _SqlitePercentile)


connection_created.connect(_register_sqlite, dispatch_uid="command_center_percentile")


def ensure_sql_functions() -> None:
    """For a connection opened before this module was imported."""
    if connection.vendor == "sqlite":
        connection.ensure_connection()
        _register_sqlite(connection=connection)


class Percentile(Aggregate):
    name = "Percentile"
    output_field = FloatField()
    allow_distinct = False

    def __init__(self, expression: Any, fraction: float, **extra: Any) -> None:
        if not 0 <= fraction <= 1:
            raise ValueError("fraction must be within 0..1")
        self.fraction = float(fraction)
        super().__init__(expression, **extra)

    def as_sql(self, compiler: Any, conn: Any, **extra: Any) -> Any:  # pragma: no cover - other vendors
        raise NotImplementedError("Percentile supports PostgreSQL and SQLite")

    def as_postgresql(self, compiler: Any, conn: Any, **extra: Any) -> Any:
        return super().as_sql(compiler, conn, function="PERCENTILE_CONT",
                              template=f"%(function)s({self.fraction}) WITHIN GROUP (ORDER BY %(expressions)s)",
                              **extra)

    def as_sqlite(self, compiler: Any, conn: Any, **extra: Any) -> Any:
        return super().as_sql(compiler, conn, function="kc_percentile",
                              template=f"%(function)s(%(expressions)s, {self.fraction})", **extra)


# --------------------------------------------------------------------------------------------------------
# Facts


def _local_buckets(moment: datetime) -> tuple[date, date]:
    day = deadlines.to_local(moment).date()
    return day.replace(day=1), day - timedelta(days=day.weekday())


def refresh_facts(complaint_ids: Iterable[int], now: datetime | None = None) -> int:
    """Rebuilds the facts of these complaints from their timelines. Returns how many rows were written."""
    now = now or timezone.now()
    ids = sorted(set(complaint_ids))
    written = 0
    for i in range(0, len(ids), SYNC_BATCH):
        chunk = ids[i:i + SYNC_BATCH]
        complaints = list(Complaint.objects.filter(pk__in=chunk).select_related("category"))
        by_case: dict[int, list[ComplaintEvent]] = {c.pk: [] for c in complaints}
        for event in ComplaintEvent.objects.filter(complaint_id__in=chunk).only(
                "complaint_id", "at", "kind", "agency_id").order_by("at", "id"):
            by_case[event.complaint_id].append(event)
        forgiven = set(Dispute.objects.filter(complaint_id__in=chunk, status=DisputeStatus.DITERIMA)
                       .values_list("complaint_id", "agency_id"))
        rows = []
        for c in complaints:
            t = case_perf.case_times(c, by_case[c.pk], now)
            month, week = _local_buckets(c.created_at)
            rows.append(CaseFact(
                complaint_id=c.pk, received_at=c.created_at, month=month, week=week, agency_id=t.agency_id,
                officer_id=t.officer_id, kecamatan_id=c.kecamatan_id, kelurahan_id=c.kelurahan_id,
                category_id=c.category_id, status=c.status, excluded=t.excluded, clock_start=t.clock_start,
                in_backlog=t.in_backlog, due_at=t.due_at, verify_days=t.verify_days, dispose_days=t.dispose_days,
                response_days=t.response_days, resolve_days=t.resolve_days, resolved=t.resolved, late=t.late,
                forgiven=(c.pk, t.agency_id) in forgiven, reopened=c.reopen_count > 0, rating=c.rating,
            ))
        with transaction.atomic():
            CaseFact.objects.filter(pk__in=[c.pk for c in complaints]).delete()
            CaseFact.objects.bulk_create(rows, batch_size=SYNC_BATCH)
        written += len(rows)
    return written


def gap_patience() -> timedelta:
    """How long an id skipped by a sync is looked for again: longer than any write transaction may take."""
    return timedelta(seconds=int(getattr(settings, "COMMAND_CENTER_FACTS_GAP_SECONDS", 600)))


def sync(limit: int | None = SYNC_LIMIT_PER_REQUEST, now: datetime | None = None) -> int:
    """Folds every complaint whose timeline grew since the last sync into the facts. Returns cases refreshed.

    Syncs run one at a time (the watermark row is locked), so two page views never record each other's gaps; a
    page view that finds a sync running (the worker's, maybe a long one after an import) does not wait for it and
    reads the facts as they are."""
    now = now or timezone.now()
    with transaction.atomic():
        FactWatermark.objects.get_or_create(pk=1)
        mark = FactWatermark.objects.select_for_update(skip_locked=True).filter(pk=1).first()
        if mark is None:
            return 0
        gaps: dict[int, str] = {int(k): v for k, v in mark.gaps.items()}
        ids: set[int] = set()
        if gaps:  # a transaction that committed after an earlier sync passed its id
            for event_id, complaint_id in ComplaintEvent.objects.filter(id__in=list(gaps)).values_list(
                    "id", "complaint_id"):
                ids.add(complaint_id)
                del gaps[event_id]
        upto = mark.last_event_id
        events = ComplaintEvent.objects.filter(id__gt=upto).order_by("id")
        seen = now.isoformat()
        for event_id, complaint_id in events.values_list("id", "complaint_id").iterator(chunk_size=5000):
            if limit is not None and len(ids) >= limit and complaint_id not in ids:
                break
            # Ids in between are not committed yet (or were rolled back). A hole wider than MAX_GAP is a
            # sequence jump (a big rolled-back import), not transactions in flight: only its top is kept.
            # Before the very first event read there is nothing to wait for (a new or rebuilt watermark).
            if upto:
                for missing in range(max(upto + 1, event_id - MAX_GAP), event_id):
                    gaps[missing] = seen
            ids.add(complaint_id)
            upto = event_id
        oldest = now - gap_patience()
        gaps = {k: v for k, v in gaps.items() if datetime.fromisoformat(v) >= oldest}
        refresh_facts(ids, now=now)
        stored = {str(k): v for k, v in sorted(gaps.items())}
        if upto != mark.last_event_id or stored != mark.gaps:
            mark.last_event_id, mark.gaps = upto, stored
            mark.save(update_fields=["last_event_id", "gaps", "updated_at"])
    return len(ids)


def refresh_all(now: datetime | None = None) -> int:
    """Rebuilds every fact (after a rule change, or to start); then the watermark points at the newest event."""
    top = ComplaintEvent.objects.aggregate(m=Max("id"))["m"] or 0
    ids = list(Complaint.objects.values_list("pk", flat=True))
    CaseFact.objects.exclude(pk__in=Complaint.objects.values("pk")).delete()
    done = refresh_facts(ids, now=now)
    FactWatermark.objects.update_or_create(pk=1, defaults={"last_event_id": top, "gaps": {}})
    return done


# --------------------------------------------------------------------------------------------------------
# Figures


@dataclass(frozen=True)
class Period:
    start: date  # inclusive, local
    end: date  # inclusive, local

    @property
    def bounds(self) -> tuple[datetime, datetime]:
        tz = deadlines.calendar_for().tz
        begin = datetime.combine(self.start, datetime.min.time(), tzinfo=tz)
        finish = datetime.combine(self.end + timedelta(days=1), datetime.min.time(), tzinfo=tz)
        return begin, finish


def default_period(today: date | None = None, days: int = 90) -> Period:
    today = today or deadlines.to_local(timezone.now()).date()
    return Period(today - timedelta(days=days - 1), today)


def last_month(today: date) -> date:
    """First day of the month before `today`'s: the monthly report's default (read after the month ends)."""
    return (today.replace(day=1) - timedelta(days=1)).replace(day=1)


def month_period(month: date) -> Period:
    first = month.replace(day=1)
    nxt = (first + timedelta(days=32)).replace(day=1)
    return Period(first, nxt - timedelta(days=1))


def counted(qs: QuerySet[CaseFact]) -> QuerySet[CaseFact]:
    return qs.filter(excluded=False)


def in_period(qs: QuerySet[CaseFact], period: Period) -> QuerySet[CaseFact]:
    begin, finish = period.bounds
    return qs.filter(received_at__gte=begin, received_at__lt=finish)


def late_q(now: datetime) -> Q:
    """A red mark now: missed a limit, or in the backlog past its limit; lifted by an accepted dispute."""
    return (Q(late=True) | Q(in_backlog=True, due_at__lt=now)) & Q(forgiven=False)


def on_time_q(now: datetime) -> Q:
    return Q(resolved=True, late=False, forgiven=False)


def _figures(now: datetime) -> dict[str, Any]:
    agg: dict[str, Any] = {
        "received": Count("pk"),
        # Named apart from the model's own `late`/`forgiven` columns: an annotation that shadows a field makes
        # the filters below refer to the annotation itself.
        "n_late": Count("pk", filter=late_q(now)),
        "on_time": Count("pk", filter=on_time_q(now)),
        "n_forgiven": Count("pk", filter=Q(forgiven=True)),
        "resolved_n": Count("pk", filter=Q(resolved=True)),
        "reopened_n": Count("pk", filter=Q(reopened=True)),
        "rating_avg": Avg("rating"),
        "rated": Count("rating"),
    }
    for metric in METRICS:
        agg[f"{metric}_med"] = Percentile(f"{metric}_days", 0.5)
        agg[f"{metric}_p90"] = Percentile(f"{metric}_days", 0.9)
    return agg


def _finish(row: dict[str, Any]) -> dict[str, Any]:
    for name in ("late", "forgiven"):
        if f"n_{name}" in row:
            row[name] = row.pop(f"n_{name}")
    verdicts = row["on_time"] + row["late"]
    row["on_time_pct"] = round(100 * row["on_time"] / verdicts, 1) if verdicts else None
    row["reopen_pct"] = round(100 * row["reopened_n"] / row["resolved_n"], 1) if row["resolved_n"] else None
    for key in list(row):
        if key.endswith(("_med", "_p90")) and row[key] is not None:
            row[key] = round(row[key], 2)
    if row.get("rating_avg") is not None:
        row["rating_avg"] = round(row["rating_avg"], 2)
    return row


def totals(qs: QuerySet[CaseFact], period: Period, now: datetime | None = None) -> dict[str, Any]:
    now = now or timezone.now()
    ensure_sql_functions()
    row = in_period(counted(qs), period).aggregate(**_figures(now))
    row = _finish(row)
    row.update(backlog_totals(qs, now))
    row["excluded"] = in_period(qs, period).filter(excluded=True).count()
    return row


def _age_q(now: datetime, low: int, high: int | None) -> Q:
    q = Q(clock_start__lte=now - timedelta(days=low))
    if high is not None:
        q &= Q(clock_start__gt=now - timedelta(days=high + 1))
    return q


def _backlog_figures(now: datetime) -> dict[str, Any]:
    agg: dict[str, Any] = {"backlog": Count("pk"),
                           "overdue_now": Count("pk", filter=Q(due_at__lt=now, forgiven=False))}
    for n, (_key, low, high) in enumerate(BACKLOG_BUCKETS):
        agg[f"age_{n}"] = Count("pk", filter=_age_q(now, low, high))
    return agg


def backlog_totals(qs: QuerySet[CaseFact], now: datetime) -> dict[str, Any]:
    return counted(qs).filter(in_backlog=True).aggregate(**_backlog_figures(now))


def league(qs: QuerySet[CaseFact], dimension: str, period: Period, now: datetime | None = None,
           ) -> list[dict[str, Any]]:
    """One row per OPD / officer / kecamatan / kelurahan: figures of the period plus today's backlog, ranked by
    on-time share (then median time to first response, then volume)."""
    now = now or timezone.now()
    field = DIMENSIONS[dimension][0]
    key = f"{field}_id"
    ensure_sql_functions()
    base = counted(qs).filter(**{f"{key}__isnull": False})
    rows = {r[key]: _finish(r) for r in in_period(base, period).values(key).annotate(**_figures(now))}
    for r in base.filter(in_backlog=True).values(key).annotate(**_backlog_figures(now)):
        rows.setdefault(r[key], _finish({key: r[key], **_empty()})).update(r)
    names = _names(dimension, list(rows))
    out = []
    backlog_keys = list(_backlog_figures(now))
    for pk, row in rows.items():
        for k in backlog_keys:
            row.setdefault(k, 0)
        label, code = names.get(pk, (str(pk), str(pk)))
        out.append({**row, "pk": pk, "label": label, "code": code})
    out.sort(key=lambda r: (-(r["on_time_pct"] if r["on_time_pct"] is not None else -1),
                            r["response_med"] if r["response_med"] is not None else 1e9, -r["received"],
                            r["label"]))
    for n, row in enumerate(out, start=1):
        row["rank"] = n
    return out


def _empty() -> dict[str, Any]:
    row: dict[str, Any] = {"received": 0, "late": 0, "on_time": 0, "forgiven": 0, "resolved_n": 0,
                           "reopened_n": 0, "rating_avg": None, "rated": 0}
    for metric in METRICS:
        row[f"{metric}_med"] = row[f"{metric}_p90"] = None
    return row


def _names(dimension: str, pks: list[int]) -> dict[int, tuple[str, str]]:
    """(label, filter code) of each group: agency short name and slug; officer name and id; region name and code."""
    if dimension == "opd":
        from kotacerdas.agencies.models import Agency

        return {a.pk: (a.short_name or a.name, a.code) for a in Agency.objects.filter(pk__in=pks)}
    if dimension == "petugas":
        from kotacerdas.accounts.models import User

        return {u.pk: (u.display_name, str(u.pk)) for u in User.objects.filter(pk__in=pks)}
    from kotacerdas.regions.models import Region

    return {r.pk: (r.name, r.code) for r in Region.objects.filter(pk__in=pks)}


def trend(qs: QuerySet[CaseFact], by: str, period: Period, now: datetime | None = None) -> list[dict[str, Any]]:
    """Per week (Monday) or month of receipt: received, on-time share, late; per month also the median times to
    first response and to resolution (weeks leave the medians out: the weekly chart shows volume and share)."""
    now = now or timezone.now()
    if by not in ("week", "month"):
        raise ValueError("by must be week or month")
    ensure_sql_functions()
    figures: dict[str, Any] = {"received": Count("pk"), "n_late": Count("pk", filter=late_q(now)),
                               "on_time": Count("pk", filter=on_time_q(now))}
    if by == "month":
        figures.update(response_med=Percentile("response_days", 0.5), resolve_med=Percentile("resolve_days", 0.5))
    rows = in_period(counted(qs), period).values(by).annotate(**figures).order_by(by)
    out = []
    for r in rows:
        verdicts = r["on_time"] + r["n_late"]
        out.append({"bucket": r[by], "received": r["received"], "late": r["n_late"], "on_time": r["on_time"],
                    "on_time_pct": round(100 * r["on_time"] / verdicts, 1) if verdicts else None,
                    "response_med": _round(r.get("response_med")), "resolve_med": _round(r.get("resolve_med"))})
    return out


def _age_flag(low: int, high: int | None) -> Any:
    return lambda now: Q(in_backlog=True) & _age_q(now, low, high)


def max_age() -> int:
    """Seconds a computed page of figures may be served again while new timeline entries arrive.

    `COMMAND_CENTER_FIGURES_MAX_AGE` (default 300; 0 under tests = always computed). With a million complaints
    a year-long league table scans hundreds of thousands of facts (bench/README.md); figures of a 90-day or
    year-long period do not need to be newer than five minutes. A decided dispute always invalidates at once.
    """
    default = 0 if getattr(settings, "TESTING", False) else 300
    return int(getattr(settings, "COMMAND_CENTER_FIGURES_MAX_AGE", default))


def _generation() -> tuple[str, int]:
    """(what the facts were folded from, disputes decided): what the cached figures were computed from. The
    watermark row changes whenever the facts do (a new entry, or a late one that filled a gap)."""
    row = FactWatermark.objects.filter(pk=1).values_list("last_event_id", "updated_at").first()
    mark = f"{row[0]}@{row[1].timestamp()}" if row else "0"
    decided = Dispute.objects.exclude(status=DisputeStatus.DIAJUKAN).count()
    return mark, decided


def figures(scope_key: str, qs: QuerySet[CaseFact], dimension: str, period: Period, *,
            refresh: bool = False) -> dict[str, Any]:
    """Totals, league table and trends of one scope, dimension and period, cached (see `max_age`, `cached`).

    Returns {"total", "rows", "weekly", "monthly", "computed_at"}; `computed_at` tells the reader how fresh."""
    now = timezone.now()

    def compute() -> dict[str, Any]:
        return {"total": totals(qs, period, now), "rows": league(qs, dimension, period, now),
                "weekly": trend(qs, "week", period, now), "monthly": trend(qs, "month", period, now),
                "computed_at": now}

    return cached(figures_key(scope_key, dimension, period), compute, now, refresh=refresh)


def figures_key(scope_key: str, dimension: str, period: Period) -> str:
    return f"cc-figures:{scope_key}:{dimension}:{period.start}:{period.end}"


def cached(key: str, compute: Any, now: datetime | None = None, *, refresh: bool = False) -> Any:
    """`compute()` (a dict with "computed_at"), served again from the shared cache while nothing was decided and
    either no timeline entry arrived or the value is younger than `max_age()`.

    The shared cache (settings.CACHES["shared"]: a database table in the embedded default, else Redis) lets every
    web process read what one computed, and what the worker computed ahead (`prewarm`, `refresh=True`: compute
    unless the stored value is still of the newest generation)."""
    age = max_age()
    if age <= 0:
        return compute()
    now = now or timezone.now()
    mark, decided = _generation()
    store = caches["shared"]
    hit = store.get(key)
    if hit is not None and hit["decided"] == decided and (
            hit["mark"] == mark or (not refresh and (now - hit["data"]["computed_at"]).total_seconds() < age)):
        return hit["data"]
    data = compute()
    store.set(key, {"mark": mark, "decided": decided, "data": data}, timeout=max(age * 4, 60))
    return data


def cached_at(key: str) -> datetime | None:
    """When the shared cache's value under `key` was computed (None: not cached)."""
    hit = caches["shared"].get(key)
    return None if hit is None else hit["data"]["computed_at"]


def _round(value: float | None) -> float | None:
    return None if value is None else round(value, 2)


# Drill-down: which facts stand behind a figure (the case list and the API use the same names).
FLAGS = {
    "diterima": lambda now: Q(),
    "terlambat": late_q,
    "tepat": on_time_q,
    "keberatan": lambda now: Q(forgiven=True),
    "selesai": lambda now: Q(resolved=True),
    "dibuka-kembali": lambda now: Q(reopened=True),
    "dinilai": lambda now: Q(rating__isnull=False),
    "tunggakan": lambda now: Q(in_backlog=True),
    "lewat-tenggat": lambda now: Q(in_backlog=True, due_at__lt=now, forgiven=False),
    **{f"umur-{key}": _age_flag(low, high) for key, low, high in BACKLOG_BUCKETS},
}
# Backlog figures are today's state: their drill-down ignores the period of receipt.
CURRENT_STATE_FLAGS = {"tunggakan", "lewat-tenggat", *(f"umur-{key}" for key, _low, _high in BACKLOG_BUCKETS)}


def flagged(qs: QuerySet[CaseFact], flag: str, now: datetime | None = None) -> QuerySet[CaseFact]:
    return qs.filter(FLAGS[flag](now or timezone.now()))


def red_marks(qs: QuerySet[CaseFact], now: datetime | None = None) -> QuerySet[CaseFact]:
    """Cases that count against their OPD now (what an OPD may dispute)."""
    return counted(qs).filter(agency__isnull=False).filter(late_q(now or timezone.now()))


