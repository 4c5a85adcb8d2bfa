"""Admin for people: role, OPD and area are set here (never by the people themselves)."""

from __future__ import annotations

from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.utils.translation import gettext_lazy as _

from kotacerdas.accounts.models import User


@admin.register(User)
class UserAdmin(DjangoUserAdmin):
    list_display = ["username", "get_full_name", "role", "agency", "region", "position", "is_active"]
    list_filter = ["role", "agency", "is_active", "is_superuser", "is_demo"]
    search_fields = ["username", "first_name", "last_name", "email", "position"]
    list_select_related = ["agency", "region"]
    raw_id_fields = ["region"]
    fieldsets = (
        (None, {"fields": ("username", "password")}),
        (_("Data pribadi"), {"fields": ("first_name", "last_name", "email", "phone", "nik")}),
        (_("Peran dan cakupan"), {"fields": ("role", "agency", "region", "position", "is_demo")}),
        (
            _("Hak akses"),
            {"fields": ("is_active", "is_staff", "is_superuser", "groups", "user_permissions")},
        ),
        (_("Tanggal penting"), {"fields": ("last_login", "date_joined")}),
    )
    add_fieldsets = (
        (None, {"classes": ("wide",), "fields": ("username", "usable_password", "password1", "password2")}),
        (_("Peran dan cakupan"), {"fields": ("first_name", "last_name", "email", "role", "agency", "region",
                                             "position", "phone")}),
    )

    @admin.display(description=_("nama"), ordering="first_name")
    def get_full_name(self, obj: User) -> str:
        return obj.get_full_name()
