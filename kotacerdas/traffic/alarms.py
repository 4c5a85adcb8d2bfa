"""Incident and congestion detection on 5-minute detector occupancy → Alarm rows (via actions.do_raise/do_clear).

Two methods from `kotacerdas.lib.incidents`:

- California (incident, key "california:<up>-<down>") on the upstream/downstream pairs an engineer defined as
  `DetectorPair` rows, each with its own thresholds. The registry does not know where a detector sits along a
  road (lanes of one approach sit side by side, not one behind the other), so pairs are never guessed.
- Robust z-score (congestion, key "zscore:<detector>") on every active detector that reports occupancy, against
  its own time-of-day baseline: median and MAD per 15-minute slot of the same day type (Mon–Fri or Sat–Sun) over
  the previous TRAFFIC_BASELINE_DAYS days, from the 15-minute rollups.

How a run stays idempotent without keeping detector state between runs: each run replays the last
TRAFFIC_DETECTION_WINDOW complete 5-minute buckets through a fresh detector whose `active` flag is seeded from the
database (an alarm for that key open at the window's start). A RAISE at t creates an alarm unless an alarm of that
key already covers t or one is open; a CLEAR at t closes the open alarm when it was raised before t. Re-running
with the same data and `now` therefore changes nothing, and the database constraint (one open alarm per key) stops
two concurrent runs. Raise and clear times are the data's interval starts, not the wall clock.

Cost per run: one 5-minute rollup query over the window, one 15-minute rollup query over the baseline slots
(≈ 5 slots × ~20 days per detector), one alarm query; then pure Python per detector. Model instances are loaded
only for the alarms a run raises. bench/traffic_incidents.py (388 detectors, 183 pairs, SQLite, shared 2-core
machine): p50 ≈ 0.2 s per run.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from django.conf import settings
from django.utils import timezone

from kotacerdas.lib import incidents
from kotacerdas.traffic import actions
from kotacerdas.traffic.engineering import floor_bucket
from kotacerdas.traffic.models import (
    OPEN_ALARM_STATES,
    Alarm,
    AlarmKind,
    Detector,
    DetectorPair,
    Rollup5Min,
    Rollup15Min,
)

INTERVAL_S = Rollup5Min.BUCKET_SECONDS
SLOT_S = Rollup15Min.BUCKET_SECONDS


@dataclass(frozen=True)
class DetectionSettings:
    window: int = 12  # 5-minute buckets replayed per run (1 hour)
    baseline_days: int = 28
    baseline_min_samples: int = 5
    z_raise: float = 3.0
    z_clear: float = 1.5
    consecutive: int = 2  # SND strategy B: two successive critical values
    clear_consecutive: int = 2
    max_missing: int = 3
    # Floor of the robust scale (1.4826 × MAD), in occupancy points (TRAFFIC_ZSCORE_MIN_SCALE). A 5-minute
    # occupancy wobbles by itself: counting noise alone is about occ/√n (Poisson), 1–2 points for a lane at
    # 10–20 % with 50–100 vehicles, before partial signal cycles add to it. With a 1-point floor, slots whose history
    # barely moved (MAD ≈ 0.3 points, quiet lanes) turned such wobbles into z ≥ 3: on planted incidents
    # (bench/traffic_incidents.py, 388 detectors, 3 days, seeds 42 and 7) 1.0 gave 137 and 163 false congestion
    # alarms, 3.0 gives 16 and 26 (seed 11, not used to choose the value, on PostgreSQL: 155 → 8), with all 40
    # incidents still detected and the same time to detect (≈ 1 interval).
    # A queue standing over a loop moves occupancy by 20–60 points, far above the floor. [our derivation from
    # counting noise, checked on the simulator only; recalibrate on the city's own detectors]
    min_scale: float = 3.0


def detection_settings() -> DetectionSettings:
    base = DetectionSettings()
    return DetectionSettings(
        window=int(getattr(settings, "TRAFFIC_DETECTION_WINDOW", base.window)),
        baseline_days=int(getattr(settings, "TRAFFIC_BASELINE_DAYS", base.baseline_days)),
        baseline_min_samples=int(getattr(settings, "TRAFFIC_BASELINE_MIN_SAMPLES", base.baseline_min_samples)),
        z_raise=float(getattr(settings, "TRAFFIC_ZSCORE_RAISE", base.z_raise)),
        z_clear=float(getattr(settings, "TRAFFIC_ZSCORE_CLEAR", base.z_clear)),
        consecutive=int(getattr(settings, "TRAFFIC_ZSCORE_CONSECUTIVE", base.consecutive)),
        clear_consecutive=int(getattr(settings, "TRAFFIC_ZSCORE_CLEAR_CONSECUTIVE", base.clear_consecutive)),
        max_missing=int(getattr(settings, "TRAFFIC_DETECTION_MAX_MISSING", base.max_missing)),
        min_scale=float(getattr(settings, "TRAFFIC_ZSCORE_MIN_SCALE", base.min_scale)),
    )


def _weekend(t: datetime) -> bool:
    return timezone.localtime(t).weekday() >= 5


def _occupancy(sum_: float, seconds: int) -> float | None:
    # Time-weighted mean; clamp float noise so the library's 0–100 check never trips on 100.0000001.
    return min(100.0, max(0.0, sum_ / seconds)) if seconds else None


def baseline_history(detector_ids: list[int], window: list[datetime], days: int) -> dict[int, list[tuple[datetime,
                                                                                                         float]]]:
    """(local time, occupancy) per detector at the window's 15-minute slots on earlier days of the same day type."""
    slots = sorted({floor_bucket(t, SLOT_S) for t in window})
    weekend = _weekend(window[-1])
    starts = [s - timedelta(days=d) for d in range(1, days + 1) for s in slots
              if _weekend(s - timedelta(days=d)) == weekend]
    out: dict[int, list[tuple[datetime, float]]] = defaultdict(list)
    if not starts or not detector_ids:
        return out
    # Every row starts at one of `starts`: their local times are computed once, not once per row (localtime()
    # looks the zone up each call, which was a third of a run).
    local = {s: timezone.localtime(s) for s in starts}
    wanted = set(detector_ids)
    rows = (Rollup15Min.objects.filter(bucket_start__in=starts, detector__is_active=True, occupancy_seconds__gt=0)
            .order_by().values_list("detector_id", "bucket_start", "occupancy_sum", "occupancy_seconds"))
    for det, start, occ_sum, occ_s in rows:
        value = _occupancy(occ_sum, occ_s)
        if value is not None and det in wanted:
            out[det].append((local[start], value))
    return out


