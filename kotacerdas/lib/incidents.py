"""Incident and congestion detection on detector occupancy, pure: no Django, no database, no clock.

Two methods (reference note `iot-traffic-parking.md` §4.4), each as a stateful detector fed one interval at a time
(the live path: ingestion → rollup → detector → alarm) and as a batch function over a series (tests, back-tests,
the bench figures):

- The basic California algorithm (Payne & Tignor, 1970s; "TSC #2", the three-test tree the later #7/#8 refine)
  on the occupancies of an upstream station i and a downstream station i+1, with a persistence count.
- A z-score detector: SND (Dudek, Messer & Nuckles, TRR 495, 1974; mean and standard deviation over a recent
  window, strategy B = two successive critical values) or a robust z-score (median / MAD) against a
  time-of-day baseline of the same detector, which suits urban signalised roads with their daily peaks.

Occupancy is in percent (0–100; SDM's 0–1 `occupancy` × 100), because the published California thresholds are.
Times are datetimes; a missing interval is passed as None and never invents a value.

`evaluate_detection` scores alarms against planted incidents: detection rate, false alarm rate (per
detector-day and as a share of alarms) and mean time to detect.
"""

from __future__ import annotations

import math
import statistics
from collections import deque
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum
from typing import Protocol


class EventKind(StrEnum):
    """What a detector says after one interval."""

    NONE = "none"  # no alarm
    RAISE = "raise"  # an alarm starts now
    CONTINUE = "continue"  # the alarm goes on
    CLEAR = "clear"  # the alarm ends now


@dataclass(frozen=True)
class DetectorEvent:
    kind: EventKind
    t: datetime
    score: float | None = None
    reason: str = ""


@dataclass(frozen=True)
class Alarm:
    """One alarm: raised at `start`, cleared at `end` (None while still active at the end of the data)."""

    location: str
    start: datetime
    end: datetime | None
    peak_score: float | None = None
    reason: str = ""


def _check_occupancy(name: str, value: float | None) -> None:
    if value is None:
        return
    if math.isnan(value) or not 0 <= value <= 100:
        raise ValueError(f"{name} must be an occupancy in percent (0–100), got {value!r}")


def _id(x: float, digits: int = 2) -> str:
    return f"{x:.{digits}f}".replace(".", ",")


# --- California -------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class CaliforniaThresholds:
    """Thresholds of the basic California algorithm.

    Defaults are the values commonly quoted for the basic algorithm (Payne & Tignor 1978: T1 = 8 occupancy
    points, T2 = 0.5, T3 = 0.15) [K: not re-checked against the report for this module]. Every study re-calibrates
    them per site (Chung & Rosalion 1999); store them per detector pair as settings.
    """

    occdf: float = 8.0  # T1: OCC_i(t) − OCC_i+1(t), percentage points
    occrdf: float = 0.5  # T2: OCCDF / OCC_i(t)
    docctd: float = 0.15  # T3: [OCC_i+1(t−2) − OCC_i+1(t)] / OCC_i+1(t−2)

    def __post_init__(self) -> None:
        for name in ("occdf", "occrdf", "docctd"):
            value = getattr(self, name)
            if math.isnan(value) or value < 0:
                raise ValueError(f"threshold {name} must be non-negative, got {value!r}")


@dataclass(frozen=True)
class CaliforniaTests:
    occdf: float
    occrdf: float
    docctd: float | None  # None when OCC_i+1(t−2) is missing or zero


def california_tests(upstream: float, downstream: float, downstream_two_back: float | None) -> CaliforniaTests:
    """The three California measures for one interval.

    OCCDF = OCC_i(t) − OCC_i+1(t); OCCRDF = OCCDF / OCC_i(t) (0 when OCC_i(t) = 0: no upstream occupancy means no
    queue); DOCCTD = [OCC_i+1(t−2) − OCC_i+1(t)] / OCC_i+1(t−2), undefined (None) without a non-zero t−2 value.
    """
    _check_occupancy("upstream", upstream)
    _check_occupancy("downstream", downstream)
    _check_occupancy("downstream_two_back", downstream_two_back)
    occdf = upstream - downstream
    occrdf = occdf / upstream if upstream > 0 else 0.0
    docctd = None
    if downstream_two_back is not None and downstream_two_back > 0:
        docctd = (downstream_two_back - downstream) / downstream_two_back
    return CaliforniaTests(occdf=occdf, occrdf=occrdf, docctd=docctd)


