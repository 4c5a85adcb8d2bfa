"""Leakage detection (iot-traffic-parking.md §5.4; egov-rules rule 42): expected vs recorded revenue per point and
day, the cheap explainable indicators, and an audit list ranked by estimated lost rupiah.

Expected-revenue model, per point p and local day d (§5.4):

    E[p,d] = sessions[p,d] × mean tariff[p,d]
    L      = 1 − actual / E          (negative when more was paid than expected)

sessions come from the best source available, in this order (`basis`):

1. "sensor": vehicle arrivals counted by occupancy sensors over the point's opening hours (OccupancyReading.arrivals;
   where a sensor reports occupancy only, occupied space-hours / PARKING_LEAKAGE["mean_stay_hours"] by Little's
   law), scaled up by the covered share of the opening hours when that share is at least `sensor_min_coverage`.
2. "peer": per vehicle class, the median of sessions per space-hour of comparable points on the same day (same
   road class and land use; widened to the land use, then the city, when fewer than `peer_min` peers), times this
   point's spaces of that class and opening hours, priced at that class's tariff. Class by class because
   motorcycles turn over faster than cars. A peer contributes its sensor sessions (split by its paid class mix)
   when it has a sensor, otherwise its paid sessions: a few leaking peers barely move a median. A point's own
   history is the floor: when its median paid revenue on the same kind of day (weekday / weekend) over the
   previous `history_days` exceeds the peer estimate, that is used ("history"), since a point has at least the
   demand it showed before (a recent drop is then measured against it).
3. "none": no sensor, no peers, no history: expected = paid (L = 0), only the rule-based indicators speak.

For sensor sessions the mean tariff is the tariff table in force that day (`tariffs.tariffs_on`) weighted by the
point's vehicle-class mix of paid sessions over the last `history_days` (or its capacity per class while it has
fewer than `mix_min_tx` payments); classes without a confirmed tariff are left out. A sticker holder parks without
paying, so demand a point serves for subscribers shows up as (small) leakage: the model does not know which
arrivals had stickers.

What the simulator's cash diversion looks like here: a diverted session is simply not paid cashlessly (cash at
e-parking is never recorded), so it appears only as revenue missing against the expectation.

Indicators (each a dict in `LeakageAssessment.indicators`: code, fired, value, threshold, text, source):

- rasio_kebocoran   L > 30 % on at least 3 of the last 7 days (§5.4 "flag L > 30% for 3 of 7 days"); against a
                    model (not a sensor) a day counts only when the shortfall is also ≥ 2 Poisson SD.
- porsi_nontunai    share of cashless among payment attempts < 100 % (cash at an e-parking point is an offence in
                    itself, egov-rules rule 39; §5.4 indicator 1).
- celah_jam_sibuk   a gap of ≥ 30 min without a transaction in the peak hours 11:00–13:00 at a point where at least
                    `peak_gap_min_expected` payments were expected in that gap (§5.4 indicator 2; "busy" is made
                    exact so that an honest Poisson stream has a gap that long well under 1 % of days).
- banding_sejawat   revenue per space-hour ≤ −2 robust z (median/MAD) against the peer cluster (§5.4 indicator 3);
                    supporting evidence only (never flags a point alone), and not fired at a sensor point whose
                    revenue matches its sensor.
- setoran_dipatok   revenue within −3 % / +max(3 %, one tariff) of the daily target on ≥ 4 of the last 7 days and
                    never above that
                    (§5.4 indicator 4: deposit capped at the target, the surplus skimmed; egov-rules §6.4 item 3).
- penurunan         mean daily revenue of the last 7 days below 70 % of the whole weeks before (§5.4 indicator 5,
                    change points; the text names a jukir change in the last 14 days when there was one).
                    Not fired at a sensor point whose revenue matches its sensor (a fall in demand, not a leak).
- tugas_tanpa_transaksi  a duty session (handheld login) of ≥ 60 min with no transaction of that jukir at the point,
                    where the session expected at least `duty_min_expected` payments (§5.4 indicator 6).
- okupansi_vs_bayar at least 2 hours in which the sensor counted ≥ 4 arrivals (or half the spaces occupied, for
                    sensors without arrivals) and nothing was paid (§5.4 indicator 7, ParkProof's plateau rule).
- stiker_ditarik    a subscription-sticker holder was charged (§5.4 indicator 8, egov-rules rule 40).
- merchant_asing    a payment to a QRIS merchant id that is not the city's or the operator's (§5.4 indicator 9).
- jukir_tidak_sah   a revoked, suspended or unassigned jukir tried to record a payment (egov-rules rule 41).

Not built (the data does not support them): spot audits (indicator 10, needs enumerator counts) and complaint
clusters (indicator 11, needs a link from complaints to parking points); session-duration anomalies beyond
stickers need exit times, which payments do not carry.

The audit list (`audit_list`) sums a window of daily assessments per point, applies each indicator's window rule
(`window_min_days`), and lists every point with a positive estimated loss or a fired indicator: the flagged ones
(an indicator met its window rule) first, each group ranked by estimated lost rupiah (§5.4: "rank points for audit
by Rp lost, not by %"). Each entry explains in Indonesian what fired.

Thresholds are settings: PARKING_LEAKAGE = {"ratio_threshold": 0.3, ...} overrides any field of LeakageSettings.
"""

from __future__ import annotations

import logging
from collections import Counter, defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field, fields, replace
from datetime import date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from django.conf import settings
from django.db import transaction
from django.db.models import Count, Q, Sum
from django.db.models.functions import TruncDate
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from kotacerdas.core import events
from kotacerdas.core.deadlines import site_timezone
from kotacerdas.lib import parking_leakage as pl
from kotacerdas.parking import selectors, tariffs
from kotacerdas.parking.models import (
    CASHLESS_METHODS,
    DutySession,
    JukirAssignment,
    LeakageAssessment,
    OccupancyReading,
    ParkingPoint,
    ParkingTransaction,
    ParkingViolation,
    PaymentMethod,
    PointCapacity,
    ViolationKind,
    ViolationStatus,
)

