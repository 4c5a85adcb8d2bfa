"""Traffic engineering per approach and interval, computed on read from the rollups and the registry.

Wiring only: every formula is in `kotacerdas.lib.traffic` (PKJI APILL, Webster, HCM, SCATS, PM 96/2015), tested
there. This module decides which numbers feed them:

- Flow: a rollup keeps vehicles and the seconds they were counted in, so q = vehicles × 3600 / count_seconds
  (veh/jam) holds for partial and late-filled buckets alike. Detectors on one lane add up across lanes; a
  detector without a lane watches the whole approach, and when such detectors report they are used instead (their
  flows averaged: two cameras on one approach see the same vehicles).
- skr/jam = veh/jam × Σ p_i × ekr_i with the class shares p_i of the classified counts; unclassified data uses the
  default vehicle mix (TRAFFIC_DEFAULT_VEHICLE_MIX). Factors: TRAFFIC_EQUIVALENCE (default PKJI APILL protected).
- Saturation flow S = S0 × W_E × F (PKJI, `saturation_flow_pkji`), with F_UK from the city's population and F_HS,
  F_G, F_P and S0 from the intersection's `EngineeringProfile`.
- Green of an approach = the greens of the phases that serve it in the plan running at that time
  (`SignalController.current_plan`); C = S × g/c; DJ = q/C; delay by TRAFFIC_DELAY_METHOD (PKJI by default);
  queue NQ1 + NQ2 in skr, vehicles and metres; LOS per PM 96/2015 from the flow-weighted intersection delay.
- SCATS-style DS: our detectors report occupancy per interval, not the unoccupied time per green, so DS is an
  ESTIMATE: the green time in the interval is g/c × T, its unused part h = green × (1 − occupancy), which assumes a
  stop-line detector whose occupancy during green equals the interval's. `scats_estimated` says so on every row.
- Webster advice: per phase the critical approach (largest y = q/S) feeds `advise_timing` against the running plan.
"""

from __future__ import annotations

import math
from bisect import bisect_right
from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

from django.conf import settings
from django.utils import timezone

from kotacerdas.lib import traffic as tl
from kotacerdas.traffic.models import (
    Approach,
    Detector,
    Intersection,
    PhaseGreen,
    Rollup,
    Rollup15Min,
    RollupHour,
    TimingPlan,
)

RESOLUTIONS: dict[str, type[Rollup]] = {"15min": Rollup15Min, "hour": RollupHour}
CLASS_OF = {"motor": tl.SM, "car": tl.KR, "heavy": tl.KB}

# Assumed vehicle mix for counts without classes: Medan's traffic is motorcycle-heavy [our assumption; replace with
# a classified count of the city when one exists].
DEFAULT_VEHICLE_MIX = {tl.SM: 0.70, tl.KR: 0.25, tl.KB: 0.05}


# --- Settings -----------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class EngineeringConfig:
    """Constants on which sources disagree; every one is a setting and names its source."""

    equivalence: Mapping[str, float]
    equivalence_source: str
    vehicle_mix: Mapping[str, float]
    vehicle_mix_source: str
    delay_method: str
    los_thresholds: tuple[tuple[float, str], ...]
    los_source: str
    dj_thresholds: tuple[tuple[float, str], ...]
    dj_source: str
    scats_space_per_vehicle_s: float
    scats_max_flow_per_lane_vps: float
    scats_source: str
    city_population_millions: float | None

    @property
    def sources(self) -> dict[str, str]:
        return {"ekr": self.equivalence_source, "komposisi": self.vehicle_mix_source, "los": self.los_source,
                "dj": self.dj_source, "scats": self.scats_source, "tundaan": self.delay_method}


def _classes(table: Mapping[str, float]) -> dict[str, float]:
    out: dict[str, float] = {}
    for name, value in table.items():
        out[CLASS_OF.get(name) or tl.vehicle_class(name)] = float(value)
    return out


