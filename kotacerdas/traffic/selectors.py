"""Reads of ATCS state for screens, the Command Center and the API, scoped by role.

Who sees traffic (`can_view`): superadmin, admin koordinator, operator, pimpinan (camat/lurah: intersections in
their area for alarms), and the penghubung OPD of the traffic agency (TRAFFIC_AGENCY_CODES, default Dishub).
Who may acknowledge or clear alarms (`can_handle_alarms`): the same minus pimpinan (they watch, they do not operate).

The map (`latest_state`) reads the last complete 15-minute bucket: one rollup query plus the registry, computed
for the whole city at once and kept in the cache for TRAFFIC_STATE_CACHE_SECONDS; the `traffic.tasks.refresh_map`
task recomputes it every 5 minutes (a complete bucket changes only by late data) and stores it as a MapSnapshot row,
so requests read the process cache or, in a process that has not seen the bucket yet (another uvicorn worker, a
restart, the embedded default's separate Huey process), that one row, plus open-alarm counts live (one query).
bench/traffic_queries.py, 1,000 intersections / 3,662 approaches over 10 million readings on the shared 2-core
machine, PostgreSQL: cached p95 ≈ 12 ms; computed p50 ≈ 0.25–0.35 s, of which SQL ≈ 30 ms and the rest the engineering
per approach in Python (it was ≈ 0.55 s before the registry was read in 5 queries without lazy labels and the map
stopped computing queues and SCATS DS it does not show).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field, replace
from datetime import datetime, timedelta
from typing import Any

from django.conf import settings
from django.core.cache import cache
from django.db.models import Case, Count, IntegerField, QuerySet, Sum, Value, When
from django.utils import timezone

from kotacerdas.accounts.models import Role
from kotacerdas.regions.models import Level
from kotacerdas.traffic import engineering
from kotacerdas.traffic.models import (
    OPEN_ALARM_STATES,
    Alarm,
    Detector,
    DetectorHealthReport,
    Intersection,
    MapSnapshot,
    Rollup15Min,
)

CITY_WIDE_ROLES = {Role.ADMIN_KOORDINATOR, Role.OPERATOR, Role.SUPERADMIN}
CACHE_PREFIX = "traffic:map"


def traffic_agency_codes() -> tuple[str, ...]:
    return tuple(getattr(settings, "TRAFFIC_AGENCY_CODES", ("dinas-perhubungan",)))


def _is_traffic_penghubung(user: Any) -> bool:
    return (user.role == Role.PENGHUBUNG and user.agency_id is not None
            and user.agency.code in traffic_agency_codes())


def can_view(user: Any) -> bool:
    if not getattr(user, "is_authenticated", False):
        return False
    return bool(user.is_superuser or user.role in CITY_WIDE_ROLES or user.role == Role.PIMPINAN
                or _is_traffic_penghubung(user))


def can_handle_alarms(user: Any) -> bool:
    if not getattr(user, "is_authenticated", False):
        return False
    return bool(user.is_superuser or user.role in CITY_WIDE_ROLES or _is_traffic_penghubung(user))


def intersections_for(user: Any) -> QuerySet[Intersection]:
    """Intersections a user may open; camat and lurah see their own area."""
    qs = Intersection.objects.filter(is_active=True)
    if not can_view(user):
        return qs.none()
    if user.role == Role.PIMPINAN and not user.is_superuser and user.region_id is not None:
        if user.region.level == Level.KECAMATAN:
            return qs.filter(kecamatan_id=user.region_id)
        if user.region.level in (Level.KELURAHAN, Level.DESA):
            return qs.filter(kelurahan_id=user.region_id)
    return qs


def alarms_for(user: Any, *, open_only: bool = False, kind: str | None = None) -> QuerySet[Alarm]:
    """Alarms the user may see, open ones first (newest first within each group)."""
    if not can_view(user):
        return Alarm.objects.none()
    qs = Alarm.objects.select_related("intersection", "approach", "detector", "acknowledged_by")
    if user.role == Role.PIMPINAN and not user.is_superuser and user.region_id is not None:
        qs = qs.filter(intersection__in=intersections_for(user))
    if open_only:
        qs = qs.filter(state__in=OPEN_ALARM_STATES)
    if kind:
        qs = qs.filter(kind=kind)
    return qs.annotate(closed=Case(When(state__in=OPEN_ALARM_STATES, then=Value(0)), default=Value(1),
                                   output_field=IntegerField())).order_by("closed", "-raised_at", "-pk")


def open_alarm_counts(intersection_ids: Iterable[int] | None = None) -> dict[int, int]:
    qs = Alarm.objects.filter(state__in=OPEN_ALARM_STATES)
    if intersection_ids is not None:
        qs = qs.filter(intersection_id__in=list(intersection_ids))
    return dict(qs.order_by().values_list("intersection_id").annotate(n=Count("id")).values_list(
        "intersection_id", "n"))


# --- Map --------------------------------------------------------------------------------------------------------


def area_ids(user: Any) -> list[int] | None:
    """The intersections a map reader sees: None = the whole city; a camat or lurah those of their area (the ATCS
    map and the Command Center alike)."""
    if user.role == Role.PIMPINAN and not user.is_superuser and user.region_id is not None:
        return list(intersections_for(user).values_list("pk", flat=True))
    return None



@dataclass(frozen=True)
class MapState:
    """One intersection on the ATCS map."""

    intersection_id: int
    code: str
    name: str
    lat: float
    lon: float
    bucket_start: datetime
    los: str | None
    delay_s: float | None
    worst_dj: float | None
    dj_status: str | None
    flow_vph: float | None
    has_data: bool
    open_alarms: int = 0


def _map_state(s: engineering.IntersectionState) -> MapState:
    return MapState(s.intersection_id, s.code, s.name, s.lat, s.lon, s.bucket_start, s.los,
                    engineering.finite(s.delay_s, 1), engineering.finite(s.worst_dj, 3), s.worst_dj_status,
                    engineering.finite(s.flow_vph, 0), s.has_data)


def cache_seconds() -> int:
    # Longer than the refresh task's 5 minutes, so requests between two refreshes never pay for a computation.
    return int(getattr(settings, "TRAFFIC_STATE_CACHE_SECONDS", 900))


def _cache_key(bucket: datetime) -> str:
    return f"{CACHE_PREFIX}:{int(bucket.timestamp())}"


def _computed(bucket: datetime, intersection_ids: Iterable[int] | None = None) -> list[MapState]:
    return [_map_state(s) for s in engineering.states(intersection_ids, bucket_start=bucket, detail=False).values()]


def _keep(bucket: datetime, states: list[MapState]) -> list[MapState]:
    """Into this process's cache."""
    cache.set(_cache_key(bucket), states, cache_seconds())
    return states


