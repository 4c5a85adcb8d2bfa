"""Engineering numbers end to end: readings → rollups → flow, skr, capacity, DJ, delay, LOS, queue, DS, Webster."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from django.core.cache import cache

from kotacerdas.lib import traffic as tl
from kotacerdas.sensors.actions import do_ingest
from kotacerdas.traffic import engineering, selectors
from kotacerdas.traffic.models import (
    Alarm,
    Approach,
    Detector,
    Intersection,
    Phase,
    PhaseGreen,
    SignalController,
    TimingPlan,
)


def iso(dt: datetime) -> str:
    return dt.astimezone(UTC).isoformat().replace("+00:00", "Z")


def add_plan(atcs: Any, *, cycle: int = 60, lost: int = 10, greens: tuple[int, int] = (28, 22)) -> TimingPlan:
    """Phase 1 serves the north approach, phase 2 the east one."""
    ctrl = SignalController.objects.create(intersection=atcs.intersection, code="ctl-smp-1")
    east = atcs.intersection.approaches.get(direction="timur")
    p1 = Phase.objects.create(controller=ctrl, number=1)
    p1.approaches.set([atcs.north])
    p2 = Phase.objects.create(controller=ctrl, number=2)
    p2.approaches.set([east])
    plan = TimingPlan.objects.create(controller=ctrl, name="Pagi", cycle_s=cycle, lost_time_s=lost,
                                     effective_from=atcs.now - timedelta(days=30))
    PhaseGreen.objects.create(plan=plan, phase=p1, green_s=greens[0])
    PhaseGreen.objects.create(plan=plan, phase=p2, green_s=greens[1])
    return plan


def ingest(atcs: Any, lines: list[dict[str, Any]], now: datetime) -> None:
    result = do_ingest("traffic", atcs.gateway, lines, source="http", now=now)
    assert result.rejected == 0, result


def five_minutes(detector: str, start: datetime, motor: int, car: int, heavy: int, speed: float, occ: float
                 ) -> list[dict[str, Any]]:
    """Three 5-minute readings filling the 15-minute bucket that starts at `start`."""
    return [{"d": detector, "t": iso(start + timedelta(minutes=5 * i)), "s": 300,
             "n": {"motor": motor, "car": car, "heavy": heavy}, "v": speed, "o": occ} for i in range(3)]


@pytest.fixture
def worked(atcs: Any, city: Any) -> Any:
    """The worked example's data: one complete 15-minute bucket at atcs.now."""
    cache.clear()
    add_plan(atcs)
    now = atcs.now + timedelta(minutes=20)
    ingest(atcs, five_minutes("D1", atcs.now, 60, 20, 2, 30, 20)
           + five_minutes("D2", atcs.now, 40, 25, 3, 26, 30)
           + five_minutes("C1", atcs.now, 50, 15, 1, 35, 10), now)
    return now


def test_it_computes_the_worked_example_by_hand(atcs: Any, worked: datetime) -> None:
    state = engineering.intersection_state(atcs.intersection, now=worked)

    assert state is not None and state.bucket_start == atcs.now
    north, east = {a.direction: a for a in state.approaches}["utara"], {
        a.direction: a for a in state.approaches}["timur"]
    # North: two lane loops add up. 3 × 82 and 3 × 68 vehicles in 900 s.
    assert north.flow_vph == pytest.approx((246 + 204) * 3600 / 900) == 1800
    motor, car, heavy = 300, 135, 15
    skr_per_vehicle = (0.15 * motor + 1.0 * car + 1.3 * heavy) / (motor + car + heavy)  # PKJI APILL protected
    q_north = 1800 * skr_per_vehicle
    assert north.flow_skr_ph == pytest.approx(q_north) == pytest.approx(798.0)
    assert north.saturation_flow == pytest.approx(600 * 7)  # S0 = 600 × W_E, every factor 1 (Medan F_UK 1.00)
    assert north.capacity == pytest.approx(4200 * 28 / 60) == pytest.approx(1960)
    assert north.dj == pytest.approx(798 / 1960)
    lam = 28 / 60
    uniform = 0.5 * 60 * (1 - lam) ** 2 / (1 - lam * (798 / 1960))  # DJ ≤ 0.5: no overflow queue NQ1
    assert north.delay_s == pytest.approx(uniform) == pytest.approx(10.535, abs=1e-3)
    assert north.los == "B"
    nq2 = 60 * (1 - lam) / (1 - lam * 798 / 1960) * 798 / 3600
    assert north.queue_skr == pytest.approx(nq2)
    shares = {"SM": motor / 450, "KR": car / 450, "KB": heavy / 450}
    assert north.queue_m == pytest.approx(nq2 / skr_per_vehicle * (1.0 * shares["SM"] + 7.0 * shares["KR"]
                                                                     + 12.0 * shares["KB"]) / 2)
    # SCATS-style DS estimate: 420 s of green in the bucket, 225 vehicles per lane, mean occupancy 25 %.
    assert north.scats_ds == pytest.approx((420 - (420 * 0.75 - 1.0 * 225)) / 420)
    assert north.speed_kmh == pytest.approx((30 * 246 + 26 * 204) / 450)
    assert north.occupancy_pct == pytest.approx(25)

    # East: one camera for the whole approach.
    q_east = 792 * (0.15 * 150 + 45 + 1.3 * 3) / 198
    assert east.flow_vph == pytest.approx(792)
    assert east.flow_skr_ph == pytest.approx(q_east)
    assert east.capacity == pytest.approx(600 * 6 * 22 / 60)
    lam_e = 22 / 60
    delay_east = 0.5 * 60 * (1 - lam_e) ** 2 / (1 - lam_e * q_east / 1320)
    assert east.delay_s == pytest.approx(delay_east)

    # Intersection: flow-weighted delay, LOS by PM 96/2015.
    delay = (uniform * q_north + delay_east * q_east) / (q_north + q_east)
    assert state.delay_s == pytest.approx(delay) == pytest.approx(11.2, abs=0.05)
    assert state.los == "B"
    assert state.worst_dj == pytest.approx(798 / 1960)
    assert state.worst_dj_status == "hijau"
    assert state.plan_name == "Pagi" and state.cycle_s == 60
    assert "PKJI" in state.sources["ekr"] and "PM 96/2015" in state.sources["los"]


