"""Revenue reports: sums, cashless counts, city/operator shares, targets per point/segment/operator/jukir/day."""

from __future__ import annotations

import csv
import io
from datetime import timedelta
from typing import Any

from openpyxl import load_workbook

from kotacerdas.parking import reports
from kotacerdas.parking.models import ParkingTransaction


def _rows(rows: list[reports.RevenueRow]) -> dict[str, reports.RevenueRow]:
    return {r.key: r for r in rows}


def _three_payments(parking: Any) -> None:
    parking.pay()
    parking.pay(paid_at=parking.now + timedelta(minutes=5))
    parking.pay(vehicle_class="mobil", amount=5000, paid_at=parking.now + timedelta(minutes=9))


def test_point_report_sums_revenue_and_splits_shares_at_the_operators_percentage(parking, people):
    _three_payments(parking)
    day = parking.now.date()
    rows = _rows(reports.revenue(people.adi, start=day, end=day, by="point"))
    ksw = rows["KSW-01"]
    assert (ksw.transactions, ksw.cashless_count, ksw.revenue) == (3, 3, 11000)
    # Mitra Satu keeps 60 %: 1.800 + 1.800 + 3.000; the city gets the rest.
    assert (ksw.operator_share, ksw.city_share) == (6600, 4400)
    assert ksw.city_share_pct == 40.0
    assert ksw.target == 150000
    assert ksw.target_pct == round(100 * 11000 / 150000, 1)


def test_point_without_payments_still_shows_its_target(parking, people):
    _three_payments(parking)
    day = parking.now.date()
    rows = _rows(reports.revenue(people.adi, start=day - timedelta(days=1), end=day, by="point"))
    assert rows["KSW-02"].revenue == 0
    assert rows["KSW-02"].target == 2 * 150000
    assert rows["KSW-02"].target_pct == 0.0


def test_target_counts_only_days_since_eparking_started(parking, people):
    day = parking.now.date()
    parking.ksw2.eparking_since = day
    parking.ksw2.save()
    rows = _rows(reports.revenue(people.adi, start=day - timedelta(days=2), end=day, by="point"))
    assert rows["KSW-02"].target == 150000
    assert rows["KSW-01"].target == 3 * 150000


def test_segment_and_operator_rows_add_up_their_points(parking, people):
    _three_payments(parking)
    parking.pay(point=parking.adn1, jukir=parking.j5, merchant_id="ID1021000000001", paid_at=parking.now)
    day = parking.now.date()
    seg = _rows(reports.revenue(people.adi, start=day, end=day, by="segment"))
    # KSW-01, KSW-02 and ADN-01 are on Jalan Ahmad Yani; PSR-01 on Jalan Babura.
    assert seg["ahmad-yani"].revenue == 14000
    assert seg["ahmad-yani"].target == 3 * 150000
    assert seg["babura"].target == 150000
    ops = _rows(reports.revenue(people.adi, start=day, end=day, by="operator"))
    assert ops["mitra-1"].revenue == 11000 and ops["mitra-1"].target == 2 * 150000
    # The city's own point: Dishub keeps 0 %, everything goes to the kas daerah.
    assert (ops["dishub"].revenue, ops["dishub"].operator_share, ops["dishub"].city_share) == (3000, 0, 3000)
    total = reports.total(ops.values())
    assert total.revenue == 14000 and total.target == 4 * 150000
    assert total.city_share + total.operator_share == total.revenue


def test_day_rows_cover_every_day_with_the_days_target(parking, people):
    _three_payments(parking)
    day = parking.now.date()
    rows = reports.revenue(people.adi, start=day - timedelta(days=1), end=day, by="day")
    assert [r.key for r in rows] == [(day - timedelta(days=1)).isoformat(), day.isoformat()]
    assert [r.revenue for r in rows] == [0, 11000]
    assert all(r.target == 4 * 150000 for r in rows)


def test_jukir_target_is_the_points_target_split_among_active_assigned_jukir(parking, people):
    from datetime import date, time

    from kotacerdas.parking.models import JukirAssignment

    _three_payments(parking)
    day = parking.now.date()
    # A second active jukir at KSW-01: the point's 150.000 is shared; the revoked J-002 gets nothing.
    JukirAssignment.objects.create(jukir=parking.j3, point=parking.ksw1, shift_start=time(15), shift_end=time(22),
                                   valid_from=date(2024, 1, 1))
    rows = _rows(reports.revenue(people.adi, start=day, end=day, by="jukir"))
    assert rows["J-001"].revenue == 11000
    assert rows["J-001"].target == 75000
    assert rows["J-003"].target == 75000 + 150000  # half of KSW-01 and all of KSW-02
    assert "J-002" not in rows


def test_operator_staff_sees_only_their_operators_points(parking, people):
    _three_payments(parking)
    parking.pay(point=parking.adn1, jukir=parking.j5, merchant_id="ID1021000000001", paid_at=parking.now)
    day = parking.now.date()
    rows = _rows(reports.revenue(parking.mitra_staff, start=day, end=day, by="point"))
    assert set(rows) == {"KSW-01", "KSW-02"}
    assert reports.revenue(people.wati, start=day, end=day, by="point") == []


def test_today_compares_the_days_revenue_with_the_citys_target(parking, people):
    _three_payments(parking)
    summary = reports.today(people.adi, now=parking.now + timedelta(hours=2))
    assert summary.revenue == 11000 and summary.transactions == 3
    assert summary.target == 4 * 150000
    assert summary.target_pct == round(100 * 11000 / 600000, 1)


def test_csv_export_has_a_header_plain_numbers_and_no_formulas(parking, people):
    _three_payments(parking)
    parking.ksw1.name = "=HYPERLINK(\"http://x\")"
    parking.ksw1.save()
    day = parking.now.date()
    data = reports.export_csv(reports.revenue(people.adi, start=day, end=day, by="point"))
    rows = list(csv.reader(io.StringIO(data.decode("utf-8"))))
    assert rows[0][:5] == ["kode", "nama", "transaksi", "nontunai", "pendapatan_rp"]
    ksw = next(r for r in rows if r[0] == "KSW-01")
    assert ksw[1].startswith("'=")
    assert ksw[4] == "11000" and ksw[5] == "150000"


def test_xlsx_export_holds_numbers_and_a_total_row(parking, people):
    _three_payments(parking)
    day = parking.now.date()
    rows = reports.revenue(people.adi, start=day, end=day, by="operator")
    wb = load_workbook(io.BytesIO(reports.export_xlsx(rows)))
    ws = wb.active
    values = [[c.value for c in row] for row in ws.iter_rows()]
    assert values[0][0] == "kode"
    mitra = next(v for v in values if v[0] == "mitra-1")
    assert mitra[4] == 11000 and isinstance(mitra[4], int)
    assert values[-1][4] == sum(r.revenue for r in rows)
    assert ParkingTransaction.objects.count() == 3
