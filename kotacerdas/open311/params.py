"""Reading what a client sends: empty means absent, bad input is a v2 400 naming the field, never a 500."""

from __future__ import annotations

import math
import re
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from django.http import HttpRequest, QueryDict
from django.utils.dateparse import parse_date, parse_datetime
from django.utils.translation import gettext as _

MAX_PAGE = 1_000_000
DEFAULT_PAGE_SIZE = 50  # Chicago's default and maximum (complaints-open311-lapor.md §2.6)
MAX_PAGE_SIZE = 500
MAX_IDS = 1000


class Open311Error(Exception):
    """Ends a request with a v2 error body: `items` are (code, description) pairs."""

    def __init__(self, status: int, items: list[tuple[int, str]], headers: dict[str, str] | None = None) -> None:
        super().__init__(items)
        self.status = status
        self.items = items
        self.headers = headers or {}


def bad(field: str, message: str) -> Open311Error:
    return Open311Error(400, [(400, f"{field}: {message}")])


def not_found(message: str) -> Open311Error:
    return Open311Error(404, [(404, message)])


def _text(value: str | None) -> str | None:
    # NUL cannot be stored in PostgreSQL text nor written in XML; nobody sends it on purpose.
    if value is None:
        return None
    value = value.replace("\x00", "").strip()
    return value or None


def get(data: QueryDict, name: str) -> str | None:
    """The parameter, stripped; None when absent or empty (v2: an empty parameter is an absent one)."""
    return _text(data.get(name))


def params(request: HttpRequest) -> QueryDict:
    return request.POST if request.method == "POST" else request.GET


def comma_list(value: str | None) -> list[str]:
    return [v.strip() for v in (value or "").split(",") if v.strip()]


# A "+" in a query string that the client forgot to encode arrives as a space: "…T09:00:00 07:00".
_SPACE_OFFSET = re.compile(r"(T\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?) (\d{2}:?\d{2})$")


def parse_when(value: str | None, field: str, tz: str, *, end_of_day: bool = False) -> datetime | None:
    """W3C datetime (zone `Z` or ±hh:mm; a naive time or a bare date is read in the city's zone)."""
    if value is None:
        return None
    value = _SPACE_OFFSET.sub(r"\1+\2", value)
    message = _("bukan tanggal/waktu W3C yang sah (contoh 2026-11-02T09:00:00+07:00)")
    try:
        parsed = parse_datetime(value)
        if parsed is None:
            day: date | None = parse_date(value)
            if day is None:
                raise bad(field, message)
            parsed = datetime.combine(day, time.max if end_of_day else time.min)
        if parsed.tzinfo is None:
            parsed = parsed.replace(tzinfo=ZoneInfo(tz))
        # Normalising here surfaces dates that cannot be represented in UTC (year 1 with +07:00, year 9999).
        parsed.astimezone(ZoneInfo("UTC"))
        parsed + timedelta(days=91)
        parsed - timedelta(days=91)
    except (ValueError, OverflowError) as exc:
        raise bad(field, message) from exc
    return parsed


def parse_bool(value: str | None, field: str) -> bool:
    if value is None:
        return False
    lowered = value.lower()
    if lowered in ("true", "1", "yes"):
        return True
    if lowered in ("false", "0", "no"):
        return False
    raise bad(field, _("isi true atau false"))


def parse_int(value: str | None, field: str, *, default: int, low: int, high: int) -> int:
    if value is None:
        return default
    if not re.fullmatch(r"[0-9]{1,9}", value):
        raise bad(field, _("harus bilangan bulat %(low)d sampai %(high)d") % {"low": low, "high": high})
    number = int(value)
    if not low <= number <= high:
        raise bad(field, _("harus bilangan bulat %(low)d sampai %(high)d") % {"low": low, "high": high})
    return number


def parse_float(value: str) -> float | None:
    try:
        number = float(value)
    except (TypeError, ValueError, OverflowError):
        return None
    return number if math.isfinite(number) else None