def test_it_gives_webster_advice_against_the_running_plan(atcs: Any, worked: datetime) -> None:
    state = engineering.intersection_state(atcs.intersection, now=worked)

    advice = state.advice
    assert advice is not None
    y = (798 / 4200, (792 * 71.4 / 198) / 3600)
    assert advice.timing.flow_ratio_sum == pytest.approx(sum(y))
    # C0 = (1.5 × 10 + 5) / (1 − Y) ≈ 27 s, held at the 30 s minimum cycle; greens (30 − 10) split, min 10 s.
    assert advice.timing.recommended.cycle_s == pytest.approx(tl.webster_cycle(10, sum(y)))
    assert advice.timing.recommended.cycle_s == 30
    assert advice.recommended_greens == {1: pytest.approx(10), 2: pytest.approx(10)}
    assert advice.current_greens == {1: 28, 2: 22}
    assert advice.timing.delay_change_s < 0  # the shorter cycle saves delay at this light demand
    assert advice.timing.change_recommended
    assert "siklus optimum Webster" in advice.explanation
    assert "Disarankan" in advice.explanation


def test_it_grades_los_by_pm_96_2015(atcs: Any, city: Any) -> None:
    cfg = engineering.config()
    grades = [tl.level_of_service(d, cfg.los_thresholds) for d in (5.0, 5.05, 15.0, 25.0, 40.0, 60.0, 60.1)]
    assert grades == ["A", "B", "B", "C", "D", "E", "F"]

    # Oversaturated: DJ > 1 gives LOS F and the "lewat_jenuh" colour.
    add_plan(atcs, greens=(10, 40))
    now = atcs.now + timedelta(minutes=20)
    ingest(atcs, five_minutes("D1", atcs.now, 300, 150, 20, 8, 80)
           + five_minutes("D2", atcs.now, 300, 150, 20, 8, 80), now)
    state = engineering.intersection_state(atcs.intersection, now=now)
    north = next(a for a in state.approaches if a.direction == "utara")
    assert north.dj > 1
    assert north.dj_status == "lewat_jenuh"
    assert north.los == "F"
    assert state.los == "F"  # the east approach has no data, so the north one is the intersection


def test_it_explains_missing_plan_and_data(atcs: Any, city: Any) -> None:
    now = atcs.now + timedelta(minutes=20)
    ingest(atcs, five_minutes("D1", atcs.now, 10, 5, 0, 30, 5), now)

    state = engineering.intersection_state(atcs.intersection, now=now)

    north = next(a for a in state.approaches if a.direction == "utara")
    east = next(a for a in state.approaches if a.direction == "timur")
    assert north.flow_vph == pytest.approx(15 * 3 * 4) and north.dj is None
    assert north.note == "tidak ada rencana waktu sinyal"
    assert east.flow_vph is None and east.note == "tidak ada data jumlah kendaraan"
    assert state.los is None and state.advice is None
    assert any("rencana waktu sinyal" in n for n in state.notes)


