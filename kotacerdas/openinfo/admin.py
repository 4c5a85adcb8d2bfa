from __future__ import annotations

from django.contrib import admin

from kotacerdas.openinfo.models import Dataset, DipEntry


@admin.register(DipEntry)
class DipEntryAdmin(admin.ModelAdmin):
    list_display = ["title", "category", "agency", "is_published", "next_due_at"]
    list_filter = ["category", "is_published"]
    # Category changes go through the uji konsekuensi screen (actions.do_consequence_test), never here.
    readonly_fields = ["category", "is_published", "last_published_at", "next_due_at"]


@admin.register(Dataset)
class DatasetAdmin(admin.ModelAdmin):
    list_display = ["slug", "source_app", "frequency", "generated_at", "row_count", "is_active"]
    readonly_fields = ["rows", "geojson", "generated_at", "last_error", "last_error_at", "row_count"]
