"""The pure working-day calendar: explicit datetimes in, aware datetimes out, no clock and no database."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from kotacerdas.lib.workdays import WorkCalendar

WIB = ZoneInfo("Asia/Jakarta")
WITA = ZoneInfo("Asia/Makassar")

# 2026 days off around Idul Fitri (egov-rules §8.2): libur 19 (Nyepi), 21, 22 Mar; cuti bersama 18, 20, 23,
# 24 Mar.
IDUL_FITRI_LIBUR = {date(2026, 3, 19), date(2026, 3, 21), date(2026, 3, 22)}
IDUL_FITRI_CUTI = {date(2026, 3, 18), date(2026, 3, 20), date(2026, 3, 23), date(2026, 3, 24)}


def at(y: int, m: int, d: int, hh: int = 10, mm: int = 0, tz: ZoneInfo = WIB) -> datetime:
    return datetime(y, m, d, hh, mm, tzinfo=tz)


def end_of(y: int, m: int, d: int, tz: ZoneInfo = WIB) -> datetime:
    return datetime(y, m, d, 23, 59, 59, tzinfo=tz)


def test_it_skips_weekends() -> None:
    cal = WorkCalendar()
    # Thu 9 Jul 2026: day 1 Fri 10, day 2 Mon 13.
    assert cal.add_working_days(at(2026, 7, 9), 2) == end_of(2026, 7, 13)
    assert not cal.is_working_day(date(2026, 7, 11))
    assert not cal.is_working_day(date(2026, 7, 12))
    assert cal.next_working_day(date(2026, 7, 10)) == date(2026, 7, 13)


def test_it_skips_a_libur_nasional() -> None:
    # 17 Aug 2026 is a Monday. A report on Fri 14 Aug: day 1 would be Mon 17, the holiday moves it to Tue 18.
    assert WorkCalendar().add_working_days(at(2026, 8, 14), 1) == end_of(2026, 8, 17)
    cal = WorkCalendar(holidays={date(2026, 8, 17)})
    assert cal.add_working_days(at(2026, 8, 14), 1) == end_of(2026, 8, 18)


def test_it_skips_cuti_bersama_by_default_and_counts_it_when_the_flag_is_off() -> None:
    libur, cuti = {date(2026, 12, 25)}, {date(2026, 12, 24)}
    received = at(2026, 12, 22)  # Tuesday
    # Day 1 Wed 23; then 24 cuti, 25 libur, 26-27 weekend, so day 2 is Mon 28.
    skipped = WorkCalendar(holidays=libur, cuti_bersama=cuti)
    assert skipped.add_working_days(received, 2) == end_of(2026, 12, 28)
    counted = WorkCalendar(holidays=libur, cuti_bersama=cuti, cuti_bersama_is_holiday=False)
    assert counted.add_working_days(received, 2) == end_of(2026, 12, 24)
    # A libur nasional stays a day off whatever the cuti bersama flag says.
    assert not counted.is_working_day(date(2026, 12, 25))


def test_it_counts_the_receipt_day_only_when_configured() -> None:
    received = at(2026, 7, 7)  # Tuesday 10:00, office hours
    assert WorkCalendar().add_working_days(received, 1) == end_of(2026, 7, 8)
    assert WorkCalendar(receipt_day_counts=True).add_working_days(received, 1) == end_of(2026, 7, 7)


def test_it_counts_a_friday_evening_report_from_monday() -> None:
    friday_evening = at(2026, 7, 10, 18, 0)
    assert WorkCalendar().receipt_day(friday_evening) == date(2026, 7, 13)
    # Received Monday: day 1 is Tuesday by default, Monday itself when the receipt day counts.
    assert WorkCalendar().add_working_days(friday_evening, 1) == end_of(2026, 7, 14)
    assert WorkCalendar(receipt_day_counts=True).add_working_days(friday_evening, 1) == end_of(2026, 7, 13)
    # Saturday behaves like Friday evening.
    assert WorkCalendar().add_working_days(at(2026, 7, 11), 1) == end_of(2026, 7, 14)


def test_it_closes_the_receipt_day_at_the_end_of_office_hours() -> None:
    cal = WorkCalendar(receipt_day_counts=True)
    assert cal.receipt_day(at(2026, 7, 10, 15, 59)) == date(2026, 7, 10)
    assert cal.receipt_day(at(2026, 7, 10, 16, 0)) == date(2026, 7, 13)
    # Before opening on a working day: received at that day's opening.
    assert cal.receipt_day(at(2026, 7, 7, 6, 0)) == date(2026, 7, 7)
    later_close = WorkCalendar(receipt_day_counts=True, office_end=datetime(2026, 1, 1, 16, 30).time())
    assert later_close.receipt_day(at(2026, 7, 10, 16, 15)) == date(2026, 7, 10)


def test_it_gives_three_working_days_across_the_idul_fitri_2026_block() -> None:
    cal = WorkCalendar(holidays=IDUL_FITRI_LIBUR, cuti_bersama=IDUL_FITRI_CUTI)
    # Tue 17 Mar 10:00. 18 cuti, 19 Nyepi, 20 cuti, 21-22 Idul Fitri (weekend), 23-24 cuti:
    # 25, 26 and 27 Mar are the three working days, so it is due Fri 27 Mar 23:59:59 WIB.
    assert cal.add_working_days(at(2026, 3, 17), 3) == end_of(2026, 3, 27)
    # Counting cuti bersama as working days: 18, 20 and 23 Mar.
    counted = WorkCalendar(
        holidays=IDUL_FITRI_LIBUR, cuti_bersama=IDUL_FITRI_CUTI, cuti_bersama_is_holiday=False
    )
    assert counted.add_working_days(at(2026, 3, 17), 3) == end_of(2026, 3, 23)


def test_it_counts_calendar_days_through_weekends_and_holidays() -> None:
    cal = WorkCalendar(holidays=IDUL_FITRI_LIBUR, cuti_bersama=IDUL_FITRI_CUTI)
    # 60 hari from Tue 17 Mar: day 1 is 18 Mar, day 60 is 18 Mar + 59 days = Sat 16 May.
    assert cal.add_calendar_days(at(2026, 3, 17), 60) == end_of(2026, 5, 16)
    assert WorkCalendar(receipt_day_counts=True).add_calendar_days(at(2026, 3, 17), 60) == end_of(2026, 5, 15)
    # Office hours do not matter for calendar days.
    assert cal.add_calendar_days(at(2026, 7, 10, 18, 0), 1) == end_of(2026, 7, 11)


def test_it_adds_plain_hours_and_answers_in_the_calendar_zone() -> None:
    received = datetime(2026, 7, 10, 8, 0, tzinfo=UTC)  # Fri 15:00 WIB
    due = WorkCalendar().add_hours(received, 24)
    assert due == at(2026, 7, 11, 15, 0)  # Saturday: hours run around the clock
    assert due.tzinfo == WIB
    assert WorkCalendar().add_working_days(received, 1).tzinfo == WIB


def test_it_counts_working_days_between_two_dates() -> None:
    cal = WorkCalendar(holidays={date(2026, 8, 17)})
    assert cal.working_days_between(date(2026, 7, 10), date(2026, 7, 14)) == 2  # Mon 13, Tue 14
    assert cal.working_days_between(date(2026, 7, 14), date(2026, 7, 10)) == -2
    assert cal.working_days_between(at(2026, 7, 10, 8), at(2026, 7, 10, 20)) == 0
    assert cal.working_days_between(date(2026, 8, 14), date(2026, 8, 18)) == 1  # only Tue 18


def test_it_draws_the_local_day_boundary_in_wita() -> None:
    # Mon 2 Mar 2026 16:30 UTC is 23:30 WIB on Monday but 00:30 WITA on Tuesday.
    instant = datetime(2026, 3, 2, 16, 30, tzinfo=UTC)
    assert WorkCalendar(tz=WIB).add_calendar_days(instant, 1) == end_of(2026, 3, 3, WIB)
    assert WorkCalendar(tz=WITA).add_calendar_days(instant, 1) == end_of(2026, 3, 4, WITA)
    # Fri 10 Jul 08:30 UTC: 15:30 WIB (office open) but 16:30 WITA (closed, received Monday).
    friday = datetime(2026, 7, 10, 8, 30, tzinfo=UTC)
    assert WorkCalendar(tz=WIB).add_working_days(friday, 1) == end_of(2026, 7, 13, WIB)
    assert WorkCalendar(tz="Asia/Makassar").add_working_days(friday, 1) == end_of(2026, 7, 14, WITA)


def test_it_measures_elapsed_working_time_and_stands_still_on_weekends() -> None:
    cal = WorkCalendar()
    start, due = at(2026, 7, 10, 0, 0), at(2026, 7, 14, 0, 0)  # Fri 00:00 to Tue 00:00: Fri + Mon = 48 h
    assert cal.elapsed_fraction(start, due, at(2026, 7, 9, 12, 0)) == 0.0
    assert cal.elapsed_fraction(start, due, at(2026, 7, 11, 12, 0)) == 0.5  # Saturday noon
    assert cal.elapsed_fraction(start, due, at(2026, 7, 12, 23, 0)) == 0.5  # Sunday night: unchanged
    assert cal.elapsed_fraction(start, due, at(2026, 7, 13, 12, 0)) == 0.75
    assert cal.elapsed_fraction(start, due, due) == 1.0
    assert cal.elapsed_fraction(start, due, at(2026, 7, 14, 12, 0)) > 1.0
    # Plain seconds (hari, jam): the weekend counts.
    assert cal.elapsed_fraction(start, due, at(2026, 7, 11, 12, 0), working_time=False) == 36 / 96


def test_it_never_lets_the_elapsed_fraction_go_backwards() -> None:
    cal = WorkCalendar(holidays=IDUL_FITRI_LIBUR, cuti_bersama=IDUL_FITRI_CUTI)
    start = at(2026, 3, 17, 10, 0)
    due = cal.add_working_days(start, 3)
    previous = -1.0
    now = start - timedelta(hours=5)
    while now < due + timedelta(days=3):
        fraction = cal.elapsed_fraction(start, due, now)
        assert fraction >= previous
        previous = fraction
        now += timedelta(minutes=47)
    assert previous > 1.0


def test_it_loads_each_year_once_on_first_use() -> None:
    calls: list[int] = []

    def loader(year: int) -> tuple[set[date], set[date]]:
        calls.append(year)
        return ({date(2027, 1, 1)} if year == 2027 else set()), set()

    cal = WorkCalendar(loader=loader)
    # Wed 30 Dec 2026: day 1 Thu 31, 1 Jan 2027 is a holiday (loaded), day 2 Mon 4 Jan.
    assert cal.add_working_days(at(2026, 12, 30), 2) == end_of(2027, 1, 4)
    assert cal.add_working_days(at(2026, 12, 30), 2) == end_of(2027, 1, 4)
    assert calls == [2026, 2027]


def test_it_refuses_naive_datetimes_and_empty_limits() -> None:
    cal = WorkCalendar()
    with pytest.raises(ValueError, match="timezone-aware"):
        cal.add_working_days(datetime(2026, 7, 7, 10, 0), 1)
    with pytest.raises(ValueError, match="at least 1"):
        cal.add_working_days(at(2026, 7, 7), 0)
    with pytest.raises(ValueError, match="office_end"):
        WorkCalendar(office_start=datetime(2026, 1, 1, 16).time(), office_end=datetime(2026, 1, 1, 8).time())
