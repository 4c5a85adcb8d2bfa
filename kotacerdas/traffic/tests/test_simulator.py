"""The traffic simulator: the pure generator (no network), then the command over HTTP and over real MQTT."""

from __future__ import annotations

import csv
import statistics
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from django.core.management import call_command

from kotacerdas.sensors.models import Quarantine
from kotacerdas.sensors.tests.test_mqtt import bridge, wait_for  # noqa: F401 - the real-Mosquitto bridge fixture
from kotacerdas.traffic import simulator as sim
from kotacerdas.traffic.models import Approach, Detector, Intersection, Rollup5Min, TrafficReading

MONDAY = datetime(2026, 3, 2, tzinfo=sim.LOCAL)
SATURDAY = datetime(2026, 3, 7, tzinfo=sim.LOCAL)


def topology() -> sim.Topology:
    # B lies ~1.1 km south of A: traffic from the north through A reaches B's north approach next.
    return sim.Topology.build([
        sim.ApproachSpec("A", "utara", 7.0, 2, 3.600, 98.670,
                         (sim.DetectorSpec("A-U1", "loop", 1), sim.DetectorSpec("A-U2", "loop", 2))),
        sim.ApproachSpec("A", "timur", 6.0, 2, 3.600, 98.670, (sim.DetectorSpec("A-T", "camera"),)),
        sim.ApproachSpec("B", "utara", 7.0, 2, 3.590, 98.670, (sim.DetectorSpec("B-U", "radar"),)),
    ])


def flow(readings: list[sim.Reading], detector: str, start: datetime, hours: float = 1) -> int:
    end = start + timedelta(hours=hours)
    return sum(r.vehicles for r in readings if r.detector == detector and start <= r.start < end)


def mean(readings: list[sim.Reading], detector: str, attr: str, start: datetime, end: datetime) -> float:
    return statistics.fmean(getattr(r, attr) for r in readings
                            if r.detector == detector and start <= r.start < end and getattr(r, attr) is not None)


def test_it_is_deterministic_for_a_seed_and_independent_of_the_range() -> None:
    topo = topology()
    day = list(sim.generate(topo, MONDAY, MONDAY + timedelta(days=1), seed=42))
    again = list(sim.generate(topo, MONDAY, MONDAY + timedelta(days=1), seed=42))
    other = list(sim.generate(topo, MONDAY, MONDAY + timedelta(days=1), seed=43))
    noon = MONDAY + timedelta(hours=12)
    part = list(sim.generate(topo, noon, noon + timedelta(hours=1), seed=42))

    assert day == again
    assert day != other
    assert len(day) == 4 * 288  # every detector, every 5-minute interval
    assert part == [r for r in day if noon <= r.start < noon + timedelta(hours=1)]


def test_weekday_peaks_exceed_night_flow_several_fold_with_a_motorcycle_mix() -> None:
    readings = list(sim.generate(sim.Topology.build(topology().approaches), MONDAY, MONDAY + timedelta(days=1)))
    night = flow(readings, "A-T", MONDAY + timedelta(hours=2))
    morning = flow(readings, "A-T", MONDAY + timedelta(hours=7))
    evening = flow(readings, "A-T", MONDAY + timedelta(hours=17))
    midday = flow(readings, "A-T", MONDAY + timedelta(hours=13))

    assert morning > 5 * night and evening > 5 * night
    assert morning > midday and evening > midday
    motor = sum(r.motor for r in readings) / sum(r.vehicles for r in readings)
    heavy = sum(r.heavy for r in readings) / sum(r.vehicles for r in readings)
    assert 0.6 < motor < 0.8 and 0.02 < heavy < 0.12
    # Fundamental diagram: the peak is slower and more occupied than the night.
    peak, dark = MONDAY + timedelta(hours=17), MONDAY + timedelta(hours=2)
    assert mean(readings, "A-T", "speed", peak, peak + timedelta(hours=1)) < mean(
        readings, "A-T", "speed", dark, dark + timedelta(hours=1)) - 5
    assert mean(readings, "A-T", "occupancy", peak, peak + timedelta(hours=1)) > 3 * mean(
        readings, "A-T", "occupancy", dark, dark + timedelta(hours=1))


def test_the_weekend_profile_differs() -> None:
    topo = topology()
    weekday = list(sim.generate(topo, MONDAY, MONDAY + timedelta(days=1)))
    saturday = list(sim.generate(topo, SATURDAY, SATURDAY + timedelta(days=1)))
    at7 = timedelta(hours=7)

    assert flow(saturday, "A-T", SATURDAY + at7) < 0.7 * flow(weekday, "A-T", MONDAY + at7)
    # Saturday evening (malam minggu) is busier than its morning commute hour.
    assert flow(saturday, "A-T", SATURDAY + timedelta(hours=19)) > flow(saturday, "A-T", SATURDAY + at7)