class CaliforniaDetector:
    """Basic California algorithm with persistence, for one upstream/downstream detector pair.

    - Tentative incident when all three tests pass: OCCDF ≥ T1, OCCRDF ≥ T2 and DOCCTD ≥ T3 (the drop of the
      downstream occupancy behind a blockage, which tells an incident from a recurrent bottleneck).
    - Raised after `persistence` consecutive intervals: the first with all three tests, the following ones with
      OCCRDF ≥ T2 only (DOCCTD is a one-off drop and does not repeat). `persistence = 1` is the basic algorithm;
      2 is the persistence check of the later variants, trading detection time for fewer false alarms.
    - Cleared when OCCRDF < T2 (note §4.4), or after `max_missing` consecutive intervals without data, because an
      alarm nobody can confirm should not stay on the Command Center wall for ever.
    """

    def __init__(
        self,
        thresholds: CaliforniaThresholds | None = None,
        *,
        persistence: int = 1,
        max_missing: int = 3,
    ) -> None:
        if persistence < 1:
            raise ValueError("persistence must be at least 1")
        if max_missing < 1:
            raise ValueError("max_missing must be at least 1")
        self.thresholds = thresholds or CaliforniaThresholds()
        self.persistence = persistence
        self.max_missing = max_missing
        self.active = False
        self._tentative = 0
        self._missing = 0
        # Downstream occupancy at t−1 and t−2 (None for a missing interval).
        self._downstream: deque[float | None] = deque([None, None], maxlen=2)

    def update(self, t: datetime, upstream: float | None, downstream: float | None) -> DetectorEvent:
        """Feed one interval; returns RAISE, CONTINUE, CLEAR or NONE."""
        _check_occupancy("upstream", upstream)
        _check_occupancy("downstream", downstream)
        two_back = self._downstream[0]
        self._downstream.append(downstream)
        if upstream is None or downstream is None:
            self._tentative = 0  # persistence must be consecutive
            if not self.active:
                return DetectorEvent(EventKind.NONE, t)
            self._missing += 1
            if self._missing >= self.max_missing:
                self.active = False
                return DetectorEvent(EventKind.CLEAR, t, reason=f"data hilang {self._missing} interval berturut-turut")
            return DetectorEvent(EventKind.CONTINUE, t, reason="data hilang; alarm dipertahankan")
        self._missing = 0
        tests = california_tests(upstream, downstream, two_back)
        th = self.thresholds
        if self.active:
            if tests.occrdf < th.occrdf:
                self.active = False
                return DetectorEvent(EventKind.CLEAR, t, tests.occrdf, f"OCCRDF {_id(tests.occrdf)} < {_id(th.occrdf)}")
            return DetectorEvent(EventKind.CONTINUE, t, tests.occrdf)
        if self._tentative == 0:
            passed = (
                tests.occdf >= th.occdf
                and tests.occrdf >= th.occrdf
                and tests.docctd is not None
                and tests.docctd >= th.docctd
            )
        else:
            passed = tests.occrdf >= th.occrdf
        if not passed:
            self._tentative = 0
            return DetectorEvent(EventKind.NONE, t, tests.occrdf)
        self._tentative += 1
        if self._tentative < self.persistence:
            return DetectorEvent(EventKind.NONE, t, tests.occrdf, "insiden tentatif")
        self._tentative = 0
        self.active = True
        docctd = "" if tests.docctd is None else f", DOCCTD {_id(tests.docctd)}"
        return DetectorEvent(
            EventKind.RAISE,
            t,
            tests.occrdf,
            f"Dugaan insiden: OCCDF {_id(tests.occdf, 1)} poin, OCCRDF {_id(tests.occrdf)}{docctd} "
            f"(ambang {_id(th.occdf, 1)}/{_id(th.occrdf)}/{_id(th.docctd)}, persistensi {self.persistence})",
        )


