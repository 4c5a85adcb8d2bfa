"""Django admin for Bappeda's reference data (kamus, pagu, ceilings) and read-only views of the trail-bearing rows.

Usulan, decisions, berita acara and price catalogues change only through planning.actions (audited), so they are
read-only here.
"""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from kotacerdas.planning.models import (
    BeritaAcara,
    ForumDecision,
    KamusEntry,
    PaguIndikatif,
    PlanningYear,
    PriceItem,
    PriceVersion,
    ShsrCeiling,
    StageWindow,
    Usulan,
)


class ReadOnly(admin.ModelAdmin):
    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


class WindowInline(admin.TabularInline):
    model = StageWindow
    extra = 0
    fields = ["stage", "opens_on", "closes_on", "source", "closed_at"]
    readonly_fields = ["closed_at"]


@admin.register(PlanningYear)
class PlanningYearAdmin(admin.ModelAdmin):
    list_display = ["name", "year", "city", "is_active"]
    inlines = [WindowInline]


@admin.register(KamusEntry)
class KamusAdmin(admin.ModelAdmin):
    list_display = ["code", "name", "rumpun", "agency", "subkegiatan_code", "planning_year", "is_active"]
    list_filter = ["planning_year", "rumpun", "is_active"]
    search_fields = ["code", "name", "subkegiatan_code"]


@admin.register(PaguIndikatif)
class PaguAdmin(admin.ModelAdmin):
    list_display = ["planning_year", "region", "agency", "amount", "source"]
    list_filter = ["planning_year"]


@admin.register(ShsrCeiling)
class CeilingAdmin(admin.ModelAdmin):
    list_display = ["category", "name", "lampiran", "province_code", "satuan", "amount"]
    list_filter = ["lampiran", "province_code"]


@admin.register(PriceVersion)
class PriceVersionAdmin(ReadOnly):
    list_display = ["kind", "budget_year", "number", "perwal", "imported_at"]
    list_filter = ["kind", "budget_year"]


@admin.register(PriceItem)
class PriceItemAdmin(ReadOnly):
    list_display = ["code", "uraian", "satuan", "price", "version"]
    list_filter = ["version"]
    search_fields = ["code", "uraian"]


@admin.register(Usulan)
class UsulanAdmin(ReadOnly):
    list_display = ["number", "title", "source", "current_stage", "status", "kecamatan", "kelurahan",
                    "estimated_cost"]
    list_filter = ["planning_year", "current_stage", "status", "source"]
    search_fields = ["number", "title"]


@admin.register(ForumDecision)
class DecisionAdmin(ReadOnly):
    list_display = ["usulan", "stage", "decision", "rank", "forum", "decided_at"]
    list_filter = ["stage", "decision"]


@admin.register(BeritaAcara)
class BeritaAcaraAdmin(ReadOnly):
    list_display = ["forum", "held_on", "place", "chair"]
