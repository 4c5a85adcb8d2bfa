"""ATCS sustained ingestion: compact NDJSON batches over HTTP and MQTT into a throw-away database for --seconds.

Builds a registry of --intersections x 4 approaches with one detector each (1,200 detectors by default) and a
gateway device with a token, then sends distinct readings for --seconds: every batch is the next --batch readings
of the sequence (detector 1..N at interval k, then k+1, ...; intervals of --interval seconds starting 23 h ago), so
nothing is a duplicate and every interval lies inside the late window.

- HTTP: uvicorn (--workers) and --senders threads POSTing `/api/v1/ingest/traffic` (Bearer token); every answer
  must say the whole batch was stored.
- MQTT: --bridges `manage.py mqtt_bridge` children on the real Mosquitto at 127.0.0.1:1883 (a unique client id
  and topic prefix per run, one shared subscription group when there are several); one paho client publishes at
  QoS 1 the envelope {"token", "data": "<NDJSON>"}, with at most --window messages published and not yet stored
  (2 per bridge), so the broker's queue never overflows and the figure is what the bridges sustain.
- inprocess: parse_body + actions.do_ingest in this process, no web stack (--profile: cProfile and SQL time).

A probe thread with its own database connection watches the last reading of every batch: send -> queryable is
the time from just before the send until that row is visible to another connection. At the end a COUNT checks
stored == sent (and the rollups' reading counts). CPU of the web workers or bridges, this client, the PostgreSQL
backends of the bench database, Mosquitto and everything else on the machine is sampled from /proc, printed as
cores and as CPU us per stored reading, to say which process is the ceiling; RSS peak/end (VmHWM/VmRSS) of web
workers and bridges. --synchronous-commit off and --rollup-fillfactor N are experiments on the throw-away
PostgreSQL database.

    .venv/bin/python bench/traffic_ingest.py [--db postgres] [--via http|mqtt|both|inprocess] [--seconds 60]
        [--batch 2000] [--senders 4] [--workers 1] [--bridges 1] [--window N] [--intersections 300]
        [--interval 30] [--profile] [--synchronous-commit on|off] [--rollup-fillfactor N]
"""

from __future__ import annotations

import json
import os
import random
import subprocess
import sys
import threading
import time
import uuid
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

from lib import common  # noqa: E402

TARGET = 20_000  # readings/s on PostgreSQL, issue #4 §6 (ThingsBoard single node: 3,333 data points/s on 4 vCPU)
DIRECTIONS = ("utara", "timur", "selatan", "barat")
GATEWAY = "bench-gateway"
BROKER = ("127.0.0.1", 1883)
CLK_TCK = os.sysconf("SC_CLK_TCK")


# Registry and readings ------------------------------------------------------------------------------------------


