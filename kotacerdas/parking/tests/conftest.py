"""A small e-parking registry on the synthetic city of the root conftest.

- tariffs: Perda 1/2024 schedule (motor 3.000, mobil 5.000, the other classes unconfirmed); subscription motor
  90.000 / mobil 130.000.
- operators: Dishub (city, 0%), "Mitra Satu" (60%, class-1 road) with staff account `mitra_staff`, "Mitra Dua" (65%).
- merchant accounts: the city's, Mitra Satu's, Mitra Dua's.
- points: `KSW-01` e-parking (Mitra Satu, in Pasar Baru), `KSW-02` e-parking (Mitra Satu), `PSR-01` not
  e-parking (Mitra Dua, in Babura), `ADN-01` e-parking (Dishub).
- jukir: `J-001` active at KSW-01 07:00-22:00 with account `jukir1`; `J-002` revoked (was at KSW-01); `J-003`
  active at KSW-02 only; `J-004` Mitra Dua at PSR-01; `J-005` Dishub at ADN-01.
- a payment provider `agg` with a known secret; a valid motor sticker for BK1234AB and an expired one.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import Any

import pytest
from django.utils import timezone

from kotacerdas.accounts.models import Role, User
from kotacerdas.parking import actions
from kotacerdas.parking.models import (
    Jukir,
    JukirAssignment,
    JukirStatus,
    MerchantAccount,
    OperatorKind,
    ParkingOperator,
    ParkingPoint,
    PaymentProvider,
    RoadSegment,
    Sticker,
    SubscriptionTariff,
    Tariff,
    TariffSchedule,
)

PASSWORD = "rahasia-uji-123"
SECRET = "uji-rahasia-webhook"
CITY_NMID = "ID1021000000001"
MITRA1_NMID = "ID1021000000101"
MITRA2_NMID = "ID1021000000201"


@dataclass
class Parking:
    schedule: Any
    dishub_op: Any
    mitra1: Any
    mitra2: Any
    segment: Any
    ksw1: Any
    ksw2: Any
    psr1: Any
    adn1: Any
    j1: Any
    j_revoked: Any
    j3: Any
    j4: Any
    j5: Any
    jukir_user: Any
    mitra_staff: Any
    provider: Any
    sticker: Any
    expired_sticker: Any
    now: datetime  # a weekday 10:00 WIB shortly in the past

    def pay(self, **overrides: Any) -> actions.PaymentOutcome:
        """A valid webhook payment at KSW-01 by J-001 for a motor (each call a new reference unless given)."""
        Parking._n += 1
        kwargs: dict[str, Any] = {
            "channel": "webhook", "origin": self.provider.code, "reference": f"REF-{Parking._n:05d}",
            "point": self.ksw1, "jukir": self.j1, "vehicle_class": "motor", "method": "qris_dinamis",
            "amount": 3000, "paid_at": self.now, "merchant_id": MITRA1_NMID, "issuer": "BANK UJI",
            "provider": self.provider,
        }
        kwargs.update(overrides)
        return actions.record_payment(**kwargs)

    _n = 0


def _point(code: str, segment: Any, operator: Any, lat: float, lon: float, city: Any, kel: Any,
           **extra: Any) -> ParkingPoint:
    return ParkingPoint.objects.create(code=code, name=f"Titik {code}", segment=segment, operator=operator, lat=lat,
                                       lon=lon, kecamatan=kel.parent, kelurahan=kel, daily_target=150000, **extra)


@pytest.fixture
def parking(city: Any, people: Any) -> Parking:
    schedule = TariffSchedule.objects.create(name="Perda 1/2024", regulation="Perda Kota Medan No. 1 Tahun 2024",
                                             valid_from=date(2024, 1, 4))
    for cls, amount in (("motor", 3000), ("mobil", 5000), ("pickup", None), ("truk_mini", None),
                        ("truk_besar", None)):
        Tariff.objects.create(schedule=schedule, vehicle_class=cls, amount=amount)
    for cls, amount in (("motor", 90000), ("mobil", 130000), ("truk_besar", None)):
        SubscriptionTariff.objects.create(vehicle_class=cls, amount=amount, regulation="Perwal Medan 26/2024",
                                          valid_from=date(2024, 7, 1))
    dishub_op = ParkingOperator.objects.create(code="dishub", name="Dishub Kota Medan", kind=OperatorKind.CITY)
    mitra1 = ParkingOperator.objects.create(code="mitra-1", name="Mitra Satu", operator_share_percent=60)
    mitra2 = ParkingOperator.objects.create(code="mitra-2", name="Mitra Dua", operator_share_percent=65)
    MerchantAccount.objects.create(merchant_id=CITY_NMID, label="Kas daerah")
    MerchantAccount.objects.create(merchant_id=MITRA1_NMID, label="Mitra Satu", operator=mitra1)
    MerchantAccount.objects.create(merchant_id=MITRA2_NMID, label="Mitra Dua", operator=mitra2)
    segment = RoadSegment.objects.create(code="ahmad-yani", street="Jalan Ahmad Yani", road_class=1)
    segment2 = RoadSegment.objects.create(code="babura", street="Jalan Babura", road_class=2)
    ksw1 = _point("KSW-01", segment, mitra1, 3.57, 98.685, city, city.kel_pasar_baru)
    ksw2 = _point("KSW-02", segment, mitra1, 3.571, 98.686, city, city.kel_pasar_baru)
    psr1 = _point("PSR-01", segment2, mitra2, 3.57, 98.65, city, city.kel_babura, is_eparking=False)
    adn1 = _point("ADN-01", segment, dishub_op, 3.57, 98.695, city, city.kel_pusat_pasar)

    jukir_user = User.objects.create_user(username="jukir1", password=PASSWORD, role=Role.JUKIR,
                                          first_name="Joko", email="jukir1@contoh.id")
    mitra_staff = User.objects.create_user(username="mitra_staff", password=PASSWORD, role=Role.OPERATOR_PARKIR,
                                           first_name="Mira", email="mitra@contoh.id")
    mitra1.members.add(mitra_staff)

    def jukir(code: str, operator: Any, point: Any | None, **extra: Any) -> Jukir:
        j = Jukir.objects.create(code=code, name=f"Jukir {code}", operator=operator,
                                 card_secret=actions.new_card_secret(), **extra)
        if point is not None:
            JukirAssignment.objects.create(jukir=j, point=point, shift_start=time(7), shift_end=time(22),
                                           valid_from=date(2024, 1, 1))
        return j

    j1 = jukir("J-001", mitra1, ksw1, user=jukir_user)
    j_revoked = jukir("J-002", mitra1, ksw1, status=JukirStatus.REVOKED, status_reason="menerima tunai")
    j3 = jukir("J-003", mitra1, ksw2)
    j4 = jukir("J-004", mitra2, psr1)
    j5 = jukir("J-005", dishub_op, adn1)
    provider = PaymentProvider.objects.create(code="agg", name="Agregator Uji", webhook_secret=SECRET)
    today = timezone.localdate()
    sticker = Sticker.objects.create(number="STK-1", barcode="BAR-VALID", plate="BK1234AB", vehicle_class="motor",
                                     valid_from=today - timedelta(days=30), valid_to=today + timedelta(days=300),
                                     amount_paid=90000)
    expired = Sticker.objects.create(number="STK-0", barcode="BAR-OLD", plate="BK9999ZZ", vehicle_class="mobil",
                                     valid_from=today - timedelta(days=400), valid_to=today - timedelta(days=35),
                                     amount_paid=130000)
    # 10:00 local on the most recent past weekday, so shifts (07-22) and "not in the future" both hold.
    local = timezone.localtime()
    day = local.date() - timedelta(days=1)
    while day.weekday() >= 5:
        day -= timedelta(days=1)
    now = timezone.make_aware(datetime.combine(day, time(10)))
    return Parking(schedule, dishub_op, mitra1, mitra2, segment, ksw1, ksw2, psr1, adn1, j1, j_revoked, j3, j4, j5,
                   jukir_user, mitra_staff, provider, sticker, expired, now)
