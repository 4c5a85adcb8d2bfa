"""Reads of e-parking state for screens, reports, the Command Center and the API, scoped by role.

Who sees what:
- manage (`can_manage`): superadmin, admin koordinator, and Dishub staff (penghubung or petugas of an agency listed
  in PARKING_AGENCY_CODES, default Dishub): the whole city, and they may change the registry and import settlements.
- view only: pimpinan (Wali Kota/Sekda the whole city; camat/lurah the points in their area) and the Command Center
  operator (the whole city).
- `operator_parkir` (a third-party operator's staff): only the points, jukir, transactions and violations of the
  operators they are a member of (`ParkingOperator.members`).
- `jukir`: only themselves, the points they are assigned to, and their own transactions and violations.

Settlement files are the city's reconciliation with the aggregator: city-wide viewers only.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from django.conf import settings
from django.db.models import OuterRef, Q, QuerySet, Subquery
from django.utils import timezone

from kotacerdas.accounts.models import Role
from kotacerdas.core.deadlines import site_timezone, to_local
from kotacerdas.parking.models import (
    Channel,
    Jukir,
    MerchantAccount,
    OccupancyReading,
    ParkingOperator,
    ParkingPoint,
    ParkingTransaction,
    ParkingViolation,
    PaymentProvider,
    SettlementFile,
)
from kotacerdas.regions.models import Level


def parking_agency_codes() -> tuple[str, ...]:
    """OPD whose staff manage e-parking (Medan: Dinas Perhubungan). A setting, like TRAFFIC_AGENCY_CODES."""
    return tuple(getattr(settings, "PARKING_AGENCY_CODES", ("dinas-perhubungan",)))


def occupancy_max_age() -> timedelta:
    """How old the newest occupancy reading may be and still count as "now" on the map."""
    return timedelta(minutes=int(getattr(settings, "PARKING_OCCUPANCY_MAX_AGE_MINUTES", 60)))


def _authenticated(user: Any) -> bool:
    return bool(getattr(user, "is_authenticated", False))


def is_parking_staff(user: Any) -> bool:
    """Dishub staff: penghubung or petugas of a parking agency."""
    return bool(_authenticated(user) and user.role in (Role.PENGHUBUNG, Role.PETUGAS)
                and user.agency_id is not None and user.agency.code in parking_agency_codes())


def can_manage(user: Any) -> bool:
    if not _authenticated(user):
        return False
    return bool(user.is_superuser or user.role in (Role.ADMIN_KOORDINATOR, Role.SUPERADMIN)
                or is_parking_staff(user))


def is_city_wide(user: Any) -> bool:
    """Sees every point: managers, the Command Center operator and pimpinan without a region."""
    if not _authenticated(user):
        return False
    return bool(can_manage(user) or user.role == Role.OPERATOR
                or (user.role == Role.PIMPINAN and user.region_id is None))


def can_view(user: Any) -> bool:
    """May open the parking pages at all (each list is then scoped by the functions below)."""
    if not _authenticated(user):
        return False
    return bool(is_city_wide(user) or user.role in (Role.PIMPINAN, Role.OPERATOR_PARKIR, Role.JUKIR))


def jukir_of(user: Any) -> Jukir | None:
    """The jukir record of a jukir account (None for everyone else)."""
    if not _authenticated(user) or user.role != Role.JUKIR:
        return None
    return Jukir.objects.filter(user=user).select_related("operator").first()


def operators_for(user: Any) -> QuerySet[ParkingOperator]:
    if is_city_wide(user) or (_authenticated(user) and user.role == Role.PIMPINAN):
        return ParkingOperator.objects.all()
    if _authenticated(user) and user.role == Role.OPERATOR_PARKIR:
        return ParkingOperator.objects.filter(members=user)
    jukir = jukir_of(user)
    if jukir is not None:
        return ParkingOperator.objects.filter(pk=jukir.operator_id)
    return ParkingOperator.objects.none()


def _region_filter(user: Any, prefix: str = "") -> Q | None:
    """Camat/lurah scope on points (prefix e.g. "point__" for rows that hang off a point)."""
    if user.role != Role.PIMPINAN or user.region_id is None:
        return None
    if user.region.level == Level.KECAMATAN:
        return Q(**{f"{prefix}kecamatan_id": user.region_id})
    if user.region.level in (Level.KELURAHAN, Level.DESA):
        return Q(**{f"{prefix}kelurahan_id": user.region_id})
    return Q(pk__in=[])  # a pimpinan scoped to some other level sees nothing rather than everything


def points_for(user: Any, *, include_inactive: bool = False) -> QuerySet[ParkingPoint]:
    qs = ParkingPoint.objects.select_related("segment", "operator")
    if not include_inactive:
        qs = qs.filter(is_active=True)
    if not can_view(user):
        return qs.none()
    if is_city_wide(user):
        return qs
    if user.role == Role.PIMPINAN:
        return qs.filter(_region_filter(user))
    if user.role == Role.OPERATOR_PARKIR:
        return qs.filter(operator__members=user)
    jukir = jukir_of(user)
    if jukir is None:
        return qs.none()
    return qs.filter(assignments__jukir=jukir).distinct()


def jukir_for(user: Any) -> QuerySet[Jukir]:
    qs = Jukir.objects.select_related("operator")
    if not can_view(user):
        return qs.none()
    if is_city_wide(user):
        return qs
    if user.role == Role.PIMPINAN:
        return qs.filter(pk__in=Jukir.objects.filter(assignments__point__in=points_for(user)).values("pk"))
    if user.role == Role.OPERATOR_PARKIR:
        return qs.filter(operator__members=user)
    return qs.filter(user=user)


def transactions_for(user: Any) -> QuerySet[ParkingTransaction]:
    qs = ParkingTransaction.objects.select_related("point", "jukir", "operator", "provider")
    if not can_view(user):
        return qs.none()
    if is_city_wide(user):
        return qs
    if user.role == Role.PIMPINAN:
        return qs.filter(_region_filter(user, "point__"))
    if user.role == Role.OPERATOR_PARKIR:
        return qs.filter(operator__members=user)
    return qs.filter(jukir__user=user)


def violations_for(user: Any) -> QuerySet[ParkingViolation]:
    qs = ParkingViolation.objects.select_related("point", "jukir", "sticker", "transaction")
    if not can_view(user):
        return qs.none()
    if is_city_wide(user):
        return qs
    if user.role == Role.PIMPINAN:
        return qs.filter(_region_filter(user, "point__"))
    if user.role == Role.OPERATOR_PARKIR:
        return qs.filter(point__operator__members=user)
    return qs.filter(jukir__user=user)


def settlements_for(user: Any) -> QuerySet[SettlementFile]:
    qs = SettlementFile.objects.select_related("provider", "imported_by")
    return qs if is_city_wide(user) else qs.none()


def day_bounds(day: date) -> tuple[datetime, datetime]:
    """[start, end) of a calendar day in the city's zone, as aware datetimes."""
    tz = ZoneInfo(site_timezone())
    return (datetime.combine(day, time.min, tzinfo=tz), datetime.combine(day + timedelta(days=1), time.min, tzinfo=tz))


