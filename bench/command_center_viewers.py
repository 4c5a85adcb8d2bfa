"""200 concurrent live viewers of the Command Center on one uvicorn process: every event reaches every viewer.

A bounded load test on loopback (issue #6 §4). Starts one uvicorn worker against a throw-away database, signs a
staff account in, and opens --viewers concurrent SSE connections to /events/stream?topics=bench (plain asyncio
sockets: HTTP/1.1, chunked transfer, one coroutine per viewer, reconnecting with Last-Event-ID if the server ends
a stream, as EventSource does). When every viewer is connected, this process publishes --events events at --rate
per second through `kotacerdas.core.events.publish` (the outbox row, and the Redis channel with --redis), and
waits until every viewer has every event or --timeout seconds pass. Prints events delivered / expected (lost =
expected - delivered), duplicates, publish→receive latency p50/p95/max, and the CPU the web process used.

Without --redis each stream polls the outbox table (EVENT_STREAM_POLL_SECONDS, 1 s); with --redis (REDIS_URL, or
redis://127.0.0.1:6379/15) each stream subscribes to the installation's channel and the table is read only at
start and every 30 s.

    .venv/bin/python bench/command_center_viewers.py [--db postgres] [--viewers 200] [--events 100] [--rate 10]
                                                     [--redis] [--timeout 60]
"""

from __future__ import annotations

import asyncio
import json
import os
import sys
import threading
import time
import uuid
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

import traffic_ingest as ti  # noqa: E402
from lib import common  # noqa: E402

DEBOUNCE_S = 0.8  # room.js: DEBOUNCE_MS


async def fetch(port: int, cookie: str, path: str) -> tuple[int, float]:
    """One GET on its own connection, read to the end: (status, milliseconds)."""
    began = time.monotonic()
    reader, writer = await asyncio.open_connection("127.0.0.1", port)
    writer.write(f"GET {path} HTTP/1.1\r\nHost: 127.0.0.1\r\nCookie: {cookie}\r\nConnection: close\r\n\r\n"
                 .encode())
    await writer.drain()
    data = await reader.read()
    writer.close()
    return int(data.split(b" ", 2)[1]), (time.monotonic() - began) * 1000


class Viewer:
    refetch: tuple[int, str] | None = None  # (port, cookie) when viewers refetch the fragments as room.js does
    fragments: list[float] = []  # every fragment request's time, all viewers
    failures: list[int] = []

    def __init__(self, n: int) -> None:
        self.n = n
        self.pending = False
        self.refetching: asyncio.Task[None] | None = None
        self.ids: set[int] = set()
        self.received: dict[int, float] = {}  # tick number -> monotonic receive time
        self.duplicates = 0
        self.connected = asyncio.Event()
        self.last_id: int | None = None
        self.reconnects = 0
        self.error = ""


async def watch(viewer: Viewer, port: int, cookie: str, stop: asyncio.Event) -> None:
    while not stop.is_set():
        try:
            reader, writer = await asyncio.open_connection("127.0.0.1", port)
        except OSError as exc:
            viewer.error = repr(exc)
            await asyncio.sleep(0.5)
            continue
        last = f"Last-Event-ID: {viewer.last_id}\r\n" if viewer.last_id is not None else ""
        writer.write((f"GET /events/stream?topics=bench HTTP/1.1\r\nHost: 127.0.0.1\r\nCookie: {cookie}\r\n"
                      f"Accept: text/event-stream\r\n{last}\r\n").encode())
        await writer.drain()
        try:
            status = await reader.readline()
            if b" 200 " not in status:
                viewer.error = status.decode().strip()
                return
            while (await reader.readline()) not in (b"\r\n", b""):
                pass  # headers
            buffer = ""
            while not stop.is_set():
                size_line = await reader.readline()
                if not size_line:
                    break
                size = int(size_line.strip() or b"0", 16)
                if size == 0:
                    break  # the server ended the stream: reconnect with Last-Event-ID
                chunk = await reader.readexactly(size + 2)
                buffer += chunk[:-2].decode()
                while "\n\n" in buffer:
                    frame, buffer = buffer.split("\n\n", 1)
                    handle(viewer, frame)
        except (OSError, asyncio.IncompleteReadError, ValueError) as exc:
            viewer.error = repr(exc)
        finally:
            writer.close()
        viewer.reconnects += 1


