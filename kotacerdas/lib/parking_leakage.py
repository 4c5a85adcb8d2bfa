"""Pure arithmetic of e-parking leakage detection (iot-traffic-parking.md §5.4); no Django, no database.

The Django side (`kotacerdas.parking.leakage`) gathers one point-day's data and calls these; the tests check them
on hand-made numbers.
"""

from __future__ import annotations

import statistics
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

# 1.4826 × MAD estimates the standard deviation of normally distributed data (Rousseeuw & Croux 1993), the same
# constant as kotacerdas.lib.incidents.
MAD_TO_SD = 1.4826


def median(values: Iterable[float]) -> float | None:
    data = list(values)
    return statistics.median(data) if data else None


def robust_z(value: float, others: Sequence[float], min_scale: float = 1e-9) -> float | None:
    """(value − median) / (1.4826 · MAD) of `others`; None when there are no others.

    The scale has a floor (`min_scale`): among near-identical peers MAD is 0 and any difference would be infinite.
    """
    if not others:
        return None
    med = statistics.median(others)
    mad = statistics.median(abs(x - med) for x in others)
    return (value - med) / max(MAD_TO_SD * mad, min_scale)


def leakage_ratio(expected: float, actual: float) -> float:
    """L = 1 − actual / expected (§5.4); 0 when nothing was expected. Negative when more was paid than expected."""
    return 1 - actual / expected if expected > 0 else 0.0


def mean_tariff(mix: dict[str, float], tariffs: dict[str, int | None]) -> float:
    """Σ_v share_v × tariff_v over the classes with a confirmed tariff, shares renormalised over those classes."""
    usable = {v: w for v, w in mix.items() if w > 0 and tariffs.get(v)}
    weight = sum(usable.values())
    if not weight:
        return 0.0
    return sum(w * (tariffs[v] or 0) for v, w in usable.items()) / weight


@dataclass(frozen=True)
class Gap:
    start: datetime
    end: datetime

    @property
    def minutes(self) -> float:
        return (self.end - self.start).total_seconds() / 60


def longest_gap(times: Iterable[datetime], window_start: datetime, window_end: datetime) -> Gap:
    """The longest stretch of [window_start, window_end) without a transaction (window edges count as bounds)."""
    inside = sorted(t for t in times if window_start <= t < window_end)
    best = Gap(window_start, window_start)
    previous = window_start
    for t in [*inside, window_end]:
        if t - previous > best.end - best.start:
            best = Gap(previous, t)
        previous = t
    return best


def capped_days(revenues: Sequence[int], target: int, below: float, above: float) -> int:
    """Days whose revenue sits at the target: in [target − below, target + above] (deposit capping, §5.4
    indicator 4)."""
    if target <= 0:
        return 0
    return sum(1 for r in revenues if target - below <= r <= target + above)


def coefficient_of_variation(values: Sequence[float]) -> float | None:
    if len(values) < 2:
        return None
    mean = statistics.fmean(values)
    return statistics.pstdev(values) / mean if mean else None


def sessions_from_occupancy(intervals: Iterable[tuple[int, float, int | None]], mean_stay_h: float) -> float:
    """Vehicle sessions over intervals of (seconds, occupied spaces, arrivals or None).

    Arrivals counted by the sensor are sessions as they are; where a sensor only reports occupancy, occupied
    space-hours / mean stay (Little's law: L = λW → λ = L / W) estimates them.
    """
    total = 0.0
    for seconds, occupied, arrivals in intervals:
        if arrivals is not None:
            total += arrivals
        elif mean_stay_h > 0:
            total += occupied * seconds / 3600 / mean_stay_h
    return total


def overlap_seconds(a_start: datetime, a_end: datetime, b_start: datetime, b_end: datetime) -> float:
    return max(0.0, (min(a_end, b_end) - max(a_start, b_start)).total_seconds())


def hours_between(start: datetime, end: datetime) -> list[datetime]:
    """Whole-hour starts from start (floored) up to end."""
    t = start.replace(minute=0, second=0, microsecond=0)
    out = []
    while t < end:
        out.append(t)
        t += timedelta(hours=1)
    return out


def rupiah(amount: float) -> str:
    """Rp1.234.500 (Indonesian thousands separator); negative as −Rp…"""
    n = round(amount)
    text = f"Rp{abs(n):,}".replace(",", ".")
    return f"−{text}" if n < 0 else text