log = logging.getLogger("kotacerdas.parking")

SOURCE_54 = "iot-traffic-parking.md §5.4"


@dataclass(frozen=True)
class LeakageSettings:
    # §5.4: "Flag L > 30% for 3 of 7 days."
    ratio_threshold: float = 0.30
    ratio_days: int = 3
    # Model-based days (peer, history) count only when the shortfall is also ≥ 2 Poisson SD (see day_over).
    ratio_min_z: float = 2.0
    window_days: int = 7
    # §5.4 indicator 2: "a 30+ min gap at a busy point at 11:00–13:00".
    peak_start_hour: int = 11
    peak_end_hour: int = 13
    peak_gap_minutes: int = 30
    # "Busy": payments expected within the gap. P(no arrival in a gap expecting 8) = e^-8 ≈ 0.03 %.
    peak_gap_min_expected: float = 8.0
    # §5.4 indicator 3: robust z within road class + land use.
    peer_z: float = -2.0
    peer_min: int = 4
    # §5.4 indicator 4: deposits sitting at the target (Medan: Rp300k/day setoran, egov-rules §6.4).
    deposit_tolerance: float = 0.03
    deposit_days: int = 4
    # §5.4 indicator 5: a step down of more than 30 % against the three weeks before.
    stepdown: float = 0.30
    stepdown_min_history_days: int = 14
    # §5.4 indicator 6: on duty this long without one transaction.
    duty_min_minutes: int = 60
    # ... at a point where that long a session expected this many payments (a quiet Sunday at a school is honest).
    duty_min_expected: float = 8.0
    # §5.4 indicator 7: hours with this many sensor arrivals and no payment; fired from this many hours a day.
    occupancy_min_arrivals: int = 4
    occupancy_min_share: float = 0.5  # occupancy-only sensors: half the spaces taken counts as "in use"
    occupancy_hours: int = 2
    # Rule 39: every payment at an e-parking point is cashless; any cash attempt is an offence.
    cashless_min_share: float = 1.0
    # Expected-revenue model.
    sensor_min_coverage: float = 0.8
    mean_stay_hours: float = 1.0  # assumption for occupancy-only sensors (no survey figure for Medan yet)
    history_days: int = 28
    history_min_days: int = 4
    mix_min_tx: int = 30
    # Supporting evidence only: listed in an entry but never enough to flag a point on its own. Revenue per
    # space-hour against peers is the same comparison the peer model already makes (the ratio rule), and a point
    # can simply be quieter than its peers.
    supporting: tuple[str, ...] = ("banding_sejawat",)
    # Days an indicator must fire within the audit window to count (the ratio rule counts its own days).
    window_min_days: dict[str, int] = field(default_factory=lambda: {
        "banding_sejawat": 3, "celah_jam_sibuk": 2, "okupansi_vs_bayar": 2, "tugas_tanpa_transaksi": 1,
        "porsi_nontunai": 1, "merchant_asing": 1, "stiker_ditarik": 1, "jukir_tidak_sah": 1,
        "setoran_dipatok": 1, "penurunan": 1, "rasio_kebocoran": 1,
    })


SOURCES = {
    "rasio_kebocoran": f"{SOURCE_54}: L > 30% pada 3 dari 7 hari",
    "porsi_nontunai": "egov-rules aturan 39 (tunai dilarang di e-parking); " + f"{SOURCE_54} indikator 1",
    "celah_jam_sibuk": f"{SOURCE_54} indikator 2 (celah ≥ 30 menit pukul 11.00–13.00)",
    "banding_sejawat": f"{SOURCE_54} indikator 3 (z robust median/MAD, kelas jalan + peruntukan)",
    "setoran_dipatok": f"{SOURCE_54} indikator 4; egov-rules §6.4 butir 3 (setoran Rp300 ribu/hari)",
    "penurunan": f"{SOURCE_54} indikator 5 (titik perubahan)",
    "tugas_tanpa_transaksi": f"{SOURCE_54} indikator 6",
    "okupansi_vs_bayar": f"{SOURCE_54} indikator 7 (aturan plateau ParkProof)",
    "stiker_ditarik": f"egov-rules aturan 40; {SOURCE_54} indikator 8",
    "merchant_asing": f"{SOURCE_54} indikator 9 (NMID QRIS harus milik kota/operator)",
    "jukir_tidak_sah": "egov-rules aturan 41",
}


# What each indicator means in plain words, for the audit page (SOURCES names the reference of each).
INDICATOR_HELP = {
    "rasio_kebocoran": gettext_lazy(
        "Pendapatan tercatat lebih dari 30 persen di bawah perkiraan pada sedikitnya 3 dari 7 hari."),
    "porsi_nontunai": gettext_lazy(
        "Ada percobaan pembayaran tunai di titik e-parking; tunai di titik e-parking adalah pelanggaran."),
    "celah_jam_sibuk": gettext_lazy(
        "Tidak ada transaksi selama 30 menit atau lebih pada jam sibuk (11.00–13.00) padahal banyak kendaraan "
        "diperkirakan datang."),
    "banding_sejawat": gettext_lazy(
        "Pendapatan per ruang-jam jauh di bawah titik sejenis (kelas jalan dan peruntukan sama). Hanya bukti "
        "pendukung: tidak menandai titik dengan sendirinya."),
    "setoran_dipatok": gettext_lazy(
        "Pendapatan harian menempel pada target dan tidak pernah melebihinya: kelebihan diduga tidak disetor."),
    "penurunan": gettext_lazy(
        "Pendapatan 7 hari terakhir turun tajam dibanding minggu-minggu sebelumnya (hingga 3 minggu), mis. setelah "
        "pergantian jukir."),
    "tugas_tanpa_transaksi": gettext_lazy(
        "Jukir bertugas (masuk di perangkat) satu jam atau lebih tanpa satu transaksi pun, padahal sedikitnya 8 "
        "pembayaran diperkirakan selama sesi itu."),
    "okupansi_vs_bayar": gettext_lazy(
        "Sensor mencatat kendaraan datang, tetapi tidak ada pembayaran pada jam-jam itu."),
    "stiker_ditarik": gettext_lazy("Kendaraan berlangganan (stiker berlaku) ditarik bayaran."),
    "merchant_asing": gettext_lazy(
        "Pembayaran masuk ke merchant QRIS yang bukan milik kota atau operator (QR pribadi)."),
    "jukir_tidak_sah": gettext_lazy(
        "Jukir yang dicabut, dibekukan atau tidak ditugaskan mencoba mencatat pembayaran."),
}


