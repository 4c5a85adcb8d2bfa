"""Synthetic e-parking days for the demo, the tests and the leakage benchmark: seeded, pure, with planted leaks.

`plan(topology, seed, start, days)` picks the leaks; `simulate_day(topology, day, seed, leaks, tariffs)` returns
that day's payments, duty sessions, occupancy readings and the truth of what was diverted. Every point-day draws
from its own generator seeded by (seed, point, day), so a day simulated alone equals the same day of a longer run.
`manage.py simulate_parking` writes the output through the real paths (actions.record_payment, the sensor
pipeline, the signed webhook over HTTP); `topology_from_db()` reads the registry.

The demand model (a plain one, stated so the benchmark can be judged by it):

- Sessions per space and hour at the hour of the land use's typical level: niaga 0.45, pasar 0.55, kuliner 0.40,
  kantor 0.30, kesehatan 0.35, sekolah 0.25, permukiman 0.20; × road class (1: 1.0, 2: 0.85, 3: 0.7); × a point
  factor, log-normal with σ = `heterogeneity` (0.10: points of one road class and land use differ by about ±10 %
  beyond what capacity and opening hours explain); × day noise (σ 6 %); × an hourly profile per land use and kind
  of day (offices empty at weekends, markets busy in the morning, culinary spots at lunch and in the evening).
  Arrivals are Poisson per hour, uniform within the hour.
- Vehicle mix from the point's capacity per class, motorcycles turning over 1.5× as often as cars; only classes
  with a confirmed tariff (unconfirmed ones are not charged, so they are not simulated). Stays are exponential,
  mean 40 min for motorcycles and 70 min for cars (occupancy = vehicles present, capped at the spaces).
- 3 % of vehicles hold a subscription sticker: they park without paying (rule 40) and are not a leak.
- Payment at arrival (0–4 min later) to the jukir on shift: QRIS dynamic 70 %, QRIS static 10 %, e-money card 20 %
  (issuers: a handful of banks and wallets), to the operator's (or the city's) merchant account.
- Duty sessions: each assigned jukir logs in within 10 min of the shift start and out within 10 min of its end.
- Occupancy sensors (points with a sensor device): 15-minute readings over the opening hours with arrivals
  (each arrival detected with probability 0.98) and the vehicles present at the interval's end.

Planted leaks (written to the ground truth; distinct points):

- `tunai` on `divert_share` (10 %) of the points: 30–90 % of the sessions go to cash, which at e-parking is never
  recorded, so they appear only as missing revenue. Mode `acak`: each session with that probability; mode
  `jam_sibuk`: the peak-hour (11–13, 17–20) sessions first, then others at random up to the share. Half start on
  the first simulated day, half within the first third of the period.
- `setoran_dipatok` on `capping` points whose demand clearly exceeds their target: the jukir records payments only
  until the day's total reaches the target and pockets the rest.
- `qr_pribadi` on one point: one jukir has part of the drivers (40 %) pay to his personal static QR (a foreign
  merchant id): the platform refuses those payments (violation `merchant_asing`), the city gets nothing.
- `stiker_ditarik` on one point: every few days a subscription holder is charged anyway (violation
  `stiker_ditarik`); not revenue lost to the city, a citizen overcharged.
"""

from __future__ import annotations

import csv
import math
import random
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from kotacerdas.lib.sampling import poisson, seeded

LOCAL = ZoneInfo("Asia/Jakarta")
INTERVAL_S = 900
TURNOVER = {"niaga": 0.45, "pasar": 0.55, "kuliner": 0.40, "kantor": 0.30, "kesehatan": 0.35, "sekolah": 0.25,
            "permukiman": 0.20}