async def refetch(viewer: Viewer) -> None:
    """room.js after an event: wait DEBOUNCE_S, then the tiles and the feed fragments with the newest event seen;
    events that came meanwhile make one more round."""
    assert Viewer.refetch is not None
    port, cookie = Viewer.refetch
    while viewer.pending:
        viewer.pending = False
        await asyncio.sleep(DEBOUNCE_S)
        for path in (f"/pusat-komando/ubin/?e={viewer.last_id}", f"/pusat-komando/umpan/?e={viewer.last_id}"):
            try:
                status, ms = await fetch(port, cookie, path)
            except (OSError, ValueError, IndexError):
                status, ms = 0, 0.0
            if status == 200:
                Viewer.fragments.append(ms)
            else:
                Viewer.failures.append(status)
    viewer.refetching = None


def handle(viewer: Viewer, frame: str) -> None:
    event_id, data = None, None
    for line in frame.split("\n"):
        if line.startswith("retry:"):
            viewer.connected.set()
        elif line.startswith("id: "):
            event_id = int(line[4:])
        elif line.startswith("data: "):
            data = json.loads(line[6:])
    if event_id is not None:
        viewer.last_id = event_id
        viewer.connected.set()
    if data is None:
        return
    if data["id"] in viewer.ids:
        viewer.duplicates += 1
        return
    viewer.ids.add(data["id"])
    viewer.received[data["payload"]["n"]] = time.monotonic()
    if Viewer.refetch is not None:
        viewer.pending = True
        if viewer.refetching is None:
            viewer.refetching = asyncio.get_running_loop().create_task(refetch(viewer))


def publish(n_events: int, rate: float, sent: dict[int, float]) -> None:
    from django.db import transaction

    from kotacerdas.core import events

    for n in range(n_events):
        with transaction.atomic():
            events.publish("bench.tick", {"n": n})
        sent[n] = time.monotonic()
        time.sleep(1 / rate)


def cpu_seconds(pid: int) -> float:
    """CPU of the web server: the uvicorn process and its worker processes (--workers > 1)."""
    return sum(ti.cpu_seconds(p) for p in (pid, *ti.children(pid)))


async def run(args: Any, port: int, cookie: str, server_pid: int) -> None:
    stop = asyncio.Event()
    viewers = [Viewer(i) for i in range(args.viewers)]
    tasks = [asyncio.create_task(watch(v, port, cookie, stop)) for v in viewers]
    began = time.monotonic()
    await asyncio.wait_for(asyncio.gather(*(v.connected.wait() for v in viewers)), 60)
    print(f"  {args.viewers} penonton tersambung dalam {time.monotonic() - began:.1f} dtk")
    cpu_before = cpu_seconds(server_pid)
    sent: dict[int, float] = {}
    publisher = threading.Thread(target=publish, args=(args.events, args.rate, sent))
    began = time.monotonic()
    publisher.start()
    deadline = began + args.events / args.rate + args.timeout
    while time.monotonic() < deadline:
        await asyncio.sleep(0.2)
        if (not publisher.is_alive() and all(len(v.received) == args.events for v in viewers)
                and not any(v.refetching for v in viewers)):
            break
    elapsed = time.monotonic() - began
    publisher.join()
    cpu = cpu_seconds(server_pid) - cpu_before
    stop.set()
    for t in tasks:
        t.cancel()
    await asyncio.gather(*tasks, return_exceptions=True)

    expected = args.viewers * args.events
    delivered = sum(len(v.received) for v in viewers)
    latencies = [(at - sent[n]) * 1000 for v in viewers for n, at in v.received.items() if n in sent]
    worst = sorted(viewers, key=lambda v: len(v.received))[:3]
    print(f"  {args.events} kejadian, {args.rate:g}/dtk: terkirim {delivered:,} / {expected:,} "
          f"(hilang {expected - delivered:,}), duplikat {sum(v.duplicates for v in viewers)}, "
          f"sambung ulang {sum(v.reconnects for v in viewers)}")
    if latencies:
        print(f"  latensi terbit → diterima: p50 {common.percentile(latencies, 50):.0f} ms, "
              f"p95 {common.percentile(latencies, 95):.0f} ms, maks {max(latencies):.0f} ms")
    print(f"  CPU proses web ({args.workers} worker): {cpu:.1f} dtk dalam {elapsed:.1f} dtk "
          f"({cpu / elapsed:.2f} core)")
    if Viewer.refetch is not None:
        times = Viewer.fragments
        print(f"  fragmen ubin + umpan diambil ulang seperti room.js (jeda {DEBOUNCE_S:g} dtk, pembagian "
              f"{os.environ.get('COMMAND_CENTER_FRAGMENT_SHARE_SECONDS')} dtk): {len(times):,} permintaan OK, "
              f"{len(Viewer.failures)} gagal"
              + (f"; p50 {common.percentile(times, 50):.0f} ms, p95 {common.percentile(times, 95):.0f} ms, "
                 f"maks {max(times):.0f} ms" if times else ""))
        if Viewer.failures:
            raise SystemExit(1)
    if expected != delivered:
        for v in worst:
            print(f"    penonton {v.n}: {len(v.received)} kejadian, galat {v.error or '-'}")
        raise SystemExit(1)