# --- z-score detectors ------------------------------------------------------------------------------------------


class Scorer(Protocol):
    """Turns one value into a z-score (None when the baseline cannot judge it yet)."""

    def score(self, t: datetime, value: float) -> float | None: ...

    def observe(self, t: datetime, value: float) -> None: ...


class RollingSnd:
    """SND z = (x_t − mean) / sd over the previous `window` normal intervals (Dudek, Messer & Nuckles 1974).

    `min_sd` keeps a flat window (all 3 % at night) from turning a 1-point wobble into a huge z; the detector stops
    feeding the window during an alarm so an incident does not become its own baseline.
    """

    def __init__(self, window: int = 12, *, min_samples: int = 6, min_sd: float = 1.0) -> None:
        if window < 2 or not 2 <= min_samples <= window:
            raise ValueError("need window ≥ 2 and 2 ≤ min_samples ≤ window")
        if min_sd <= 0:
            raise ValueError("min_sd must be positive")
        self.min_samples = min_samples
        self.min_sd = min_sd
        self._values: deque[float] = deque(maxlen=window)

    def score(self, t: datetime, value: float) -> float | None:
        if len(self._values) < self.min_samples:
            return None
        sd = max(statistics.stdev(self._values), self.min_sd)
        return (value - statistics.fmean(self._values)) / sd

    def observe(self, t: datetime, value: float) -> None:
        self._values.append(value)


# 1.4826 × MAD estimates the standard deviation of normally distributed data (Rousseeuw & Croux 1993), so robust
# z-scores read like ordinary ones.
MAD_TO_SD = 1.4826


class TimeOfDayBaseline:
    """Robust baseline of one detector: median and MAD of its history per time-of-day slot.

    Build one per detector and day type (weekday / weekend) from clean history; z = (x − median) / (1.4826 MAD),
    with the scale floored at `min_scale` (a slot whose history never varied is not infinitely sure).
    """

    def __init__(self, slots: dict[int, tuple[float, float]], *, slot_s: int, min_scale: float = 1.0) -> None:
        if slot_s <= 0 or 86400 % slot_s:
            raise ValueError("slot_s must divide a day")
        if min_scale <= 0:
            raise ValueError("min_scale must be positive")
        self.slot_s = slot_s
        self.min_scale = min_scale
        self._slots = slots

    @classmethod
    def from_history(
        cls,
        samples: Iterable[tuple[datetime, float | None]],
        *,
        slot_s: int = 900,
        min_samples: int = 5,
        min_scale: float = 1.0,
    ) -> TimeOfDayBaseline:
        """Median and MAD per slot from (time, value) history; slots with fewer than `min_samples` are left out."""
        by_slot: dict[int, list[float]] = {}
        for t, value in samples:
            if value is None:
                continue
            _check_occupancy("history value", value)
            by_slot.setdefault(cls._slot_of(t, slot_s), []).append(value)
        slots = {}
        for slot, values in by_slot.items():
            if len(values) < min_samples:
                continue
            med = statistics.median(values)
            slots[slot] = (med, statistics.median(abs(v - med) for v in values))
        return cls(slots, slot_s=slot_s, min_scale=min_scale)

    @staticmethod
    def _slot_of(t: datetime, slot_s: int) -> int:
        return (t.hour * 3600 + t.minute * 60 + t.second) // slot_s

    def median_at(self, t: datetime) -> float | None:
        entry = self._slots.get(self._slot_of(t, self.slot_s))
        return None if entry is None else entry[0]

    def score(self, t: datetime, value: float) -> float | None:
        entry = self._slots.get(self._slot_of(t, self.slot_s))
        if entry is None:
            return None
        med, mad = entry
        return (value - med) / max(MAD_TO_SD * mad, self.min_scale)

    def observe(self, t: datetime, value: float) -> None:
        """The baseline is fixed history; live values do not move it."""