ROAD_CLASS_FACTOR = {1: 1.0, 2: 0.85, 3: 0.7}
CLASS_TURNOVER = {"motor": 1.5, "mobil": 1.0, "pickup": 0.8, "truk_mini": 0.6, "truk_besar": 0.5}
STAY_MIN = {"motor": 40, "mobil": 70, "pickup": 60, "truk_mini": 60, "truk_besar": 90}
METHODS = (("qris_dinamis", 0.70), ("qris_statis", 0.10), ("uang_elektronik", 0.20))
ISSUERS = ("BANK SUMUT", "BRI", "MANDIRI", "BNI", "BCA", "GOPAY", "OVO", "DANA", "SHOPEEPAY")
STICKER_SHARE = 0.03
DAY_NOISE = 0.06
SENSOR_DETECTION = 0.98
PEAK_HOURS = (11, 12, 17, 18, 19)
FOREIGN_MERCHANT_ID = "ID10PRIBADI0000099"
FOREIGN_SHARE = 0.40


def _bump(h: float, centre: float, width: float) -> float:
    return math.exp(-0.5 * ((h - centre) / width) ** 2)


def profile(land_use: str, h: float, weekday: int) -> float:
    """Relative demand at local hour h (≈1 at the land use's typical busy hours)."""
    weekend = weekday >= 5
    if land_use == "kantor":
        v = 0.3 + 0.9 * _bump(h, 9.5, 1.5) + 0.7 * _bump(h, 13, 1.2)
        return v * (0.3 if weekend else 1.0)
    if land_use == "pasar":
        return (0.2 + 1.1 * _bump(h, 8.5, 2.0) + 0.4 * _bump(h, 16, 2.0)) * (1.1 if weekend else 1.0)
    if land_use == "kuliner":
        return (0.15 + 0.8 * _bump(h, 12.3, 1.0) + 1.0 * _bump(h, 19.2, 1.6)) * (1.3 if weekend else 1.0)
    if land_use == "kesehatan":
        return (0.25 + 1.0 * _bump(h, 10, 2.0) + 0.4 * _bump(h, 17, 1.5)) * (0.6 if weekend else 1.0)
    if land_use == "sekolah":
        return (0.1 + 0.9 * _bump(h, 7.2, 0.6) + 0.9 * _bump(h, 13.3, 1.0)) * (0.2 if weekend else 1.0)
    if land_use == "permukiman":
        return (0.3 + 0.8 * _bump(h, 19, 2.0)) * (1.1 if weekend else 1.0)
    # niaga (shops) and anything else
    return (0.35 + 0.8 * _bump(h, 12, 1.5) + 0.9 * _bump(h, 18.5, 1.8)) * (1.2 if weekend else 1.0)


# Topology -------------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class JukirSpec:
    code: str
    shift_start: time
    shift_end: time

    def on_shift(self, t: time) -> bool:
        if self.shift_start < self.shift_end:
            return self.shift_start <= t < self.shift_end
        return t >= self.shift_start or t < self.shift_end


@dataclass(frozen=True)
class PointSpec:
    code: str
    land_use: str
    road_class: int
    spaces: tuple[tuple[str, int], ...]
    opens: time
    closes: time
    daily_target: int
    sensor: bool
    merchant_id: str
    jukir: tuple[JukirSpec, ...]

    @property
    def total_spaces(self) -> int:
        return sum(n for _c, n in self.spaces)


@dataclass(frozen=True)
class Topology:
    points: tuple[PointSpec, ...]
    stickers: tuple[tuple[str, str], ...] = ()  # (barcode, plate) of valid subscription stickers

    def point(self, code: str) -> PointSpec:
        return next(p for p in self.points if p.code == code)