def local_day(moment: datetime) -> date:
    """The calendar day of an aware moment in the city's zone (tariffs, assignments and reports are per local day)."""
    return to_local(moment).date()


def merchant_for(point: ParkingPoint) -> MerchantAccount | None:
    """The account a handheld at `point` collects into: the operator's active one, else the city's."""
    accounts = MerchantAccount.objects.filter(is_active=True).filter(
        Q(operator_id=point.operator_id) | Q(operator__isnull=True))
    return min(accounts, key=lambda a: (a.operator_id is None, a.merchant_id), default=None)


def unmatched_transactions(provider: PaymentProvider, day: date) -> QuerySet[ParkingTransaction]:
    """Webhook transactions of `provider` paid on `day` (city time) that no settlement line has reached yet."""
    start, end = day_bounds(day)
    return (ParkingTransaction.objects.filter(provider=provider, channel=Channel.WEBHOOK, paid_at__gte=start,
                                              paid_at__lt=end, settlement_line__isnull=True)
            .select_related("point", "jukir").order_by("paid_at"))


def occupancy_now(points: Iterable[ParkingPoint | int], *, now: datetime | None = None,
                  max_age: timedelta | None = None) -> dict[int, tuple[int, int, datetime]]:
    """{point id: (occupied, total, at)} from each point's newest reading; `at` is the end of its interval.

    Points whose newest reading ended more than `max_age` (PARKING_OCCUPANCY_MAX_AGE_MINUTES, 60) ago are left
    out: a dead sensor must not show a stale count as current. One query (correlated on the (point, start) index).
    """
    ids = [p if isinstance(p, int) else p.pk for p in points]
    if not ids:
        return {}
    now = now or timezone.now()
    # Intervals are at most an hour (ingest.ParkingOccupancyHandler.max_seconds), so starting the search an hour
    # before the age limit finds every reading that can still be current.
    since = now - (max_age or occupancy_max_age()) - timedelta(hours=1)
    newest = (OccupancyReading.objects.filter(point_id=OuterRef("point_id"), start__gte=since)
              .order_by("-start").values("start")[:1])
    rows = (OccupancyReading.objects.filter(point_id__in=ids, start__gte=since, start=Subquery(newest))
            .values_list("point_id", "occupied", "total", "start", "seconds"))
    limit = now - (max_age or occupancy_max_age())
    out: dict[int, tuple[int, int, datetime]] = {}
    for point_id, occupied, total, start, seconds in rows:
        at = start + timedelta(seconds=seconds)
        if at >= limit:
            out[point_id] = (occupied, total, at)
    return out


