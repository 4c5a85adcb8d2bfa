"""Alarms: detection raises and clears idempotently; operators acknowledge; audit rows and events follow."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from kotacerdas.core.models import AuditLog, Event
from kotacerdas.traffic import actions, alarms, selectors
from kotacerdas.traffic.models import Alarm, AlarmState, DetectorPair, Rollup5Min, Rollup15Min


def occ(detector: Any, start: datetime, value: float, model: type = Rollup5Min) -> None:
    seconds = model.BUCKET_SECONDS
    model.objects.update_or_create(detector=detector, bucket_start=start, defaults={
        "readings": 1, "seconds": seconds, "count_seconds": seconds, "vehicles": 10,
        "occupancy_sum": value * seconds, "occupancy_seconds": seconds})


def fill(detector: Any, start: datetime, values: list[float]) -> None:
    for i, value in enumerate(values):
        occ(detector, start + timedelta(minutes=5 * i), value)


@pytest.fixture
def pair(atcs: Any) -> DetectorPair:
    return DetectorPair.objects.create(upstream=atcs.loop1, downstream=atcs.loop2)


def test_it_raises_acknowledges_and_clears_a_california_alarm(
        atcs: Any, people: Any, pair: DetectorPair, django_capture_on_commit_callbacks: Any) -> None:
    t0 = atcs.now
    # 8 normal intervals, then the upstream fills (40 %) while the downstream empties (20 → 10 %).
    fill(atcs.loop1, t0, [20] * 8 + [40] * 4)
    fill(atcs.loop2, t0, [20] * 8 + [10] * 4)
    now = t0 + timedelta(minutes=61)  # window: the 12 buckets t0 … t0+55

    with django_capture_on_commit_callbacks(execute=True):
        counts = alarms.run_detection(now)
    again = alarms.run_detection(now)
    later = alarms.run_detection(now + timedelta(minutes=5))  # window moved on, alarm still on

    assert counts["raised"] == 1 and again["raised"] == 0 and later["raised"] == 0
    alarm = Alarm.objects.get()
    assert (alarm.kind, alarm.method, alarm.state) == ("incident", "california", AlarmState.RAISED)
    assert alarm.raised_at == t0 + timedelta(minutes=40)
    assert alarm.detector == atcs.loop1 and alarm.intersection == atcs.intersection
    assert "OCCDF" in alarm.reason
    event = Event.objects.get(topic="traffic.alarm")
    assert event.payload["state"] == "raised" and event.payload["intersection"] == "smp-1"

    with pytest.raises(PermissionDenied):
        actions.check_acknowledge(people.wati, alarm)
    with pytest.raises(PermissionDenied):
        actions.check_acknowledge(people.walikota, alarm)  # pimpinan watch, they do not operate
    with pytest.raises(PermissionDenied):
        actions.check_acknowledge(people.dewi, alarm)  # penghubung of DLH, not the traffic agency
    actions.check_acknowledge(people.hendra, alarm)  # penghubung Dishub may
    with django_capture_on_commit_callbacks(execute=True):
        actions.do_acknowledge(people.oscar, alarm, now=now)
    alarm.refresh_from_db()
    assert alarm.state == AlarmState.ACKNOWLEDGED and alarm.acknowledged_by == people.oscar
    with pytest.raises(ValidationError) as err:
        actions.do_acknowledge(people.hendra, alarm)
    assert "state" in err.value.message_dict

    # The queue dissolves: OCCRDF falls below 0.5 and the alarm clears; nothing new is raised.
    fill(atcs.loop1, t0 + timedelta(minutes=60), [15, 15])
    fill(atcs.loop2, t0 + timedelta(minutes=60), [14, 14])
    with django_capture_on_commit_callbacks(execute=True):
        cleared = alarms.run_detection(now + timedelta(minutes=10))
    assert cleared["cleared"] == 1 and cleared["raised"] == 0
    assert alarms.run_detection(now + timedelta(minutes=10)) == {**cleared, "cleared": 0}
    alarm.refresh_from_db()
    assert alarm.state == AlarmState.CLEARED and alarm.cleared_at == t0 + timedelta(minutes=60)
    assert Alarm.objects.count() == 1

    actions_logged = list(AuditLog.objects.filter(target_type="traffic.alarm").order_by("at", "id")
                          .values_list("action", "actor__username"))
    assert actions_logged == [("traffic.alarm_raised", None), ("traffic.alarm_acknowledged", "oscar"),
                              ("traffic.alarm_cleared", None)]
    states = [e.payload["state"] for e in Event.objects.filter(topic="traffic.alarm").order_by("id")]
    assert states == ["raised", "acknowledged", "cleared"]


def test_it_never_opens_two_alarms_for_one_key(atcs: Any) -> None:
    first = actions.do_raise(kind="congestion", method="zscore", key="zscore:1", intersection=atcs.intersection,
                             raised_at=atcs.now)
    second = actions.do_raise(kind="congestion", method="zscore", key="zscore:1", intersection=atcs.intersection,
                              raised_at=atcs.now + timedelta(minutes=5))

    assert first is not None and second is None
    assert Alarm.objects.filter(key="zscore:1").count() == 1
    actions.do_clear(first, now=atcs.now + timedelta(minutes=10))
    assert actions.do_clear(first) is None  # already cleared
    assert actions.do_raise(kind="congestion", method="zscore", key="zscore:1", intersection=atcs.intersection,
                            raised_at=atcs.now + timedelta(minutes=30)) is not None


def test_it_needs_a_reason_to_clear_by_hand(atcs: Any, people: Any) -> None:
    alarm = actions.do_raise(kind="incident", method="california", key="k", intersection=atcs.intersection,
                             raised_at=atcs.now)
    with pytest.raises(ValidationError) as err:
        actions.do_clear(alarm, user=people.oscar, reason=" ")
    assert "reason" in err.value.message_dict
    with pytest.raises(PermissionDenied):
        actions.do_clear(alarm, user=people.camat, reason="jalan sudah lancar")

    actions.do_clear(alarm, user=people.oscar, reason="jalan sudah lancar")

    alarm.refresh_from_db()
    assert alarm.state == AlarmState.CLEARED and alarm.clear_reason == "jalan sudah lancar"
    log = AuditLog.objects.get(action="traffic.alarm_cleared")
    assert log.actor == people.oscar and log.data["by"] == "operator"


def test_it_raises_congestion_on_a_robust_z_score_against_the_time_of_day_baseline(atcs: Any) -> None:
    t0 = atcs.now
    now = t0 + timedelta(minutes=61)
    # History: the same 15-minute slots on earlier days of the same day type, occupancy 10 ± 1 %.
    weekend = timezone.localtime(t0 + timedelta(minutes=55)).weekday() >= 5
    for days in range(1, 29):
        day_start = t0 - timedelta(days=days)
        if (timezone.localtime(day_start + timedelta(minutes=55)).weekday() >= 5) != weekend:
            continue
        for slot in range(4):
            occ(atcs.loop1, day_start + timedelta(minutes=15 * slot), 10 + (days % 3) - 1, Rollup15Min)
    fill(atcs.loop1, t0, [10, 11, 9, 10, 10, 11, 10, 9, 45, 50, 55, 55])

    counts = alarms.run_detection(now)

    assert counts["raised"] == 1 and counts["detectors"] == 1
    alarm = Alarm.objects.get()
    assert (alarm.kind, alarm.method, alarm.key) == ("congestion", "zscore", f"zscore:{atcs.loop1.pk}")
    assert alarm.raised_at == t0 + timedelta(minutes=45)  # second successive critical value
    assert "z" in alarm.reason
    assert alarms.run_detection(now)["raised"] == 0


def test_it_lists_alarms_open_first_for_staff_only(atcs: Any, people: Any) -> None:
    old = actions.do_raise(kind="incident", method="california", key="a", intersection=atcs.intersection,
                           raised_at=atcs.now - timedelta(hours=2))
    actions.do_clear(old, now=atcs.now - timedelta(hours=1))
    new = actions.do_raise(kind="congestion", method="zscore", key="b", intersection=atcs.intersection,
                           raised_at=atcs.now - timedelta(hours=3))

    assert list(selectors.alarms_for(people.oscar)) == [new, old]
    assert list(selectors.alarms_for(people.hendra, open_only=True)) == [new]
    assert list(selectors.alarms_for(people.walikota)) == [new, old]
    assert list(selectors.alarms_for(people.camat)) == []  # the test intersection has no kecamatan
    assert list(selectors.alarms_for(people.wati)) == []
    assert list(selectors.alarms_for(people.dewi)) == []
    assert list(selectors.alarms_for(people.putra)) == []


def _flat_history(atcs: Any, t0: datetime, value: float) -> None:
    """The window's 15-minute slots on 28 earlier days of the same day type, all at `value` (MAD 0)."""
    weekend = timezone.localtime(t0 + timedelta(minutes=55)).weekday() >= 5
    for days in range(1, 29):
        day_start = t0 - timedelta(days=days)
        if (timezone.localtime(day_start + timedelta(minutes=55)).weekday() >= 5) != weekend:
            continue
        for slot in range(4):
            occ(atcs.loop1, day_start + timedelta(minutes=15 * slot), value, Rollup15Min)


