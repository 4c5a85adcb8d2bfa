"""Leakage: the expected-revenue model on worked examples, each indicator firing and not, and the audit ranking."""

from __future__ import annotations

import itertools
from datetime import UTC, date, datetime, time, timedelta
from typing import Any

import pytest
from django.utils import timezone

from kotacerdas.lib import parking_leakage as pl
from kotacerdas.parking import leakage
from kotacerdas.parking.models import (
    DutySession,
    Jukir,
    JukirAssignment,
    LeakageAssessment,
    OccupancyReading,
    ParkingPoint,
    ParkingTransaction,
    PointCapacity,
)

_refs = itertools.count(1)


def _day(parking: Any) -> date:
    return parking.now.date()


def _at(day: date, hh: int, mm: int = 0) -> datetime:
    return timezone.make_aware(datetime.combine(day, time(hh, mm)))


def _tx(point: ParkingPoint, jukir: Jukir, at: datetime, amount: int = 3000, vehicle_class: str = "motor",
        method: str = "qris_dinamis") -> ParkingTransaction:
    return ParkingTransaction(reference=f"T{next(_refs):06d}", channel="webhook", origin="agg", point=point,
                              jukir=jukir, operator=point.operator, vehicle_class=vehicle_class, method=method,
                              amount=amount, tariff_amount=amount, merchant_id="ID1021000000101", paid_at=at)


