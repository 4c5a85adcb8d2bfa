"""The worker computes the leaders' default performance pages ahead into the shared cache (prewarm.py)."""

from __future__ import annotations

from typing import Any

import pytest
from django.core.cache import caches
from django.urls import reverse

from conftest import PASSWORD
from kotacerdas.command_center import performance, prewarm
from kotacerdas.command_center.tests.conftest import MON


def _forget(scopes: list[Any]) -> None:
    """The shared cache outlives a test's transaction on Redis: drop what this test may have stored."""
    period = performance.default_period()
    store = caches["shared"]
    for scope in scopes:
        for dimension in performance.DIMENSIONS:
            store.delete(performance.figures_key(scope.key, dimension, period))
        store.delete(f"cc-report:{scope.key}:{performance.last_month(period.end)}")


@pytest.fixture
def cached_figures(settings: Any, cases: Any) -> Any:
    settings.COMMAND_CENTER_FIGURES_MAX_AGE = 300
    cases.handled(MON)
    performance.sync()
    scopes = prewarm.scopes()
    _forget(scopes)
    yield scopes
    _forget(scopes)


@pytest.mark.django_db
def test_prewarmed_pages_are_read_from_the_shared_cache_database_or_redis(cached_figures: Any, client: Any,
                                                                          city: Any, people: Any,
                                                                          monkeypatch: Any) -> None:
    # The whole city (OPD, kecamatan, kelurahan, officer) and the head of DLH's page (per OPD).
    assert [s.key for s in cached_figures] == ["kota", f"opd-{city.dlh.pk}"]
    assert prewarm.prewarm() == 5

    def refuse(*args: Any, **kwargs: Any) -> None:
        raise AssertionError("computed during the page view")

    monkeypatch.setattr(performance, "totals", refuse)
    for user in (people.walikota, people.kepala_dlh):
        assert client.login(username=user.username, password=PASSWORD)
        assert client.get(reverse("command_center:performance")).status_code == 200
        if user == people.walikota:  # last month's city report too
            assert client.get(reverse("command_center:report")).status_code == 200


@pytest.mark.django_db
def test_the_worker_recomputes_only_the_pages_whose_facts_changed(cached_figures: Any, cases: Any) -> None:
    assert prewarm.prewarm() == 5
    assert prewarm.prewarm() == 0  # nothing new since

    cases.handled(MON)
    performance.sync()

    assert prewarm.prewarm() == 5


@pytest.mark.django_db
def test_nothing_is_computed_ahead_when_figures_are_never_cached(settings: Any, cases: Any) -> None:
    settings.COMMAND_CENTER_FIGURES_MAX_AGE = 0

    assert prewarm.prewarm() == 0
