"""The parking simulator: same seed same data, planted leaks as announced, and the command's real write path."""

from __future__ import annotations

import csv
from datetime import date, time, timedelta

from django.core.management import call_command

from kotacerdas.parking import simulator as sim
from kotacerdas.parking.models import (
    DutySession,
    OccupancyReading,
    ParkingTransaction,
    ParkingViolation,
    PointCapacity,
    ViolationKind,
)
from kotacerdas.sensors.models import Device

TARIFFS = {"motor": 3000, "mobil": 5000, "pickup": None}


def _topology(n: int = 40) -> sim.Topology:
    uses = ("niaga", "pasar", "kuliner", "kantor")
    return sim.Topology(tuple(
        sim.PointSpec(f"P-{k:03d}", uses[k % 4], 1 + k % 2, (("mobil", 4), ("motor", 16)), time(7), time(22),
                      150000, k % 3 == 0, "ID1021000000101",
                      (sim.JukirSpec(f"J-{k:03d}", time(7), time(15)), sim.JukirSpec(f"K-{k:03d}", time(15), time(22))))
        for k in range(n)), stickers=(("BAR-VALID", "BK1234AB"),))


def test_same_seed_gives_the_same_day_and_another_seed_does_not():
    topo = _topology()
    leaks = sim.plan(topo, 7, date(2026, 1, 5), 28, tariffs=TARIFFS)
    a = sim.simulate_day(topo, date(2026, 1, 12), seed=7, leaks=leaks, tariffs=TARIFFS)
    b = sim.simulate_day(topo, date(2026, 1, 12), seed=7, leaks=leaks, tariffs=TARIFFS)
    c = sim.simulate_day(topo, date(2026, 1, 12), seed=8, leaks=leaks, tariffs=TARIFFS)
    assert a.payments == b.payments and a.occupancy == b.occupancy and a.duties == b.duties
    assert a.payments != c.payments
    assert sim.plan(topo, 7, date(2026, 1, 5), 28, tariffs=TARIFFS) == leaks


def test_plan_diverts_ten_percent_of_points_at_thirty_to_ninety_percent():
    topo = _topology()
    leaks = sim.plan(topo, 3, date(2026, 1, 5), 28, tariffs=TARIFFS)
    divert = [x for x in leaks.values() if x.kind == "tunai"]
    assert len(divert) == 4
    assert all(0.30 <= x.share <= 0.90 for x in divert)
    kinds = {x.kind for x in leaks.values()}
    assert {"qr_pribadi", "stiker_ditarik"} <= kinds
    assert len({x.point for x in leaks.values()}) == len(leaks)  # one leak per point


def test_ground_truth_share_matches_the_planted_share_and_honest_points_divert_nothing():
    topo = _topology()
    start = date(2026, 1, 5)
    leaks = sim.plan(topo, 11, start, 14, tariffs=TARIFFS)
    book = sim.TruthBook(leaks)
    for k in range(14):
        book.add(sim.simulate_day(topo, start + timedelta(days=k), seed=11, leaks=leaks, tariffs=TARIFFS))
    for row in book.rows():
        if row["kind"] == "tunai":
            assert abs(row["realised_share"] - row["planted_share"]) < 0.08, row
    honest = [c for c in (p.code for p in topo.points) if c not in leaks]
    assert all(t.diverted == 0 for (code, _d), t in book.by_day.items() if code in honest)


def test_only_sensor_points_get_occupancy_and_payments_follow_shifts():
    topo = _topology()
    out = sim.simulate_day(topo, date(2026, 1, 6), seed=1, leaks={}, tariffs=TARIFFS)
    sensor_codes = {p.code for p in topo.points if p.sensor}
    assert {o.point for o in out.occupancy} == sensor_codes
    assert all(o.occupied <= o.total for o in out.occupancy)
    for p in out.payments:
        hour = p.paid_at.astimezone(sim.LOCAL).hour
        assert p.jukir.startswith("J-") == (hour < 15) or p.paid_at.astimezone(sim.LOCAL).minute < 5
    assert not any(p.vehicle_class == "pickup" for p in out.payments)  # unconfirmed tariff: never charged


def test_command_writes_through_the_real_paths_and_writes_ground_truth(parking, tmp_path):
    for p in (parking.ksw1, parking.ksw2, parking.adn1):
        PointCapacity.objects.create(point=p, vehicle_class="motor", spaces=6)
    gateway = Device.objects.create(code="sensor-ksw", name="Sensor", kind="parking", owner_module="parking")
    parking.ksw1.device = gateway
    parking.ksw1.save()
    truth = tmp_path / "truth.csv"
    call_command("simulate_parking", "--days", "1", "--seed", "5", "--divert-share", "0.34", "--capping", "0",
                 "--ground-truth", str(truth), "--assess")
    assert ParkingTransaction.objects.filter(channel="webhook", origin="sim-agregator").count() > 20
    assert OccupancyReading.objects.filter(point=parking.ksw1).count() == 60  # 07-22 in 15-minute readings
    assert DutySession.objects.count() == 3
    rows = list(csv.DictReader(truth.open()))
    assert [r["kind"] for r in rows].count("tunai") == 1
    assert "qr_pribadi" in [r["kind"] for r in rows]
    assert ParkingViolation.objects.filter(kind=ViolationKind.FOREIGN_MERCHANT).exists()
    before = ParkingTransaction.objects.count()
    call_command("simulate_parking", "--days", "1", "--seed", "5", "--divert-share", "0.34", "--capping", "0")
    assert ParkingTransaction.objects.count() == before  # same references: nothing stored twice


def test_live_mode_sends_todays_events_up_to_now_and_nothing_from_the_future(parking):
    from django.utils import timezone

    for p in (parking.ksw1, parking.ksw2):
        PointCapacity.objects.create(point=p, vehicle_class="motor", spaces=6)
    began = timezone.now()
    call_command("simulate_parking", "--days", "0", "--rate", "2000", "--duration", "3", "--no-leaks")
    latest = ParkingTransaction.objects.order_by("-paid_at").values_list("paid_at", flat=True).first()
    assert latest is None or latest <= timezone.now()
    if timezone.localtime(began).hour >= 9:  # the points open at 07:00: by 09:00 there is something to send
        assert ParkingTransaction.objects.filter(paid_at__date__gte=timezone.localdate(began)).exists()