def _spread(point: ParkingPoint, jukir: Jukir, day: date, n: int, *, start: int = 7, end: int = 22,
            skip: tuple[int, int] | None = None, amount: int = 3000) -> None:
    """n payments evenly over [start, end) local hours, none inside `skip` (hours)."""
    span = (end - start) * 60
    rows = []
    for k in range(n):
        minute = start * 60 + int((k + 0.5) * span / n)
        if skip and skip[0] * 60 <= minute < skip[1] * 60:
            continue
        rows.append(_tx(point, jukir, _at(day, minute // 60, minute % 60), amount))
    ParkingTransaction.objects.bulk_create(rows)


def _readings(point: ParkingPoint, day: date, per_15: int, *, start: int = 7, end: int = 22, total: int = 20,
              occupied: int = 5) -> None:
    rows = []
    t = _at(day, start)
    while t < _at(day, end):
        rows.append(OccupancyReading(point=point, start=t.astimezone(UTC), seconds=900, occupied=occupied,
                                     total=total, arrivals=per_15))
        t += timedelta(minutes=15)
    OccupancyReading.objects.bulk_create(rows)


def _indicator(row: LeakageAssessment, code: str) -> dict[str, Any]:
    return next(i for i in row.indicators if i["code"] == code)


def _assess(day: date, point: ParkingPoint) -> LeakageAssessment:
    return next(r for r in leakage.do_assess_leakage(day) if r.point_id == point.pk)


@pytest.fixture
def capacities(parking: Any) -> Any:
    for p in (parking.ksw1, parking.ksw2, parking.adn1, parking.psr1):
        PointCapacity.objects.create(point=p, vehicle_class="motor", spaces=20)
    return parking


@pytest.fixture
def peers(capacities: Any) -> list[tuple[ParkingPoint, Jukir]]:
    """Five more motor points with one jukir each, same road class and land use as KSW-01 (niaga, class 1)."""
    out = []
    for k in range(1, 6):
        p = ParkingPoint.objects.create(code=f"PEER-{k}", name=f"Titik sejawat {k}", segment=capacities.segment,
                                        operator=capacities.mitra1, lat=3.57, lon=98.685, daily_target=150000)
        PointCapacity.objects.create(point=p, vehicle_class="motor", spaces=10)
        j = Jukir.objects.create(code=f"JP-{k}", name=f"Jukir {k}", operator=capacities.mitra1, card_secret="x")
        JukirAssignment.objects.create(jukir=j, point=p, shift_start=time(7), shift_end=time(22),
                                       valid_from=date(2024, 1, 1))
        out.append((p, j))
    return out


# Pure helpers ---------------------------------------------------------------------------------------------------


def test_robust_z_uses_median_and_mad():
    # Median 30, |deviations| 0, 2, 2, 1, 1 → MAD 1 → scale 1.4826; 20 is (20 − 30) / 1.4826 below.
    assert pl.robust_z(20, [30, 32, 28, 31, 29]) == pytest.approx(-10 / 1.4826)
    assert pl.robust_z(5, []) is None


def test_longest_gap_counts_the_window_edges():
    day = datetime(2026, 1, 5, tzinfo=UTC)
    times = [day.replace(hour=11, minute=10), day.replace(hour=11, minute=20), day.replace(hour=12, minute=30)]
    gap = pl.longest_gap(times, day.replace(hour=11), day.replace(hour=13))
    assert gap.minutes == 70 and gap.start.minute == 20


def test_mean_tariff_leaves_out_classes_without_a_confirmed_tariff():
    assert pl.mean_tariff({"motor": 3, "mobil": 1, "pickup": 5}, {"motor": 3000, "mobil": 5000, "pickup": None}) \
        == pytest.approx((3 * 3000 + 5000) / 4)


# Expected-revenue model -----------------------------------------------------------------------------------------


def test_sensor_basis_worked_example(capacities):
    """KSW-01: 20 motor spaces open 07-22; the sensor counts 2 arrivals per 15 min = 120 vehicles → Rp360.000
    expected; 84 paid at Rp3.000 = Rp252.000 → L = 30 %, Rp108.000 lost."""
    day = _day(capacities)
    _readings(capacities.ksw1, day, 2)
    _spread(capacities.ksw1, capacities.j1, day, 84)
    row = _assess(day, capacities.ksw1)
    assert row.basis == "sensor"
    assert row.expected_sessions == pytest.approx(120)
    assert (row.expected_revenue, row.actual_revenue, row.estimated_loss) == (360000, 252000, 108000)
    assert row.leakage_ratio == pytest.approx(0.30)


def test_sensor_basis_scales_up_a_partly_covered_day(capacities):
    """Readings for 12 of the 15 opening hours (80 % coverage): 96 arrivals count as 120."""
    day = _day(capacities)
    _readings(capacities.ksw1, day, 2, start=7, end=19)
    row = _assess(day, capacities.ksw1)
    assert row.basis == "sensor" and row.expected_sessions == pytest.approx(120)


def test_peer_basis_uses_the_median_rate_per_space_hour_of_comparable_points(peers):
    """PEER-1's peers in (class 1, niaga): PEER-2..5 with 10 spaces × 15 h and 30, 30, 36, 24 paid (0.2, 0.2, 0.24,
    0.16 sessions per space-hour) and KSW-01, KSW-02, ADN-01 with nothing paid (0): median 0.16 → 24 sessions on
    PEER-1's 150 space-hours → Rp72.000 expected; 12 paid (Rp36.000) → L = 50 %."""
    (p1, j1), *others = peers
    day = timezone.localdate() - timedelta(days=1)
    for (p, j), n in zip(others, (30, 30, 36, 24), strict=True):
        _spread(p, j, day, n)
    _spread(p1, j1, day, 12)
    row = _assess(day, p1)
    assert row.basis == "peer"
    assert row.expected_sessions == pytest.approx(0.16 * 150)
    assert row.expected_revenue == 72000 and row.actual_revenue == 36000
    assert row.leakage_ratio == pytest.approx(0.5)


def test_own_history_is_the_floor_when_a_busy_point_drops(peers):
    (p1, j1), *others = peers
    day = timezone.localdate() - timedelta(days=1)
    while day.weekday() >= 5:
        day -= timedelta(days=1)
    earlier = [day - timedelta(days=k) for k in range(1, 15) if (day - timedelta(days=k)).weekday() < 5][:6]
    for d in earlier:
        _spread(p1, j1, d, 40)
    for p, j in others:
        _spread(p, j, day, 30)
    _spread(p1, j1, day, 10)
    row = _assess(day, p1)
    assert row.basis == "history"
    assert row.expected_sessions == pytest.approx(40)
    assert row.leakage_ratio == pytest.approx(0.75)


# Indicators -----------------------------------------------------------------------------------------------------


def test_peak_gap_fires_at_a_busy_point_silent_over_lunch(capacities):
    day = _day(capacities)
    _readings(capacities.ksw1, day, 3)  # 12 arrivals per hour
    _spread(capacities.ksw1, capacities.j1, day, 180, skip=(11, 12))
    fired = _indicator(_assess(day, capacities.ksw1), "celah_jam_sibuk")
    assert fired["fired"] and fired["value"] >= 60


def test_peak_gap_stays_quiet_when_payments_continue(capacities):
    day = _day(capacities)
    _readings(capacities.ksw1, day, 3)
    _spread(capacities.ksw1, capacities.j1, day, 180)
    assert not _indicator(_assess(day, capacities.ksw1), "celah_jam_sibuk")["fired"]


def test_peak_gap_ignores_a_quiet_point(capacities):
    day = _day(capacities)
    _readings(capacities.ksw1, day, 0)
    _spread(capacities.ksw1, capacities.j1, day, 10, skip=(11, 13))
    assert not _indicator(_assess(day, capacities.ksw1), "celah_jam_sibuk")["fired"]


def test_peer_comparison_fires_far_below_peers_only(peers):
    (p1, j1), *others = peers
    day = timezone.localdate() - timedelta(days=1)
    for (p, j), n in zip(others, (30, 31, 29, 30), strict=True):
        _spread(p, j, day, n)
    _spread(p1, j1, day, 5)
    rows = {r.point_id: r for r in leakage.do_assess_leakage(day)}
    assert _indicator(rows[p1.pk], "banding_sejawat")["fired"]
    assert not _indicator(rows[others[0][0].pk], "banding_sejawat")["fired"]


def test_deposit_capping_fires_when_revenue_sits_at_the_target(capacities):
    day = _day(capacities)
    for k in range(5):  # Rp150.000 = the target, five days out of seven
        _spread(capacities.ksw1, capacities.j1, day - timedelta(days=k), 50)
    assert _indicator(_assess(day, capacities.ksw1), "setoran_dipatok")["fired"]


def test_deposit_capping_is_not_fired_when_revenue_ever_exceeds_the_target(capacities):
    day = _day(capacities)
    for k in range(5):
        _spread(capacities.ksw1, capacities.j1, day - timedelta(days=k), 50)
    _spread(capacities.ksw1, capacities.j1, day - timedelta(days=5), 80)
    assert not _indicator(_assess(day, capacities.ksw1), "setoran_dipatok")["fired"]


def test_duty_without_transactions_fires_and_names_the_jukir(capacities):
    day = _day(capacities)
    _readings(capacities.ksw2, day, 3)  # 12 arrivals an hour: 30 payments expected in the session
    DutySession.objects.create(jukir=capacities.j3, point=capacities.ksw2, started_at=_at(day, 8),
                               ended_at=_at(day, 10, 30))
    ind = _indicator(_assess(day, capacities.ksw2), "tugas_tanpa_transaksi")
    assert ind["fired"] and "J-003" in ind["text"] and ind["value"] == 150


def test_duty_at_a_quiet_point_without_transactions_is_not_suspicious(capacities):
    day = _day(capacities)
    _readings(capacities.ksw2, day, 0, occupied=0)  # the sensor saw nobody arrive
    DutySession.objects.create(jukir=capacities.j3, point=capacities.ksw2, started_at=_at(day, 8),
                               ended_at=_at(day, 10, 30))
    assert not _indicator(_assess(day, capacities.ksw2), "tugas_tanpa_transaksi")["fired"]


def test_duty_with_a_transaction_is_not_idle(capacities):
    day = _day(capacities)
    DutySession.objects.create(jukir=capacities.j3, point=capacities.ksw2, started_at=_at(day, 8),
                               ended_at=_at(day, 10, 30))
    ParkingTransaction.objects.bulk_create([_tx(capacities.ksw2, capacities.j3, _at(day, 9))])
    assert not _indicator(_assess(day, capacities.ksw2), "tugas_tanpa_transaksi")["fired"]


def test_occupancy_without_payments_fires_on_silent_busy_hours(capacities):
    day = _day(capacities)
    _readings(capacities.ksw1, day, 2)  # 8 arrivals an hour
    _spread(capacities.ksw1, capacities.j1, day, 120, skip=(14, 16))
    ind = _indicator(_assess(day, capacities.ksw1), "okupansi_vs_bayar")
    assert ind["fired"] and ind["value"] == 2 and "14.00" in ind["text"]


def test_occupancy_with_payments_every_hour_is_quiet(capacities):
    day = _day(capacities)
    _readings(capacities.ksw1, day, 2)
    _spread(capacities.ksw1, capacities.j1, day, 120)
    assert not _indicator(_assess(day, capacities.ksw1), "okupansi_vs_bayar")["fired"]


def test_refused_payments_fire_their_indicators(capacities):
    capacities.pay(sticker_barcode="BAR-VALID", plate="BK 1234 AB")
    capacities.pay(merchant_id="ID99PRIBADI")
    capacities.pay(method="tunai", merchant_id="")
    capacities.pay(jukir=capacities.j_revoked)
    capacities.pay()
    row = _assess(_day(capacities), capacities.ksw1)
    for code in ("stiker_ditarik", "merchant_asing", "porsi_nontunai", "jukir_tidak_sah"):
        assert _indicator(row, code)["fired"], code
    assert _indicator(row, "porsi_nontunai")["value"] == 0.5


def test_clean_payments_fire_no_violation_indicator(capacities):
    capacities.pay()
    row = _assess(_day(capacities), capacities.ksw1)
    for code in ("stiker_ditarik", "merchant_asing", "porsi_nontunai", "jukir_tidak_sah"):
        assert not _indicator(row, code)["fired"], code


def test_leakage_ratio_rule_needs_three_of_seven_days(capacities):
    day = _day(capacities)
    for k in range(3):
        d = day - timedelta(days=2 - k)
        _readings(capacities.ksw1, d, 2)
        _spread(capacities.ksw1, capacities.j1, d, 60)  # half of 120 → L = 50 %
        row = _assess(d, capacities.ksw1)
        assert _indicator(row, "rasio_kebocoran")["fired"] is (k == 2)


def test_step_down_fires_after_three_normal_weeks(capacities):
    day = _day(capacities)
    for k in range(7, 28):
        _spread(capacities.ksw1, capacities.j1, day - timedelta(days=k), 60)
    for k in range(7):
        _spread(capacities.ksw1, capacities.j1, day - timedelta(days=k), 20)
    ind = _indicator(_assess(day, capacities.ksw1), "penurunan")
    assert ind["fired"] and ind["value"] == pytest.approx(1 / 3, abs=0.01)


def test_reassessing_a_day_replaces_its_rows(capacities):
    day = _day(capacities)
    leakage.do_assess_leakage(day)
    leakage.do_assess_leakage(day)
    assert LeakageAssessment.objects.filter(day=day).count() == ParkingPoint.objects.filter(is_active=True).count()


# Audit list -----------------------------------------------------------------------------------------------------


def _assessment(point: ParkingPoint, day: date, expected: int, actual: int, *fired: str) -> None:
    LeakageAssessment.objects.create(
        point=point, day=day, expected_sessions=expected / 3000, paid_sessions=actual // 3000,
        expected_revenue=expected, actual_revenue=actual, estimated_loss=expected - actual,
        leakage_ratio=round(1 - actual / expected, 4), basis="sensor",
        indicators=[{"code": c, "fired": True, "value": 1, "threshold": 1, "text": f"teks {c}"} for c in fired])


def test_audit_list_ranks_flagged_points_by_rupiah_lost_not_by_percentage(capacities, people):
    day = _day(capacities)
    for k in range(7):
        d = day - timedelta(days=k)
        _assessment(capacities.ksw1, d, 1_000_000, 700_000, "setoran_dipatok")  # 30 %: Rp300.000 a day
        _assessment(capacities.ksw2, d, 100_000, 20_000, "merchant_asing")  # 80 %: Rp80.000 a day
        _assessment(capacities.adn1, d, 2_000_000, 1_600_000)  # Rp400.000 a day, but no evidence beyond the model
        _assessment(capacities.psr1, d, 100_000, 110_000)  # paid more than expected: not listed
    entries = leakage.audit_list(people.adi, end=day)
    assert [e.point.code for e in entries] == ["KSW-01", "KSW-02", "ADN-01"]
    first, second, third = entries
    assert first.estimated_loss == 7 * 300_000 and first.leakage_pct == 30
    assert first.days_over_threshold == 0 and first.flagged  # 30 % is not above 30 %
    assert second.flagged and second.days_over_threshold == 7
    assert [i.code for i in second.indicators] == ["rasio_kebocoran", "merchant_asing"]
    assert "Merchant id asing (7 hari)" in second.explanation
    assert "Rp560.000" in second.explanation
    assert not third.flagged and third.estimated_loss == 7 * 400_000
    assert "Tidak ada indikator" in third.explanation


def test_audit_list_is_scoped_to_what_the_user_may_see(capacities, people):
    day = _day(capacities)
    _assessment(capacities.ksw1, day, 100_000, 50_000)
    _assessment(capacities.adn1, day, 100_000, 50_000)
    assert {e.point.code for e in leakage.audit_list(capacities.mitra_staff, end=day)} == {"KSW-01"}
    assert leakage.audit_list(people.wati, end=day) == []


def test_a_soft_indicator_on_one_day_does_not_flag(capacities, people):
    day = _day(capacities)
    _assessment(capacities.ksw1, day, 100_000, 95_000, "banding_sejawat")
    entry = leakage.audit_list(people.adi, end=day)[0]
    assert not entry.flagged and entry.indicators == []


def test_a_model_based_day_counts_only_when_the_shortfall_is_beyond_chance():
    cfg = leakage.LeakageSettings()
    # Expected 3, paid 1: L = 67 % but 2 short of 3 is within 2 × √3 → chance.
    assert not leakage.day_over(0.67, "peer", 3, 1, cfg)
    # Expected 100, paid 60: 40 short, far beyond 2 × √100 = 20.
    assert leakage.day_over(0.40, "peer", 100, 60, cfg)
    # Against a sensor the gap is measured, not modelled.
    assert leakage.day_over(0.67, "sensor", 3, 1, cfg)
    assert not leakage.day_over(0.30, "sensor", 100, 70, cfg)


def test_a_sensor_point_below_its_peers_but_paying_for_every_arrival_is_not_flagged_by_peers(peers):
    (p1, j1), *others = peers
    day = timezone.localdate() - timedelta(days=1)
    for (p, j), n in zip(others, (30, 31, 29, 30), strict=True):
        _spread(p, j, day, n)
    _readings(p1, day, 0, start=7, end=22, total=10, occupied=1)
    OccupancyReading.objects.filter(point=p1, start__lt=_at(day, 12)).update(arrivals=1)  # 20 arrivals
    _spread(p1, j1, day, 20)
    row = _assess(day, p1)
    assert row.basis == "sensor" and row.leakage_ratio == pytest.approx(0)
    ind = _indicator(row, "banding_sejawat")
    assert ind["value"] <= -2 and not ind["fired"]


def test_capping_band_above_the_target_allows_the_one_payment_that_crosses_it():
    # Target Rp60.000: the last motor payment may end the day at 62.000 or a car at 64.000 (still capped);
    # 3 % below is the floor; 66.000 is above the band.
    revenues = [58_200, 62_000, 64_000, 57_000, 66_000]
    assert pl.capped_days(revenues, 60_000, 0.03 * 60_000, 5000) == 3


def test_peer_comparison_alone_never_flags_a_point(capacities, people):
    day = _day(capacities)
    for k in range(7):
        _assessment(capacities.ksw1, day - timedelta(days=k), 100_000, 95_000, "banding_sejawat")
    entry = leakage.audit_list(people.adi, end=day)[0]
    assert [i.code for i in entry.indicators] == ["banding_sejawat"] and not entry.flagged


def test_the_daily_task_assesses_yesterday_for_every_active_point(capacities):
    now = capacities.now + timedelta(days=1)
    counts = leakage.assess_yesterday(now)
    assert counts["points"] == ParkingPoint.objects.filter(is_active=True).count()
    assert set(LeakageAssessment.objects.values_list("day", flat=True)) == {capacities.now.date()}


def test_the_on_demand_task_reassesses_a_day(capacities):
    from kotacerdas.parking import tasks

    tasks.assess_leakage_day.enqueue(capacities.now.date().isoformat())  # Huey runs it at once in tests
    assert LeakageAssessment.objects.filter(day=capacities.now.date()).count() == 4