def main() -> None:
    p = common.parser(__doc__.splitlines()[0])
    p.add_argument("--viewers", type=int, default=200)
    p.add_argument("--events", type=int, default=100)
    p.add_argument("--rate", type=float, default=10.0, help="events per second (10)")
    p.add_argument("--timeout", type=float, default=60.0, help="seconds to wait after the last event (60)")
    p.add_argument("--redis", action="store_true", help="live updates through Redis pub/sub (REDIS_URL)")
    p.add_argument("--refetch", action="store_true",
                   help="each viewer also refetches the tiles and feed fragments after events, as room.js does")
    p.add_argument("--no-share", action="store_true",
                   help="with --refetch: every fragment computed per request (COMMAND_CENTER_FRAGMENT_SHARE_SECONDS=0)")
    p.add_argument("--workers", type=int, default=1, help="uvicorn worker processes (1)")
    p.add_argument("--complaints", type=int, default=0, help="complaints to load first, so the tiles cost what "
                                                              "they cost in a city (bench/command_center.py's mix)")
    args = p.parse_args()
    os.environ["COMMAND_CENTER_FRAGMENT_SHARE_SECONDS"] = "0" if args.no_share else "30"
    common.prepare(args.db)
    if args.redis:
        os.environ["REDIS_URL"] = os.environ.get("REDIS_URL") or "redis://127.0.0.1:6379/15"
        os.environ["HUEY_NAME"] = f"kc-bench-{uuid.uuid4().hex[:8]}"  # this run's own channel
    else:
        os.environ.pop("REDIS_URL", None)
    common.setup_django()

    from django.conf import settings
    from django.test import Client

    from kotacerdas.accounts.models import Role, User

    print(f"command_center_viewers: {common.engine_label(args.db)}; {os.cpu_count()} CPU, load average "
          f"{', '.join(f'{x:.1f}' for x in os.getloadavg())}; {'Redis pub/sub' if args.redis else 'tabel outbox'}")
    if args.complaints:
        from command_center import create_complaints

        common.small_city()
        began = time.perf_counter()
        made = create_complaints(args.complaints, 365, 6)
        print(f"  {made['complaints']:,} aduan, {made['timeline']:,} baris linimasa: "
              f"{time.perf_counter() - began:.0f} dtk")
    user = User.objects.create_user(username="bench_operator", password="x", role=Role.OPERATOR)
    client = Client()
    client.force_login(user)
    cookie = f"{settings.SESSION_COOKIE_NAME}={client.cookies[settings.SESSION_COOKIE_NAME].value}"
    server = common.Server(workers=args.workers)
    if args.refetch:
        Viewer.refetch = (server.port, cookie)
    try:
        asyncio.run(run(args, server.port, cookie, server.proc.pid))
    finally:
        server.stop()


if __name__ == "__main__":
    main()
