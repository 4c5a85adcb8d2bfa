"""actions.record_payment: every rule of issue #5 §2, idempotency, shares, and bad input that stores nothing."""

from __future__ import annotations

from datetime import date, time, timedelta
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError
from django.utils import timezone

from kotacerdas.core.models import AuditLog
from kotacerdas.parking import actions, tariffs
from kotacerdas.parking.models import (
    JukirAssignment,
    JukirStatus,
    ParkingTransaction,
    ParkingViolation,
    Sticker,
    StickerStatus,
    ViolationKind,
)
from kotacerdas.parking.tests.conftest import CITY_NMID, MITRA1_NMID, MITRA2_NMID


def test_valid_cashless_payment_is_accepted_with_shares_from_the_operator(parking: Any) -> None:
    outcome = parking.pay(amount=5000, vehicle_class="mobil")

    assert outcome.created and outcome.accepted and outcome.violation is None and outcome.status == "accepted"
    tx = outcome.transaction
    assert (tx.point, tx.jukir, tx.operator, tx.amount, tx.tariff_amount) == (
        parking.ksw1, parking.j1, parking.mitra1, 5000, 5000)
    assert (tx.operator_share, tx.city_share) == (3000, 2000)  # 60/40 on a class-1 road
    assert tx.flags == []
    assert AuditLog.objects.filter(action="parking.payment_recorded", target_id=str(tx.pk)).exists()


def test_city_run_point_keeps_everything_for_the_city(parking: Any) -> None:
    tx = parking.pay(point=parking.adn1, jukir=parking.j5, merchant_id=CITY_NMID).transaction

    assert (tx.operator_share, tx.city_share) == (0, 3000)


def test_shares_follow_the_operator_at_payment_time(parking: Any) -> None:
    first = parking.pay().transaction
    parking.mitra1.operator_share_percent = 65
    parking.mitra1.save()
    second = parking.pay().transaction

    first.refresh_from_db()
    assert (first.operator_share, second.operator_share) == (1800, 1950)


def test_share_rounding_gives_the_remainder_to_the_city() -> None:
    assert tariffs.split(3333, 65) == (2166, 1167)
    assert tariffs.split(1, 50) == (1, 0)  # half up
    assert sum(tariffs.split(7777, 60)) == 7777


def test_cash_at_an_eparking_point_is_refused_and_flagged(parking: Any) -> None:
    outcome = parking.pay(method="tunai", merchant_id="")

    assert outcome.created and not outcome.accepted and outcome.status == "refused"
    assert outcome.violation.kind == ViolationKind.CASH_AT_EPARKING
    assert (outcome.violation.point, outcome.violation.jukir, outcome.violation.amount) == (
        parking.ksw1, parking.j1, 3000)
    assert ParkingTransaction.objects.count() == 0
    assert AuditLog.objects.filter(action="parking.payment_refused").count() == 1


def test_cash_at_a_point_without_eparking_is_accepted(parking: Any) -> None:
    outcome = parking.pay(point=parking.psr1, jukir=parking.j4, method="tunai", merchant_id="")

    assert outcome.accepted and outcome.transaction.method == "tunai"
    assert outcome.transaction.operator_share == 1950  # 65% on a class-2 road


def test_revoked_jukir_cannot_record_payment(parking: Any) -> None:
    outcome = parking.pay(jukir=parking.j_revoked)

    assert not outcome.accepted
    assert outcome.violation.kind == ViolationKind.REVOKED_JUKIR
    assert outcome.violation.jukir == parking.j_revoked
    assert not ParkingTransaction.objects.exists()


def test_suspended_jukir_cannot_record_payment(parking: Any, people: Any) -> None:
    actions.do_set_jukir_status(people.hendra, parking.j1, JukirStatus.SUSPENDED, "diperiksa inspektorat")

    assert parking.pay().violation.kind == ViolationKind.REVOKED_JUKIR


def test_jukir_not_assigned_to_the_point_is_refused(parking: Any) -> None:
    outcome = parking.pay(jukir=parking.j3)  # J-003 works at KSW-02, not KSW-01

    assert outcome.violation.kind == ViolationKind.UNASSIGNED_JUKIR