class _Keyed:
    """The alarms of one key known to this run (open and recent), kept in step with what the run writes."""

    def __init__(self, alarms: list[Alarm]) -> None:
        self.alarms = alarms

    def open(self) -> Alarm | None:
        return next((a for a in self.alarms if a.state in OPEN_ALARM_STATES), None)

    def covers(self, t: datetime) -> bool:
        return any(a.raised_at <= t and (a.cleared_at is None or t <= a.cleared_at) for a in self.alarms)

    def active_at(self, t: datetime) -> bool:
        return any(a.raised_at < t and (a.cleared_at is None or a.cleared_at >= t) for a in self.alarms)


class _Places:
    """Detector, approach and intersection rows of the alarms a run raises, loaded only then (a run raises few;
    loading model instances for every detector of the city on every run cost more than the detection)."""

    def __init__(self) -> None:
        self._rows: dict[int, dict[str, Any]] = {}

    def of(self, detector_id: int) -> dict[str, Any]:
        if detector_id not in self._rows:
            d = Detector.objects.select_related("approach__intersection").get(pk=detector_id)
            self._rows[detector_id] = {"intersection": d.approach.intersection, "approach": d.approach, "detector": d}
        return self._rows[detector_id]


def _apply(event: incidents.DetectorEvent, keyed: _Keyed, counts: dict[str, int], place: Callable[[], dict[str, Any]],
           **raise_kwargs: Any) -> None:
    if event.kind == incidents.EventKind.RAISE:
        if keyed.covers(event.t) or keyed.open() is not None:
            return
        alarm = actions.do_raise(raised_at=event.t, score=event.score, reason=event.reason, **raise_kwargs,
                                 **place())
        if alarm is not None:
            keyed.alarms.append(alarm)
            counts["raised"] += 1
    elif event.kind == incidents.EventKind.CLEAR:
        alarm = keyed.open()
        if alarm is not None and alarm.raised_at < event.t:
            cleared = actions.do_clear(alarm, reason=event.reason or "kondisi kembali normal", now=event.t)
            if cleared is not None:
                keyed.alarms[keyed.alarms.index(alarm)] = cleared
                counts["cleared"] += 1


