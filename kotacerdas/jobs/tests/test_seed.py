"""The demo seed: the 21 job-fair companies plus generated ones, a consistent state, idempotent."""

from __future__ import annotations

import time

from kotacerdas.accounts.models import User
from kotacerdas.jobs import actions, seed, selectors
from kotacerdas.jobs.models import (
    Ak1Card,
    Application,
    CardStatus,
    Company,
    JobEvent,
    Placement,
    SeekerProfile,
    TptFigure,
    Vacancy,
)
from kotacerdas.jobs.rules import parse_nik


def test_it_seeds_the_demo_once_and_consistently(city, settings, tmp_path) -> None:
    settings.MEDIA_ROOT = str(tmp_path)
    started = time.monotonic()
    first = seed.seed(accounts=True)
    elapsed = time.monotonic() - started
    assert elapsed < 30
    assert Company.objects.filter(source=seed.JOBFAIR_SOURCE).count() == 21
    assert Company.objects.count() == 21 + seed.GENERATED_COMPANIES + 1
    assert SeekerProfile.objects.count() == seed.SEEKERS
    assert Vacancy.objects.filter(status="terbit").exists() and Vacancy.objects.filter(status="menunggu").exists()
    assert Application.objects.values("stage").distinct().count() >= 5
    assert Placement.objects.exists() and TptFigure.objects.count() == 3
    assert JobEvent.objects.get(title="Job Fair 2025 Disnaker Kota Medan").companies.count() == 21
    assert Ak1Card.objects.filter(status=CardStatus.NONAKTIF).exists()  # a missed report, swept
    assert Ak1Card.objects.filter(status=CardStatus.DIMINTA).exists()
    for profile in SeekerProfile.objects.all():
        parse_nik(profile.nik, selectors.today())  # every generated NIK passes the real checks
    assert User.objects.get(username="pencaker1").check_password("demo12345")
    assert User.objects.get(username="perusahaan1").company_member.is_admin
    for placement in Placement.objects.all():
        assert placement.seeker not in selectors.active_seekers()
    counts = {m: m.objects.count() for m in (Company, Vacancy, SeekerProfile, Application, Placement, Ak1Card)}
    second = seed.seed(accounts=True)
    assert second.as_text() == "tidak ada perubahan (sudah lengkap)", second.as_text()
    assert counts == {m: m.objects.count() for m in counts}
    assert "perusahaan" in first.created and actions.sweep_ak1()["nonaktif"] == 0
