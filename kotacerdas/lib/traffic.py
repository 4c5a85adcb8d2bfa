"""Traffic engineering for signalised intersections (simpang APILL), pure: no Django, no database, no clock.

The Django `traffic` app feeds these functions with per-approach, per-interval numbers and stores the results.
Units are fixed so callers never guess: flows in vehicles or skr per hour, times in seconds, lengths in metres,
occupancy in percent. Every function raises `ValueError` on negative or impossible input instead of returning a
silently wrong number.

Sources (reference note `iot-traffic-parking.md` §4; tags as there: [C] confirmed there, [K] textbook knowledge
not re-checked against the primary document, [U] sources disagree):

- PKJI 2023 (Pedoman Kapasitas Jalan Indonesia, SE Dirjen Bina Marga 2023) replaces MKJI 1997. Its chapter
  "Simpang APILL" keeps the MKJI 1997 / PKJI 2014 structure coded here: S0 = 600 × LE, S = S0 × F factors,
  C = S × g/c, DJ = q/C, queue NQ1/NQ2 and delay T = TL + TG [K for the coefficients; open question 1 of the note].
- Level of service for intersections: PM 96/2015 by average delay in s/skr [C].
- Webster (1958), "Traffic signal settings", Road Research Technical Paper 39: optimum cycle, green split and the
  three-term delay formula [K].
- HCM 2000 (TRB), chapter 16: saturation flow adjustments and the uniform + incremental delay d1 + d2, used as the
  documented oversaturation form of Webster's delay (Akçelik's time-dependent form with T, k and I) [K].
- SCATS degree of saturation: Austroads AGTM09 "SCATS degree of saturation" [C].

Constants on which sources disagree are module-level data naming their source; every function takes overrides.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Literal

# --- Vehicle classes and equivalence factors ------------------------------------------------------------------

# PKJI 2023 classes: SM sepeda motor (MKJI: MC), KR kendaraan ringan (LV), KB kendaraan berat (HV).
SM = "SM"
KR = "KR"
KB = "KB"
VEHICLE_CLASSES = (SM, KR, KB)

# English / MKJI 1997 abbreviations map onto the PKJI classes so counts from older surveys still convert.
CLASS_ALIASES: dict[str, str] = {"MC": SM, "LV": KR, "HV": KB, SM: SM, KR: KR, KB: KB}

# Smart Data Models TrafficFlowObserved `vehicleType` (note §2.1) → PKJI class. Bicycles and other
# non-motorised vehicles (KTB) are not in PKJI's skr flow (they enter as side friction), so they have no entry and
# `to_pcu` refuses them rather than guessing.
SDM_VEHICLE_TYPE_TO_CLASS: dict[str, str] = {
    "motorcycle": SM,
    "motorscooter": SM,
    "moped": SM,
    "motorcycleWithSideCar": SM,
    "car": KR,
    "van": KR,
    "minibus": KR,
    "carWithCaravan": KR,
    "carWithTrailer": KR,
    "caravan": KR,
    "emergencyVehicle": KR,
    "bus": KB,
    "lorry": KB,
    "truck": KB,
    "tanker": KB,
    "trailer": KB,
    "articulatedVehicle": KB,
    "agriculturalVehicle": KB,
}

# Equivalence factors for signalised approaches. "Terlindung" (protected, type P) means no opposing flow in the
# same phase; "terlawan" (opposed, type O) means right turns filter through the opposing flow.
# PKJI 2014 / PKJI 2023 Simpang APILL (ekr): KR 1.00, KB 1.30, SM 0.15 protected / 0.40 opposed [K].
EKR_PKJI_APILL_PROTECTED: dict[str, float] = {KR: 1.0, KB: 1.3, SM: 0.15}
EKR_PKJI_APILL_OPPOSED: dict[str, float] = {KR: 1.0, KB: 1.3, SM: 0.40}
# MKJI 1997 signalised (emp): LV 1.0, HV 1.3, MC 0.2 protected / 0.4 opposed [K]. The note quotes "MC 0.5" for
# MKJI, which is the unsignalised-intersection value; local studies find MC 0.32–0.47 [C] — hence settings.
EMP_MKJI1997_APILL_PROTECTED: dict[str, float] = {KR: 1.0, KB: 1.3, SM: 0.2}
EMP_MKJI1997_APILL_OPPOSED: dict[str, float] = {KR: 1.0, KB: 1.3, SM: 0.4}
DEFAULT_EQUIVALENCE = EKR_PKJI_APILL_PROTECTED


def _check_non_negative(name: str, value: float) -> None:
    if value is None or math.isnan(value) or value < 0:
        raise ValueError(f"{name} must be a non-negative number, got {value!r}")


def _check_positive(name: str, value: float) -> None:
    if value is None or math.isnan(value) or value <= 0:
        raise ValueError(f"{name} must be positive, got {value!r}")


def _check_share(name: str, value: float) -> None:
    if value is None or math.isnan(value) or not 0 <= value <= 1:
        raise ValueError(f"{name} must be a share between 0 and 1, got {value!r}")


def vehicle_class(name: str) -> str:
    """PKJI class (SM/KR/KB) of a PKJI, MKJI (MC/LV/HV) or Smart Data Models `vehicleType` name."""
    if name in CLASS_ALIASES:
        return CLASS_ALIASES[name]
    if name in SDM_VEHICLE_TYPE_TO_CLASS:
        return SDM_VEHICLE_TYPE_TO_CLASS[name]
    raise ValueError(f"unknown vehicle class {name!r}")


def to_pcu(counts_by_class: Mapping[str, float], factors: Mapping[str, float] | None = None) -> float:
    """Flow in skr (PKJI; MKJI's smp): Σ count_i × ekr_i.

    The unit follows the input: counts per interval give skr per interval, veh/jam gives skr/jam. Class names may
    be PKJI (SM/KR/KB), MKJI (MC/LV/HV) or SDM `vehicleType` values. `factors` defaults to PKJI APILL protected
    (`EKR_PKJI_APILL_PROTECTED`); pass `EKR_PKJI_APILL_OPPOSED`, an MKJI table or local calibration instead.
    """
    table = {vehicle_class(k): v for k, v in (factors or DEFAULT_EQUIVALENCE).items()}
    total = 0.0
    for name, count in counts_by_class.items():
        _check_non_negative(f"count of {name}", count)
        cls = vehicle_class(name)
        if cls not in table:
            raise ValueError(f"no equivalence factor for class {cls}")
        total += count * table[cls]
    return total


def flow_per_hour(count: float, interval_s: float) -> float:
    """Hourly flow rate q = n × 3600 / Δt (SDM `intensity` is a count per period, not a rate; note §2.1)."""
    _check_non_negative("count", count)
    _check_positive("interval_s", interval_s)
    return count * 3600.0 / interval_s


def space_mean_speed(spot_speeds_kmh: Sequence[float]) -> float:
    """Space-mean speed as the harmonic mean of spot speeds, v_s = n / Σ(1/v_i) (note §4.3; Wardrop 1952).

    The harmonic mean, not the arithmetic one, is the speed that satisfies q = k × v; a stopped vehicle (v = 0)
    makes v_s = 0.
    """
    if not spot_speeds_kmh:
        raise ValueError("at least one speed is needed")
    for v in spot_speeds_kmh:
        _check_non_negative("speed", v)
    if any(v == 0 for v in spot_speeds_kmh):
        return 0.0
    return len(spot_speeds_kmh) / sum(1.0 / v for v in spot_speeds_kmh)


def density(flow_vph: float, space_mean_speed_kmh: float) -> float:
    """Density k = q / v_s in vehicles (or skr) per km (fundamental relation q = k·v)."""
    _check_non_negative("flow_vph", flow_vph)
    _check_positive("space_mean_speed_kmh", space_mean_speed_kmh)
    return flow_vph / space_mean_speed_kmh


# --- Saturation flow, capacity, degree of saturation -----------------------------------------------------------

# Base saturation flow. PKJI/MKJI: S0 = 600 × LE skr/jam for protected approaches (LE = effective width, m) [K].
# HCM 2000: s0 = 1900 pc/h/lane [K]. PKJI's per-metre form suits Indonesian mixed traffic, where motorcycles do not
# keep lanes, so it is the default.
S0_PER_METRE_PKJI = 600.0
S0_PER_LANE_HCM = 1900.0
SaturationMethod = Literal["pkji", "hcm"]
DEFAULT_SATURATION_METHOD: SaturationMethod = "pkji"

# City size factor F_UK (MKJI 1997 / PKJI, by city population in millions) [K]: (upper bound, factor).
CITY_SIZE_FACTORS_PKJI: tuple[tuple[float, float], ...] = (
    (0.1, 0.82),
    (0.5, 0.83),
    (1.0, 0.94),
    (3.0, 1.00),
    (math.inf, 1.05),
)


def city_size_factor(
    population_millions: float, table: Sequence[tuple[float, float]] = CITY_SIZE_FACTORS_PKJI
) -> float:
    """F_UK from the city population; bands are upper-bound inclusive except the last (Medan, ~2.4 M → 1.00)."""
    _check_non_negative("population_millions", population_millions)
    for upper, factor in table:
        if population_millions <= upper:
            return factor
    return table[-1][1]


def right_turn_factor(right_turn_share: float) -> float:
    """F_BKa = 1 + 0.26 × P_BKa for protected approaches (MKJI 1997 / PKJI) [K].

    Right turns (Indonesia drives on the left) leave a protected approach without conflict, which slightly raises
    the discharge rate; opposed approaches use the PKJI charts, not coded here.
    """
    _check_share("right_turn_share", right_turn_share)
    return 1.0 + 0.26 * right_turn_share


def left_turn_factor(left_turn_share: float) -> float:
    """F_BKi = 1 − 0.16 × P_BKi for approaches without left-turn-on-red (LTOR) (MKJI 1997 / PKJI) [K]."""
    _check_share("left_turn_share", left_turn_share)
    return 1.0 - 0.16 * left_turn_share


@dataclass(frozen=True)
class PkjiAdjustments:
    """PKJI correction factors for the saturation flow of one approach; 1.0 means "ideal / not applied".

    Simplifications, documented because PKJI gives several factors only as charts or tables:
    - `side_friction` (F_HS: environment × friction class × non-motorised share), `gradient` (F_G) and `parking`
      (F_P) come from PKJI tables and charts and are passed in by the caller (settings per approach).
    - `city_size`, `right_turn` and `left_turn` have closed forms above.
    - Only protected (type P) approaches use S0 = 600 × LE; opposed (type O) approaches need the PKJI charts, so
      callers pass `base_per_metre` or a measured S instead.
    """

    city_size: float = 1.0
    side_friction: float = 1.0
    gradient: float = 1.0
    parking: float = 1.0
    right_turn: float = 1.0
    left_turn: float = 1.0

    def product(self) -> float:
        factors = (self.city_size, self.side_friction, self.gradient, self.parking, self.right_turn, self.left_turn)
        for value in factors:
            _check_positive("adjustment factor", value)
        return math.prod(factors)


def saturation_flow_pkji(
    effective_width_m: float,
    adjustments: PkjiAdjustments | None = None,
    *,
    base_per_metre: float = S0_PER_METRE_PKJI,
) -> float:
    """S = S0 × F_UK × F_HS × F_G × F_P × F_BKa × F_BKi with S0 = 600 × LE, in skr/jam hijau (PKJI APILL) [K]."""
    _check_positive("effective_width_m", effective_width_m)
    _check_positive("base_per_metre", base_per_metre)
    return base_per_metre * effective_width_m * (adjustments or PkjiAdjustments()).product()


def saturation_flow_hcm(
    lanes: int,
    *,
    lane_width_m: float = 3.6,
    heavy_share: float = 0.0,
    heavy_equivalent: float = 2.0,
    grade_percent: float = 0.0,
    other_factors: float = 1.0,
    base_per_lane: float = S0_PER_LANE_HCM,
) -> float:
    """HCM 2000 eq. 16-4 (subset): s = s0 × N × f_w × f_HV × f_g × (other factors), in pc/h green [K].

    f_w = 1 + (W − 3.6)/9, f_HV = 100 / (100 + %HV × (E_T − 1)), f_g = 1 − %G/200. Parking, bus blockage, area
    type, lane utilisation, turning and pedestrian factors are folded into `other_factors` by the caller.
    """
    if lanes < 1:
        raise ValueError(f"lanes must be at least 1, got {lanes!r}")
    _check_positive("lane_width_m", lane_width_m)
    _check_share("heavy_share", heavy_share)
    if heavy_equivalent < 1:
        raise ValueError("heavy_equivalent must be at least 1")
    if not -6 <= grade_percent <= 10:
        # HCM 2000 applies f_g only from −6 % to +10 %.
        raise ValueError(f"grade_percent outside HCM's −6..+10 range: {grade_percent!r}")
    _check_positive("other_factors", other_factors)
    _check_positive("base_per_lane", base_per_lane)
    f_w = 1.0 + (lane_width_m - 3.6) / 9.0
    f_hv = 100.0 / (100.0 + heavy_share * 100.0 * (heavy_equivalent - 1.0))
    f_g = 1.0 - grade_percent / 200.0
    return base_per_lane * lanes * f_w * f_hv * f_g * other_factors


def saturation_flow(
    *,
    method: SaturationMethod = DEFAULT_SATURATION_METHOD,
    effective_width_m: float | None = None,
    lanes: int | None = None,
    adjustments: PkjiAdjustments | None = None,
    base: float | None = None,
    **hcm_options: float,
) -> float:
    """Saturation flow by PKJI (default: needs `effective_width_m`) or HCM (needs `lanes`).

    `base` overrides S0 per metre (PKJI) or s0 per lane (HCM), e.g. from a local saturation-flow survey.
    """
    if method == "pkji":
        if effective_width_m is None:
            raise ValueError("PKJI saturation flow needs effective_width_m")
        return saturation_flow_pkji(
            effective_width_m, adjustments, base_per_metre=S0_PER_METRE_PKJI if base is None else base
        )
    if method == "hcm":
        if lanes is None:
            raise ValueError("HCM saturation flow needs lanes")
        return saturation_flow_hcm(lanes, base_per_lane=S0_PER_LANE_HCM if base is None else base, **hcm_options)
    raise ValueError(f"unknown saturation method {method!r}")


def _check_timing(cycle_s: float, green_s: float) -> None:
    _check_positive("cycle_s", cycle_s)
    _check_positive("green_s", green_s)
    if green_s > cycle_s:
        raise ValueError(f"green {green_s} s is longer than the cycle {cycle_s} s")


def capacity(saturation_flow_ph: float, green_s: float, cycle_s: float) -> float:
    """C = S × g / c (PKJI APILL; Webster), in the unit of S per hour."""
    _check_non_negative("saturation_flow_ph", saturation_flow_ph)
    _check_timing(cycle_s, green_s)
    return saturation_flow_ph * green_s / cycle_s


def degree_of_saturation(flow_ph: float, capacity_ph: float) -> float:
    """DJ = q / C (PKJI derajat kejenuhan; HCM v/c ratio X). Zero capacity has no defined DJ."""
    _check_non_negative("flow_ph", flow_ph)
    _check_positive("capacity_ph", capacity_ph)
    return flow_ph / capacity_ph


# DJ colour bands: the note's default [U] (MKJI practice cites ≤ 0.75 for segments, ≤ 0.85 for intersections;
# another source cites 0.75 for PKJI 2014 APILL). (upper bound inclusive, status).
DJ_STATUS_THRESHOLDS: tuple[tuple[float, str], ...] = ((0.75, "hijau"), (0.85, "kuning"), (1.0, "merah"))
DJ_STATUS_OVER = "lewat_jenuh"


def saturation_status(dj: float, thresholds: Sequence[tuple[float, str]] = DJ_STATUS_THRESHOLDS) -> str:
    """Colour band of a DJ: hijau ≤ 0.75 < kuning ≤ 0.85 < merah ≤ 1.0 < lewat_jenuh (defaults, configurable)."""
    _check_non_negative("dj", dj)
    for upper, status in thresholds:
        if dj <= upper:
            return status
    return DJ_STATUS_OVER


# --- Delay ------------------------------------------------------------------------------------------------------

DelayMethod = Literal["pkji", "webster", "hcm"]
DEFAULT_DELAY_METHOD: DelayMethod = "pkji"
# Analysis period for the time-dependent (oversaturation) terms. HCM 2000 uses T = 0.25 h; PKJI's NQ1 is the
# same family with its own constants (see `pkji_overflow_queue`).
DEFAULT_PERIOD_H = 0.25


def uniform_delay(cycle_s: float, green_s: float, x: float) -> float:
    """Uniform delay d1 = 0.5 c (1 − λ)² / (1 − min(1, x) λ), λ = g/c (Webster's first term; HCM 2000 eq. 16-11).

    Capping x at 1 is HCM's rule: once the approach is saturated every cycle behaves like a saturated one and the
    extra delay belongs to the overflow (incremental) term, which keeps the formula finite.
    """
    _check_timing(cycle_s, green_s)
    _check_non_negative("x", x)
    lam = green_s / cycle_s
    if lam == 1.0:
        # Permanent green: nobody waits (and the formula would be 0/0 at x ≥ 1).
        return 0.0
    return 0.5 * cycle_s * (1.0 - lam) ** 2 / (1.0 - min(1.0, x) * lam)


def webster_delay(cycle_s: float, green_s: float, flow_ph: float, saturation_flow_ph: float) -> float:
    """Webster (1958) average delay per vehicle, in s, for x = q/(λ s) < 1:

        d = c (1 − λ)² / (2 (1 − λ x)) + x² / (2 q (1 − x)) − 0.65 (c / q²)^(1/3) x^(2 + 5λ)

    with q and s in vehicles per second inside the formula. It is a steady-state formula and grows without bound as
    x → 1, so x ≥ 1 raises `ValueError`; `average_delay(method="webster")` handles that case. With q = 0 the
    second and third terms vanish (both → 0 as q → 0), leaving the delay a lone random arrival would meet.
    """
    _check_timing(cycle_s, green_s)
    _check_non_negative("flow_ph", flow_ph)
    _check_positive("saturation_flow_ph", saturation_flow_ph)
    lam = green_s / cycle_s
    q = flow_ph / 3600.0
    s = saturation_flow_ph / 3600.0
    x = q / (lam * s)
    if x >= 1.0:
        raise ValueError(f"Webster's delay is undefined for x = {x:.3f} ≥ 1")
    first = cycle_s * (1.0 - lam) ** 2 / (2.0 * (1.0 - lam * x))
    if q == 0:
        return first
    second = x**2 / (2.0 * q * (1.0 - x))
    third = 0.65 * (cycle_s / q**2) ** (1.0 / 3.0) * x ** (2.0 + 5.0 * lam)
    # The empirical correction can exceed the random term at very low x; delay is never below zero.
    return max(0.0, first + second - third)


def hcm_incremental_delay(
    x: float,
    capacity_ph: float,
    *,
    period_h: float = DEFAULT_PERIOD_H,
    k: float = 0.5,
    upstream_filtering: float = 1.0,
) -> float:
    """HCM 2000 eq. 16-12 incremental (overflow) delay, s/veh (Akçelik's time-dependent form):

        d2 = 900 T [(X − 1) + √((X − 1)² + 8 k I X / (c T))]

    T the analysis period (h), c the capacity (veh/h), k = 0.5 for pretimed control, I = 1 for an isolated
    intersection. It is finite for X ≥ 1: the queue that builds up over T is averaged over T.
    """
    _check_non_negative("x", x)
    _check_positive("capacity_ph", capacity_ph)
    _check_positive("period_h", period_h)
    _check_positive("k", k)
    _check_positive("upstream_filtering", upstream_filtering)
    root = math.sqrt((x - 1.0) ** 2 + 8.0 * k * upstream_filtering * x / (capacity_ph * period_h))
    return 900.0 * period_h * ((x - 1.0) + root)


def hcm_delay(
    cycle_s: float,
    green_s: float,
    flow_ph: float,
    saturation_flow_ph: float,
    *,
    period_h: float = DEFAULT_PERIOD_H,
    k: float = 0.5,
    upstream_filtering: float = 1.0,
) -> float:
    """HCM 2000 control delay without initial queue: d = d1 (x capped at 1) + d2 over period T, s/veh."""
    cap = capacity(saturation_flow_ph, green_s, cycle_s)
    x = degree_of_saturation(flow_ph, cap)
    return uniform_delay(cycle_s, green_s, x) + hcm_incremental_delay(
        x, cap, period_h=period_h, k=k, upstream_filtering=upstream_filtering
    )


def pkji_overflow_queue(dj: float, capacity_ph: float) -> float:
    """PKJI / MKJI 1997 queue left over from the previous green, in skr [K]:

        NQ1 = 0.25 × C × [(DJ − 1) + √((DJ − 1)² + 8 (DJ − 0.5) / C)]  if DJ > 0.5, else 0

    It is Akçelik's overflow queue with a one-hour period and x0 = 0.5, so it stays finite for DJ ≥ 1.
    """
    _check_non_negative("dj", dj)
    _check_positive("capacity_ph", capacity_ph)
    if dj <= 0.5:
        return 0.0
    return 0.25 * capacity_ph * ((dj - 1.0) + math.sqrt((dj - 1.0) ** 2 + 8.0 * (dj - 0.5) / capacity_ph))


@dataclass(frozen=True)
class PkjiDelay:
    """PKJI delay of one approach, s/skr: traffic delay TL = uniform + overflow, geometric TG, total T."""

    uniform: float
    overflow: float
    geometric: float
    dj: float
    capacity: float

    @property
    def traffic(self) -> float:
        return self.uniform + self.overflow

    @property
    def total(self) -> float:
        return self.uniform + self.overflow + self.geometric


def pkji_delay(
    cycle_s: float,
    green_s: float,
    flow_ph: float,
    saturation_flow_ph: float,
    *,
    turning_share: float | None = None,
) -> PkjiDelay:
    """PKJI / MKJI 1997 approach delay [K]:

        TL = c × 0.5 (1 − RH)² / (1 − RH × DJ) + NQ1 × 3600 / C,   RH = g/c
        TG = (1 − RKH) × P_B × 6 + RKH × 4                         (only when `turning_share` P_B is given)

    DJ in the first term is capped at 1 as in HCM (see `uniform_delay`): uncapped, 1 − RH × DJ reaches zero at
    DJ = c/g and the formula breaks, while NQ1 already carries the oversaturation. Geometric delay needs the share
    of turning vehicles, which loop detectors do not see, so it is left out unless the caller knows it.
    """
    cap = capacity(saturation_flow_ph, green_s, cycle_s)
    dj = degree_of_saturation(flow_ph, cap)
    uniform = uniform_delay(cycle_s, green_s, dj)
    overflow = pkji_overflow_queue(dj, cap) * 3600.0 / cap
    geometric = 0.0
    if turning_share is not None:
        _check_share("turning_share", turning_share)
        queue = pkji_queue(cycle_s, green_s, flow_ph, saturation_flow_ph)
        geometric = pkji_geometric_delay(pkji_stop_ratio(queue.total, flow_ph, cycle_s), turning_share)
    return PkjiDelay(uniform=uniform, overflow=overflow, geometric=geometric, dj=dj, capacity=cap)


def pkji_stop_ratio(queue_skr: float, flow_ph: float, cycle_s: float) -> float:
    """RKH = 0.9 × NQ / (q × c) × 3600, stops per vehicle (PKJI / MKJI 1997) [K]; 0 when nothing arrives."""
    _check_non_negative("queue_skr", queue_skr)
    _check_non_negative("flow_ph", flow_ph)
    _check_positive("cycle_s", cycle_s)
    if flow_ph == 0:
        return 0.0
    return 0.9 * queue_skr / (flow_ph * cycle_s) * 3600.0


def pkji_geometric_delay(stop_ratio: float, turning_share: float) -> float:
    """TG = (1 − RKH) × P_B × 6 + RKH × 4, s/skr (PKJI / MKJI 1997) [K].

    RKH is capped at 1: in oversaturation the formula's RKH exceeds 1, but a vehicle stops at most once per
    decelerate-accelerate cycle that the 4 s stands for.
    """
    _check_non_negative("stop_ratio", stop_ratio)
    _check_share("turning_share", turning_share)
    rkh = min(1.0, stop_ratio)
    return (1.0 - rkh) * turning_share * 6.0 + rkh * 4.0


def average_delay(
    cycle_s: float,
    green_s: float,
    flow_ph: float,
    saturation_flow_ph: float,
    *,
    method: DelayMethod = DEFAULT_DELAY_METHOD,
    period_h: float = DEFAULT_PERIOD_H,
) -> float:
    """Average delay per vehicle (skr) of one approach, s.

    - "pkji" (default): `pkji_delay(...).traffic`; continuous through DJ = 1, and the basis of PM 96/2015 LOS.
    - "webster": Webster's formula for x < 1; for x ≥ 1 (undefined there) the HCM form d1(x = 1) + d2 over
      `period_h`. Webster's steady state goes to infinity as x → 1 while the time-dependent form is finite at 1,
      so the value drops at x = 1; compare plans near saturation with "pkji" or "hcm".
    - "hcm": `hcm_delay`.
    """
    if method == "pkji":
        return pkji_delay(cycle_s, green_s, flow_ph, saturation_flow_ph).traffic
    if method == "hcm":
        return hcm_delay(cycle_s, green_s, flow_ph, saturation_flow_ph, period_h=period_h)
    if method == "webster":
        cap = capacity(saturation_flow_ph, green_s, cycle_s)
        if cap > 0 and flow_ph / cap >= 1.0:
            return hcm_delay(cycle_s, green_s, flow_ph, saturation_flow_ph, period_h=period_h)
        return webster_delay(cycle_s, green_s, flow_ph, saturation_flow_ph)
    raise ValueError(f"unknown delay method {method!r}")


def intersection_delay(approach_delays_s: Sequence[float], approach_flows_ph: Sequence[float]) -> float:
    """Intersection delay as the flow-weighted mean D_I = Σ(q_i × D_i) / Σ q_i (PKJI / MKJI 1997; HCM).

    With no flow at all the weights vanish; the plain mean of the approach delays is returned then, which is the
    delay a vehicle arriving at random would meet (each approach's delay at q = 0 is its uniform term).
    """
    if len(approach_delays_s) != len(approach_flows_ph):
        raise ValueError("one flow per approach delay is needed")
    if not approach_delays_s:
        raise ValueError("at least one approach is needed")
    for d in approach_delays_s:
        _check_non_negative("approach delay", d)
    for q in approach_flows_ph:
        _check_non_negative("approach flow", q)
    total_flow = sum(approach_flows_ph)
    if total_flow == 0:
        return sum(approach_delays_s) / len(approach_delays_s)
    return sum(d * q for d, q in zip(approach_delays_s, approach_flows_ph, strict=True)) / total_flow


# Intersection LOS by average delay, s/skr: PM 96/2015 (A ≤ 5, B 5.1–15, C 15.1–25, D 25.1–40, E 40.1–60, F > 60)
# [C]. (upper bound inclusive, grade); anything above the last bound is F.
LOS_DELAY_THRESHOLDS_PM96_2015: tuple[tuple[float, str], ...] = (
    (5.0, "A"),
    (15.0, "B"),
    (25.0, "C"),
    (40.0, "D"),
    (60.0, "E"),
)


def level_of_service(delay_s: float, thresholds: Sequence[tuple[float, str]] = LOS_DELAY_THRESHOLDS_PM96_2015) -> str:
    """Level of service A–F of a signalised intersection from its average delay (PM 96/2015).

    The regulation's bands are written to one decimal (B is 5.1–15); reading them as "≤ upper bound" closes the
    gaps, so 5.05 s is B.
    """
    _check_non_negative("delay_s", delay_s)
    for upper, grade in thresholds:
        if delay_s <= upper:
            return grade
    return "F"


# --- Queues -------------------------------------------------------------------------------------------------------

# Jam spacing (vehicle length + gap in a standing queue), m per vehicle per lane [K, our assumption; override].
# Motorcycles queue about 2.5 abreast in a 3.5 m lane, each ~2.0 m long + 0.5 m gap: ≈ 1.0 m of lane each.
JAM_SPACING_M: dict[str, float] = {SM: 1.0, KR: 7.0, KB: 12.0}
# PKJI / MKJI 1997: queue length PA = NQ × 20 / LM, i.e. 20 m² of approach area per skr [K].
AREA_PER_SKR_M2_PKJI = 20.0


@dataclass(frozen=True)
class PkjiQueue:
    """PKJI queue at the start of green, skr: NQ1 overflow + NQ2 arrivals during red."""

    overflow: float
    during_red: float

    @property
    def total(self) -> float:
        return self.overflow + self.during_red


def pkji_queue(cycle_s: float, green_s: float, flow_ph: float, saturation_flow_ph: float) -> PkjiQueue:
    """NQ = NQ1 + NQ2, NQ2 = c × (1 − RH) / (1 − RH × DJ) × q / 3600 (PKJI / MKJI 1997) [K].

    DJ in NQ2 is capped at 1 for the reason given in `pkji_delay`. NQ is the average back of queue; PKJI's NQ_max
    for a 5 % overload probability comes from a chart that is not reproduced here.
    """
    cap = capacity(saturation_flow_ph, green_s, cycle_s)
    dj = degree_of_saturation(flow_ph, cap)
    rh = green_s / cycle_s
    # Permanent green (RH = 1) has no red to queue in, and the formula would be 0/0 at DJ ≥ 1.
    nq2 = 0.0 if rh == 1.0 else cycle_s * (1.0 - rh) / (1.0 - rh * min(1.0, dj)) * flow_ph / 3600.0
    return PkjiQueue(overflow=pkji_overflow_queue(dj, cap), during_red=nq2)


def queue_length_pkji(queue_skr: float, entry_width_m: float, area_per_skr_m2: float = AREA_PER_SKR_M2_PKJI) -> float:
    """Queue length PA = NQ × 20 / LM in metres (PKJI / MKJI 1997; LM = entry width) [K]."""
    _check_non_negative("queue_skr", queue_skr)
    _check_positive("entry_width_m", entry_width_m)
    _check_positive("area_per_skr_m2", area_per_skr_m2)
    return queue_skr * area_per_skr_m2 / entry_width_m


@dataclass(frozen=True)
class QueueEstimate:
    """Back of queue of one approach in skr, vehicles and metres (per lane)."""

    skr: float
    vehicles: float
    metres: float


def queue_from_skr(
    queue_skr: float,
    class_shares: Mapping[str, float],
    *,
    lanes: int = 1,
    factors: Mapping[str, float] | None = None,
    spacing_m: Mapping[str, float] | None = None,
) -> QueueEstimate:
    """Convert a queue in skr to vehicles and metres with the vehicle mix (shares by vehicle count).

        vehicles = NQ / Σ(p_i × ekr_i),   metres = vehicles × Σ(p_i × spacing_i) / lanes

    The per-class spacing (`JAM_SPACING_M` by default) is the length a standing vehicle takes along a lane.
    """
    _check_non_negative("queue_skr", queue_skr)
    if lanes < 1:
        raise ValueError("lanes must be at least 1")
    table = {vehicle_class(k): v for k, v in (factors or DEFAULT_EQUIVALENCE).items()}
    spacing = {vehicle_class(k): v for k, v in (spacing_m or JAM_SPACING_M).items()}
    shares: dict[str, float] = {}
    for name, share in class_shares.items():
        _check_share(f"share of {name}", share)
        cls = vehicle_class(name)
        shares[cls] = shares.get(cls, 0.0) + share
    if not math.isclose(sum(shares.values()), 1.0, abs_tol=1e-6):
        raise ValueError(f"class shares must sum to 1, got {sum(shares.values())}")
    try:
        skr_per_vehicle = sum(p * table[c] for c, p in shares.items())
        metres_per_vehicle = sum(p * spacing[c] for c, p in shares.items())
    except KeyError as exc:
        raise ValueError(f"no factor or spacing for class {exc.args[0]}") from exc
    if skr_per_vehicle <= 0:
        raise ValueError("the vehicle mix has zero skr per vehicle")
    vehicles = queue_skr / skr_per_vehicle
    return QueueEstimate(skr=queue_skr, vehicles=vehicles, metres=vehicles * metres_per_vehicle / lanes)


# --- SCATS-style degree of saturation -------------------------------------------------------------------------

# Austroads AGTM09: congestion flagged when DS > 0.95 and Vk/Vo > 2.4 [C].
SCATS_CONGESTED_DS = 0.95
SCATS_CONGESTED_VK_VO = 2.4


def scats_degree_of_saturation(
    green_s: float, unused_green_s: float, vehicles: float, space_per_vehicle_s: float
) -> float:
    """SCATS DS = (g − (h − t × n)) / g (Austroads AGTM09) [C].

    g the green time; h the total unoccupied ("space") time of the stop-line detector during that green; n the
    vehicles counted; t the standard space time per vehicle at saturation flow. h − t·n is the green wasted beyond
    the gaps a saturated flow needs, so DS is the share of green used; it may exceed 1 when vehicles run closer
    than the standard gap (a sign of congestion, not an error).
    """
    _check_positive("green_s", green_s)
    _check_non_negative("unused_green_s", unused_green_s)
    _check_non_negative("vehicles", vehicles)
    _check_non_negative("space_per_vehicle_s", space_per_vehicle_s)
    if unused_green_s > green_s:
        raise ValueError("unused green time cannot exceed the green time")
    return (green_s - (unused_green_s - space_per_vehicle_s * vehicles)) / green_s


def scats_reconstituted_volume(ds: float, green_s: float, max_flow_veh_per_s: float) -> float:
    """SCATS reconstituted volume Vk = DS × g × MF (vehicles that would have passed at maximum flow MF) [C]."""
    _check_non_negative("ds", ds)
    _check_positive("green_s", green_s)
    _check_positive("max_flow_veh_per_s", max_flow_veh_per_s)
    return ds * green_s * max_flow_veh_per_s


def scats_congested(
    ds: float,
    reconstituted_volume: float,
    counted_volume: float,
    *,
    ds_threshold: float = SCATS_CONGESTED_DS,
    ratio_threshold: float = SCATS_CONGESTED_VK_VO,
) -> bool:
    """SCATS congestion flag: DS > 0.95 and Vk/Vo > 2.4 (Austroads AGTM09) [C].

    A green fully used (high DS) by few vehicles (low Vo) means the vehicles crawl: queue spill-back or a blocked
    exit. Vo = 0 with Vk > 0 counts as an infinite ratio.
    """
    _check_non_negative("ds", ds)
    _check_non_negative("reconstituted_volume", reconstituted_volume)
    _check_non_negative("counted_volume", counted_volume)
    if ds <= ds_threshold:
        return False
    if counted_volume == 0:
        return reconstituted_volume > 0
    return reconstituted_volume / counted_volume > ratio_threshold


# --- Webster cycle and green split, plan advice -----------------------------------------------------------------

# Cycle bounds. MKJI 1997 "waktu siklus yang layak": 2 phases 40–80 s, 3 phases 50–100 s, 4 phases 80–130 s [K].
# The general default is wider (controllers commonly allow 30–150 s); callers pass their controller's settings.
CYCLE_RANGE_MKJI_BY_PHASES: dict[int, tuple[float, float]] = {2: (40.0, 80.0), 3: (50.0, 100.0), 4: (80.0, 130.0)}
DEFAULT_MIN_CYCLE_S = 30.0
DEFAULT_MAX_CYCLE_S = 150.0
# A phase's green never falls below this (pedestrians and driver expectation); MKJI uses ~10 s in examples [K].
DEFAULT_MIN_GREEN_S = 10.0


def webster_cycle_unbounded(lost_time_s: float, flow_ratio_sum: float) -> float:
    """Webster's optimum cycle C0 = (1.5 L + 5) / (1 − Y), L the lost time per cycle, Y = Σ critical y_i.

    No cycle serves Y ≥ 1 (the intersection is oversaturated), so that raises `ValueError`.
    """
    _check_non_negative("lost_time_s", lost_time_s)
    _check_non_negative("flow_ratio_sum", flow_ratio_sum)
    if flow_ratio_sum >= 1.0:
        raise ValueError(f"Y = {flow_ratio_sum:.3f} ≥ 1: no cycle length can serve the demand")
    return (1.5 * lost_time_s + 5.0) / (1.0 - flow_ratio_sum)


def webster_cycle(
    lost_time_s: float,
    flow_ratio_sum: float,
    *,
    min_cycle_s: float = DEFAULT_MIN_CYCLE_S,
    max_cycle_s: float = DEFAULT_MAX_CYCLE_S,
) -> float:
    """Webster's C0 clamped to the controller's [min, max] cycle; Y ≥ 1 gives the maximum cycle.

    At Y ≥ 1 nothing works, and the longest allowed cycle loses the least time to phase changes, which is what
    fixed-time practice does until demand is managed.
    """
    _check_positive("min_cycle_s", min_cycle_s)
    if max_cycle_s < min_cycle_s:
        raise ValueError("max_cycle_s must not be below min_cycle_s")
    if flow_ratio_sum >= 1.0:
        _check_non_negative("lost_time_s", lost_time_s)
        return max_cycle_s
    return min(max_cycle_s, max(min_cycle_s, webster_cycle_unbounded(lost_time_s, flow_ratio_sum)))


def green_split(
    cycle_s: float, lost_time_s: float, flow_ratios: Sequence[float], *, min_green_s: float = 0.0
) -> tuple[float, ...]:
    """Greens g_i = (c − L) × y_i / Y (Webster; PKJI g_i = (c − HH) × RQ/S_crit,i / Σ RQ/S_crit).

    Phases that would get less than `min_green_s` are held at the minimum and the rest is shared out again in
    proportion to y; with Y = 0 the available green is split equally.
    """
    _check_positive("cycle_s", cycle_s)
    _check_non_negative("lost_time_s", lost_time_s)
    _check_non_negative("min_green_s", min_green_s)
    if not flow_ratios:
        raise ValueError("at least one phase is needed")
    for y in flow_ratios:
        _check_non_negative("flow ratio", y)
    available = cycle_s - lost_time_s
    n = len(flow_ratios)
    if available < n * min_green_s or available <= 0:
        raise ValueError(f"cycle {cycle_s} s leaves no room for {n} greens after {lost_time_s} s lost time")
    fixed: dict[int, float] = {}
    while True:
        free = [i for i in range(n) if i not in fixed]
        rest = available - sum(fixed.values())
        y_free = sum(flow_ratios[i] for i in free)
        greens = {i: rest * (flow_ratios[i] / y_free if y_free > 0 else 1.0 / len(free)) for i in free}
        short = [i for i in free if greens[i] < min_green_s]
        if not short:
            break
        for i in short:
            fixed[i] = min_green_s
    greens.update(fixed)
    return tuple(greens[i] for i in range(n))


@dataclass(frozen=True)
class PhaseDemand:
    """The critical movement of one signal phase: its flow and saturation flow (skr/jam)."""

    flow_ph: float
    saturation_flow_ph: float

    @property
    def flow_ratio(self) -> float:
        """y = q / S (PKJI rasio arus RQ/S)."""
        _check_non_negative("flow_ph", self.flow_ph)
        _check_positive("saturation_flow_ph", self.saturation_flow_ph)
        return self.flow_ph / self.saturation_flow_ph


@dataclass(frozen=True)
class SignalPlan:
    """Cycle length and the green of each phase, s (the order of `greens_s` matches the phases)."""

    cycle_s: float
    greens_s: tuple[float, ...]


@dataclass(frozen=True)
class PlanPerformance:
    """Delays, DJ and LOS of a plan for a given demand."""

    delay_s: float
    phase_delays_s: tuple[float, ...]
    phase_dj: tuple[float, ...]
    los: str

    @property
    def max_dj(self) -> float:
        return max(self.phase_dj)


def evaluate_plan(
    phases: Sequence[PhaseDemand], plan: SignalPlan, *, method: DelayMethod = DEFAULT_DELAY_METHOD
) -> PlanPerformance:
    """Delay per phase (`average_delay`), flow-weighted intersection delay, DJ per phase and PM 96/2015 LOS."""
    if len(plan.greens_s) != len(phases):
        raise ValueError("the plan needs one green per phase")
    if not phases:
        raise ValueError("at least one phase is needed")
    delays = tuple(
        average_delay(plan.cycle_s, g, p.flow_ph, p.saturation_flow_ph, method=method)
        for p, g in zip(phases, plan.greens_s, strict=True)
    )
    djs = tuple(
        degree_of_saturation(p.flow_ph, capacity(p.saturation_flow_ph, g, plan.cycle_s))
        for p, g in zip(phases, plan.greens_s, strict=True)
    )
    total = intersection_delay(delays, [p.flow_ph for p in phases])
    return PlanPerformance(delay_s=total, phase_delays_s=delays, phase_dj=djs, los=level_of_service(total))


@dataclass(frozen=True)
class TimingAdvice:
    """The running plan against Webster's plan, with the expected delay change and an Indonesian explanation."""

    current: SignalPlan
    recommended: SignalPlan
    flow_ratio_sum: float
    oversaturated: bool
    current_performance: PlanPerformance
    recommended_performance: PlanPerformance
    change_recommended: bool
    explanation: str
    delay_change_s: float = field(init=False)
    delay_change_pct: float | None = field(init=False)

    def __post_init__(self) -> None:
        before = self.current_performance.delay_s
        change = self.recommended_performance.delay_s - before
        object.__setattr__(self, "delay_change_s", change)
        object.__setattr__(self, "delay_change_pct", 100.0 * change / before if before > 0 else None)


def _id(x: float, digits: int = 1) -> str:
    """Number in Indonesian notation (decimal comma), for the explanation text."""
    return f"{x:.{digits}f}".replace(".", ",")


def advise_timing(
    phases: Sequence[PhaseDemand],
    current: SignalPlan,
    lost_time_s: float,
    *,
    min_cycle_s: float = DEFAULT_MIN_CYCLE_S,
    max_cycle_s: float = DEFAULT_MAX_CYCLE_S,
    min_green_s: float = DEFAULT_MIN_GREEN_S,
    method: DelayMethod = DEFAULT_DELAY_METHOD,
    min_gain_s: float = 2.0,
) -> TimingAdvice:
    """Compare the running plan with Webster's (C0 = (1.5 L + 5)/(1 − Y), g_i ∝ y_i), both judged by the same
    delay function, and advise a change when it saves at least `min_gain_s` seconds per vehicle.

    Advice, not control: the operator decides; a small gain is not worth the disruption of a plan change.
    """
    if not phases:
        raise ValueError("at least one phase is needed")
    _check_non_negative("min_gain_s", min_gain_s)
    y_sum = sum(p.flow_ratio for p in phases)
    cycle = webster_cycle(lost_time_s, y_sum, min_cycle_s=min_cycle_s, max_cycle_s=max_cycle_s)
    greens = green_split(cycle, lost_time_s, [p.flow_ratio for p in phases], min_green_s=min_green_s)
    recommended = SignalPlan(cycle_s=cycle, greens_s=greens)
    now = evaluate_plan(phases, current, method=method)
    new = evaluate_plan(phases, recommended, method=method)
    gain = now.delay_s - new.delay_s
    oversaturated = y_sum >= 1.0
    change = gain >= min_gain_s

    greens_txt = "/".join(_id(g, 0) for g in greens)
    parts = [
        f"Siklus berjalan {_id(current.cycle_s, 0)} dtk; siklus optimum Webster {_id(cycle, 0)} dtk "
        f"(hijau {greens_txt} dtk, Y = {_id(y_sum, 2)}, waktu hilang {_id(lost_time_s, 0)} dtk)."
    ]
    if oversaturated:
        parts.append(
            f"Y ≥ 1: simpang lewat jenuh, tidak ada waktu siklus yang cukup; dipakai siklus maksimum "
            f"{_id(max_cycle_s, 0)} dtk. Perlu manajemen lalu lintas atau penambahan kapasitas."
        )
    parts.append(
        f"Perkiraan tundaan rata-rata {_id(now.delay_s)} → {_id(new.delay_s)} dtk/skr "
        f"({'+' if -gain >= 0 else '−'}{_id(abs(gain))} dtk), tingkat pelayanan {now.los} → {new.los}."
    )
    if change:
        parts.append("Disarankan menyesuaikan rencana waktu sinyal.")
    else:
        parts.append(f"Rencana berjalan dipertahankan (selisih kurang dari {_id(min_gain_s)} dtk/skr).")
    return TimingAdvice(
        current=current,
        recommended=recommended,
        flow_ratio_sum=y_sum,
        oversaturated=oversaturated,
        current_performance=now,
        recommended_performance=new,
        change_recommended=change,
        explanation=" ".join(parts),
    )