def config() -> EngineeringConfig:
    from kotacerdas.core.models import SiteSettings

    # F_UK needs the city's population; without a city set up (fresh install) the factor stays 1.0.
    city = SiteSettings.load().city
    population = city.population / 1e6 if city is not None and city.population else None
    return EngineeringConfig(
        equivalence=_classes(getattr(settings, "TRAFFIC_EQUIVALENCE", tl.EKR_PKJI_APILL_PROTECTED)),
        equivalence_source=getattr(settings, "TRAFFIC_EQUIVALENCE_SOURCE",
                                   "PKJI 2023 Simpang APILL, lengan terlindung: KR 1,0; KB 1,3; SM 0,15"),
        vehicle_mix=_classes(getattr(settings, "TRAFFIC_DEFAULT_VEHICLE_MIX", DEFAULT_VEHICLE_MIX)),
        vehicle_mix_source=getattr(settings, "TRAFFIC_DEFAULT_VEHICLE_MIX_SOURCE",
                                   "asumsi komposisi Medan (SM 70%, KR 25%, KB 5%) bila data tanpa golongan"),
        delay_method=getattr(settings, "TRAFFIC_DELAY_METHOD", tl.DEFAULT_DELAY_METHOD),
        los_thresholds=tuple(getattr(settings, "TRAFFIC_LOS_THRESHOLDS", tl.LOS_DELAY_THRESHOLDS_PM96_2015)),
        los_source=getattr(settings, "TRAFFIC_LOS_SOURCE", "PM 96/2015 (tundaan rata-rata, dtk/skr)"),
        dj_thresholds=tuple(getattr(settings, "TRAFFIC_DJ_THRESHOLDS", tl.DJ_STATUS_THRESHOLDS)),
        dj_source=getattr(settings, "TRAFFIC_DJ_SOURCE", "praktik MKJI: hijau ≤ 0,75 < kuning ≤ 0,85 < merah ≤ 1"),
        scats_space_per_vehicle_s=float(getattr(settings, "TRAFFIC_SCATS_SPACE_PER_VEHICLE_S", 1.0)),
        scats_max_flow_per_lane_vps=float(getattr(settings, "TRAFFIC_SCATS_MAX_FLOW_PER_LANE_VPS", 0.5)),
        scats_source=getattr(settings, "TRAFFIC_SCATS_SOURCE",
                             "Austroads AGTM09; t dan MF asumsi (kalibrasi per lokasi)"),
        city_population_millions=population,
    )


# --- Registry snapshot ----------------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class ApproachGeometry:
    id: int
    direction: str
    label: str
    name: str
    width_m: float
    lanes: int
    phase_ids: frozenset[int]
    lane_detectors: tuple[int, ...]
    whole_detectors: tuple[int, ...]

    @property
    def detectors(self) -> tuple[int, ...]:
        return self.lane_detectors + self.whole_detectors


@dataclass(frozen=True, slots=True)
class PlanInfo:
    id: int
    name: str
    cycle_s: int
    lost_time_s: int
    effective_from: datetime
    # (phase id, phase number, green s) in phase-number order
    greens: tuple[tuple[int, int, int], ...]

    def green_for(self, phase_ids: frozenset[int]) -> int:
        return sum(g for pid, _n, g in self.greens if pid in phase_ids)


@dataclass(frozen=True, slots=True)
class IntersectionGeometry:
    id: int
    code: str
    name: str
    lat: float
    lon: float
    approximate: bool
    approaches: tuple[ApproachGeometry, ...]
    plans: tuple[PlanInfo, ...]  # oldest first
    adjustments: tl.PkjiAdjustments
    base_per_metre: float
    min_cycle_s: float
    max_cycle_s: float
    min_green_s: float
    profile_source: str = ""

    def plan_at(self, at: datetime) -> PlanInfo | None:
        """The plan in force at `at` (same rule as SignalController.current_plan)."""
        i = bisect_right([p.effective_from for p in self.plans], at)
        return self.plans[i - 1] if i else None


PROFILE_FIELDS = ("side_friction", "gradient", "parking", "base_saturation_per_metre", "min_cycle_s", "max_cycle_s",
                  "min_green_s", "source")


