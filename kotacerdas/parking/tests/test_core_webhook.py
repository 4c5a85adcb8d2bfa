"""POST /api/v1/parking/webhook/<provider>: signature, replay window, idempotency, field errors, refusals."""

from __future__ import annotations

import json
import time
from typing import Any

import pytest
from django.test import Client

from kotacerdas.parking import actions
from kotacerdas.parking.models import ParkingTransaction, ParkingViolation
from kotacerdas.parking.tests.conftest import MITRA1_NMID, MITRA2_NMID, SECRET

URL = "/api/v1/parking/webhook/agg"


def body(parking: Any, **overrides: Any) -> dict[str, Any]:
    data = {"reference": "QR-0001", "merchant_id": MITRA1_NMID, "amount": 3000,
            "paid_at": parking.now.isoformat(), "method": "qris_dinamis", "issuer": "BANK UJI",
            "point": "KSW-01", "jukir": "J-001", "vehicle_class": "motor"}
    data.update(overrides)
    return {k: v for k, v in data.items() if v is not None}


def post(client: Client, payload: Any, *, secret: str = SECRET, timestamp: float | None = None,
         signature: str | None = None, url: str = URL) -> Any:
    raw = payload if isinstance(payload, bytes) else json.dumps(payload).encode()
    headers = {"HTTP_X_KC_SIGNATURE": signature if signature is not None else actions.sign_webhook(secret, raw),
               "HTTP_X_KC_TIMESTAMP": str(int(timestamp if timestamp is not None else time.time()))}
    return client.post(url, data=raw, content_type="application/json", **headers)


def test_signed_payment_is_accepted(client: Client, parking: Any) -> None:
    response = post(client, body(parking))

    assert response.status_code == 200
    tx = ParkingTransaction.objects.get()
    assert response.json() == {"status": "accepted", "transaction": tx.pk}
    assert (tx.channel, tx.origin, tx.provider, tx.reference) == ("webhook", "agg", parking.provider, "QR-0001")


def test_resent_webhook_is_a_duplicate_and_stored_once(client: Client, parking: Any) -> None:
    post(client, body(parking))
    response = post(client, body(parking))

    assert response.status_code == 200 and response.json()["status"] == "duplicate"
    assert ParkingTransaction.objects.count() == 1


def test_wrong_signature_is_401_and_stores_nothing(client: Client, parking: Any) -> None:
    response = post(client, body(parking), secret="bukan-rahasianya")

    assert response.status_code == 401
    assert not ParkingTransaction.objects.exists() and not ParkingViolation.objects.exists()


def test_missing_signature_is_401(client: Client, parking: Any) -> None:
    raw = json.dumps(body(parking)).encode()
    response = client.post(URL, data=raw, content_type="application/json",
                           HTTP_X_KC_TIMESTAMP=str(int(time.time())))

    assert response.status_code == 401


def test_body_changed_after_signing_is_401(client: Client, parking: Any) -> None:
    signed = json.dumps(body(parking)).encode()
    tampered = json.dumps(body(parking, amount=1000)).encode()

    response = post(client, tampered, signature=actions.sign_webhook(SECRET, signed))

    assert response.status_code == 401 and not ParkingTransaction.objects.exists()


@pytest.mark.parametrize("skew", [-301, 301, -3600])
def test_timestamp_outside_five_minutes_is_rejected_as_replay(client: Client, parking: Any, skew: int) -> None:
    response = post(client, body(parking), timestamp=time.time() + skew)

    assert response.status_code == 401
    assert "X-Kc-Timestamp" in response.json()["detail"]
    assert not ParkingTransaction.objects.exists()


def test_timestamp_within_the_window_is_accepted(client: Client, parking: Any) -> None:
    assert post(client, body(parking), timestamp=time.time() - 240).json()["status"] == "accepted"


def test_missing_or_garbage_timestamp_is_401(client: Client, parking: Any) -> None:
    raw = json.dumps(body(parking)).encode()
    response = client.post(URL, data=raw, content_type="application/json",
                           HTTP_X_KC_SIGNATURE=actions.sign_webhook(SECRET, raw), HTTP_X_KC_TIMESTAMP="kemarin")

    assert response.status_code == 401


def test_unknown_or_inactive_provider_is_404(client: Client, parking: Any) -> None:
    assert post(client, body(parking), url="/api/v1/parking/webhook/lain").status_code == 404
    parking.provider.is_active = False
    parking.provider.save()
    assert post(client, body(parking)).status_code == 404


def test_refused_payment_answers_200_with_the_violation(client: Client, parking: Any) -> None:
    response = post(client, body(parking, merchant_id=MITRA2_NMID))

    assert response.status_code == 200
    assert response.json()["status"] == "refused"
    assert response.json()["violation"] == "merchant_asing"
    assert ParkingViolation.objects.get().origin == "agg"


def test_revoked_jukir_via_webhook_is_refused(client: Client, parking: Any) -> None:
    assert post(client, body(parking, jukir="J-002")).json()["violation"] == "jukir_dicabut"


def test_overpaid_amount_is_accepted_with_tariff_violation(client: Client, parking: Any) -> None:
    data = post(client, body(parking, amount=5000)).json()

    assert data["status"] == "accepted" and data["violation"] == "tarif_tidak_sesuai"


@pytest.mark.parametrize(("field", "overrides"), [
    ("point", {"point": "TIDAK-ADA"}),
    ("jukir", {"jukir": "J-999"}),
    ("amount", {"amount": -5}),
    ("amount", {"amount": "tiga ribu"}),
    ("vehicle_class", {"vehicle_class": "becak"}),
    ("method", {"method": None}),
    ("paid_at", {"paid_at": "2026-01-05T08:00:00"}),
    ("paid_at", {"paid_at": "kemarin"}),
    ("merchant_id", {"merchant_id": None}),
    ("reference", {"reference": None}),
])
def test_bad_field_is_400_naming_it(client: Client, parking: Any, field: str, overrides: dict[str, Any]) -> None:
    response = post(client, body(parking, **overrides))

    assert response.status_code == 400
    assert field in response.json()
    assert not ParkingTransaction.objects.exists() and not ParkingViolation.objects.exists()


@pytest.mark.parametrize("raw", [b"{not json", b"[1, 2]", "\u00ff".encode("latin-1"), b""])
def test_signed_but_unreadable_body_is_400(client: Client, parking: Any, raw: bytes) -> None:
    response = post(client, raw)

    assert response.status_code == 400
    assert "non_field_errors" in response.json() or "reference" in response.json()


def test_webhook_ignores_session_and_csrf(parking: Any, people: Any) -> None:
    client = Client(enforce_csrf_checks=True)
    client.force_login(people.root)

    assert post(client, body(parking)).status_code == 200
