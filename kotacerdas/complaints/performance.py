"""Per-case handling durations, computed from the append-only ComplaintEvent timeline (the source of every KPI,
docs/architecture.md). Read by the Command Center's apparatus-performance facts (command_center/performance.py).

Pure reading: nothing here writes.

Rules (issue #6 §3; complaints-open311-lapor.md §5 rows 4, 23, 33):
- Bukan wewenang, arsip and digabung cases are excluded from every figure (`excluded`).
- Time waiting on the citizen does not count: a tunda until the file is complete again (TUNDA → RESUMED), and the
  confirmation window of a resolution the citizen later reopened (RESOLVED → REOPENED).
- After a limpah (re-route) the clock counts against the receiving unit: the unit charged is the OPD holding the
  case, and its clock starts at its own disposition (the last DISPOSISI or REROUTED event). The sender's time is
  not charged to anyone but shows in the time to dispose.
- Durations are working time in hari kerja (fractional days; only time on working days counts, by
  `kotacerdas.core.deadlines`). Why: the limits the OPD is judged against are hari kerja (3 hk to verify, 5 hk to a
  tindak lanjut; egov-rules §3 / complaints-open311-lapor.md §4), and a case that arrives on a Friday evening must
  not look slow because of the weekend. The resolution limit is 60 calendar days (Perpres 76/2013); whether a case
  was late is always judged against each rule's own unit through `sla.due_for`, so only the displayed duration is in
  working days.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta

from kotacerdas.complaints import sla
from kotacerdas.complaints.models import Complaint, ComplaintEvent, EventKind, SlaStage, Status
from kotacerdas.core import deadlines

DAY_SECONDS = 86400.0
EXCLUDED_STATUSES = (Status.BUKAN_WEWENANG, Status.ARSIP, Status.DIGABUNG)
BACKLOG_STATUSES = (Status.DISPOSISI, Status.DIPROSES)
RESOLVED_STATUSES = (Status.SELESAI, Status.TUNTAS, Status.TIDAK_TUNTAS)
VERIFY_KINDS = (EventKind.DISPOSISI, EventKind.BUKAN_WEWENANG, EventKind.ARSIP)


@dataclass(frozen=True)
class CaseTimes:
    """What one case contributes to the performance figures of the unit charged with it."""

    agency_id: int | None
    officer_id: int | None
    excluded: bool
    in_backlog: bool
    resolved: bool
    clock_start: datetime | None
    verify_days: float | None
    dispose_days: float | None
    response_days: float | None
    resolve_days: float | None
    respond_due: datetime | None
    resolve_due: datetime | None
    late: bool  # a limit already missed by the charged unit (a response or resolution after its due time)
    due_at: datetime | None  # for a case in the backlog: the limit it runs against now
    waits: tuple[tuple[datetime, datetime | None], ...]


def waiting_intervals(events: Iterable[ComplaintEvent]) -> list[tuple[datetime, datetime | None]]:
    """Periods when the case waited on the citizen: tunda → resumed, and resolved → reopened. An interval still
    running has None as its end."""
    waits: list[tuple[datetime, datetime | None]] = []
    tunda_from: datetime | None = None
    resolved_from: datetime | None = None
    for e in events:
        if e.kind == EventKind.TUNDA and tunda_from is None:
            tunda_from = e.at
        elif e.kind == EventKind.RESUMED and tunda_from is not None:
            waits.append((tunda_from, e.at))
            tunda_from = None
        elif e.kind == EventKind.RESOLVED:
            resolved_from = e.at
        elif e.kind == EventKind.REOPENED and resolved_from is not None:
            waits.append((resolved_from, e.at))
            resolved_from = None
    if tunda_from is not None:
        waits.append((tunda_from, None))
    return waits


def working_days(start: datetime, end: datetime, waits: Iterable[tuple[datetime, datetime | None]] = ()) -> float:
    """Working time between `start` and `end` in hari kerja, less the waiting intervals inside it."""
    if end <= start:
        return 0.0
    calendar = deadlines.calendar_for()
    seconds = calendar.working_seconds_between(start, end)
    for w_start, w_end in waits:
        a, b = max(start, w_start), min(end, w_end or end)
        if b > a:
            seconds -= calendar.working_seconds_between(a, b)
    return round(max(seconds, 0.0) / DAY_SECONDS, 4)


def _wait_seconds_after(start: datetime, waits: Iterable[tuple[datetime, datetime | None]], now: datetime) -> float:
    total = 0.0
    for w_start, w_end in waits:
        a, b = max(start, w_start), (w_end or now)
        if b > a:
            total += (b - a).total_seconds()
    return total


def case_times(complaint: Complaint, events: list[ComplaintEvent], now: datetime) -> CaseTimes:
    """Durations, limits and verdict of one case from its timeline (`events` ordered by time, then id)."""
    excluded = complaint.status in EXCLUDED_STATUSES
    waits = waiting_intervals(events)
    received = complaint.created_at
    verified_at = next((e.at for e in events if e.kind in VERIFY_KINDS), None)
    dispositions = [e for e in events if e.kind in (EventKind.DISPOSISI, EventKind.REROUTED)]
    clock_start = dispositions[-1].at if dispositions and complaint.agency_id else None
    verify_days = working_days(received, verified_at, waits) if verified_at else None
    dispose_days = working_days(received, clock_start, waits) if clock_start else None

    response_at = resolved_at = None
    if clock_start is not None:
        after = [e for e in events if e.at >= clock_start and e.kind in (EventKind.RESPONSE, EventKind.RESOLVED)]
        response_at = after[0].at if after else None
        resolutions = [e.at for e in after if e.kind == EventKind.RESOLVED]
        if complaint.status in RESOLVED_STATUSES and resolutions:
            resolved_at = resolutions[-1]
    response_days = working_days(clock_start, response_at, waits) if clock_start and response_at else None
    resolve_days = working_days(clock_start, resolved_at, waits) if clock_start and resolved_at else None

    respond_due = resolve_due = None
    late = False
    in_backlog = complaint.status in BACKLOG_STATUSES and complaint.agency_id is not None
    if clock_start is not None and not excluded:
        respond_due = sla.due_for(SlaStage.RESPOND, clock_start, complaint.category)
        # The receiving unit's own resolution limit, pushed back by the time the citizen kept it waiting.
        resolve_due = sla.due_for(SlaStage.RESOLVE, clock_start, complaint.category) + timedelta(
            seconds=_wait_seconds_after(clock_start, waits, resolved_at or now))
        late = bool((response_at and response_at > respond_due) or (resolved_at and resolved_at > resolve_due))
    due_at = None
    if in_backlog and respond_due is not None:
        due_at = respond_due if response_at is None else resolve_due
    return CaseTimes(
        agency_id=complaint.agency_id, officer_id=complaint.assigned_to_id, excluded=excluded,
        in_backlog=in_backlog and not excluded, resolved=resolved_at is not None, clock_start=clock_start,
        verify_days=verify_days, dispose_days=dispose_days, response_days=response_days, resolve_days=resolve_days,
        respond_due=respond_due, resolve_due=resolve_due, late=late, due_at=due_at, waits=tuple(waits),
    )