def test_assignment_that_ended_before_the_day_does_not_count(parking: Any) -> None:
    JukirAssignment.objects.filter(jukir=parking.j1).update(valid_to=parking.now.date() - timedelta(days=1))

    assert parking.pay().violation.kind == ViolationKind.UNASSIGNED_JUKIR


def test_payment_outside_the_shift_is_accepted_but_flagged(parking: Any) -> None:
    JukirAssignment.objects.filter(jukir=parking.j1).update(shift_start=time(14), shift_end=time(22))

    outcome = parking.pay()  # 10:00

    assert outcome.accepted and outcome.transaction.flags == [actions.FLAG_OUTSIDE_SHIFT]


def test_night_shift_across_midnight_covers_the_small_hours(parking: Any) -> None:
    JukirAssignment.objects.filter(jukir=parking.j1).update(shift_start=time(20), shift_end=time(6))
    late = timezone.make_aware(timezone.datetime.combine(parking.now.date(), time(2, 30)))

    assert parking.pay(paid_at=late).transaction.flags == []


def test_sticker_holder_cannot_be_charged_by_barcode(parking: Any) -> None:
    outcome = parking.pay(sticker_barcode="BAR-VALID")

    assert not outcome.accepted
    assert outcome.violation.kind == ViolationKind.STICKER_CHARGED
    assert outcome.violation.sticker == parking.sticker


def test_sticker_holder_cannot_be_charged_by_plate_in_any_spelling(parking: Any) -> None:
    outcome = parking.pay(plate="bk 1234-ab")

    assert outcome.violation.kind == ViolationKind.STICKER_CHARGED
    assert outcome.violation.payload["plate"] == "BK1234AB"


def test_sticker_holder_paying_cash_is_recorded_as_sticker_violation(parking: Any) -> None:
    assert parking.pay(plate="BK1234AB", method="tunai", merchant_id="").violation.kind == \
        ViolationKind.STICKER_CHARGED


def test_expired_or_revoked_sticker_does_not_protect_from_charge(parking: Any) -> None:
    assert parking.pay(plate="BK9999ZZ", vehicle_class="mobil", amount=5000).accepted
    Sticker.objects.filter(pk=parking.sticker.pk).update(status=StickerStatus.REVOKED)
    assert parking.pay(sticker_barcode="BAR-VALID").accepted


def test_unknown_sticker_barcode_is_accepted_but_flagged(parking: Any) -> None:
    outcome = parking.pay(sticker_barcode="PALSU-123")

    assert outcome.accepted and outcome.transaction.flags == [actions.FLAG_UNKNOWN_STICKER]


def test_merchant_id_of_another_operator_is_refused(parking: Any) -> None:
    outcome = parking.pay(merchant_id=MITRA2_NMID)

    assert outcome.violation.kind == ViolationKind.FOREIGN_MERCHANT
    assert MITRA2_NMID in outcome.violation.detail


def test_unknown_personal_merchant_id_is_refused(parking: Any) -> None:
    assert parking.pay(merchant_id="ID9999PRIBADI01").violation.kind == ViolationKind.FOREIGN_MERCHANT


def test_inactive_merchant_account_is_refused(parking: Any) -> None:
    from kotacerdas.parking.models import MerchantAccount

    MerchantAccount.objects.filter(merchant_id=MITRA1_NMID).update(is_active=False)

    assert parking.pay().violation.kind == ViolationKind.FOREIGN_MERCHANT


def test_city_merchant_id_is_accepted_at_an_operator_point(parking: Any) -> None:
    assert parking.pay(merchant_id=CITY_NMID).accepted


def test_class_without_confirmed_tariff_cannot_be_charged(parking: Any) -> None:
    outcome = parking.pay(vehicle_class="pickup", amount=7000)

    assert outcome.violation.kind == ViolationKind.UNCONFIRMED_TARIFF
    assert not ParkingTransaction.objects.exists()


def test_amount_different_from_tariff_is_accepted_with_flag_and_violation(parking: Any) -> None:
    outcome = parking.pay(amount=5000)  # motor is Rp3.000

    assert outcome.accepted
    assert outcome.transaction.flags == [actions.FLAG_TARIFF_MISMATCH]
    assert outcome.transaction.tariff_amount == 3000
    assert outcome.violation.kind == ViolationKind.TARIFF_MISMATCH
    assert outcome.violation.transaction == outcome.transaction
    assert outcome.status == "accepted"