def refresh_map(*, now: datetime | None = None, bucket_start: datetime | None = None) -> list[MapState]:
    """Compute the whole city's map for one bucket, cache it and store it as the bucket's MapSnapshot (called by
    the 5-minute task, and by the Command Center's task for the bucket a week ago)."""
    bucket = bucket_start or engineering.last_complete_bucket(now)
    computed = _keep(bucket, _computed(bucket))
    MapSnapshot.objects.update_or_create(bucket_start=bucket, defaults={
        "computed_at": timezone.now(), "states": [_snapshot_row(m) for m in computed]})
    return computed


def _snapshot_row(m: MapState) -> list[Any]:
    return [m.intersection_id, m.code, m.name, m.lat, m.lon, m.los, m.delay_s, m.worst_dj, m.dj_status,
            m.flow_vph, m.has_data]


def _stored(bucket: datetime) -> list[MapState] | None:
    """The bucket's map as the refresh task stored it (and now cached in this process), or None."""
    rows = MapSnapshot.objects.filter(bucket_start=bucket).values_list("states", flat=True).first()
    if rows is None:
        return None
    return _keep(bucket, [MapState(r[0], r[1], r[2], r[3], r[4], bucket, *r[5:11]) for r in rows])


def _known(bucket: datetime) -> list[MapState] | None:
    cached: list[MapState] | None = cache.get(_cache_key(bucket))
    return _stored(bucket) if cached is None else cached


