"""`manage.py simulate_traffic`: synthetic detector data for every detector in the registry, sent like a real ATCS.

    simulate_traffic --rate 200 --duration 60 --via http [--url http://127.0.0.1:8000] [--token kcdev_...]
    simulate_traffic --rate 2000 --duration 120 --via mqtt [--broker mqtt://127.0.0.1:1883]
    simulate_traffic --start -24h --speedup 300 --rate 500 --duration 300     # back-fill the last 24 h for charts
    simulate_traffic --incidents 4 --rain --ground-truth /tmp/truth.csv        # planted incidents, written out
    simulate_traffic --gentle                                                 # what `make run` starts

Time: simulated time starts at --start (ISO datetime, or -Nh / -Nm relative to now) and runs --speedup times
faster than wall time, but never past the real clock: the server refuses intervals in the future, so once a
back-fill catches up the simulation continues live. Without --start it begins so that it catches up exactly at
the end of --duration (now − duration × (speedup − 1)); a start older than the server's late window
(SENSORS_LATE_WINDOW_HOURS) is moved forward, since those readings would only fill the quarantine.

--rate caps readings sent per second; a reading is sent once its interval has ended in simulated time. --duration
is wall seconds, 0 = until Ctrl-C (then --incidents is per simulated day).

Credentials: HTTP sends batches to /api/v1/ingest/traffic with a gateway device token; MQTT publishes the envelope
{"token", "data"} to <prefix>/<device>/traffic/sim at QoS 1. Without --token the command issues a fresh token for
--device (default `atcs-simulator`, a gateway created if missing) in the local database: issuing replaces that
device's previous token, so give concurrent simulators different --device codes (--gentle uses
`atcs-simulator-live`). The detector registry is read from the local database either way.
"""

from __future__ import annotations

import json
import re
import signal
import threading
import time
import uuid
from collections import deque
from collections.abc import Iterator
from datetime import datetime, timedelta
from types import FrameType
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone
from django.utils.dateparse import parse_datetime

from kotacerdas.sensors import actions
from kotacerdas.sensors.models import Device
from kotacerdas.traffic import simulator as sim

GENTLE = {"rate": 20.0, "speedup": 60.0, "duration": 0.0, "start": "-2h", "incidents": 3, "rain": True,
          "interval": 300, "device": "atcs-simulator-live", "progress": 60.0}
DEFAULT_DEVICE = "atcs-simulator"
RETRY_MAX_S = 30.0


def parse_start(value: str, now: datetime) -> datetime:
    match = re.fullmatch(r"-(\d+(?:\.\d+)?)([hmd])", value.strip())
    if match:
        unit = {"h": "hours", "m": "minutes", "d": "days"}[match.group(2)]
        return now - timedelta(**{unit: float(match.group(1))})
    parsed = parse_datetime(value)
    if parsed is None:
        raise CommandError(f"--start: not an ISO datetime or -Nh/-Nm: {value!r}")
    return parsed if timezone.is_aware(parsed) else timezone.make_aware(parsed)


class Stats:
    def __init__(self) -> None:
        self.sent = self.stored = self.duplicates = self.rejected = self.failed_batches = self.acked = 0
        self.errors: dict[str, int] = {}

    def add_answer(self, answer: dict[str, Any]) -> None:
        self.stored += answer.get("stored", 0)
        self.duplicates += answer.get("duplicates", 0)
        self.rejected += answer.get("rejected", 0)
        for err in answer.get("errors", []):
            self.errors[err.get("code", "?")] = self.errors.get(err.get("code", "?"), 0) + 1


