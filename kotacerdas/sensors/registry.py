"""Measurement handlers: what each sensor kind adds to the one ingestion pipeline (kotacerdas.sensors.actions).

The pipeline does the generic work for every kind: body parsing, device checks, the clock-skew and late-data
window, in-batch duplicates, quarantine with reasons, the transaction and the answer. A handler supplies only what
differs per kind:

    parse_item(index, item) -> Observation      one wire item -> (sensor key, interval start, seconds, values)
    resolve(device, keys)   -> {key: id|Rejected}  which sensors exist and may be reported by this device
    validate(observation)                          impossible values -> raise Rejected(Reason.INVALID_VALUE, ...)
    store(observations, ...) -> new ones           idempotent insert by (sensor, interval start); returns what was new
    rollup(new)                                    incremental aggregates from the new rows only
    prune(now)                                     raw retention

Traffic registers `kotacerdas.traffic.ingest.TrafficHandler` in TrafficConfig.ready(); parking occupancy, street
lights and water level register theirs the same way, and get HTTP (`POST /api/v1/ingest/<kind>`) and MQTT
(`kotacerdas/<device>/<kind>/...`) for free.
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from functools import lru_cache
from typing import Any

from django.utils.translation import gettext as _

from kotacerdas.sensors.models import Device, Reason


@dataclass(slots=True)
class Observation:
    index: int  # position of the (first) item it came from in the batch, for the answer's errors list
    key: str  # the sensor as the device names it (detector code for traffic)
    start: datetime  # interval start, aware, whole seconds, UTC
    seconds: int  # interval length
    values: dict[str, Any] = field(default_factory=dict)
    raw: Any = None
    sensor_id: int | None = None

    @property
    def end(self) -> datetime:
        return self.start + timedelta(seconds=self.seconds)


class Rejected(Exception):  # noqa: N818 - reads as the outcome at call sites
    """An item that will not be stored; it goes to the quarantine with this reason."""

    def __init__(self, code: str, reason: str, *, key: str = "", index: int | None = None, raw: Any = None) -> None:
        super().__init__(reason)
        self.code, self.reason, self.key, self.index, self.raw = code, reason, key, index, raw


@dataclass(slots=True)
class Unreadable:
    """An NDJSON line that is not JSON: rejected on its own, the other lines still count."""

    text: str
    error: str


class MeasurementHandler:
    kind: str = ""
    label: str = ""
    owner_module: str = ""
    min_seconds: int = 1
    max_seconds: int = 86400
    # The two wire formats every sensor module takes (parse_item dispatches): a compact line recognised by its key
    # field, and a Smart Data Models entity recognised by the end of its `type` (keyValues or NGSI-LD URI).
    compact_key: str = ""
    sdm_type: str = ""
    not_recognised: Any = ""  # the 400 message when an item is neither

    def normalize(self, items: list[Any]) -> list[Observation | Rejected]:
        out: list[Observation | Rejected] = []
        for index, item in enumerate(items):
            try:
                if isinstance(item, Unreadable):
                    raise Rejected(Reason.MALFORMED, _("Baris bukan JSON: %(e)s") % {"e": item.error})
                out.append(self.parse_item(index, item))
            except Rejected as exc:
                exc.index, exc.raw = index, item if not isinstance(item, Unreadable) else item.text
                out.append(exc)
            except (TypeError, ValueError, KeyError, AttributeError, IndexError, OverflowError) as exc:
                out.append(Rejected(Reason.MALFORMED, _("Format data salah: %(e)s") % {"e": exc}, index=index,
                                    raw=item))
        return out

    def parse_item(self, index: int, item: Any) -> Observation:
        if not isinstance(item, dict):
            raise Rejected(Reason.MALFORMED, _("Setiap data harus objek JSON."))
        if self.compact_key in item:
            return self.parse_compact(index, item)
        kind = item.get("type")
        if isinstance(kind, str) and kind.endswith(self.sdm_type):
            return self.parse_sdm(index, item)
        raise Rejected(Reason.MALFORMED, str(self.not_recognised))

    def parse_compact(self, index: int, item: dict[str, Any]) -> Observation:
        raise NotImplementedError

    def parse_sdm(self, index: int, item: dict[str, Any]) -> Observation:
        raise NotImplementedError

    def resolve(self, device: Device | None, keys: set[str]) -> dict[str, int | Rejected]:
        raise NotImplementedError

    def validate(self, observation: Observation) -> None:
        return None

    def store(self, observations: list[Observation], *, source: str, received_at: datetime) -> list[Observation]:
        raise NotImplementedError

    def rollup(self, new: list[Observation]) -> None:
        return None

    def prune(self, now: datetime) -> int:
        return 0


_handlers: dict[str, MeasurementHandler] = {}


def register(handler: MeasurementHandler) -> MeasurementHandler:
    if not handler.kind or "/" in handler.kind or "+" in handler.kind or "#" in handler.kind:
        raise ValueError(f"bad sensor kind {handler.kind!r}")
    _handlers[handler.kind] = handler
    return handler


def unregister(kind: str) -> None:
    _handlers.pop(kind, None)


def get(kind: str) -> MeasurementHandler | None:
    return _handlers.get(kind)


def kinds() -> list[str]:
    return sorted(_handlers)


def handlers() -> Iterable[MeasurementHandler]:
    return list(_handlers.values())


# Helpers shared by handlers -----------------------------------------------------------------------------------

SAFE_INT = 2**53  # ints below this convert to float exactly, so the fast paths answer as the general ones do


def parse_time(value: Any, name: str) -> datetime:
    """ISO 8601 with a zone (Z or +07:00) or epoch seconds/milliseconds -> aware UTC, whole seconds.

    A time without a zone is refused rather than guessed: a WIB clock read as UTC would shift data by 7 h.
    """
    if isinstance(value, bool):
        raise Rejected(Reason.MALFORMED, _("%(f)s bukan waktu.") % {"f": name})
    if isinstance(value, int | float):
        if not math.isfinite(value):
            raise Rejected(Reason.MALFORMED, _("%(f)s bukan waktu.") % {"f": name})
        seconds = value / 1000 if value > 1e11 else value  # epoch milliseconds from JavaScript devices
        return datetime.fromtimestamp(int(seconds), tz=UTC)
    if isinstance(value, dict) and "@value" in value:  # NGSI-LD {"@type": "DateTime", "@value": "..."}
        value = value["@value"]
    if not isinstance(value, str) or len(value) > 40:
        raise Rejected(Reason.MALFORMED, _("%(f)s bukan waktu.") % {"f": name})
    try:
        parsed = _iso_utc(value)
    except ValueError:
        raise Rejected(Reason.MALFORMED, _("%(f)s bukan waktu ISO 8601: %(v)s") % {"f": name, "v": value}) from None
    if parsed is None:
        raise Rejected(Reason.MALFORMED,
                       _("%(f)s tanpa zona waktu; tulis mis. 2026-01-05T07:00:00+07:00 atau ...Z.") % {"f": name})
    return parsed


@lru_cache(maxsize=4096)
def _iso_utc(text: str) -> datetime | None:
    """ISO text -> aware UTC, whole seconds; None without a zone. Cached: the readings of one interval share a time."""
    parsed = datetime.fromisoformat(text.strip())
    return parsed.astimezone(UTC).replace(microsecond=0) if parsed.tzinfo is not None else None


def number(value: Any, name: str, *, allow_none: bool = True) -> float | None:
    kind = type(value)  # exact types first: this runs several times per reading
    if kind is float and math.isfinite(value):
        return value
    if kind is int and -SAFE_INT < value < SAFE_INT:
        return float(value)
    if value is None and allow_none:
        return None
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise Rejected(Reason.MALFORMED, _("%(f)s harus berupa angka.") % {"f": name})
    if not math.isfinite(value):
        raise Rejected(Reason.INVALID_VALUE, _("%(f)s bukan angka terhingga.") % {"f": name})
    return float(value)


def count(value: Any, name: str) -> int | None:
    """A vehicle count: a whole number (5 or 5.0), never negative."""
    if type(value) is int and 0 <= value < SAFE_INT:
        return value
    n = number(value, name)
    if n is None:
        return None
    if n < 0:
        raise Rejected(Reason.INVALID_VALUE, _("%(f)s negatif (%(v)s).") % {"f": name, "v": value})
    if n != int(n):
        raise Rejected(Reason.INVALID_VALUE, _("%(f)s harus bilangan bulat (%(v)s).") % {"f": name, "v": value})
    return int(n)
