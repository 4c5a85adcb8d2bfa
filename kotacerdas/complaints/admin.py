"""Admin for the complaint reference data (categories, routing table, SLA rules) and a read-only view of cases.

Cases change only through complaints/actions.py (the staff pages and the API), so every change lands in the
timeline; here a complaint is read-only apart from its SP4N-LAPOR! reference, and nobody can delete one. The
routing table is versioned: a new rule is created through `routing.set_rule`, which closes the old row.
"""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from kotacerdas.complaints import routing
from kotacerdas.complaints.models import Category, Complaint, ComplaintEvent, Photo, RoutingRule, SlaRule
from kotacerdas.regions.models import Level


class ReadOnlyInline(admin.TabularInline):
    extra = 0
    can_delete = False
    show_change_link = False

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


class RoutingRuleHistoryInline(ReadOnlyInline):
    model = RoutingRule
    fk_name = "category"
    fields = ["kecamatan", "agency", "valid_from", "valid_to", "created_by", "note"]
    readonly_fields = fields
    ordering = ["kecamatan", "-valid_from"]
    verbose_name = _("riwayat aturan disposisi")
    verbose_name_plural = _("riwayat aturan disposisi (ubah lewat menu Aturan disposisi)")


class SlaRuleInline(admin.TabularInline):
    model = SlaRule
    extra = 0
    fields = ["stage", "amount", "unit", "source"]


@admin.register(Category)
class CategoryAdmin(admin.ModelAdmin):
    list_display = ["name", "code", "group", "classification", "requires_after_photo", "forward_to_lapor",
                    "is_active", "current_agency"]
    list_filter = ["group", "classification", "is_active", "requires_after_photo"]
    search_fields = ["name", "code", "keywords", "name_en"]
    prepopulated_fields = {"code": ["name"]}
    inlines = [SlaRuleInline, RoutingRuleHistoryInline]

    @admin.display(description=_("OPD (seluruh kota)"))
    def current_agency(self, obj: Category) -> str:
        rule = routing.suggest(obj, None)
        return str(rule.agency) if rule else "—"

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        # Complaints keep their category (PROTECT); retire a category with "aktif" instead.
        return False


class CurrentRuleFilter(admin.SimpleListFilter):
    title = _("berlaku")
    parameter_name = "berlaku"

    def lookups(self, request: HttpRequest, model_admin: Any) -> list[tuple[str, Any]]:
        return [("semua", _("Semua, termasuk riwayat"))]

    def queryset(self, request: HttpRequest, queryset: QuerySet[RoutingRule]) -> QuerySet[RoutingRule]:
        if self.value() == "semua":
            return queryset
        return queryset.filter(valid_to__isnull=True)

    def choices(self, changelist: Any) -> Any:
        yield {"selected": self.value() is None,
               "query_string": changelist.get_query_string(remove=[self.parameter_name]),
               "display": _("Yang berlaku")}
        yield from super().choices(changelist)


@admin.register(RoutingRule)
class RoutingRuleAdmin(admin.ModelAdmin):
    """Rules are never edited in place: "add" replaces the current rule for (category, kecamatan)."""

    list_display = ["category", "kecamatan_label", "agency", "valid_from", "valid_to", "created_by", "note"]
    list_filter = [CurrentRuleFilter, "agency", "category"]
    search_fields = ["category__name", "agency__name", "kecamatan__name"]
    fields = ["category", "kecamatan", "agency", "note"]
    autocomplete_fields: list[str] = []

    @admin.display(description=_("kecamatan"), ordering="kecamatan__name")
    def kecamatan_label(self, obj: RoutingRule) -> str:
        return obj.kecamatan.name if obj.kecamatan_id else str(_("seluruh kota"))

    def formfield_for_foreignkey(self, db_field: Any, request: HttpRequest, **kwargs: Any) -> Any:
        if db_field.name == "kecamatan":
            kwargs["queryset"] = db_field.related_model.objects.filter(level=Level.KECAMATAN).order_by("name")
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> list[str]:
        if obj is not None:
            return ["category", "kecamatan", "agency", "note", "valid_from", "valid_to", "created_by"]
        return []

    def get_fields(self, request: HttpRequest, obj: Any = None) -> list[str]:
        if obj is not None:
            return ["category", "kecamatan", "agency", "note", "valid_from", "valid_to", "created_by"]
        return self.fields

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return obj is None and super().has_change_permission(request, obj)

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def save_model(self, request: HttpRequest, obj: RoutingRule, form: Any, change: bool) -> None:
        # Through the routing module: it closes the old row, so complaints routed by it keep their history.
        new = routing.set_rule(obj.category, obj.agency, kecamatan=obj.kecamatan, user=request.user,
                               note=obj.note)
        obj.pk = new.pk
        obj.valid_from = new.valid_from
        obj.created_by = new.created_by
        obj._state.adding = False