def test_tariff_of_the_schedule_in_force_on_the_payment_day_applies(parking: Any) -> None:
    actions.do_create_tariff_schedule(None, name="Perda baru", regulation="Perda Kota Medan No. 9 Tahun 2099",
                                      valid_from=parking.now.date() + timedelta(days=1),
                                      amounts={"motor": 4000, "mobil": 6000})

    assert parking.pay(amount=3000).transaction.flags == []
    assert tariffs.tariff_for("motor", parking.now.date() + timedelta(days=1)).amount == 4000
    parking.schedule.refresh_from_db()
    assert parking.schedule.valid_to == parking.now.date()


def test_resend_returns_the_first_outcome_without_storing_twice(parking: Any) -> None:
    first = parking.pay(reference="QR-1")
    again = parking.pay(reference="QR-1", amount=9999)  # a resend is recognised by reference, not content

    assert not again.created and again.status == "duplicate"
    assert again.transaction == first.transaction
    assert ParkingTransaction.objects.count() == 1
    assert AuditLog.objects.filter(action="parking.payment_recorded").count() == 1


def test_resent_refusal_returns_the_first_violation(parking: Any) -> None:
    first = parking.pay(reference="QR-2", method="tunai", merchant_id="")
    again = parking.pay(reference="QR-2", method="tunai", merchant_id="")

    assert not again.created and again.violation == first.violation
    assert ParkingViolation.objects.count() == 1


def test_resent_mismatch_returns_its_violation(parking: Any) -> None:
    first = parking.pay(reference="QR-3", amount=4000)
    again = parking.pay(reference="QR-3", amount=4000)

    assert (again.transaction, again.violation, again.created) == (first.transaction, first.violation, False)


def test_same_reference_from_another_origin_is_another_payment(parking: Any) -> None:
    parking.pay(reference="SAME")
    other = parking.pay(reference="SAME", channel="handheld", origin="jukir:J-001", provider=None)

    assert other.created and ParkingTransaction.objects.count() == 2


def test_database_refuses_a_second_refusal_for_the_same_attempt(parking: Any) -> None:
    first = parking.pay(reference="QR-4", method="tunai", merchant_id="").violation

    with pytest.raises(IntegrityError):
        ParkingViolation.objects.create(kind=first.kind, channel=first.channel, origin=first.origin,
                                        reference=first.reference, detail="copy")


@pytest.mark.parametrize(("field", "overrides"), [
    ("amount", {"amount": 0}),
    ("amount", {"amount": "3000"}),
    ("amount", {"amount": True}),
    ("vehicle_class", {"vehicle_class": "sepeda"}),
    ("method", {"method": "bitcoin"}),
    ("reference", {"reference": ""}),
    ("reference", {"reference": "x" * 101}),
    ("paid_at", {"paid_at": timezone.datetime(2026, 1, 5, 10)}),
    ("merchant_id", {"merchant_id": ""}),
])
def test_bad_input_names_the_field_and_stores_nothing(parking: Any, field: str, overrides: dict[str, Any]) -> None:
    with pytest.raises(ValidationError) as exc:
        parking.pay(**overrides)

    assert field in exc.value.message_dict
    assert not ParkingTransaction.objects.exists() and not ParkingViolation.objects.exists()


def test_payment_time_in_the_future_is_bad_input(parking: Any) -> None:
    with pytest.raises(ValidationError) as exc:
        parking.pay(paid_at=timezone.now() + timedelta(hours=1))

    assert "paid_at" in exc.value.message_dict


def test_payments_before_any_tariff_schedule_cannot_be_charged(parking: Any) -> None:
    JukirAssignment.objects.filter(jukir=parking.j1).update(valid_from=date(2020, 1, 1))

    outcome = parking.pay(paid_at=timezone.make_aware(timezone.datetime(2023, 6, 1, 10)))

    assert outcome.violation.kind == ViolationKind.UNCONFIRMED_TARIFF
    assert date(2023, 6, 1) < parking.schedule.valid_from
