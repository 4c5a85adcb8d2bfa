"""Synthetic ATCS detector data for the demo city, the tests and the benchmarks: pure, seeded, no network.

`generate(topology, start, end, seed=..., scenario=...)` yields one `Reading` per (detector, interval), interval
by interval in time order. The same seed gives the same numbers, and every interval is drawn from its own
generator seeded by (seed, interval start), so generating a sub-range gives exactly the readings of the full range
(a resumed or chunked run sends the same data, and the server's idempotent store sees duplicates, not conflicts).
`manage.py simulate_traffic` wraps it (HTTP or MQTT); `topology_from_db()` reads the registry.

The model, per approach (lengan) and interval (a deliberately simple macroscopic one, not a microsimulation):

- Capacity C = S0 × g/c with S0 = 600 × effective width (PKJI, skr/hour of green) and g/c from the current
  timing plan (0.3 when there is none), converted to vehicles/hour with the protected-approach ekr of
  `kotacerdas.lib.traffic` and the vehicle mix.
- Demand = C × the approach's peak degree of saturation (0.70-1.05, drawn per approach) × a time-of-day profile
  (weekday: peaks 06:30-08:30 and 16:00-18:30 as on Medan's arterials, a midday plateau, a night trough below 10 %;
  Saturday: a late broad morning and an evening leisure peak; Sunday: lower still) × day-to-day noise.
- Served flow = min(demand, effective capacity). Speed follows a fundamental-diagram relation in the degree of
  saturation x = demand / capacity: v = vf (1 − 0.55 x²·⁵) up to x = 1, then falling as vf · 0.45 / x¹·⁵ (a
  growing queue). Occupancy comes from density k = q / v per lane times an effective vehicle length, so it rises
  with demand and jumps when the approach is oversaturated.
- Vehicle mix SM 70 % / KR 25 % / KB 5 % (± per approach); heavy vehicles double at night (trucks are let into
  the city 22:00-06:00).
- Rain (intensity 0-1): demand −15 % (motorcyclists shelter), saturation flow −15 %, free speed −25 % at full
  intensity.
- Incident on approach A of intersection X: A's capacity drops to 10-35 % for 15-60 min. A's own detectors are
  upstream of the blockage: the queue slows traffic over them (speed falls, occupancy rises, counts fall to the
  reduced capacity). Downstream, the approach of the next intersection in the direction of travel (the one facing
  X) loses the part of its demand that came from A: its occupancy falls. The queue takes two intervals to clear.

Times are aware datetimes; the daily profile is read in WIB (Asia/Jakarta, Medan's time zone).
"""

from __future__ import annotations

import csv
import math
import random
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from kotacerdas.lib.sampling import poisson, seeded
from kotacerdas.lib.traffic import EKR_PKJI_APILL_PROTECTED, KB, KR, SM

LOCAL = ZoneInfo("Asia/Jakarta")
DEFAULT_INTERVAL_S = 300
DEFAULT_GREEN_RATIO = 0.3
MIX = {SM: 0.70, KR: 0.25, KB: 0.05}
# Effective length a vehicle occupies over a loop (vehicle + detection zone), metres. Motorcycles ride two abreast
# in a lane, so each counts for about half its length.
EFFECTIVE_LENGTH_M = {SM: 2.0, KR: 6.5, KB: 14.0}
# Share of a downstream approach's demand that arrives from the upstream intersection (the rest joins in between).
DOWNSTREAM_SHARE = 0.7
DOWNSTREAM_MAX_KM = 2.5
RECOVERY_INTERVALS = 2
INCIDENT_KINDS = ("kecelakaan", "kendaraan_mogok", "galian_jalan", "genangan")
# Incidents are planted where there is traffic to disturb: at night a blocked lane changes nothing measurable.
INCIDENT_HOURS = (6, 21)
BEARINGS = {"utara": 0, "timur_laut": 45, "timur": 90, "tenggara": 135, "selatan": 180, "barat_daya": 225,
            "barat": 270, "barat_laut": 315}


# Topology -------------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class DetectorSpec:
    code: str
    kind: str  # loop (one lane) | camera | radar (whole approach)
    lane: int | None = None