def load_geometry(intersection_ids: Iterable[int] | None = None, cfg: EngineeringConfig | None = None
                  ) -> dict[int, IntersectionGeometry]:
    """The registry needed for engineering in 5 queries, whatever the number of intersections.

    Intersections come with their engineering profile and approaches with their phases (LEFT JOINs), then the
    detectors, the plans and their greens: on PostgreSQL each round trip costs about a millisecond, which is most
    of one intersection's page. The whole city (`intersection_ids` None) filters the child tables by a join on the
    active intersections rather than binding lists of thousands of ids (which cost more in the ORM than the
    queries themselves); a few intersections are filtered by id.
    """
    cfg_population = (cfg or config()).city_population_millions
    city_size = tl.city_size_factor(cfg_population) if cfg_population is not None else 1.0
    inters = Intersection.objects.filter(is_active=True)
    if intersection_ids is not None:
        inters = inters.filter(pk__in=list(intersection_ids))
    rows = list(inters.values_list("pk", "code", "name", "lat", "lon", "approximate",
                                   *(f"engineering__{f}" for f in PROFILE_FIELDS)))
    ids = [r[0] for r in rows]

    def scope(path: str) -> dict[str, Any]:
        """Filter on the intersection reached through `path` (e.g. "approach__intersection")."""
        return {f"{path}__is_active": True} if intersection_ids is None else {f"{path}__in": ids}

    # One row per (approach, phase serving it); an approach no phase serves comes once with phase None.
    approaches: dict[int, tuple[int, str, str, float, int]] = {}
    phases_of: dict[int, set[int]] = defaultdict(set)
    for ap_id, inter_id, direction, name, width, lanes, phase_id in (
            Approach.objects.filter(**scope("intersection")).order_by("intersection_id", "direction")
            .values_list("pk", "intersection_id", "direction", "name", "width_m", "lanes", "phases")):
        approaches.setdefault(ap_id, (inter_id, direction, name, width, lanes))
        if phase_id is not None:
            phases_of[ap_id].add(phase_id)
    lane_dets: dict[int, list[int]] = defaultdict(list)
    whole_dets: dict[int, list[int]] = defaultdict(list)
    for det_id, ap_id, lane_id in (Detector.objects.filter(is_active=True, **scope("approach__intersection"))
                                   .order_by("pk").values_list("pk", "approach_id", "lane_id")):
        (lane_dets if lane_id is not None else whole_dets)[ap_id].append(det_id)
    plans_by_inter: dict[int, list[tuple[int, str, int, int, datetime]]] = defaultdict(list)
    for pk, inter_id, name, cycle, lost, since in (
            TimingPlan.objects.filter(**scope("controller__intersection")).order_by("effective_from")
            .values_list("pk", "controller__intersection_id", "name", "cycle_s", "lost_time_s", "effective_from")):
        plans_by_inter[inter_id].append((pk, name, cycle, lost, since))
    # Greens apart from their plans: joined, every green row would carry (and the driver parse) the plan's
    # effective_from again, which cost the whole city more than the round trip it saves one intersection.
    greens: dict[int, list[tuple[int, int, int]]] = defaultdict(list)
    for plan_id, phase_id, number, green in (
            PhaseGreen.objects.filter(**scope("plan__controller__intersection")).order_by("plan_id", "phase__number")
            .values_list("plan_id", "phase_id", "phase__number", "green_s")):
        greens[plan_id].append((phase_id, number, green))
    # Translated once per call: str() of a lazy label per approach costs more than the rest of the loop.
    labels = {value: str(label) for value, label in Approach._meta.get_field("direction").choices}
    by_inter: dict[int, list[ApproachGeometry]] = defaultdict(list)
    for ap_id, (inter_id, direction, name, width, lanes) in approaches.items():
        by_inter[inter_id].append(ApproachGeometry(
            id=ap_id, direction=direction, label=labels.get(direction, direction), name=name, width_m=width,
            lanes=lanes, phase_ids=frozenset(phases_of[ap_id]), lane_detectors=tuple(lane_dets[ap_id]),
            whole_detectors=tuple(whole_dets[ap_id])))
    out: dict[int, IntersectionGeometry] = {}
    for pk, code, name, lat, lon, approximate, *prof in rows:
        # Without a profile every column of the LEFT JOIN is None: every factor 1.0 and the library's limits.
        side_friction, gradient, parking, per_metre, min_cycle, max_cycle, min_green, source = prof
        out[pk] = IntersectionGeometry(
            id=pk, code=code, name=name, lat=lat, lon=lon, approximate=approximate,
            approaches=tuple(by_inter[pk]),
            plans=tuple(PlanInfo(p[0], p[1], p[2], p[3], p[4], tuple(greens[p[0]])) for p in plans_by_inter[pk]),
            adjustments=tl.PkjiAdjustments(
                city_size=city_size,
                side_friction=side_friction if side_friction is not None else 1.0,
                gradient=gradient if gradient is not None else 1.0,
                parking=parking if parking is not None else 1.0),
            base_per_metre=per_metre or tl.S0_PER_METRE_PKJI,
            min_cycle_s=float(min_cycle) if min_cycle else tl.DEFAULT_MIN_CYCLE_S,
            max_cycle_s=float(max_cycle) if max_cycle else tl.DEFAULT_MAX_CYCLE_S,
            min_green_s=float(min_green) if min_green else tl.DEFAULT_MIN_GREEN_S,
            profile_source=source or "",
        )
    return out


