"""The OPD directory in the Django admin: names and heads are edited here; codes stay as loaded."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.db.models import Count, QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from kotacerdas.agencies.models import Agency


@admin.register(Agency)
class AgencyAdmin(admin.ModelAdmin):
    list_display = ("name", "short_name", "kind", "region", "head", "member_count", "is_demo", "is_active")
    list_filter = ("kind", "is_demo", "is_active")
    search_fields = ("code", "name", "short_name")
    list_select_related = ("region", "head")
    # Region and head pickers over thousands of rows: a search box, not a giant <select>.
    raw_id_fields = ("city", "region", "head")
    fieldsets = (
        (None, {"fields": ("code", "name", "short_name", "kind", "is_active")}),
        (_("Wilayah"), {"fields": ("city", "region")}),
        (_("Kontak dan pimpinan"), {"fields": ("head", "office_email", "office_phone")}),
        (_("Tugas dan sumber"), {"fields": ("duties", "source", "is_demo")}),
    )

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> tuple[str, ...]:
        # Routing rules, complaints and the CSV loader refer to the code; renaming it would orphan a reload.
        return ("code",) if obj is not None else ()

    def get_queryset(self, request: HttpRequest) -> QuerySet[Agency]:
        return super().get_queryset(request).annotate(_members=Count("members"))

    @admin.display(description=_("anggota"), ordering="_members")
    def member_count(self, obj: Agency) -> int:
        return getattr(obj, "_members", 0)