class Command(BaseCommand):
    help = "Mensimulasikan data detektor ATCS (profil hari kerja/akhir pekan, hujan, insiden) lewat HTTP atau MQTT."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--rate", type=float, default=None, help="readings sent per second, a cap (100)")
        parser.add_argument("--duration", type=float, default=None, help="wall seconds (60); 0 = until Ctrl-C")
        parser.add_argument("--via", choices=("http", "mqtt"), default="http")
        parser.add_argument("--url", default="http://127.0.0.1:8000", help="HTTP: the platform's base URL")
        parser.add_argument("--broker", default="mqtt://127.0.0.1:1883",
                            help="MQTT: broker URL, mqtt://user:password@host:port for the device's credentials")
        parser.add_argument("--prefix", default=None, help="MQTT topic prefix (default SENSORS_MQTT_PREFIX)")
        parser.add_argument("--token", default=None, help="device token; without it one is issued for --device")
        parser.add_argument("--device", default=None, help=f"gateway device code (default {DEFAULT_DEVICE})")
        parser.add_argument("--start", default=None, help="simulated start: ISO datetime or -24h / -90m")
        parser.add_argument("--speedup", type=float, default=None, help="simulated seconds per wall second (1)")
        parser.add_argument("--interval", type=int, default=None, help="detector interval in seconds (300)")
        parser.add_argument("--seed", type=int, default=42)
        parser.add_argument("--format", choices=sim.FORMATS, default="compact")
        parser.add_argument("--batch", type=int, default=500, help="readings per HTTP request / MQTT message")
        parser.add_argument("--ground-truth", default=None, help="CSV of planted incidents (and rain spells)")
        parser.add_argument("--incidents", type=int, default=None, help="incidents to plant (per day if endless)")
        parser.add_argument("--rain", action="store_true", default=None, help="plant rain spells")
        parser.add_argument("--progress", type=float, default=None, help="seconds between progress lines (5)")
        parser.add_argument("--gentle", action="store_true",
                            help="demo preset: 20 readings/s, back-fills the last 2 h, then live, endless, "
                                 "rain and 3 incidents a day (explicit options still win)")

    # Options ---------------------------------------------------------------------------------------------------

    def _options(self, options: dict[str, Any]) -> dict[str, Any]:
        defaults: dict[str, Any] = {"rate": 100.0, "duration": 60.0, "speedup": 1.0, "start": None,
                                    "interval": sim.DEFAULT_INTERVAL_S, "incidents": 0, "rain": False,
                                    "device": DEFAULT_DEVICE, "progress": 5.0}
        if options["gentle"]:
            defaults.update(GENTLE)  # options given explicitly (not None) still win
        for name, value in defaults.items():
            if options.get(name) is None:
                options[name] = value
        if options["rate"] <= 0 or options["speedup"] <= 0 or options["duration"] < 0:
            raise CommandError("--rate and --speedup must be positive, --duration not negative")
        if not 10 <= options["interval"] <= 3600:
            raise CommandError("--interval must be 10-3600 s")
        return options

    def _token(self, options: dict[str, Any]) -> tuple[str, str]:
        code = options["device"]
        if options["token"]:
            device = Device.authenticate(options["token"])
            return options["token"], device.code if device else code
        device, created = Device.objects.get_or_create(code=code, defaults={
            "name": "Simulator lalu lintas", "kind": "traffic", "owner_module": "traffic", "is_gateway": True})
        if device.kind != "traffic" or not device.is_gateway:
            raise CommandError(f"device {code} must be an active traffic gateway")
        return actions.do_issue_token(None, device), device.code

    # Run -------------------------------------------------------------------------------------------------------

    def handle(self, *args: Any, **options: Any) -> None:
        o = self._options(options)
        topology = sim.topology_from_db()
        if not topology.approaches:
            raise CommandError("no active detectors: run `manage.py seed_traffic` first")
        now = timezone.now()
        interval = o["interval"]
        late = actions.late_window()
        if o["start"]:
            start = parse_start(o["start"], now)
        else:
            start = now - timedelta(seconds=o["duration"] * (o["speedup"] - 1)) if o["duration"] else now
        earliest = now - late + timedelta(minutes=10)
        if start < earliest:
            self.stderr.write(f"--start {start.isoformat()} is beyond the late window ({late}); "
                              f"starting at {earliest.isoformat()}")
            start = earliest
        start = sim.align(start, interval)
        token, device_code = self._token(o)
        self.token, self.device_code, self.o = token, device_code, o
        detectors = len(topology.detectors)
        # Simulated time at wall offset w: min(start + w·speedup, now0 + w); the end of a finite run is known.
        sim_end = (min(start + timedelta(seconds=o["duration"] * o["speedup"]),
                       now + timedelta(seconds=o["duration"])) if o["duration"] else None)
        self.scenario_end = start
        self.scenario = sim.Scenario()
        self._extend_scenario(topology, start, sim_end or start + timedelta(days=1), finite=sim_end is not None)
        self.stdout.write(
            f"simulate_traffic: {detectors} detectors on {len(topology.approaches)} approaches, interval "
            f"{interval}s, from {start.astimezone(sim.LOCAL):%Y-%m-%d %H:%M} WIB"
            + (f" to {sim_end.astimezone(sim.LOCAL):%Y-%m-%d %H:%M}" if sim_end else ", endless")
            + f", speedup {o['speedup']:g}, rate ≤ {o['rate']:g}/s, via {o['via']} as {device_code}; "
            f"{len(self.scenario.incidents)} incidents, {len(self.scenario.rain)} rain spells planned")

        self.stopping = False
        previous = {s: signal.signal(s, self._on_signal) for s in (signal.SIGINT, signal.SIGTERM)} \
            if threading.current_thread() is threading.main_thread() else {}
        sender = HttpSender(self, o) if o["via"] == "http" else MqttSender(self, o)
        stats = Stats()
        t0 = time.monotonic()
        last_progress = t0
        self.sent_until = start
        self.last_send = t0
        try:
            readings = self._readings(topology, start, interval, sim_end)
            pending: deque[sim.Reading] = deque()
            exhausted = False
            while not self.stopping:
                wall = time.monotonic() - t0
                if o["duration"] and wall >= o["duration"]:
                    break
                sim_now = min(start + timedelta(seconds=wall * o["speedup"]),
                              now + timedelta(seconds=wall))
                allowed = int(o["rate"] * wall) + 1 - stats.sent
                while not exhausted and len(pending) < o["batch"]:
                    nxt = next(readings, None)
                    if nxt is None:
                        exhausted = True
                        break
                    pending.append(nxt)
                ready = 0
                for r in pending:
                    if r.end > sim_now or ready >= min(allowed, o["batch"]):
                        break
                    ready += 1
                if ready:
                    batch = [pending.popleft() for _ in range(ready)]
                    if not sender.send(batch, stats):
                        pending.extendleft(reversed(batch))  # the server or broker is not there yet: retry
                    else:
                        self.sent_until = batch[-1].end
                        self.last_send = time.monotonic()
                        self._truth_progress(topology, o)
                elif exhausted and not pending:
                    break
                else:
                    time.sleep(min(0.05, max(0.001, 1 / o["rate"])))
                if time.monotonic() - last_progress >= o["progress"]:
                    last_progress = time.monotonic()
                    self._progress(stats, time.monotonic() - t0, sim_now)
            if o["duration"] and not self.stopping:
                sender.flush(stats)
        finally:
            sender.close(stats)
            for s, handler in previous.items():
                signal.signal(s, handler)
        elapsed = time.monotonic() - t0
        # The send rate over the time spent sending: a run that caught up with the clock then only waits.
        busy = max(self.last_send - t0, 1e-9)
        self._write_truth(o, final=True)
        self.stdout.write(self.style.SUCCESS(
            f"simulate_traffic selesai: {stats.sent} readings in {elapsed:.1f}s, {stats.sent / busy:.0f}/s while "
            f"sending; up "
            f"to {self.sent_until.astimezone(sim.LOCAL):%Y-%m-%d %H:%M} WIB; " + sender.summary(stats)))
        self.stats = stats

    def _on_signal(self, signum: int, frame: FrameType | None) -> None:
        self.stopping = True

    def _readings(self, topology: sim.Topology, start: datetime, interval: int,
                  sim_end: datetime | None) -> Iterator[sim.Reading]:
        """Reading by reading, a simulated day at a time, extending the scenario as the endless run goes on."""
        t = start
        while sim_end is None or t < sim_end:
            block_end = t + timedelta(hours=6)
            if sim_end is not None:
                block_end = min(block_end, sim_end)
            if block_end > self.scenario_end:
                self._extend_scenario(topology, self.scenario_end, self.scenario_end + timedelta(days=1),
                                      finite=False)
            yield from sim.generate(topology, t, block_end, seed=self.o["seed"], interval_s=interval,
                                    scenario=self.scenario)
            t = block_end

    def _extend_scenario(self, topology: sim.Topology, start: datetime, end: datetime, *, finite: bool) -> None:
        o = self.o
        rain = sim.plan_rain(o["seed"], start, end) if o["rain"] else ()
        if o["rain"] and not finite:
            rain = tuple(r for d in range(-1, 2) for r in sim.daily_rain(
                o["seed"], (start.astimezone(sim.LOCAL) + timedelta(days=d)).date()) if r.end > start and r.start < end)
        incidents = sim.plan_incidents(topology, o["seed"], start, end, o["incidents"])
        known = set(self.scenario.rain)
        self.scenario = self.scenario.merged(sim.Scenario(tuple(r for r in rain if r not in known), incidents))
        self.scenario_end = end
        self.truth_written: set[sim.Incident | sim.Rain] = getattr(self, "truth_written", set())
        self.topology = topology

    def _truth_progress(self, topology: sim.Topology, o: dict[str, Any]) -> None:
        if o["ground_truth"] and any(i.end <= self.sent_until and i not in self.truth_written
                                     for i in self.scenario.incidents):
            self._write_truth(o)

    def _write_truth(self, o: dict[str, Any], final: bool = False) -> None:
        """Incidents and rain as far as data was actually sent: cut at the last interval sent, none unstarted."""
        if not o["ground_truth"]:
            return
        until = self.sent_until
        incidents = [i if i.end <= until else sim.Incident(**{**i.__dict__, "end": until})
                     for i in self.scenario.incidents if i.start < until]
        rain = [r if r.end <= until else sim.Rain(r.start, until, r.intensity)
                for r in self.scenario.rain if r.start < until]
        self.truth_written = {i for i in self.scenario.incidents if i.end <= until}
        n = sim.write_ground_truth(o["ground_truth"], incidents, rain)
        if final:
            self.stdout.write(f"ground truth: {len(incidents)} incidents, {len(rain)} rain spells ({n} rows) "
                              f"in {o['ground_truth']}")

    def _progress(self, stats: Stats, wall: float, sim_now: datetime) -> None:
        self.stdout.write(f"[{wall:6.0f}s] sim {sim_now.astimezone(sim.LOCAL):%m-%d %H:%M} sent {stats.sent} "
                          f"({stats.sent / max(wall, 1e-9):.0f}/s), " + self.sender_summary(stats))
        self.stdout.flush()

    def sender_summary(self, stats: Stats) -> str:
        return (f"stored {stats.stored}, duplicates {stats.duplicates}, rejected {stats.rejected}"
                if self.o["via"] == "http" else f"acknowledged by the broker {stats.acked}")


