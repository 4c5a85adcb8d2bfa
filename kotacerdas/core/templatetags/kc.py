"""The `kc` template library: Indonesian date/money display, role badges, safe URL lookups and form widgets.

Load it with `{% load kc %}`.
"""

from __future__ import annotations

import datetime as dt
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from typing import Any
from zoneinfo import ZoneInfo

from django import template
from django.forms import (
    BoundField,
    CheckboxInput,
    CheckboxSelectMultiple,
    RadioSelect,
    Select,
    SelectMultiple,
)
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django.utils.html import format_html
from django.utils.safestring import SafeString
from django.utils.translation import get_language, pgettext_lazy

register = template.Library()

# Indonesian abbreviations (PUEBI: "Mei", "Agu", "Okt", "Des" differ from English). They are translatable
# so that the English interface shows English month names in the same layout.
MONTHS_SHORT = (
    pgettext_lazy("bulan singkat", "Jan"), pgettext_lazy("bulan singkat", "Feb"),
    pgettext_lazy("bulan singkat", "Mar"), pgettext_lazy("bulan singkat", "Apr"),
    pgettext_lazy("bulan singkat", "Mei"), pgettext_lazy("bulan singkat", "Jun"),
    pgettext_lazy("bulan singkat", "Jul"), pgettext_lazy("bulan singkat", "Agu"),
    pgettext_lazy("bulan singkat", "Sep"), pgettext_lazy("bulan singkat", "Okt"),
    pgettext_lazy("bulan singkat", "Nov"), pgettext_lazy("bulan singkat", "Des"),
)
MONTHS_LONG = (
    pgettext_lazy("bulan", "Januari"), pgettext_lazy("bulan", "Februari"),
    pgettext_lazy("bulan", "Maret"), pgettext_lazy("bulan", "April"),
    pgettext_lazy("bulan", "Mei"), pgettext_lazy("bulan", "Juni"),
    pgettext_lazy("bulan", "Juli"), pgettext_lazy("bulan", "Agustus"),
    pgettext_lazy("bulan", "September"), pgettext_lazy("bulan", "Oktober"),
    pgettext_lazy("bulan", "November"), pgettext_lazy("bulan", "Desember"),
)

# Indonesia's three legal time zones (Keppres 41/1987); the IANA zones that fall in each.
ZONE_ABBREVIATIONS = {
    "Asia/Jakarta": "WIB", "Asia/Pontianak": "WIB",
    "Asia/Makassar": "WITA", "Asia/Ujung_Pandang": "WITA",
    "Asia/Jayapura": "WIT",
}

def site_timezone_name() -> str:
    # SiteSettings.load() is cached per process (and cleared on save), so a list page of timestamps reads it once.
    from kotacerdas.core.deadlines import site_timezone

    return site_timezone()


def zone_abbreviation(zone_name: str, moment: dt.datetime) -> str:
    return ZONE_ABBREVIATIONS.get(zone_name) or moment.tzname() or zone_name


def _month(index: int, long: bool) -> str:
    months = MONTHS_LONG if long else MONTHS_SHORT
    return str(months[index - 1])


@register.filter
def localtime_id(value: dt.datetime | dt.date | None, fmt: str = "") -> str:
    """'23 Nov 2026 14.05 WIB' in the city's zone.

    `fmt` may be "date" (date only), "long" (full month name) or "long date". A plain date prints as a date.
    """
    if value is None or value == "":
        return ""
    options = set(fmt.split())
    long = "long" in options
    if not isinstance(value, dt.datetime):
        if isinstance(value, dt.date):
            return f"{value.day} {_month(value.month, long)} {value.year}"
        return str(value)
    zone_name = site_timezone_name()
    if timezone.is_naive(value):
        # Naive values only come from code that already works in local time; label them, do not shift them.
        local = value.replace(tzinfo=ZoneInfo(zone_name))
    else:
        local = value.astimezone(ZoneInfo(zone_name))
    day = f"{local.day} {_month(local.month, long)} {local.year}"
    if "date" in options:
        return day
    # Indonesian writes 14.05 (PUEBI); English readers expect 14:05.
    sep = ":" if (get_language() or "id").startswith("en") else "."
    return f"{day} {local:%H}{sep}{local:%M} {zone_abbreviation(zone_name, local)}"


@register.filter
def rupiah(value: Any, decimals: bool = False) -> str:
    """Rp1.250.000 (PUEBI: no space after Rp, dots for thousands, comma for decimals)."""
    if value is None or value == "":
        return ""
    try:
        amount = Decimal(str(value))
    except (InvalidOperation, ValueError):
        return str(value)
    sign = "-" if amount < 0 else ""
    amount = abs(amount)
    if decimals or amount != amount.to_integral_value():
        whole, _dot, cents = f"{amount.quantize(Decimal('0.01'), rounding=ROUND_HALF_UP):f}".partition(".")
        tail = f",{cents}"
    else:
        whole, tail = f"{amount.quantize(Decimal('1'), rounding=ROUND_HALF_UP):f}", ""
    grouped = f"{int(whole):,}".replace(",", ".")
    return f"{sign}Rp{grouped}{tail}"


ROLE_COLOURS = {
    "warga": "bg-secondary-lt",
    "admin_koordinator": "bg-blue-lt",
    "penghubung": "bg-teal-lt",
    "petugas": "bg-green-lt",
    "operator": "bg-cyan-lt",
    "pimpinan": "bg-purple-lt",
    "superadmin": "bg-red-lt",
}


@register.filter
def role_badge(value: Any) -> SafeString:
    """A coloured badge for a user (or a role value): 'Penghubung OPD'."""
    from kotacerdas.accounts.models import Role

    if value is None or value == "":
        return SafeString("")
    role = getattr(value, "role", value)
    try:
        label = Role(role).label
    except ValueError:
        label = str(role)
    colour = ROLE_COLOURS.get(str(role), "bg-secondary-lt")
    return format_html('<span class="badge {} kc-role-badge">{}</span>', colour, label)


@register.simple_tag
def url_or_hash(name: str, *args: Any, **kwargs: Any) -> str:
    """The URL for `name`, or '#' while the view that owns it does not exist yet (apps grow in parallel)."""
    try:
        return reverse(name, args=args or None, kwargs=kwargs or None)
    except NoReverseMatch:
        return "#"


@register.simple_tag(takes_context=True)
def nav_active(context: template.Context, *names: str) -> str:
    """'active' when the current page's URL name (e.g. 'complaints:queue') is one of `names`."""
    request = context.get("request")
    match = getattr(request, "resolver_match", None)
    if match is None:
        return ""
    return "active" if match.view_name in names else ""


@register.filter
def form_control(field: BoundField, extra_class: str = "") -> str:
    """Render a form field's widget with Tabler classes and `is-invalid` when the field has errors."""
    widget = field.field.widget
    if isinstance(widget, CheckboxInput | CheckboxSelectMultiple | RadioSelect):
        css = "form-check-input"
    elif isinstance(widget, Select | SelectMultiple):
        css = "form-select"
    else:
        css = "form-control"
    if field.errors:
        css += " is-invalid"
    if extra_class:
        css += f" {extra_class}"
    existing = widget.attrs.get("class", "")
    attrs = {"class": f"{existing} {css}".strip()}
    if field.errors:
        attrs["aria-invalid"] = "true"
        attrs["aria-describedby"] = f"{field.auto_id}_error"
    elif field.help_text:
        attrs["aria-describedby"] = f"{field.auto_id}_help"
    return field.as_widget(attrs=attrs)


@register.filter
def is_checkbox(field: BoundField) -> bool:
    return isinstance(field.field.widget, CheckboxInput)
