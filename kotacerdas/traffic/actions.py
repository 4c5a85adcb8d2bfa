"""Changes to the ATCS registry. `check_*` validates (ValidationError, Indonesian), `do_*` writes in a transaction.

Import and export share one nested structure, one dict per intersection (the GeoJSON feature's properties plus
lat/lon): approaches -> lanes and detectors; controller -> phases and timing plans. `registry_io` turns CSV and
GeoJSON into it and back. Import merges by code: existing rows are updated, missing ones created, nothing is
deleted.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from kotacerdas.core import audit, events
from kotacerdas.regions import geo
from kotacerdas.sensors.models import CODE_VALIDATOR, Device
from kotacerdas.traffic.models import (
    Approach,
    Detector,
    DetectorKind,
    Direction,
    Intersection,
    Lane,
    Movement,
    Phase,
    PhaseGreen,
    SignalController,
    TimingPlan,
)


def locate(lat: float, lon: float) -> geo.Location:
    """Kecamatan/kelurahan of a point; ValidationError({"location": ...}) when it is not in the city."""
    try:
        return geo.locate(lat, lon)
    except geo.OutsideCity as exc:
        raise ValidationError({"location": [exc.message]}) from None
    except geo.CityNotSet as exc:
        raise ValidationError({"location": [exc.message]}) from None


def _code(value: Any) -> str:
    value = str(value or "").strip()
    CODE_VALIDATOR(value)
    return value


def _float(value: Any, name: str, lo: float, hi: float) -> float:
    try:
        number = float(value)
    except (TypeError, ValueError):
        raise ValidationError(_("%(f)s harus angka.") % {"f": name}) from None
    if not lo <= number <= hi:
        raise ValidationError(_("%(f)s di luar batas %(lo)s-%(hi)s.") % {"f": name, "lo": lo, "hi": hi})
    return number


def _int(value: Any, name: str, lo: int, hi: int) -> int:
    number = _float(value, name, lo, hi)
    if number != int(number):
        raise ValidationError(_("%(f)s harus bilangan bulat.") % {"f": name})
    return int(number)


def _bool(value: Any) -> bool:
    if isinstance(value, str):
        return value.strip().lower() in ("1", "true", "ya", "yes", "y")
    return bool(value)


@dataclass
class CheckedIntersection:
    data: dict[str, Any]
    location: geo.Location


def check_import(records: list[dict[str, Any]]) -> list[CheckedIntersection]:
    """Validates every record; one ValidationError lists all problems as "<code>: <message>"."""
    problems: list[str] = []
    checked: list[CheckedIntersection] = []
    seen_codes: set[str] = set()
    detector_codes: set[str] = set()
    for n, rec in enumerate(records, start=1):
        label = str(rec.get("code") or f"#{n}")
        try:
            code = _code(rec.get("code"))
            if code in seen_codes:
                raise ValidationError(_("kode simpang ganda."))
            seen_codes.add(code)
            if not str(rec.get("name") or "").strip():
                raise ValidationError(_("nama wajib."))
            lat = _float(rec.get("lat"), "lat", -90, 90)
            lon = _float(rec.get("lon"), "lon", -180, 180)
            location = locate(lat, lon)
            directions: set[str] = set()
            for ap in rec.get("approaches") or []:
                if ap.get("direction") not in Direction.values:
                    raise ValidationError(_("arah lengan tidak dikenal: %(d)s") % {"d": ap.get("direction")})
                if ap["direction"] in directions:
                    raise ValidationError(_("arah lengan ganda: %(d)s") % {"d": ap["direction"]})
                directions.add(ap["direction"])
                _float(ap.get("width_m"), "width_m", 1, 40)
                _int(ap.get("lanes") or len(ap.get("lane_list") or []) or 1, "lanes", 1, 8)
                for lane in ap.get("lane_list") or []:
                    _int(lane.get("number"), "lane", 1, 8)
                    if (lane.get("movement") or Movement.SEMUA) not in Movement.values:
                        raise ValidationError(_("gerakan lajur tidak dikenal: %(m)s") % {"m": lane.get("movement")})
                for det in ap.get("detectors") or []:
                    det_code = _code(det.get("code"))
                    if det_code in detector_codes:
                        raise ValidationError(_("kode detektor ganda: %(c)s") % {"c": det_code})
                    detector_codes.add(det_code)
                    if det.get("kind") not in DetectorKind.values:
                        raise ValidationError(_("jenis detektor tidak dikenal: %(k)s") % {"k": det.get("kind")})
                    if det.get("device"):
                        _code(det["device"])
            ctrl = rec.get("controller")
            if ctrl:
                _code(ctrl.get("code"))
                numbers = set()
                for ph in ctrl.get("phases") or []:
                    numbers.add(_int(ph.get("number"), "phase", 1, 16))
                    unknown = set(ph.get("approaches") or []) - directions
                    if unknown:
                        raise ValidationError(_("fase %(n)s memakai lengan yang tidak ada: %(d)s")
                                              % {"n": ph.get("number"), "d": ", ".join(sorted(unknown))})
                for plan in ctrl.get("plans") or []:
                    cycle = _int(plan.get("cycle_s"), "cycle_s", 20, 300)
                    lost = _int(plan.get("lost_time_s"), "lost_time_s", 0, 120)
                    _parse_dt(plan.get("effective_from"))
                    greens = {int(k): _int(v, "green_s", 1, 240) for k, v in (plan.get("greens") or {}).items()}
                    if set(greens) - numbers:
                        raise ValidationError(_("rencana %(p)s memberi hijau ke fase yang tidak ada.")
                                              % {"p": plan.get("name")})
                    if sum(greens.values()) + lost > cycle:
                        raise ValidationError(_("rencana %(p)s: jumlah hijau + waktu hilang > waktu siklus.")
                                              % {"p": plan.get("name")})
        except ValidationError as exc:
            problems.extend(f"{label}: {m}" for m in exc.messages)
            continue
        checked.append(CheckedIntersection(rec, location))
    if problems:
        raise ValidationError({"records": problems})
    return checked


def _parse_dt(value: Any) -> datetime:
    if isinstance(value, datetime):
        return value
    try:
        parsed = datetime.fromisoformat(str(value))
    except ValueError:
        raise ValidationError(_("effective_from bukan waktu ISO 8601: %(v)s") % {"v": value}) from None
    if parsed.tzinfo is None:
        raise ValidationError(_("effective_from tanpa zona waktu: %(v)s") % {"v": value})
    return parsed


def _device(code: str | None, is_demo: bool) -> Device | None:
    if not code:
        return None
    device, _created = Device.objects.get_or_create(
        code=code, defaults={"kind": "traffic", "owner_module": "traffic", "is_demo": is_demo})
    return device


@transaction.atomic
def do_import(user: Any, checked: list[CheckedIntersection], *, is_demo: bool = False) -> dict[str, int]:
    counts = {"intersections": 0, "approaches": 0, "detectors": 0, "plans": 0}
    for item in checked:
        rec, loc = item.data, item.location
        inter, _c = Intersection.objects.update_or_create(code=rec["code"].strip(), defaults={
            "name": rec["name"].strip(), "lat": float(rec["lat"]), "lon": float(rec["lon"]),
            "approximate": _bool(rec.get("approximate")), "kecamatan": loc.kecamatan, "kelurahan": loc.kelurahan,
            "source": str(rec.get("source") or "")[:300], "note": str(rec.get("note") or ""),
            "is_active": _bool(rec.get("is_active", True)), "is_demo": is_demo or _bool(rec.get("is_demo")),
        })
        counts["intersections"] += 1
        approaches: dict[str, Approach] = {a.direction: a for a in inter.approaches.all()}
        for ap in rec.get("approaches") or []:
            lane_list = ap.get("lane_list") or []
            approach, _c = Approach.objects.update_or_create(intersection=inter, direction=ap["direction"], defaults={
                "name": str(ap.get("name") or "")[:120], "width_m": float(ap["width_m"]),
                "lanes": int(float(ap.get("lanes") or len(lane_list) or 1)),
            })
            approaches[approach.direction] = approach
            counts["approaches"] += 1
            lanes: dict[int, Lane] = {}
            for lane in lane_list:
                width = lane.get("width_m")
                lanes[int(lane["number"])], _c = Lane.objects.update_or_create(
                    approach=approach, number=int(lane["number"]), defaults={
                        "movement": lane.get("movement") or Movement.SEMUA,
                        "width_m": float(width) if width not in (None, "") else None,
                    })
            for det in ap.get("detectors") or []:
                lane_no = det.get("lane")
                lane_obj = None
                if lane_no not in (None, ""):
                    lane_obj = lanes.get(int(lane_no)) or Lane.objects.get_or_create(
                        approach=approach, number=int(lane_no))[0]
                Detector.objects.update_or_create(code=det["code"].strip(), defaults={
                    "kind": det["kind"], "approach": approach, "lane": lane_obj,
                    "device": _device(det.get("device"), inter.is_demo),
                    "is_active": _bool(det.get("is_active", True)), "is_demo": inter.is_demo,
                })
                counts["detectors"] += 1
        ctrl = rec.get("controller")
        if ctrl:
            controller, _c = SignalController.objects.update_or_create(intersection=inter, defaults={
                "code": ctrl["code"].strip(), "model": str(ctrl.get("model") or "")[:120],
                "device": _device(ctrl.get("device"), inter.is_demo), "is_demo": inter.is_demo,
            })
            phases: dict[int, Phase] = {}
            for ph in ctrl.get("phases") or []:
                phase, _c = Phase.objects.update_or_create(controller=controller, number=int(ph["number"]),
                                                           defaults={"name": str(ph.get("name") or "")[:120]})
                phase.approaches.set([approaches[d] for d in ph.get("approaches") or []])
                phases[phase.number] = phase
            for plan in ctrl.get("plans") or []:
                timing, _c = TimingPlan.objects.update_or_create(
                    controller=controller, effective_from=_parse_dt(plan["effective_from"]), defaults={
                        "name": str(plan.get("name") or "")[:120], "cycle_s": int(float(plan["cycle_s"])),
                        "lost_time_s": int(float(plan["lost_time_s"])), "is_demo": inter.is_demo,
                    })
                for number, green in (plan.get("greens") or {}).items():
                    PhaseGreen.objects.update_or_create(plan=timing, phase=phases.get(int(number)) or
                                                        controller.phases.get(number=int(number)),
                                                        defaults={"green_s": int(float(green))})
                counts["plans"] += 1
    if user is not None and checked:
        audit.record(user, "traffic.registry_imported", Intersection.objects.get(code=checked[0].data["code"]),
                     counts)
    events.publish("traffic.registry_changed", counts)
    return counts


# Alarms ------------------------------------------------------------------------------------------------------------
# Raised and cleared by the detection task (kotacerdas.traffic.alarms) or the daily health check; acknowledged and
# cleared by hand by operators. Every change lands in core.AuditLog and reaches the Command Center as a
# "traffic.alarm" event after commit.


def alarm_payload(alarm: Any) -> dict[str, Any]:
    """What the Command Center and the SSE stream get: enough to draw and link the alarm, nothing personal."""
    inter = alarm.intersection
    return {
        "id": alarm.pk, "kind": alarm.kind, "state": alarm.state, "method": alarm.method, "key": alarm.key,
        "intersection_id": inter.pk, "intersection": inter.code, "intersection_name": inter.name,
        "lat": inter.lat, "lon": inter.lon, "approach_id": alarm.approach_id, "detector_id": alarm.detector_id,
        "detector": alarm.detector.code if alarm.detector_id else None,
        "raised_at": alarm.raised_at.isoformat(), "score": alarm.score, "reason": alarm.reason,
        "acknowledged_at": alarm.acknowledged_at.isoformat() if alarm.acknowledged_at else None,
        "cleared_at": alarm.cleared_at.isoformat() if alarm.cleared_at else None,
    }


def _now(now: datetime | None) -> datetime:
    from django.utils import timezone

    return now or timezone.now()


def _locked(pk: int) -> Any:
    from kotacerdas.traffic.models import Alarm

    # of=("self",): PostgreSQL cannot lock the nullable side of the detector outer join.
    return Alarm.objects.select_for_update(of=("self",)).select_related("intersection", "detector").get(pk=pk)


def do_raise(*, kind: str, method: str, key: str, intersection: Intersection, raised_at: datetime,
             approach: Approach | None = None, detector: Detector | None = None, score: float | None = None,
             reason: str = "") -> Any | None:
    """Open an alarm unless one is already open for `key`; returns the new alarm or None (idempotent)."""
    from django.db import IntegrityError

    from kotacerdas.traffic.models import OPEN_ALARM_STATES, Alarm

    with transaction.atomic():
        if Alarm.objects.filter(key=key, state__in=OPEN_ALARM_STATES).exists():
            return None
        try:
            with transaction.atomic():  # savepoint: a concurrent run may have raised the same key just now
                alarm = Alarm.objects.create(kind=kind, method=method, key=key, intersection=intersection,
                                             approach=approach, detector=detector, raised_at=raised_at,
                                             score=score, reason=reason)
        except IntegrityError:
            return None
        audit.record(None, "traffic.alarm_raised", alarm, {"kind": kind, "method": method, "key": key,
                                                           "score": score, "reason": reason})
        events.publish("traffic.alarm", alarm_payload(alarm))
    return alarm


def check_acknowledge(user: Any, alarm: Any) -> None:
    from django.core.exceptions import PermissionDenied

    from kotacerdas.traffic import selectors
    from kotacerdas.traffic.models import AlarmState

    if not selectors.can_handle_alarms(user):
        raise PermissionDenied
    if alarm.state != AlarmState.RAISED:
        raise ValidationError({"state": [_("Alarm ini sudah diterima atau sudah selesai.")]})


def do_acknowledge(user: Any, alarm: Any, *, now: datetime | None = None) -> Any:
    from kotacerdas.traffic.models import AlarmState

    with transaction.atomic():
        alarm = _locked(alarm.pk)
        check_acknowledge(user, alarm)  # again under the row lock: two operators may click at once
        alarm.state = AlarmState.ACKNOWLEDGED
        alarm.acknowledged_by = user
        alarm.acknowledged_at = _now(now)
        alarm.save(update_fields=["state", "acknowledged_by", "acknowledged_at"])
        audit.record(user, "traffic.alarm_acknowledged", alarm, {"key": alarm.key})
        events.publish("traffic.alarm", alarm_payload(alarm))
    return alarm


def check_clear(user: Any, alarm: Any, reason: str) -> None:
    """A manual clear (the operator saw the road is free again) needs a reason."""
    from django.core.exceptions import PermissionDenied

    from kotacerdas.traffic import selectors

    if not selectors.can_handle_alarms(user):
        raise PermissionDenied
    if not alarm.is_open:
        raise ValidationError({"state": [_("Alarm ini sudah selesai.")]})
    if not (reason or "").strip():
        raise ValidationError({"reason": [_("Alasan wajib diisi.")]})


def do_clear(alarm: Any, *, user: Any = None, reason: str = "", now: datetime | None = None) -> Any | None:
    """Close an open alarm (user None = the detection task); None when it was already cleared (idempotent)."""
    from kotacerdas.traffic.models import AlarmState

    with transaction.atomic():
        alarm = _locked(alarm.pk)
        if not alarm.is_open:
            return None
        if user is not None:
            check_clear(user, alarm, reason)
        alarm.state = AlarmState.CLEARED
        alarm.cleared_at = _now(now)
        alarm.clear_reason = reason[:2000]
        alarm.save(update_fields=["state", "cleared_at", "clear_reason"])
        audit.record(user, "traffic.alarm_cleared", alarm, {"key": alarm.key, "reason": alarm.clear_reason,
                                                            "by": "operator" if user is not None else "sistem"})
        events.publish("traffic.alarm", alarm_payload(alarm))
    return alarm
