"""The jukir's phone page (record a payment, start/end duty) and the manager's jukir page (revoke, suspend,
reactivate with a reason). Refusals must reach the jukir in plain Indonesian and be stored as violations."""

from __future__ import annotations

from typing import Any

import pytest
from django.urls import reverse

from kotacerdas.core.models import AuditLog
from kotacerdas.parking.models import (
    DutySession,
    JukirStatus,
    ParkingTransaction,
    ParkingViolation,
    ViolationKind,
)
from kotacerdas.parking.tests.conftest import MITRA1_NMID


def pay(client: Any, **data: Any) -> Any:
    form = {"reference": "hp-uji-0001", "point": "KSW-01", "vehicle_class": "motor", "method": "qris_dinamis"}
    form.update(data)
    return client.post(reverse("parking:record"), form)


@pytest.fixture
def jukir_client(client: Any, parking: Any) -> Any:
    client.force_login(parking.jukir_user)
    return client


def test_the_payment_page_offers_only_classes_with_a_confirmed_tariff(jukir_client: Any) -> None:
    page = jukir_client.get(reverse("parking:record")).content.decode()
    assert "Rp3.000" in page and "Rp5.000" in page
    assert 'id="vc-motor"' in page and 'id="vc-pickup"' not in page
    assert "Tarif belum ditetapkan, tidak boleh ditarik bayaran: Pick-up / minibus, Truk mini" in page
    assert "Perda Kota Medan No. 1 Tahun 2024" in page


def test_a_jukir_records_a_qris_payment_at_the_tariff_to_the_operators_merchant(jukir_client: Any,
                                                                               parking: Any) -> None:
    response = pay(jukir_client, plate="bk 77 xy")
    tx = ParkingTransaction.objects.get()
    assert response.status_code == 302 and response["Location"] == f"{reverse('parking:record')}?tx={tx.pk}"
    assert (tx.amount, tx.jukir, tx.point, tx.channel, tx.origin) == (3000, parking.j1, parking.ksw1, "handheld",
                                                                       "jukir:J-001")
    assert tx.merchant_id == MITRA1_NMID and tx.plate == "BK77XY"
    page = jukir_client.get(response["Location"]).content.decode()
    assert "Pembayaran tercatat" in page and 'data-outcome="accepted"' in page
    assert "Riwayat saya hari ini" in page and "Rp3.000" in page


def test_a_double_tap_records_the_payment_once(jukir_client: Any) -> None:
    first = pay(jukir_client)
    second = pay(jukir_client)
    assert ParkingTransaction.objects.count() == 1
    assert second["Location"] == first["Location"] + "&ulang=1"
    page = jukir_client.get(second["Location"]).content.decode()
    assert "Sudah tercatat" in page and "tidak dicatat dua kali" in page


def test_cash_at_an_e_parking_point_is_refused_in_indonesian_and_kept_as_a_violation(jukir_client: Any) -> None:
    response = pay(jukir_client, method="tunai")
    violation = ParkingViolation.objects.get()
    assert violation.kind == ViolationKind.CASH_AT_EPARKING and violation.transaction is None
    assert not ParkingTransaction.objects.exists()
    page = jukir_client.get(response["Location"]).content.decode()
    assert 'data-outcome="refused"' in page and 'role="alert"' in page
    assert "DITOLAK" in page and "Pembayaran tunai tidak diterima di titik e-parking" in page


def test_a_revoked_jukir_sees_the_card_blocked_and_a_refusal(jukir_client: Any, parking: Any) -> None:
    parking.j1.status, parking.j1.status_reason = JukirStatus.REVOKED, "menerima uang tunai"
    parking.j1.save()
    page = jukir_client.get(reverse("parking:record")).content.decode()
    assert "Kartu jukir Anda tidak aktif" in page and "menerima uang tunai" in page
    response = pay(jukir_client)
    assert ParkingViolation.objects.get().kind == ViolationKind.REVOKED_JUKIR
    assert not ParkingTransaction.objects.exists()
    page = jukir_client.get(response["Location"]).content.decode()
    assert "Kartu jukir Anda dicabut atau dibekukan" in page


def test_a_sticker_holder_cannot_be_charged(jukir_client: Any) -> None:
    response = pay(jukir_client, sticker="BAR-VALID")
    assert ParkingViolation.objects.get().kind == ViolationKind.STICKER_CHARGED
    assert "Kendaraan ini berlangganan" in jukir_client.get(response["Location"]).content.decode()


def test_a_payment_without_class_or_method_is_400_with_indonesian_messages(jukir_client: Any) -> None:
    response = jukir_client.post(reverse("parking:record"), {"reference": "hp-x", "point": "KSW-01"})
    assert response.status_code == 400
    body = response.content.decode()
    assert "Pilih golongan kendaraan." in body and "Pilih cara bayar." in body
    assert not ParkingTransaction.objects.exists() and not ParkingViolation.objects.exists()


def test_a_class_without_a_confirmed_tariff_is_400_and_records_nothing(jukir_client: Any) -> None:
    response = pay(jukir_client, vehicle_class="pickup")
    assert response.status_code == 400
    assert "Tarif golongan ini belum ditetapkan" in response.content.decode()
    assert not ParkingTransaction.objects.exists()


