"""Periodic work on the PPID clock: reminders at 50 % and 80 % of the allowed time, the red mark at 100 %, and
closing keberatan whose 14 hk sengketa window passed. Like complaints/sweeps.py, each case is claimed with a
conditional UPDATE on its version so two workers never warn twice.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from kotacerdas.core import deadlines, events, notify
from kotacerdas.openinfo import actions, rules, selectors
from kotacerdas.openinfo.models import (
    DipCategory,
    DipEntry,
    EventKind,
    InfoRequest,
    Objection,
    ObjectionStatus,
    PpidEvent,
    RequestStatus,
)


def level_at(start: datetime, due: datetime, now: datetime) -> int:
    """The highest reminder step reached (0, 50, 80 or 100), counted in working-day time."""
    used = deadlines.elapsed_fraction(start, due, now, deadlines.UNIT_WORKING_DAYS)
    if now > due:
        used = max(used, 1.0)
    reached = [level for level in rules.WARNING_LEVELS if used * 100 >= level]
    return reached[-1] if reached else 0


def _claim(model: type, pk: int, version: int, level: int) -> bool:
    return model.objects.filter(pk=pk, version=version).update(sla_level=level, version=F("version") + 1) == 1


def check_request(req: InfoRequest, now: datetime) -> str:
    level = level_at(req.received_at, req.due_at, now)
    if level <= req.sla_level:
        return ""
    with transaction.atomic():
        if not _claim(InfoRequest, req.pk, req.version, level):
            return ""
        kind = EventKind.OVERDUE if level >= 100 else EventKind.WARNING
        message = (_("Melewati batas jawaban.") if level >= 100
                   else _("%(level)d%% waktu jawaban terpakai.") % {"level": level})
        PpidEvent.objects.create(request=req, kind=kind, at=now, message=message, due_at=req.due_at,
                                 data={"level": level})
        notify.queue_many(selectors.ppid_officers(), subject=f"{req.reg_no}: {message}",
                          body=_("Batas jawaban: %(due)s.") % {"due": deadlines.to_local(req.due_at)
                                                               .strftime("%d-%m-%Y")},
                          topic="openinfo.sla")
    events.publish("openinfo.request", {"id": req.pk, "sla_level": level})
    return "overdue" if level >= 100 else f"level_{level}"


def check_objection(obj: Objection, now: datetime) -> str:
    level = level_at(obj.filed_at, obj.due_at, now)
    if level <= obj.sla_level:
        return ""
    with transaction.atomic():
        if not _claim(Objection, obj.pk, obj.version, level):
            return ""
        kind = EventKind.OVERDUE if level >= 100 else EventKind.WARNING
        message = (_("Tanggapan keberatan melewati batas.") if level >= 100
                   else _("%(level)d%% waktu tanggapan keberatan terpakai.") % {"level": level})
        PpidEvent.objects.create(request_id=obj.request_id, objection=obj, kind=kind, at=now, message=message,
                                 due_at=obj.due_at, data={"level": level})
        notify.queue_many(selectors.atasan_users(), subject=f"{obj.reg_no}: {message}", body=message,
                          topic="openinfo.sla")
    return "objection_overdue" if level >= 100 else f"objection_level_{level}"


def remind_berkala(now: datetime) -> int:
    """Berkala DIP lines due within BERKALA_REMINDER_DAYS (or overdue): one reminder to the PPID per cycle."""
    soon = now + timedelta(days=rules.BERKALA_REMINDER_DAYS)
    count = 0
    for entry in DipEntry.objects.filter(category=DipCategory.BERKALA, is_published=True, next_due_at__lte=soon):
        if entry.reminded_for == entry.next_due_at:
            continue
        if not DipEntry.objects.filter(pk=entry.pk, next_due_at=entry.next_due_at).exclude(
                reminded_for=entry.next_due_at).update(reminded_for=entry.next_due_at):
            continue
        due = deadlines.to_local(entry.next_due_at).strftime("%d-%m-%Y")
        notify.queue_many(selectors.ppid_officers(), subject=_("Informasi berkala perlu diumumkan: %(title)s")
                          % {"title": entry.title[:120]},
                          body=_("Pengumuman berikutnya paling lambat %(due)s (UU 14/2008 Pasal 9).") % {"due": due},
                          topic="openinfo.dip")
        count += 1
    return count


def sweep(now: datetime | None = None) -> dict[str, int]:
    now = now or timezone.now()
    counts: dict[str, int] = {}

    def add(what: str) -> None:
        if what:
            counts[what] = counts.get(what, 0) + 1

    for req in InfoRequest.objects.filter(status=RequestStatus.DIPROSES).order_by("pk").iterator():
        add(check_request(req, now))
    for obj in Objection.objects.filter(status=ObjectionStatus.DIPROSES).order_by("pk").iterator():
        add(check_objection(obj, now))
    for obj in Objection.objects.filter(status=ObjectionStatus.DIJAWAB, dispute_due_at__lt=now).order_by("pk"):
        if actions.close_expired_dispute_window(obj, now):
            add("closed")
    for _n in range(remind_berkala(now)):
        add("berkala_reminder")
    return counts