# --- Command Center live room (kotacerdas/command_center/live.py) -----------------------------------------------


def command_center_figures(user: Any, *, now: datetime, day_start: datetime, week: timedelta) -> dict[str, Any]:
    """Revenue today so far vs the daily targets of the reader's points and vs the same weekday last week until
    the same time: one aggregate over the `paid_at` index and one over the points."""
    from django.db.models import Count, Sum

    if not can_view(user):
        return {}
    # Two tight ranges on the paid_at index (today so far, the same hours last week), not the 8 days between.
    txs = transactions_for(user).order_by()
    today = txs.filter(paid_at__gte=day_start, paid_at__lte=now).aggregate(s=Sum("amount"), n=Count("id"))
    before = txs.filter(paid_at__gte=day_start - week, paid_at__lte=now - week).aggregate(s=Sum("amount"))
    points = points_for(user).order_by().aggregate(target=Sum("daily_target"), n=Count("id"))
    return {"revenue_today": today["s"] or 0, "revenue_last_week": before["s"] or 0,
            "transactions_today": today["n"] or 0, "target": points["target"] or 0, "points": points["n"] or 0}


def command_center_points(user: Any, *, now: datetime) -> list[dict[str, Any]]:
    """The reader's points with occupancy now and the newest leakage score (of the last 7 days), for the map."""
    from kotacerdas.parking.models import LeakageAssessment

    rows = list(points_for(user).order_by().values("pk", "code", "name", "lat", "lon", "daily_target"))
    ids = [r["pk"] for r in rows]
    occupancy = occupancy_now(ids, now=now)
    since = local_day(now) - timedelta(days=7)
    newest: dict[int, tuple[date, float, float]] = {}
    for point_id, day, score, ratio in (LeakageAssessment.objects.filter(point_id__in=ids, day__gte=since)
                                        .order_by("point_id", "-day")
                                        .values_list("point_id", "day", "score", "leakage_ratio")):
        newest.setdefault(point_id, (day, score, ratio))
    out = []
    for r in rows:
        occ = occupancy.get(r["pk"])
        leak = newest.get(r["pk"])
        out.append({**r, "occupancy": round(occ[0] / occ[1], 3) if occ and occ[1] else None,
                    "occupied": occ[0] if occ else None, "total": occ[1] if occ else None,
                    "leakage_score": round(leak[1], 3) if leak else None,
                    "leakage_ratio": round(leak[2], 3) if leak else None,
                    "leakage_day": leak[0].isoformat() if leak else None})
    return out
