"""seed_parking on the real Medan outlines, and the Django admin of every parking model."""

from __future__ import annotations

from typing import Any

import pytest
from django.apps import apps
from django.core.management import call_command
from django.test import Client
from django.urls import reverse

from kotacerdas.accounts.models import Role, User
from kotacerdas.parking import actions, seed
from kotacerdas.parking.models import (
    Jukir,
    JukirAssignment,
    MerchantAccount,
    OperatorKind,
    ParkingOperator,
    ParkingPoint,
    PaymentProvider,
    RoadSegment,
    Sticker,
    SubscriptionTariff,
    Tariff,
)
from kotacerdas.regions import geo


@pytest.fixture
def medan(db: Any) -> None:
    from kotacerdas.regions.loader import setup_region

    setup_region("12.71")
    geo.reset_cache()


def test_seed_builds_the_medan_registry_inside_the_city_and_is_idempotent(medan: None, settings: Any) -> None:
    settings.DEMO = True
    call_command("seed_parking")
    counts = (ParkingPoint.objects.count(), Jukir.objects.count(), JukirAssignment.objects.count(),
              RoadSegment.objects.count(), Sticker.objects.count(), MerchantAccount.objects.count())
    secrets = dict(Jukir.objects.values_list("code", "card_secret"))

    call_command("seed_parking")  # a second run changes nothing

    assert counts == (ParkingPoint.objects.count(), Jukir.objects.count(), JukirAssignment.objects.count(),
                      RoadSegment.objects.count(), Sticker.objects.count(), MerchantAccount.objects.count())
    assert dict(Jukir.objects.values_list("code", "card_secret")) == secrets
    assert counts[0] == 152 and 152 <= counts[1] <= 304
    for point in ParkingPoint.objects.all():
        assert geo.locate(point.lat, point.lon).kecamatan == point.kecamatan
        assert point.is_demo and point.approximate and point.daily_target > 0
        assert point.capacities.count() == 2 and point.assignments.exists()
    assert ParkingPoint.objects.filter(device__isnull=False).count() == 30
    assert ParkingPoint.objects.filter(segment__code="kesawan").count() == 5


def test_seed_sets_tariffs_shares_and_sources(medan: None, settings: Any) -> None:
    settings.DEMO = False
    seed.seed(count=30)

    assert dict(Tariff.objects.values_list("vehicle_class", "amount")) == {
        "motor": 3000, "mobil": 5000, "pickup": None, "truk_mini": None, "truk_besar": None}
    assert "Perda Kota Medan No. 1 Tahun 2024" in Tariff.objects.first().schedule.regulation
    assert dict(SubscriptionTariff.objects.values_list("vehicle_class", "amount")) == {
        "motor": 90000, "mobil": 130000, "truk_besar": None}
    city = ParkingOperator.objects.get(kind=OperatorKind.CITY)
    assert city.operator_share_percent == 0
    assert set(ParkingPoint.objects.filter(operator=city).values_list("segment__code", flat=True)) == {"adinegoro"}
    shares = set(ParkingOperator.objects.filter(kind=OperatorKind.THIRD_PARTY)
                 .values_list("operator_share_percent", flat=True))
    assert shares == {60, 65}
    # A point's operator share matches its road class (Perwal 45: 60% class 1, 65% class 2).
    for point in ParkingPoint.objects.exclude(operator=city).select_related("operator", "segment"):
        assert point.operator.operator_share_percent == (60 if point.segment.road_class == 1 else 65)
    assert not User.objects.filter(role=Role.JUKIR).exists()  # no published-password accounts without DEMO


def test_seed_demo_accounts_can_pay_through_their_jukir(medan: None, settings: Any) -> None:
    settings.DEMO = True
    seed.seed(count=25)
    jukir = Jukir.objects.get(user__username="jukir1")
    point = jukir.assignments.get().point
    provider = PaymentProvider.objects.get(code=seed.DEMO_PROVIDER)
    from django.utils import timezone

    outcome = actions.record_payment(
        channel="webhook", origin=provider.code, reference="DEMO-1", point=point, jukir=jukir,
        vehicle_class="motor", method="qris_dinamis", amount=3000, paid_at=timezone.now(),
        merchant_id=actions.selectors.merchant_for(point).merchant_id, provider=provider)

    assert outcome.accepted
    staff = User.objects.get(username=seed.OPERATOR_STAFF)
    assert staff.role == Role.OPERATOR_PARKIR and staff.parking_operators.filter(code="mitra-demo-01").exists()


@pytest.mark.parametrize("model", [m for m in apps.get_app_config("parking").get_models()],
                         ids=lambda m: m._meta.model_name)
def test_admin_lists_every_parking_model(client: Client, parking: Any, people: Any, model: Any) -> None:
    parking.pay()
    parking.pay(method="tunai", merchant_id="")
    client.force_login(people.root)

    response = client.get(reverse(f"admin:parking_{model._meta.model_name}_changelist"))
    first = model.objects.first()

    assert response.status_code == 200
    if first is not None:
        page = client.get(reverse(f"admin:parking_{model._meta.model_name}_change", args=[first.pk]))
        assert page.status_code == 200
