"""MQTT bridge: broker messages -> the same `actions.do_ingest` as HTTP.

Topics: `<prefix>/<device code>/<kind>/<anything>`, prefix `kotacerdas` by default. The bridge subscribes
`<prefix>/+/<kind>/#` for every registered kind (traffic: `kotacerdas/+/traffic/#`) with QoS 1.

Payload: exactly an HTTP body (JSON array of TrafficFlowObserved, one object, or NDJSON), wrapped in an envelope
that carries the device token unless the broker is trusted to authenticate devices:

    {"token": "kcdev_...", "data": [ ...items... ]}          or   {"token": "...", "data": "<NDJSON text>"}

Who checks what (see README.md in this folder for the Mosquitto configuration):
- The broker authenticates each device by MQTT username/password (Mosquitto `password_file`, written by
  `manage.py sensor_credentials mosquitto` from the stored $7$ hashes) and its ACL lets device X write only under
  `kotacerdas/X/#`.
- The bridge checks that the device code in the topic exists, is active and reports that kind, and that the
  envelope's token belongs to it. With SENSORS_MQTT_TRUST_BROKER_ACL=True (only when the ACL above is in place)
  a bare body is accepted on the strength of the topic alone.

Scaling: one bridge handles one message at a time and waits for its transaction, so it uses at most one core.
Several bridges with the same `--share GROUP` (and each its own --client-id) split the messages between them.

Delivery: QoS 1 with manual acknowledgement: a message is acknowledged only after its transaction committed (or
after it went to the quarantine), so a bridge crash makes the broker deliver it again, and the idempotent store
turns the second copy into duplicates. A persistent session (clean_session=False, fixed client id) keeps
messages queued at the broker while the bridge is down. Reconnects back off from 1 s to 60 s.
"""

from __future__ import annotations

import logging
import threading
import time
from dataclasses import dataclass
from typing import Any
from urllib.parse import unquote, urlparse

import paho.mqtt.client as mqtt
from django.conf import settings
from django.db import DatabaseError, close_old_connections
from django.utils.translation import gettext as _
from paho.mqtt.enums import CallbackAPIVersion

from kotacerdas.sensors import actions, registry
from kotacerdas.sensors.actions import IngestResult
from kotacerdas.sensors.bodies import BodyError, parse_body
from kotacerdas.sensors.models import Device, Reason, Source

log = logging.getLogger("kotacerdas.sensors.mqtt")

DEVICE_CACHE_SECONDS = 30.0
DB_RETRIES = 3


@dataclass(frozen=True)
class BrokerUrl:
    host: str
    port: int
    username: str | None
    password: str | None
    tls: bool

    @classmethod
    def parse(cls, url: str) -> BrokerUrl:
        parts = urlparse(url if "://" in url else f"mqtt://{url}")
        if parts.scheme not in ("mqtt", "mqtts", "tcp", "ssl"):
            raise ValueError(f"MQTT_URL scheme must be mqtt:// or mqtts://, not {parts.scheme!r}")
        tls = parts.scheme in ("mqtts", "ssl")
        return cls(parts.hostname or "127.0.0.1", parts.port or (8883 if tls else 1883),
                   unquote(parts.username) if parts.username else None,
                   unquote(parts.password) if parts.password else None, tls)


def default_prefix() -> str:
    return getattr(settings, "SENSORS_MQTT_PREFIX", "kotacerdas")