class ZScoreDetector:
    """Alarm when z ≥ `z_raise` for `consecutive` intervals (SND strategy B: two successive critical values);
    clear when z < `z_clear` for `clear_consecutive` intervals or after `max_missing` missing intervals.

    The default critical value 3.0 is ours [U]: Dudek et al. tested several; calibrate with `evaluate_detection`.
    The gap between `z_raise` and `z_clear` (hysteresis) keeps a value hovering at the threshold from flapping.
    """

    def __init__(
        self,
        scorer: Scorer,
        *,
        z_raise: float = 3.0,
        z_clear: float = 1.5,
        consecutive: int = 2,
        clear_consecutive: int = 2,
        max_missing: int = 3,
    ) -> None:
        if z_clear > z_raise:
            raise ValueError("z_clear must not exceed z_raise")
        if consecutive < 1 or clear_consecutive < 1 or max_missing < 1:
            raise ValueError("counts must be at least 1")
        self.scorer = scorer
        self.z_raise = z_raise
        self.z_clear = z_clear
        self.consecutive = consecutive
        self.clear_consecutive = clear_consecutive
        self.max_missing = max_missing
        self.active = False
        self._above = 0
        self._below = 0
        self._missing = 0

    def update(self, t: datetime, value: float | None) -> DetectorEvent:
        """Feed one interval's occupancy (percent) or None; returns RAISE, CONTINUE, CLEAR or NONE."""
        _check_occupancy("value", value)
        if value is None:
            self._above = 0
            if not self.active:
                return DetectorEvent(EventKind.NONE, t)
            self._missing += 1
            if self._missing >= self.max_missing:
                self._reset()
                reason = f"data hilang {self.max_missing} interval berturut-turut"
                return DetectorEvent(EventKind.CLEAR, t, reason=reason)
            return DetectorEvent(EventKind.CONTINUE, t, reason="data hilang; alarm dipertahankan")
        self._missing = 0
        z = self.scorer.score(t, value)
        if self.active:
            if z is not None and z < self.z_clear:
                self._below += 1
                if self._below >= self.clear_consecutive:
                    self._reset()
                    self.scorer.observe(t, value)
                    return DetectorEvent(EventKind.CLEAR, t, z, f"z {_id(z)} < {_id(self.z_clear)}")
            else:
                self._below = 0
            return DetectorEvent(EventKind.CONTINUE, t, z)
        if z is not None and z >= self.z_raise:
            self._above += 1
            if self._above >= self.consecutive:
                self.active = True
                self._above = 0
                return DetectorEvent(
                    EventKind.RAISE,
                    t,
                    z,
                    f"Okupansi {_id(value, 1)}% menyimpang: z {_id(z)} ≥ {_id(self.z_raise)} "
                    f"selama {self.consecutive} interval",
                )
            # A tentative value is kept out of the window, like an alarm's values.
            return DetectorEvent(EventKind.NONE, t, z, "tentatif")
        self._above = 0
        self.scorer.observe(t, value)
        return DetectorEvent(EventKind.NONE, t, z)

    def _reset(self) -> None:
        self.active = False
        self._above = 0
        self._below = 0
        self._missing = 0


# --- Batch --------------------------------------------------------------------------------------------------------


def alarms_from_events(events: Iterable[DetectorEvent], location: str = "") -> list[Alarm]:
    """Pair RAISE and CLEAR events into alarms; an alarm still open at the end has `end = None`."""
    alarms: list[Alarm] = []
    start: DetectorEvent | None = None
    peak: float | None = None
    for event in events:
        if event.kind == EventKind.RAISE:
            start, peak = event, event.score
        elif start is not None and event.score is not None and (peak is None or event.score > peak):
            peak = event.score
        if event.kind == EventKind.CLEAR and start is not None:
            alarms.append(Alarm(location, start.t, event.t, peak, start.reason))
            start, peak = None, None
    if start is not None:
        alarms.append(Alarm(location, start.t, None, peak, start.reason))
    return alarms


def california_batch(
    times: Sequence[datetime],
    upstream: Sequence[float | None],
    downstream: Sequence[float | None],
    *,
    location: str = "",
    thresholds: CaliforniaThresholds | None = None,
    persistence: int = 1,
    max_missing: int = 3,
) -> list[Alarm]:
    """Run `CaliforniaDetector` over aligned series and return its alarms."""
    if not len(times) == len(upstream) == len(downstream):
        raise ValueError("times, upstream and downstream must have the same length")
    detector = CaliforniaDetector(thresholds, persistence=persistence, max_missing=max_missing)
    events = [detector.update(t, u, d) for t, u, d in zip(times, upstream, downstream, strict=True)]
    return alarms_from_events(events, location)