# --- Rollup sums ------------------------------------------------------------------------------------------------

SUM_FIELDS = ("count_seconds", "vehicles", "motor", "car", "heavy", "speed_sum", "speed_n", "occupancy_sum",
              "occupancy_seconds")


@dataclass(frozen=True, slots=True)
class Sums:
    """One detector's rollup sums for one bucket (see traffic.models.Rollup)."""

    count_seconds: int = 0
    vehicles: int = 0
    motor: int = 0
    car: int = 0
    heavy: int = 0
    speed_sum: float = 0.0
    speed_n: int = 0
    occupancy_sum: float = 0.0
    occupancy_seconds: int = 0

    @property
    def flow_vph(self) -> float | None:
        return self.vehicles * 3600 / self.count_seconds if self.count_seconds else None

    @property
    def speed(self) -> float | None:
        return self.speed_sum / self.speed_n if self.speed_n else None

    @property
    def occupancy(self) -> float | None:
        return self.occupancy_sum / self.occupancy_seconds if self.occupancy_seconds else None


def rollup_sums(model: type[Rollup], *, detector_ids: Iterable[int] | None = None, bucket: datetime | None = None,
                since: datetime | None = None, until: datetime | None = None
                ) -> dict[tuple[int, datetime], Sums]:
    """(detector, bucket start) → Sums in one query; a single bucket (`bucket`) or a range [since, until)."""
    qs = model.objects.all()
    if bucket is not None:
        qs = qs.filter(bucket_start=bucket)
    if since is not None:
        qs = qs.filter(bucket_start__gte=since)
    if until is not None:
        qs = qs.filter(bucket_start__lt=until)
    if detector_ids is not None:
        qs = qs.filter(detector_id__in=list(detector_ids))
    if bucket is not None and since is None and until is None:
        # One bucket: its start is known, so the column is not read back (converting thousands of datetimes,
        # on SQLite from text, took longer than the query).
        return {(row[0], bucket): Sums(*row[1:]) for row in qs.order_by().values_list("detector_id", *SUM_FIELDS)}
    out: dict[tuple[int, datetime], Sums] = {}
    for row in qs.order_by().values_list("detector_id", "bucket_start", *SUM_FIELDS):
        out[(row[0], row[1])] = Sums(*row[2:])
    return out


# --- Results ----------------------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class ApproachState:
    approach_id: int
    direction: str
    label: str
    name: str
    detectors_reporting: int
    detectors_total: int
    flow_vph: float | None = None
    flow_skr_ph: float | None = None
    skr_per_vehicle: float | None = None
    class_shares: dict[str, float] = field(default_factory=dict)
    speed_kmh: float | None = None
    occupancy_pct: float | None = None
    saturation_flow: float | None = None  # skr/jam hijau
    green_s: float | None = None
    cycle_s: float | None = None
    capacity: float | None = None  # skr/jam
    dj: float | None = None
    dj_status: str | None = None
    delay_s: float | None = None
    los: str | None = None
    queue_skr: float | None = None
    queue_vehicles: float | None = None
    queue_m: float | None = None
    scats_ds: float | None = None
    scats_vk: float | None = None
    scats_congested: bool | None = None
    scats_estimated: bool = True
    note: str = ""

    @property
    def flow_ratio(self) -> float | None:
        if self.flow_skr_ph is None or not self.saturation_flow:
            return None
        return self.flow_skr_ph / self.saturation_flow


