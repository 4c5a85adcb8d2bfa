"""Per-case durations from the timeline (complaints/performance.py): working time, waits, re-routes."""

from __future__ import annotations

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from kotacerdas.complaints import actions
from kotacerdas.complaints import performance as perf
from kotacerdas.complaints.models import Complaint, Outcome

WIB = ZoneInfo("Asia/Jakarta")


def at(day: int, hour: int = 9) -> datetime:
    return datetime(2026, 11, day, hour, 0, tzinfo=WIB)  # Mon 2 Nov 2026 .. Fri 20 Nov: no holiday


def file(city, people, when) -> Complaint:  # noqa: ANN001
    return actions.submit({"title": "Sampah menumpuk di depan pasar",
                           "description": "Sudah seminggu sampah tidak diangkut, baunya menyengat.",
                           "category": city.cat_sampah.code, "lat": city.inside[0], "lon": city.inside[1]},
                          people.wati, now=when)


def times(c: Complaint, now: datetime | None = None) -> perf.CaseTimes:
    c.refresh_from_db()
    return perf.case_times(c, list(c.events.order_by("at", "id")), now or at(30))


@pytest.mark.django_db
def test_it_counts_only_working_days_so_a_weekend_does_not_make_a_case_slow(city, people):
    c = file(city, people, at(6))  # Friday
    c = actions.do_dispose(people.adi, c, city.dlh, now=at(6))
    actions.do_respond(people.dewi, c, "Petugas sudah kami kirim ke lokasi.", now=at(9))  # Monday 09:00
    t = times(c)
    assert t.response_days == pytest.approx(1.0)  # Fri 09-24 + Mon 00-09 = 24 h of working days
    assert not t.late


@pytest.mark.django_db
def test_it_leaves_out_the_tunda_time_waiting_on_the_citizen(city, people):
    c = file(city, people, at(2, 9))
    c = actions.do_tunda(people.adi, c, "Mohon kirim foto lokasi yang jelas.", now=at(2, 10))
    c = actions.do_resume(people.adi, c, now=at(4, 10))
    c = actions.do_dispose(people.adi, c, city.dlh, now=at(4, 11))
    t = times(c)
    assert t.verify_days == pytest.approx(2 / 24, abs=1e-3)  # 1 h before the tunda + 1 h after it
    assert t.dispose_days == pytest.approx(2 / 24, abs=1e-3)


@pytest.mark.django_db
def test_it_leaves_out_the_confirmation_window_before_a_reopen(city, people):
    c = file(city, people, at(2))
    c = actions.do_dispose(people.adi, c, city.dlh, now=at(2))
    c = actions.do_respond(people.dewi, c, "Petugas sudah kami kirim ke lokasi.", now=at(3))
    c = actions.do_resolve(people.dewi, c, Outcome.FIXED, "Sampah sudah diangkut hari ini.", now=at(4))
    c = actions.do_reopen(people.wati, c, "Sampahnya kembali menumpuk.", now=at(6))  # 2 days waiting
    c = actions.do_resolve(people.dewi, c, Outcome.FIXED, "Sudah diangkut lagi, tuntas.", now=at(9))
    t = times(c)
    # Mon 2 -> Mon 9 is 5 working days; Wed 4 -> Fri 6 (2 working days) waited on the citizen.
    assert t.resolve_days == pytest.approx(3.0)
    assert t.resolved


@pytest.mark.django_db
def test_it_charges_the_receiving_unit_after_a_reroute_from_its_own_disposition(city, people):
    c = file(city, people, at(2))
    c = actions.do_dispose(people.adi, c, city.dlh, now=at(2))
    c = actions.do_reroute(people.dewi, c, city.dishub, "Ini lampu jalan, milik Dishub.", now=at(5))
    actions.do_respond(people.hendra, c, "Tim Dishub sudah meninjau lokasi.", now=at(6))
    t = times(c)
    assert t.agency_id == city.dishub.pk
    assert t.clock_start == at(5)
    assert t.response_days == pytest.approx(1.0)
    assert t.dispose_days == pytest.approx(3.0)  # routing took three days, charged to nobody's response


@pytest.mark.django_db
def test_it_marks_a_response_after_five_working_days_late_and_excludes_bukan_wewenang(city, people):
    c = file(city, people, at(2))
    c = actions.do_dispose(people.adi, c, city.dlh, now=at(2))
    actions.do_respond(people.dewi, c, "Petugas sudah kami kirim ke lokasi.", now=at(10))  # 6 working days
    assert times(c).late

    other = file(city, people, at(2))
    other = actions.do_close_unverified(people.adi, other, "bukan_wewenang", "Jalan nasional, kewenangan BBPJN.",
                                        now=at(3))
    t = times(other)
    assert t.excluded and not t.in_backlog and not t.late


@pytest.mark.django_db
def test_it_subtracts_waits_only_inside_the_measured_span():
    waits = [(at(3), at(4)), (at(10), None)]
    assert perf.working_days(at(2), at(5), waits) == pytest.approx(2.0)
    assert perf.working_days(at(5), at(2), waits) == 0.0
    assert perf.working_days(at(2), at(2) + timedelta(hours=12)) == pytest.approx(0.5)
