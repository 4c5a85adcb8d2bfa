"""SLA warnings, escalation and automatic closing, at explicit times across holidays and cuti bersama."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

from kotacerdas.complaints import actions, sweeps
from kotacerdas.complaints.models import EventKind, Outcome, SlaStage, Status
from kotacerdas.complaints.tests.test_actions import file_report
from kotacerdas.core.models import Notification

WIB = ZoneInfo("Asia/Jakarta")


def at(day: int, hour: int = 10, month: int = 11) -> datetime:
    return datetime(2026, month, day, hour, 0, tzinfo=WIB)


def kinds(c):  # noqa: ANN001
    return list(c.events.values_list("kind", flat=True))


def test_it_warns_at_half_and_eighty_percent_then_escalates_an_opd_breach(city, people):
    c = file_report(city, people.wati, now=at(2, 9))  # Monday
    c = actions.do_dispose(people.adi, c, city.dlh, now=at(2, 10))  # 5 hk -> due Monday 9 Nov, 23:59
    assert sweeps.check_case(c, at(3)) == []  # day 1 of 5
    assert sweeps.check_case(c, at(5, 12)) == ["level_50"]
    assert sweeps.check_case(c, at(5, 13)) == []  # the same warning is raised once
    assert sweeps.check_case(c, at(9, 8)) == ["level_80"]  # Monday morning, the last day
    assert Notification.objects.filter(user=people.dewi, topic="complaint.sla_warning").exists()

    done = sweeps.check_case(c, at(10, 8))  # Tuesday: breached, the OPD head is told first
    assert done == ["level_100", "escalated_1"]
    c.refresh_from_db()
    assert c.escalation_level == 1
    assert Notification.objects.filter(user=people.kepala_dlh, topic="complaint.escalated").exists()

    assert sweeps.check_case(c, at(11, 8)) == ["escalated_2"]  # one working day later: admin koordinator
    assert Notification.objects.filter(user=people.adi, topic="complaint.escalated").exists()
    assert sweeps.check_case(c, at(12, 8)) == []
    assert sweeps.check_case(c, at(13, 8)) == ["escalated_3"]  # three working days late: pimpinan
    assert Notification.objects.filter(user=people.walikota, topic="complaint.escalated").exists()
    assert Notification.objects.filter(user=people.camat, topic="complaint.escalated").exists()
    assert Notification.objects.filter(user=people.lurah, topic="complaint.escalated").exists()
    assert not Notification.objects.filter(user=people.hendra, topic="complaint.escalated").exists()
    c.refresh_from_db()
    assert kinds(c).count(EventKind.ESCALATED) == 3 and EventKind.SLA_BREACH in kinds(c)


def test_it_escalates_a_late_verification_straight_to_the_coordinator(city, people):
    c = file_report(city, people.wati, now=at(2, 9))  # due Thursday 5 Nov
    assert sweeps.check_case(c, at(6, 9)) == ["level_100", "escalated_2"]


def test_it_skips_idul_fitri_holidays_and_cuti_bersama(city, people):
    # 2026: cuti bersama 18, 20, 23, 24 Mar; libur 19, 21, 22 Mar. Filed Tue 17 Mar: 3 hk = 25, 26, 27 Mar.
    c = file_report(city, people.wati, now=datetime(2026, 3, 17, 10, 0, tzinfo=WIB))
    assert c.stage_due_at.astimezone(WIB).date().isoformat() == "2026-03-27"
    assert sweeps.check_case(c, datetime(2026, 3, 24, 15, 0, tzinfo=WIB)) == []  # no working day has passed
    assert "level_100" not in sweeps.check_case(c, datetime(2026, 3, 27, 20, 0, tzinfo=WIB))


def test_it_closes_automatically_when_the_reporter_does_not_answer(city, people):
    c = file_report(city, people.wati, now=at(2, 9))
    c = actions.do_dispose(people.adi, c, city.dlh, now=at(2, 10))
    c = actions.do_accept(people.dewi, c, now=at(2, 11))
    c = actions.do_resolve(people.dewi, c, Outcome.FIXED, "Sampah sudah diangkut semua.", now=at(3))
    assert c.stage == SlaStage.CONFIRM
    assert sweeps.check_case(c, at(16)) == []  # 10 hk run to Tuesday 17 Nov
    c.refresh_from_db()
    assert sweeps.check_case(c, at(18)) == ["auto_closed"]
    c.refresh_from_db()
    assert c.status == Status.TUNTAS and c.auto_closed and c.closed_at == at(18)
    assert c.events.last().kind == EventKind.AUTO_CLOSED


def test_it_does_not_act_twice_when_another_worker_got_there_first(city, people):
    c = file_report(city, people.wati, now=at(2, 9))
    stale = type(c).objects.get(pk=c.pk)
    c = actions.do_dispose(people.adi, c, city.dlh, now=at(2, 10))  # bumps the version
    assert sweeps.check_case(stale, at(20)) == []  # the stale copy loses the claim


def test_it_sweeps_every_open_case_in_one_pass(city, people):
    for _ in range(3):
        file_report(city, people.wati, now=at(2, 9))
    counts = sweeps.sweep(now=at(9))
    assert counts == {"level_100": 3, "escalated_2": 3}
    assert sweeps.sweep(now=at(9)) == {}
    assert type(file_report(city, people.wati)).objects.first().status == Status.BARU