@dataclass(frozen=True, slots=True)
class Advice:
    """Webster against the running plan; `timing` is lib.traffic.TimingAdvice (delays, LOS, explanation)."""

    phase_numbers: tuple[int, ...]
    plan_name: str
    timing: tl.TimingAdvice

    @property
    def explanation(self) -> str:
        return self.timing.explanation

    @property
    def current_greens(self) -> dict[int, float]:
        return dict(zip(self.phase_numbers, self.timing.current.greens_s, strict=True))

    @property
    def recommended_greens(self) -> dict[int, float]:
        return dict(zip(self.phase_numbers, self.timing.recommended.greens_s, strict=True))


@dataclass(frozen=True, slots=True)
class IntersectionState:
    intersection_id: int
    code: str
    name: str
    lat: float
    lon: float
    bucket_start: datetime
    interval_s: int
    approaches: tuple[ApproachState, ...]
    plan_name: str | None
    cycle_s: int | None
    delay_s: float | None
    los: str | None
    worst_dj: float | None
    worst_dj_status: str | None
    flow_vph: float | None
    flow_skr_ph: float | None
    advice: Advice | None
    notes: tuple[str, ...] = ()
    sources: dict[str, str] = field(default_factory=dict)

    @property
    def has_data(self) -> bool:
        return self.flow_vph is not None


# --- Computation ------------------------------------------------------------------------------------------------


def _shares(motor: float, car: float, heavy: float, mix: Mapping[str, float]) -> dict[str, float]:
    total = motor + car + heavy
    if total <= 0:
        return dict(mix)
    return {tl.SM: motor / total, tl.KR: car / total, tl.KB: heavy / total}


def approach_state(ap: ApproachGeometry, sums: Mapping[int, Sums], geom: IntersectionGeometry,
                   plan: PlanInfo | None, cfg: EngineeringConfig, interval_s: int, *, detail: bool = True
                   ) -> ApproachState:
    """Engineering numbers of one approach from its detectors' sums of one bucket.

    `detail=False` leaves out the queue and the SCATS-style DS (None), which neither the map nor the 24-hour
    charts show: about a third of the work when the whole city is computed.
    """
    total = len(ap.detectors)
    whole = [sums[d] for d in ap.whole_detectors if d in sums and sums[d].count_seconds]
    lanes = [sums[d] for d in ap.lane_detectors if d in sums and sums[d].count_seconds]
    used = whole or lanes
    reporting = sum(1 for d in ap.detectors if d in sums)
    base = {"approach_id": ap.id, "direction": ap.direction, "label": ap.label, "name": ap.name,
            "detectors_reporting": reporting, "detectors_total": total}
    # Speed and occupancy may come without counts (radar); take them from whatever reported.
    reported = [sums[d] for d in ap.detectors if d in sums]
    speeds = [(s.speed, s.vehicles) for s in reported if s.speed is not None]
    occs = [s.occupancy for s in reported if s.occupancy is not None]
    speed = None
    if speeds:
        weight = sum(v for _s, v in speeds)
        speed = (sum(s * v for s, v in speeds) / weight) if weight else sum(s for s, _v in speeds) / len(speeds)
    occupancy = sum(occs) / len(occs) if occs else None
    if not used:
        note = "tidak ada data jumlah kendaraan" if total else "lengan tanpa detektor"
        return ApproachState(**base, speed_kmh=speed, occupancy_pct=occupancy, note=note)
    flows = [s.flow_vph or 0.0 for s in used]
    flow = sum(flows) / len(flows) if whole else sum(flows)
    shares = _shares(sum(s.motor for s in used), sum(s.car for s in used), sum(s.heavy for s in used),
                     cfg.vehicle_mix)
    skr_per_vehicle = tl.to_pcu(shares, cfg.equivalence)
    q = flow * skr_per_vehicle
    sat = tl.saturation_flow_pkji(ap.width_m, geom.adjustments, base_per_metre=geom.base_per_metre)
    values: dict[str, Any] = {"flow_vph": flow, "flow_skr_ph": q, "skr_per_vehicle": skr_per_vehicle,
                              "class_shares": shares, "speed_kmh": speed, "occupancy_pct": occupancy,
                              "saturation_flow": sat}
    green = plan.green_for(ap.phase_ids) if plan else 0
    if plan is None or green <= 0:
        note = "tidak ada rencana waktu sinyal" if plan is None else "lengan tidak mendapat hijau di rencana"
        return ApproachState(**base, **values, note=note)
    cycle = plan.cycle_s
    cap = tl.capacity(sat, green, cycle)
    dj = tl.degree_of_saturation(q, cap)
    delay = tl.average_delay(cycle, green, q, sat, method=cfg.delay_method)
    values.update(green_s=float(green), cycle_s=float(cycle), capacity=cap, dj=dj,
                  dj_status=tl.saturation_status(dj, cfg.dj_thresholds), delay_s=delay,
                  los=tl.level_of_service(delay, cfg.los_thresholds))
    if not detail:
        return ApproachState(**base, **values)
    nq = tl.pkji_queue(cycle, green, q, sat).total
    queue = tl.queue_from_skr(nq, shares, lanes=ap.lanes, factors=cfg.equivalence)
    values.update(queue_skr=nq, queue_vehicles=queue.vehicles, queue_m=queue.metres)
    if occupancy is not None:
        observed_s = sum(s.count_seconds for s in used) / len(used)
        green_time = observed_s * green / cycle
        vehicles_per_lane = flow * observed_s / 3600 / ap.lanes
        unused = min(green_time, green_time * (1 - occupancy / 100))
        ds = tl.scats_degree_of_saturation(green_time, unused, vehicles_per_lane, cfg.scats_space_per_vehicle_s)
        vk = tl.scats_reconstituted_volume(max(ds, 0.0), green_time, cfg.scats_max_flow_per_lane_vps)
        values.update(scats_ds=ds, scats_vk=vk, scats_congested=tl.scats_congested(max(ds, 0.0), vk,
                                                                                     vehicles_per_lane))
    return ApproachState(**base, **values)


