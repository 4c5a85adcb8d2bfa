"""Complaint SLA stages: which rule applies, when a stage is due, how close it is to the limit.

Pure computing over `SlaRule` rows and `kotacerdas.core.deadlines`; it never writes a Complaint (actions.py
does).
Rules are data with their legal source (complaints/migrations/0002_default_sla_rules.py and the admin).
"""

from __future__ import annotations

from datetime import datetime

from django.db.models import Q
from django.utils.translation import gettext as _

from kotacerdas.complaints.models import Category, SlaRule, SlaStage
from kotacerdas.core import deadlines

# Warning levels in percent of the allowed time; the last one is the breach (red).
WARNING_THRESHOLDS: tuple[int, ...] = (50, 80, 100)
WARNING_THRESHOLDS_SOURCE = "issue #2: warnings at 50% and 80%, red at breach"
BREACH = 100


class SlaRuleMissing(LookupError):
    """No SlaRule for a stage: the data migration was not run or an admin deleted the general rule."""


def rule_for(stage: str, category: Category | None) -> SlaRule:
    """The category's own rule for `stage` if it has one, else the general rule (category empty)."""
    if stage not in SlaStage.values:
        raise ValueError(f"unknown SLA stage {stage!r}")
    wanted = Q(category__isnull=True)
    if category is not None:
        wanted |= Q(category=category)
    by_category = {rule.category_id: rule for rule in SlaRule.objects.filter(wanted, stage=stage)}
    rule = by_category.get(category.pk if category is not None else None) or by_category.get(None)
    if rule is not None:
        return rule
    raise SlaRuleMissing(
        _("Aturan SLA untuk tahap %(stage)s belum diatur. Tambahkan aturan umum di menu Aturan SLA.")
        % {"stage": SlaStage(stage).label}
    )


def due_for(stage: str, start: datetime, category: Category | None) -> datetime:
    """When `stage`, started at `start`, is due under its rule (site time zone)."""
    rule = rule_for(stage, category)
    return deadlines.due_at(start, rule.amount, rule.unit)


def warning_level(start: datetime, due: datetime, now: datetime, unit: str) -> int:
    """0, 50, 80 or 100 (breach): the highest threshold the used share of the allowed time has reached.

    hk limits count working-day time only (the level does not climb over a weekend); hari and jam count
    plain time. At exactly `due` the share is 100%, which is the breach level.
    """
    fraction = deadlines.elapsed_fraction(start, due, now, unit)
    level = 0
    for threshold in WARNING_THRESHOLDS:
        if fraction >= threshold / 100:
            level = threshold
    return level
