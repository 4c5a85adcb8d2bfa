"""The one place where deadlines are computed (docs/architecture.md): hari kerja, holidays, cuti bersama,
settings.

A calendar is built per time zone from
- the `holidays` package, public category (libur nasional, Keppres/SKB based, any year, loaded on first use);
- `core.Holiday` rows: `libur` rows add days off (a year the package does not know yet, or a correction);
  `cuti_bersama` rows are days off only while `CALENDAR_CUTI_BERSAMA_IS_HOLIDAY` (egov-rules §8.3, [U]);
- `CALENDAR_RECEIPT_DAY_COUNTS`, `OFFICE_HOURS_START`, `OFFICE_HOURS_END`.
The arithmetic itself is `kotacerdas.lib.workdays` (pure, documented there).

Cuti bersama come from the Holiday table only, never from the package's "government" category, because the
SKB is the authority and egov-rules §8.2 asks for a data table the city can check and correct.

Caching: calendars are kept per (zone, settings) in this process. Saving or deleting a Holiday clears the
cache at once and again after commit (`core/signals.py`); other processes (web workers, the task worker) pick
the change up after `CACHE_SECONDS` at the latest, since Holiday rows change a few times a year.
"""

from __future__ import annotations

import threading
import time as _time
from datetime import date, datetime, time
from zoneinfo import ZoneInfo

import holidays as holidays_package
from django.conf import settings
from django.utils import timezone as dj_timezone

from kotacerdas.lib.workdays import WorkCalendar

# Upper bound on how stale another process's calendar can be after an admin edits the holiday table.
CACHE_SECONDS = 300.0

UNIT_WORKING_DAYS = "hk"
UNIT_CALENDAR_DAYS = "hari"
UNIT_HOURS = "jam"
UNITS = (UNIT_WORKING_DAYS, UNIT_CALENDAR_DAYS, UNIT_HOURS)

_cache: dict[tuple[object, ...], tuple[WorkCalendar, float]] = {}
_cache_lock = threading.Lock()


def clear_cache() -> None:
    """Forget every calendar; the next call rebuilds from the package, the Holiday table and settings."""
    with _cache_lock:
        _cache.clear()


def site_timezone() -> str:
    from kotacerdas.core.models import SiteSettings

    return SiteSettings.load().timezone or settings.TIME_ZONE


def to_local(dt: datetime, tz: str | None = None) -> datetime:
    """`dt` in the site's zone (or `tz`), for display and for local day boundaries."""
    if dj_timezone.is_naive(dt):
        raise ValueError(f"datetime must be timezone-aware, got {dt!r}")
    return dt.astimezone(ZoneInfo(tz or site_timezone()))


def _load_year(year: int) -> tuple[set[date], set[date]]:
    """Days off of one year: (libur nasional, cuti bersama)."""
    from kotacerdas.core.models import Holiday, HolidayKind

    libur = set(holidays_package.country_holidays("ID", years=year).keys())
    cuti: set[date] = set()
    rows = Holiday.objects.filter(date__year=year).values_list("date", "kind")
    for day, kind in rows:
        (cuti if kind == HolidayKind.CUTI_BERSAMA else libur).add(day)
    return libur, cuti


def calendar_for(tz: str | None = None) -> WorkCalendar:
    """The working-day calendar for a zone (default: the site's), cached; years load on first use."""
    tz_name = tz or site_timezone()
    key = (
        tz_name,
        bool(settings.CALENDAR_CUTI_BERSAMA_IS_HOLIDAY),
        bool(settings.CALENDAR_RECEIPT_DAY_COUNTS),
        settings.OFFICE_HOURS_START,
        settings.OFFICE_HOURS_END,
    )
    now = _time.monotonic()
    with _cache_lock:
        hit = _cache.get(key)
        if hit is not None and now - hit[1] < CACHE_SECONDS:
            return hit[0]
    calendar = WorkCalendar(
        cuti_bersama_is_holiday=key[1],
        receipt_day_counts=key[2],
        office_start=time.fromisoformat(settings.OFFICE_HOURS_START),
        office_end=time.fromisoformat(settings.OFFICE_HOURS_END),
        tz=ZoneInfo(tz_name),
        loader=_load_year,
    )
    with _cache_lock:
        _cache[key] = (calendar, now)
    return calendar


def _check_unit(unit: str) -> str:
    unit = str(unit)
    if unit not in UNITS:
        raise ValueError(f"unknown deadline unit {unit!r}; expected one of {', '.join(UNITS)}")
    return unit


def due_at(start: datetime, amount: int, unit: str, tz: str | None = None) -> datetime:
    """When a limit of `amount` `unit` ("hk", "hari", "jam") that starts at `start` runs out.

    hk and hari end at 23:59:59 local on the last counted day (day 1 = the day after receipt unless
    CALENDAR_RECEIPT_DAY_COUNTS; after-hours and weekend receipts count from the next working day);
    jam is plain hours. Returned in the zone `tz` (default: the site's).
    """
    unit = _check_unit(unit)
    calendar = calendar_for(tz)
    if unit == UNIT_WORKING_DAYS:
        return calendar.add_working_days(start, amount)
    if unit == UNIT_CALENDAR_DAYS:
        return calendar.add_calendar_days(start, amount)
    return calendar.add_hours(start, amount)


def elapsed_fraction(
    start: datetime, due: datetime, now: datetime, unit: str, tz: str | None = None
) -> float:
    """Share of the allowed time used at `now` (1.0 at `due`, more after); hk counts working-day time only."""
    unit = _check_unit(unit)
    return calendar_for(tz).elapsed_fraction(start, due, now, working_time=unit == UNIT_WORKING_DAYS)


def is_working_day(day: date, tz: str | None = None) -> bool:
    return calendar_for(tz).is_working_day(day)


def working_days_between(a: date, b: date, tz: str | None = None) -> int:
    """Working days in (a, b] by local date; negative when b is before a (e.g. hari kerja late)."""
    return calendar_for(tz).working_days_between(a, b)