@admin.register(SlaRule)
class SlaRuleAdmin(admin.ModelAdmin):
    list_display = ["stage", "category", "amount", "unit", "source"]
    list_filter = ["stage", "unit"]
    search_fields = ["source", "category__name"]


class EventInline(ReadOnlyInline):
    model = ComplaintEvent
    fields = ["at", "kind", "actor", "agency", "from_status", "to_status", "is_public", "reason", "message"]
    readonly_fields = fields
    ordering = ["at", "id"]


class PhotoInline(ReadOnlyInline):
    model = Photo
    fields = ["kind", "image", "width", "height", "uploaded_by", "created_at"]
    readonly_fields = fields


IDENTITY_FIELDS = ["reporter", "reporter_name", "reporter_phone", "reporter_email", "reporter_nik"]


@admin.register(Complaint)
class ComplaintAdmin(admin.ModelAdmin):
    list_display = ["tracking_no", "title", "category", "status", "agency", "kecamatan", "created_at",
                    "is_rahasia", "is_anonim", "sla_level", "escalation_level"]
    list_filter = ["status", "category", "agency", "is_rahasia", "is_anonim", "channel", "needs_review"]
    search_fields = ["tracking_no", "title", "lapor_tracking_id"]
    date_hierarchy = "created_at"
    list_select_related = ["category", "agency", "kecamatan"]
    inlines = [PhotoInline, EventInline]
    # The secret link's token is never shown, not even here.
    exclude = ["access_token"]
    fieldsets = [
        (None, {"fields": ["tracking_no", "title", "description", "public_title", "public_description", "category",
                           "classification", "channel", "status", "outcome", "parent", "support_count"]}),
        (_("Lokasi"), {"fields": ["lat", "lon", "address", "kelurahan", "kecamatan"]}),
        (_("Penanganan"), {"fields": ["agency", "routing_rule", "assigned_to", "lapor_tracking_id"]}),
        (_("Identitas pelapor (rahasia)"), {"classes": ["collapse"],
                                            "fields": [*IDENTITY_FIELDS, "is_rahasia", "is_anonim"]}),
        (_("Tenggat"), {"classes": ["collapse"], "fields": [
            "created_at", "clock_started_at", "verified_at", "dispositioned_at", "accepted_at", "first_response_at",
            "resolved_at", "closed_at", "stage", "stage_started_at", "stage_due_at", "resolve_due_at", "sla_level",
            "escalation_level", "auto_closed", "reopen_count"]}),
        (_("Penilaian"), {"fields": ["rating", "rating_comment", "needs_review", "version"]}),
    ]

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> list[str]:
        # Everything but the SP4N-LAPOR! reference: status, routing, flags and texts change only through
        # actions.py, which writes the timeline and the audit log.
        editable = {"lapor_tracking_id"}
        return [f.name for f in Complaint._meta.fields if f.name not in editable and f.name != "access_token"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(ComplaintEvent)
class ComplaintEventAdmin(admin.ModelAdmin):
    list_display = ["at", "complaint", "kind", "actor", "agency", "from_status", "to_status", "is_public"]
    list_filter = ["kind", "is_public"]
    search_fields = ["complaint__tracking_no"]
    date_hierarchy = "at"
    list_select_related = ["complaint", "actor", "agency"]

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> list[str]:
        return [f.name for f in ComplaintEvent._meta.fields]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False