def clear_cache(*, now: datetime | None = None, bucket_start: datetime | None = None) -> None:
    """Forget the bucket's computed map (cache and stored snapshot): the next read computes it again."""
    bucket = bucket_start or engineering.last_complete_bucket(now)
    cache.delete(_cache_key(bucket))
    MapSnapshot.objects.filter(bucket_start=bucket).delete()


def prune_snapshots(now: datetime) -> int:
    """Snapshots older than TRAFFIC_MAP_SNAPSHOT_DAYS (default 8, a day more than the week-ago comparison)."""
    days = int(getattr(settings, "TRAFFIC_MAP_SNAPSHOT_DAYS", 8))
    return MapSnapshot.objects.filter(bucket_start__lt=now - timedelta(days=days)).delete()[0]


def latest_state(intersections: Iterable[Intersection | int] | None = None, *, now: datetime | None = None,
                 bucket_start: datetime | None = None, alarms: bool = True) -> list[MapState]:
    """LOS, delay, worst DJ, flow and open alarms per intersection for the last complete 15-minute bucket.

    From the process cache: 1 query (alarm counts; none with `alarms=False`). From the stored snapshot (another
    process's refresh task): +1 query. Computed (no task has run for this bucket): the registry (5 queries) + 1
    rollup query + alarm counts, cached in this process only; only the refresh task stores snapshots.
    """
    bucket = bucket_start or engineering.last_complete_bucket(now)
    wanted = None if intersections is None else {i if isinstance(i, int) else i.pk for i in intersections}
    cached = _known(bucket)
    if cached is None and bucket_start is None:
        # In the minute after a bucket closes, before the refresh task ran, the previous bucket's map is shown
        # (each MapState names its bucket) rather than every request computing the city at once.
        cached = _known(bucket - timedelta(minutes=15))
    if cached is None:
        # A few intersections (a pimpinan's area, one page) are cheaper than the city, and not cached.
        few = wanted is not None and len(wanted) <= 50
        cached = _computed(bucket, wanted) if few else _keep(bucket, _computed(bucket))
    rows = cached if wanted is None else [m for m in cached if m.intersection_id in wanted]
    if not alarms:  # the caller counts alarms its own way: open_alarms stays 0
        return rows
    counts = open_alarm_counts(None if wanted is None else wanted)
    return [replace(m, open_alarms=counts.get(m.intersection_id, 0)) for m in rows]


def as_geojson(states: Iterable[MapState]) -> dict[str, Any]:
    """FeatureCollection for Leaflet; properties are what the map colours and its popup show."""
    features = []
    for m in states:
        features.append({
            "type": "Feature", "id": m.intersection_id,
            "geometry": {"type": "Point", "coordinates": [m.lon, m.lat]},
            "properties": {"code": m.code, "name": m.name, "los": m.los, "delay_s": m.delay_s,
                           "worst_dj": m.worst_dj, "dj_status": m.dj_status, "flow_vph": m.flow_vph,
                           "open_alarms": m.open_alarms, "has_data": m.has_data,
                           "bucket_start": m.bucket_start.isoformat()},
        })
    return {"type": "FeatureCollection", "features": features}


# --- City summary -----------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class CitySummary:
    window_start: datetime
    window_end: datetime
    vehicles: int  # counted by all detectors (lane and whole-approach detectors of one approach both count)
    mean_speed_kmh: float | None
    mean_occupancy_pct: float | None
    detectors_reporting: int
    detectors_total: int
    intersections_total: int
    intersections_with_data: int
    los_counts: dict[str, int]
    open_alarms: dict[str, int]
    unhealthy_detectors: int
    worst: list[MapState] = field(default_factory=list)