def _safe_approach_state(ap: ApproachGeometry, sums: Mapping[int, Sums], geom: IntersectionGeometry,
                         plan: PlanInfo | None, cfg: EngineeringConfig, interval_s: int, detail: bool = True
                         ) -> ApproachState:
    # A registry edited by hand (a green longer than the cycle) must not take the whole city map down.
    try:
        return approach_state(ap, sums, geom, plan, cfg, interval_s, detail=detail)
    except ValueError as exc:
        return ApproachState(ap.id, ap.direction, ap.label, ap.name, 0, len(ap.detectors),
                             note=f"data atau rencana tidak konsisten: {exc}")


def advise(geom: IntersectionGeometry, plan: PlanInfo, approaches: Iterable[ApproachState],
           cfg: EngineeringConfig) -> tuple[Advice | None, str]:
    """Webster advice for the plan, or (None, why not)."""
    by_id = {a.approach_id: a for a in approaches}
    demands: list[tl.PhaseDemand] = []
    numbers: list[int] = []
    greens: list[float] = []
    for phase_id, number, green in plan.greens:
        critical: ApproachState | None = None
        for ap in geom.approaches:
            state = by_id.get(ap.id)
            if phase_id not in ap.phase_ids or state is None or state.flow_ratio is None:
                continue
            if critical is None or state.flow_ratio > (critical.flow_ratio or 0):
                critical = state
        if critical is None:
            return None, f"fase {number} tanpa data arus; saran Webster tidak dihitung"
        demands.append(tl.PhaseDemand(critical.flow_skr_ph or 0.0, critical.saturation_flow or 1.0))
        numbers.append(number)
        greens.append(float(green))
    if not demands:
        return None, "rencana tanpa waktu hijau"
    # Every phase needs its minimum green after the lost time, so the shortest cycle can be longer than the
    # controller's minimum (4 phases × 10 s + 12 s lost = 52 s).
    min_cycle = max(geom.min_cycle_s, plan.lost_time_s + len(demands) * geom.min_green_s)
    try:
        timing = tl.advise_timing(demands, tl.SignalPlan(float(plan.cycle_s), tuple(greens)),
                                  float(plan.lost_time_s), min_cycle_s=min_cycle,
                                  max_cycle_s=max(geom.max_cycle_s, min_cycle), min_green_s=geom.min_green_s,
                                  method=cfg.delay_method)  # type: ignore[arg-type]
    except ValueError as exc:
        return None, f"saran Webster tidak dapat dihitung: {exc}"
    return Advice(tuple(numbers), plan.name, timing), ""