def zscore_batch(
    times: Sequence[datetime],
    values: Sequence[float | None],
    scorer: Scorer,
    *,
    location: str = "",
    z_raise: float = 3.0,
    z_clear: float = 1.5,
    consecutive: int = 2,
    clear_consecutive: int = 2,
    max_missing: int = 3,
) -> list[Alarm]:
    """Run `ZScoreDetector` over one detector's series and return its alarms."""
    if len(times) != len(values):
        raise ValueError("times and values must have the same length")
    detector = ZScoreDetector(
        scorer,
        z_raise=z_raise,
        z_clear=z_clear,
        consecutive=consecutive,
        clear_consecutive=clear_consecutive,
        max_missing=max_missing,
    )
    events = [detector.update(t, v) for t, v in zip(times, values, strict=True)]
    return alarms_from_events(events, location)


# --- Evaluation -----------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Incident:
    """A planted (ground-truth) incident at a location, from `start` to `end`."""

    location: str
    start: datetime
    end: datetime


@dataclass(frozen=True)
class DetectionEvaluation:
    """Detection rate (DR), false alarm rate (FAR) and mean time to detect (MTTD).

    DR = detected incidents / incidents. FAR per detector-day = false alarms / detector-days monitored; FAR share =
    false alarms / all alarms; FAR per decision (the classic definition, false alarms / detector decisions) when
    the number of decisions is known. MTTD is in seconds over detected incidents.
    """

    incidents: int
    detected: int
    alarms: int
    false_alarms: int
    detection_rate: float | None
    false_alarms_per_detector_day: float
    false_alarm_share: float | None
    false_alarm_rate_per_decision: float | None
    mean_time_to_detect_s: float | None
    times_to_detect_s: tuple[float, ...]


def evaluate_detection(
    incidents: Sequence[Incident],
    alarms: Sequence[Alarm],
    *,
    detector_days: float,
    grace: timedelta = timedelta(0),
    decisions: int | None = None,
) -> DetectionEvaluation:
    """Score alarms against planted incidents.

    An alarm matches an incident at the same location when the alarm's active span [start, end] overlaps
    [incident.start, incident.end + grace]; `grace` lets an alarm raised just after a short incident (the queue
    outlives the blockage) still count. Time to detect = first matching alarm start − incident start, or 0 when the
    alarm was already on. An alarm matching no incident is a false alarm.
    """
    if detector_days <= 0:
        raise ValueError("detector_days must be positive")
    if grace < timedelta(0):
        raise ValueError("grace must not be negative")
    if decisions is not None and decisions <= 0:
        raise ValueError("decisions must be positive")
    for inc in incidents:
        if inc.end < inc.start:
            raise ValueError(f"incident ends before it starts: {inc!r}")

    def overlaps(alarm: Alarm, inc: Incident) -> bool:
        if alarm.location != inc.location:
            return False
        return alarm.start <= inc.end + grace and (alarm.end is None or alarm.end >= inc.start)

    ttd: list[float] = []
    for inc in incidents:
        starts = [a.start for a in alarms if overlaps(a, inc)]
        if starts:
            ttd.append(max(0.0, (min(starts) - inc.start).total_seconds()))
    false = sum(1 for a in alarms if not any(overlaps(a, inc) for inc in incidents))
    return DetectionEvaluation(
        incidents=len(incidents),
        detected=len(ttd),
        alarms=len(alarms),
        false_alarms=false,
        detection_rate=len(ttd) / len(incidents) if incidents else None,
        false_alarms_per_detector_day=false / detector_days,
        false_alarm_share=false / len(alarms) if alarms else None,
        false_alarm_rate_per_decision=false / decisions if decisions else None,
        mean_time_to_detect_s=statistics.fmean(ttd) if ttd else None,
        times_to_detect_s=tuple(ttd),
    )
