from __future__ import annotations

from django.contrib import admin, messages
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from kotacerdas.sensors import actions
from kotacerdas.sensors.models import Device, Quarantine


@admin.register(Device)
class DeviceAdmin(admin.ModelAdmin):
    list_display = ["code", "name", "kind", "owner_module", "is_gateway", "is_active", "token_prefix",
                    "mqtt_username", "last_seen_at", "is_demo"]
    list_filter = ["kind", "is_active", "is_gateway", "is_demo"]
    search_fields = ["code", "name", "mqtt_username"]
    readonly_fields = ["token_prefix", "last_seen_at", "created_at"]
    actions = ["issue_token", "issue_mqtt_password"]

    @admin.action(description=_("Terbitkan token baru (token lama tidak berlaku)"))
    def issue_token(self, request: HttpRequest, queryset: QuerySet[Device]) -> None:
        for device in queryset:
            raw = actions.do_issue_token(request.user, device)
            # Shown once: only the hash is stored.
            messages.warning(request, _("Token %(code)s (catat sekarang, tidak ditampilkan lagi): %(token)s")
                             % {"code": device.code, "token": raw})

    @admin.action(description=_("Terbitkan kata sandi MQTT baru"))
    def issue_mqtt_password(self, request: HttpRequest, queryset: QuerySet[Device]) -> None:
        for device in queryset:
            raw = actions.do_issue_mqtt_password(request.user, device)
            messages.warning(request, _("MQTT %(user)s (catat sekarang): %(pw)s. Jalankan lagi "
                                        "`manage.py sensor_credentials mosquitto` dan muat ulang broker.")
                             % {"user": device.mqtt_username, "pw": raw})


@admin.register(Quarantine)
class QuarantineAdmin(admin.ModelAdmin):
    list_display = ["created_at", "kind", "source", "device", "sensor_key", "reason_code", "reason", "resolved_at"]
    list_filter = ["reason_code", "kind", "source", ("resolved_at", admin.EmptyFieldListFilter)]
    search_fields = ["sensor_key", "reason", "device__code", "topic"]
    date_hierarchy = "created_at"
    list_select_related = ["device"]
    actions = ["mark_resolved"]

    def get_readonly_fields(self, request: HttpRequest, obj: Quarantine | None = None) -> list[str]:
        return [f.name for f in Quarantine._meta.fields]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    @admin.action(description=_("Tandai sudah ditangani"))
    def mark_resolved(self, request: HttpRequest, queryset: QuerySet[Quarantine]) -> None:
        n = actions.do_resolve_quarantine(request.user, list(queryset.values_list("pk", flat=True)))
        messages.success(request, _("%(n)d baris ditandai.") % {"n": n})