class HttpSender:
    def __init__(self, command: Command, o: dict[str, Any]) -> None:
        import requests

        self.command, self.fmt = command, o["format"]
        self.url = o["url"].rstrip("/") + "/api/v1/ingest/traffic"
        self.session = requests.Session()
        self.session.headers.update({"Authorization": f"Bearer {command.token}",
                                     "Content-Type": "application/json"})
        self.backoff = 0.5
        self.requests = requests

    def send(self, batch: list[sim.Reading], stats: Stats) -> bool:
        body = json.dumps([r.as_item(self.fmt) for r in batch], separators=(",", ":"))
        try:
            answer = self.session.post(self.url, data=body.encode(), timeout=60)
        except self.requests.RequestException as exc:
            self.command.stderr.write(f"HTTP: {exc.__class__.__name__} ({self.url}); retrying in {self.backoff:g}s")
            time.sleep(self.backoff)
            self.backoff = min(self.backoff * 2, RETRY_MAX_S)
            return False
        self.backoff = 0.5
        if answer.status_code in (401, 403, 404):
            raise CommandError(f"HTTP {answer.status_code} from {self.url}: {answer.text[:300]}")
        if answer.status_code != 200:
            stats.failed_batches += 1
            self.command.stderr.write(f"HTTP {answer.status_code}: {answer.text[:300]}; retrying")
            time.sleep(1)
            return False
        stats.sent += len(batch)
        stats.add_answer(answer.json())
        return True

    def flush(self, stats: Stats) -> None:
        pass

    def close(self, stats: Stats) -> None:
        self.session.close()

    def summary(self, stats: Stats) -> str:
        errors = ", ".join(f"{k}: {v}" for k, v in sorted(stats.errors.items()))
        return (f"stored {stats.stored}, duplicates {stats.duplicates}, rejected {stats.rejected}"
                + (f" ({errors})" if errors else "") + f", failed requests {stats.failed_batches}")


