"""Periodic work on the complaint clock: SLA warnings, escalation of breaches, automatic closing.

Called by tasks (complaints/tasks.py) and by `manage.py sla_sweep`. Each case is claimed with a conditional
UPDATE on its version (healthchecks' sendalerts pattern), so two workers never act on the same case twice:

1. Find open cases whose current stage has a due time.
2. Compute the warning level from the elapsed share of the allowed time (50 %, 80 %, 100 % = breach).
3. Past the due time, move up the escalation ladder when its step is reached.
4. Cases waiting for the reporter (selesai) past their 10 hk window close automatically.
5. Claim by `version`; if another worker got there first, skip the case.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from kotacerdas.accounts import selectors as people
from kotacerdas.complaints import notifications, sla
from kotacerdas.complaints.models import (
    OPEN_STATUSES,
    Complaint,
    ComplaintEvent,
    EventKind,
    Outcome,
    SlaStage,
    Status,
)
from kotacerdas.core import deadlines, events


@dataclass(frozen=True)
class EscalationStep:
    level: int
    after_working_days: int  # working days past the due time
    label: str


# Escalation ladder (issue #2: OPD head → admin koordinator → pimpinan). Timing follows local practice recorded in
# complaints-open311-lapor.md §3.4 (Pematangsiantar: Kominfo chases the OPD, the wali kota is told after 5 days) [P];
# it is data so a city can change it.
ESCALATION_LADDER = (
    EscalationStep(1, 0, "Kepala OPD"),
    EscalationStep(2, 1, "Admin koordinator"),
    EscalationStep(3, 3, "Pimpinan"),
)


def _recipients(complaint: Complaint, level: int) -> list[Any]:
    if level == 1:
        head = complaint.agency.head if complaint.agency_id else None
        return [head] if head else list(people.staff_for_agency(complaint.agency)) if complaint.agency_id else []
    if level == 2:
        return list(people.admin_koordinators())
    return list(people.pimpinan_for(complaint.kelurahan or complaint.kecamatan))


def _claim(complaint: Complaint, **changes: Any) -> bool:
    """Applies `changes` only if nobody changed the case since we read it."""
    updated = Complaint.objects.filter(pk=complaint.pk, version=complaint.version).update(
        version=F("version") + 1, **changes
    )
    if updated == 1:
        for k, v in changes.items():
            setattr(complaint, k, v)
        complaint.version += 1
        return True
    return False


def _unit_for(complaint: Complaint) -> str:
    return sla.rule_for(complaint.stage, complaint.category).unit


def _log(complaint: Complaint, kind: str, now: datetime, message: str, data: dict[str, Any]) -> None:
    ComplaintEvent.objects.create(complaint=complaint, kind=kind, at=now, agency=complaint.agency,
                                  from_status=complaint.status, to_status=complaint.status, message=message,
                                  data=data)


def check_case(complaint: Complaint, now: datetime) -> list[str]:
    """Advances one case's warnings, escalation or auto-close. Returns what happened (for the command output)."""
    done: list[str] = []
    if complaint.status == Status.SELESAI and complaint.stage_due_at and now >= complaint.stage_due_at:
        if auto_close(complaint, now):
            done.append("auto_closed")
        return done
    if not complaint.stage or not complaint.stage_due_at or complaint.status not in OPEN_STATUSES:
        return done
    if complaint.stage == SlaStage.CONFIRM:
        return done  # the reporter's window: nobody to warn, auto-close above handles its end
    unit = _unit_for(complaint)
    level = sla.warning_level(complaint.stage_started_at or complaint.created_at, complaint.stage_due_at, now, unit)
    with transaction.atomic():
        if level > complaint.sla_level:
            if not _claim(complaint, sla_level=level):
                return done
            if level >= 100:
                _log(complaint, EventKind.SLA_BREACH, now, _("Melewati tenggat %(stage)s.")
                     % {"stage": complaint.get_stage_display()}, {"stage": complaint.stage, "level": level})
            else:
                _log(complaint, EventKind.SLA_WARNING, now, _("%(level)d%% waktu %(stage)s terpakai.")
                     % {"level": level, "stage": complaint.get_stage_display()},
                     {"stage": complaint.stage, "level": level})
                handlers = (list(people.admin_koordinators()) if complaint.stage == SlaStage.VERIFY
                            else list(people.staff_for_agency(complaint.agency)) if complaint.agency_id else [])
                notifications.sla_warning(complaint, handlers, level)
            done.append(f"level_{level}")
        if complaint.sla_level >= 100:
            # Complete working days since the due day ended (the due time is the end of that day).
            late_days = max(0, deadlines.working_days_between(deadlines.to_local(complaint.stage_due_at).date(),
                                                              deadlines.to_local(now).date()) - 1)
            # The coordinator's own verification stage skips the OPD head step; the ladder's timing shifts with it.
            first = 2 if complaint.stage == SlaStage.VERIFY else 1
            offset = next(step.after_working_days for step in ESCALATION_LADDER if step.level == first)
            for step in ESCALATION_LADDER:
                if step.level < first or step.level <= complaint.escalation_level:
                    continue
                if late_days < step.after_working_days - offset:
                    break
                if not _claim(complaint, escalation_level=step.level):
                    return done
                _log(complaint, EventKind.ESCALATED, now, _("Dieskalasi ke %(who)s.") % {"who": step.label},
                     {"level": step.level, "stage": complaint.stage, "late_working_days": late_days})
                notifications.escalated(complaint, _recipients(complaint, step.level), step.label)
                done.append(f"escalated_{step.level}")
    if done:
        events.publish("complaint.sla", {"id": complaint.pk, "sla_level": complaint.sla_level,
                                         "escalation_level": complaint.escalation_level})
    return done


@transaction.atomic
def auto_close(complaint: Complaint, now: datetime) -> bool:
    """No answer from the reporter within 10 hk of "selesai": the case is closed as the OPD reported it."""
    status = Status.TUNTAS if complaint.outcome == Outcome.FIXED else Status.TIDAK_TUNTAS
    if not _claim(complaint, status=status, closed_at=now, auto_closed=True, stage="", stage_due_at=None):
        return False
    ComplaintEvent.objects.create(
        complaint=complaint, kind=EventKind.AUTO_CLOSED, at=now, agency=complaint.agency,
        from_status=Status.SELESAI, to_status=status, is_public=True,
        message=_("Ditutup otomatis: pelapor tidak menanggapi dalam 10 hari kerja."),
    )
    notifications.closed(complaint)
    events.publish("complaint.changed", {"id": complaint.pk, "status": status, "agency": complaint.agency_id,
                                         "version": complaint.version})
    return True


def sweep(now: datetime | None = None, batch: int = 500) -> dict[str, int]:
    """One pass over every open case with a running clock."""
    now = now or timezone.now()
    counts: dict[str, int] = {}
    qs = (Complaint.objects.filter(status__in=OPEN_STATUSES, stage_due_at__isnull=False)
          .select_related("category", "agency", "agency__head", "kecamatan", "kelurahan").order_by("stage_due_at"))
    last_id = 0
    while True:
        chunk = list(qs.filter(pk__gt=last_id).order_by("pk")[:batch])
        if not chunk:
            break
        for complaint in chunk:
            for what in check_case(complaint, now):
                counts[what] = counts.get(what, 0) + 1
        last_id = chunk[-1].pk
    return counts
