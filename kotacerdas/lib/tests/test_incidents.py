"""Incident detection: California, SND / robust z-score, and the DR / FAR / MTTD evaluation, worked by hand."""

from __future__ import annotations

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from kotacerdas.lib import incidents as inc
from kotacerdas.lib.incidents import EventKind

WIB = ZoneInfo("Asia/Jakarta")
T0 = datetime(2026, 11, 2, 7, 0, tzinfo=WIB)
STEP = timedelta(minutes=5)


def times(n: int, start: datetime = T0) -> list[datetime]:
    return [start + i * STEP for i in range(n)]


# Upstream / downstream occupancy (%): normal, normal, incident (queue upstream, starved downstream), incident,
# recovered.
UP = [20.0, 20.0, 40.0, 45.0, 22.0]
DOWN = [18.0, 18.0, 10.0, 8.0, 18.0]


def test_it_computes_the_three_california_measures() -> None:
    # t2: OCCDF = 40 − 10 = 30; OCCRDF = 30 / 40 = 0.75; DOCCTD = (18 − 10) / 18 = 0.4444.
    tests = inc.california_tests(40, 10, 18)
    assert tests.occdf == pytest.approx(30.0)
    assert tests.occrdf == pytest.approx(0.75)
    assert tests.docctd == pytest.approx(0.44444, abs=1e-5)
    # No upstream occupancy → OCCRDF 0; no (or zero) t−2 value → DOCCTD undefined.
    assert inc.california_tests(0, 0, 5).occrdf == 0.0
    assert inc.california_tests(40, 10, None).docctd is None
    assert inc.california_tests(40, 10, 0).docctd is None


def test_it_raises_continues_and_clears_a_california_alarm() -> None:
    # t2 all three tests pass → raise; t3 OCCRDF = 37/45 = 0.82 ≥ 0.5 → continue; t4 OCCRDF = 4/22 = 0.18 → clear.
    det = inc.CaliforniaDetector()
    kinds = [det.update(t, u, d).kind for t, u, d in zip(times(5), UP, DOWN, strict=True)]
    assert kinds == [EventKind.NONE, EventKind.NONE, EventKind.RAISE, EventKind.CONTINUE, EventKind.CLEAR]
    assert not det.active


def test_it_waits_for_persistence_before_raising() -> None:
    # persistence 2: t2 is tentative, t3 confirms with OCCRDF 0.82 ≥ 0.5 → raise at t3.
    det = inc.CaliforniaDetector(persistence=2)
    events = [det.update(t, u, d) for t, u, d in zip(times(5), UP, DOWN, strict=True)]
    kinds = [e.kind for e in events]
    assert kinds == [EventKind.NONE, EventKind.NONE, EventKind.NONE, EventKind.RAISE, EventKind.CLEAR]
    assert events[2].reason == "insiden tentatif"
    assert "OCCRDF" in events[3].reason


def test_it_ignores_a_recurrent_bottleneck_without_downstream_drop() -> None:
    # Upstream 40 %, downstream 10 % all the time: OCCDF and OCCRDF pass but DOCCTD = (10 − 10)/10 = 0 < 0.15.
    det = inc.CaliforniaDetector()
    assert all(det.update(t, 40, 10).kind == EventKind.NONE for t in times(10))


def test_it_holds_then_clears_a_california_alarm_on_missing_data() -> None:
    det = inc.CaliforniaDetector(max_missing=3)
    for t, u, d in zip(times(3), UP[:3], DOWN[:3], strict=True):
        det.update(t, u, d)
    assert det.active
    later = times(3, T0 + 3 * STEP)
    assert det.update(later[0], None, 9).kind == EventKind.CONTINUE
    assert det.update(later[1], 44, None).kind == EventKind.CONTINUE
    last = det.update(later[2], None, None)
    assert last.kind == EventKind.CLEAR and "data hilang" in last.reason


