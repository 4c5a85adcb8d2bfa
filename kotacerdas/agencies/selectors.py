"""Reads of the OPD directory for other apps (routing, the disposisi form, demo seeding, the classifier)."""

from __future__ import annotations

from django.db.models import QuerySet

from kotacerdas.agencies.models import Agency, AgencyKind
from kotacerdas.regions.models import Region


def active_agencies() -> QuerySet[Agency]:
    """Agencies a case may be sent to, in the order the disposisi form lists them."""
    return Agency.objects.filter(is_active=True).select_related("region").order_by("kind", "name")


def by_code(code: str) -> Agency | None:
    return Agency.objects.filter(code=code).first()


def codes_to_ids() -> dict[str, int]:
    return dict(Agency.objects.values_list("code", "pk"))


def office_for(region: Region | None) -> Agency | None:
    """The active kantor camat / kantor lurah whose area is `region`, if one is set up."""
    if region is None:
        return None
    return (Agency.objects.filter(region=region, is_active=True,
                                  kind__in=(AgencyKind.KECAMATAN, AgencyKind.KELURAHAN))
            .order_by("kind").first())


def area_offices(kind: str = AgencyKind.KECAMATAN) -> QuerySet[Agency]:
    return Agency.objects.filter(kind=kind, is_active=True).select_related("region").order_by("region__code")
