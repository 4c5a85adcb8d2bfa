"""The routing table: which OPD a category goes to, optionally per kecamatan, effective-dated."""

from __future__ import annotations

from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from kotacerdas.agencies.models import Agency
from kotacerdas.complaints.models import Category, RoutingRule
from kotacerdas.regions.models import Region


def current_rules():
    return RoutingRule.objects.filter(valid_to__isnull=True)


def suggest(category: Category, kecamatan: Region | None) -> RoutingRule | None:
    """The rule in force for a category at a place: a kecamatan-specific rule beats the city-wide one."""
    rules = current_rules().filter(category=category).filter(Q(kecamatan__isnull=True) | Q(kecamatan=kecamatan))
    rules = rules.select_related("agency").order_by("kecamatan_id", "-valid_from")
    best = None
    for rule in rules:
        if rule.kecamatan_id is not None and kecamatan is not None and rule.kecamatan_id == kecamatan.pk:
            return rule
        best = best or rule
    return best


@transaction.atomic
def set_rule(category: Category, agency: Agency, *, kecamatan: Region | None = None, user=None,
             note: str = "") -> RoutingRule:
    """Replaces the rule for (category, kecamatan): the old row is closed, never edited (complaints keep theirs)."""
    now = timezone.now()
    current_rules().filter(category=category, kecamatan=kecamatan).update(valid_to=now)
    return RoutingRule.objects.create(category=category, kecamatan=kecamatan, agency=agency, created_by=user,
                                      note=note)
