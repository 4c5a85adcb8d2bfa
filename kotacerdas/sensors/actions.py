"""The one ingestion path for every sensor kind, used by HTTP (`views.ingest`) and MQTT (`mqtt.Bridge`) alike.

    parse (bodies.parse_body + handler.normalize) -> validate (time window, sensor, values) -> dedupe (in the batch,
    then by the handler's ON CONFLICT insert) -> store -> rollup, all in one transaction, rejects to the quarantine.

Settings (read with defaults, so a deployment sets only what it changes):
- SENSORS_CLOCK_SKEW_SECONDS (120): an interval may end this far in the future (device clocks drift).
- SENSORS_LATE_WINDOW_HOURS (24): older intervals are quarantined as too late: rollups are only corrected inside
  this window, and raw retention is never shorter than it, so a resend is always recognised as a duplicate.
- SENSORS_MAX_BATCH (50,000 items) and SENSORS_MAX_ERRORS_REPORTED (200 entries in the answer's errors list).
"""

from __future__ import annotations

import json
import logging
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from kotacerdas.core import audit, events
from kotacerdas.sensors import registry
from kotacerdas.sensors.models import Device, Quarantine, Reason
from kotacerdas.sensors.registry import Observation, Rejected

log = logging.getLogger("kotacerdas.sensors")

QUARANTINE_PAYLOAD_MAX_CHARS = 4000
LAST_SEEN_EVERY = timedelta(seconds=60)  # one write per device per minute, not one per message


def clock_skew() -> timedelta:
    return timedelta(seconds=getattr(settings, "SENSORS_CLOCK_SKEW_SECONDS", 120))


def late_window() -> timedelta:
    return timedelta(hours=getattr(settings, "SENSORS_LATE_WINDOW_HOURS", 24))


def max_batch() -> int:
    return getattr(settings, "SENSORS_MAX_BATCH", 50_000)


class NotAuthenticated(Exception):  # noqa: N818 - HTTP 401
    pass


@dataclass
class IngestResult:
    stored: int = 0
    duplicates: int = 0
    rejected: int = 0
    errors: list[dict[str, Any]] = field(default_factory=list)
    errors_truncated: bool = False

    def as_dict(self) -> dict[str, Any]:
        data: dict[str, Any] = {"stored": self.stored, "duplicates": self.duplicates, "rejected": self.rejected,
                                "errors": self.errors}
        if self.errors_truncated:
            data["errors_truncated"] = True
        return data


# Devices --------------------------------------------------------------------------------------------------------


def check_device(kind: str, raw_token: str | None) -> Device:
    """The device a token belongs to, if it may send `kind`. NotAuthenticated -> 401, PermissionDenied -> 403."""
    device = Device.authenticate(raw_token)
    if device is None:
        raise NotAuthenticated(_("Token perangkat tidak ada atau tidak dikenal."))
    if not device.is_active:
        raise PermissionDenied(_("Perangkat %(code)s dinonaktifkan.") % {"code": device.code})
    if device.kind != kind:
        raise PermissionDenied(_("Perangkat %(code)s mengirim data %(kind)s, bukan %(other)s.")
                               % {"code": device.code, "kind": device.kind, "other": kind})
    return device


def do_issue_token(user: Any, device: Device) -> str:
    raw = device.issue_token()
    device.save(update_fields=["token_prefix", "token_hash"])
    audit.record(user, "sensors.token_issued", device, {"prefix": device.token_prefix})
    return raw


def do_issue_mqtt_password(user: Any, device: Device) -> str:
    raw = device.issue_mqtt_password()
    device.save(update_fields=["mqtt_username", "mqtt_password_hash"])
    audit.record(user, "sensors.mqtt_password_issued", device, {"username": device.mqtt_username})
    return raw


def do_resolve_quarantine(user: Any, ids: list[int], now: datetime | None = None) -> int:
    now = now or timezone.now()
    n = Quarantine.objects.filter(pk__in=ids, resolved_at__isnull=True).update(resolved_at=now, resolved_by=user)
    first = Quarantine.objects.filter(pk__in=ids).order_by("pk").first()
    if n and first is not None:
        audit.record(user, "sensors.quarantine_resolved", first, {"count": n, "ids": ids[:100]})
    return n


# The pipeline ---------------------------------------------------------------------------------------------------


def _payload(raw: Any) -> Any:
    try:
        text = json.dumps(raw, default=str, allow_nan=False)
    except (TypeError, ValueError):
        return {"repr": repr(raw)[:QUARANTINE_PAYLOAD_MAX_CHARS]}
    if len(text) > QUARANTINE_PAYLOAD_MAX_CHARS:
        return {"truncated": _clean(text[:QUARANTINE_PAYLOAD_MAX_CHARS])}
    if "\\u0000" in text:  # PostgreSQL text and jsonb cannot hold NUL
        return json.loads(text.replace("\\u0000", "\\ufffd"))
    return raw


def _clean(text: str) -> str:
    return text.replace("\x00", "\ufffd")