def test_rain_lowers_speed() -> None:
    topo = topology()
    t0 = MONDAY + timedelta(hours=10)
    rain = sim.Scenario(rain=(sim.Rain(t0, t0 + timedelta(hours=1), 1.0),))
    dry = list(sim.generate(topo, t0, t0 + timedelta(hours=1)))
    wet = list(sim.generate(topo, t0, t0 + timedelta(hours=1), scenario=rain))
    end = t0 + timedelta(hours=1)

    for det in ("A-U1", "A-T", "B-U"):
        assert mean(wet, det, "speed", t0, end) < 0.85 * mean(dry, det, "speed", t0, end)
    assert sim.plan_rain(1, t0, end)  # --rain always plants at least one spell in the run


def test_a_planted_incident_shows_the_up_down_occupancy_signature_and_is_in_the_ground_truth(
        tmp_path: Path) -> None:
    topo = topology()
    window = MONDAY + timedelta(hours=10), MONDAY + timedelta(hours=12)
    (incident,) = sim.plan_incidents(topo, 5, *window, 1)
    assert incident.approach == "A:utara"  # the only approach with a downstream neighbour is chosen first
    assert incident.downstream == "B:utara"
    assert timedelta(minutes=15) <= incident.end - incident.start <= timedelta(minutes=60)
    scenario = sim.Scenario(incidents=(incident,))
    before = incident.start - timedelta(minutes=30), incident.start
    during = incident.start + timedelta(minutes=5), incident.end
    readings = list(sim.generate(topo, before[0], incident.end, scenario=scenario))

    up_before, up_during = (mean(readings, "A-U1", "occupancy", *w) for w in (before, during))
    down_before, down_during = (mean(readings, "B-U", "occupancy", *w) for w in (before, during))
    assert up_during > 2 * up_before + 10  # the queue stands over the upstream loops
    assert down_during < 0.85 * down_before  # downstream is starved
    assert mean(readings, "A-U1", "speed", *during) < 15

    path = tmp_path / "truth.csv"
    sim.write_ground_truth(str(path), [incident])
    rows = list(csv.DictReader(path.open()))
    assert {(r["role"], r["detector"]) for r in rows} == {
        ("upstream", "A-U1"), ("upstream", "A-U2"), ("downstream", "B-U")}
    assert {r["kind"] for r in rows} <= set(sim.INCIDENT_KINDS)
    assert rows[0]["approach"] == "A:utara"
    assert datetime.fromisoformat(rows[0]["start"]) == incident.start
    assert datetime.fromisoformat(rows[0]["end"]) == incident.end


def test_every_format_is_accepted_by_the_ingest_parser() -> None:
    from kotacerdas.traffic.ingest import TrafficHandler

    reading = next(sim.generate(topology(), MONDAY + timedelta(hours=8), MONDAY + timedelta(hours=9)))
    parsed = TrafficHandler().normalize([reading.as_item(fmt) for fmt in sim.FORMATS])

    for obs in parsed:
        assert obs.key == reading.detector and obs.start == reading.start and obs.seconds == 300
        assert obs.values["speed"] == reading.speed
        assert obs.values["occupancy"] == pytest.approx(reading.occupancy)


@pytest.mark.django_db(transaction=True)
def test_it_stores_readings_over_http(live_server: Any, tmp_path: Path) -> None:
    from kotacerdas.regions.loader import setup_region

    setup_region("12.71")
    call_command("seed_traffic", count=18)
    truth = tmp_path / "truth.csv"
    command_args = {"via": "http", "url": live_server.url, "rate": 5000, "duration": 3, "start": "-40m",
                    "speedup": 5000, "progress": 100, "incidents": 1, "ground_truth": str(truth)}

    call_command("simulate_traffic", **command_args)

    detectors = Detector.objects.count()
    stored = TrafficReading.objects.count()
    assert stored >= detectors * 7  # the 40 minutes back to now, every detector, 5-minute intervals
    assert stored % detectors == 0
    assert set(TrafficReading.objects.values_list("source", flat=True)) == {"http"}
    assert Rollup5Min.objects.exists()
    assert not Quarantine.objects.exists()
    assert truth.exists()
    # Sent again with the same seed: the same readings, all duplicates.
    call_command("simulate_traffic", **{**command_args, "ground_truth": None})
    assert TrafficReading.objects.count() - stored <= detectors  # at most the one new interval since


def test_it_publishes_over_mqtt_to_the_bridge(bridge: Any) -> None:  # noqa: F811 - the imported fixture
    inter = Intersection.objects.create(code="smp-sim", name="Simpang Simulasi", lat=3.57, lon=98.685)
    for direction in ("utara", "timur"):
        approach = Approach.objects.create(intersection=inter, direction=direction, name="Jalan", width_m=7,
                                           lanes=2)
        Detector.objects.create(code=f"SIM-{direction}", kind="camera", approach=approach)

    call_command("simulate_traffic", via="mqtt", prefix=bridge.prefix, rate=5000, duration=2, start="-60m",
                 speedup=5000, progress=100)

    assert wait_for(lambda: TrafficReading.objects.count() >= 2 * 12)
    assert set(TrafficReading.objects.values_list("source", flat=True)) == {"mqtt"}
    assert not Quarantine.objects.exists()
