"""Daily health of one traffic detector from its interval readings, pure: no Django, no database, no clock.

Follows the PeMS approach (Chen, Kwon, Rice, Skabardonis & Varaiya, "Detecting errors and imputing missing data
for single loop surveillance systems", TRB 2003; reference note §4.4): judge a detector by the *time series* of a
whole day, not by single samples, and report the share of intervals observed vs imputed. Flags:

- stuck ("macet"): the same non-zero count or occupancy for ≥ N consecutive intervals;
- zero ("nol"): no vehicle at all during the hours when traffic is expected;
- missing ("hilang"): too large a share of the day's intervals without data;
- implausible ("tidak_wajar"): negative values, occupancy > 100 %, speed far above the limit, more vehicles per
  lane than physically possible, high occupancy with no vehicles, many vehicles with zero occupancy, speed
  without vehicles.

Readings with bad values are this module's input, not an error: they are flagged, never raised on. Settings that
are not sensible (negative limits) raise `ValueError`. Imputed readings (our own fill-ins) count towards coverage
but are not judged, because judging our imputation would say nothing about the device.
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime, time

FLAG_STUCK = "macet"
FLAG_ZERO = "nol"
FLAG_MISSING = "hilang"
FLAG_IMPLAUSIBLE = "tidak_wajar"


@dataclass(frozen=True)
class IntervalReading:
    """One interval of one detector. `count` is vehicles in the interval (SDM `intensity`), `occupancy` percent
    0–100, `speed` km/h; None means the device sent no value for that field."""

    start: datetime
    count: float | None = None
    occupancy: float | None = None
    speed: float | None = None
    imputed: bool = False

    @property
    def has_data(self) -> bool:
        return self.count is not None or self.occupancy is not None or self.speed is not None


@dataclass(frozen=True)
class HealthSettings:
    """Thresholds; the defaults assume 5-minute intervals on a Medan arterial.

    - `max_flow_per_lane_vph` 7200 (2 vehicles/s): counted vehicles, not skr. In mixed traffic with ~75 %
      motorcycles, PKJI's 600 × 3.5 m = 2100 skr/h per lane at ekr 0.15 for SM is 2100 / (0.75 × 0.15 + 0.25)
      ≈ 5800 veh/h; 7200 leaves margin, and a car-only lane (HCM ~1900–2400 pc/h) stays far below it.
    - Speed: urban limit 50 km/h (PM 111/2015 for jalan perkotaan); a 5-minute *average* above twice the limit
      is taken as a device fault rather than driving.
    - Zero occupancy with ≥ 20 vehicles in 5 minutes: each vehicle occupies a loop ~0.2 s, 20 × 0.2 = 4 s of
      300 s = 1.3 %, which no working loop reports as 0.
    - Stuck for 12 intervals = one hour at 5-minute data (PeMS uses a comparable multi-hour window on 30-s data).
    """

    interval_s: int = 300
    lanes: int = 1
    stuck_intervals: int = 12
    expected_traffic_from: time = time(6, 0)
    expected_traffic_to: time = time(22, 0)
    max_missing_share: float = 0.2
    max_flow_per_lane_vph: float = 7200.0
    speed_limit_kmh: float = 50.0
    speed_margin: float = 2.0
    high_occupancy_pct: float = 50.0
    zero_occupancy_max_count: float = 20.0
    max_implausible_intervals: int = 0

    def __post_init__(self) -> None:
        if self.interval_s <= 0 or 86400 % self.interval_s:
            raise ValueError("interval_s must be positive and divide a day")
        if self.lanes < 1 or self.stuck_intervals < 2 or self.max_implausible_intervals < 0:
            raise ValueError("lanes ≥ 1, stuck_intervals ≥ 2 and max_implausible_intervals ≥ 0 are required")
        if not 0 <= self.max_missing_share <= 1:
            raise ValueError("max_missing_share must be a share between 0 and 1")
        for name in ("max_flow_per_lane_vph", "speed_limit_kmh", "speed_margin", "high_occupancy_pct"):
            if getattr(self, name) <= 0:
                raise ValueError(f"{name} must be positive")
        if self.zero_occupancy_max_count < 0:
            raise ValueError("zero_occupancy_max_count must not be negative")
        if self.expected_traffic_to <= self.expected_traffic_from:
            raise ValueError("expected traffic hours must run forward within the day")

    @property
    def intervals_per_day(self) -> int:
        return 86400 // self.interval_s


@dataclass(frozen=True)
class DetectorHealth:
    """The verdict for one detector-day; `reasons` are Indonesian sentences for operators."""

    day: date
    expected_intervals: int
    observed_intervals: int
    imputed_intervals: int
    missing_intervals: int
    implausible_intervals: int
    longest_stuck_run: int
    flags: tuple[str, ...]
    reasons: tuple[str, ...]

    @property
    def observed_share(self) -> float:
        return self.observed_intervals / self.expected_intervals

    @property
    def imputed_share(self) -> float:
        return self.imputed_intervals / self.expected_intervals

    @property
    def missing_share(self) -> float:
        return self.missing_intervals / self.expected_intervals

    @property
    def healthy(self) -> bool:
        return not self.flags


def _pct(share: float) -> str:
    return f"{100 * share:.1f}".replace(".", ",") + "%"


def _num(x: float) -> str:
    return f"{x:g}".replace(".", ",")


def implausibility(reading: IntervalReading, settings: HealthSettings) -> list[str]:
    """Indonesian reasons why one observed reading cannot be true (empty when it can)."""
    out: list[str] = []
    count, occ, speed = reading.count, reading.occupancy, reading.speed
    for label, value in (("jumlah kendaraan", count), ("okupansi", occ), ("kecepatan", speed)):
        if value is not None and (math.isnan(value) or value < 0):
            out.append(f"{label} negatif/tidak valid")
    if out:
        return out
    if occ is not None and occ > 100:
        out.append("okupansi > 100%")
    max_speed = settings.speed_limit_kmh * settings.speed_margin
    if speed is not None and speed > max_speed:
        out.append(f"kecepatan > {_num(max_speed)} km/jam")
    if count is not None:
        per_lane_vph = count * 3600.0 / settings.interval_s / settings.lanes
        if per_lane_vph > settings.max_flow_per_lane_vph:
            out.append(f"arus > {_num(settings.max_flow_per_lane_vph)} kend/jam/lajur")
        if count == 0 and occ is not None and occ >= settings.high_occupancy_pct:
            out.append("okupansi tinggi tanpa kendaraan")
        if occ == 0 and count >= settings.zero_occupancy_max_count:
            out.append("banyak kendaraan dengan okupansi 0")
        if count == 0 and speed is not None and speed > 0:
            out.append("kecepatan tanpa kendaraan")
    return out


def _longest_run(values: list[float | None]) -> tuple[int, float | None]:
    """Longest run of one equal non-zero value over consecutive slots (a gap or zero breaks the run)."""
    best, best_value, run, prev = 0, None, 0, None
    for v in values:
        if v is not None and v != 0 and v == prev:
            run += 1
        else:
            run = 1 if v is not None and v != 0 else 0
        prev = v
        if run > best:
            best, best_value = run, v
    return best, best_value


def assess_day(
    day: date, readings: Iterable[IntervalReading], settings: HealthSettings | None = None
) -> DetectorHealth:
    """Health of one detector for one local day from its interval readings.

    Readings are placed in slots by their start time on `day` (local clock of their own time zone; WIB/WITA/WIT
    have no daylight saving, so every day has the same number of slots). A reading on another day raises
    `ValueError` (the caller grouped wrongly); of two readings for one slot the observed one wins over the imputed
    one, else the first.
    """
    cfg = settings or HealthSettings()
    n = cfg.intervals_per_day
    slots: list[IntervalReading | None] = [None] * n
    for r in readings:
        if r.start.date() != day:
            raise ValueError(f"reading at {r.start.isoformat()} is not on {day.isoformat()}")
        i = (r.start.hour * 3600 + r.start.minute * 60 + r.start.second) // cfg.interval_s
        current = slots[i]
        if current is None or (current.imputed and not r.imputed):
            slots[i] = r

    observed = [r if r is not None and r.has_data and not r.imputed else None for r in slots]
    imputed = sum(1 for r in slots if r is not None and r.has_data and r.imputed)
    n_observed = sum(1 for r in observed if r is not None)
    missing = n - n_observed - imputed

    flags: list[str] = []
    reasons: list[str] = []

    # Stuck: judged on observed values only, over consecutive slots.
    run_count, value_count = _longest_run([r.count if r else None for r in observed])
    run_occ, value_occ = _longest_run([r.occupancy if r else None for r in observed])
    longest = max(run_count, run_occ)
    if longest >= cfg.stuck_intervals:
        flags.append(FLAG_STUCK)
        field, value = ("jumlah kendaraan", value_count) if run_count >= run_occ else ("okupansi", value_occ)
        reasons.append(
            f"Data macet: {field} bernilai {_num(value or 0)} tanpa berubah selama {longest} interval berturut-turut "
            f"(batas {cfg.stuck_intervals})."
        )

    # Zero: every observed count during expected-traffic hours is 0.
    start_slot = (cfg.expected_traffic_from.hour * 3600 + cfg.expected_traffic_from.minute * 60) // cfg.interval_s
    end_slot = (cfg.expected_traffic_to.hour * 3600 + cfg.expected_traffic_to.minute * 60) // cfg.interval_s
    daytime_counts = [r.count for r in observed[start_slot:end_slot] if r is not None and r.count is not None]
    if daytime_counts and all(c == 0 for c in daytime_counts):
        flags.append(FLAG_ZERO)
        reasons.append(
            f"Tidak ada kendaraan terhitung pada jam {cfg.expected_traffic_from:%H.%M}–{cfg.expected_traffic_to:%H.%M} "
            f"saat lalu lintas seharusnya ada ({len(daytime_counts)} interval bernilai 0)."
        )

    missing_share = missing / n
    if missing_share > cfg.max_missing_share:
        flags.append(FLAG_MISSING)
        reasons.append(
            f"Data hilang: {missing} dari {n} interval ({_pct(missing_share)}) tanpa data "
            f"(batas {_pct(cfg.max_missing_share)})."
        )

    bad: dict[str, int] = {}
    implausible = 0
    for r in observed:
        if r is None:
            continue
        why = implausibility(r, cfg)
        if why:
            implausible += 1
            for w in why:
                bad[w] = bad.get(w, 0) + 1
    if implausible > cfg.max_implausible_intervals:
        flags.append(FLAG_IMPLAUSIBLE)
        detail = "; ".join(f"{w}: {k}" for w, k in sorted(bad.items()))
        reasons.append(f"Nilai tidak wajar pada {implausible} interval ({detail}).")

    return DetectorHealth(
        day=day,
        expected_intervals=n,
        observed_intervals=n_observed,
        imputed_intervals=imputed,
        missing_intervals=missing,
        implausible_intervals=implausible,
        longest_stuck_run=longest,
        flags=tuple(flags),
        reasons=tuple(reasons),
    )