def test_it_uses_the_default_mix_for_unclassified_counts(atcs: Any, city: Any, settings: Any) -> None:
    settings.TRAFFIC_DEFAULT_VEHICLE_MIX = {"motor": 0.5, "car": 0.5}
    now = atcs.now + timedelta(minutes=20)
    ingest(atcs, [{"d": "C1", "t": iso(atcs.now), "s": 900, "n": {"total": 100}}], now)

    state = engineering.intersection_state(atcs.intersection, now=now)

    east = next(a for a in state.approaches if a.direction == "timur")
    assert east.flow_vph == pytest.approx(400)
    assert east.flow_skr_ph == pytest.approx(400 * (0.5 * 0.15 + 0.5 * 1.0))


def test_it_builds_24_hour_series_per_approach(atcs: Any, worked: datetime) -> None:
    series = selectors.intersection_series(atcs.intersection, hours=24, now=worked)

    assert len(series.labels) == 96 and series.labels[-1] == atcs.now
    north = next(a for a in series.approaches if a.label == "Utara")
    assert north.flow_vph[-1] == 1800 and north.flow_vph[0] is None
    assert north.dj[-1] == pytest.approx(798 / 1960, abs=1e-3)
    assert series.los[-1] == "B"
    data = series.as_chart_data()
    assert data["labels"][-1] == atcs.now.isoformat() and len(data["approaches"]) == 2


def make_intersections(n: int, prefix: str) -> None:
    for i in range(n):
        inter = Intersection.objects.create(code=f"{prefix}-{i}", name=f"Simpang {i}", lat=3.57, lon=98.68)
        for j, direction in enumerate(("utara", "timur", "selatan")):
            ap = Approach.objects.create(intersection=inter, direction=direction, name="Jl", width_m=6, lanes=2)
            Detector.objects.create(code=f"{prefix}-{i}-{j}", kind="loop", approach=ap)


def test_it_reads_the_map_in_a_bounded_number_of_queries(atcs: Any, worked: datetime,
                                                        django_assert_max_num_queries: Any) -> None:
    make_intersections(30, "big")
    Alarm.objects.create(kind="congestion", method="zscore", key="zscore:x", intersection=atcs.intersection,
                         raised_at=atcs.now)
    cache.clear()

    with django_assert_max_num_queries(10):
        states = selectors.latest_state(now=worked)
    with django_assert_max_num_queries(1):  # cached map + live alarm counts
        again = selectors.latest_state(now=worked)

    assert len(states) == 31 and states == again
    mine = next(m for m in states if m.intersection_id == atcs.intersection.pk)
    assert (mine.los, mine.open_alarms, mine.has_data) == ("B", 1, True)
    assert mine.worst_dj == pytest.approx(0.407, abs=1e-3)
    others = [m for m in states if m.intersection_id != atcs.intersection.pk]
    assert all(not m.has_data and m.los is None and m.open_alarms == 0 for m in others)
    geo = selectors.as_geojson(states)
    assert geo["features"][0]["geometry"]["type"] == "Point"


def test_it_summarises_the_city_for_the_last_hour(atcs: Any, worked: datetime) -> None:
    summary = selectors.city_summary(now=worked)

    assert summary.vehicles == 3 * (82 + 68 + 66)
    assert summary.detectors_reporting == 3 and summary.detectors_total == 3
    assert summary.los_counts["B"] == 1 and summary.intersections_with_data == 1
    assert summary.worst[0].code == "smp-1"


def test_it_keeps_webster_cycles_long_enough_for_every_minimum_green(db: None) -> None:
    now = datetime(2026, 1, 5, 8, tzinfo=UTC)
    approaches = tuple(engineering.ApproachGeometry(i, "utara", "U", "Jl", 7, 2, frozenset({i}), (i,), ())
                       for i in range(1, 5))
    plan = engineering.PlanInfo(1, "Pagi", 100, 12, now, tuple((i, i, 22) for i in range(1, 5)))
    geom = engineering.IntersectionGeometry(1, "s", "S", 3.5, 98.6, False, approaches, (plan,),
                                            tl.PkjiAdjustments(), 600.0, 30.0, 150.0, 10.0)
    sums = {i: engineering.Sums(count_seconds=900, vehicles=20, car=20) for i in range(1, 5)}

    state = engineering.compute(geom, sums, now, 900, engineering.config())

    # Webster's C0 here is ~32 s, but 4 phases × 10 s + 12 s lost time need 52 s.
    assert state.advice is not None
    assert state.advice.timing.recommended.cycle_s == 52
    assert state.advice.timing.recommended.greens_s == (10, 10, 10, 10)