def test_an_unknown_point_or_class_is_400_not_500(jukir_client: Any) -> None:
    assert pay(jukir_client, point="PSR-01").status_code == 400  # not one of J-001's points
    assert pay(jukir_client, vehicle_class="tank").status_code == 400
    assert pay(jukir_client, method="emas").status_code == 400
    assert not ParkingTransaction.objects.exists()


def test_a_jukir_starts_and_ends_duty_from_the_phone(jukir_client: Any, parking: Any) -> None:
    response = jukir_client.post(reverse("parking:duty"), {"action": "mulai", "point": "KSW-01"})
    assert response.status_code == 302
    session = DutySession.objects.get(jukir=parking.j1)
    assert session.point == parking.ksw1 and session.ended_at is None
    assert "Sedang bertugas sejak" in jukir_client.get(reverse("parking:record")).content.decode()
    jukir_client.post(reverse("parking:duty"), {"action": "selesai"})
    session.refresh_from_db()
    assert session.ended_at is not None


def test_starting_duty_needs_an_assigned_point(jukir_client: Any) -> None:
    response = jukir_client.post(reverse("parking:duty"), {"action": "mulai", "point": ""})
    assert response.status_code == 400
    assert "Pilih titik parkir tempat Anda bertugas." in response.content.decode()
    assert not DutySession.objects.exists()


def test_a_revoked_jukir_cannot_start_duty(jukir_client: Any, parking: Any) -> None:
    parking.j1.status = JukirStatus.REVOKED
    parking.j1.save()
    response = jukir_client.post(reverse("parking:duty"), {"action": "mulai", "point": "KSW-01"})
    assert response.status_code == 400
    assert "dicabut atau dibekukan" in response.content.decode()
    assert not DutySession.objects.exists()


def test_the_jukir_history_shows_only_own_transactions(jukir_client: Any, parking: Any) -> None:
    parking.pay(reference="MINE")
    parking.pay(reference="OTHER", jukir=parking.j3, point=parking.ksw2)
    page = jukir_client.get(reverse("parking:history")).content.decode()
    assert "KSW-01" in page and "KSW-02" not in page


# --- the manager's side -------------------------------------------------------------------------------------------


def test_a_dishub_manager_revokes_a_jukir_with_a_reason_and_it_is_audited(client: Any, people: Any,
                                                                         parking: Any) -> None:
    client.force_login(people.hendra)
    url = reverse("parking:jukir-status", args=["J-001"])
    response = client.post(url, {"status": "dicabut", "reason": "Tertangkap menerima tunai di KSW-01."})
    assert response.status_code == 302
    parking.j1.refresh_from_db()
    assert parking.j1.status == JukirStatus.REVOKED and "menerima tunai" in parking.j1.status_reason
    assert AuditLog.objects.filter(action="parking.jukir_status").exists()
    page = client.get(response["Location"]).content.decode()
    assert "Status jukir J-001 sekarang: Dicabut." in page
    client.post(url, {"status": "aktif", "reason": "Banding diterima."})
    parking.j1.refresh_from_db()
    assert parking.j1.status == JukirStatus.ACTIVE


@pytest.mark.parametrize("reason,message", [("", "Tuliskan alasan perubahan status."),
                                            ("ok", "Alasan pencabutan/pembekuan wajib diisi (minimal 5 karakter).")])
def test_revoking_without_a_real_reason_is_400_in_indonesian(client: Any, people: Any, parking: Any, reason: str,
                                                             message: str) -> None:
    client.force_login(people.hendra)
    response = client.post(reverse("parking:jukir-status", args=["J-001"]), {"status": "dicabut", "reason": reason})
    assert response.status_code == 400
    assert message in response.content.decode()
    parking.j1.refresh_from_db()
    assert parking.j1.status == JukirStatus.ACTIVE


@pytest.mark.parametrize("who", ["oscar", "walikota", "wati"])
def test_viewers_cannot_change_a_jukirs_status(client: Any, people: Any, parking: Any, who: str) -> None:
    client.force_login(getattr(people, who))
    response = client.post(reverse("parking:jukir-status", args=["J-001"]),
                           {"status": "dicabut", "reason": "tidak boleh terjadi"})
    assert response.status_code == 403
    parking.j1.refresh_from_db()
    assert parking.j1.status == JukirStatus.ACTIVE


def test_operator_staff_cannot_revoke_their_own_jukir(client: Any, parking: Any) -> None:
    client.force_login(parking.mitra_staff)
    response = client.post(reverse("parking:jukir-status", args=["J-001"]),
                           {"status": "dicabut", "reason": "operator tidak berwenang"})
    assert response.status_code == 403
    parking.j1.refresh_from_db()
    assert parking.j1.status == JukirStatus.ACTIVE


def test_the_jukir_page_lists_assignments_transactions_and_violations(client: Any, people: Any,
                                                                     parking: Any) -> None:
    parking.pay(reference="TX-ONE")
    parking.pay(reference="TX-CASH", method="tunai")
    client.force_login(people.oscar)
    page = client.get(reverse("parking:jukir", args=["J-001"])).content.decode()
    assert "Titik KSW-01" in page and "07.00–22.00" in page
    assert "Rp3.000" in page and "Tunai di titik e-parking" in page
    assert 'id="jukir-status-form"' not in page  # view only
