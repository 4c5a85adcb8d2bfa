"""Which tariff applies, and how a payment splits between the operator and the city.

Tariffs are data with their regulation (egov-rules rule 38): one `TariffSchedule` per version of the table, tied to
the Perda that sets it, with one `Tariff` row per vehicle class. The schedule in force on a day is the one with the
latest `valid_from` on or before that day whose `valid_to` (if any) is not before it. A class whose amount is null
has no confirmed tariff and cannot be charged (Medan Perda 1/2024: only motor Rp3.000 and mobil Rp5.000 are
confirmed; pick-up, truk mini and truk gandeng have conflicting figures in the sources, egov-rules §6.2).

Shares: the operator keeps `operator_share_percent` of each payment (Perwal Medan 45/2021: 60% on class-1 roads,
65% on class-2), rounded half up to whole rupiah; the city gets the rest, so the two always add up to the amount.
"""

from __future__ import annotations

from datetime import date
from decimal import ROUND_HALF_UP, Decimal

from django.db.models import Q

from kotacerdas.parking.models import ParkingOperator, SubscriptionTariff, Tariff, TariffSchedule


def schedule_for(on: date) -> TariffSchedule | None:
    """The tariff table in force on `on`, or None when no schedule covers that day."""
    return (TariffSchedule.objects.filter(valid_from__lte=on)
            .filter(Q(valid_to__isnull=True) | Q(valid_to__gte=on))
            .order_by("-valid_from", "-pk").first())


def tariff_for(vehicle_class: str, on: date) -> Tariff | None:
    """The tariff row of `vehicle_class` in the schedule in force on `on`.

    None when there is no schedule or the schedule has no row for the class; a row with `amount=None` means the
    class is listed but its tariff is not confirmed. Either way the class cannot be charged.
    """
    schedule = schedule_for(on)
    if schedule is None:
        return None
    return Tariff.objects.filter(schedule=schedule, vehicle_class=vehicle_class).select_related("schedule").first()


def tariffs_on(on: date) -> dict[str, int | None]:
    """{vehicle class: amount or None} of the schedule in force on `on` (empty when none): one query pair."""
    schedule = schedule_for(on)
    if schedule is None:
        return {}
    return dict(schedule.tariffs.values_list("vehicle_class", "amount"))


def subscription_tariff_for(vehicle_class: str, on: date) -> SubscriptionTariff | None:
    """The yearly parkir-berlangganan price row (Medan Perwal 26/2024) in force on `on`; amount None = unconfirmed."""
    return (SubscriptionTariff.objects.filter(vehicle_class=vehicle_class, valid_from__lte=on)
            .filter(Q(valid_to__isnull=True) | Q(valid_to__gte=on))
            .order_by("-valid_from", "-pk").first())


def split(amount: int, operator_share_percent: Decimal | float | int) -> tuple[int, int]:
    """(operator share, city share) of `amount` rupiah; the city gets the remainder of the rounding."""
    operator_share = int((Decimal(amount) * Decimal(str(operator_share_percent)) / 100)
                         .quantize(Decimal(1), rounding=ROUND_HALF_UP))
    operator_share = max(0, min(amount, operator_share))
    return operator_share, amount - operator_share


def shares(amount: int, operator: ParkingOperator) -> tuple[int, int]:
    """(operator share, city share) of a payment at a point run by `operator` (its share at payment time)."""
    return split(amount, operator.operator_share_percent)
