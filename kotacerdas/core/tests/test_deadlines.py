"""Deadlines from the real calendar: the `holidays` package, the Holiday table (2026 SKB migration) and
settings."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

import holidays as holidays_package
import pytest

from kotacerdas.core import deadlines
from kotacerdas.core.models import Holiday, HolidayKind, SiteSettings

WIB = ZoneInfo("Asia/Jakarta")
WITA = ZoneInfo("Asia/Makassar")
SKB_2026 = "SKB Menag 1497/2025"


def at(y: int, m: int, d: int, hh: int = 10, mm: int = 0, tz: ZoneInfo = WIB) -> datetime:
    return datetime(y, m, d, hh, mm, tzinfo=tz)


def end_of(y: int, m: int, d: int, tz: ZoneInfo = WIB) -> datetime:
    return datetime(y, m, d, 23, 59, 59, tzinfo=tz)


@pytest.fixture(autouse=True)
def fresh_calendar(db) -> Iterator[None]:  # noqa: ANN001
    # The test transaction is rolled back without a signal: a calendar cached in a test must not outlive it.
    deadlines.clear_cache()
    yield
    deadlines.clear_cache()


def test_it_loads_the_2026_skb_days_with_their_source() -> None:
    rows = Holiday.objects.filter(date__year=2026, source__startswith=SKB_2026)
    assert rows.filter(kind=HolidayKind.LIBUR_NASIONAL).count() == 17
    assert sorted(rows.filter(kind=HolidayKind.CUTI_BERSAMA).values_list("date", flat=True)) == [
        date(2026, 2, 16), date(2026, 3, 18), date(2026, 3, 20), date(2026, 3, 23), date(2026, 3, 24),
        date(2026, 5, 15), date(2026, 5, 28), date(2026, 12, 24),
    ]


def test_it_agrees_with_the_holidays_package_on_the_2026_libur_nasional() -> None:
    # If a package upgrade moves a 2026 date, this says so before deadlines silently change.
    rows = Holiday.objects.filter(date__year=2026, kind=HolidayKind.LIBUR_NASIONAL)
    table = set(rows.values_list("date", flat=True))
    assert table == set(holidays_package.country_holidays("ID", years=2026))


def test_it_skips_weekends_and_a_libur_nasional() -> None:
    # Fri 14 Aug 2026: day 1 would be Mon 17 Aug, Hari Kemerdekaan, so Tue 18 Aug.
    assert deadlines.due_at(at(2026, 8, 14), 1, "hk") == end_of(2026, 8, 18)
    # A year without table rows: the package alone knows 17 Aug 2027 (Tuesday). Mon 16: day 1 Wed 18.
    assert not Holiday.objects.filter(date__year=2027).exists()
    assert deadlines.due_at(at(2027, 8, 16), 1, "hk") == end_of(2027, 8, 18)


def test_it_gives_three_working_days_across_the_idul_fitri_2026_block() -> None:
    # Tue 17 Mar 10:00. 18 cuti, 19 Nyepi, 20 cuti, 21-22 Idul Fitri, 23-24 cuti: the three working days are
    # 25, 26 and 27 Mar, so verification is due Fri 27 Mar 23:59:59 WIB.
    assert deadlines.due_at(at(2026, 3, 17), 3, "hk") == end_of(2026, 3, 27)


def test_it_skips_cuti_bersama_by_default_and_counts_them_when_the_setting_is_off(settings) -> None:  # noqa: ANN001
    received = at(2026, 12, 22)  # Tue; 24 Dec cuti bersama, 25 Dec Natal
    assert deadlines.due_at(received, 2, "hk") == end_of(2026, 12, 28)
    settings.CALENDAR_CUTI_BERSAMA_IS_HOLIDAY = False
    deadlines.clear_cache()
    assert deadlines.due_at(received, 2, "hk") == end_of(2026, 12, 24)
    assert deadlines.due_at(at(2026, 3, 17), 3, "hk") == end_of(2026, 3, 23)  # 18, 20, 23 Mar


def test_it_counts_the_receipt_day_only_when_the_setting_says_so(settings) -> None:  # noqa: ANN001
    received = at(2026, 7, 7)  # Tue 10:00
    assert deadlines.due_at(received, 1, "hk") == end_of(2026, 7, 8)
    settings.CALENDAR_RECEIPT_DAY_COUNTS = True
    deadlines.clear_cache()
    assert deadlines.due_at(received, 1, "hk") == end_of(2026, 7, 7)


def test_it_counts_a_friday_evening_report_from_monday(settings) -> None:  # noqa: ANN001
    friday_evening = at(2026, 7, 10, 18, 0)
    assert deadlines.due_at(friday_evening, 1, "hk") == end_of(2026, 7, 14)  # received Mon, day 1 Tue
    settings.CALENDAR_RECEIPT_DAY_COUNTS = True
    assert deadlines.due_at(friday_evening, 1, "hk") == end_of(2026, 7, 13)  # received Mon, day 1 Mon
    settings.OFFICE_HOURS_END = "18:30"
    assert deadlines.due_at(friday_evening, 1, "hk") == end_of(2026, 7, 10)  # still open: Friday counts


def test_it_moves_a_deadline_when_an_admin_adds_a_holiday(people, client) -> None:  # noqa: ANN001
    received = at(2026, 7, 6)  # Mon 10:00, one hk: Tue 7 Jul
    assert deadlines.due_at(received, 1, "hk") == end_of(2026, 7, 7)
    client.force_login(people.root)
    response = client.post("/admin/core/holiday/add/", {
        "date": "2026-07-07", "kind": HolidayKind.LIBUR_NASIONAL, "name": "Libur daerah",
        "source": "Keputusan Wali Kota",
    })
    assert response.status_code == 302, response.content[:500]
    assert deadlines.due_at(received, 1, "hk") == end_of(2026, 7, 8)
    Holiday.objects.get(date=date(2026, 7, 7)).delete()
    assert deadlines.due_at(received, 1, "hk") == end_of(2026, 7, 7)


def test_it_treats_an_added_cuti_bersama_row_by_the_setting(settings) -> None:  # noqa: ANN001
    received = at(2026, 7, 6)
    Holiday.objects.create(date=date(2026, 7, 7), kind=HolidayKind.CUTI_BERSAMA, name="Cuti bersama uji")
    assert deadlines.due_at(received, 1, "hk") == end_of(2026, 7, 8)
    settings.CALENDAR_CUTI_BERSAMA_IS_HOLIDAY = False
    assert deadlines.due_at(received, 1, "hk") == end_of(2026, 7, 7)


def test_it_keeps_one_calendar_until_the_holiday_table_changes() -> None:
    first = deadlines.calendar_for()
    assert deadlines.calendar_for() is first
    holiday = Holiday.objects.create(date=date(2026, 7, 7), kind=HolidayKind.LIBUR_NASIONAL, name="Uji")
    second = deadlines.calendar_for()
    assert second is not first
    holiday.delete()
    assert deadlines.calendar_for() is not second


def test_it_uses_the_local_day_boundary_of_a_wita_city() -> None:
    # Mon 2 Mar 2026 16:30 UTC: 23:30 WIB Monday, 00:30 WITA Tuesday.
    instant = datetime(2026, 3, 2, 16, 30, tzinfo=UTC)
    assert deadlines.due_at(instant, 1, "hari") == end_of(2026, 3, 3, WIB)
    assert deadlines.due_at(instant, 1, "hari", tz="Asia/Makassar") == end_of(2026, 3, 4, WITA)
    # The site's zone is the default.
    site = SiteSettings.load()
    site.timezone = "Asia/Makassar"
    site.save()
    due = deadlines.due_at(instant, 1, "hari")
    assert due == end_of(2026, 3, 4, WITA)
    assert str(due.tzinfo) == "Asia/Makassar"
    # Fri 14 Aug 08:30 UTC is 16:30 WITA, after closing: received Tue 18 (17 Aug off), day 1 Wed 19.
    assert deadlines.due_at(datetime(2026, 8, 14, 8, 30, tzinfo=UTC), 1, "hk") == end_of(2026, 8, 19, WITA)
    assert deadlines.due_at(datetime(2026, 8, 14, 8, 30, tzinfo=UTC), 1, "hk", tz="Asia/Jakarta") == end_of(
        2026, 8, 18, WIB
    )


def test_it_counts_calendar_days_and_hours_without_skipping_anything() -> None:
    # 60 hari (Perpres 76/2013) from Tue 17 Mar: day 1 = 18 Mar, day 60 = Sat 16 May, holidays included.
    assert deadlines.due_at(at(2026, 3, 17), 60, "hari") == end_of(2026, 5, 16)
    assert deadlines.due_at(at(2026, 3, 20, 22, 0), 6, "jam") == at(2026, 3, 21, 4, 0)


def test_it_measures_elapsed_time_by_unit() -> None:
    start, due = at(2026, 7, 10, 0, 0), at(2026, 7, 14, 0, 0)  # Fri 00:00 to Tue 00:00
    saturday_noon = at(2026, 7, 11, 12, 0)
    assert deadlines.elapsed_fraction(start, due, saturday_noon, "hk") == 0.5  # Fri of Fri+Mon
    assert deadlines.elapsed_fraction(start, due, saturday_noon, "jam") == 36 / 96
    assert deadlines.elapsed_fraction(start, due, saturday_noon, "hari") == 36 / 96


def test_it_rejects_an_unknown_unit() -> None:
    with pytest.raises(ValueError, match="unknown deadline unit"):
        deadlines.due_at(at(2026, 7, 6), 1, "minggu")


def test_it_shows_times_in_the_site_zone() -> None:
    instant = datetime(2026, 3, 2, 16, 30, tzinfo=UTC)
    assert deadlines.to_local(instant).isoformat() == "2026-03-02T23:30:00+07:00"
    assert deadlines.to_local(instant, "Asia/Makassar").isoformat() == "2026-03-03T00:30:00+08:00"
    assert deadlines.is_working_day(date(2026, 3, 25))
    assert not deadlines.is_working_day(date(2026, 3, 24))
    assert deadlines.working_days_between(date(2026, 3, 17), date(2026, 3, 27)) == 3