def indicator_help(code: str) -> str:
    return str(INDICATOR_HELP.get(code, ""))


def leakage_settings() -> LeakageSettings:
    overrides = dict(getattr(settings, "PARKING_LEAKAGE", {}))
    known = {f.name for f in fields(LeakageSettings)}
    unknown = set(overrides) - known
    if unknown:
        raise ValueError(f"PARKING_LEAKAGE: unknown settings {sorted(unknown)}")
    base = LeakageSettings()
    if "window_min_days" in overrides:
        overrides["window_min_days"] = {**base.window_min_days, **overrides["window_min_days"]}
    return replace(base, **overrides)


def _label(code: str) -> str:
    return {
        "rasio_kebocoran": _("Rasio kebocoran"), "porsi_nontunai": _("Pembayaran tunai"),
        "celah_jam_sibuk": _("Celah transaksi jam sibuk"), "banding_sejawat": _("Di bawah titik sejenis"),
        "setoran_dipatok": _("Setoran dipatok pada target"), "penurunan": _("Penurunan mendadak"),
        "tugas_tanpa_transaksi": _("Bertugas tanpa transaksi"), "okupansi_vs_bayar": _("Okupansi tanpa pembayaran"),
        "stiker_ditarik": _("Pelanggan stiker ditarik bayaran"), "merchant_asing": _("Merchant id asing"),
        "jukir_tidak_sah": _("Jukir tidak sah mencatat"),
    }.get(code, code)


def indicator_label(code: str) -> str:
    return _label(code)


# Data of one day ------------------------------------------------------------------------------------------------


@dataclass
class _Point:
    point: ParkingPoint
    spaces: dict[str, int]
    open_from: datetime
    open_to: datetime
    # (jukir, paid_at, amount, method, vehicle class)
    txs: list[tuple[int, datetime, int, str, str]] = field(default_factory=list)
    readings: list[tuple[datetime, int, int, int, int | None]] = field(default_factory=list)
    sensor_sessions: float | None = None
    coverage: float = 0.0

    @property
    def slot_hours(self) -> float:
        return sum(self.spaces.values()) * (self.open_to - self.open_from).total_seconds() / 3600

    @property
    def paid(self) -> int:
        return len(self.txs)

    @property
    def revenue(self) -> int:
        return sum(t[2] for t in self.txs)

    @property
    def cashless(self) -> int:
        return sum(1 for t in self.txs if t[3] in CASHLESS_METHODS)

    def hours(self, tz: ZoneInfo) -> Counter[datetime]:
        """Payments per local hour (hour start)."""
        return Counter(t[1].astimezone(tz).replace(minute=0, second=0, microsecond=0) for t in self.txs)

    @property
    def open_hours(self) -> float:
        return (self.open_to - self.open_from).total_seconds() / 3600


def _open_window(point: ParkingPoint, day: date, tz: ZoneInfo) -> tuple[datetime, datetime]:
    opens = datetime.combine(day, point.opens_at, tz)
    closes = datetime.combine(day, point.closes_at, tz)
    if closes <= opens:  # open past midnight (a night market): closes the next day
        closes += timedelta(days=1)
    return opens, closes


def _sensor_estimate(p: _Point, cfg: LeakageSettings) -> None:
    open_s = (p.open_to - p.open_from).total_seconds()
    if not p.readings or open_s <= 0:
        return
    covered = 0.0
    parts: list[tuple[int, float, int | None]] = []
    for start, seconds, occupied, _total, arrivals in p.readings:
        end = start + timedelta(seconds=seconds)
        inside = pl.overlap_seconds(start, end, p.open_from, p.open_to)
        if inside <= 0:
            continue
        share = inside / seconds
        covered += inside
        parts.append((round(inside), occupied, None if arrivals is None else arrivals * share))  # type: ignore[arg-type]
    p.coverage = min(1.0, covered / open_s)
    if p.coverage >= cfg.sensor_min_coverage:
        p.sensor_sessions = pl.sessions_from_occupancy(parts, cfg.mean_stay_hours) / p.coverage


