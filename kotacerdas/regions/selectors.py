"""Reads of regions for other apps: the active city and its kecamatan/kelurahan for forms and filters."""

from __future__ import annotations

from django.db.models import Q, QuerySet

from kotacerdas.regions.models import VILLAGE_LEVELS, Level, Region


def active_city() -> Region | None:
    """The kab/kota this site serves (SiteSettings.city), or None before `setup_region` has run."""
    from kotacerdas.core.models import SiteSettings

    # Not SiteSettings.load(): a read should not create the settings row.
    site = SiteSettings.objects.filter(pk=1).select_related("city").first()
    return site.city if site else None


def kecamatan_choices(city: Region | None = None) -> QuerySet[Region]:
    """The kecamatan of the active city (or `city`), by name; outlines deferred (forms never need them)."""
    city = city or active_city()
    if city is None:
        return Region.objects.none()
    return Region.objects.filter(parent=city, level=Level.KECAMATAN).defer("boundary").order_by("name")


def kelurahan_for(kecamatan: Region | int | str | None, city: Region | None = None) -> QuerySet[Region]:
    """Kelurahan and desa of one kecamatan of the active city (Region or pk); empty for a foreign one.

    With `kecamatan=None`, every kelurahan/desa of the city (for a filter that has no kecamatan chosen yet).
    """
    city = city or active_city()
    if city is None:
        return Region.objects.none()
    qs = Region.objects.filter(parent__parent=city, level__in=VILLAGE_LEVELS).defer("boundary")
    if kecamatan is not None:
        pk = kecamatan.pk if isinstance(kecamatan, Region) else kecamatan
        try:
            qs = qs.filter(parent_id=int(pk))
        except (TypeError, ValueError):
            return Region.objects.none()  # a tampered query string, not a server error
    return qs.order_by("name")


def city_units(city: Region | None = None) -> QuerySet[Region]:
    """The kab/kota itself, its kecamatan and its kelurahan/desa (e.g. for a pimpinan's scope picker)."""
    city = city or active_city()
    if city is None:
        return Region.objects.none()
    return Region.objects.filter(Q(pk=city.pk) | Q(code__startswith=city.code + ".")).defer("boundary")
