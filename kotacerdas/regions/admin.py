"""Read-mostly admin: regions come from `setup_region`; staff may only correct names and figures."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.db.models import BooleanField, ExpressionWrapper, Q, QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from kotacerdas.regions.models import Region


def _vertices(coords: Any) -> int:
    if isinstance(coords, list) and coords and isinstance(coords[0], (int, float)):
        return 1
    return sum(_vertices(c) for c in coords) if isinstance(coords, list) else 0


@admin.register(Region)
class RegionAdmin(admin.ModelAdmin):
    list_display = ("code", "name", "level", "parent", "has_boundary", "population", "area_km2")
    list_filter = ("level",)
    search_fields = ("code", "name")
    list_select_related = ("parent",)
    # The outline JSON can be hundreds of kB; never render it as a form field or load it in the list.
    exclude = ("boundary",)
    readonly_fields = ("code", "level", "parent", "boundary_summary")
    fields = (
        "code",
        "name",
        "level",
        "parent",
        "lat",
        "lon",
        "area_km2",
        "population",
        "timezone",
        "boundary_summary",
    )
    ordering = ("code",)
    show_full_result_count = False  # the national list can hold ~90k rows

    def get_queryset(self, request: HttpRequest) -> QuerySet[Region]:
        has = ExpressionWrapper(Q(boundary__isnull=False), output_field=BooleanField())
        return super().get_queryset(request).defer("boundary", "parent__boundary").annotate(_has_boundary=has)

    @admin.display(boolean=True, description=_("ada batas"))
    def has_boundary(self, obj: Region) -> bool:
        return bool(getattr(obj, "_has_boundary", False))

    @admin.display(description=_("batas wilayah"))
    def boundary_summary(self, obj: Region) -> str:
        boundary = Region.objects.filter(pk=obj.pk).values_list("boundary", flat=True).first()
        if not boundary:
            return _("tidak ada")
        # The vertex count is enough to tell a real outline from a stub without drawing it.
        return _("%(type)s, %(n)d titik") % {
            "type": boundary.get("type", "?"),
            "n": _vertices(boundary.get("coordinates")),
        }

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False  # codes come from the Kepmendagri list via setup_region

    def has_delete_permission(self, request: HttpRequest, obj: Region | None = None) -> bool:
        return False  # complaints and staff scopes point at regions
