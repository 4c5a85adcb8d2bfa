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
from kotacerdas.complaints.models import OPEN_STATUSES, Complaint, ComplaintEvent, Photo, Status
from kotacerdas.regions.models import Level

CITY_WIDE_ROLES = {Role.ADMIN_KOORDINATOR, Role.OPERATOR, Role.SUPERADMIN}


def _base() -> QuerySet[Complaint]:
    return Complaint.objects.select_related("category", "agency", "kelurahan", "kecamatan", "assigned_to")


def complaints_for(user: Any) -> QuerySet[Complaint]:
    """Every complaint the user may see in staff or "my reports" views."""
    qs = _base()
    if not getattr(user, "is_authenticated", False):
        return qs.none()
    if user.is_superuser or user.role in CITY_WIDE_ROLES:
        return qs
    if user.role == Role.PIMPINAN:
        if user.region_id is None:
            return qs
        if user.region.level == Level.KECAMATAN:
            return qs.filter(kecamatan_id=user.region_id)
        if user.region.level in (Level.KELURAHAN, Level.DESA):
            return qs.filter(kelurahan_id=user.region_id)
        return qs
    if user.role == Role.PENGHUBUNG:
        return qs.filter(agency_id=user.agency_id) if user.agency_id else qs.none()
    if user.role == Role.PETUGAS:
        return qs.filter(assigned_to=user)
    return qs.filter(reporter=user)


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
