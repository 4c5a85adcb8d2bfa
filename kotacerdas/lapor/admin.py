"""Read-only admin views of the connector's tables: they change only through the outbox, the worker and actions
(a hand-edited message state would skip the audit trail and could send twice)."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from kotacerdas.lapor.models import LaporLink, OutboxMessage, SyncState


class ReadOnlyAdmin(admin.ModelAdmin):
    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(OutboxMessage)
class OutboxMessageAdmin(ReadOnlyAdmin):
    list_display = ["id", "complaint", "kind", "state", "attempts", "created_at", "next_attempt_at", "sent_at"]
    list_filter = ["state", "kind"]
    search_fields = ["complaint__tracking_no", "idempotency_key"]
    raw_id_fields = ["complaint", "event"]


@admin.register(LaporLink)
class LaporLinkAdmin(ReadOnlyAdmin):
    list_display = ["complaint", "tracking_id", "remote_status", "remote_version", "linked_at", "last_synced_at"]
    search_fields = ["complaint__tracking_no", "tracking_id"]
    raw_id_fields = ["complaint"]


@admin.register(SyncState)
class SyncStateAdmin(ReadOnlyAdmin):
    list_display = ["cursor", "last_pull_at", "last_ok_at", "last_error"]
