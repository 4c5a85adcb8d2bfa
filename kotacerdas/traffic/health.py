"""Daily detector health: `kotacerdas.lib.detector_health.assess_day` per active detector → DetectorHealthReport.

Input is the day's 5-minute rollups (the library's defaults assume 5-minute intervals, and rollups outlive the raw
readings): count = vehicles when the bucket carried counts, occupancy and speed = the bucket means. The platform
does not impute yet, so the imputed share is 0 until an imputation step marks its fill-ins. A detector with no data
at all gets a report too (flag "hilang"), which is the point.

Flagged detectors also get a "detector" alarm (key "health:<detector>"), cleared by the first healthy day after.
Re-running a day overwrites its reports (update_or_create) and raises nothing twice.
"""

from __future__ import annotations

from collections import defaultdict
from datetime import date, datetime, time, timedelta

from django.conf import settings
from django.utils import timezone

from kotacerdas.lib import detector_health as dh
from kotacerdas.traffic import actions
from kotacerdas.traffic.models import OPEN_ALARM_STATES, Alarm, AlarmKind, Detector, DetectorHealthReport, Rollup5Min


def health_settings(lanes: int) -> dh.HealthSettings:
    """Library defaults, overridable by TRAFFIC_HEALTH (a dict of HealthSettings fields, e.g. stuck_intervals)."""
    overrides = dict(getattr(settings, "TRAFFIC_HEALTH", {}))
    overrides.pop("interval_s", None)  # fixed: the input is the 5-minute rollup
    return dh.HealthSettings(interval_s=Rollup5Min.BUCKET_SECONDS, lanes=max(1, lanes), **overrides)


def day_bounds(day: date) -> tuple[datetime, datetime]:
    tz = timezone.get_current_timezone()
    start = datetime.combine(day, time(0), tzinfo=tz)
    return start, start + timedelta(days=1)


def assess(day: date, *, now: datetime | None = None, raise_alarms: bool = True) -> dict[str, int]:
    """Assess every active detector for one local day; returns counts (detectors, unhealthy, raised, cleared)."""
    now = now or timezone.now()
    start, end = day_bounds(day)
    detectors = list(Detector.objects.filter(is_active=True).select_related("approach__intersection"))
    readings: dict[int, list[dh.IntervalReading]] = defaultdict(list)
    rows = (Rollup5Min.objects.filter(bucket_start__gte=start, bucket_start__lt=end)
            .order_by().values_list("detector_id", "bucket_start", "count_seconds", "vehicles", "speed_sum",
                                    "speed_n", "occupancy_sum", "occupancy_seconds"))
    for det, bucket, count_s, vehicles, speed_sum, speed_n, occ_sum, occ_s in rows:
        readings[det].append(dh.IntervalReading(
            start=timezone.localtime(bucket),
            count=float(vehicles) if count_s else None,
            occupancy=occ_sum / occ_s if occ_s else None,
            speed=speed_sum / speed_n if speed_n else None))
    open_alarms = {a.key: a for a in Alarm.objects.filter(method="health", state__in=OPEN_ALARM_STATES)}
    counts = {"detectors": 0, "unhealthy": 0, "raised": 0, "cleared": 0}
    for det in detectors:
        lanes = 1 if det.lane_id else det.approach.lanes
        result = dh.assess_day(day, readings.get(det.pk, []), health_settings(lanes))
        DetectorHealthReport.objects.update_or_create(detector=det, day=day, defaults={
            "flags": list(result.flags), "reasons": list(result.reasons),
            "expected_intervals": result.expected_intervals, "observed_intervals": result.observed_intervals,
            "imputed_intervals": result.imputed_intervals, "missing_intervals": result.missing_intervals,
            "implausible_intervals": result.implausible_intervals, "longest_stuck_run": result.longest_stuck_run,
            "observed_share": result.observed_share, "imputed_share": result.imputed_share,
            "healthy": result.healthy, "assessed_at": now,
        })
        counts["detectors"] += 1
        if not result.healthy:
            counts["unhealthy"] += 1
        if not raise_alarms:
            continue
        key = f"health:{det.pk}"
        if not result.healthy and key not in open_alarms:
            alarm = actions.do_raise(
                kind=AlarmKind.DETECTOR, method="health", key=key, intersection=det.approach.intersection,
                approach=det.approach, detector=det, raised_at=now,
                score=round(1 - result.observed_share, 3),
                reason=f"Detektor {det.code} {day:%d-%m-%Y}: " + " ".join(result.reasons))
            counts["raised"] += alarm is not None
        elif result.healthy and key in open_alarms:
            cleared = actions.do_clear(open_alarms[key], reason=f"Detektor sehat pada {day:%d-%m-%Y}.", now=now)
            counts["cleared"] += cleared is not None
    return counts


def assess_yesterday(now: datetime | None = None) -> dict[str, int]:
    now = now or timezone.now()
    return assess(timezone.localdate(now) - timedelta(days=1), now=now)
