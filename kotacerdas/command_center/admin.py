"""Admin: disputes are decided on the performance pages (actions.py, audited), so the admin shows them read-only;
the facts table is derived data (rebuild with `manage.py refresh_case_facts --all`) and is read-only too."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from kotacerdas.command_center.models import CaseFact, Dispute


class ReadOnlyAdmin(admin.ModelAdmin):
    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(Dispute)
class DisputeAdmin(ReadOnlyAdmin):
    list_display = ("complaint", "agency", "status", "opened_by", "opened_at", "decided_by", "decided_at")
    list_filter = ("status", "agency")
    search_fields = ("complaint__tracking_no", "reason")


@admin.register(CaseFact)
class CaseFactAdmin(ReadOnlyAdmin):
    list_display = ("complaint", "agency", "received_at", "status", "response_days", "resolve_days", "late",
                    "forgiven")
    list_filter = ("late", "forgiven", "in_backlog", "excluded", "agency")
    search_fields = ("complaint__tracking_no",)
    list_select_related = ("complaint", "agency")