def city_summary(*, now: datetime | None = None) -> CitySummary:
    """The last hour (the four newest complete 15-minute buckets) across the city."""
    end_bucket = engineering.last_complete_bucket(now)
    start = end_bucket - timedelta(minutes=45)
    end = end_bucket + timedelta(minutes=15)
    agg = Rollup15Min.objects.filter(bucket_start__gte=start, bucket_start__lt=end).aggregate(
        vehicles=Sum("vehicles"), speed_sum=Sum("speed_sum"), speed_n=Sum("speed_n"),
        occ_sum=Sum("occupancy_sum"), occ_s=Sum("occupancy_seconds"), detectors=Count("detector_id", distinct=True))
    states = latest_state(now=now)
    los = Counter(m.los for m in states if m.los)
    alarms = dict(Alarm.objects.filter(state__in=OPEN_ALARM_STATES).order_by().values_list("kind")
                  .annotate(n=Count("id")).values_list("kind", "n"))
    yesterday = timezone.localdate(now or timezone.now()) - timedelta(days=1)
    worst = sorted((m for m in states if m.delay_s is not None), key=lambda m: -(m.delay_s or 0))[:5]
    return CitySummary(
        window_start=start, window_end=end, vehicles=agg["vehicles"] or 0,
        mean_speed_kmh=engineering.finite(agg["speed_sum"] / agg["speed_n"], 1) if agg["speed_n"] else None,
        mean_occupancy_pct=engineering.finite(agg["occ_sum"] / agg["occ_s"], 1) if agg["occ_s"] else None,
        detectors_reporting=agg["detectors"] or 0,
        detectors_total=Detector.objects.filter(is_active=True).count(),
        intersections_total=len(states), intersections_with_data=sum(1 for m in states if m.has_data),
        los_counts={g: los.get(g, 0) for g in "ABCDEF"}, open_alarms=alarms,
        unhealthy_detectors=DetectorHealthReport.objects.filter(day=yesterday, healthy=False).count(),
        worst=worst,
    )


# --- Intersection page ------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class ApproachSeries:
    approach_id: int
    label: str
    name: str
    flow_vph: list[float | None]
    flow_skr_ph: list[float | None]
    speed_kmh: list[float | None]
    occupancy_pct: list[float | None]
    dj: list[float | None]


@dataclass(frozen=True)
class IntersectionSeries:
    """Per 15 minutes over `hours`: labels are bucket starts; lists align with them (None = no data)."""

    labels: list[datetime]
    approaches: list[ApproachSeries]
    delay_s: list[float | None]
    los: list[str | None]

    def as_chart_data(self) -> dict[str, Any]:
        """Chart.js-ready: {"labels": [iso], "approaches": [{label, flow_vph, ...}], "delay_s", "los"}."""
        return {
            "labels": [t.isoformat() for t in self.labels],
            "approaches": [a.__dict__ for a in self.approaches],
            "delay_s": self.delay_s, "los": self.los,
        }