def topology_from_db(on: date | None = None) -> Topology:
    """Active e-parking points with capacity, their jukir assignments valid on `on` and a merchant account."""
    from django.db.models import Q
    from django.utils import timezone

    from kotacerdas.parking.models import (
        JukirAssignment,
        JukirStatus,
        MerchantAccount,
        ParkingPoint,
        PointCapacity,
        Sticker,
        StickerStatus,
    )

    on = on or timezone.localdate()
    caps: dict[int, list[tuple[str, int]]] = defaultdict(list)
    for point_id, vclass, spaces in PointCapacity.objects.order_by("vehicle_class").values_list(
            "point_id", "vehicle_class", "spaces"):
        if spaces:
            caps[point_id].append((vclass, spaces))
    jukir: dict[int, list[JukirSpec]] = defaultdict(list)
    for a in (JukirAssignment.objects.filter(valid_from__lte=on, jukir__status=JukirStatus.ACTIVE)
              .filter(Q(valid_to__isnull=True) | Q(valid_to__gte=on)).select_related("jukir")
              .order_by("shift_start", "jukir__code")):
        jukir[a.point_id].append(JukirSpec(a.jukir.code, a.shift_start, a.shift_end))
    accounts: dict[int | None, str] = {}
    for operator_id, merchant_id in MerchantAccount.objects.filter(is_active=True).order_by("merchant_id") \
            .values_list("operator_id", "merchant_id"):
        accounts.setdefault(operator_id, merchant_id)
    specs = []
    for p in ParkingPoint.objects.filter(is_active=True, is_eparking=True).select_related("segment"):
        if p.pk not in caps or p.pk not in jukir:
            continue
        merchant = accounts.get(p.operator_id) or accounts.get(None, "")
        specs.append(PointSpec(p.code, p.land_use, p.segment.road_class, tuple(caps[p.pk]), p.opens_at, p.closes_at,
                               p.daily_target, p.device_id is not None, merchant, tuple(jukir[p.pk])))
    stickers = tuple(Sticker.objects.filter(status=StickerStatus.ACTIVE, valid_from__lte=on, valid_to__gte=on)
                     .order_by("number").values_list("barcode", "plate")[:20])
    return Topology(tuple(sorted(specs, key=lambda s: s.code)), stickers)


# Random helpers -------------------------------------------------------------------------------------------------


def _pick(rng: random.Random, weighted: Iterable[tuple[str, float]]) -> str:
    items = list(weighted)
    x = rng.random() * sum(w for _v, w in items)
    for value, w in items:
        x -= w
        if x <= 0:
            return value
    return items[-1][0]


def point_factor(seed: int, code: str, heterogeneity: float) -> float:
    return math.exp(seeded(seed, "point", code).gauss(0.0, heterogeneity))


def _open_hours(p: PointSpec) -> list[int]:
    start, end = p.opens.hour, p.closes.hour + (1 if p.closes.minute else 0)
    if end <= start:
        end += 24
    return [h % 24 for h in range(start, end)]


def _class_weights(p: PointSpec, tariffs: dict[str, int | None]) -> list[tuple[str, float]]:
    return [(c, n * CLASS_TURNOVER.get(c, 1.0)) for c, n in p.spaces if tariffs.get(c)]


def expected_daily(p: PointSpec, seed: int, weekday: int, tariffs: dict[str, int | None],
                   heterogeneity: float) -> tuple[float, float]:
    """(sessions, revenue) a point serves on an average day of that weekday (for choosing capping points)."""
    weights = _class_weights(p, tariffs)
    total = sum(w for _c, w in weights)
    if not total:
        return 0.0, 0.0
    mean_tariff = sum(w * (tariffs[c] or 0) for c, w in weights) / total
    base = p.total_spaces * TURNOVER.get(p.land_use, 0.4) * ROAD_CLASS_FACTOR.get(p.road_class, 1.0)
    base *= point_factor(seed, p.code, heterogeneity)
    sessions = sum(base * profile(p.land_use, h + 0.5, weekday) for h in _open_hours(p)) * (1 - STICKER_SHARE)
    return sessions, sessions * mean_tariff


# Leaks ----------------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Leak:
    point: str
    kind: str  # tunai | setoran_dipatok | qr_pribadi | stiker_ditarik
    share: float = 0.0
    mode: str = ""
    start: date | None = None
    jukir: str = ""


