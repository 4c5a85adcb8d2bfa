"""SLA stages: rules as data (general and per category), due times, warning levels."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from kotacerdas.complaints import sla
from kotacerdas.complaints.models import SlaRule, SlaStage, SlaUnit
from kotacerdas.core import deadlines

WIB = ZoneInfo("Asia/Jakarta")


def at(y: int, m: int, d: int, hh: int = 10, mm: int = 0) -> datetime:
    return datetime(y, m, d, hh, mm, tzinfo=WIB)


@pytest.fixture(autouse=True)
def fresh_calendar(db) -> Iterator[None]:  # noqa: ANN001
    deadlines.clear_cache()
    yield
    deadlines.clear_cache()


def test_it_ships_the_general_rules_with_their_sources() -> None:
    rules = {r.stage: r for r in SlaRule.objects.filter(category__isnull=True)}
    assert {stage: (r.amount, r.unit) for stage, r in rules.items()} == {
        SlaStage.VERIFY: (3, SlaUnit.WORKING_DAYS),
        SlaStage.RESPOND: (5, SlaUnit.WORKING_DAYS),
        SlaStage.CONFIRM: (10, SlaUnit.WORKING_DAYS),
        SlaStage.RESOLVE: (60, SlaUnit.CALENDAR_DAYS),
    }
    assert "LAPOR!" in rules[SlaStage.VERIFY].source
    assert "Perpres 76/2013" in rules[SlaStage.RESOLVE].source


def test_it_prefers_a_category_rule_over_the_general_one(city) -> None:  # noqa: ANN001
    override = SlaRule.objects.create(stage=SlaStage.RESPOND, category=city.cat_lampu, amount=24,
                                      unit=SlaUnit.HOURS, source="Perwal uji: lampu lalu lintas 24 jam")
    assert sla.rule_for(SlaStage.RESPOND, city.cat_lampu) == override
    general = sla.rule_for(SlaStage.RESPOND, city.cat_sampah)
    assert (general.category_id, general.amount, general.unit) == (None, 5, SlaUnit.WORKING_DAYS)
    assert sla.rule_for(SlaStage.RESPOND, None) == general
    # The override changes the due time: 24 plain hours from Fri 10:00 is Sat 10:00.
    assert sla.due_for(SlaStage.RESPOND, at(2026, 7, 10), city.cat_lampu) == at(2026, 7, 11)
    # Other stages of that category still use the general rule.
    assert sla.rule_for(SlaStage.VERIFY, city.cat_lampu).category_id is None


def test_it_raises_a_clear_error_when_a_stage_has_no_rule(city) -> None:  # noqa: ANN001
    SlaRule.objects.filter(stage=SlaStage.VERIFY).delete()
    with pytest.raises(sla.SlaRuleMissing, match="Verifikasi admin"):
        sla.rule_for(SlaStage.VERIFY, city.cat_sampah)
    with pytest.raises(ValueError, match="unknown SLA stage"):
        sla.rule_for("approve", None)


def test_it_computes_stage_due_times_from_the_calendar(city) -> None:  # noqa: ANN001
    # Tue 17 Mar 2026 10:00, 3 hk: 25, 26, 27 Mar (18-24 Mar are Idul Fitri libur and cuti bersama).
    assert sla.due_for(SlaStage.VERIFY, at(2026, 3, 17), city.cat_sampah) == datetime(
        2026, 3, 27, 23, 59, 59, tzinfo=WIB
    )
    # 60 hari kalender: day 1 = 18 Mar, day 60 = 16 May.
    resolve_due = sla.due_for(SlaStage.RESOLVE, at(2026, 3, 17), None)
    assert resolve_due == datetime(2026, 5, 16, 23, 59, 59, tzinfo=WIB)


@pytest.mark.parametrize(
    ("elapsed", "level"),
    [
        (timedelta(0), 0),
        (timedelta(hours=4, minutes=54), 0),  # 49%
        (timedelta(hours=5), 50),  # 50%
        (timedelta(hours=7, minutes=59), 50),
        (timedelta(hours=8), 80),  # 80%
        (timedelta(hours=9, minutes=59), 80),
        (timedelta(hours=10), 100),  # 100%: due reached
        (timedelta(days=3), 100),
    ],
)
def test_it_raises_warning_levels_at_50_80_and_100_percent(elapsed: timedelta, level: int) -> None:
    start = at(2026, 7, 6, 0, 0)
    due = start + timedelta(hours=10)
    assert sla.warning_level(start, due, start + elapsed, SlaUnit.HOURS) == level


def test_it_does_not_climb_warning_levels_over_a_weekend(db) -> None:  # noqa: ANN001
    start = at(2026, 7, 10, 10, 0)  # Fri 10:00, 1 hk
    due = deadlines.due_at(start, 1, SlaUnit.WORKING_DAYS)  # Mon 13 Jul 23:59:59
    # Working time allowed: Fri 14 h + Mon 24 h. Friday evening has used 14 h of 38 h.
    assert sla.warning_level(start, due, at(2026, 7, 11, 12, 0), SlaUnit.WORKING_DAYS) == 0
    assert sla.warning_level(start, due, at(2026, 7, 12, 23, 0), SlaUnit.WORKING_DAYS) == 0
    assert sla.warning_level(start, due, at(2026, 7, 13, 12, 0), SlaUnit.WORKING_DAYS) == 50  # 26/38
    assert sla.warning_level(start, due, at(2026, 7, 13, 20, 0), SlaUnit.WORKING_DAYS) == 80  # 34/38
    assert sla.warning_level(start, due, at(2026, 7, 14, 0, 0), SlaUnit.WORKING_DAYS) == 100
    # The same clock in calendar time would already warn on Sunday night: 61 h of 86 h.
    assert sla.warning_level(start, due, at(2026, 7, 12, 23, 0), SlaUnit.CALENDAR_DAYS) == 50
