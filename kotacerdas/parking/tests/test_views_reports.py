"""Reconciliation upload, the leakage audit list, the revenue report and the violation review, through the
screens: what each shows, exports, and the Indonesian 400s for bad input."""

from __future__ import annotations

import csv
import io
from datetime import timedelta
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from kotacerdas.core.models import AuditLog
from kotacerdas.parking.models import LeakageAssessment, SettlementFile, ViolationStatus
from kotacerdas.parking.tests.conftest import MITRA1_NMID


def settlement_csv(parking: Any, *rows: tuple[str, int]) -> bytes:
    day = timezone.localtime(parking.now).date().isoformat()
    lines = ["reference,merchant_id,amount,fee,paid_at,settlement_date"]
    lines += [f"{ref},{MITRA1_NMID},{amount},21,{parking.now.isoformat()},{day}" for ref, amount in rows]
    return ("\n".join(lines) + "\n").encode()


def upload(client: Any, data: bytes, name: str = "settlement.csv", provider: str = "agg") -> Any:
    return client.post(reverse("parking:reconciliation"),
                       {"provider": provider, "file": SimpleUploadedFile(name, data, content_type="text/csv")})


# --- reconciliation -----------------------------------------------------------------------------------------------


def test_a_manager_uploads_a_settlement_file_and_sees_unmatched_on_both_sides(client: Any, people: Any,
                                                                             parking: Any) -> None:
    parking.pay(reference="QR-MATCH")
    parking.pay(reference="QR-MISSING")  # the aggregator never settled it
    data = settlement_csv(parking, ("QR-MATCH", 3000), ("QR-GHOST", 3000))
    client.force_login(people.hendra)
    response = upload(client, data)
    f = SettlementFile.objects.get()
    assert response.status_code == 302 and response["Location"] == reverse("parking:settlement", args=[f.pk])
    assert (f.lines_total, f.lines_matched, f.lines_unmatched) == (2, 1, 1)
    page = client.get(response["Location"]).content.decode()
    assert "1 cocok, 1 tidak cocok" in page
    unmatched_lines = page.split('id="unmatched-lines"')[1].split("</table>")[0]
    unmatched_tx = page.split('id="unmatched-transactions"')[1].split("</table>")[0]
    assert "QR-GHOST" in unmatched_lines and "QR-MATCH" not in unmatched_lines
    assert "QR-MISSING" in unmatched_tx and "QR-MATCH" not in unmatched_tx
    listing = client.get(reverse("parking:reconciliation")).content.decode()
    assert "settlement.csv" in listing


def test_uploading_the_same_file_twice_counts_it_once(client: Any, people: Any, parking: Any) -> None:
    parking.pay(reference="QR-1")
    data = settlement_csv(parking, ("QR-1", 3000))
    client.force_login(people.hendra)
    first, second = upload(client, data), upload(client, data, name="lagi.csv")
    assert first["Location"] == second["Location"]
    assert SettlementFile.objects.count() == 1
    page = client.get(second["Location"]).content.decode()
    assert "Berkas ini sudah diimpor pada" in page and "tidak dihitung dua kali" in page


@pytest.mark.parametrize("data,message", [
    (b"reference,amount\nQR-1,tiga ribu\n", "Baris 1: amount bukan angka"),
    (b"foo,bar\n1,2\n", "Kolom wajib tidak ada"),
    (b"", "Berkas kosong."),
])
def test_a_broken_settlement_file_is_400_naming_the_problem(client: Any, people: Any, parking: Any, data: bytes,
                                                            message: str) -> None:
    client.force_login(people.hendra)
    response = upload(client, data)
    assert response.status_code == 400
    assert message in response.content.decode()
    assert not SettlementFile.objects.exists()


def test_an_upload_without_provider_is_400_in_indonesian(client: Any, people: Any, parking: Any) -> None:
    client.force_login(people.hendra)
    response = upload(client, settlement_csv(parking, ("QR-1", 3000)), provider="")
    assert response.status_code == 400
    assert "Pilih penyedia pembayaran." in response.content.decode()


def test_view_only_staff_see_the_files_but_cannot_upload(client: Any, people: Any, parking: Any) -> None:
    client.force_login(people.oscar)
    page = client.get(reverse("parking:reconciliation")).content.decode()
    assert 'id="settlement-upload"' not in page
    assert upload(client, settlement_csv(parking, ("QR-1", 3000))).status_code == 403
    assert not SettlementFile.objects.exists()


# --- audit list ---------------------------------------------------------------------------------------------------


def assess(point: Any, day: Any, expected: int, actual: int, indicators: list[dict[str, Any]] | None = None) -> None:
    ratio = 1 - actual / expected
    LeakageAssessment.objects.create(
        point=point, day=day, expected_sessions=expected / 3000, paid_sessions=actual // 3000,
        expected_revenue=expected, actual_revenue=actual, estimated_loss=expected - actual, leakage_ratio=ratio,
        basis="sensor", score=min(1.0, ratio), indicators=indicators or [])