@dataclass(frozen=True)
class ApproachSpec:
    intersection: str
    direction: str  # where traffic comes from (Direction values)
    width_m: float
    lanes: int
    lat: float
    lon: float
    detectors: tuple[DetectorSpec, ...]
    green_ratio: float = DEFAULT_GREEN_RATIO

    @property
    def key(self) -> str:
        return f"{self.intersection}:{self.direction}"

    @property
    def capacity_skr(self) -> float:
        return 600.0 * self.width_m * self.green_ratio

    @property
    def capacity_veh(self) -> float:
        skr_per_vehicle = sum(MIX[c] * EKR_PKJI_APILL_PROTECTED[c] for c in MIX)
        return self.capacity_skr / skr_per_vehicle


@dataclass(frozen=True)
class Topology:
    approaches: tuple[ApproachSpec, ...]
    # approach key -> key of the approach downstream of it (next intersection in the direction of travel)
    downstream: dict[str, str] = field(default_factory=dict)

    @classmethod
    def build(cls, approaches: Iterable[ApproachSpec]) -> Topology:
        approaches = tuple(sorted(approaches, key=lambda a: a.key))
        return cls(approaches, _downstream_links(approaches))

    @property
    def detectors(self) -> list[str]:
        return [d.code for a in self.approaches for d in a.detectors]

    def approach(self, key: str) -> ApproachSpec:
        return next(a for a in self.approaches if a.key == key)