def test_a_few_occupancy_points_above_a_quiet_history_raise_no_congestion(atcs: Any) -> None:
    t0 = atcs.now
    _flat_history(atcs, t0, 5)
    # +3.5 points for half an hour: counting noise on a quiet lane; the old 1-point floor made that z = 3.5.
    fill(atcs.loop1, t0, [5, 5, 5, 5, 5, 5, 8.5, 8.5, 8.5, 8.5, 8.5, 8.5])

    assert alarms.detection_settings().min_scale == 3.0
    assert alarms.run_detection(t0 + timedelta(minutes=61))["raised"] == 0


def test_a_queue_standing_over_a_quiet_lane_still_raises_congestion(atcs: Any, settings: Any) -> None:
    t0 = atcs.now
    _flat_history(atcs, t0, 5)
    fill(atcs.loop1, t0, [5, 5, 5, 5, 5, 5, 5, 5, 35, 40, 40, 40])

    assert alarms.run_detection(t0 + timedelta(minutes=61))["raised"] == 1
    assert Alarm.objects.get().raised_at == t0 + timedelta(minutes=45)

    settings.TRAFFIC_ZSCORE_MIN_SCALE = 20.0  # a city may set its own floor
    Alarm.objects.all().delete()
    assert alarms.run_detection(t0 + timedelta(minutes=61))["raised"] == 0