class MqttSender:
    """QoS 1 publisher; at most MAX_INFLIGHT unacknowledged messages, so --rate is what the broker took."""

    MAX_INFLIGHT = 20

    def __init__(self, command: Command, o: dict[str, Any]) -> None:
        import paho.mqtt.client as mqtt
        from paho.mqtt.enums import CallbackAPIVersion

        from kotacerdas.sensors.mqtt import BrokerUrl, default_prefix

        self.command, self.fmt = command, o["format"]
        broker = BrokerUrl.parse(o["broker"])
        prefix = (o["prefix"] or default_prefix()).strip("/")
        self.topic = f"{prefix}/{command.device_code}/traffic/sim"
        self.client = mqtt.Client(CallbackAPIVersion.VERSION2, client_id=f"kc-sim-{uuid.uuid4().hex[:10]}",
                                  clean_session=True)
        self.client.max_inflight_messages_set(self.MAX_INFLIGHT)
        self.client.max_queued_messages_set(self.MAX_INFLIGHT * 2)
        if broker.username:
            self.client.username_pw_set(broker.username, broker.password)
        if broker.tls:
            self.client.tls_set()
        self.client.reconnect_delay_set(1, 30)
        self.inflight: dict[int, int] = {}
        self.lock = threading.Lock()
        self.connected = threading.Event()
        self.stats: Stats | None = None
        self.client.on_connect = self._on_connect
        self.client.on_publish = self._on_publish
        self.client.on_disconnect = lambda *a: self.connected.clear()
        self.client.connect_async(broker.host, broker.port, keepalive=30)
        self.client.loop_start()
        if not self.connected.wait(10):
            self.client.loop_stop()
            raise CommandError(f"MQTT: no connection to {broker.host}:{broker.port}")

    def _on_connect(self, client: Any, userdata: Any, flags: Any, reason_code: Any, properties: Any) -> None:
        if reason_code.is_failure:
            self.command.stderr.write(f"MQTT: broker refused the connection: {reason_code}")
        else:
            self.connected.set()

    def _on_publish(self, client: Any, userdata: Any, mid: int, reason_code: Any, properties: Any) -> None:
        with self.lock:
            n = self.inflight.pop(mid, 0)
        if self.stats is not None:
            self.stats.acked += n

    def send(self, batch: list[sim.Reading], stats: Stats) -> bool:
        self.stats = stats
        deadline = time.monotonic() + 30
        while len(self.inflight) >= self.MAX_INFLIGHT or not self.connected.is_set():
            if time.monotonic() > deadline:
                self.command.stderr.write("MQTT: broker does not acknowledge; waiting")
                deadline = time.monotonic() + 30
            time.sleep(0.002)
        data: Any = ("\n".join(json.dumps(r.compact(), separators=(",", ":")) for r in batch)
                     if self.fmt == "compact" else [r.as_item(self.fmt) for r in batch])
        payload = json.dumps({"token": self.command.token, "data": data}, separators=(",", ":"))
        with self.lock:
            info = self.client.publish(self.topic, payload, qos=1)
            if info.rc != 0:
                return False
            self.inflight[info.mid] = len(batch)
        stats.sent += len(batch)
        return True

    def flush(self, stats: Stats) -> None:
        deadline = time.monotonic() + 30
        while self.inflight and time.monotonic() < deadline:
            time.sleep(0.01)

    def close(self, stats: Stats) -> None:
        self.flush(stats)
        self.client.disconnect()
        self.client.loop_stop()

    def summary(self, stats: Stats) -> str:
        return (f"{stats.acked} acknowledged by the broker at QoS 1 on {self.topic} (stored counts: the bridge's "
                "log or the database)")