class DayData:
    """Everything the assessment of one local day needs, in a fixed number of queries for all active points."""

    def __init__(self, day: date, cfg: LeakageSettings) -> None:
        self.day, self.cfg = day, cfg
        self.tz = ZoneInfo(site_timezone())
        self.lo, self.hi = selectors.day_bounds(day)
        points = list(ParkingPoint.objects.filter(is_active=True).select_related("segment", "operator"))
        caps: dict[int, dict[str, int]] = defaultdict(dict)
        for point_id, vclass, spaces in PointCapacity.objects.values_list("point_id", "vehicle_class", "spaces"):
            caps[point_id][vclass] = spaces
        self.points: dict[int, _Point] = {}
        for p in points:
            opens, closes = _open_window(p, day, self.tz)
            self.points[p.pk] = _Point(p, caps.get(p.pk, {}), opens, closes)
        ids = list(self.points)
        for point_id, jukir_id, paid_at, amount, method, vclass in (
                ParkingTransaction.objects.filter(paid_at__gte=self.lo, paid_at__lt=self.hi, point_id__in=ids)
                .order_by("paid_at").values_list("point_id", "jukir_id", "paid_at", "amount", "method",
                                                 "vehicle_class")):
            self.points[point_id].txs.append((jukir_id, paid_at, amount, method, vclass))
        for point_id, start, seconds, occupied, total, arrivals in (
                OccupancyReading.objects.filter(start__gte=self.lo - timedelta(hours=1), start__lt=self.hi,
                                                point_id__in=ids)
                .order_by("start").values_list("point_id", "start", "seconds", "occupied", "total", "arrivals")):
            self.points[point_id].readings.append((start, seconds, occupied, total, arrivals))
        for p in self.points.values():
            _sensor_estimate(p, cfg)
        # Violations of the day by point and kind (dismissed ones are not evidence).
        self.violations: dict[int, Counter[str]] = defaultdict(Counter)
        for point_id, kind in (ParkingViolation.objects.filter(occurred_at__gte=self.lo, occurred_at__lt=self.hi,
                                                               point_id__in=ids)
                               .exclude(status=ViolationStatus.DISMISSED).values_list("point_id", "kind")):
            self.violations[point_id][kind] += 1
        self.duties: dict[int, list[tuple[int, str, datetime, datetime]]] = defaultdict(list)
        for s in (DutySession.objects.filter(point_id__in=ids, started_at__lt=self.hi)
                  .filter(Q(ended_at__isnull=True) | Q(ended_at__gt=self.lo)).select_related("jukir")):
            end = min(s.ended_at or self.hi, self.hi)
            self.duties[s.point_id].append((s.jukir_id, s.jukir.code, max(s.started_at, self.lo), end))
        self._history(ids)
        self.tariffs = tariffs.tariffs_on(day)
        self.class_rates: dict[int, dict[str, float]] = {}
        self.hour_counts: dict[int, Counter[datetime]] = {}
        self.previous: dict[int, dict[date, tuple[float, str, float, int]]] = defaultdict(dict)
        for point_id, d, ratio, basis, expected, paid in LeakageAssessment.objects.filter(
                point_id__in=ids, day__gte=day - timedelta(days=cfg.window_days - 1), day__lt=day
        ).values_list("point_id", "day", "leakage_ratio", "basis", "expected_sessions", "paid_sessions"):
            self.previous[point_id][d] = (ratio, basis, expected, paid)
        self.assignment_changes: dict[int, list[tuple[date, str]]] = defaultdict(list)
        for point_id, valid_from, code in JukirAssignment.objects.filter(
                point_id__in=ids, valid_from__gt=day - timedelta(days=14), valid_from__lte=day
        ).values_list("point_id", "valid_from", "jukir__code"):
            self.assignment_changes[point_id].append((valid_from, code))

    def _history(self, ids: list[int]) -> None:
        """Daily paid sessions and revenue per point over [day − history_days, day − 1], the class mix, and which
        days had any payment at all in the city (days before the platform ran are not "zero" days)."""
        start = self.day - timedelta(days=self.cfg.history_days)
        lo = selectors.day_bounds(start)[0]
        rows = (ParkingTransaction.objects.filter(paid_at__gte=lo, paid_at__lt=self.lo, point_id__in=ids).order_by()
                .values("point_id", d=TruncDate("paid_at", tzinfo=self.tz))
                .annotate(n=Count("id"), revenue=Sum("amount")))
        self.history: dict[int, dict[date, tuple[int, int]]] = defaultdict(dict)
        self.city_days: set[date] = set()
        for r in rows:
            self.history[r["point_id"]][r["d"]] = (r["n"], r["revenue"] or 0)
            self.city_days.add(r["d"])
        self.mix: dict[int, dict[str, int]] = defaultdict(dict)
        for point_id, vclass, n in (ParkingTransaction.objects.filter(paid_at__gte=lo, paid_at__lt=self.hi,
                                                                      point_id__in=ids).order_by()
                                    .values_list("point_id", "vehicle_class").annotate(n=Count("id"))):
            self.mix[point_id][vclass] = n


# Expected revenue -----------------------------------------------------------------------------------------------


def _peer_groups(data: DayData) -> dict[int, list[_Point]]:
    """Per point: its peers (road class + land use, widened to land use, then the city, below peer_min)."""
    usable = [p for p in data.points.values() if p.slot_hours > 0]
    by_cluster: dict[tuple[int, str], list[_Point]] = defaultdict(list)
    by_use: dict[str, list[_Point]] = defaultdict(list)
    for p in usable:
        by_cluster[(p.point.segment.road_class, p.point.land_use)].append(p)
        by_use[p.point.land_use].append(p)
    out: dict[int, list[_Point]] = {}
    for p in data.points.values():
        for group in (by_cluster[(p.point.segment.road_class, p.point.land_use)], by_use[p.point.land_use], usable):
            peers = [q for q in group if q.point.pk != p.point.pk]
            if len(peers) >= data.cfg.peer_min:
                out[p.point.pk] = peers
                break
        else:
            out[p.point.pk] = []
    return out


def _history(data: DayData, point_id: int) -> tuple[float, float] | None:
    """Median (paid sessions, paid revenue) on earlier days of the same kind (weekday / weekend) since the platform
    has data; None with fewer than history_min_days such days."""
    weekend = data.day.weekday() >= 5
    own = data.history.get(point_id, {})
    values = [own.get(d, (0, 0)) for d in data.city_days if (d.weekday() >= 5) == weekend]
    if len(values) < data.cfg.history_min_days:
        return None
    return pl.median(v[0] for v in values) or 0.0, pl.median(v[1] for v in values) or 0.0