@pytest.fixture
def assessed(parking: Any) -> Any:
    yesterday = timezone.localdate() - timedelta(days=1)
    gap = {"code": "celah_jam_sibuk", "fired": True, "value": 45, "threshold": 30,
           "text": "Tidak ada transaksi selama 45 menit pada jam sibuk."}
    for k in range(3):
        assess(parking.ksw1, yesterday - timedelta(days=k), 300000, 120000, [gap])  # loses 540k over 3 days
        assess(parking.psr1, yesterday - timedelta(days=k), 200000, 150000)  # loses 150k
        assess(parking.ksw2, yesterday - timedelta(days=k), 100000, 100000)  # nothing
    return yesterday


def test_the_audit_list_ranks_points_by_rupiah_lost_and_explains_the_indicators(client: Any, people: Any,
                                                                               assessed: Any) -> None:
    client.force_login(people.oscar)
    page = client.get(reverse("parking:audit")).content.decode()
    table = page.split('id="audit-table"')[1].split("</table>")[0]
    assert table.index('data-point="KSW-01"') < table.index('data-point="PSR-01"')
    assert 'data-point="KSW-02"' not in table
    assert "Rp540.000" in table and "Celah transaksi jam sibuk" in table
    assert "Tidak ada transaksi selama 45 menit" in table
    assert "Cara membaca indikator" in page and "indikator 2" in page


def test_the_audit_list_filters_by_operator_and_period(client: Any, people: Any, assessed: Any) -> None:
    client.force_login(people.oscar)
    page = client.get(reverse("parking:audit"), {"operator": "mitra-2"}).content.decode()
    table = page.split('id="audit-table"')[1].split("</table>")[0]
    assert 'data-point="PSR-01"' in table and 'data-point="KSW-01"' not in table
    one_day = client.get(reverse("parking:audit"), {"days": "1"}).content.decode()
    assert "Rp180.000" in one_day.split('id="audit-table"')[1]  # KSW-01's loss on the last day only


def test_bad_audit_parameters_are_400_in_indonesian(client: Any, people: Any, assessed: Any) -> None:
    client.force_login(people.oscar)
    response = client.get(reverse("parking:audit"), {"operator": "tidak-ada", "end": "kemarin"})
    assert response.status_code == 400
    body = response.content.decode()
    assert "Operator tidak dikenal." in body and "Tanggal tidak valid" in body


def test_the_audit_list_exports_csv_and_xlsx_in_the_same_order(client: Any, people: Any, assessed: Any) -> None:
    client.force_login(people.oscar)
    response = client.get(reverse("parking:audit-export", args=["csv"]))
    assert response.status_code == 200 and response["Content-Type"].startswith("text/csv")
    rows = list(csv.reader(io.StringIO(response.content.decode())))
    assert rows[0][:3] == ["peringkat", "kode_titik", "nama_titik"]
    assert [r[1] for r in rows[1:]] == ["KSW-01", "PSR-01"]
    assert rows[1][9] == "540000"
    xlsx = client.get(reverse("parking:audit-export", args=["xlsx"]))
    ws = load_workbook(io.BytesIO(xlsx.content)).active
    assert [ws.cell(row=r, column=2).value for r in (2, 3)] == ["KSW-01", "PSR-01"]
    assert client.get(reverse("parking:audit-export", args=["pdf"])).status_code == 404


# --- revenue report -----------------------------------------------------------------------------------------------


def test_the_revenue_report_groups_by_point_and_exports(client: Any, people: Any, parking: Any) -> None:
    day = timezone.localtime(parking.now).date()
    parking.pay(reference="R1")
    parking.pay(reference="R2", vehicle_class="mobil", amount=5000)
    client.force_login(people.hendra)
    params = {"by": "point", "start": day.isoformat(), "end": day.isoformat()}
    page = client.get(reverse("parking:revenue"), params).content.decode()
    table = page.split('id="revenue-table"')[1]
    assert "Rp8.000" in table and reverse("parking:point", args=["KSW-01"]) in table
    assert "Rp3.200" in table  # the city's 40% of Mitra Satu's Rp8.000
    response = client.get(reverse("parking:revenue-export", args=["csv"]), params)
    rows = list(csv.reader(io.StringIO(response.content.decode())))
    ksw1 = next(r for r in rows if r[0] == "KSW-01")
    assert ksw1[2] == "2" and ksw1[4] == "8000"
    xlsx = client.get(reverse("parking:revenue-export", args=["xlsx"]), params)
    assert xlsx["Content-Disposition"].endswith('.xlsx"')
    assert load_workbook(io.BytesIO(xlsx.content)).active["A1"].value == "kode"