def compute(geom: IntersectionGeometry, sums: Mapping[int, Sums], bucket_start: datetime, interval_s: int,
            cfg: EngineeringConfig, *, with_advice: bool = True, detail: bool = True) -> IntersectionState:
    """Every number of one intersection for one bucket. `sums` maps detector id → that bucket's Sums.

    `detail=False`: approaches without queue and SCATS DS (see `approach_state`), for the map and the charts."""
    plan = geom.plan_at(bucket_start)
    notes: list[str] = []
    if plan is None:
        notes.append("belum ada rencana waktu sinyal: kapasitas, DJ dan tundaan tidak dihitung")
    approaches = tuple(_safe_approach_state(ap, sums, geom, plan, cfg, interval_s, detail)
                       for ap in geom.approaches)
    with_delay = [a for a in approaches if a.delay_s is not None and a.flow_skr_ph is not None]
    delay = los = None
    if with_delay:
        delay = tl.intersection_delay([a.delay_s for a in with_delay],  # type: ignore[misc]
                                      [a.flow_skr_ph for a in with_delay])  # type: ignore[misc]
        los = tl.level_of_service(delay, cfg.los_thresholds)
    djs = [a.dj for a in approaches if a.dj is not None]
    worst = max(djs) if djs else None
    flows = [a for a in approaches if a.flow_vph is not None]
    advice = None
    if with_advice and plan is not None and flows:
        advice, why = advise(geom, plan, approaches, cfg)
        if why:
            notes.append(why)
    return IntersectionState(
        intersection_id=geom.id, code=geom.code, name=geom.name, lat=geom.lat, lon=geom.lon,
        bucket_start=bucket_start, interval_s=interval_s, approaches=approaches,
        plan_name=plan.name if plan else None, cycle_s=plan.cycle_s if plan else None,
        delay_s=delay, los=los, worst_dj=worst,
        worst_dj_status=tl.saturation_status(worst, cfg.dj_thresholds) if worst is not None else None,
        flow_vph=sum(a.flow_vph for a in flows) if flows else None,  # type: ignore[misc]
        flow_skr_ph=sum(a.flow_skr_ph for a in flows) if flows else None,  # type: ignore[misc]
        advice=advice, notes=tuple(notes), sources=cfg.sources)


# --- Entry points -----------------------------------------------------------------------------------------------


def floor_bucket(t: datetime, seconds: int) -> datetime:
    epoch = int(t.timestamp())
    return datetime.fromtimestamp(epoch - epoch % seconds, UTC)


def last_complete_bucket(now: datetime | None = None, resolution: str = "15min") -> datetime:
    """Start of the newest bucket that has ended by `now` (a running bucket's numbers still move)."""
    size = RESOLUTIONS[resolution].BUCKET_SECONDS
    return floor_bucket(now or timezone.now(), size) - timedelta(seconds=size)


def states(intersection_ids: Iterable[int] | None = None, *, bucket_start: datetime | None = None,
           now: datetime | None = None, resolution: str = "15min", with_advice: bool = False, detail: bool = True
           ) -> dict[int, IntersectionState]:
    """State of many intersections for one bucket: 5 registry queries + 1 rollup query."""
    model = RESOLUTIONS[resolution]
    bucket = bucket_start or last_complete_bucket(now, resolution)
    cfg = config()
    geoms = load_geometry(intersection_ids, cfg)
    detector_ids = None
    if intersection_ids is not None:
        detector_ids = [d for g in geoms.values() for a in g.approaches for d in a.detectors]
    rows = rollup_sums(model, detector_ids=detector_ids, bucket=bucket)
    sums = {det: s for (det, _b), s in rows.items()}
    return {pk: compute(g, sums, bucket, model.BUCKET_SECONDS, cfg, with_advice=with_advice, detail=detail)
            for pk, g in geoms.items()}


def intersection_state(intersection: Intersection | int, *, bucket_start: datetime | None = None,
                       now: datetime | None = None, resolution: str = "15min") -> IntersectionState | None:
    """One intersection with the Webster advice (the intersection page); None when it is inactive or unknown."""
    pk = intersection if isinstance(intersection, int) else intersection.pk
    return states([pk], bucket_start=bucket_start, now=now, resolution=resolution, with_advice=True).get(pk)


def finite(x: float | None, digits: int = 2) -> float | None:
    """Rounded number for JSON (None stays None; inf/nan become None)."""
    if x is None or math.isinf(x) or math.isnan(x):
        return None
    return round(x, digits)