def plan(topology: Topology, seed: int, start: date, days: int, *, divert_share: float = 0.10, capping: int = 3,
         foreign: int = 1, sticker: int = 1, tariffs: dict[str, int | None] | None = None,
         heterogeneity: float = 0.10) -> dict[str, Leak]:
    """Which points leak how (deterministic for a seed and registry)."""
    rng = seeded(seed, "leaks")
    codes = [p.code for p in topology.points]
    rng.shuffle(codes)
    leaks: dict[str, Leak] = {}
    n_divert = round(divert_share * len(codes))
    for code in codes[:n_divert]:
        mode = "jam_sibuk" if rng.random() < 0.4 else "acak"
        late = rng.random() < 0.5
        begin = start + timedelta(days=rng.randint(1, max(1, days // 3))) if late and days > 3 else start
        leaks[code] = Leak(code, "tunai", round(rng.uniform(0.30, 0.90), 2), mode, begin)
    rest = codes[n_divert:]
    tariffs = tariffs or {"motor": 3000, "mobil": 5000}
    cap_pool = [c for c in rest if topology.point(c).daily_target
                and expected_daily(topology.point(c), seed, 2, tariffs, heterogeneity)[1]
                >= 1.4 * topology.point(c).daily_target]
    for code in cap_pool[:capping]:
        leaks[code] = Leak(code, "setoran_dipatok", mode="target", start=start)
    rest = [c for c in rest if c not in leaks]
    for code in rest[:foreign]:
        leaks[code] = Leak(code, "qr_pribadi", FOREIGN_SHARE, "acak", start, topology.point(code).jukir[0].code)
    rest = [c for c in rest if c not in leaks]
    if topology.stickers:
        for code in rest[:sticker]:
            leaks[code] = Leak(code, "stiker_ditarik", 0.0, "", start)
    return leaks


# One day --------------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Payment:
    reference: str
    point: str
    jukir: str
    vehicle_class: str
    method: str
    amount: int
    paid_at: datetime
    merchant_id: str
    issuer: str
    plate: str = ""
    sticker: str = ""

    def webhook_body(self) -> dict[str, Any]:
        body: dict[str, Any] = {"reference": self.reference, "merchant_id": self.merchant_id, "amount": self.amount,
                                "paid_at": _iso(self.paid_at), "method": self.method, "issuer": self.issuer,
                                "point": self.point, "jukir": self.jukir, "vehicle_class": self.vehicle_class}
        if self.plate:
            body["plate"] = self.plate
        if self.sticker:
            body["sticker"] = self.sticker
        return body


@dataclass(frozen=True)
class Duty:
    jukir: str
    point: str
    start: datetime
    end: datetime


@dataclass(frozen=True)
class Occupancy:
    point: str
    start: datetime
    seconds: int
    occupied: int
    total: int
    arrivals: int

    @property
    def end(self) -> datetime:
        return self.start + timedelta(seconds=self.seconds)

    def compact(self) -> dict[str, Any]:
        return {"p": self.point, "t": _iso(self.start), "s": self.seconds, "occ": self.occupied, "tot": self.total,
                "arr": self.arrivals}


@dataclass
class Truth:
    """Per point and day: what was there to collect and what was diverted (rupiah at the day's tariff)."""

    sessions: int = 0
    collectible: int = 0  # sessions that should have paid (sticker holders excluded)
    collectible_revenue: int = 0
    diverted: int = 0
    diverted_revenue: int = 0


@dataclass
class DayOutput:
    day: date
    payments: list[Payment] = field(default_factory=list)
    duties: list[Duty] = field(default_factory=list)
    occupancy: list[Occupancy] = field(default_factory=list)
    truth: dict[str, Truth] = field(default_factory=dict)

    def events(self) -> list[tuple[datetime, str, Any]]:
        """Everything in time order: ("duty_start"|"duty_end"|"payment"|"occupancy", item); occupancy at its end."""
        out: list[tuple[datetime, str, Any]] = []
        out += [(d.start, "duty_start", d) for d in self.duties]
        out += [(d.end, "duty_end", d) for d in self.duties]
        out += [(p.paid_at, "payment", p) for p in self.payments]
        out += [(o.end, "occupancy", o) for o in self.occupancy]
        order = {"duty_start": 0, "occupancy": 1, "payment": 2, "duty_end": 3}
        out.sort(key=lambda e: (e[0], order[e[1]]))
        return out


def _iso(t: datetime) -> str:
    return t.astimezone(UTC).isoformat().replace("+00:00", "Z")


def simulate_day(topology: Topology, day: date, *, seed: int, leaks: dict[str, Leak],
                 tariffs: dict[str, int | None], heterogeneity: float = 0.10) -> DayOutput:
    out = DayOutput(day)
    for p in topology.points:
        _point_day(out, p, day, seed, leaks.get(p.code), tariffs, heterogeneity, topology.stickers)
    out.payments.sort(key=lambda x: x.paid_at)
    return out


def _shift_bounds(j: JukirSpec, day: date) -> tuple[datetime, datetime]:
    start = datetime.combine(day, j.shift_start, LOCAL)
    end = datetime.combine(day, j.shift_end, LOCAL)
    if end <= start:
        end += timedelta(days=1)
    return start, end


def _point_day(out: DayOutput, p: PointSpec, day: date, seed: int, leak: Leak | None,
               tariffs: dict[str, int | None], heterogeneity: float, stickers: tuple[tuple[str, str], ...]) -> None:
    rng = seeded(seed, "pd", p.code, day.isoformat())
    weights = _class_weights(p, tariffs)
    if not weights:
        return
    weekday = day.weekday()
    base = p.total_spaces * TURNOVER.get(p.land_use, 0.4) * ROAD_CLASS_FACTOR.get(p.road_class, 1.0)
    base *= point_factor(seed, p.code, heterogeneity) * max(0.5, rng.gauss(1.0, DAY_NOISE))
    opens = datetime.combine(day, p.opens, LOCAL)
    closes = datetime.combine(day, p.closes, LOCAL)
    if closes <= opens:
        closes += timedelta(days=1)
    # Arrivals: (time, class, sticker holder)
    sessions: list[tuple[datetime, str, bool]] = []
    t = opens.replace(minute=0)
    while t < closes:
        n = poisson(rng, base * profile(p.land_use, t.hour + 0.5, weekday))
        for _k in range(n):
            at = t + timedelta(seconds=rng.uniform(0, 3600))
            if opens <= at < closes:
                sessions.append((at, _pick(rng, weights), rng.random() < STICKER_SHARE))
        t += timedelta(hours=1)
    sessions.sort()
    truth = out.truth.setdefault(p.code, Truth())
    # Duty: every jukir on their shift, within the opening hours.
    for j in p.jukir:
        s0, s1 = _shift_bounds(j, day)
        s0, s1 = max(s0, opens), min(s1, closes)
        if s1 - s0 < timedelta(minutes=30):
            continue
        out.duties.append(Duty(j.code, p.code, s0 + timedelta(minutes=rng.uniform(0, 10)),
                               s1 - timedelta(minutes=rng.uniform(0, 10))))
    active = leak is not None and (leak.start is None or day >= leak.start)
    collectible = [k for k, s in enumerate(sessions) if not s[2]]
    diverted: set[int] = set()
    if active and leak.kind == "tunai":
        if leak.mode == "jam_sibuk":
            peak = [k for k in collectible if sessions[k][0].astimezone(LOCAL).hour in PEAK_HOURS]
            other = [k for k in collectible if k not in set(peak)]
            rng.shuffle(peak)
            rng.shuffle(other)
            diverted = set((peak + other)[:round(leak.share * len(collectible))])
        else:
            diverted = {k for k in collectible if rng.random() < leak.share}
    stickered_charge = active and leak.kind == "stiker_ditarik" and rng.random() < 0.4
    running = 0
    n = 0
    for k, (at, vclass, holder) in enumerate(sessions):
        amount = tariffs.get(vclass) or 0
        truth.sessions += 1
        jukir = next((j.code for j in p.jukir if j.on_shift(at.astimezone(LOCAL).time())), "")
        paid_at = at + timedelta(seconds=rng.uniform(5, 240))
        if holder:
            if stickered_charge and jukir and stickers:
                barcode, plate = stickers[rng.randrange(len(stickers))]
                n += 1
                out.payments.append(Payment(f"SIM{seed}-{p.code}-{day:%Y%m%d}-{n:04d}", p.code, jukir, vclass,
                                            "qris_statis", amount, paid_at, p.merchant_id, "BANK SUMUT", plate,
                                            barcode))
                stickered_charge = False
            continue
        if not jukir:
            continue  # nobody on shift: nobody collects (not a leak of the point's jukir)
        truth.collectible += 1
        truth.collectible_revenue += amount
        if k in diverted or (active and leak.kind == "setoran_dipatok" and running >= p.daily_target):
            truth.diverted += 1
            truth.diverted_revenue += amount
            continue
        method = _pick(rng, METHODS)
        merchant = p.merchant_id
        if active and leak.kind == "qr_pribadi" and jukir == leak.jukir and rng.random() < leak.share:
            merchant, method = FOREIGN_MERCHANT_ID, "qris_statis"
            truth.diverted += 1
            truth.diverted_revenue += amount
        else:
            running += amount
        issuer = rng.choice(ISSUERS)
        n += 1
        out.payments.append(Payment(f"SIM{seed}-{p.code}-{day:%Y%m%d}-{n:04d}", p.code, jukir, vclass, method, amount,
                                    paid_at, merchant, issuer))
    if p.sensor:
        _occupancy(out, p, sessions, opens, closes, rng)


def _occupancy(out: DayOutput, p: PointSpec, sessions: list[tuple[datetime, str, bool]], opens: datetime,
               closes: datetime, rng: random.Random) -> None:
    stays = [(at, at + timedelta(minutes=rng.expovariate(1 / STAY_MIN.get(c, 60)))) for at, c, _h in sessions]
    t = opens
    total = p.total_spaces
    while t < closes:
        end = min(t + timedelta(seconds=INTERVAL_S), closes)
        arrivals = sum(1 for a, _d in stays if t <= a < end and rng.random() < SENSOR_DETECTION)
        present = sum(1 for a, d in stays if a < end <= d)
        out.occupancy.append(Occupancy(p.code, t.astimezone(UTC), int((end - t).total_seconds()),
                                       min(present, total), total, arrivals))
        t = end


# Ground truth ---------------------------------------------------------------------------------------------------


TRUTH_COLUMNS = ("point", "kind", "mode", "jukir", "planted_share", "start", "days", "sessions", "collectible",
                 "diverted", "collectible_revenue", "diverted_revenue", "realised_share")


class TruthBook:
    """Sums the daily truth per point (over the days each leak was active) for the ground-truth file."""

    def __init__(self, leaks: dict[str, Leak]) -> None:
        self.leaks = leaks
        self.totals: dict[str, Truth] = defaultdict(Truth)
        self.days: dict[str, int] = defaultdict(int)
        self.by_day: dict[tuple[str, date], Truth] = {}

    def add(self, output: DayOutput) -> None:
        for code, t in output.truth.items():
            self.by_day[(code, output.day)] = t
            leak = self.leaks.get(code)
            if leak is None or (leak.start and output.day < leak.start):
                continue
            agg = self.totals[code]
            for name in ("sessions", "collectible", "collectible_revenue", "diverted", "diverted_revenue"):
                setattr(agg, name, getattr(agg, name) + getattr(t, name))
            self.days[code] += 1

    def share(self, code: str, days: Iterable[date] | None = None) -> float:
        """Realised diverted share of the collectible revenue, over the given days (default: the leak's days)."""
        if days is None:
            t = self.totals.get(code, Truth())
        else:
            t = Truth()
            for d in days:
                x = self.by_day.get((code, d))
                if x is not None:
                    t.collectible_revenue += x.collectible_revenue
                    t.diverted_revenue += x.diverted_revenue
        return t.diverted_revenue / t.collectible_revenue if t.collectible_revenue else 0.0

    def rows(self) -> list[dict[str, Any]]:
        out = []
        for code, leak in sorted(self.leaks.items()):
            t = self.totals.get(code, Truth())
            out.append({"point": code, "kind": leak.kind, "mode": leak.mode, "jukir": leak.jukir,
                        "planted_share": leak.share, "start": leak.start.isoformat() if leak.start else "",
                        "days": self.days.get(code, 0), "sessions": t.sessions, "collectible": t.collectible,
                        "diverted": t.diverted, "collectible_revenue": t.collectible_revenue,
                        "diverted_revenue": t.diverted_revenue, "realised_share": round(self.share(code), 4)})
        return out

    def write(self, path: str) -> int:
        rows = self.rows()
        with open(path, "w", newline="", encoding="utf-8") as f:
            writer = csv.DictWriter(f, fieldnames=TRUTH_COLUMNS)
            writer.writeheader()
            writer.writerows(rows)
        return len(rows)


# Writers: where a simulated day goes ------------------------------------------------------------------------------


@dataclass
class WriteStats:
    payments: int = 0
    accepted: int = 0
    refused: int = 0
    duplicates: int = 0
    readings: int = 0
    readings_stored: int = 0
    duties: int = 0
    errors: dict[str, int] = field(default_factory=dict)

    def error(self, key: str) -> None:
        self.errors[key] = self.errors.get(key, 0) + 1


class Registry:
    """Point and jukir rows by code, and the simulator's payment provider and sensor gateway (created if missing)."""

    PROVIDER = "sim-agregator"
    GATEWAY = "parking-simulator"

    def __init__(self) -> None:
        from kotacerdas.parking import actions
        from kotacerdas.parking.models import Jukir, ParkingPoint, PaymentProvider
        from kotacerdas.sensors.models import Device

        self.points = {p.code: p for p in ParkingPoint.objects.select_related("operator")}
        self.jukir = {j.code: j for j in Jukir.objects.select_related("user")}
        self.provider = PaymentProvider.objects.filter(code=self.PROVIDER).first()
        if self.provider is None:
            self.provider, _secret = actions.do_create_provider(None, code=self.PROVIDER,
                                                                name="Agregator simulasi")
        self.gateway, _created = Device.objects.get_or_create(code=self.GATEWAY, defaults={
            "name": "Simulator okupansi parkir", "kind": "parking", "owner_module": "parking", "is_gateway": True})


class InProcessWriter:
    """The real paths in this process: actions.record_payment (webhook channel), actions.do_start_duty/do_end_duty,
    and the sensor pipeline (sensors.actions.do_ingest) with `now` at the reading's end, as if sent live."""

    def __init__(self, registry: Registry, stats: WriteStats) -> None:
        self.r, self.stats = registry, stats

    def payment(self, p: Payment) -> None:
        from django.core.exceptions import ValidationError

        from kotacerdas.parking import actions

        self.stats.payments += 1
        try:
            outcome = actions.record_payment(
                channel="webhook", origin=self.r.provider.code, reference=p.reference, point=self.r.points[p.point],
                jukir=self.r.jukir[p.jukir], vehicle_class=p.vehicle_class, method=p.method, amount=p.amount,
                paid_at=p.paid_at, merchant_id=p.merchant_id, issuer=p.issuer, plate=p.plate,
                sticker_barcode=p.sticker, provider=self.r.provider)
        except ValidationError as exc:
            self.stats.error(",".join(sorted(getattr(exc, "message_dict", {}) or ["?"])))
            return
        self._count(outcome.status)

    def _count(self, status: str) -> None:
        if status == "accepted":
            self.stats.accepted += 1
        elif status == "refused":
            self.stats.refused += 1
        else:
            self.stats.duplicates += 1

    def duty_start(self, d: Duty) -> None:
        from django.core.exceptions import PermissionDenied, ValidationError

        from kotacerdas.parking import actions

        try:
            actions.do_start_duty(self.r.jukir[d.jukir], self.r.points[d.point], at=d.start, source="simulasi")
            self.stats.duties += 1
        except (ValidationError, PermissionDenied):
            self.stats.error("duty")

    def duty_end(self, d: Duty) -> None:
        from kotacerdas.parking import actions

        actions.do_end_duty(self.r.jukir[d.jukir], at=d.end)

    def occupancy(self, items: list[Occupancy]) -> None:
        from kotacerdas.sensors.actions import do_ingest

        if not items:
            return
        self.stats.readings += len(items)
        now = max(o.end for o in items) + timedelta(seconds=30)
        result = do_ingest("parking", self.r.gateway, [o.compact() for o in items], source="sim", now=now)
        self.stats.readings_stored += result.stored

    def day(self, output: DayOutput) -> None:
        """A whole past day, event by event in time order (occupancy in 15-minute batches)."""
        pending: list[Occupancy] = []
        for _t, kind, item in output.events():
            if kind == "occupancy":
                pending.append(item)
                continue
            if pending:
                self.occupancy(pending)
                pending = []
            getattr(self, {"payment": "payment", "duty_start": "duty_start", "duty_end": "duty_end"}[kind])(item)
        self.occupancy(pending)


class BulkWriter(InProcessWriter):
    """The benchmark's fast path for a month of history: accepted payments are inserted with bulk_create (shares
    and the tariff from `tariffs`, as record_payment computes them) and duty sessions likewise; every payment that
    a rule would refuse (foreign merchant id, sticker holder) still goes through actions.record_payment, and
    occupancy through the sensor pipeline. It skips the per-payment audit row and event, so it is for seeding
    history, not for anything that claims to be a live payment."""

    def day(self, output: DayOutput) -> None:
        from django.db import transaction

        from kotacerdas.parking import tariffs
        from kotacerdas.parking.models import Channel, DutySession, ParkingTransaction

        amounts = tariffs.tariffs_on(output.day)
        rows = []
        for p in output.payments:
            if p.sticker or p.merchant_id == FOREIGN_MERCHANT_ID:
                self.payment(p)
                continue
            point = self.r.points[p.point]
            operator_share, city_share = tariffs.shares(p.amount, point.operator)
            rows.append(ParkingTransaction(
                reference=p.reference, provider=self.r.provider, channel=Channel.WEBHOOK, origin=self.r.provider.code,
                point=point, jukir=self.r.jukir[p.jukir], operator=point.operator, vehicle_class=p.vehicle_class,
                method=p.method, amount=p.amount, tariff_amount=amounts.get(p.vehicle_class),
                merchant_id=p.merchant_id, issuer=p.issuer, paid_at=p.paid_at, received_at=p.paid_at,
                operator_share=operator_share, city_share=city_share))
        with transaction.atomic():
            ParkingTransaction.objects.bulk_create(rows, batch_size=2000, ignore_conflicts=True)
            DutySession.objects.bulk_create([
                DutySession(jukir=self.r.jukir[d.jukir], point=self.r.points[d.point], started_at=d.start,
                            ended_at=d.end, source="simulasi") for d in output.duties], batch_size=2000)
        self.stats.payments += len(rows)
        self.stats.accepted += len(rows)
        self.stats.duties += len(output.duties)
        for k in range(0, len(output.occupancy), 2000):
            self.occupancy(output.occupancy[k:k + 2000])


class HttpWriter(InProcessWriter):
    """Payments as signed webhooks (X-Kc-Signature HMAC-SHA256 of the raw body, X-Kc-Timestamp) and occupancy to
    /api/v1/ingest/parking with the gateway's device token. Duty sessions stay in-process: the handheld API needs
    each jukir's own login."""

    def __init__(self, registry: Registry, stats: WriteStats, url: str, secret: str, token: str) -> None:
        import requests

        super().__init__(registry, stats)
        self.url = url.rstrip("/")
        self.secret, self.token = secret, token
        self.session = requests.Session()
        self.requests = requests

    def payment(self, p: Payment) -> None:
        import json
        import time as _time

        from kotacerdas.parking.actions import sign_webhook

        body = json.dumps(p.webhook_body(), separators=(",", ":")).encode()
        headers = {"Content-Type": "application/json", "X-Kc-Signature": sign_webhook(self.secret, body),
                   "X-Kc-Timestamp": str(int(_time.time()))}
        self.stats.payments += 1
        try:
            answer = self.session.post(f"{self.url}/api/v1/parking/webhook/{self.r.provider.code}", data=body,
                                       headers=headers, timeout=30)
        except self.requests.RequestException as exc:
            self.stats.error(exc.__class__.__name__)
            return
        if answer.status_code != 200:
            self.stats.error(f"HTTP {answer.status_code}")
            return
        self._count(answer.json().get("status", ""))

    def occupancy(self, items: list[Occupancy]) -> None:
        if not items:
            return
        self.stats.readings += len(items)
        try:
            answer = self.session.post(f"{self.url}/api/v1/ingest/parking", json=[o.compact() for o in items],
                                       headers={"Authorization": f"Bearer {self.token}"}, timeout=60)
        except self.requests.RequestException as exc:
            self.stats.error(exc.__class__.__name__)
            return
        if answer.status_code != 200:
            self.stats.error(f"HTTP {answer.status_code}")
            return
        self.stats.readings_stored += answer.json().get("stored", 0)
