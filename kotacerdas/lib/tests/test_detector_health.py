"""Daily detector health: stuck, zero, missing, implausible, and observed vs imputed shares."""

from __future__ import annotations

from dataclasses import replace
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest

from kotacerdas.lib import detector_health as dh

WIB = ZoneInfo("Asia/Jakarta")
DAY = date(2026, 11, 2)
MIDNIGHT = datetime(2026, 11, 2, tzinfo=WIB)
STEP = timedelta(minutes=5)


def healthy_day() -> list[dh.IntervalReading]:
    """288 five-minute readings: quiet nights (0–5 vehicles), a busy day whose count changes every interval."""
    out = []
    for i in range(288):
        hour = i // 12
        count = float(i % 6) if hour < 6 else float(40 + (i % 7))
        speed = 35.0 if count else None  # no vehicle, no speed
        out.append(dh.IntervalReading(MIDNIGHT + i * STEP, count=count, occupancy=count / 4, speed=speed))
    return out


def test_it_passes_a_healthy_day() -> None:
    health = dh.assess_day(DAY, healthy_day())
    assert health.healthy
    assert health.flags == () and health.reasons == ()
    assert health.expected_intervals == 288
    assert health.observed_share == 1.0 and health.imputed_share == 0.0 and health.missing_share == 0.0


def test_it_flags_a_stuck_count() -> None:
    # 08:00–09:15 (15 intervals) all report 37 vehicles → run 15 ≥ 12.
    readings = healthy_day()
    for i in range(96, 111):
        readings[i] = replace(readings[i], count=37.0)
    health = dh.assess_day(DAY, readings)
    assert health.flags == (dh.FLAG_STUCK,)
    assert health.longest_stuck_run == 15
    assert "bernilai 37" in health.reasons[0] and "15 interval" in health.reasons[0]


def test_it_does_not_call_zero_or_a_short_repeat_stuck() -> None:
    readings = healthy_day()
    for i in range(96, 107):  # 11 equal values: below 12
        readings[i] = replace(readings[i], count=37.0)
    assert dh.FLAG_STUCK not in dh.assess_day(DAY, readings).flags
    # Zeros repeat at night legitimately; they are the "zero" check's business, not "stuck".
    night = [replace(r, count=0.0, occupancy=0.0, speed=None) if r.start.hour < 5 else r for r in healthy_day()]
    assert dh.assess_day(DAY, night).healthy


def test_it_flags_a_detector_that_counts_nothing_during_the_day() -> None:
    readings = [replace(r, count=0.0, occupancy=0.0, speed=None) for r in healthy_day()]
    health = dh.assess_day(DAY, readings)
    assert health.flags == (dh.FLAG_ZERO,)
    # 06.00–22.00 = 16 h × 12 = 192 intervals.
    assert "06.00–22.00" in health.reasons[0] and "192 interval" in health.reasons[0]


def test_it_flags_missing_intervals_and_reports_coverage() -> None:
    # Drop 72 of 288 intervals (25 % > 20 %), impute 30 of them: observed 216, imputed 30, missing 42.
    readings = healthy_day()
    kept = [r for i, r in enumerate(readings) if not 100 <= i < 172]
    fills = [dh.IntervalReading(MIDNIGHT + i * STEP, count=40.0, imputed=True) for i in range(100, 130)]
    health = dh.assess_day(DAY, kept + fills)
    assert health.observed_intervals == 216
    assert health.imputed_intervals == 30
    assert health.missing_intervals == 42
    assert health.observed_share == pytest.approx(0.75)
    assert health.imputed_share == pytest.approx(30 / 288)
    # 42 / 288 = 14.6 % ≤ 20 % → not flagged thanks to imputation; without fills 72 / 288 = 25 % → flagged.
    assert dh.FLAG_MISSING not in health.flags
    bare = dh.assess_day(DAY, kept)
    assert bare.flags == (dh.FLAG_MISSING,)
    assert "72 dari 288 interval (25,0%)" in bare.reasons[0]


