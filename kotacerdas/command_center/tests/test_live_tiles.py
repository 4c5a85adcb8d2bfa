"""The live room's tiles against hand-made data: today until now vs the same weekday last week until the same
time, scoped by the reader. The figures in the comments are worked out from tests/conftest.py by hand."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from django.core.cache import cache

from kotacerdas.command_center import live
from kotacerdas.command_center.tests.live_fixtures import *  # noqa: F403 - the shared fixtures
from kotacerdas.command_center.tests.live_fixtures import NOW, at
from kotacerdas.complaints import selectors as complaint_selectors
from kotacerdas.traffic.models import MapSnapshot


@pytest.fixture(autouse=True)
def _fresh_cache() -> None:
    cache.clear()


def figures(user: Any) -> dict[str, Any]:
    return complaint_selectors.command_center_figures(user, now=NOW, day_start=live.day_start(NOW),
                                                      week=live.WEEK)


def test_it_starts_the_day_at_midnight_in_the_city_zone(db: Any) -> None:
    assert live.day_start(NOW) == at(18, 0)
    assert live.day_start(NOW - timedelta(hours=14, minutes=1)) == at(17, 0)


def test_it_counts_complaints_today_against_last_week_until_the_same_time(people: Any,
                                                                          week_of_complaints: Any) -> None:
    f = figures(people.oscar)
    # c1 01:00 and c2 09:00 today; c4 08:00 and c5 13:00 last Wednesday (c6 came at 15:00, after 14:00).
    assert (f["created_today"], f["created_last_week"]) == (2, 2)
    # Open now: c1, c2, c6, c7; overdue: c2 and c6.
    assert (f["open"], f["overdue"]) == (4, 2)
    # Open at 14:00 last Wednesday: c4, c5 (closed today) and c7 (selesai then, still open); c8 had closed at 09:00.
    assert f["open_last_week"] == 3
    # Resolved today: c4 on time, c5 after its due time; last week c7 on time (c8 was resolved the day before).
    assert (f["resolved_today"], f["on_time_today"]) == (2, 1)
    assert (f["resolved_last_week"], f["on_time_last_week"]) == (1, 1)
    # Ratings today 4 and 2; last week 5.
    assert (f["rating_today"], f["rated_today"]) == (3.0, 2)
    assert (f["rating_last_week"], f["rated_last_week"]) == (5.0, 1)
    # Breaches: c6 today; c7 twice last Wednesday before 14:00.
    assert (f["breaches_today"], f["breaches_last_week"]) == (1, 2)


def test_it_turns_the_figures_into_tiles_with_trend_and_tone(people: Any, week_of_complaints: Any) -> None:
    tiles = {t.key: t for t in live.complaint_tiles(people.oscar, NOW, live.day_start(NOW))}
    assert tiles["complaints_today"].value == "2"
    assert tiles["complaints_today"].trend.direction == "flat"
    opened = tiles["complaints_open"]
    assert (opened.value, opened.trend.before, opened.trend.direction, opened.trend.tone) == ("4", 3, "up", "red")
    assert "33%" in opened.trend_text and "(3)" in opened.trend_text
    on_time = tiles["complaints_on_time"]
    assert on_time.value == "50%"
    assert (on_time.trend.now, on_time.trend.before, on_time.trend.tone) == (50.0, 100.0, "red")
    rating = tiles["complaints_rating"]
    assert rating.value == "3,0 / 5" and rating.trend.tone == "red"
    overdue = tiles["complaints_overdue"]
    assert overdue.value == "2" and overdue.tone == "red" and overdue.trend.tone == "green"


def test_it_scopes_the_complaint_tiles_to_the_head_of_an_opd(people: Any, week_of_complaints: Any) -> None:
    dlh = figures(people.kepala_dlh)
    # DLH holds everything but c2 (Dishub).
    assert (dlh["created_today"], dlh["open"], dlh["overdue"], dlh["breaches_today"]) == (1, 3, 1, 1)
    dishub = figures(people.hendra)
    assert (dishub["created_today"], dishub["open"], dishub["overdue"], dishub["resolved_today"]) == (1, 1, 1, 0)
    # A lurah of Pasar Baru: every case but c2 (Babura) too.
    assert figures(people.lurah)["open"] == 3


def test_it_shows_no_figure_rather_than_zero_when_nothing_was_resolved_or_rated(people: Any, city: Any) -> None:
    tiles = {t.key: t for t in live.complaint_tiles(people.oscar, NOW, live.day_start(NOW))}
    assert tiles["complaints_on_time"].value == "–"
    assert tiles["complaints_rating"].value == "–"
    assert tiles["complaints_today"].trend.percent is None


def test_it_compares_parking_revenue_with_target_and_last_week(people: Any, parking: Any) -> None:
    now = parking.now
    parking.pay(paid_at=now - timedelta(hours=1))
    parking.pay(paid_at=now - timedelta(minutes=30))
    parking.pay(paid_at=now - timedelta(days=7, hours=1))
    parking.pay(paid_at=now - timedelta(days=7) + timedelta(hours=1))  # after the same time last week
    [tile] = live.parking_tiles(people.oscar, now, live.day_start(now))
    assert (tile.trend.now, tile.trend.before) == (6000, 3000)
    assert tile.extra["target"] == 4 * 150000 and tile.extra["transactions"] == 2
    assert tile.value == "Rp6.000" and tile.trend.tone == "green"
    assert live.parking_tiles(people.dewi, now, live.day_start(now)) == []  # DLH's penghubung: no parking


def test_it_counts_active_incidents_and_los_from_the_atcs_cache(people: Any, atcs: Any, city: Any,
                                                                monkeypatch: Any) -> None:
    from kotacerdas.traffic import actions, engineering
    from kotacerdas.traffic.tests.test_engineering import add_plan, five_minutes, ingest

    add_plan(atcs)
    bucket = atcs.now
    ingest(atcs, five_minutes("D1", bucket, 60, 40, 5, 30.0, 20.0) + five_minutes("D2", bucket, 50, 35, 4, 28.0, 18.0)
           + five_minutes("C1", bucket, 70, 30, 3, 25.0, 25.0), now=bucket + timedelta(minutes=20))
    monkeypatch.setattr(engineering, "last_complete_bucket", lambda now=None, resolution="15min": bucket)
    now = bucket + timedelta(minutes=20)
    start = live.day_start(now)
    actions.do_raise(kind="incident", method="zscore", key="zscore:D1", intersection=atcs.intersection,
                     raised_at=now - timedelta(minutes=5), score=4.0, reason="uji")
    actions.do_raise(kind="detector", method="health", key="health:D2", intersection=atcs.intersection,
                     raised_at=now - timedelta(minutes=5), score=None, reason="uji")
    old = actions.do_raise(kind="congestion", method="zscore", key="zscore:C1", intersection=atcs.intersection,
                           raised_at=now - timedelta(days=7, minutes=1), score=3.0, reason="uji")
    old.state = "cleared"
    old.save()
    los, incidents = live.traffic_tiles(people.oscar, now, start)
    grades = los.extra["los"]
    assert sum(grades.values()) == 1 and sum(los.extra["los_last_week"].values()) == 0  # no data a week ago
    assert los.value == str(grades["E"] + grades["F"])
    assert incidents.value == "1"  # the open incident; the detector fault is an alarm, not an incident
    assert (incidents.trend.now, incidents.trend.before) == (1, 1)
    assert "2" in incidents.sub  # both open alarms
    assert live.traffic_tiles(people.dewi, now, start) == []  # no ATCS for DLH


def test_it_precomputes_last_weeks_atcs_map_for_the_los_tile(atcs: Any, monkeypatch: Any) -> None:
    from kotacerdas.command_center import tasks_live
    from kotacerdas.traffic import engineering
    from kotacerdas.traffic import selectors as traffic_selectors

    bucket = atcs.now
    monkeypatch.setattr(engineering, "last_complete_bucket", lambda now=None, resolution="15min": bucket)
    assert cache.get(traffic_selectors._cache_key(bucket - live.WEEK)) is None
    assert tasks_live.refresh_week_ago_map() == 1
    [state] = cache.get(traffic_selectors._cache_key(bucket - live.WEEK))
    assert state.code == "smp-1" and state.bucket_start == bucket - live.WEEK
    # Stored for every process; the next run (5 minutes later, same bucket) does not compute it again.
    assert MapSnapshot.objects.filter(bucket_start=bucket - live.WEEK).exists()
    assert tasks_live.refresh_week_ago_map() == 0


def test_the_los_tile_reads_both_stored_maps_without_computing_after_a_restart(atcs: Any, people: Any,
                                                                             monkeypatch: Any) -> None:
    from kotacerdas.command_center import tasks_live
    from kotacerdas.traffic import engineering
    from kotacerdas.traffic import selectors as traffic_selectors

    bucket = atcs.now
    monkeypatch.setattr(engineering, "last_complete_bucket", lambda now=None, resolution="15min": bucket)
    traffic_selectors.refresh_map()  # the traffic app's 5-minute task
    tasks_live.refresh_week_ago_map()  # this app's, for the week-old bucket
    cache.clear()  # a fresh web process

    def refuse(*args: Any, **kwargs: Any) -> None:
        raise AssertionError("computed in the request")

    monkeypatch.setattr(engineering, "states", refuse)
    now = bucket + timedelta(minutes=20)
    los, _incidents = live.traffic_tiles(people.oscar, now, live.day_start(now))
    assert sum(los.extra["los"].values()) == 0  # the fixture's intersection has no readings in either bucket
    assert los.extra["bucket"] == bucket.isoformat()


def test_the_open_stock_snapshot_counts_open_complaints_per_opd_and_area(people: Any, city: Any,
                                                                         week_of_complaints: Any) -> None:
    from kotacerdas.complaints import stock

    snap = stock.snapshot(NOW)
    # Open now: c1, c2, c6, c7 (c2 is Dishub's, in Babura, kecamatan Medan Baru; the rest DLH's in Pasar Baru).
    assert snap.total == 4 == figures(people.oscar)["open"]
    assert stock.open_at(("agency", city.dlh.pk), NOW) == 3
    assert stock.open_at(("agency", city.dishub.pk), NOW) == 1
    assert stock.open_at(("kecamatan", city.kec_baru.pk), NOW) == 1
    assert stock.open_at(("kelurahan", city.kel_pasar_baru.pk), NOW) == 3
    assert stock.open_at(("assigned_to", people.putra), NOW) is None  # not kept: the caller reads the timeline
    assert stock.open_at(("kota", None), NOW + timedelta(minutes=10)) == 4
    assert stock.open_at(("kota", None), NOW + timedelta(minutes=11)) is None  # too old to stand for that moment
    assert stock.open_at(("kota", None), NOW - timedelta(minutes=1)) is None  # taken after it


def test_the_open_tile_reads_last_weeks_stock_from_the_snapshot_taken_then(people: Any, city: Any,
                                                                           week_of_complaints: Any) -> None:
    from kotacerdas.complaints.models import OpenStockSnapshot

    # Figures that differ from the timeline's reconstruction (3), to see which one the tile used.
    OpenStockSnapshot.objects.create(at=NOW - live.WEEK - timedelta(minutes=4), total=7,
                                     by_agency={str(city.dlh.pk): 6}, by_kelurahan={str(city.kel_pasar_baru.pk): 5})
    assert figures(people.oscar)["open_last_week"] == 7
    assert figures(people.kepala_dlh)["open_last_week"] == 6
    assert figures(people.lurah)["open_last_week"] == 5
    OpenStockSnapshot.objects.update(at=NOW - live.WEEK - timedelta(minutes=11))  # the worker missed two runs
    assert figures(people.oscar)["open_last_week"] == 3


def test_the_worker_prunes_open_stock_snapshots_after_eight_days(db: Any) -> None:
    from kotacerdas.complaints import stock
    from kotacerdas.complaints.models import OpenStockSnapshot

    for days in (7, 9):
        OpenStockSnapshot.objects.create(at=NOW - timedelta(days=days), total=1)
    assert stock.prune(NOW) == 1
    assert list(OpenStockSnapshot.objects.values_list("at", flat=True)) == [NOW - timedelta(days=7)]