@pytest.mark.parametrize("by", ["segment", "operator", "jukir", "day"])
def test_the_revenue_report_groups_by_every_dimension(client: Any, people: Any, parking: Any, by: str) -> None:
    day = timezone.localtime(parking.now).date()
    parking.pay(reference="R1")
    client.force_login(people.oscar)
    response = client.get(reverse("parking:revenue"), {"by": by, "start": day.isoformat(), "end": day.isoformat()})
    assert response.status_code == 200
    assert "Rp3.000" in response.content.decode().split('id="revenue-table"')[1]


def test_a_reversed_or_broken_period_is_400_in_indonesian(client: Any, people: Any, parking: Any) -> None:
    client.force_login(people.oscar)
    response = client.get(reverse("parking:revenue"), {"start": "2026-02-10", "end": "2026-02-01"})
    assert response.status_code == 400
    assert "Tanggal akhir tidak boleh sebelum tanggal awal." in response.content.decode()
    response = client.get(reverse("parking:revenue"), {"start": "kemarin", "by": "kota"})
    assert response.status_code == 400
    body = response.content.decode()
    assert "Tanggal tidak valid" in body and "Masukkan pilihan yang valid" in body


# --- violations ---------------------------------------------------------------------------------------------------


def test_a_manager_reviews_a_violation_from_the_list(client: Any, people: Any, parking: Any) -> None:
    violation = parking.pay(method="tunai", reference="CASH-1").violation
    client.force_login(people.hendra)
    page = client.get(reverse("parking:violations"), {"status": "baru"}).content.decode()
    assert f'id="violation-{violation.pk}"' in page and "Simpan tinjauan" in page
    response = client.post(reverse("parking:violation-review", args=[violation.pk]),
                           {"status": "ditinjau", "note": "Jukir ditegur.", "next": "/parkir/pelanggaran/"})
    assert response.status_code == 302 and response["Location"] == "/parkir/pelanggaran/"
    violation.refresh_from_db()
    assert violation.status == ViolationStatus.REVIEWED and violation.reviewed_by == people.hendra
    assert AuditLog.objects.filter(action="parking.violation_reviewed").exists()


def test_dismissing_a_violation_needs_a_note(client: Any, people: Any, parking: Any) -> None:
    violation = parking.pay(method="tunai", reference="CASH-1").violation
    client.force_login(people.hendra)
    response = client.post(reverse("parking:violation-review", args=[violation.pk]), {"status": "ditolak"})
    assert response.status_code == 400
    assert "Jelaskan mengapa ini bukan pelanggaran" in response.content.decode()
    violation.refresh_from_db()
    assert violation.status == ViolationStatus.OPEN


def test_a_review_redirect_never_leaves_the_site(client: Any, people: Any, parking: Any) -> None:
    violation = parking.pay(method="tunai", reference="CASH-1").violation
    client.force_login(people.hendra)
    response = client.post(reverse("parking:violation-review", args=[violation.pk]),
                           {"status": "ditinjau", "next": "https://jahat.example/"})
    assert response["Location"] == reverse("parking:violations")


def test_view_only_staff_cannot_review_violations(client: Any, people: Any, parking: Any) -> None:
    violation = parking.pay(method="tunai", reference="CASH-1").violation
    client.force_login(people.oscar)
    assert "Simpan tinjauan" not in client.get(reverse("parking:violations")).content.decode()
    response = client.post(reverse("parking:violation-review", args=[violation.pk]), {"status": "ditinjau"})
    assert response.status_code == 403
    violation.refresh_from_db()
    assert violation.status == ViolationStatus.OPEN


def test_the_violation_list_filters_and_rejects_unknown_values_with_400(client: Any, people: Any,
                                                                       parking: Any) -> None:
    parking.pay(method="tunai", reference="CASH-1")
    parking.pay(method="qris_dinamis", reference="FOREIGN", merchant_id="ID9999")
    client.force_login(people.oscar)
    page = client.get(reverse("parking:violations"), {"kind": "merchant_asing"}).content.decode()
    listing = page.split('id="violation-list"')[1]
    assert "Merchant id bukan milik kota/operator" in listing and "Tunai di titik e-parking" not in listing
    response = client.get(reverse("parking:violations"), {"kind": "bukan-jenis"})
    assert response.status_code == 400
    assert "Masukkan pilihan yang valid" in response.content.decode()


def test_the_dashboard_counts_open_violations_and_shows_todays_revenue(client: Any, people: Any,
                                                                      parking: Any) -> None:
    parking.pay(method="tunai", reference="CASH-1")
    parking.pay(reference="TODAY", paid_at=timezone.now() - timedelta(minutes=1))
    client.force_login(people.oscar)
    page = client.get(reverse("parking:dashboard")).content.decode()
    assert 'id="open-violations">1<' in page
    assert 'id="today-revenue">Rp3.000<' in page
    assert 'id="points-total">4<' in page
    assert 'data-kc-chart="parking-chart-data"' in page and 'id="parking-chart-data"' in page
