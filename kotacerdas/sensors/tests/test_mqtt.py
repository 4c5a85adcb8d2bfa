"""The MQTT path against the real Mosquitto on 127.0.0.1:1883 (started by .ci/run and the dev machine)."""

from __future__ import annotations

import json
import threading
import time
import uuid
from datetime import UTC, timedelta
from typing import Any

import paho.mqtt.client as mqtt
import pytest
from django.db import connection
from django.utils import timezone
from paho.mqtt.enums import CallbackAPIVersion

from kotacerdas.sensors.models import Device, Quarantine, Reason
from kotacerdas.sensors.mqtt import Bridge, BrokerUrl
from kotacerdas.traffic.models import Approach, Detector, Intersection, Rollup5Min, TrafficReading

BROKER = "mqtt://127.0.0.1:1883"


def wait_for(condition: Any, timeout: float = 15.0) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.05)
    return False


def start_bridge(prefix: str, **options: Any) -> tuple[Bridge, threading.Thread]:
    bridge = Bridge(BROKER, prefix=prefix, client_id=f"kc-test-{uuid.uuid4().hex[:8]}", clean_session=True,
                    **options)

    def run() -> None:
        try:
            bridge.run_forever()
        finally:
            connection.close()

    thread = threading.Thread(target=run, daemon=True)
    thread.start()
    assert bridge.subscribed.wait(10), "bridge did not subscribe: is mosquitto running on 127.0.0.1:1883?"
    return bridge, thread


@pytest.fixture
def bridge(transactional_db: Any) -> Any:
    bridge, thread = start_bridge(f"test-{uuid.uuid4().hex[:10]}/kotacerdas")
    yield bridge
    bridge.stop()
    thread.join(10)


@pytest.fixture
def publisher() -> Any:
    client = mqtt.Client(CallbackAPIVersion.VERSION2, client_id=f"kc-pub-{uuid.uuid4().hex[:8]}")
    client.connect("127.0.0.1", 1883)
    client.loop_start()
    yield client
    client.loop_stop()
    client.disconnect()


def _registry() -> tuple[Device, str]:
    inter = Intersection.objects.create(code="smp-m", name="Simpang MQTT", lat=3.57, lon=98.685)
    approach = Approach.objects.create(intersection=inter, direction="utara", name="Jalan U", width_m=7, lanes=2)
    device = Device(code="ctl-mqtt", kind="traffic")
    token = device.issue_token()
    device.save()
    for code in ("M1", "M2"):
        Detector.objects.create(code=code, kind="loop", approach=approach, device=device)
    return device, token


def test_it_stores_readings_published_over_mqtt_once(bridge: Any, publisher: Any) -> None:
    device, token = _registry()
    start = timezone.now().astimezone(UTC).replace(second=0, microsecond=0) - timedelta(minutes=30)
    lines = [{"d": d, "t": (start + timedelta(minutes=m)).isoformat(), "s": 60, "n": {"motor": 9, "car": 3}}
             for d in ("M1", "M2") for m in range(10)]
    ndjson = "\n".join(json.dumps(line) for line in lines)
    topic = f"{bridge.prefix}/ctl-mqtt/traffic/batch"

    publisher.publish(topic, json.dumps({"token": token, "data": ndjson}), qos=1).wait_for_publish(5)
    assert wait_for(lambda: TrafficReading.objects.count() == 20)
    # The same batch again (a QoS 1 redelivery, or a device resending): nothing stored twice.
    publisher.publish(topic, json.dumps({"token": token, "data": lines}), qos=1).wait_for_publish(5)
    assert wait_for(lambda: bridge.processed == 2)

    assert TrafficReading.objects.count() == 20
    assert set(TrafficReading.objects.values_list("source", flat=True)) == {"mqtt"}
    assert sum(Rollup5Min.objects.values_list("vehicles", flat=True)) == 20 * 12
    assert not Quarantine.objects.exists()


def test_it_quarantines_messages_it_cannot_trust_or_read(bridge: Any, publisher: Any) -> None:
    device, token = _registry()
    line = json.dumps({"d": "M1", "t": timezone.now().isoformat(), "s": 60, "n": {"car": 1}})
    p = bridge.prefix
    publisher.publish(f"{p}/ctl-mqtt/traffic/x", line, qos=1)  # no token, broker ACL not trusted
    publisher.publish(f"{p}/ctl-mqtt/traffic/x", json.dumps({"token": "kcdev_wrong", "data": [line]}), qos=1)
    publisher.publish(f"{p}/nobody/traffic/x", json.dumps({"token": token, "data": [line]}), qos=1)
    publisher.publish(f"{p}/ctl-mqtt/traffic/x", b"\x00\xffnot json", qos=1)

    assert wait_for(lambda: Quarantine.objects.count() == 4)

    assert sorted(Quarantine.objects.values_list("reason_code", flat=True)) == sorted(
        [Reason.UNAUTHENTICATED, Reason.UNAUTHENTICATED, Reason.UNKNOWN_DEVICE, Reason.UNPARSEABLE])
    assert set(Quarantine.objects.values_list("source", flat=True)) == {"mqtt"}
    assert "kcdev_wrong" not in json.dumps(list(Quarantine.objects.values_list("payload", flat=True)))
    assert not TrafficReading.objects.exists()


def test_bridges_of_one_share_group_split_the_messages_and_handle_each_once(transactional_db: Any,
                                                                           publisher: Any) -> None:
    device, token = _registry()
    prefix = f"test-{uuid.uuid4().hex[:10]}/kotacerdas"
    group = f"g{uuid.uuid4().hex[:8]}"
    bridges = [start_bridge(prefix, share=group) for _ in range(2)]
    start = timezone.now().astimezone(UTC).replace(second=0, microsecond=0) - timedelta(minutes=30)
    try:
        for m in range(8):
            line = {"d": "M1", "t": (start + timedelta(minutes=m)).isoformat(), "s": 60, "n": {"car": 2}}
            publisher.publish(f"{prefix}/ctl-mqtt/traffic/x", json.dumps({"token": token, "data": [line]}),
                              qos=1).wait_for_publish(5)
        assert wait_for(lambda: sum(b.processed for b, _t in bridges) >= 8)
        time.sleep(0.3)  # a second copy of any message would show up now
    finally:
        for b, t in bridges:
            b.stop()
            t.join(10)

    assert [b.topics for b, _t in bridges] == [[f"$share/{group}/{prefix}/+/{kind}/#" for kind in b.kinds]] * 2
    assert sum(b.processed for b, _t in bridges) == 8
    assert all(b.processed > 0 for b, _t in bridges)  # Mosquitto deals shared messages out in turn
    assert TrafficReading.objects.count() == 8


def test_it_refuses_a_share_group_that_is_not_a_plain_name() -> None:
    with pytest.raises(ValueError, match="share group"):
        Bridge(BROKER, share="a/b")


def test_it_reads_the_broker_url() -> None:
    assert BrokerUrl.parse("mqtt://bridge:p%40ss@broker.local:1884") == BrokerUrl(
        "broker.local", 1884, "bridge", "p@ss", False)
    assert BrokerUrl.parse("mqtts://broker.local").port == 8883
    assert BrokerUrl.parse("127.0.0.1").port == 1883
