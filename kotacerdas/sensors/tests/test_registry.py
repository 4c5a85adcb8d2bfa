"""The generic path: a second sensor kind plugs into the same pipeline, HTTP endpoint and quarantine."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from django.test import Client
from django.utils import timezone

from kotacerdas.sensors import registry
from kotacerdas.sensors.models import Device, Quarantine, Reason, mosquitto_check, mosquitto_hash
from kotacerdas.sensors.registry import MeasurementHandler, Observation, Rejected, number, parse_time


class WaterLevelHandler(MeasurementHandler):
    """A river gauge: {"gauge": "...", "at": ISO, "cm": level}. Stores in memory, enough to prove the plumbing."""

    kind = "water_level"
    owner_module = "tests"
    min_seconds = 60
    max_seconds = 600

    def __init__(self) -> None:
        self.rows: dict[tuple[int, datetime], float] = {}
        self.rolled: list[int] = []

    def parse_item(self, index: int, item: Any) -> Observation:
        return Observation(index, item["gauge"], parse_time(item["at"], "at"), 60,
                           {"cm": number(item.get("cm"), "cm", allow_none=False)}, item)

    def resolve(self, device: Device | None, keys: set[str]) -> dict[str, int | Rejected]:
        return {key: 1 for key in keys if key.startswith("sungai-")}

    def validate(self, obs: Observation) -> None:
        if not -100 <= obs.values["cm"] <= 2000:
            raise Rejected(Reason.INVALID_VALUE, "tinggi air mustahil")

    def store(self, observations: list[Observation], *, source: str, received_at: datetime) -> list[Observation]:
        new = [o for o in observations if (o.sensor_id, o.start) not in self.rows]
        for o in new:
            self.rows[(o.sensor_id, o.start)] = o.values["cm"]
        return new

    def rollup(self, new: list[Observation]) -> None:
        self.rolled.append(len(new))


@pytest.fixture
def water(db: Any) -> Any:
    handler = registry.register(WaterLevelHandler())
    device = Device(code="awlr-deli", kind="water_level")
    token = device.issue_token()
    device.save()
    yield handler, token
    registry.unregister("water_level")


def test_a_second_kind_reuses_the_http_pipeline(client: Client, water: Any) -> None:
    handler, token = water
    at = (timezone.now() - timedelta(minutes=10)).astimezone(UTC).replace(microsecond=0)
    lines = [{"gauge": "sungai-deli", "at": at.isoformat(), "cm": 180},
             {"gauge": "sungai-deli", "at": (at + timedelta(minutes=1)).isoformat(), "cm": 182},
             {"gauge": "sungai-babura", "at": at.isoformat(), "cm": 5000},
             {"gauge": "danau", "at": at.isoformat(), "cm": 1},
             {"gauge": "sungai-deli", "at": (at + timedelta(hours=1)).isoformat(), "cm": 1}]
    body = "\n".join(json.dumps(line) for line in lines)

    first = client.post("/api/v1/ingest/water_level", body, content_type="application/x-ndjson",
                        HTTP_AUTHORIZATION=f"Bearer {token}").json()
    again = client.post("/api/v1/ingest/water_level", body, content_type="application/x-ndjson",
                        HTTP_AUTHORIZATION=f"Bearer {token}").json()

    assert (first["stored"], first["duplicates"], first["rejected"]) == (2, 0, 3)
    assert [e["code"] for e in first["errors"]] == [Reason.INVALID_VALUE, Reason.UNKNOWN_SENSOR, Reason.FUTURE]
    assert (again["stored"], again["duplicates"]) == (0, 2)
    assert handler.rolled == [2]
    assert set(Quarantine.objects.values_list("kind", flat=True)) == {"water_level"}
    assert {"traffic", "water_level"} <= set(registry.kinds())  # other apps (parking) register theirs too


def test_a_traffic_token_does_not_open_another_kind(client: Client, water: Any) -> None:
    device = Device(code="ctl-x", kind="traffic")
    token = device.issue_token()
    device.save()

    response = client.post("/api/v1/ingest/water_level", "[]", content_type="application/json",
                           HTTP_AUTHORIZATION=f"Bearer {token}")

    assert response.status_code == 403


def test_tokens_and_mqtt_passwords_are_stored_only_as_hashes(db: Any) -> None:
    device = Device(code="ctl-h", kind="traffic")
    token = device.issue_token()
    password = device.issue_mqtt_password()
    device.save()

    assert token not in (device.token_hash, device.token_prefix) and device.check_token(token)
    assert Device.authenticate(token) == device and Device.authenticate(token + "x") is None
    assert device.mqtt_username == "ctl-h" and device.mqtt_password_hash.startswith("$7$101$")
    assert mosquitto_check(password, device.mqtt_password_hash)
    assert not mosquitto_check(password + "x", device.mqtt_password_hash)


def test_the_password_hash_is_the_one_mosquitto_passwd_writes(tmp_path: Any) -> None:
    import shutil
    import subprocess

    tool = shutil.which("mosquitto_passwd")
    if tool is None:
        pytest.skip("mosquitto_passwd not installed")
    path = tmp_path / "passwd"
    subprocess.run([tool, "-c", "-b", str(path), "dev", "s3cret"], check=True)  # noqa: S603
    written = path.read_text().strip().split(":", 1)[1]

    assert mosquitto_check("s3cret", written)
    assert mosquitto_hash("s3cret").count("$") == 4


def test_sensor_credentials_writes_mosquitto_files(db: Any, tmp_path: Any) -> None:
    from django.core.management import call_command

    device = Device.objects.create(code="ctl-m", kind="traffic")
    device.issue_mqtt_password()
    device.save()

    call_command("sensor_credentials", "mosquitto", "--passwd", str(tmp_path / "p"), "--acl", str(tmp_path / "a"),
                 "--bridge-password", "bridge-pw")

    assert (tmp_path / "p").read_text().splitlines()[1].startswith("ctl-m:$7$101$")
    acl = (tmp_path / "a").read_text()
    assert "user ctl-m\ntopic write kotacerdas/ctl-m/#" in acl
    assert "user kotacerdas-bridge\ntopic read kotacerdas/#" in acl


def test_parse_time_refuses_times_without_a_zone() -> None:
    assert parse_time("2026-01-05T07:00:00+07:00", "t") == datetime(2026, 1, 5, 0, 0, tzinfo=UTC)
    assert parse_time(1767571200, "t") == datetime(2026, 1, 5, tzinfo=UTC)
    assert parse_time(1767571200000, "t") == datetime(2026, 1, 5, tzinfo=UTC)
    with pytest.raises(Rejected, match="zona waktu"):
        parse_time("2026-01-05T07:00:00", "t")
