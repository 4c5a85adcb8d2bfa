"""Advisory score of an usulan (rule 28 [U]): configurable weights, shown beside the forum's rank, never instead.

score = 100 × Σ weight_c × value_c / Σ weight_c, with each criterion scaled to 0..1:
- urgency 1..5 → (u - 1) / 4;
- beneficiaries on a log scale up to rules.BENEFICIARIES_FULL_SCORE people;
- alignment: none 0, Renstra 0.5, RPJMD 1.
"""

from __future__ import annotations

import math
from decimal import Decimal
from typing import Any

from kotacerdas.planning.models import PlanningYear, ScoringWeight
from kotacerdas.planning.rules import BENEFICIARIES_FULL_SCORE, DEFAULT_WEIGHTS


def weights_for(year: PlanningYear) -> dict[str, float]:
    rows = {w.criterion: float(w.weight) for w in ScoringWeight.objects.filter(planning_year=year)}
    return {k: rows.get(k, v) for k, v in DEFAULT_WEIGHTS.items()}


def criteria(usulan: Any) -> dict[str, float]:
    people = max(0, int(usulan.beneficiaries or 0))
    return {
        "urgency": (min(5, max(1, int(usulan.urgency))) - 1) / 4,
        "beneficiaries": min(1.0, math.log10(1 + people) / math.log10(1 + BENEFICIARIES_FULL_SCORE)),
        "alignment": min(2, max(0, int(usulan.alignment))) / 2,
    }


def score(usulan: Any, weights: dict[str, float]) -> Decimal:
    total = sum(weights.values())
    if total <= 0:
        return Decimal(0)
    values = criteria(usulan)
    raw = 100 * sum(weights[k] * values[k] for k in weights) / total
    return Decimal(str(round(raw, 1)))