def intersection_series(intersection: Intersection | int, *, hours: int = 24,
                        now: datetime | None = None) -> IntersectionSeries:
    """Flow (veh/jam, skr/jam), speed, occupancy and DJ per approach per 15 minutes: 1 rollup query + registry."""
    pk = intersection if isinstance(intersection, int) else intersection.pk
    cfg = engineering.config()
    geom = engineering.load_geometry([pk], cfg).get(pk)
    last = engineering.last_complete_bucket(now)
    labels = [last - timedelta(minutes=15 * i) for i in range(hours * 4 - 1, -1, -1)]
    if geom is None:
        return IntersectionSeries(labels, [], [None] * len(labels), [None] * len(labels))
    detector_ids = [d for a in geom.approaches for d in a.detectors]
    rows = engineering.rollup_sums(Rollup15Min, detector_ids=detector_ids, since=labels[0],
                                   until=last + timedelta(minutes=15))
    by_bucket: dict[datetime, dict[int, engineering.Sums]] = {}
    for (det, bucket), sums in rows.items():
        by_bucket.setdefault(bucket, {})[det] = sums
    series = {a.id: ApproachSeries(a.id, a.label, a.name, [], [], [], [], []) for a in geom.approaches}
    delays: list[float | None] = []
    grades: list[str | None] = []
    for t in labels:
        state = engineering.compute(geom, by_bucket.get(t, {}), t, Rollup15Min.BUCKET_SECONDS, cfg,
                                    with_advice=False, detail=False)
        delays.append(engineering.finite(state.delay_s, 1))
        grades.append(state.los)
        for a in state.approaches:
            s = series[a.approach_id]
            s.flow_vph.append(engineering.finite(a.flow_vph, 0))
            s.flow_skr_ph.append(engineering.finite(a.flow_skr_ph, 0))
            s.speed_kmh.append(engineering.finite(a.speed_kmh, 1))
            s.occupancy_pct.append(engineering.finite(a.occupancy_pct, 1))
            s.dj.append(engineering.finite(a.dj, 3))
    return IntersectionSeries(labels, list(series.values()), delays, grades)


def health_reports(*, day: Any = None) -> QuerySet[DetectorHealthReport]:
    """Detector health of one day (default yesterday), faulty detectors first."""
    day = day or timezone.localdate() - timedelta(days=1)
    return (DetectorHealthReport.objects.filter(day=day)
            .select_related("detector", "detector__approach", "detector__approach__intersection")
            .order_by("healthy", "detector__code"))


# --- Command Center live room (kotacerdas/command_center/live.py) -----------------------------------------------

INCIDENT_KINDS = ("incident", "congestion")



def command_center_figures(user: Any, *, now: datetime, day_start: datetime, week: timedelta) -> dict[str, Any]:
    """LOS distribution now and in the same 15-minute bucket a week ago, open incidents and alarms raised today
    vs the same weekday last week until the same time. Both maps come from `latest_state`'s cache (the week-old
    bucket is computed once and then cached like any other bucket)."""
    from django.db.models import Q

    if not can_view(user):
        return {}
    area = area_ids(user)
    bucket = engineering.last_complete_bucket(now)
    # LOS only: open alarms are counted below, by kind.
    states = latest_state(area, now=now, alarms=False)
    before = latest_state(area, bucket_start=bucket - week, alarms=False)
    los_now = Counter(m.los for m in states if m.los)
    los_before = Counter(m.los for m in before if m.los)
    alarms = alarms_for(user).order_by()
    lw_start, lw_now = day_start - week, now - week
    agg = alarms.aggregate(
        incidents=Count("id", filter=Q(state__in=OPEN_ALARM_STATES, kind__in=INCIDENT_KINDS)),
        open_alarms=Count("id", filter=Q(state__in=OPEN_ALARM_STATES)),
        raised_today=Count("id", filter=Q(kind__in=INCIDENT_KINDS, raised_at__gte=day_start, raised_at__lte=now)),
        raised_last_week=Count("id", filter=Q(kind__in=INCIDENT_KINDS, raised_at__gte=lw_start,
                                              raised_at__lte=lw_now)),
    )
    return {
        "bucket": states[0].bucket_start if states else bucket,
        "los": {g: los_now.get(g, 0) for g in "ABCDEF"},
        "los_last_week": {g: los_before.get(g, 0) for g in "ABCDEF"},
        "with_data": sum(1 for m in states if m.has_data), "intersections": len(states),
        **{k: v or 0 for k, v in agg.items()},
    }


def command_center_alarms(user: Any, *, limit: int = 500) -> list[dict[str, Any]]:
    """Open alarms with their intersection's position, for the map's alarm layer."""
    rows = (alarms_for(user, open_only=True)
            .values("pk", "kind", "state", "raised_at", "reason", "intersection__code", "intersection__name",
                    "intersection__lat", "intersection__lon")[:limit])
    return list(rows)
