"""A real fake LAPOR! server per test, on a free port, spoken to over HTTP; settings that switch the connector on."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import pytest
import requests
from django.test import override_settings

from kotacerdas.fake_lapor import FakeLaporServer

TOKEN = "token-uji-lapor"


@dataclass
class FakeLaporClient:
    """Drives the fake through its admin endpoint, as a separate process would."""

    url: str

    def switches(self, **values: Any) -> dict[str, Any]:
        response = requests.post(f"{self.url}/_admin/switches", json=values, timeout=5)
        response.raise_for_status()
        return response.json()

    def state(self) -> dict[str, Any]:
        return requests.get(f"{self.url}/_admin/state", timeout=5).json()

    def report(self, tracking_id: str) -> dict[str, Any]:
        return next(r for r in self.state()["reports"] if r["tracking_id"] == tracking_id)

    def remote_update(self, tracking_id: str, **body: Any) -> dict[str, Any]:
        response = requests.post(f"{self.url}/_admin/reports/{tracking_id}/remote-update", json=body, timeout=5)
        response.raise_for_status()
        return response.json()


@pytest.fixture
def fake_lapor() -> Iterator[FakeLaporClient]:
    server = FakeLaporServer(port=0).start()
    server.fake.token = TOKEN
    try:
        yield FakeLaporClient(server.url)
    finally:
        server.stop()


@pytest.fixture
def lapor_on(fake_lapor: FakeLaporClient) -> Iterator[FakeLaporClient]:
    with override_settings(LAPOR_ENABLED=True, LAPOR_BASE_URL=fake_lapor.url, LAPOR_TOKEN=TOKEN, LAPOR_TIMEOUT=2):
        yield fake_lapor


@pytest.fixture
def forwarding(city: Any) -> Any:
    city.cat_sampah.forward_to_lapor = True
    city.cat_sampah.save()
    return city
