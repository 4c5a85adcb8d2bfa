"""The jukir handheld API (payments, duty), the public card check and the staff reads of /api/v1/parking/."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django.test import Client
from django.utils import timezone
from rest_framework.authtoken.models import Token

from kotacerdas.parking import actions
from kotacerdas.parking.models import DutySession, ParkingTransaction
from kotacerdas.parking.tests.conftest import MITRA1_NMID

PAY = "/api/v1/parking/handheld/payments"
DUTY = "/api/v1/parking/handheld/duty"


def token_client(user: Any) -> Client:
    token, _ = Token.objects.get_or_create(user=user)
    return Client(HTTP_AUTHORIZATION=f"Token {token.key}")


def payment(parking: Any, **overrides: Any) -> dict[str, Any]:
    data = {"reference": "HH-1", "point": "KSW-01", "vehicle_class": "motor", "method": "qris_dinamis",
            "amount": 3000, "paid_at": parking.now.isoformat(), "merchant_id": MITRA1_NMID}
    data.update(overrides)
    return data


def test_jukir_records_a_payment_from_the_handheld(parking: Any) -> None:
    response = token_client(parking.jukir_user).post(PAY, payment(parking), content_type="application/json")

    assert response.status_code == 200 and response.json()["status"] == "accepted"
    tx = ParkingTransaction.objects.get()
    assert (tx.channel, tx.origin, tx.jukir, tx.provider) == ("handheld", "jukir:J-001", parking.j1, None)


def test_handheld_resend_is_duplicate(parking: Any) -> None:
    client = token_client(parking.jukir_user)
    client.post(PAY, payment(parking), content_type="application/json")

    assert client.post(PAY, payment(parking), content_type="application/json").json()["status"] == "duplicate"


def test_handheld_cash_at_eparking_is_refused(parking: Any) -> None:
    response = token_client(parking.jukir_user).post(
        PAY, payment(parking, method="tunai", merchant_id=""), content_type="application/json")

    assert response.json()["violation"] == "tunai_eparking"


def test_revoked_jukir_handheld_attempt_is_refused_and_recorded(parking: Any, people: Any) -> None:
    actions.do_set_jukir_status(people.hendra, parking.j1, "dicabut", "menerima uang tunai")

    response = token_client(parking.jukir_user).post(PAY, payment(parking), content_type="application/json")

    assert response.json() == {"status": "refused", "violation": "jukir_dicabut",
                               "detail": response.json()["detail"]}
    assert not ParkingTransaction.objects.exists()


def test_non_jukir_account_cannot_use_the_handheld(parking: Any, people: Any) -> None:
    response = token_client(people.hendra).post(PAY, payment(parking), content_type="application/json")

    assert response.status_code == 403


def test_handheld_needs_authentication(client: Client, parking: Any) -> None:
    assert client.post(PAY, payment(parking), content_type="application/json").status_code == 401


def test_handheld_bad_field_is_400(parking: Any) -> None:
    response = token_client(parking.jukir_user).post(PAY, payment(parking, point="X"), content_type="application/json")

    assert response.status_code == 400 and "point" in response.json()


def test_duty_starts_and_ends(parking: Any) -> None:
    client = token_client(parking.jukir_user)

    started = client.post(DUTY, {"action": "start", "point": "KSW-01"}, content_type="application/json")
    again = client.post(DUTY, {"action": "start", "point": "KSW-01"}, content_type="application/json")
    ended = client.post(DUTY, {"action": "end"}, content_type="application/json")

    assert started.json()["status"] == "on_duty" and again.status_code == 200
    assert DutySession.objects.count() == 1
    assert ended.json()["status"] == "off_duty"
    assert DutySession.objects.get().ended_at is not None


def test_duty_at_a_point_not_assigned_is_400(parking: Any) -> None:
    response = token_client(parking.jukir_user).post(DUTY, {"action": "start", "point": "KSW-02"},
                                                     content_type="application/json")

    assert response.status_code == 400 and "point" in response.json()


def test_revoking_a_jukir_closes_the_open_duty(parking: Any, people: Any) -> None:
    actions.do_start_duty(parking.j1, parking.ksw1, at=timezone.now() - timedelta(hours=1))

    actions.do_set_jukir_status(people.hendra, parking.j1, "dicabut", "mengarahkan ke tunai")

    assert DutySession.objects.get().ended_at is not None


def test_public_card_check(client: Client, parking: Any, people: Any) -> None:
    url = "/api/v1/parking/cards/verify"
    genuine = actions.card_payload(parking.j1)

    assert client.post(url, {"payload": genuine}, content_type="application/json").json()["valid"] is True
    forged = genuine[:-1] + ("1" if genuine.endswith("0") else "0")
    assert client.post(url, {"payload": forged}, content_type="application/json").json() == {"valid": False}
    revoked = client.post(url, {"payload": actions.card_payload(parking.j_revoked)},
                          content_type="application/json").json()
    assert (revoked["valid"], revoked["active"]) == (True, False)


def test_staff_reads_are_scoped_by_role(parking: Any, people: Any) -> None:
    parking.pay()  # KSW-01, Mitra Satu
    parking.pay(point=parking.psr1, jukir=parking.j4, method="tunai", merchant_id="")  # Mitra Dua

    assert len(token_client(people.hendra).get("/api/v1/parking/transactions/").json()["results"]) == 2
    own = token_client(parking.mitra_staff).get("/api/v1/parking/transactions/").json()["results"]
    assert [t["point"] for t in own] == ["KSW-01"]
    points = token_client(parking.mitra_staff).get("/api/v1/parking/points/").json()["results"]
    assert sorted(p["code"] for p in points) == ["KSW-01", "KSW-02"]
    assert token_client(people.wati).get("/api/v1/parking/transactions/").json()["results"] == []


def test_jukir_api_never_shows_nik_or_phone(parking: Any, people: Any) -> None:
    parking.j1.nik, parking.j1.phone = "1271010101010001", "081299998888"
    parking.j1.save()

    text = token_client(people.hendra).get("/api/v1/parking/jukir/J-001/").content.decode()

    assert "1271010101010001" not in text and "081299998888" not in text and "J-001" in text


def test_point_api_carries_current_occupancy(parking: Any, people: Any) -> None:
    from kotacerdas.parking.models import OccupancyReading

    start = timezone.now() - timedelta(minutes=10)
    OccupancyReading.objects.create(point=parking.ksw1, start=start, seconds=300, occupied=7, total=20)

    data = token_client(people.hendra).get("/api/v1/parking/points/KSW-01/").json()

    assert data["occupancy"]["occupied"] == 7 and data["occupancy"]["total"] == 20


def test_manager_revokes_a_jukir_through_the_api(parking: Any, people: Any) -> None:
    client = token_client(people.hendra)

    bad = client.post("/api/v1/parking/jukir/J-001/status/", {"status": "dicabut"}, content_type="application/json")
    ok = client.post("/api/v1/parking/jukir/J-001/status/", {"status": "dicabut", "reason": "menerima tunai"},
                     content_type="application/json")
    forbidden = token_client(people.walikota).post("/api/v1/parking/jukir/J-003/status/",
                                                   {"status": "dicabut", "reason": "menerima tunai"},
                                                   content_type="application/json")

    assert bad.status_code == 400 and "reason" in bad.json()
    assert ok.status_code == 200 and ok.json()["status"] == "dicabut"
    assert forbidden.status_code == 403
