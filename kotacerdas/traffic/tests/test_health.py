"""Daily detector health: stuck and missing detectors are flagged, reports are per detector-day, alarms follow."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

import pytest
from django.utils import timezone

from kotacerdas.traffic import health, selectors
from kotacerdas.traffic.models import Alarm, AlarmState, DetectorHealthReport, Rollup5Min


def day_of_data(detector: Any, day: date, count: Any, occupancy: Any) -> None:
    start, _end = health.day_bounds(day)
    Rollup5Min.objects.bulk_create([
        Rollup5Min(detector=detector, bucket_start=start + timedelta(minutes=5 * i), readings=1, seconds=300,
                   count_seconds=300, vehicles=count(i), speed_sum=30, speed_n=1,
                   occupancy_sum=occupancy(i) * 300, occupancy_seconds=300)
        for i in range(288)
    ])


@pytest.fixture
def day(atcs: Any) -> date:
    return timezone.localdate(atcs.now) - timedelta(days=2)


def test_it_flags_a_stuck_and_a_missing_detector(atcs: Any, day: date) -> None:
    day_of_data(atcs.loop1, day, lambda i: 10, lambda i: 12.0)  # the same count all day: stuck
    day_of_data(atcs.camera, day, lambda i: 5 + i % 7, lambda i: 5.0 + i % 11)  # plausible, varying
    # loop2 sends nothing at all.

    counts = health.assess(day, now=atcs.now)

    assert counts == {"detectors": 3, "unhealthy": 2, "raised": 2, "cleared": 0}
    stuck = DetectorHealthReport.objects.get(detector=atcs.loop1, day=day)
    assert "macet" in stuck.flags and not stuck.healthy
    assert stuck.longest_stuck_run == 288 and stuck.observed_share == 1.0 and stuck.imputed_share == 0.0
    assert any("macet" in r.lower() for r in stuck.reasons)
    missing = DetectorHealthReport.objects.get(detector=atcs.loop2, day=day)
    assert missing.flags == ["hilang"] and missing.observed_share == 0.0 and missing.missing_intervals == 288
    ok = DetectorHealthReport.objects.get(detector=atcs.camera, day=day)
    assert ok.healthy and ok.flags == [] and ok.observed_share == 1.0
    alarms = Alarm.objects.filter(kind="detector").order_by("detector__code")
    assert [a.detector for a in alarms] == [atcs.loop1, atcs.loop2]
    assert all(a.method == "health" and a.state == AlarmState.RAISED for a in alarms)

    # Running the day again rewrites its reports and raises nothing twice.
    assert health.assess(day, now=atcs.now)["raised"] == 0
    assert DetectorHealthReport.objects.filter(day=day).count() == 3
    assert Alarm.objects.filter(kind="detector").count() == 2
    assert [r.detector for r in selectors.health_reports(day=day)][-1] == atcs.camera  # faulty ones first


def test_it_clears_the_detector_alarm_on_the_next_healthy_day(atcs: Any, day: date) -> None:
    day_of_data(atcs.loop1, day, lambda i: 10, lambda i: 12.0)
    health.assess(day, now=atcs.now)
    next_day = day + timedelta(days=1)
    day_of_data(atcs.loop1, next_day, lambda i: 5 + i % 7, lambda i: 5.0 + i % 11)

    counts = health.assess(next_day, now=atcs.now)

    assert counts["cleared"] == 1
    alarm = Alarm.objects.get(detector=atcs.loop1)
    assert alarm.state == AlarmState.CLEARED and "sehat" in alarm.clear_reason
