"""seed_planning on the real Medan outlines and OPD list: fast, idempotent, every rule respected."""

from __future__ import annotations

import time
from typing import Any

import pytest
from django.core.management import call_command

from kotacerdas.accounts.models import User
from kotacerdas.planning import actions
from kotacerdas.planning.models import BeritaAcara, Forum, KamusEntry, StageWindow, Usulan
from kotacerdas.planning.rules import Stage
from kotacerdas.regions import geo


@pytest.fixture
def medan(db: Any, settings: Any) -> None:
    from kotacerdas.core.demo.city import setup_city

    settings.DEMO = True
    setup_city(accounts=True)
    geo.reset_cache()


def test_it_seeds_a_live_planning_year_and_is_idempotent(medan: None) -> None:
    began = time.monotonic()
    call_command("seed_planning", verbosity=0)
    assert time.monotonic() - began < 30
    counts = (Usulan.objects.count(), BeritaAcara.objects.count(), Forum.objects.count())
    assert counts[0] >= 15 and counts[1] >= 6
    assert KamusEntry.objects.count() == 8
    today = actions.local_today()
    open_now = [w.stage for w in StageWindow.objects.all() if w.closed_at is None
                and w.opens_on <= today <= w.closes_on]
    assert open_now == [Stage.KECAMATAN]
    assert set(StageWindow.objects.exclude(closed_at=None).values_list("stage", flat=True)) == {
        Stage.REMBUK, Stage.KELURAHAN}
    assert Usulan.objects.filter(current_stage=Stage.KECAMATAN, status="diterima").exists()
    assert User.objects.filter(username="bappeda", role="perencana").exists()
    call_command("seed_planning", verbosity=0)
    assert (Usulan.objects.count(), BeritaAcara.objects.count(), Forum.objects.count()) == counts


def test_it_refuses_to_seed_demo_accounts_outside_demo_mode(medan: None, settings: Any) -> None:
    from django.core.management.base import CommandError

    settings.DEMO = False
    with pytest.raises(CommandError, match="DEMO=1"):
        call_command("seed_planning", verbosity=0)