def _mix(data: DayData, p: _Point) -> dict[str, float]:
    """The point's vehicle-class mix: its paid sessions over the history, or its capacity while it has few."""
    mix = data.mix.get(p.point.pk, {})
    if sum(mix.values()) < data.cfg.mix_min_tx:
        mix = dict(p.spaces) or mix
    return {k: float(v) for k, v in mix.items()}


def _class_rates(data: DayData) -> dict[int, dict[str, float]]:
    """Sessions per space-hour by vehicle class for every point: the sensor's sessions split by the point's mix
    where it has a sensor, its paid sessions by class otherwise (motorcycles turn over faster than cars, so a
    point is compared class by class, §5.4 E = Σ_v sessions_v × tariff_v)."""
    out: dict[int, dict[str, float]] = {}
    for pid, q in data.points.items():
        hours = (q.open_to - q.open_from).total_seconds() / 3600
        if hours <= 0:
            continue
        if q.sensor_sessions is not None:
            mix = _mix(data, q)
            total = sum(mix.values())
            sessions = {v: q.sensor_sessions * n / total for v, n in mix.items()} if total else {}
        else:
            sessions = dict(Counter(t[4] for t in q.txs))
        out[pid] = {v: sessions.get(v, 0.0) / (n * hours) for v, n in q.spaces.items() if n > 0}
    return out


@dataclass
class Estimate:
    basis: str
    sessions: float
    revenue: int
    peer_revenue: int | None = None
    history_revenue: int | None = None


def estimate(data: DayData, p: _Point, peers: Sequence[_Point]) -> Estimate:
    if p.sensor_sessions is not None:
        tariff = pl.mean_tariff(_mix(data, p), data.tariffs)
        return Estimate("sensor", p.sensor_sessions, round(p.sensor_sessions * tariff))
    rates = data.class_rates
    hours = (p.open_to - p.open_from).total_seconds() / 3600
    peer_sessions = peer_revenue = None
    if peers and hours > 0:
        peer_sessions, revenue = 0.0, 0.0
        for v, spaces in p.spaces.items():
            values = [rates[q.point.pk][v] for q in peers if v in rates.get(q.point.pk, {})]
            if len(values) < 2:  # few peers have this class: every point that has it
                values = [r[v] for pid, r in rates.items() if v in r and pid != p.point.pk]
            rate = pl.median(values)
            if rate is None or not spaces:
                continue
            sessions = rate * spaces * hours
            peer_sessions += sessions
            revenue += sessions * (data.tariffs.get(v) or 0)
        peer_revenue = round(revenue)
    history = _history(data, p.point.pk)
    history_revenue = round(history[1]) if history is not None else None
    if peer_revenue is not None and (history_revenue is None or peer_revenue >= history_revenue):
        return Estimate("peer", peer_sessions or 0.0, peer_revenue, peer_revenue, history_revenue)
    if history is not None:
        return Estimate("history", history[0], round(history[1]), peer_revenue, history_revenue)
    return Estimate("none", float(p.paid), p.revenue)


# Indicators -----------------------------------------------------------------------------------------------------


def day_over(ratio: float, basis: str, expected_sessions: float, paid: int, cfg: LeakageSettings) -> bool:
    """Does a day count towards "L > 30 % on 3 of 7 days"? Against a sensor, L is a measured gap. Against a model
    (peers, history) the paid count also scatters by chance (Poisson: sd = √expected), so the shortfall must also
    exceed ratio_min_z standard deviations: a quiet Sunday expecting 3 payments that saw 1 is not a leak."""
    if ratio <= cfg.ratio_threshold:
        return False
    if basis == "sensor":
        return True
    return expected_sessions - paid >= cfg.ratio_min_z * expected_sessions ** 0.5


def _ind(code: str, fired: bool, value: Any, threshold: Any, text: str) -> dict[str, Any]:
    return {"code": code, "fired": bool(fired), "value": value, "threshold": threshold, "text": text,
            "source": SOURCES[code]}


def _hm(minutes: float) -> str:
    h, m = divmod(round(minutes), 60)
    return _("%(h)d jam %(m)d menit") % {"h": h, "m": m} if h else _("%(m)d menit") % {"m": m}


def _local(t: datetime, tz: ZoneInfo) -> str:
    return t.astimezone(tz).strftime("%H.%M")