def quarantine_body(kind: str, device: Device | None, source: str, code: str, reason: str, body: bytes | str,
                    topic: str = "", now: datetime | None = None) -> Quarantine:
    """A whole message refused before it could be split into items (unreadable body, unknown device over MQTT)."""
    text = body.decode("utf-8", "replace") if isinstance(body, bytes) else body
    return Quarantine.objects.create(
        created_at=now or timezone.now(), kind=kind[:30], source=source, device=device, reason_code=code,
        reason=_clean(reason), payload={"body": _clean(text[:QUARANTINE_PAYLOAD_MAX_CHARS])},
        topic=_clean(topic[:200]),
    )


def do_ingest(kind: str, device: Device | None, items: list[Any], *, source: str, now: datetime | None = None,
              topic: str = "") -> IngestResult:
    """Validates, deduplicates, stores and rolls up one batch; everything refused goes to the quarantine.

    `device` is the authenticated sender (None only in tests of a handler). The answer counts stored, duplicate
    and rejected items; errors name each rejected item by its position in the batch.
    """
    handler = registry.get(kind)
    if handler is None:
        raise LookupError(kind)
    now = now or timezone.now()
    latest_end = now + clock_skew()
    earliest_start = now - late_window()
    rejected: list[Rejected] = []
    candidates: list[Observation] = []

    for obs in handler.normalize(items):
        if isinstance(obs, Rejected):
            rejected.append(obs)
            continue
        reason = None
        if not handler.min_seconds <= obs.seconds <= handler.max_seconds:
            reason = Rejected(Reason.INVALID_VALUE, _("Lama interval %(s)s detik di luar batas %(a)d-%(b)d detik.")
                              % {"s": obs.seconds, "a": handler.min_seconds, "b": handler.max_seconds})
        elif obs.end > latest_end:
            reason = Rejected(Reason.FUTURE, _("Interval berakhir %(end)s, di masa depan (jam perangkat salah?).")
                              % {"end": obs.end.isoformat()})
        elif obs.start < earliest_start:
            reason = Rejected(Reason.TOO_LATE, _("Interval mulai %(start)s, lebih lama dari %(h)d jam lalu.")
                              % {"start": obs.start.isoformat(), "h": late_window().total_seconds() // 3600})
        if reason is not None:
            reason.key, reason.index, reason.raw = obs.key, obs.index, obs.raw
            rejected.append(reason)
        else:
            candidates.append(obs)

    sensors = handler.resolve(device, {obs.key for obs in candidates}) if candidates else {}
    accepted: list[Observation] = []
    seen: set[tuple[int, datetime]] = set()
    batch_duplicates = 0
    for obs in candidates:
        found = sensors.get(obs.key)
        try:
            if found is None:
                raise Rejected(Reason.UNKNOWN_SENSOR, _("Sensor %(key)s tidak terdaftar.") % {"key": obs.key})
            if isinstance(found, Rejected):
                raise Rejected(found.code, found.reason)
            obs.sensor_id = found
            handler.validate(obs)
        except Rejected as exc:
            exc.key, exc.index, exc.raw = obs.key, obs.index, obs.raw
            rejected.append(exc)
            continue
        ident = (found, obs.start)
        if ident in seen:
            batch_duplicates += 1  # the same interval twice in one batch: the first one counts
            continue
        seen.add(ident)
        accepted.append(obs)

    with transaction.atomic():
        new = handler.store(accepted, source=source, received_at=now) if accepted else []
        if new:
            handler.rollup(new)
        if rejected:
            Quarantine.objects.bulk_create([
                Quarantine(created_at=now, kind=kind, source=source, device=device,
                           sensor_key=_clean(str(r.key)[:100]), reason_code=r.code, reason=_clean(r.reason),
                           item_index=r.index, payload=_payload(r.raw), topic=_clean(topic[:200]))
                for r in rejected
            ], batch_size=500)
        if device is not None and (device.last_seen_at is None or now - device.last_seen_at > LAST_SEEN_EVERY):
            Device.objects.filter(pk=device.pk).update(last_seen_at=now)
            device.last_seen_at = now
        if new:
            events.publish(f"sensors.{kind}.ingested", {
                "device": device.code if device else None, "stored": len(new),
                "from": min(o.start for o in new).isoformat(), "to": max(o.end for o in new).isoformat(),
            })

    limit = getattr(settings, "SENSORS_MAX_ERRORS_REPORTED", 200)
    result = IngestResult(stored=len(new), duplicates=len(accepted) - len(new) + batch_duplicates,
                          rejected=len(rejected))
    for r in sorted(rejected, key=lambda r: r.index if r.index is not None else -1)[:limit]:
        result.errors.append({"index": r.index, "code": r.code, "reason": r.reason})
    result.errors_truncated = len(rejected) > limit
    if rejected:
        log.info("ingest %s from %s via %s: %d stored, %d rejected", kind, device, source, result.stored,
                 len(rejected))
    return result


def do_prune(now: datetime | None = None) -> dict[str, int]:
    """Raw retention of every handler (rollups are kept), plus resolved quarantine rows past their retention."""
    now = now or timezone.now()
    counts = {handler.kind: handler.prune(now) for handler in registry.handlers()}
    keep = timedelta(days=getattr(settings, "SENSORS_QUARANTINE_RETENTION_DAYS", 90))
    counts["quarantine"] = Quarantine.objects.filter(created_at__lt=now - keep).delete()[0]
    return counts
