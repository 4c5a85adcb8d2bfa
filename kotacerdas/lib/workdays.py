"""Working-day calendar arithmetic (hari kerja), pure: no Django, no database, no clock.

Every function takes explicit aware datetimes and returns aware datetimes in the calendar's zone, so callers
and tests never need to freeze time. The Django glue that builds a calendar from settings, the `holidays`
package and `core.Holiday` rows is `kotacerdas.core.deadlines`; deadlines are computed nowhere else.

Conventions (egov-rules §8.2, §8.3 and §9 rules 46-47; the [U] points are the two flags):

- A working day is Monday-Friday, not a libur nasional, and not a cuti bersama day when
  `cuti_bersama_is_holiday` (Perpres 21/2023 Pasal 6: cuti bersama reduces working days).
- Receipt: a report that arrives during office hours of a working day is received that day. One that arrives
  after closing, before opening, or on a non-working day is received at the next office opening (the same day
  when it arrives before opening on a working day). Only `office_end` changes a result, because a receipt
  before opening lands on the same day either way; `office_start` is kept for display and Ramadan hours later.
- Counting: day 1 is the first working day after the receipt day (UU 14/2008 "sejak diterimanya", read
  conservatively), or the receipt day itself when `receipt_day_counts`. So a report on Friday 18:00 is
  received on Monday: day 1 is Tuesday by default and Monday with `receipt_day_counts`.
- Deadline: 23:59:59 local on the last counted day, not the office closing time, because a citizen reads
  "3 hari kerja" as "by that day" and an officer may still answer in the evening.
- Calendar days ("hari", e.g. 60 hari in Perpres 76/2013) follow the same day-1 rule but ignore office hours
  and holidays; hours ("jam") are plain elapsed hours.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

# End of a counted day. Seconds precision on purpose: it is what people see ("23:59:59 WIB").
END_OF_DAY = time(23, 59, 59)
# No real calendar has ten years without a working day; stops the loop if a misconfiguration blocks every day.
_MAX_SCAN_DAYS = 3660

# Returns (libur dates, cuti bersama dates) of one year; lets a calendar load years on first use.
YearLoader = Callable[[int], tuple[Iterable[date], Iterable[date]]]


def _require_aware(dt: datetime, name: str) -> None:
    if dt.tzinfo is None or dt.utcoffset() is None:
        # Rule 47: timestamps carry their zone; a naive one would silently use the server's zone.
        raise ValueError(f"{name} must be timezone-aware, got {dt!r}")


def _utc(dt: datetime) -> datetime:
    return dt.astimezone(UTC)


@dataclass(frozen=True)
class WorkCalendar:
    """Which days are hari kerja, and deadline arithmetic over them, in one time zone.

    `holidays` and `cuti_bersama` are explicit dates; `loader` (optional) adds the dates of a year the first
    time that year is looked at, so a long-running process covers any year without knowing it in advance.
    """

    holidays: frozenset[date] = frozenset()
    cuti_bersama: frozenset[date] = frozenset()
    cuti_bersama_is_holiday: bool = True
    receipt_day_counts: bool = False
    office_start: time = time(7, 30)
    office_end: time = time(16, 0)
    tz: ZoneInfo = field(default_factory=lambda: ZoneInfo("Asia/Jakarta"))
    loader: YearLoader | None = field(default=None, compare=False, repr=False)
    _loaded: dict[int, tuple[frozenset[date], frozenset[date]]] = field(
        default_factory=dict, init=False, compare=False, repr=False
    )
    _lock: threading.Lock = field(default_factory=threading.Lock, init=False, compare=False, repr=False)

    def __post_init__(self) -> None:
        # Accept any iterable / a zone name, store immutable values (frozen dataclass: set via object).
        object.__setattr__(self, "holidays", frozenset(self.holidays))
        object.__setattr__(self, "cuti_bersama", frozenset(self.cuti_bersama))
        if isinstance(self.tz, str):
            object.__setattr__(self, "tz", ZoneInfo(self.tz))
        if self.office_end <= self.office_start:
            raise ValueError("office_end must be after office_start")

    # -- days -------------------------------------------------------------------------------------------

    def _year(self, year: int) -> tuple[frozenset[date], frozenset[date]]:
        if self.loader is None:
            return frozenset(), frozenset()
        cached = self._loaded.get(year)
        if cached is not None:
            return cached
        with self._lock:
            if year not in self._loaded:
                libur, cuti = self.loader(year)
                self._loaded[year] = (frozenset(libur), frozenset(cuti))
            return self._loaded[year]

    def is_holiday(self, d: date) -> bool:
        """A libur nasional (always a day off), whatever the cuti bersama setting."""
        return d in self.holidays or d in self._year(d.year)[0]

    def is_cuti_bersama(self, d: date) -> bool:
        return d in self.cuti_bersama or d in self._year(d.year)[1]

    def is_working_day(self, d: date) -> bool:
        if isinstance(d, datetime):
            d = self.local(d).date()
        if d.weekday() >= 5:
            return False
        if self.is_holiday(d):
            return False
        return not (self.cuti_bersama_is_holiday and self.is_cuti_bersama(d))

    def next_working_day(self, d: date) -> date:
        """The first working day strictly after `d`."""
        if isinstance(d, datetime):
            d = self.local(d).date()
        for _ in range(_MAX_SCAN_DAYS):
            d += timedelta(days=1)
            if self.is_working_day(d):
                return d
        raise ValueError(f"no working day within {_MAX_SCAN_DAYS} days after {d}")

    def working_days_between(self, a: date, b: date) -> int:
        """Working days in the local-date interval (a, b]: 0 on the same day, negative when b is before a.

        Datetimes are reduced to their local date, so "how many hari kerja late" is
        working_days_between(due, now).
        """
        if isinstance(a, datetime):
            a = self.local(a).date()
        if isinstance(b, datetime):
            b = self.local(b).date()
        if b < a:
            return -self.working_days_between(b, a)
        count, d = 0, a
        while d < b:
            d += timedelta(days=1)
            count += self.is_working_day(d)
        return count

    # -- times ------------------------------------------------------------------------------------------

    def local(self, dt: datetime) -> datetime:
        _require_aware(dt, "datetime")
        return dt.astimezone(self.tz)

    def end_of_day(self, d: date) -> datetime:
        return datetime.combine(d, END_OF_DAY, tzinfo=self.tz)

    def receipt_day(self, received: datetime) -> date:
        """The working day on which a report counts as received (see the module docstring)."""
        local = self.local(received)
        d = local.date()
        if self.is_working_day(d) and local.time() < self.office_end:
            return d  # during office hours, or before opening (received at that day's opening)
        return self.next_working_day(d)

    def first_counted_day(self, received: datetime) -> date:
        """Day 1 of a working-day limit."""
        day = self.receipt_day(received)
        return day if self.receipt_day_counts else self.next_working_day(day)

    def add_working_days(self, received: datetime, n: int) -> datetime:
        """Deadline of an `n` hari kerja limit: 23:59:59 local on the n-th counted working day."""
        if n < 1:
            raise ValueError(f"a working-day limit needs at least 1 day, got {n}")
        d = self.first_counted_day(received)
        for _ in range(n - 1):
            d = self.next_working_day(d)
        return self.end_of_day(d)

    def add_calendar_days(self, received: datetime, n: int) -> datetime:
        """Deadline of an `n` hari kalender limit: 23:59:59 local on the n-th calendar day.

        Day 1 is the day after the local receipt date (the receipt date itself with `receipt_day_counts`);
        weekends, holidays and office hours do not matter.
        """
        if n < 1:
            raise ValueError(f"a calendar-day limit needs at least 1 day, got {n}")
        first = self.local(received).date()
        if not self.receipt_day_counts:
            first += timedelta(days=1)
        return self.end_of_day(first + timedelta(days=n - 1))

    def add_hours(self, received: datetime, n: int) -> datetime:
        """Deadline of an `n` jam limit: plain elapsed hours, around the clock."""
        if n < 0:
            raise ValueError(f"an hour limit cannot be negative, got {n}")
        return self.local(_utc(received) + timedelta(hours=n))

    def working_seconds_between(self, a: datetime, b: datetime) -> float:
        """Seconds of [a, b] that fall on working days (the whole 24 hours of each working day count).

        Whole days rather than office hours because deadlines end at 23:59:59; a day off contributes nothing,
        so the clock of a hari-kerja limit stands still over weekends and holidays.
        """
        a_utc, b_utc = _utc(self.local(a)), _utc(self.local(b))
        if b_utc <= a_utc:
            return 0.0
        total = 0.0
        d, last = self.local(a).date(), self.local(b).date()
        while d <= last:
            if self.is_working_day(d):
                day_start = _utc(datetime.combine(d, time(0), tzinfo=self.tz))
                day_end = _utc(datetime.combine(d + timedelta(days=1), time(0), tzinfo=self.tz))
                overlap = (min(b_utc, day_end) - max(a_utc, day_start)).total_seconds()
                total += max(overlap, 0.0)
            d += timedelta(days=1)
        return total

    def elapsed_fraction(
        self, start: datetime, due: datetime, now: datetime, *, working_time: bool = True
    ) -> float:
        """Share of the allowed time used at `now`: 0 at start (and before), 1.0 at `due`, above 1 after.

        With `working_time` (hari kerja limits) only time on working days counts, so the fraction does not
        move on a Sunday and a warning never fires on a day nobody works; otherwise (hari, jam) plain seconds.
        The result never decreases as `now` moves forward, and it is not capped, so callers can see lateness.
        """
        for name, value in (("start", start), ("due", due), ("now", now)):
            _require_aware(value, name)
        if _utc(now) <= _utc(start):
            return 0.0
        if working_time:
            allowed = self.working_seconds_between(start, due)
            used = self.working_seconds_between(start, now)
        else:
            allowed = (_utc(due) - _utc(start)).total_seconds()
            used = (_utc(now) - _utc(start)).total_seconds()
        if allowed <= 0:
            # Nothing to spread: due already at (or before) the start.
            return 1.0 if _utc(now) >= _utc(due) else 0.0
        return used / allowed
