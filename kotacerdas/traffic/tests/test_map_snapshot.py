"""The stored city map (MapSnapshot): what the refresh task computes once, every process reads."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

import pytest
from django.core.cache import cache

from kotacerdas.traffic import engineering, selectors
from kotacerdas.traffic.ingest import TrafficHandler
from kotacerdas.traffic.models import MapSnapshot
from kotacerdas.traffic.tests.test_engineering import worked  # noqa: F401 - fixture


def _no_computing(monkeypatch: Any) -> None:
    def refuse(*args: Any, **kwargs: Any) -> None:
        raise AssertionError("the map was computed instead of read")

    monkeypatch.setattr(engineering, "states", refuse)


def test_the_refresh_task_stores_the_map_that_another_process_then_reads_without_computing(
        atcs: Any, worked: datetime, monkeypatch: Any, django_assert_max_num_queries: Any,  # noqa: F811
) -> None:
    computed = selectors.refresh_map(now=worked)
    [row] = MapSnapshot.objects.all()
    assert row.bucket_start == atcs.now and len(row.states) == len(computed) == 1

    cache.clear()  # a web worker that has not seen this bucket: its own cache is empty
    _no_computing(monkeypatch)
    with django_assert_max_num_queries(2):  # the snapshot row + the live alarm counts
        [state] = selectors.latest_state(now=worked)
    assert state == computed[0]
    assert (state.los, state.has_data, state.bucket_start) == ("B", True, atcs.now)
    with django_assert_max_num_queries(1):  # now in this process's cache as well
        assert selectors.latest_state(now=worked) == [state]


def test_a_request_that_computes_the_map_keeps_it_in_its_cache_but_does_not_store_it(
        atcs: Any, worked: datetime) -> None:  # noqa: F811
    [state] = selectors.latest_state(now=worked)

    assert state.los == "B"
    assert not MapSnapshot.objects.exists()  # only the refresh task writes snapshots


def test_in_the_minute_after_a_bucket_closes_the_previous_stored_bucket_is_shown(
        atcs: Any, worked: datetime, monkeypatch: Any) -> None:  # noqa: F811
    selectors.refresh_map(now=worked)
    cache.clear()
    _no_computing(monkeypatch)

    [state] = selectors.latest_state(now=worked + timedelta(minutes=15))  # the next bucket has no snapshot yet

    assert state.bucket_start == atcs.now


def test_clearing_the_map_forgets_the_stored_snapshot_too(atcs: Any, worked: datetime) -> None:  # noqa: F811
    selectors.refresh_map(now=worked)

    selectors.clear_cache(now=worked)

    assert not MapSnapshot.objects.exists()


@pytest.mark.parametrize(("age_days", "kept"), [(7, True), (8, True), (9, False)])
def test_the_daily_retention_prunes_snapshots_older_than_eight_days(atcs: Any, age_days: int, kept: bool) -> None:
    now = atcs.now
    MapSnapshot.objects.create(bucket_start=now - timedelta(days=age_days, minutes=-1), computed_at=now, states=[])

    TrafficHandler().prune(now)

    assert MapSnapshot.objects.exists() is kept