def test_it_does_not_raise_across_a_gap_in_the_downstream_history() -> None:
    # t−2 missing → DOCCTD undefined → no tentative incident.
    det = inc.CaliforniaDetector()
    ts = times(3)
    det.update(ts[0], 20, None)
    det.update(ts[1], 20, 18)
    assert det.update(ts[2], 40, 10).kind == EventKind.NONE


def test_it_rejects_impossible_occupancy_and_parameters() -> None:
    det = inc.CaliforniaDetector()
    with pytest.raises(ValueError):
        det.update(T0, -1, 10)
    with pytest.raises(ValueError):
        det.update(T0, 101, 10)
    with pytest.raises(ValueError):
        inc.CaliforniaDetector(persistence=0)
    with pytest.raises(ValueError):
        inc.CaliforniaThresholds(occdf=-1)


def test_it_runs_california_as_a_batch() -> None:
    ts = times(5)
    alarms = inc.california_batch(ts, UP, DOWN, location="simpang-1/utara")
    assert len(alarms) == 1
    assert alarms[0].start == ts[2] and alarms[0].end == ts[4]
    assert alarms[0].location == "simpang-1/utara"
    # Peak score = the highest OCCRDF while on: max(0.75, 0.822) = 0.822 (the clearing 0.18 does not count).
    assert alarms[0].peak_score == pytest.approx(37 / 45)
    with pytest.raises(ValueError):
        inc.california_batch(ts, UP, DOWN[:4])


def test_it_computes_snd_over_a_rolling_window() -> None:
    # Window 10, 12, 10, 12, 10, 12: mean 11, sample sd = √(6 × 1 / 5) = 1.0954. x = 20 → z = 9 / 1.0954 = 8.216.
    snd = inc.RollingSnd(window=6, min_samples=6)
    for t, v in zip(times(6), [10, 12, 10, 12, 10, 12], strict=True):
        assert snd.score(t, v) is None  # fewer than min_samples values seen so far
        snd.observe(t, v)
    assert snd.score(T0, 20) == pytest.approx(8.2158, abs=1e-4)
    # A flat window: sd 0 is floored at min_sd = 1 → z = (14 − 10) / 1 = 4.
    flat = inc.RollingSnd(window=3, min_samples=3)
    for t in times(3):
        flat.observe(t, 10)
    assert flat.score(T0, 14) == pytest.approx(4.0)


def test_it_raises_an_snd_alarm_on_two_successive_critical_values_and_clears() -> None:
    values = [10, 12, 10, 12, 10, 12, 20, 20, 11, 11]
    det = inc.ZScoreDetector(inc.RollingSnd(window=6, min_samples=6))
    kinds = [det.update(t, v).kind for t, v in zip(times(10), values, strict=True)]
    # z(20) = 8.2 twice → raise on the second; 11 gives z = 0 < 1.5 twice → clear on the second.
    assert kinds == [EventKind.NONE] * 7 + [EventKind.RAISE, EventKind.CONTINUE, EventKind.CLEAR]


def test_it_does_not_raise_on_a_single_spike() -> None:
    values = [10, 12, 10, 12, 10, 12, 20, 11, 20, 11]
    det = inc.ZScoreDetector(inc.RollingSnd(window=6, min_samples=6))
    assert all(det.update(t, v).kind == EventKind.NONE for t, v in zip(times(10), values, strict=True))


def history_0700() -> list[tuple[datetime, float | None]]:
    # Five Mondays at 07:05 with occupancy 30, 32, 28, 31, 29 (one missing day as None).
    values: list[float | None] = [30, 32, 28, 31, 29, None]
    return [(T0 - timedelta(days=7 * (i + 1)) + STEP, v) for i, v in enumerate(values)]


