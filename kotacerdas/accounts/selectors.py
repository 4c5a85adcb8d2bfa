"""Who is who: staff of an OPD, field officers, heads, coordinators and the pimpinan overseeing an area."""

from __future__ import annotations

from django.db.models import Q, QuerySet

from kotacerdas.accounts.models import STAFF_ROLES, Role, User
from kotacerdas.agencies.models import Agency
from kotacerdas.regions.models import Region

BY_NAME = ("first_name", "last_name", "username")


def _active() -> QuerySet[User]:
    return User.objects.filter(is_active=True)


def staff_for_agency(agency: Agency) -> QuerySet[User]:
    """Active staff accounts of one OPD (any staff role), by name."""
    return _active().filter(agency=agency, role__in=STAFF_ROLES).order_by(*BY_NAME)


def field_officers(agency: Agency) -> QuerySet[User]:
    """Petugas lapangan of one OPD: the people a penghubung can assign work to."""
    return _active().filter(agency=agency, role=Role.PETUGAS).order_by(*BY_NAME)


def agency_heads(agency: Agency | None = None) -> QuerySet[User]:
    """Heads of active OPDs (or of one OPD): they receive escalations."""
    agencies = Agency.objects.filter(is_active=True, head__isnull=False)
    if agency is not None:
        agencies = agencies.filter(pk=agency.pk)
    return _active().filter(pk__in=agencies.values("head")).order_by(*BY_NAME)


def admin_koordinators() -> QuerySet[User]:
    """The coordinators who verify and dispatch incoming complaints."""
    return _active().filter(role=Role.ADMIN_KOORDINATOR).order_by(*BY_NAME)


def pimpinan_for(region: Region | None = None) -> QuerySet[User]:
    """Pimpinan overseeing an area: city-level (no region, or the kab/kota itself) plus the camat and lurah
    whose area contains `region`. A lurah does not oversee a whole kecamatan, so a kecamatan gets no lurah.
    """
    scope = Q(region__isnull=True)
    if region is not None:
        # Kemendagri codes nest: every ancestor's code is a dotted prefix of the area's own code
        # (12.71.01.1001 -> 12, 12.71, 12.71.01), so the whole chain is one lookup, not a walk up `parent`.
        parts = region.code.split(".")
        chain = [".".join(parts[: i + 1]) for i in range(len(parts))]
        scope |= Q(region__code__in=chain)
    return _active().filter(scope, role=Role.PIMPINAN).order_by("region__code", "first_name", "username")
