"""Reads of complaints, scoped by the reader's role, OPD and area. One rule here serves UI, API and exports.

- superadmin, admin koordinator, operator, city-level pimpinan: every complaint of the city
- camat / lurah (pimpinan with a region): complaints in their kecamatan / kelurahan
- penghubung OPD: complaints their OPD holds now; petugas lapangan: those assigned to them
- warga: their own complaints
- the public (public_complaints): non-rahasia, not archived, through public fields only
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db.models import Count, Q, QuerySet
from django.utils import timezone

from kotacerdas.accounts.models import Role
from kotacerdas.complaints import stock as stock_snapshots
from kotacerdas.complaints.models import OPEN_STATUSES, Complaint, ComplaintEvent, Photo, Status
from kotacerdas.regions.models import Level

CITY_WIDE_ROLES = {Role.ADMIN_KOORDINATOR, Role.OPERATOR, Role.SUPERADMIN}


def _base() -> QuerySet[Complaint]:
    return Complaint.objects.select_related("category", "agency", "kelurahan", "kecamatan", "assigned_to")


def reader_scope(user: Any) -> tuple[str, Any]:
    """Which complaints the user reads, as (kind, value): ("kota", None), ("kecamatan", region id), ("kelurahan",
    region id), ("agency", agency id), ("assigned_to", user), ("reporter", user) or ("none", None)."""
    if not getattr(user, "is_authenticated", False):
        return "none", None
    if user.is_superuser or user.role in CITY_WIDE_ROLES:
        return "kota", None
    if user.role == Role.PIMPINAN:
        if user.region_id is None:
            return "kota", None
        if user.region.level == Level.KECAMATAN:
            return "kecamatan", user.region_id
        if user.region.level in (Level.KELURAHAN, Level.DESA):
            return "kelurahan", user.region_id
        return "kota", None
    if user.role == Role.PENGHUBUNG:
        return ("agency", user.agency_id) if user.agency_id else ("none", None)
    if user.role == Role.PETUGAS:
        return "assigned_to", user
    return "reporter", user


def complaints_for(user: Any) -> QuerySet[Complaint]:
    """Every complaint the user may see in staff or "my reports" views."""
    qs = _base()
    kind, value = reader_scope(user)
    if kind == "none":
        return qs.none()
    if kind == "kota":
        return qs
    return qs.filter(**{f"{kind}_id" if kind in ("kecamatan", "kelurahan", "agency") else kind: value})


def is_staff_reader(user: Any) -> bool:
    return bool(getattr(user, "is_authenticated", False) and user.is_staff_role)


def public_complaints() -> QuerySet[Complaint]:
    """What anyone may see: never rahasia (egov-rules §9 rule 5), never archived spam or irrelevant input."""
    return _base().filter(is_rahasia=False).exclude(status=Status.ARSIP)


def public_by_tracking(tracking_no: str) -> Complaint | None:
    return public_complaints().filter(tracking_no=tracking_no.strip().upper()).first()


def can_see_identity(user: Any, complaint: Complaint) -> bool:
    """Admin koordinator sees the reporter; the handling OPD too unless the report is anonim (a setting, U)."""
    if not is_staff_reader(user):
        return False
    if user.is_superuser or user.role in (Role.ADMIN_KOORDINATOR, Role.SUPERADMIN):
        return True
    if user.role in (Role.PENGHUBUNG, Role.PETUGAS) and user.agency_id == complaint.agency_id:
        return not complaint.is_anonim or settings.COMPLAINTS_ANONIM_VISIBLE_TO_OPD
    return False


def public_reporter_label(complaint: Complaint) -> str:
    """The name shown publicly: initials at most, 'Anonim' for anonim reports."""
    if complaint.is_anonim:
        return "Anonim"
    name = complaint.reporter.get_full_name() if complaint.reporter_id else complaint.reporter_name
    parts = [p for p in (name or "").split() if p]
    if not parts:
        return "Warga"
    return parts[0] + (" " + " ".join(p[0] + "." for p in parts[1:]) if len(parts) > 1 else "")


def public_timeline(complaint: Complaint) -> QuerySet[ComplaintEvent]:
    return complaint.events.filter(is_public=True).select_related("agency").order_by("at", "id")


def public_events() -> QuerySet[ComplaintEvent]:
    """Public timeline entries of many complaints at once (Open311 notes, feeds)."""
    return ComplaintEvent.objects.filter(is_public=True)


def staff_timeline(complaint: Complaint) -> QuerySet[ComplaintEvent]:
    return complaint.events.select_related("agency", "actor").order_by("at", "id")


def public_photo_rows() -> QuerySet[Photo]:
    """Photos of reports and of public responses; those attached to an internal note stay with staff."""
    return Photo.objects.filter(Q(event__isnull=True) | Q(event__is_public=True))


def public_photos(complaint: Complaint) -> QuerySet[Photo]:
    return public_photo_rows().filter(complaint=complaint)


def staff_photos(complaint: Complaint) -> QuerySet[Photo]:
    return complaint.photos.select_related("event")


def by_tracking_for_reporter(tracking_no: str, user: Any, token: str) -> Complaint | None:
    """Any complaint by number, but only for its reporter (logged in, or holding the secret link)."""
    from kotacerdas.complaints.actions import is_reporter

    complaint = _base().filter(tracking_no=tracking_no.strip().upper()).first()
    return complaint if complaint is not None and is_reporter(user, complaint, token) else None


def queue_counts(user: Any) -> dict[str, int]:
    """Counts for the staff queue tabs, in one query."""
    now = timezone.now()
    qs = complaints_for(user)
    agg = qs.aggregate(
        baru=Count("id", filter=Q(status=Status.BARU)),
        tunda=Count("id", filter=Q(status=Status.TUNDA)),
        disposisi=Count("id", filter=Q(status=Status.DISPOSISI)),
        diproses=Count("id", filter=Q(status=Status.DIPROSES)),
        selesai=Count("id", filter=Q(status=Status.SELESAI)),
        terlambat=Count("id", filter=Q(status__in=OPEN_STATUSES, stage_due_at__lt=now)),
        eskalasi=Count("id", filter=Q(status__in=OPEN_STATUSES, escalation_level__gt=0)),
        tinjau=Count("id", filter=Q(needs_review=True)),
        terbuka=Count("id", filter=Q(status__in=OPEN_STATUSES)),
    )
    return {k: v or 0 for k, v in agg.items()}


def nearby_candidates(category_id: int, lat: float, lon: float, since) -> QuerySet[Complaint]:  # noqa: ANN001
    from kotacerdas.lib.geo import bbox_around

    minlat, maxlat, minlon, maxlon = bbox_around(lat, lon, 250)
    return public_complaints().filter(
        category_id=category_id, created_at__gte=since, status__in=OPEN_STATUSES,
        lat__gte=minlat, lat__lte=maxlat, lon__gte=minlon, lon__lte=maxlon, parent__isnull=True,
    )


# --- Command Center live room (kotacerdas/command_center/live.py) -----------------------------------------------


def command_center_figures(user: Any, *, now: Any, day_start: Any, week: Any) -> dict[str, Any]:
    """Complaint tiles of the live room: today so far vs the same weekday last week until the same time.

    `week` is the shift (7 days). Six small queries, each on an index: created_at for intake (today so far, last
    week's same hours), status (and status+stage_due_at) for the open stock, the timeline's `at` for resolved,
    rated and breaches in the same two windows, and the open stock a week ago from the OpenStockSnapshot the
    worker wrote then (stock.py). Without one, it is the open stock now minus what the timeline opened since then
    plus what it closed (a week of timeline entries: the one read that grows with the city).
    """
    from django.db.models import Avg, F

    from kotacerdas.complaints.models import EventKind

    lw_start, lw_now = day_start - week, now - week
    qs = complaints_for(user).order_by()
    # Two tight ranges on the created_at index, not the 8 days between them.
    created = {"today": qs.filter(created_at__gte=day_start, created_at__lte=now).count(),
               "last_week": qs.filter(created_at__gte=lw_start, created_at__lte=lw_now).count()}
    stock = qs.filter(status__in=OPEN_STATUSES).aggregate(
        open=Count("id"), overdue=Count("id", filter=Q(stage_due_at__lt=now)))
    events = ComplaintEvent.objects.order_by()
    if qs.query.where:  # a scoped reader; the whole city needs no IN-subquery
        events = events.filter(complaint__in=qs.values("pk"))
    resolved = Q(kind=EventKind.RESOLVED)
    on_time = resolved & (Q(complaint__resolve_due_at__isnull=True) | Q(complaint__resolve_due_at__gte=F("at")))
    rated = Q(kind=EventKind.RATED, complaint__rating__isnull=False)
    breach = Q(kind=EventKind.SLA_BREACH)

    def window(lo: Any, hi: Any) -> dict[str, Any]:
        # One tight range of the timeline's `at` index; the join to the complaint (due time, rating) stays as
        # small as the window, so the planner keeps a nested loop on the primary key.
        return events.filter(at__gte=lo, at__lte=hi).aggregate(
            resolved=Count("id", filter=resolved), on_time=Count("id", filter=on_time),
            rating=Avg("complaint__rating", filter=rated), rated=Count("id", filter=rated),
            breaches=Count("id", filter=breach))

    today, before = window(day_start, now), window(lw_start, lw_now)
    open_now = stock["open"] or 0
    open_last_week = stock_snapshots.open_at(reader_scope(user), lw_now)
    if open_last_week is None:
        # No snapshot then (a new install, or the worker was down): status transitions since this time last week,
        # read from the timeline alone (no join), taken back from the stock now.
        opened = ~Q(from_status__in=OPEN_STATUSES) & Q(to_status__in=OPEN_STATUSES)
        closed = Q(from_status__in=OPEN_STATUSES) & ~Q(to_status__in=OPEN_STATUSES) & ~Q(to_status="")
        moves = events.filter(at__gt=lw_now, at__lte=now).aggregate(
            opened=Count("id", filter=opened), closed=Count("id", filter=closed))
        open_last_week = max(0, open_now - (moves["opened"] or 0) + (moves["closed"] or 0))
    return {
        "created_today": created["today"] or 0, "created_last_week": created["last_week"] or 0,
        "open": open_now, "overdue": stock["overdue"] or 0,
        "open_last_week": open_last_week,
        "resolved_today": today["resolved"], "on_time_today": today["on_time"],
        "resolved_last_week": before["resolved"], "on_time_last_week": before["on_time"],
        "rating_today": today["rating"], "rated_today": today["rated"],
        "rating_last_week": before["rating"], "rated_last_week": before["rated"],
        "breaches_today": today["breaches"], "breaches_last_week": before["breaches"],
    }


def command_center_cells(user: Any, *, now: Any, cell: float, bbox: tuple[float, float, float, float] | None = None,
                         limit: int = 3000) -> list[dict[str, Any]]:
    """Open complaints with a pin, grouped by a lat/lon grid of `cell` degrees (server-side clustering).

    Each cell: n, centre (mean position), worst SLA band (0 on time, 1 ≥ 50% of the stage used, 2 ≥ 80%, 3 overdue)
    and the count per band; a cell holding one complaint also carries its id. One GROUP BY query.
    """
    from django.db.models import Avg, Case, FloatField, IntegerField, Max, Min, Value, When
    from django.db.models.functions import Cast, Floor

    qs = complaints_for(user).order_by().filter(status__in=OPEN_STATUSES, lat__isnull=False, lon__isnull=False)
    if bbox is not None:
        south, west, north, east = bbox
        qs = qs.filter(lat__gte=south, lat__lte=north, lon__gte=west, lon__lte=east)
    band = Case(When(stage_due_at__lt=now, then=Value(3)), When(sla_level__gte=80, then=Value(2)),
                When(sla_level__gte=50, then=Value(1)), default=Value(0), output_field=IntegerField())
    rows = (qs.annotate(gx=Cast(Floor(_per_cell("lat", cell)), IntegerField()),
                        gy=Cast(Floor(_per_cell("lon", cell)), IntegerField()), band=band)
            .values("gx", "gy")
            .annotate(n=Count("id"), lat_c=Avg("lat", output_field=FloatField()),
                      lon_c=Avg("lon", output_field=FloatField()), worst=Max("band"), one=Min("id"),
                      b0=Count("id", filter=Q(band=0)), b1=Count("id", filter=Q(band=1)),
                      b2=Count("id", filter=Q(band=2)), b3=Count("id", filter=Q(band=3)))
            .order_by("-n")[:limit])
    return [{"n": r["n"], "lat": r["lat_c"], "lon": r["lon_c"], "worst": r["worst"],
             "bands": [r["b0"], r["b1"], r["b2"], r["b3"]], "id": r["one"] if r["n"] == 1 else None}
            for r in rows]


def _per_cell(field: str, cell: float) -> Any:
    """`field / cell` as a float expression (a named helper so the cell size is one bound parameter)."""
    from django.db.models import ExpressionWrapper, F, FloatField, Value

    return ExpressionWrapper(F(field) / Value(float(cell)), output_field=FloatField())


def command_center_briefs(user: Any, ids: list[int]) -> dict[int, dict[str, Any]]:
    """What a map popup or a feed line shows of the given complaints the reader may see (others are left out)."""
    if not ids:
        return {}
    rows = (complaints_for(user).order_by().filter(pk__in=ids)
            .values("pk", "tracking_no", "title", "status", "stage_due_at", "sla_level", "escalation_level",
                    "is_rahasia", "lat", "lon", "category__name", "kecamatan__name", "agency__name"))
    return {r["pk"]: r for r in rows}