def indicators_for(data: DayData, p: _Point, est: Estimate, peers: Sequence[_Point],
                   ratio: float) -> list[dict[str, Any]]:
    cfg, tz, pid = data.cfg, data.tz, p.point.pk
    out: list[dict[str, Any]] = []

    # 1 rasio_kebocoran: this day and the previous ones of the window.
    ratios = {**data.previous.get(pid, {}), data.day: (ratio, est.basis, est.sessions, p.paid)}
    over = sum(1 for r in ratios.values() if day_over(*r, cfg))
    out.append(_ind("rasio_kebocoran", over >= cfg.ratio_days, over, cfg.ratio_days, _(
        "Pendapatan tercatat %(pct)d%% di bawah perkiraan hari ini; di atas %(thr)d%% pada %(n)d dari %(m)d hari "
        "terakhir.") % {"pct": round(100 * ratio), "thr": round(100 * cfg.ratio_threshold), "n": over,
                        "m": len(ratios)}))

    # 2 porsi_nontunai: cash attempts refused (violations) and any cash row that got through.
    cash = data.violations[pid][ViolationKind.CASH_AT_EPARKING]
    if p.point.is_eparking:
        cash += sum(1 for t in p.txs if t[3] == PaymentMethod.CASH)
    attempts = p.cashless + cash
    share = p.cashless / attempts if attempts else 1.0
    out.append(_ind("porsi_nontunai", share < cfg.cashless_min_share and cash > 0, round(share, 3),
                    cfg.cashless_min_share,
                    _("%(n)d percobaan pembayaran tunai di titik e-parking (porsi nontunai %(s)d%%).")
                    % {"n": cash, "s": round(100 * share)}))

    shape: Counter[datetime] = Counter()
    for q in peers:
        shape.update(data.hour_counts.get(q.point.pk, {}))
    shape_total = sum(shape.values())

    def expected_between(a: datetime, b: datetime) -> float:
        """Payments expected in [a, b): the sensor's arrivals there; otherwise the day's expectation spread over the
        hours like the peers' payments today (a school is busy at 07 and 13, a culinary street in the evening),
        or evenly over the opening hours when the peers recorded nothing."""
        if p.sensor_sessions is not None:
            return sum(n * pl.overlap_seconds(s, s + timedelta(seconds=sec), a, b) / sec
                       for s, sec, _o, _t, n in p.readings if n is not None)
        if shape_total:
            share = sum(n * pl.overlap_seconds(a, b, h, h + timedelta(hours=1)) / 3600 for h, n in shape.items())
            return est.sessions * share / shape_total
        open_h = p.open_hours
        inside = pl.overlap_seconds(a, b, p.open_from, p.open_to) / 3600
        return est.sessions / open_h * inside if open_h else 0.0

    # 3 celah_jam_sibuk
    peak_from = max(datetime.combine(data.day, time(cfg.peak_start_hour), tz), p.open_from)
    peak_to = min(datetime.combine(data.day, time(cfg.peak_end_hour), tz), p.open_to)
    if peak_to > peak_from:
        gap = pl.longest_gap((t[1] for t in p.txs), peak_from, peak_to)
        expected_in_gap = expected_between(gap.start, gap.end)
        fired = gap.minutes >= cfg.peak_gap_minutes and expected_in_gap >= cfg.peak_gap_min_expected
        out.append(_ind("celah_jam_sibuk", fired, round(gap.minutes), cfg.peak_gap_minutes, _(
            "Tidak ada transaksi selama %(d)s pada jam sibuk (%(a)s–%(b)s), padahal diperkirakan ±%(e)d kendaraan.")
            % {"d": _hm(gap.minutes), "a": _local(gap.start, tz), "b": _local(gap.end, tz),
               "e": round(expected_in_gap)}))

    # 4 banding_sejawat: revenue per space-hour against the peers' (robust z).
    if p.slot_hours > 0 and peers:
        mine = p.revenue / p.slot_hours
        others = [q.revenue / q.slot_hours for q in peers]
        med = pl.median(others) or 0.0
        z = pl.robust_z(mine, others, min_scale=max(0.05 * med, 1.0))
        if z is not None:
            # At a sensor point the sensor measures its own demand: being below the peers with nothing missing
            # against the sensor is a quiet point, not a leak.
            explained = est.basis == "sensor" and ratio <= cfg.ratio_threshold
            out.append(_ind("banding_sejawat", z <= cfg.peer_z and not explained, round(z, 2), cfg.peer_z, _(
                "Pendapatan per ruang-jam %(x)s, median %(n)d titik sejenis %(m)s (z robust %(z)s).")
                % {"x": pl.rupiah(mine), "n": len(others), "m": pl.rupiah(med), "z": f"{z:.1f}".replace(".", ",")}))

    # 5 setoran_dipatok: the last window_days of revenue against the target.
    target = p.point.daily_target
    if target:
        days = [data.day - timedelta(days=k) for k in range(cfg.window_days)]
        own = data.history.get(pid, {})
        revenues = [p.revenue if d == data.day else own.get(d, (0, 0))[1] for d in days]
        # The payment that crosses the target overshoots it by up to one tariff, so the band above the target is at
        # least the dearest confirmed tariff (Rp5.000 on a Rp60.000 target is 8 %).
        upper = max(cfg.deposit_tolerance * target, max((a or 0 for a in data.tariffs.values()), default=0))
        capped = pl.capped_days(revenues, target, cfg.deposit_tolerance * target, upper)
        above = any(r > target + upper for r in revenues)
        out.append(_ind("setoran_dipatok", capped >= cfg.deposit_days and not above, capped, cfg.deposit_days, _(
            "Pendapatan harian menempel pada target %(t)s (±%(tol)d%%) pada %(n)d dari %(m)d hari dan tidak pernah "
            "melebihinya.") % {"t": pl.rupiah(target), "tol": round(100 * cfg.deposit_tolerance), "n": capped,
                                "m": len(days)} if not above else _(
            "Pendapatan menempel pada target %(t)s pada %(n)d dari %(m)d hari, tetapi pernah melebihinya.")
            % {"t": pl.rupiah(target), "n": capped, "m": len(days)}))

    # 6 penurunan: the last 7 days against the whole weeks before (means over whole weeks, so a point that is quiet
    # at weekends compares like with like; a median of a handful of days was too noisy at small points).
    own = data.history.get(pid, {})
    recent_days = [data.day - timedelta(days=k) for k in range(7)]
    before_days = [d for d in sorted(data.city_days, reverse=True) if d < recent_days[-1]]
    before_days = before_days[:len(before_days) // 7 * 7]
    if len(before_days) >= cfg.stepdown_min_history_days:
        recent = sum(p.revenue if d == data.day else own.get(d, (0, 0))[1] for d in recent_days) / 7
        before = sum(own.get(d, (0, 0))[1] for d in before_days) / len(before_days)
        if before > 0:
            ratio_rb = recent / before
            changes = data.assignment_changes.get(pid, [])
            note = (_(" setelah penugasan jukir %(j)s mulai %(d)s") % {"j": changes[-1][1],
                                                                       "d": changes[-1][0].strftime("%d-%m-%Y")}
                    if changes else "")
            demand_fell = est.basis == "sensor" and ratio <= cfg.ratio_threshold
            out.append(_ind("penurunan", ratio_rb < 1 - cfg.stepdown and not demand_fell, round(ratio_rb, 3),
                            1 - cfg.stepdown, _(
                "Rata-rata pendapatan 7 hari terakhir %(a)s per hari, %(p)d%% dari %(b)s pada %(n)d minggu "
                "sebelumnya%(note)s.")
                % {"n": len(before_days) // 7, "a": pl.rupiah(recent), "p": round(100 * ratio_rb),
                   "b": pl.rupiah(before), "note": note}))

    # 7 tugas_tanpa_transaksi
    idle: list[tuple[str, float]] = []
    for jukir_id, code, start, end in data.duties.get(pid, []):
        minutes = (end - start).total_seconds() / 60
        if (minutes >= cfg.duty_min_minutes and expected_between(start, end) >= cfg.duty_min_expected
                and not any(t[0] == jukir_id and start <= t[1] <= end for t in p.txs)):
            idle.append((code, minutes))
    if data.duties.get(pid):
        longest = max(idle, key=lambda x: x[1]) if idle else None
        out.append(_ind("tugas_tanpa_transaksi", bool(idle), round(longest[1]) if longest else 0,
                        cfg.duty_min_minutes,
                        _("Jukir %(j)s bertugas %(d)s tanpa satu pun transaksi.") % {"j": longest[0],
                                                                                    "d": _hm(longest[1])}
                        if longest else _("Setiap sesi tugas ada transaksinya.")))

    # 8 okupansi_vs_bayar (sensor points)
    if p.readings:
        arrivals_by_hour: dict[datetime, float] = defaultdict(float)
        busy_by_hour: dict[datetime, list[float]] = defaultdict(list)
        for start, _seconds, occupied, total, arrivals in p.readings:
            hour = start.astimezone(tz).replace(minute=0, second=0, microsecond=0)
            if not (p.open_from <= hour < p.open_to):
                continue
            if arrivals is not None:
                arrivals_by_hour[hour] += arrivals
            elif total:
                busy_by_hour[hour].append(occupied / total)
        paid_hours = Counter(t[1].astimezone(tz).replace(minute=0, second=0, microsecond=0) for t in p.txs)
        silent = [h for h, a in arrivals_by_hour.items() if a >= cfg.occupancy_min_arrivals and not paid_hours[h]]
        silent += [h for h, shares in busy_by_hour.items() if h not in arrivals_by_hour
                   and sum(shares) / len(shares) >= cfg.occupancy_min_share and not paid_hours[h]]
        silent.sort()
        out.append(_ind("okupansi_vs_bayar", len(silent) >= cfg.occupancy_hours, len(silent), cfg.occupancy_hours, _(
            "%(n)d jam dengan kendaraan datang menurut sensor tanpa satu pun pembayaran%(when)s.")
            % {"n": len(silent), "when": (" (" + ", ".join(h.strftime("%H.00") for h in silent[:6]) + ")")
               if silent else ""}))

    # 9-11 violations
    v = data.violations[pid]
    for code, kinds, text in (
            ("stiker_ditarik", (ViolationKind.STICKER_CHARGED,),
             _("%(n)d kendaraan berlangganan (stiker) ditarik bayaran.")),
            ("merchant_asing", (ViolationKind.FOREIGN_MERCHANT,),
             _("%(n)d pembayaran ke merchant id yang bukan milik kota/operator (QR pribadi?).")),
            ("jukir_tidak_sah", (ViolationKind.REVOKED_JUKIR, ViolationKind.UNASSIGNED_JUKIR),
             _("%(n)d pembayaran dicoba oleh jukir yang dicabut/dibekukan atau tidak ditugaskan di sini."))):
        n = sum(v[k] for k in kinds)
        out.append(_ind(code, n > 0, n, 1, text % {"n": n}))
    return out


def _score(ratio: float, indicators: list[dict[str, Any]]) -> float:
    """0–1 for colouring the map: the leakage ratio plus 0.15 per other fired indicator (ranking uses rupiah)."""
    others = sum(1 for i in indicators if i["fired"] and i["code"] != "rasio_kebocoran")
    return round(min(1.0, max(0.0, ratio) + 0.15 * others), 3)


# Assessment -----------------------------------------------------------------------------------------------------


def assess(day: date, *, points: Iterable[ParkingPoint] | None = None,
           cfg: LeakageSettings | None = None) -> list[LeakageAssessment]:
    """Unsaved assessments of `points` (default: every active point) for one local day."""
    cfg = cfg or leakage_settings()
    data = DayData(day, cfg)
    wanted = [p.pk for p in points] if points is not None else list(data.points)
    peers = _peer_groups(data)
    data.class_rates = _class_rates(data)
    data.hour_counts = {pid: q.hours(data.tz) for pid, q in data.points.items()}
    out = []
    for pid in wanted:
        p = data.points.get(pid)
        if p is None:  # inactive points are not assessed
            continue
        est = estimate(data, p, peers[pid])
        expected = est.revenue
        actual = p.revenue
        ratio = pl.leakage_ratio(expected, actual)
        indicators = indicators_for(data, p, est, peers[pid], ratio)
        out.append(LeakageAssessment(
            point=p.point, day=day, expected_sessions=round(est.sessions, 2), paid_sessions=p.paid,
            expected_revenue=max(0, expected), actual_revenue=actual, estimated_loss=expected - actual,
            leakage_ratio=round(ratio, 4), basis=est.basis, score=_score(ratio, indicators), indicators=indicators,
        ))
    return out


def do_assess_leakage(day: date, *, points: Iterable[ParkingPoint] | None = None,
                      now: datetime | None = None) -> list[LeakageAssessment]:
    """Assesses and stores one day; re-running a day replaces its rows (one per point and day).

    Derived data, recomputable from the transactions at any time, so it is not written to the audit log; one event
    `parking.leakage.assessed` announces the run.
    """
    now = now or timezone.now()
    rows = assess(day, points=points)
    for row in rows:
        row.computed_at = now
    with transaction.atomic():
        LeakageAssessment.objects.filter(day=day, point_id__in=[r.point_id for r in rows]).delete()
        LeakageAssessment.objects.bulk_create(rows, batch_size=500)
        events.publish("parking.leakage.assessed", {
            "day": day.isoformat(), "points": len(rows),
            "flagged": sum(1 for r in rows if any(i["fired"] for i in r.indicators)),
            "estimated_loss": sum(max(0, r.estimated_loss) for r in rows),
        })
    return rows


def assess_yesterday(now: datetime | None = None) -> dict[str, int]:
    now = now or timezone.now()
    day = selectors.local_day(now) - timedelta(days=1)
    rows = do_assess_leakage(day, now=now)
    return {"points": len(rows), "fired": sum(1 for r in rows if any(i["fired"] for i in r.indicators))}


# Audit list -----------------------------------------------------------------------------------------------------


@dataclass
class AuditIndicator:
    code: str
    label: str
    days: int
    text: str  # the latest day's text where it fired
    source: str


@dataclass
class AuditEntry:
    point: ParkingPoint
    start: date
    end: date
    days: int
    expected_revenue: int
    actual_revenue: int
    estimated_loss: int
    leakage_ratio: float
    basis: str
    days_over_threshold: int
    score: float
    flagged: bool
    indicators: list[AuditIndicator]
    explanation: str

    @property
    def leakage_pct(self) -> int:
        return round(100 * self.leakage_ratio)


BASIS_TEXT = {"sensor": gettext_lazy("sensor okupansi"), "peer": gettext_lazy("titik sejenis"),
              "history": gettext_lazy("riwayat titik ini"), "none": gettext_lazy("tanpa pembanding")}


def basis_text(basis: str) -> str:
    return str(BASIS_TEXT.get(basis, basis))


def audit_list(user: Any, *, end: date, days: int | None = None,
               cfg: LeakageSettings | None = None) -> list[AuditEntry]:
    """Points with a positive estimated loss or a fired indicator over [end − days + 1, end], most rupiah first."""
    cfg = cfg or leakage_settings()
    days = days or cfg.window_days
    start = end - timedelta(days=days - 1)
    points = {p.pk: p for p in selectors.points_for(user)}
    if not points:
        return []
    rows: dict[int, list[LeakageAssessment]] = defaultdict(list)
    for a in (LeakageAssessment.objects.filter(point_id__in=points, day__gte=start, day__lte=end)
              .order_by("point_id", "day")):
        rows[a.point_id].append(a)
    entries = []
    for pid, assessments in rows.items():
        entry = _entry(points[pid], assessments, start, end, cfg)
        if entry.estimated_loss > 0 or entry.flagged:
            entries.append(entry)
    # Points with evidence (an indicator meeting its window rule) first, each group by rupiah lost: an auditor
    # starts with what is both likely and costly; model-only losses without evidence follow.
    entries.sort(key=lambda e: (not e.flagged, -e.estimated_loss, -e.score, e.point.code))
    return entries


def _entry(point: ParkingPoint, assessments: list[LeakageAssessment], start: date, end: date,
           cfg: LeakageSettings) -> AuditEntry:
    expected = sum(a.expected_revenue for a in assessments)
    actual = sum(a.actual_revenue for a in assessments)
    loss = sum(a.estimated_loss for a in assessments)
    ratio = pl.leakage_ratio(expected, actual)
    over = sum(1 for a in assessments
               if day_over(a.leakage_ratio, a.basis, a.expected_sessions, a.paid_sessions, cfg))
    fired_days: Counter[str] = Counter()
    latest_text: dict[str, str] = {}
    for a in assessments:
        for ind in a.indicators:
            if ind.get("fired") and ind.get("code") != "rasio_kebocoran":
                fired_days[ind["code"]] += 1
                latest_text[ind["code"]] = ind.get("text", "")
    indicators: list[AuditIndicator] = []
    if over >= cfg.ratio_days:
        indicators.append(AuditIndicator("rasio_kebocoran", _label("rasio_kebocoran"), over, _(
            "Pendapatan tercatat lebih dari %(thr)d%% di bawah perkiraan pada %(n)d dari %(m)d hari.")
            % {"thr": round(100 * cfg.ratio_threshold), "n": over, "m": len(assessments)},
            SOURCES["rasio_kebocoran"]))
    for code, n in sorted(fired_days.items(), key=lambda kv: (-kv[1], kv[0])):
        if n >= cfg.window_min_days.get(code, 1):
            indicators.append(AuditIndicator(code, _label(code), n, latest_text[code], SOURCES[code]))
    basis = Counter(a.basis for a in assessments).most_common(1)[0][0]
    score = round(min(1.0, max(0.0, ratio) + 0.15 * sum(1 for i in indicators if i.code != "rasio_kebocoran")), 3)
    head = _("Perkiraan kebocoran %(loss)s selama %(n)d hari: tercatat %(actual)s dari %(expected)s yang "
             "diharapkan (%(pct)d%%; dasar perkiraan: %(basis)s).") % {
        "loss": pl.rupiah(max(loss, 0)), "n": len(assessments), "actual": pl.rupiah(actual),
        "expected": pl.rupiah(expected), "pct": round(100 * ratio), "basis": basis_text(basis)}
    if indicators:
        body = " ".join(_("%(label)s (%(n)d hari): %(text)s") % {"label": i.label, "n": i.days, "text": i.text}
                        for i in indicators)
        explanation = head + " " + _("Indikator:") + " " + body
    else:
        explanation = head + " " + _("Tidak ada indikator yang memenuhi ambang.")
    flagged = any(i.code not in cfg.supporting for i in indicators)
    return AuditEntry(point, start, end, len(assessments), expected, actual, loss, round(ratio, 4), basis, over,
                      score, flagged, indicators, explanation)