def test_it_scores_against_a_robust_time_of_day_baseline() -> None:
    # Median 30; |deviations| 0, 2, 2, 1, 1 → MAD 1; scale 1.4826. 40 % → z = 10 / 1.4826 = 6.745;
    # 33 % → 3 / 1.4826 = 2.0235.
    base = inc.TimeOfDayBaseline.from_history(history_0700(), slot_s=900)
    at_0710 = T0 + 2 * STEP
    assert base.median_at(at_0710) == 30
    assert base.score(at_0710, 40) == pytest.approx(6.7449, abs=1e-4)
    assert base.score(at_0710, 33) == pytest.approx(2.0235, abs=1e-4)
    # No history for 12:00 → no judgement.
    assert base.score(T0.replace(hour=12), 80) is None


def test_it_runs_the_robust_detector_as_a_batch() -> None:
    base = inc.TimeOfDayBaseline.from_history(history_0700(), slot_s=900)
    ts = times(3)  # 07:00, 07:05, 07:10 share the 07:00–07:15 slot
    alarms = inc.zscore_batch(ts, [31, 40, 41], base, location="det-7")
    assert len(alarms) == 1 and alarms[0].start == ts[2] and alarms[0].end is None


def test_it_rejects_bad_z_settings() -> None:
    with pytest.raises(ValueError):
        inc.ZScoreDetector(inc.RollingSnd(), z_raise=1.0, z_clear=2.0)
    with pytest.raises(ValueError):
        inc.RollingSnd(window=1)
    with pytest.raises(ValueError):
        inc.TimeOfDayBaseline({}, slot_s=7)


def test_it_evaluates_detection_rate_false_alarms_and_time_to_detect() -> None:
    day = datetime(2026, 11, 2, tzinfo=WIB)
    h = timedelta(hours=1)
    m = timedelta(minutes=1)
    incidents = [
        inc.Incident("x", day + 8 * h, day + 8 * h + 30 * m),
        inc.Incident("x", day + 17 * h, day + 17 * h + 20 * m),
        inc.Incident("y", day + 12 * h, day + 12 * h + 10 * m),
    ]
    alarms = [
        inc.Alarm("x", day + 8 * h + 5 * m, day + 8 * h + 40 * m),  # 300 s after the start
        inc.Alarm("x", day + 16 * h + 58 * m, None),  # already on → 0 s
        inc.Alarm("x", day + 3 * h, day + 3 * h + 10 * m),  # false
    ]
    # DR = 2/3; false = 1 of 3 alarms; 2 detector-days → 0.5 per detector-day; MTTD = (300 + 0) / 2 = 150 s.
    ev = inc.evaluate_detection(incidents, alarms, detector_days=2, decisions=576)
    assert ev.detected == 2 and ev.detection_rate == pytest.approx(2 / 3)
    assert ev.false_alarms == 1 and ev.false_alarm_share == pytest.approx(1 / 3)
    assert ev.false_alarms_per_detector_day == pytest.approx(0.5)
    assert ev.false_alarm_rate_per_decision == pytest.approx(1 / 576)
    assert ev.mean_time_to_detect_s == pytest.approx(150.0)
    assert ev.times_to_detect_s == (300.0, 0.0)


def test_it_counts_a_late_alarm_within_the_grace_period() -> None:
    day = datetime(2026, 11, 2, 12, tzinfo=WIB)
    incident = inc.Incident("y", day, day + timedelta(minutes=10))
    alarm = inc.Alarm("y", day + timedelta(minutes=12), None)
    assert inc.evaluate_detection([incident], [alarm], detector_days=1).detected == 0
    graced = inc.evaluate_detection([incident], [alarm], detector_days=1, grace=timedelta(minutes=5))
    assert graced.detected == 1 and graced.mean_time_to_detect_s == pytest.approx(720.0)


def test_it_evaluates_empty_inputs_without_dividing_by_zero() -> None:
    ev = inc.evaluate_detection([], [], detector_days=1)
    assert ev.detection_rate is None and ev.false_alarm_share is None and ev.mean_time_to_detect_s is None
    with pytest.raises(ValueError):
        inc.evaluate_detection([], [], detector_days=0)