def run_detection(now: datetime | None = None, cfg: DetectionSettings | None = None) -> dict[str, int]:
    """One detection run over the newest complete 5-minute buckets; returns counts (raised, cleared, ...)."""
    cfg = cfg or detection_settings()
    now = now or timezone.now()
    last = floor_bucket(now, INTERVAL_S) - timedelta(seconds=INTERVAL_S)
    window = [last - timedelta(seconds=INTERVAL_S * i) for i in range(cfg.window - 1, -1, -1)]
    detectors = list(Detector.objects.filter(is_active=True).values_list("pk", flat=True))
    places = _Places()
    occ: dict[int, dict[datetime, float | None]] = defaultdict(dict)
    for det, start, occ_sum, occ_s in (Rollup5Min.objects.filter(bucket_start__gte=window[0], bucket_start__lte=last,
                                                                 detector__is_active=True)
                                       .order_by().values_list("detector_id", "bucket_start", "occupancy_sum",
                                                               "occupancy_seconds")):
        occ[det][start] = _occupancy(occ_sum, occ_s)
    known: dict[str, list[Alarm]] = defaultdict(list)
    for alarm in Alarm.objects.filter(method__in=("california", "zscore")).exclude(
            cleared_at__lt=window[0] - timedelta(seconds=INTERVAL_S)).select_related("intersection", "detector"):
        known[alarm.key].append(alarm)
    counts = {"raised": 0, "cleared": 0, "pairs": 0, "detectors": 0}

    for pair in DetectorPair.objects.filter(is_active=True, upstream__is_active=True, downstream__is_active=True):
        key = f"california:{pair.upstream_id}-{pair.downstream_id}"
        keyed = _Keyed(known[key])
        det = incidents.CaliforniaDetector(
            incidents.CaliforniaThresholds(pair.occdf, pair.occrdf, pair.docctd),
            persistence=pair.persistence, max_missing=cfg.max_missing)
        det.active = keyed.active_at(window[0])
        up, down = occ.get(pair.upstream_id, {}), occ.get(pair.downstream_id, {})
        counts["pairs"] += 1
        for t in window:
            event = det.update(t, up.get(t), down.get(t))
            _apply(event, keyed, counts, lambda d=pair.upstream_id: places.of(d), kind=AlarmKind.INCIDENT,
                   method="california", key=key)

    reporting = [d for d in detectors if any(v is not None for v in occ.get(d, {}).values())]
    history = baseline_history(reporting, window, cfg.baseline_days)
    # The baseline's slots are local time of day; events keep that aware time (the same instants).
    local_window = [timezone.localtime(t) for t in window]
    for det_id in reporting:
        samples = history.get(det_id, [])
        if not samples:
            continue
        baseline = incidents.TimeOfDayBaseline.from_history(samples, slot_s=SLOT_S,
                                                            min_samples=cfg.baseline_min_samples,
                                                            min_scale=cfg.min_scale)
        key = f"zscore:{det_id}"
        keyed = _Keyed(known[key])
        det = incidents.ZScoreDetector(baseline, z_raise=cfg.z_raise, z_clear=cfg.z_clear,
                                       consecutive=cfg.consecutive, clear_consecutive=cfg.clear_consecutive,
                                       max_missing=cfg.max_missing)
        det.active = keyed.active_at(window[0])
        counts["detectors"] += 1
        series = occ[det_id]
        for t, local_t in zip(window, local_window, strict=True):
            event = det.update(local_t, series.get(t))
            _apply(event, keyed, counts, lambda d=det_id: places.of(d), kind=AlarmKind.CONGESTION, method="zscore",
                   key=key)
    return counts