class Bridge:
    def __init__(self, url: str, *, prefix: str | None = None, client_id: str = "kotacerdas-bridge",
                 kinds: list[str] | None = None, clean_session: bool = False, share: str | None = None) -> None:
        if share is not None and (not share or any(c in share for c in "/+#")):
            raise ValueError(f"share group must be a plain name, not {share!r}")
        self.broker = BrokerUrl.parse(url)
        self.prefix = (prefix or default_prefix()).strip("/")
        self.share = share
        self.kinds = kinds or registry.kinds()
        self.trust_acl = getattr(settings, "SENSORS_MQTT_TRUST_BROKER_ACL", False)
        self.subscribed = threading.Event()
        self.processed = 0
        self._devices: dict[str, tuple[float, Device | None]] = {}
        self._stopping = False
        self.client = mqtt.Client(CallbackAPIVersion.VERSION2, client_id=client_id, clean_session=clean_session,
                                  manual_ack=True)
        if self.broker.username:
            self.client.username_pw_set(self.broker.username, self.broker.password)
        if self.broker.tls:
            self.client.tls_set()
        self.client.reconnect_delay_set(min_delay=1, max_delay=60)
        self.client.on_connect = self._on_connect
        self.client.on_subscribe = self._on_subscribe
        self.client.on_disconnect = self._on_disconnect
        self.client.on_message = self._on_message

    @property
    def topics(self) -> list[str]:
        # A shared subscription ($share/<group>/..., MQTT 5, also for 3.1.1 clients in Mosquitto >= 2.0): the broker
        # hands each message to one bridge of the group, so several bridge processes split the load.
        group = f"$share/{self.share}/" if self.share else ""
        return [f"{group}{self.prefix}/+/{kind}/#" for kind in self.kinds]

    # paho callbacks (VERSION2 signatures) -------------------------------------------------------------------

    def _on_connect(self, client: mqtt.Client, userdata: Any, flags: Any, reason_code: Any, properties: Any) -> None:
        if reason_code.is_failure:
            log.error("MQTT: broker %s:%s refused the connection: %s", self.broker.host, self.broker.port,
                      reason_code)
            return
        log.info("MQTT: connected to %s:%s, subscribing %s", self.broker.host, self.broker.port, self.topics)
        client.subscribe([(topic, 1) for topic in self.topics])

    def _on_subscribe(self, client: mqtt.Client, userdata: Any, mid: int, reason_codes: Any, properties: Any) -> None:
        failed = [rc for rc in reason_codes if rc.is_failure]
        if failed:
            log.error("MQTT: subscription refused by the broker (ACL?): %s", failed)
        else:
            self.subscribed.set()

    def _on_disconnect(self, client: mqtt.Client, userdata: Any, flags: Any, reason_code: Any,
                       properties: Any) -> None:
        self.subscribed.clear()
        if not self._stopping:
            log.warning("MQTT: disconnected (%s); reconnecting with backoff", reason_code)

    def _on_message(self, client: mqtt.Client, userdata: Any, message: mqtt.MQTTMessage) -> None:
        for attempt in range(1, DB_RETRIES + 1):
            close_old_connections()  # a long-lived process must not keep a connection the database dropped
            try:
                self.handle(message.topic, message.payload)
                break
            except DatabaseError:
                log.exception("MQTT: database error on %s (attempt %d of %d)", message.topic, attempt, DB_RETRIES)
                if attempt == DB_RETRIES:
                    # Not acknowledged: the broker delivers it again after the next reconnect.
                    return
                time.sleep(attempt)
        self.processed += 1
        client.ack(message.mid, message.qos)

    # The work -----------------------------------------------------------------------------------------------

    def _device(self, code: str) -> Device | None:
        now = time.monotonic()
        cached = self._devices.get(code)
        if cached is not None and now - cached[0] < DEVICE_CACHE_SECONDS:
            return cached[1]
        device = Device.objects.filter(code=code).first()
        self._devices[code] = (now, device)
        return device

    def handle(self, topic: str, payload: bytes) -> IngestResult | None:
        """One message. Returns the ingest result, or None when the whole message went to the quarantine."""
        rest = topic[len(self.prefix) + 1:] if topic.startswith(self.prefix + "/") else ""
        code, _sep, rest = rest.partition("/")
        kind = rest.partition("/")[0]
        if not code or registry.get(kind) is None:
            log.warning("MQTT: ignoring message on unexpected topic %s", topic)
            actions.quarantine_body(kind or "?", None, Source.MQTT, Reason.MALFORMED,
                                    _("Topik tidak sesuai pola %(p)s/<perangkat>/<jenis>/...") % {"p": self.prefix},
                                    payload, topic=topic)
            return None
        device = self._device(code) if "\x00" not in code else None
        if device is None or not device.is_active or device.kind != kind:
            reason = (_("Perangkat %(code)s tidak terdaftar.") if device is None else
                      _("Perangkat %(code)s nonaktif.") if not device.is_active else
                      _("Perangkat %(code)s tidak mengirim data jenis ini.")) % {"code": code}
            actions.quarantine_body(kind, device, Source.MQTT, Reason.UNKNOWN_DEVICE, reason, payload, topic=topic)
            return None
        try:
            items = parse_body(payload)
            token = None
            if len(items) == 1 and isinstance(items[0], dict) and "token" in items[0]:
                envelope = items[0]
                token = envelope.get("token")
                data = envelope.get("data")
                items = parse_body(data) if isinstance(data, str) else data
                if not isinstance(items, list):
                    raise BodyError(_("Amplop MQTT: 'data' harus array atau teks NDJSON."))
        except BodyError as exc:
            actions.quarantine_body(kind, device, Source.MQTT, Reason.UNPARSEABLE, str(exc), payload, topic=topic)
            return None
        if token is None and not self.trust_acl:
            actions.quarantine_body(kind, device, Source.MQTT, Reason.UNAUTHENTICATED,
                                    _("Pesan tanpa token perangkat ({\"token\": ..., \"data\": [...]})."),
                                    payload, topic=topic)
            return None
        if token is not None and not (isinstance(token, str) and device.check_token(token)):
            actions.quarantine_body(kind, device, Source.MQTT, Reason.UNAUTHENTICATED,
                                    _("Token tidak cocok dengan perangkat %(code)s.") % {"code": code},
                                    b"(token disembunyikan)", topic=topic)
            return None
        if len(items) > actions.max_batch():
            actions.quarantine_body(kind, device, Source.MQTT, Reason.MALFORMED,
                                    _("Maksimal %(n)d data per pesan.") % {"n": actions.max_batch()}, payload[:4000],
                                    topic=topic)
            return None
        return actions.do_ingest(kind, device, items, source=Source.MQTT, topic=topic)

    # Running ------------------------------------------------------------------------------------------------

    def run_forever(self) -> None:
        """Connects (retrying until the broker is there) and processes messages until stop()."""
        self.client.connect_async(self.broker.host, self.broker.port, keepalive=30)
        self.client.loop_forever(retry_first_connection=True)

    def stop(self) -> None:
        self._stopping = True
        self.client.disconnect()
