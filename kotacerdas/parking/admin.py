"""Django admin for every e-parking model. Payments, violations, settlement and occupancy are read-only here: they
change only through parking.actions (the API, the screens and the importers), so the audit trail stays complete."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import admin, messages
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from kotacerdas.parking import actions
from kotacerdas.parking.models import (
    DutySession,
    Jukir,
    JukirAssignment,
    LeakageAssessment,
    MerchantAccount,
    OccupancyReading,
    ParkingOperator,
    ParkingPoint,
    ParkingTransaction,
    ParkingViolation,
    PaymentProvider,
    PointCapacity,
    RoadSegment,
    SettlementFile,
    SettlementLine,
    Sticker,
    SubscriptionTariff,
    Tariff,
    TariffSchedule,
)


class ReadOnlyAdmin(admin.ModelAdmin):
    """Rows written only by parking.actions: visible and searchable, never edited or deleted by hand."""

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


class MerchantInline(admin.TabularInline):
    model = MerchantAccount
    extra = 0


@admin.register(ParkingOperator)
class OperatorAdmin(admin.ModelAdmin):
    list_display = ["code", "name", "kind", "operator_share_percent", "contract_end", "is_active", "is_demo"]
    list_filter = ["kind", "is_active", "is_demo"]
    search_fields = ["code", "name", "contract_number"]
    filter_horizontal = ["members"]
    inlines = [MerchantInline]


@admin.register(MerchantAccount)
class MerchantAccountAdmin(admin.ModelAdmin):
    list_display = ["merchant_id", "label", "operator", "is_active"]
    list_filter = ["is_active", "operator"]
    search_fields = ["merchant_id", "label"]


@admin.register(RoadSegment)
class RoadSegmentAdmin(admin.ModelAdmin):
    list_display = ["code", "street", "from_desc", "to_desc", "road_class", "kecamatan", "is_demo"]
    list_filter = ["road_class", "is_demo"]
    search_fields = ["code", "street"]
    raw_id_fields = ["kecamatan", "kelurahan"]


class CapacityInline(admin.TabularInline):
    model = PointCapacity
    extra = 0


class PointForm(forms.ModelForm):
    class Meta:
        model = ParkingPoint
        fields = ["code", "name", "segment", "operator", "lat", "lon", "approximate", "is_eparking", "eparking_since",
                  "land_use", "opens_at", "closes_at", "daily_target", "device", "source", "note", "is_active",
                  "is_demo"]

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        if data.get("lat") is not None and data.get("lon") is not None:
            # The area always follows the position; a point outside the city is refused (actions.locate).
            location = actions.locate(data["lat"], data["lon"])
            self.instance.kecamatan, self.instance.kelurahan = location.kecamatan, location.kelurahan
        return data


@admin.register(ParkingPoint)
class PointAdmin(admin.ModelAdmin):
    form = PointForm
    list_display = ["code", "name", "segment", "operator", "is_eparking", "daily_target", "device", "is_active",
                    "is_demo"]
    list_filter = ["is_eparking", "land_use", "operator", "is_active", "is_demo"]
    search_fields = ["code", "name", "segment__street"]
    raw_id_fields = ["segment", "device"]
    inlines = [CapacityInline]


@admin.register(PointCapacity)
class PointCapacityAdmin(admin.ModelAdmin):
    list_display = ["point", "vehicle_class", "spaces"]
    list_filter = ["vehicle_class"]
    search_fields = ["point__code"]
    raw_id_fields = ["point"]


class TariffInline(admin.TabularInline):
    model = Tariff
    extra = 0


@admin.register(TariffSchedule)
class TariffScheduleAdmin(admin.ModelAdmin):
    list_display = ["name", "regulation", "valid_from", "valid_to"]
    search_fields = ["name", "regulation"]
    inlines = [TariffInline]


@admin.register(Tariff)
class TariffAdmin(admin.ModelAdmin):
    list_display = ["schedule", "vehicle_class", "amount", "note"]
    list_filter = ["schedule", "vehicle_class"]


@admin.register(SubscriptionTariff)
class SubscriptionTariffAdmin(admin.ModelAdmin):
    list_display = ["vehicle_class", "amount", "regulation", "valid_from", "valid_to"]
    list_filter = ["vehicle_class"]


class AssignmentInline(admin.TabularInline):
    model = JukirAssignment
    extra = 0
    raw_id_fields = ["point"]


@admin.register(Jukir)
class JukirAdmin(admin.ModelAdmin):
    list_display = ["code", "name", "operator", "status", "card_issued_at", "is_demo"]
    list_filter = ["status", "operator", "is_demo"]
    search_fields = ["code", "name"]
    raw_id_fields = ["user"]
    readonly_fields = ["status", "status_reason", "status_changed_at", "card_issued_at"]
    inlines = [AssignmentInline]
    actions = ["reissue_card"]

    def save_model(self, request: HttpRequest, obj: Jukir, form: Any, change: bool) -> None:
        if not obj.card_secret:
            obj.card_secret = actions.new_card_secret()
        super().save_model(request, obj, form, change)

    @admin.action(description=_("Terbitkan ulang kartu (QR lama tidak berlaku)"))
    def reissue_card(self, request: HttpRequest, queryset: QuerySet[Jukir]) -> None:
        for jukir in queryset:
            actions.do_reissue_card(request.user, jukir)
        self.message_user(request, _("%(n)d kartu diterbitkan ulang.") % {"n": queryset.count()})


@admin.register(JukirAssignment)
class JukirAssignmentAdmin(admin.ModelAdmin):
    list_display = ["jukir", "point", "shift_start", "shift_end", "valid_from", "valid_to"]
    search_fields = ["jukir__code", "point__code"]
    raw_id_fields = ["jukir", "point"]


@admin.register(DutySession)
class DutySessionAdmin(ReadOnlyAdmin):
    list_display = ["jukir", "point", "started_at", "ended_at", "source"]
    search_fields = ["jukir__code", "point__code"]


@admin.register(Sticker)
class StickerAdmin(admin.ModelAdmin):
    list_display = ["number", "plate", "vehicle_class", "valid_from", "valid_to", "status", "is_demo"]
    list_filter = ["status", "vehicle_class", "is_demo"]
    search_fields = ["number", "barcode", "plate"]


@admin.register(PaymentProvider)
class PaymentProviderAdmin(admin.ModelAdmin):
    list_display = ["code", "name", "is_active"]
    actions = ["rotate_secret"]

    def save_model(self, request: HttpRequest, obj: PaymentProvider, form: Any, change: bool) -> None:
        if not obj.webhook_secret:
            obj.webhook_secret = actions.new_webhook_secret()
            messages.warning(request, _("Rahasia webhook %(c)s (tampil sekali, berikan ke penyedia): %(s)s")
                             % {"c": obj.code, "s": obj.webhook_secret})
        super().save_model(request, obj, form, change)

    @admin.action(description=_("Buat rahasia webhook baru (ditampilkan sekali)"))
    def rotate_secret(self, request: HttpRequest, queryset: QuerySet[PaymentProvider]) -> None:
        for provider in queryset:
            secret = actions.do_rotate_secret(request.user, provider)
            messages.warning(request, _("Rahasia webhook %(c)s (tampil sekali): %(s)s")
                             % {"c": provider.code, "s": secret})


@admin.register(ParkingTransaction)
class TransactionAdmin(ReadOnlyAdmin):
    list_display = ["reference", "point", "jukir", "method", "amount", "paid_at", "channel", "settled"]
    list_filter = ["channel", "method", "settled", "vehicle_class"]
    search_fields = ["reference", "point__code", "jukir__code", "merchant_id"]
    date_hierarchy = "paid_at"


@admin.register(ParkingViolation)
class ViolationAdmin(ReadOnlyAdmin):
    list_display = ["kind", "point", "jukir", "amount", "occurred_at", "status"]
    list_filter = ["kind", "status", "channel"]
    search_fields = ["reference", "point__code", "jukir__code"]
    date_hierarchy = "occurred_at"
    exclude = ["payload"]


class SettlementLineInline(admin.TabularInline):
    model = SettlementLine
    extra = 0
    can_delete = False
    readonly_fields = ["line_number", "reference", "merchant_id", "amount", "fee", "paid_at", "transaction", "status"]

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(SettlementFile)
class SettlementFileAdmin(ReadOnlyAdmin):
    list_display = ["provider", "settlement_date", "filename", "lines_total", "lines_matched", "lines_unmatched",
                    "amount_total", "imported_at"]
    list_filter = ["provider"]
    inlines = [SettlementLineInline]


@admin.register(SettlementLine)
class SettlementLineAdmin(ReadOnlyAdmin):
    list_display = ["file", "line_number", "reference", "amount", "status"]
    list_filter = ["status"]
    search_fields = ["reference"]


@admin.register(OccupancyReading)
class OccupancyReadingAdmin(ReadOnlyAdmin):
    list_display = ["point", "start", "seconds", "occupied", "total", "arrivals", "source"]
    search_fields = ["point__code"]
    date_hierarchy = "start"


@admin.register(LeakageAssessment)
class LeakageAssessmentAdmin(ReadOnlyAdmin):
    list_display = ["point", "day", "expected_revenue", "actual_revenue", "estimated_loss", "leakage_ratio", "basis",
                    "score"]
    list_filter = ["basis"]
    search_fields = ["point__code"]
    date_hierarchy = "day"