def make_registry(intersections: int) -> tuple[list[str], dict[str, int], str]:
    """intersections x 4 approaches, one loop detector per approach, and a gateway device. -> codes, ids, token."""
    from kotacerdas.sensors.models import Device
    from kotacerdas.traffic.models import Approach, Detector, Intersection

    gateway = Device(code=GATEWAY, name="Bench gateway", kind="traffic", owner_module="traffic", is_gateway=True)
    token = gateway.issue_token()
    gateway.save()
    Intersection.objects.bulk_create([
        Intersection(code=f"bench-{i:04d}", name=f"Simpang uji {i}", lat=3.55 + (i % 20) * 0.004,
                     lon=98.63 + (i // 20) * 0.004, approximate=True) for i in range(intersections)
    ], batch_size=500)
    inters = list(Intersection.objects.filter(code__startswith="bench-").order_by("code"))
    Approach.objects.bulk_create([
        Approach(intersection=x, direction=d, name=f"Jalan {d}", width_m=7.0, lanes=2)
        for x in inters for d in DIRECTIONS
    ], batch_size=500)
    approaches = Approach.objects.filter(intersection__code__startswith="bench-").select_related("intersection")
    Detector.objects.bulk_create([
        Detector(code=f"{a.intersection.code}-{a.direction[0].upper()}", kind="loop", approach=a, device=gateway)
        for a in approaches.order_by("intersection__code", "direction")
    ], batch_size=500)
    ids = dict(Detector.objects.filter(code__startswith="bench-").values_list("code", "pk"))
    return sorted(ids), ids, token


@dataclass
class Batch:
    number: int
    body: str  # NDJSON, one compact line per reading
    size: int
    mark: tuple[str, datetime]  # (detector code, interval start) of its last reading, watched by the probe


class Feed:
    """The readings to send, cut into batches on demand (thread-safe): detector 1..N at interval 0, then 1, ...

    Interval starts begin 23 h ago and advance; the feed refuses to pass `now - 10 min`, so every reading is
    inside the late window (24 h) and none lies in the future. Values vary per reading but cost little to make.
    """

    def __init__(self, codes: list[str], batch: int, interval: int, seed: int = 4) -> None:
        self.codes, self.size, self.interval = codes, batch, interval
        now = datetime.now(UTC).replace(microsecond=0)
        self.base = now - timedelta(hours=23)
        self.base -= timedelta(seconds=int(self.base.timestamp()) % interval)
        self.limit = int((now - timedelta(minutes=10) - self.base).total_seconds()) // interval * len(codes)
        self._next_number = 0
        self._lock = threading.Lock()
        rng = random.Random(seed)
        # 997 prepared value tails; reading i takes tail i % 997 (prime, so detector and values do not line up).
        self.tails = []
        for _ in range(997):
            motor, car, heavy = rng.randint(5, 120), rng.randint(2, 50), rng.randint(0, 8)
            self.tails.append(f',"n":{{"motor":{motor},"car":{car},"heavy":{heavy}}},'
                              f'"v":{rng.uniform(8, 55):.1f},"o":{rng.uniform(2, 60):.1f}}}')
        self._times: dict[int, str] = {}

    @property
    def capacity(self) -> int:
        return self.limit

    @property
    def exhausted(self) -> bool:
        return self.peek() * self.size >= self.limit

    def peek(self) -> int:
        with self._lock:
            return self._next_number


    def _time(self, k: int) -> str:
        text = self._times.get(k)
        if text is None:
            text = (self.base + timedelta(seconds=k * self.interval)).isoformat().replace("+00:00", "Z")
            self._times[k] = text
        return text

    def next(self) -> Batch | None:
        with self._lock:
            number = self._next_number
            self._next_number += 1
        first = number * self.size
        last = min(first + self.size, self.limit)
        if first >= last:
            return None
        n = len(self.codes)
        codes, tails, interval = self.codes, self.tails, self.interval
        lines = [f'{{"d":"{codes[i % n]}","t":"{self._time(i // n)}","s":{interval}{tails[i % 997]}'
                 for i in range(first, last)]
        k = (last - 1) // n
        mark = (codes[(last - 1) % n], self.base + timedelta(seconds=k * interval))
        return Batch(number, "\n".join(lines) + "\n", last - first, mark)


# Measurements ---------------------------------------------------------------------------------------------------


def cpu_seconds(pid: int) -> float:
    """utime + stime of a process (all its threads), or 0 once it is gone."""
    try:
        with open(f"/proc/{pid}/stat") as f:
            fields = f.read().rsplit(")", 1)[1].split()
    except (FileNotFoundError, ProcessLookupError):
        return 0.0
    return (int(fields[11]) + int(fields[12])) / CLK_TCK


def memory(pid: int) -> tuple[float, float]:
    """(VmHWM, VmRSS) in MB: peak and current resident set."""
    values = {"VmHWM": 0.0, "VmRSS": 0.0}
    try:
        with open(f"/proc/{pid}/status") as f:
            for line in f:
                name, _sep, rest = line.partition(":")
                if name in values:
                    values[name] = int(rest.split()[0]) / 1024
    except (FileNotFoundError, ProcessLookupError):
        pass
    return values["VmHWM"], values["VmRSS"]


def children(pid: int) -> list[int]:
    try:
        with open(f"/proc/{pid}/task/{pid}/children") as f:
            return [int(p) for p in f.read().split()]
    except FileNotFoundError:
        return []


def process_role(pid: int, main: int, workers: int) -> str | None:
    """'web worker' or 'web supervisor'; None for multiprocessing's helper processes."""
    try:
        with open(f"/proc/{pid}/cmdline", "rb") as f:
            cmdline = f.read()
    except FileNotFoundError:
        return None
    if b"resource_tracker" in cmdline:
        return None
    return "web supervisor" if pid == main and workers > 1 else "web worker"


def busy_seconds() -> tuple[float, float]:
    """(busy, total) CPU seconds of the whole machine since boot, all cores, from /proc/stat."""
    with open("/proc/stat") as f:
        values = [int(v) for v in f.readline().split()[1:]]
    idle = values[3] + values[4]
    total = sum(values[:8])
    return (total - idle) / CLK_TCK, total / CLK_TCK


def loadavg() -> str:
    with open("/proc/loadavg") as f:
        return " ".join(f.read().split()[:3])


class CpuMeter:
    """CPU seconds per named group of processes between start() and stop().

    Sampled every 0.5 s, because processes come and go during a run (a database connection older than
    CONN_MAX_AGE is replaced by a new backend): a process that is gone counts with its last sample.
    """

    def __init__(self) -> None:
        self.groups: dict[str, Any] = {}
        self._first: dict[str, dict[int, float]] = {}
        self._last: dict[str, dict[int, float]] = {}
        self._stop = threading.Event()

    def add(self, name: str, pids: Any) -> None:
        """pids: a list, or a callable returning the current list (workers and backends can change)."""
        self.groups[name] = pids

    def _sample(self) -> None:
        for name, pids in self.groups.items():
            current = pids() if callable(pids) else pids
            last = self._last.setdefault(name, {})
            for pid in current:
                used = cpu_seconds(pid)
                if used:
                    # A pid first seen after start() began during the run: all of its CPU counts.
                    self._first.setdefault(name, {}).setdefault(pid, used if not self._started else 0.0)
                    last[pid] = max(last.get(pid, 0.0), used)

    def _loop(self) -> None:
        while not self._stop.wait(0.5):
            self._sample()

    def start(self) -> None:
        self._started = False
        self._sample()
        self._started = True
        self._busy0, self._total0 = busy_seconds()
        self._t0 = time.perf_counter()
        self._thread = threading.Thread(target=self._loop, daemon=True)
        self._thread.start()

    def stop(self) -> dict[str, float]:
        self._stop.set()
        self._thread.join(5)
        self._sample()
        busy1, total1 = busy_seconds()
        self.wall = time.perf_counter() - self._t0
        used = {name: sum(t - self._first.get(name, {}).get(pid, 0.0) for pid, t in self._last.get(name, {}).items())
                for name in self.groups}
        used[MACHINE] = busy1 - self._busy0
        self.cores = (total1 - self._total0) / self.wall if self.wall else 0
        return used


@dataclass
class Run:
    via: str
    sent: int = 0
    batches: int = 0
    failures: list[str] = field(default_factory=list)
    request_s: list[float] = field(default_factory=list)
    visible_s: list[float] = field(default_factory=list)
    wall: float = 0.0
    cores: float = 0.0
    workers: int = 1
    cpu: dict[str, float] = field(default_factory=dict)
    rss: dict[str, tuple[float, float]] = field(default_factory=dict)
    stored: int = 0


class Probe:
    """Watches marked readings from its own database connection; send -> queryable per batch."""

    def __init__(self, db: str, detector_ids: dict[str, int], poll_s: float = 0.005) -> None:
        from django.db import connection

        self.db, self.ids, self.poll_s = db, detector_ids, poll_s
        self.ops = connection.ops
        self.table = connection.ops.quote_name("traffic_trafficreading")
        if db == "postgres":
            import psycopg

            self.conn: Any = psycopg.connect(os.environ["DATABASE_URL"], autocommit=True)
            self.backend_pid = self.conn.execute("SELECT pg_backend_pid()").fetchone()[0]
        else:
            import sqlite3

            self.conn = sqlite3.connect(os.environ["SQLITE_PATH"], timeout=20, check_same_thread=False)
            self.backend_pid = None
        self.pending: dict[tuple[int, Any], float] = {}
        self.visible: list[float] = []
        self.seen = 0
        self.lock = threading.Lock()
        self.stopping = threading.Event()
        self.thread = threading.Thread(target=self._run, daemon=True)
        self.thread.start()

    def key(self, mark: tuple[str, datetime]) -> tuple[int, Any]:
        code, start = mark
        # The value as the driver hands it back: aware datetime (psycopg), Django's text form (SQLite).
        return self.ids[code], start if self.db == "postgres" else self.ops.adapt_datetimefield_value(start)

    def watch(self, mark: tuple[str, datetime], sent_at: float) -> None:
        with self.lock:
            self.pending.setdefault(self.key(mark), sent_at)

    def _run(self) -> None:
        try:
            self._poll()
        except Exception as exc:  # noqa: BLE001 - the database went away (end of the run): stop watching
            if not self.stopping.is_set():
                print(f"probe stopped: {exc}", file=sys.stderr)

    def _poll(self) -> None:
        while not self.stopping.is_set():
            with self.lock:
                keys = list(self.pending)[:50]
            if not keys:
                time.sleep(self.poll_s)
                continue
            where = " OR ".join(["(detector_id = %s AND start = %s)"] * len(keys))
            params = [v for k in keys for v in k]
            sql = f"SELECT detector_id, start FROM {self.table} WHERE {where}"  # noqa: S608 - fixed names, bound values
            if self.db == "postgres":
                rows = self.conn.execute(sql, params).fetchall()
            else:
                rows = self.conn.execute(sql.replace("%s", "?"), params).fetchall()
                self.conn.commit()  # end the read transaction, so the next poll sees new commits
            now = time.perf_counter()
            with self.lock:
                for row in rows:
                    sent_at = self.pending.pop((row[0], row[1]), None)
                    if sent_at is not None:
                        self.visible.append(now - sent_at)
                        self.seen += 1
            time.sleep(self.poll_s)

    def drain(self, timeout: float) -> int:
        """Waits until every watched reading is visible; returns how many never showed up."""
        deadline = time.monotonic() + timeout
        while self.pending and time.monotonic() < deadline:
            time.sleep(0.01)
        return len(self.pending)

    def reset(self) -> None:
        with self.lock:
            self.pending.clear()
            self.visible = []
            self.seen = 0

    def close(self) -> None:
        self.stopping.set()
        self.thread.join(5)
        self.conn.close()


def stored_count() -> int:
    from kotacerdas.traffic.models import TrafficReading

    return TrafficReading.objects.count()


class PgBackends:
    """The bench database's backend pids, listed over a connection of its own (not counted)."""

    def __init__(self, exclude: int | None) -> None:
        import psycopg

        self.conn = psycopg.connect(os.environ["DATABASE_URL"], autocommit=True)
        self.exclude = exclude or 0

    def __call__(self) -> list[int]:
        return [row[0] for row in self.conn.execute(
            "SELECT pid FROM pg_stat_activity WHERE datname = current_database() AND pid <> %s "
            "AND pid <> pg_backend_pid()", [self.exclude]).fetchall()]


def pids_named(name: str) -> list[int]:
    out = []
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                with open(f"/proc/{entry}/comm") as f:
                    if f.read().strip() == name:
                        out.append(int(entry))
            except OSError:
                pass
    return out


APP, CLIENT, PG, PG_ALL, PG_OTHER, BROKER_CPU, MACHINE, OTHERS = (
    "app", "this client (senders, probe)", "PostgreSQL backends of the bench database", "postgres (all)",
    "PostgreSQL: WAL writer, checkpointer, probe, other databases", "mosquitto", "machine", "everything else on the "
    "machine (other users)")


def meter_for(db: str, probe: Probe, app: Any, client: bool = True) -> CpuMeter:
    meter = CpuMeter()
    meter.add(APP, app)
    if client:
        meter.add(CLIENT, [os.getpid()])
    if db == "postgres":
        meter.add(PG, PgBackends(probe.backend_pid))
        meter.add(PG_ALL, lambda: pids_named("postgres"))
    meter.add(BROKER_CPU, lambda: pids_named("mosquitto"))
    return meter


def split(used: dict[str, float]) -> dict[str, float]:
    """Disjoint groups: PostgreSQL's other processes apart from the bench backends, and what nobody here used."""
    out = dict(used)
    if PG_ALL in out:
        out[PG_OTHER] = out.pop(PG_ALL) - out[PG]
    out[OTHERS] = out.pop(MACHINE) - sum(out.values())
    return out


# The three ways in ----------------------------------------------------------------------------------------------


def run_http(args: Any, feed: Feed, token: str, probe: Probe) -> Run:
    import requests

    run = Run("http", workers=args.workers)
    server = common.Server(workers=args.workers)
    url = f"{server.url}/api/v1/ingest/traffic"
    lock = threading.Lock()
    web = lambda: [server.proc.pid, *children(server.proc.pid)]  # noqa: E731 - workers are children
    meter = meter_for(args.db, probe, web)
    probe.reset()
    before = stored_count()
    meter.start()
    began = time.perf_counter()
    deadline = began + args.seconds

    def sender() -> None:
        session = requests.Session()
        session.headers.update({"Authorization": f"Bearer {token}", "Content-Type": "application/x-ndjson"})
        while time.perf_counter() < deadline:
            batch = feed.next()
            if batch is None:
                break
            body = batch.body.encode()
            sent_at = time.perf_counter()
            probe.watch(batch.mark, sent_at)
            try:
                response = session.post(url, data=body, timeout=120)
            except requests.RequestException as exc:
                with lock:
                    run.failures.append(f"{exc.__class__.__name__}")
                continue
            elapsed = time.perf_counter() - sent_at
            answer = response.json() if response.status_code == 200 else {}
            with lock:
                run.request_s.append(elapsed)
                run.batches += 1
                run.sent += batch.size
                if answer.get("stored") != batch.size:
                    run.failures.append(f"HTTP {response.status_code}: {response.text[:200]}")

    threads = [threading.Thread(target=sender) for _ in range(args.senders)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    lost = probe.drain(60)
    run.wall = time.perf_counter() - began
    run.cpu = split(meter.stop())
    run.cores = meter.cores
    for pid in web():
        role = process_role(pid, server.proc.pid, args.workers)
        if role:
            run.rss[f"{role} (pid {pid})"] = memory(pid)
    server.stop()
    run.visible_s = list(probe.visible)
    run.stored = stored_count() - before
    if lost:
        run.failures.append(f"{lost} marked readings never became visible")
    return run


def run_mqtt(args: Any, feed: Feed, token: str, probe: Probe) -> Run:
    import paho.mqtt.client as mqtt
    from paho.mqtt.enums import CallbackAPIVersion

    run = Run("mqtt", workers=args.bridges)
    tag = uuid.uuid4().hex[:10]
    prefix, client_ids = f"bench-{tag}/kotacerdas", [f"kc-bench-bridge-{tag}-{i}" for i in range(args.bridges)]
    topic = f"{prefix}/{GATEWAY}/traffic/bench"
    url = f"mqtt://{BROKER[0]}:{BROKER[1]}"
    share = ["--share", f"bench-{tag}"] if args.bridges > 1 else []
    bridges = [subprocess.Popen(  # noqa: S603 - our own argv
        [sys.executable, "manage.py", "mqtt_bridge", "--url", url, "--prefix", prefix, "--client-id", client_id,
         *share], cwd=common.ROOT, env=dict(os.environ), stdout=subprocess.DEVNULL) for client_id in client_ids]
    publisher = mqtt.Client(CallbackAPIVersion.VERSION2, client_id=f"kc-bench-pub-{tag}", clean_session=True)
    publisher.max_inflight_messages_set(args.window * 2)
    publisher.connect(*BROKER)
    publisher.loop_start()

    def envelope(batch: Batch) -> str:
        return json.dumps({"token": token, "data": batch.body}, separators=(",", ":"))

    try:
        # The bridge subscribes some time after it starts: resend the first batch until it is stored.
        warm = feed.next()
        if warm is None:
            raise RuntimeError("the feed ran out of distinct readings before the MQTT run")
        probe.reset()
        probe.watch(warm.mark, time.perf_counter())
        deadline = time.monotonic() + 60
        while probe.seen == 0:
            if any(b.poll() is not None for b in bridges) or time.monotonic() > deadline:
                raise RuntimeError("mqtt_bridge did not store the warm-up batch (is mosquitto on 1883?)")
            publisher.publish(topic, envelope(warm), qos=1)
            time.sleep(1)
        probe.reset()
        before = stored_count()
        if args.bridges > 1:
            time.sleep(2)  # the other bridges of the share group subscribe too
        meter = meter_for(args.db, probe, [b.pid for b in bridges])
        meter.start()
        began = time.perf_counter()
        stop_at = began + args.seconds
        published = 0
        while time.perf_counter() < stop_at:
            # Flow control: at most --window messages published and not yet visible in the database.
            stuck = time.monotonic() + 120
            while published - probe.seen >= args.window and time.monotonic() < stuck:
                time.sleep(0.001)
            if published - probe.seen >= args.window:
                run.failures.append("no message stored for 120 s")
                break
            batch = feed.next()
            if batch is None:
                break
            payload = envelope(batch)
            probe.watch(batch.mark, time.perf_counter())
            info = publisher.publish(topic, payload, qos=1)
            if info.rc != mqtt.MQTT_ERR_SUCCESS:
                run.failures.append(f"publish rc {info.rc}")
                continue
            published += 1
            run.batches += 1
            run.sent += batch.size
        lost = probe.drain(120)
        run.wall = time.perf_counter() - began
        run.cpu = split(meter.stop())
        run.cores = meter.cores
        for i, b in enumerate(bridges):
            run.rss[f"bridge {i + 1}"] = memory(b.pid)
        run.visible_s = list(probe.visible)
        run.stored = stored_count() - before
        if lost:
            run.failures.append(f"{lost} marked readings never became visible")
    finally:
        publisher.loop_stop()
        publisher.disconnect()
        for b in bridges:
            b.terminate()
        for b in bridges:
            try:
                b.wait(20)
            except subprocess.TimeoutExpired:
                b.kill()
        # Each bridge keeps a persistent session (clean_session=False); drop them so the broker forgets this run.
        for client_id in client_ids:
            cleaner = mqtt.Client(CallbackAPIVersion.VERSION2, client_id=client_id, clean_session=True)
            try:
                cleaner.connect(*BROKER)
                cleaner.loop_start()
                time.sleep(0.3)
                cleaner.disconnect()
                cleaner.loop_stop()
            except OSError:
                pass
    return run


def run_inprocess(args: Any, feed: Feed, probe: Probe) -> Run:
    from kotacerdas.sensors import actions
    from kotacerdas.sensors.bodies import parse_body
    from kotacerdas.sensors.models import Device

    run = Run("inprocess")
    device = Device.objects.get(code=GATEWAY)
    meter = meter_for(args.db, probe, [os.getpid()], client=False)
    probe.reset()
    before = stored_count()
    profiler = None
    sql_time: dict[str, list[float]] = {}
    if args.profile:
        import cProfile

        from django.db import connection

        profiler = cProfile.Profile()

        def timed(execute: Any, sql: str, params: Any, many: bool, context: Any) -> Any:
            began = time.perf_counter()
            try:
                return execute(sql, params, many, context)
            finally:
                what = " ".join(sql.split()[:3])
                sql_time.setdefault(what, []).append(time.perf_counter() - began)

        connection.execute_wrappers.append(timed)
    meter.start()
    began = time.perf_counter()
    deadline = began + args.seconds
    while time.perf_counter() < deadline:
        batch = feed.next()
        if batch is None:
            break
        sent_at = time.perf_counter()
        if profiler is not None:
            profiler.enable()
        result = actions.do_ingest("traffic", device, parse_body(batch.body.encode()), source="http")
        if profiler is not None:
            profiler.disable()
        run.request_s.append(time.perf_counter() - sent_at)
        run.batches += 1
        run.sent += batch.size
        if result.stored != batch.size:
            run.failures.append(f"stored {result.stored} of {batch.size}: {result.errors[:2]}")
    run.wall = time.perf_counter() - began
    run.cpu = split(meter.stop())
    run.cores = meter.cores
    run.rss["this process"] = memory(os.getpid())
    run.stored = stored_count() - before
    if profiler is not None:
        import pstats

        pstats.Stats(profiler).sort_stats("tottime").print_stats(25)
        print("SQL statements (time from send to result, includes driver work on the parameters):")
        for what, times in sorted(sql_time.items(), key=lambda kv: -sum(kv[1])):
            print(f"  {sum(times):7.2f} s  {len(times):5d} x  {what}")
    return run


# Report ---------------------------------------------------------------------------------------------------------


def ms(values: list[float], p: float) -> str:
    return f"{common.percentile(values, p) * 1000:.0f} ms" if values else "-"


APP_NAMES = {"http": "web (uvicorn workers)", "mqtt": "MQTT bridge (manage.py mqtt_bridge)",
             "inprocess": "this process (parse + do_ingest)"}


def report(run: Run, engine: str, args: Any) -> None:
    rate = run.stored / run.wall if run.wall else 0
    how = {"http": f"HTTP, {args.senders} sender threads, {args.workers} uvicorn worker(s)",
           "mqtt": f"MQTT QoS 1 via {args.bridges} mqtt_bridge process(es), window {args.window} messages",
           "inprocess": "in-process do_ingest (no web stack)"}[run.via]
    print(f"\ntraffic_ingest {run.via}: {engine}; {how}; batches of {args.batch:,} compact NDJSON readings")
    print(f"  sent {run.sent:,} readings in {run.batches:,} batches over {run.wall:.1f} s; stored {run.stored:,} "
          f"({'all' if run.stored == run.sent else 'MISMATCH'})")
    target = f" (goal {TARGET:,}/s on PostgreSQL: {'met' if rate >= TARGET else 'NOT met'})" \
        if engine.startswith("PostgreSQL") else ""
    print(f"  throughput {rate:,.0f} readings/s{target}")
    if run.via == "inprocess":
        print(f"  do_ingest per batch p50 {ms(run.request_s, 50)}, p99 {ms(run.request_s, 99)}")
    else:
        if run.request_s:
            print(f"  request p50 {ms(run.request_s, 50)}, p99 {ms(run.request_s, 99)}")
        print(f"  send -> queryable ({len(run.visible_s)} batches) p50 {ms(run.visible_s, 50)}, "
              f"p99 {ms(run.visible_s, 99)}, max {ms(run.visible_s, 100)}")
    names = {APP: APP_NAMES[run.via]}
    print(f"  CPU over the run ({run.wall:.0f} s wall, {run.cores:.0f} cores): cores busy (1.00 = one core), "
          f"CPU us per stored reading")
    for name, seconds in sorted(run.cpu.items(), key=lambda kv: -kv[1]):
        per = f"{seconds / run.stored * 1e6:7.1f}" if run.stored else "      -"
        print(f"    {names.get(name, name):<64} {seconds / run.wall:5.2f} {per}")
    for name, (peak, now) in run.rss.items():
        print(f"  RSS {name}: peak {peak:.0f} MB, end {now:.0f} MB")
    ceiling(run)
    if run.failures:
        print(f"  FAILURES ({len(run.failures)}): {sorted(set(run.failures))[:3]}")


def ceiling(run: Run) -> None:
    """Which process limits the rate, from the CPU each one spent per stored reading."""
    if not run.stored or not run.wall:
        return
    per = {name: seconds / run.stored * 1e6 for name, seconds in run.cpu.items()}
    app, db = per.get(APP, 0.0), per.get(PG, 0.0)
    busy = sum(run.cpu.values()) / run.wall
    others = run.cpu.get(OTHERS, 0.0) / run.wall
    label = APP_NAMES[run.via].split(" (")[0]
    processes = run.workers if run.via in ("http", "mqtt") else 1
    load = app * run.stored / run.wall / 1e6
    print(f"  ceiling: {label} {app:.0f} us of CPU per reading" + (f", PostgreSQL backends {db:.0f} us" if db else
                                                                   " (SQLite works inside it)")
          + f"; {label} used {load:.2f} cores over {processes} process(es)"
          + (" - CPU-bound" if load > 0.85 * processes else ""))
    if db:
        # PostgreSQL's other processes also serve other databases on a shared machine: left out of the sum.
        cost = app + db + per.get(CLIENT, 0.0) + per.get(BROKER_CPU, 0.0)
        print(f"    with client and broker {cost:.0f} us per reading: {run.cores:.0f} dedicated cores would allow at "
              f"most {run.cores / cost * 1e6:,.0f} readings/s, with the work spread over enough processes")
    else:
        print(f"    SQLite takes one writer at a time: each process at most {1e6 / app:,.0f} readings/s, and more "
              "processes overlap only parsing and validation")
    if db and run.via in ("mqtt", "inprocess"):
        # One message at a time, each waiting for its commit: the process's time and the database's add up.
        print(f"    serial: at most 1 / ({app:.0f} + {db:.0f} us) = {1e6 / (app + db):,.0f} readings/s per process")
    print(f"    the machine was {busy / run.cores:.0%} busy; {others:.2f} cores went to other processes"
          + (" (shared machine: the rate above is what was left)" if others > 0.3 else ""))


def tune(args: Any) -> None:
    """Experiments on the throw-away database only; every run prints what it used."""
    from django.db import connection

    from kotacerdas.traffic.models import ROLLUPS

    with connection.cursor() as cursor:
        cursor.execute(f"ALTER DATABASE {connection.ops.quote_name(connection.settings_dict['NAME'])} "
                       f"SET synchronous_commit = {args.synchronous_commit}")
        if args.rollup_fillfactor:
            for model in ROLLUPS:
                cursor.execute(f"ALTER TABLE {connection.ops.quote_name(model._meta.db_table)} "
                               f"SET (fillfactor = {int(args.rollup_fillfactor)})")
    connection.close()  # the next connection starts with the database's settings
    print(f"PostgreSQL: synchronous_commit {args.synchronous_commit}, rollup fillfactor "
          f"{args.rollup_fillfactor or 'default (100)'}")


def main() -> None:
    p = common.parser(__doc__.splitlines()[0])
    p.add_argument("--via", choices=("http", "mqtt", "both", "inprocess"), default="both")
    p.add_argument("--seconds", type=float, default=60, help="sending time per path (60)")
    p.add_argument("--batch", type=int, default=2000, help="readings per request / message (2000)")
    p.add_argument("--senders", type=int, default=4, help="HTTP sender threads (4)")
    p.add_argument("--workers", type=int, default=1, help="uvicorn worker processes (1)")
    p.add_argument("--window", type=int, default=None,
                   help="MQTT: messages published but not yet stored (2 per bridge: one in work, one waiting)")
    p.add_argument("--bridges", type=int, default=1, help="MQTT: bridge processes in one share group (1)")
    p.add_argument("--intersections", type=int, default=300, help="intersections, 4 detectors each (300)")
    p.add_argument("--interval", type=int, default=30, help="detector interval in seconds (30)")
    p.add_argument("--profile", action="store_true", help="inprocess: cProfile of do_ingest, top functions")
    p.add_argument("--synchronous-commit", choices=("on", "off"), default="on",
                   help="PostgreSQL: synchronous_commit of the bench database (on; off shows what waiting for the "
                        "WAL flush at each commit costs)")
    p.add_argument("--rollup-fillfactor", type=int, default=None,
                   help="PostgreSQL experiment: fillfactor of the rollup tables (room for HOT updates)")
    args = p.parse_args()
    args.window = args.window or 2 * args.bridges
    print(f"load average before: {loadavg()}")
    common.prepare(args.db)
    common.setup_django()
    codes, ids, token = make_registry(args.intersections)
    if args.db == "postgres":
        tune(args)
    engine = common.engine_label(args.db)
    feed = Feed(codes, args.batch, args.interval)
    probe = Probe(args.db, ids)
    print(f"registry: {len(codes):,} detectors at {args.intersections} intersections, {args.interval}-s intervals; "
          f"the feed holds {feed.capacity:,} distinct readings inside the late window")
    runs = []
    vias = ("http", "mqtt") if args.via == "both" else (args.via,)
    try:
        for via in vias:
            if via == "http":
                run = run_http(args, feed, token, probe)
            elif via == "mqtt":
                run = run_mqtt(args, feed, token, probe)
            else:
                run = run_inprocess(args, feed, probe)
            report(run, engine, args)
            runs.append(run)
    finally:
        probe.close()
    from django.db.models import Sum

    from kotacerdas.sensors.models import Quarantine
    from kotacerdas.traffic.models import Rollup5Min, RollupHour

    if feed.exhausted:
        print(f"\nthe feed ran out of distinct readings ({feed.capacity:,}): use more --intersections or a shorter "
              "--interval for a longer run")
    total = stored_count()
    sums = [m.objects.aggregate(n=Sum("readings"))["n"] or 0 for m in (Rollup5Min, RollupHour)]
    print(f"\ntotal: {total:,} raw readings; rollups count {sums[0]:,} (5 min) and {sums[1]:,} (hour) readings; "
          f"{Quarantine.objects.count()} quarantined")
    print(f"load average after: {loadavg()}")
    if any(r.failures or r.stored != r.sent for r in runs) or sums != [total, total]:
        sys.exit(1)


if __name__ == "__main__":
    main()