def test_it_treats_an_empty_day_as_missing_not_zero() -> None:
    health = dh.assess_day(DAY, [])
    assert health.flags == (dh.FLAG_MISSING,)
    assert health.missing_share == 1.0 and health.longest_stuck_run == 0


def test_it_treats_a_reading_without_values_as_missing_and_prefers_observed_duplicates() -> None:
    readings = healthy_day()
    readings[10] = dh.IntervalReading(readings[10].start)  # no values at all
    duplicate = dh.IntervalReading(readings[20].start, count=99.0, imputed=True)
    health = dh.assess_day(DAY, [duplicate, *readings])
    assert health.missing_intervals == 1
    assert health.imputed_intervals == 0  # the observed reading for slot 20 won


@pytest.mark.parametrize(
    ("change", "reason"),
    [
        ({"occupancy": 120.0}, "okupansi > 100%"),
        ({"speed": 130.0}, "kecepatan > 100 km/jam"),
        ({"count": 700.0}, "arus > 7200 kend/jam/lajur"),  # 700 × 12 = 8400 veh/h on one lane
        ({"count": 0.0, "occupancy": 80.0, "speed": None}, "okupansi tinggi tanpa kendaraan"),
        ({"count": 45.0, "occupancy": 0.0}, "banyak kendaraan dengan okupansi 0"),
        ({"count": 0.0, "occupancy": 0.0, "speed": 40.0}, "kecepatan tanpa kendaraan"),
        ({"count": -3.0}, "jumlah kendaraan negatif/tidak valid"),
    ],
)
def test_it_flags_implausible_values(change: dict[str, float | None], reason: str) -> None:
    readings = healthy_day()
    readings[120] = replace(readings[120], **change)
    health = dh.assess_day(DAY, readings)
    assert health.flags == (dh.FLAG_IMPLAUSIBLE,)
    assert health.implausible_intervals == 1
    assert reason in health.reasons[0]


def test_it_scales_the_flow_limit_by_lanes_and_ignores_imputed_values() -> None:
    readings = healthy_day()
    readings[120] = replace(readings[120], count=700.0)  # 8400 veh/h over 2 lanes = 4200 per lane: fine
    assert dh.assess_day(DAY, readings, dh.HealthSettings(lanes=2)).healthy
    readings[120] = replace(readings[120], occupancy=150.0, imputed=True)
    assert dh.assess_day(DAY, readings).implausible_intervals == 0


def test_it_allows_a_tolerance_of_implausible_intervals() -> None:
    readings = healthy_day()
    readings[120] = replace(readings[120], occupancy=120.0)
    assert dh.assess_day(DAY, readings, dh.HealthSettings(max_implausible_intervals=1)).healthy


def test_it_combines_flags_with_15_minute_intervals() -> None:
    # 96 slots; only 06:00–12:00 reported (24 slots), all zero: 75 % missing and zero traffic.
    cfg = dh.HealthSettings(interval_s=900, stuck_intervals=4)
    readings = [
        dh.IntervalReading(MIDNIGHT + timedelta(hours=6) + i * timedelta(minutes=15), count=0.0, occupancy=0.0)
        for i in range(24)
    ]
    health = dh.assess_day(DAY, readings, cfg)
    assert health.expected_intervals == 96
    assert set(health.flags) == {dh.FLAG_ZERO, dh.FLAG_MISSING}


def test_it_rejects_readings_from_another_day_and_bad_settings() -> None:
    with pytest.raises(ValueError):
        dh.assess_day(DAY, [dh.IntervalReading(MIDNIGHT - STEP, count=1.0)])
    with pytest.raises(ValueError):
        dh.HealthSettings(interval_s=7)
    with pytest.raises(ValueError):
        dh.HealthSettings(max_flow_per_lane_vph=-1)
    with pytest.raises(ValueError):
        dh.HealthSettings(expected_traffic_from=time(22), expected_traffic_to=time(6))
