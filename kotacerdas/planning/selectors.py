"""Role-scoped reads of e-planning and who may act where.

- perencana (Bappeda) and superadmin: the whole city; run the calendar, the city-level forums (Musrenbang RKPD kota,
  RKPD), Pokir entry, the price catalogues and the kamus.
- pimpinan with a kelurahan region (lurah): enters kelurahan usulan, decides the rembuk warga list and the
  Musrenbang kelurahan of that kelurahan; with a kecamatan region (camat): usulan tambahan and the Musrenbang
  kecamatan of that kecamatan; without region (Wali Kota, Sekda): read-only city-wide.
- penghubung of an OPD: enters OPD usulan and decides that OPD's Forum Perangkat Daerah and Renja verification.
- warga: proposes at the rembuk warga (rule 20: residents propose at RW level, egov-rules §1.2 [S11]) and sees
  their own usulan; everyone sees the public pages (no proposer data).
"""

from __future__ import annotations

from typing import Any

from django.db.models import Count, Q, QuerySet

from kotacerdas.accounts.models import Role
from kotacerdas.planning.models import Forum, PlanningYear, Usulan
from kotacerdas.planning.rules import Stage
from kotacerdas.regions.models import Level


def _auth(user: Any) -> bool:
    return bool(user is not None and getattr(user, "is_authenticated", False))


def is_perencana(user: Any) -> bool:
    return _auth(user) and (user.is_superuser or user.role in (Role.PERENCANA, Role.SUPERADMIN))


def lurah_region(user: Any) -> Any:
    if _auth(user) and user.role == Role.PIMPINAN and user.region_id and user.region.level == Level.KELURAHAN:
        return user.region
    return None


def camat_region(user: Any) -> Any:
    if _auth(user) and user.role == Role.PIMPINAN and user.region_id and user.region.level == Level.KECAMATAN:
        return user.region
    return None


def opd_of(user: Any) -> Any:
    if _auth(user) and user.role == Role.PENGHUBUNG and user.agency_id:
        return user.agency
    return None


def is_city_reader(user: Any) -> bool:
    return is_perencana(user) or (_auth(user) and user.role == Role.PIMPINAN and not user.region_id)


def can_view_staff(user: Any) -> bool:
    """Staff screens of e-planning (lists, forums, Renja/RKPD views)."""
    return (is_city_reader(user) or lurah_region(user) is not None or camat_region(user) is not None
            or opd_of(user) is not None)


def active_year() -> PlanningYear | None:
    from kotacerdas.core.models import SiteSettings

    city = SiteSettings.load().city
    qs = PlanningYear.objects.filter(is_active=True)
    if city is not None:
        qs = qs.filter(city=city)
    return qs.order_by("-year").first()


# Region outlines are large GeoJSON: never decode them for a list of usulan (5,000 rows = 10,000 polygons).
NO_OUTLINES = ("kecamatan__boundary", "kelurahan__boundary")


def usulan_for(user: Any) -> QuerySet[Usulan]:
    """Usulan a user may see in staff screens (with proposer): none for the public, see public_usulan()."""
    qs = Usulan.objects.select_related("kamus", "kecamatan", "kelurahan", "agency", "planning_year").defer(
        *NO_OUTLINES)
    if is_city_reader(user):
        return qs
    region = lurah_region(user)
    if region is not None:
        return qs.filter(kelurahan=region)
    region = camat_region(user)
    if region is not None:
        return qs.filter(kecamatan=region)
    agency = opd_of(user)
    if agency is not None:
        # An OPD sees what it is responsible for once it reaches its forum, and what it proposed itself.
        reached = Q(current_stage__in=[Stage.FORUM_OPD, Stage.KOTA, Stage.RENJA, Stage.RKPD]) | Q(
            decisions__stage=Stage.FORUM_OPD)
        return qs.filter(Q(agency=agency) & (reached | Q(proposer=user))).distinct()
    if _auth(user):
        return qs.filter(proposer=user)
    return qs.none()


def stage_counts(user: Any, year: PlanningYear) -> dict[str, int]:
    """The reader's usulan of the year per current stage. Counted distinct: an OPD's list joins the decisions, so
    an usulan decided at several stages would otherwise count once per decision."""
    return dict(usulan_for(user).filter(planning_year=year).values_list("current_stage")
                .annotate(n=Count("pk", distinct=True)))


def public_usulan() -> QuerySet[Usulan]:
    """Every usulan is public with its journey (rule 22: rejected ones stay visible with their reason)."""
    return Usulan.objects.select_related("kamus", "kecamatan", "kelurahan", "agency").defer(
        *NO_OUTLINES).prefetch_related("decisions__forum")


def forums_for(user: Any, year: PlanningYear) -> QuerySet[Forum]:
    qs = Forum.objects.filter(planning_year=year).select_related("region", "agency")
    if is_city_reader(user):
        return qs
    region = lurah_region(user)
    if region is not None:
        return qs.filter(region=region)
    region = camat_region(user)
    if region is not None:
        return qs.filter(Q(region=region) | Q(region__parent=region))
    agency = opd_of(user)
    if agency is not None:
        return qs.filter(agency=agency)
    return qs.none()


def can_decide(user: Any, forum: Forum) -> bool:
    """Who holds the forum (rule 22: the deciding body)."""
    if not _auth(user):
        return False
    if user.is_superuser or user.role == Role.SUPERADMIN:
        return True
    if forum.stage in (Stage.REMBUK, Stage.KELURAHAN):
        region = lurah_region(user)
        return region is not None and region.pk == forum.region_id
    if forum.stage == Stage.KECAMATAN:
        region = camat_region(user)
        return region is not None and region.pk == forum.region_id
    if forum.stage in (Stage.FORUM_OPD, Stage.RENJA):
        # Bappeda co-runs the Forum OPD and the Renja verification (egov-rules §1.2 rows 5 and 7).
        agency = opd_of(user)
        return is_perencana(user) or (agency is not None and agency.pk == forum.agency_id)
    return is_perencana(user)