def _km(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    dy = (lat2 - lat1) * 111.32
    dx = (lon2 - lon1) * 111.32 * math.cos(math.radians((lat1 + lat2) / 2))
    return math.hypot(dx, dy)


def _bearing(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    dy = lat2 - lat1
    dx = (lon2 - lon1) * math.cos(math.radians((lat1 + lat2) / 2))
    return math.degrees(math.atan2(dx, dy)) % 360


def _downstream_links(approaches: tuple[ApproachSpec, ...]) -> dict[str, str]:
    """Traffic arriving at X from direction d leaves X towards d + 180°; the next intersection Y that way (within
    ±50° and DOWNSTREAM_MAX_KM) receives it on its approach from the same side d."""
    by_inter: dict[str, dict[str, ApproachSpec]] = {}
    where: dict[str, tuple[float, float]] = {}
    for a in approaches:
        by_inter.setdefault(a.intersection, {})[a.direction] = a
        where.setdefault(a.intersection, (a.lat, a.lon))
    links: dict[str, str] = {}
    for a in approaches:
        travel = (BEARINGS[a.direction] + 180) % 360
        best: tuple[float, str] | None = None
        x = where[a.intersection]
        for other, pos in where.items():
            if other == a.intersection or a.direction not in by_inter[other]:
                continue
            dist = _km(*x, *pos)
            off = abs((_bearing(*x, *pos) - travel + 180) % 360 - 180)
            if dist <= DOWNSTREAM_MAX_KM and off <= 50 and (best is None or dist < best[0]):
                best = (dist, by_inter[other][a.direction].key)
        if best is not None:
            links[a.key] = best[1]
    return links


def topology_from_db() -> Topology:
    """Active detectors of the registry, grouped by approach, with the current plan's green ratio."""
    from kotacerdas.traffic.models import Approach, SignalController

    ratios: dict[tuple[int, int], float] = {}
    for controller in SignalController.objects.prefetch_related("plans__greens__phase__approaches"):
        plan = controller.current_plan()
        if plan is None or not plan.cycle_s:
            continue
        for green in plan.greens.all():
            for approach in green.phase.approaches.all():
                key = (controller.intersection_id, approach.pk)
                ratios[key] = max(ratios.get(key, 0.0), green.green_s / plan.cycle_s)
    specs = []
    rows = (Approach.objects.filter(intersection__is_active=True).select_related("intersection")
            .prefetch_related("detectors__lane"))
    for approach in rows:
        detectors = tuple(DetectorSpec(d.code, d.kind, d.lane.number if d.lane else None)
                          for d in sorted(approach.detectors.all(), key=lambda d: d.code) if d.is_active)
        if not detectors:
            continue
        inter = approach.intersection
        specs.append(ApproachSpec(inter.code, approach.direction, approach.width_m, approach.lanes, inter.lat,
                                  inter.lon, detectors,
                                  ratios.get((inter.pk, approach.pk), DEFAULT_GREEN_RATIO)))
    return Topology.build(specs)


# Scenario: rain and incidents ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Rain:
    start: datetime
    end: datetime
    intensity: float  # 0-1 (1 = heavy tropical downpour)


@dataclass(frozen=True)
class Incident:
    approach: str  # "<intersection code>:<direction>"
    start: datetime
    end: datetime
    kind: str
    capacity_factor: float  # share of the approach's capacity left
    detectors: tuple[str, ...] = ()  # upstream: the blocked approach's detectors
    downstream: str | None = None  # the approach downstream of it
    downstream_detectors: tuple[str, ...] = ()


@dataclass(frozen=True)
class Scenario:
    rain: tuple[Rain, ...] = ()
    incidents: tuple[Incident, ...] = ()

    def rain_at(self, t: datetime) -> float:
        return max((r.intensity for r in self.rain if r.start <= t < r.end), default=0.0)

    def merged(self, other: Scenario) -> Scenario:
        return Scenario(self.rain + other.rain, self.incidents + other.incidents)


def daily_rain(seed: int, day: date) -> tuple[Rain, ...]:
    """Medan rain: most days in the wet months have one spell, mostly in the afternoon or evening."""
    rng = seeded(seed, "rain", day.isoformat())
    if rng.random() > 0.55:
        return ()
    hour = rng.uniform(13, 20) if rng.random() < 0.7 else rng.uniform(0, 12)
    start = datetime.combine(day, time(0), LOCAL) + timedelta(hours=hour)
    return (Rain(start.astimezone(UTC), (start + timedelta(minutes=rng.uniform(40, 150))).astimezone(UTC),
                 round(rng.uniform(0.4, 1.0), 2)),)


def plan_rain(seed: int, start: datetime, end: datetime) -> tuple[Rain, ...]:
    """Rain spells overlapping [start, end); at least one (in the middle) so a --rain run always shows rain."""
    spells: list[Rain] = []
    day = start.astimezone(LOCAL).date() - timedelta(days=1)
    while day <= end.astimezone(LOCAL).date():
        spells += [r for r in daily_rain(seed, day) if r.end > start and r.start < end]
        day += timedelta(days=1)
    if not spells and end > start:
        span = end - start
        length = min(timedelta(minutes=90), span / 3)
        middle = start + span / 2
        spells.append(Rain(middle - length / 2, middle + length / 2, 0.8))
    return tuple(spells)


def plan_incidents(topology: Topology, seed: int, start: datetime, end: datetime, count: int, *,
                   block: str = "") -> tuple[Incident, ...]:
    """`count` incidents of 15-60 min inside [start, end), daytime preferred, not overlapping on one approach.

    Approaches with a known downstream approach are chosen first, so the up/down signature is observable.
    """
    if count <= 0 or not topology.approaches or end <= start:
        return ()
    rng = seeded(seed, "incidents", block or start.isoformat())
    linked = [a for a in topology.approaches if a.key in topology.downstream]
    pool = linked or list(topology.approaches)
    span = (end - start).total_seconds()
    planted: list[Incident] = []
    for _n in range(count):
        for attempt in range(60):
            minutes = rng.randint(15, 60)
            length = min(timedelta(minutes=minutes), (end - start) * 0.8)
            latest = span - length.total_seconds()
            t0 = start + timedelta(seconds=rng.uniform(0, max(latest, 0)))
            t0 = t0.replace(second=0, microsecond=0)
            local_hour = t0.astimezone(LOCAL).hour
            daytime = INCIDENT_HOURS[0] <= local_hour < INCIDENT_HOURS[1]
            if not daytime and attempt < 40 and span > 6 * 3600:
                continue
            approach = rng.choice(pool)
            t1 = t0 + length
            if any(i.approach == approach.key and i.start < t1 and t0 < i.end for i in planted):
                continue
            down = topology.downstream.get(approach.key)
            down_detectors = tuple(d.code for d in topology.approach(down).detectors) if down else ()
            planted.append(Incident(approach.key, t0, t1, rng.choice(INCIDENT_KINDS),
                                    round(rng.uniform(0.10, 0.35), 2), tuple(d.code for d in approach.detectors),
                                    down, down_detectors))
            break
    return tuple(sorted(planted, key=lambda i: (i.start, i.approach)))


# Demand profile ------------------------------------------------------------------------------------------------


def _bump(hour: float, centre: float, width: float) -> float:
    return math.exp(-0.5 * ((hour - centre) / width) ** 2)


def profile(t: datetime) -> float:
    """Demand relative to the weekday peak hour (≈1.0 at the peaks), by local time of day and day of week."""
    local = t.astimezone(LOCAL)
    h = local.hour + local.minute / 60 + local.second / 3600
    # Overnight trough ~0.06 at 03:00-04:00, rising from 05:00.
    base = 0.06 + 0.50 * _smoothstep(h, 5.0, 9.0) * (1 - _smoothstep(h, 20.0, 24.5))
    weekday = local.weekday()
    if weekday < 5:  # school and office traffic: 06:30-08:30 and 16:00-18:30
        value = base + 0.50 * _bump(h, 7.4, 0.65) + 0.48 * _bump(h, 17.2, 0.85) + 0.08 * _bump(h, 12.2, 0.7)
        if weekday == 4:  # Friday prayers thin the midday
            value -= 0.10 * _bump(h, 12.5, 0.4)
    elif weekday == 5:  # Saturday: late broad morning, evening leisure (malam minggu)
        value = 0.9 * base + 0.22 * _bump(h, 10.5, 1.6) + 0.35 * _bump(h, 19.0, 1.3)
    else:  # Sunday: quiet morning (car-free day), family outings in the afternoon and evening
        value = 0.75 * base + 0.12 * _bump(h, 10.5, 1.5) + 0.25 * _bump(h, 17.5, 2.0)
    return max(value, 0.04)


def _smoothstep(x: float, a: float, b: float) -> float:
    if x <= a:
        return 0.0
    if x >= b:
        return 1.0
    u = (x - a) / (b - a)
    return u * u * (3 - 2 * u)


# Readings -------------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Reading:
    detector: str
    start: datetime
    seconds: int
    motor: int
    car: int
    heavy: int
    speed: float | None  # km/h, None when no vehicle passed
    occupancy: float  # percent

    @property
    def vehicles(self) -> int:
        return self.motor + self.car + self.heavy

    @property
    def end(self) -> datetime:
        return self.start + timedelta(seconds=self.seconds)

    def compact(self) -> dict[str, Any]:
        """The compact line format of traffic/ingest.py (occupancy in percent)."""
        item: dict[str, Any] = {"d": self.detector, "t": _iso(self.start), "s": self.seconds,
                                "n": {"motor": self.motor, "car": self.car, "heavy": self.heavy},
                                "o": self.occupancy}
        if self.speed is not None:
            item["v"] = self.speed
        return item

    def key_values(self) -> dict[str, Any]:
        """Smart Data Models TrafficFlowObserved, keyValues (occupancy as a 0-1 fraction)."""
        item: dict[str, Any] = {
            "id": f"urn:ngsi-ld:TrafficFlowObserved:{self.detector}:{int(self.start.timestamp())}",
            "type": "TrafficFlowObserved",
            "refDevice": f"urn:ngsi-ld:Device:{self.detector}",
            "dateObservedFrom": _iso(self.start), "dateObservedTo": _iso(self.end),
            "intensity": self.vehicles,
            "vehicleCounts": {"motor": self.motor, "car": self.car, "heavy": self.heavy},
            "occupancy": round(self.occupancy / 100, 4),
        }
        if self.speed is not None:
            item["averageVehicleSpeed"] = self.speed
        return item

    def normalized(self) -> dict[str, Any]:
        """The same entity in NGSI-LD normalized form."""
        kv = self.key_values()
        item: dict[str, Any] = {"id": kv.pop("id"), "type": kv.pop("type"),
                                "refDevice": {"type": "Relationship", "object": kv.pop("refDevice")}}
        for name, value in kv.items():
            item[name] = {"type": "Property", "value": value}
        return item

    def as_item(self, fmt: str) -> dict[str, Any]:
        return {"compact": self.compact, "keyvalues": self.key_values, "normalized": self.normalized}[fmt]()


FORMATS = ("compact", "keyvalues", "normalized")


def _iso(t: datetime) -> str:
    return t.astimezone(UTC).isoformat().replace("+00:00", "Z")


@dataclass(frozen=True)
class _ApproachParams:
    peak_dj: float
    free_speed: float
    sm: float
    kb: float
    lane_shares: tuple[float, ...]
    day_noise_sd: float


def _params(seed: int, approach: ApproachSpec) -> _ApproachParams:
    rng = seeded(seed, "approach", approach.key)
    lanes = [d for d in approach.detectors if d.kind == "loop"]
    weights = [rng.uniform(0.8, 1.2) for _ in lanes]
    total = sum(weights) or 1.0
    return _ApproachParams(
        peak_dj=rng.uniform(0.70, 1.05), free_speed=rng.uniform(38, 52), sm=rng.uniform(0.65, 0.75),
        kb=rng.uniform(0.03, 0.07), lane_shares=tuple(w / total for w in weights), day_noise_sd=0.06,
    )


def align(t: datetime, interval_s: int) -> datetime:
    """The start of the interval containing t (intervals are aligned to the epoch, hence to UTC midnight)."""
    epoch = int(t.timestamp())
    return datetime.fromtimestamp(epoch - epoch % interval_s, UTC)


def _binomial(rng: random.Random, n: int, p: float) -> int:
    if n <= 0 or p <= 0:
        return 0
    if n > 40:
        sd = math.sqrt(n * p * (1 - p))
        return min(n, max(0, round(rng.gauss(n * p, sd))))
    return sum(1 for _ in range(n) if rng.random() < p)


@dataclass
class _State:
    """Per approach in one interval: what the downstream approach needs from its upstream one."""

    demand: float
    served: float


def _speed(free: float, x: float) -> float:
    if x <= 1:
        return free * (1 - 0.55 * x ** 2.5)
    return max(free * 0.45 / x ** 1.5, 3.0)


def generate(topology: Topology, start: datetime, end: datetime, *, seed: int = 42,
             interval_s: int = DEFAULT_INTERVAL_S, scenario: Scenario | None = None) -> Iterator[Reading]:
    """Readings for every detector and every interval whose start lies in [align(start), end)."""
    scenario = scenario or Scenario()
    params = {a.key: _params(seed, a) for a in topology.approaches}
    upstream_of: dict[str, str] = {down: up for up, down in topology.downstream.items()}
    by_approach: dict[str, list[Incident]] = {}
    for inc in scenario.incidents:
        by_approach.setdefault(inc.approach, []).append(inc)
    t = align(start, interval_s)
    step = timedelta(seconds=interval_s)
    while t < end:
        yield from _interval(topology, params, upstream_of, by_approach, scenario, seed, t, interval_s)
        t += step


def _incident_factor(incidents: list[Incident], t: datetime, interval_s: int) -> float:
    """Share of capacity left at interval t: the incident's factor, then recovery over RECOVERY_INTERVALS."""
    factor = 1.0
    mid = t + timedelta(seconds=interval_s / 2)
    for inc in incidents:
        if inc.start <= mid < inc.end:
            factor = min(factor, inc.capacity_factor)
        elif inc.end <= mid < inc.end + timedelta(seconds=interval_s * RECOVERY_INTERVALS):
            done = (mid - inc.end).total_seconds() / (interval_s * RECOVERY_INTERVALS)
            factor = min(factor, inc.capacity_factor + (1 - inc.capacity_factor) * (0.5 + 0.5 * done))
    return factor


def _interval(topology: Topology, params: dict[str, _ApproachParams], upstream_of: dict[str, str],
              incidents: dict[str, list[Incident]], scenario: Scenario, seed: int, t: datetime,
              interval_s: int) -> Iterator[Reading]:
    rng = seeded(seed, "interval", int(t.timestamp()))
    mid = t + timedelta(seconds=interval_s / 2)
    base = profile(mid)
    rain = scenario.rain_at(mid)
    local = mid.astimezone(LOCAL)
    night = local.hour >= 22 or local.hour < 6
    # Day-to-day variation is shared by all intervals of one approach and day (a busy Monday stays busy).
    day_key = local.date().isoformat()
    states: dict[str, _State] = {}
    for approach in topology.approaches:
        p = params[approach.key]
        day = seeded(seed, "day", approach.key, day_key).gauss(1.0, p.day_noise_sd)
        capacity = approach.capacity_veh * (1 - 0.15 * rain)
        demand = approach.capacity_veh * p.peak_dj * base * day * (1 - 0.15 * rain) * rng.gauss(1.0, 0.04)
        factor = _incident_factor(incidents.get(approach.key, []), t, interval_s)
        states[approach.key] = _State(demand, min(demand, capacity * factor))
    for approach in topology.approaches:
        p = params[approach.key]
        state = states[approach.key]
        demand, served = state.demand, state.served
        up = upstream_of.get(approach.key)
        if up is not None and states[up].served < states[up].demand:
            # Less arrives from a blocked (or oversaturated) upstream approach.
            starved = DOWNSTREAM_SHARE * demand * (1 - states[up].served / states[up].demand)
            demand -= starved
            served = min(served, demand)
        capacity = approach.capacity_veh * (1 - 0.15 * rain)
        factor = _incident_factor(incidents.get(approach.key, []), t, interval_s)
        x = demand / max(capacity * factor, 1.0)
        if factor < 1:
            # A blockage: vehicles stand over the loops whatever the demand; the queue discharges at the slow
            # speed of a bottleneck.
            x = max(x, 2.0)
        free = p.free_speed * (1 - 0.25 * rain)
        speed = _speed(free, x)
        kb = min(p.kb * (2.2 if night else 1.0), 0.2)
        sm = p.sm if not night else p.sm - (kb - p.kb)
        mix = {SM: sm, KR: 1 - sm - kb, KB: kb}
        length_m = sum(mix[c] * EFFECTIVE_LENGTH_M[c] for c in mix)
        loops = [d for d in approach.detectors if d.kind == "loop"]
        for det in approach.detectors:
            if det.kind == "loop":  # one lane: its share of the lanes the loops cover
                coverage = min(1.0, len(loops) / approach.lanes)
                lanes, flow = 1.0, served * coverage * p.lane_shares[loops.index(det)]
            else:  # a camera or radar sees the whole approach
                lanes, flow = float(approach.lanes), served
            mean = flow * interval_s / 3600
            n = poisson(rng, mean)
            motor = _binomial(rng, n, mix[SM])
            heavy = _binomial(rng, n - motor, mix[KB] / (mix[KB] + mix[KR]))
            car = n - motor - heavy
            v = max(3.0, speed * rng.gauss(1.0, 0.04))
            density_per_lane = (flow / lanes) / v  # veh/km
            occupancy = density_per_lane * length_m / 10 * rng.gauss(1.0, 0.05)  # % = k · L(m) / 1000 · 100
            if x > 1:
                # A standing queue over the loop: occupancy climbs with oversaturation beyond what q/v shows.
                occupancy += min(45.0, 25.0 * (x - 1)) * rng.gauss(1.0, 0.05)
            yield Reading(det.code, t, interval_s, motor, car, heavy, round(v, 1) if n else None,
                          round(min(max(occupancy, 0.0), 98.0), 1))


# Ground truth ---------------------------------------------------------------------------------------------------


GROUND_TRUTH_COLUMNS = ("kind", "role", "intersection", "approach", "detector", "start", "end", "capacity_factor",
                        "incident")


def ground_truth_rows(incidents: Iterable[Incident], rain: Iterable[Rain] = ()) -> list[dict[str, Any]]:
    """One row per (incident, detector): role `upstream` (the blocked approach) or `downstream`; plus one row per
    rain spell with kind `hujan` (no location) so false alarms in rain can be told apart. Incident ids are
    "<approach>@<start>" so rows of one incident group together; `approach` is "<intersection>:<direction>"."""
    rows: list[dict[str, Any]] = []
    for inc in incidents:
        ident = f"{inc.approach}@{_iso(inc.start)}"
        for role, approach, detectors in (("upstream", inc.approach, inc.detectors),
                                          ("downstream", inc.downstream, inc.downstream_detectors)):
            if approach is None:
                continue
            for det in detectors or ("",):
                rows.append({"kind": inc.kind, "role": role, "intersection": approach.split(":")[0],
                             "approach": approach, "detector": det, "start": _iso(inc.start),
                             "end": _iso(inc.end), "capacity_factor": inc.capacity_factor, "incident": ident})
    for r in rain:
        rows.append({"kind": "hujan", "role": "weather", "intersection": "", "approach": "", "detector": "",
                     "start": _iso(r.start), "end": _iso(r.end), "capacity_factor": r.intensity, "incident": ""})
    return rows


def write_ground_truth(path: str, incidents: Iterable[Incident], rain: Iterable[Rain] = ()) -> int:
    rows = ground_truth_rows(incidents, rain)
    with open(path, "w", newline="", encoding="utf-8") as f:
        writer = csv.DictWriter(f, fieldnames=GROUND_TRUTH_COLUMNS)
        writer.writeheader()
        writer.writerows(rows)
    return len(rows)
