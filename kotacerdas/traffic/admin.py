from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import admin
from django.http import HttpRequest

from kotacerdas.traffic import actions
from kotacerdas.traffic.models import (
    Alarm,
    Approach,
    Detector,
    DetectorHealthReport,
    DetectorPair,
    EngineeringProfile,
    Intersection,
    Lane,
    Phase,
    PhaseGreen,
    Rollup5Min,
    Rollup15Min,
    RollupHour,
    SignalController,
    TimingPlan,
    TrafficReading,
)


class IntersectionForm(forms.ModelForm):
    class Meta:
        model = Intersection
        fields = ["code", "name", "lat", "lon", "approximate", "source", "note", "is_active", "is_demo"]

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        if data.get("lat") is not None and data.get("lon") is not None:
            # Kecamatan and kelurahan always follow the point; a point outside the city is refused.
            location = actions.locate(data["lat"], data["lon"])
            self.instance.kecamatan, self.instance.kelurahan = location.kecamatan, location.kelurahan
        return data


class ApproachInline(admin.TabularInline):
    model = Approach
    extra = 0
    show_change_link = True


@admin.register(Intersection)
class IntersectionAdmin(admin.ModelAdmin):
    form = IntersectionForm
    list_display = ["code", "name", "kecamatan", "approximate", "is_active", "is_demo"]
    list_filter = ["approximate", "is_active", "is_demo", "kecamatan"]
    search_fields = ["code", "name"]
    readonly_fields = ["kecamatan", "kelurahan"]
    inlines = [ApproachInline]


class LaneInline(admin.TabularInline):
    model = Lane
    extra = 0


class DetectorInline(admin.TabularInline):
    model = Detector
    extra = 0
    autocomplete_fields = ["device"]


@admin.register(Approach)
class ApproachAdmin(admin.ModelAdmin):
    list_display = ["intersection", "direction", "name", "width_m", "lanes"]
    list_select_related = ["intersection"]
    search_fields = ["intersection__code", "intersection__name", "name"]
    inlines = [LaneInline, DetectorInline]


@admin.register(Detector)
class DetectorAdmin(admin.ModelAdmin):
    list_display = ["code", "kind", "approach", "lane", "device", "is_active", "is_demo"]
    list_filter = ["kind", "is_active", "is_demo"]
    list_select_related = ["approach__intersection", "lane", "device"]
    search_fields = ["code", "approach__intersection__code", "device__code"]
    autocomplete_fields = ["approach", "device"]


class PhaseInline(admin.TabularInline):
    model = Phase
    extra = 0


class TimingPlanInline(admin.TabularInline):
    model = TimingPlan
    extra = 0
    show_change_link = True


@admin.register(SignalController)
class SignalControllerAdmin(admin.ModelAdmin):
    list_display = ["code", "intersection", "model", "device", "is_demo"]
    search_fields = ["code", "intersection__code", "intersection__name"]
    list_select_related = ["intersection", "device"]
    inlines = [PhaseInline, TimingPlanInline]


class PhaseGreenInline(admin.TabularInline):
    model = PhaseGreen
    extra = 0


@admin.register(TimingPlan)
class TimingPlanAdmin(admin.ModelAdmin):
    list_display = ["controller", "name", "cycle_s", "lost_time_s", "effective_from"]
    list_select_related = ["controller"]
    inlines = [PhaseGreenInline]


class ReadOnlyAdmin(admin.ModelAdmin):
    """Readings are written only by the ingestion pipeline; the admin shows them."""

    list_select_related = ["detector"]
    raw_id_fields = ["detector"]
    show_full_result_count = False  # COUNT(*) over millions of readings would make every page slow

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(TrafficReading)
class TrafficReadingAdmin(ReadOnlyAdmin):
    list_display = ["detector", "start", "seconds", "vehicles", "motor", "car", "heavy", "flow", "speed",
                    "occupancy", "source", "received_at"]
    list_filter = ["source"]
    search_fields = ["detector__code"]


class RollupAdmin(ReadOnlyAdmin):
    list_display = ["detector", "bucket_start", "readings", "vehicles", "flow_vph", "mean_speed", "mean_occupancy"]
    search_fields = ["detector__code"]


admin.site.register(Rollup5Min, RollupAdmin)
admin.site.register(Rollup15Min, RollupAdmin)
admin.site.register(RollupHour, RollupAdmin)


@admin.register(EngineeringProfile)
class EngineeringProfileAdmin(admin.ModelAdmin):
    list_display = ["intersection", "source"]
    search_fields = ["intersection__code", "intersection__name"]


@admin.register(DetectorPair)
class DetectorPairAdmin(admin.ModelAdmin):
    """California detection runs only on pairs an engineer defines here (positions are not guessed)."""

    list_display = ["upstream", "downstream"]
    raw_id_fields = ["upstream", "downstream"]


@admin.register(Alarm)
class AlarmAdmin(admin.ModelAdmin):
    """Read-only: alarms change state only through traffic.actions (audited), from the operators' screens."""

    list_display = ["raised_at", "kind", "state", "intersection", "detector", "score", "reason"]
    list_filter = ["kind", "state"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(DetectorHealthReport)
class DetectorHealthReportAdmin(admin.ModelAdmin):
    list_display = ["day", "detector", "healthy", "observed_share", "imputed_share"]
    list_filter = ["healthy", "day"]

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False
