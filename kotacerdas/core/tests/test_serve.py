"""`manage.py serve` as `make run` uses it: a real process tree on a free port, stopped as people stop it.

These start real subprocesses (uvicorn, the Huey consumer) against a throw-away SQLite database and data
directory, so they take a few seconds each; `-k serve` selects them, `-k "not serve"` leaves them out.
With TASKS_BROKER=redis in the environment the web and worker processes meet through Redis instead of
the SQLite queue file, which is how CI checks the Redis path end to end.
"""

from __future__ import annotations

import contextlib
import json
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from django.conf import settings

START_TIMEOUT = 40
STOP_TIMEOUT = 30


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def alive(pid: int) -> bool:
    """True while the process exists and is not a zombie (a reaped or exited child is not "running")."""
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except FileNotFoundError:
        return False
    # Field 3 is the state; the command name before it is in parentheses and may contain spaces.
    return stat.rsplit(")", 1)[1].split()[0] not in ("Z", "X")


def descendants(root: int) -> dict[int, str]:
    """Every process below `root` with its command line, read from /proc (psutil is not a dependency)."""
    children: dict[int, list[int]] = {}
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            ppid = int((entry / "stat").read_text().rsplit(")", 1)[1].split()[1])
        except (FileNotFoundError, ProcessLookupError, IndexError):
            continue
        children.setdefault(ppid, []).append(int(entry.name))
    found: dict[int, str] = {}
    todo = list(children.get(root, []))
    while todo:
        pid = todo.pop()
        try:
            found[pid] = Path(f"/proc/{pid}/cmdline").read_bytes().replace(b"\0", b" ").decode().strip()
        except (FileNotFoundError, ProcessLookupError):
            continue
        todo.extend(children.get(pid, []))
    return found


def wait_for(what: str, check: Callable[[], bool], timeout: float, log: Path) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if check():
            return
        time.sleep(0.2)
    pytest.fail(f"timed out after {timeout}s waiting for {what}; serve output:\n{log.read_text()[-4000:]}")


@dataclass
class Served:
    proc: subprocess.Popen[bytes]
    port: int
    log: Path

    def healthz(self) -> dict | None:
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{self.port}/healthz", timeout=2) as response:  # noqa: S310
                return json.loads(response.read()) if response.status == 200 else None
        except (OSError, urllib.error.URLError):
            return None

    def port_open(self) -> bool:
        with socket.socket() as s:
            return s.connect_ex(("127.0.0.1", self.port)) == 0


@pytest.fixture(scope="module")
def serve_env(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, str]]:
    """Environment of a production-like install in a temp data directory, database migrated."""
    data = tmp_path_factory.mktemp("serve-data")
    # Without PYTEST_VERSION the children load settings as a real deployment does (Huey not in immediate
    # mode, WhiteNoise compressing static files); DEMO=1 supplies the throw-away SECRET_KEY.
    env = {k: v for k, v in os.environ.items()
           if k not in ("PYTEST_VERSION", "PYTEST_CURRENT_TEST", "DJANGO_ALLOW_ASYNC_UNSAFE", "DEBUG")}
    env.update(
        DATA_DIR=str(data), DB="sqlite", SQLITE_PATH=str(data / "kotacerdas.sqlite3"), DEMO="1",
        # A Redis broker is shared by everything on the machine: a fresh queue name keeps this run's
        # heartbeat from being confused with another one's.
        HUEY_NAME=f"kotacerdas-test-{uuid.uuid4().hex[:8]}", PYTHONUNBUFFERED="1",
    )
    env.pop("MQTT_URL", None)  # the bridge has its own tests; here it would only add a moving part
    subprocess.run([sys.executable, "manage.py", "migrate", "--noinput", "-v0"],  # noqa: S603
                   cwd=settings.BASE_DIR, env=env, check=True, timeout=120)
    yield env
    if settings.TASKS_BROKER == "redis":
        from huey import RedisHuey

        RedisHuey(env["HUEY_NAME"], url=env.get("REDIS_URL") or "redis://127.0.0.1:6379/0").flush()


@pytest.fixture
def start_serve(serve_env: dict[str, str], tmp_path: Path) -> Iterator[Callable[..., Served]]:
    started: list[Served] = []

    def start(*args: str) -> Served:
        port = free_port()
        log = tmp_path / f"serve-{port}.log"
        with log.open("wb") as out:
            proc = subprocess.Popen(  # noqa: S603
                [sys.executable, "manage.py", "serve", "--port", str(port), *args],
                cwd=settings.BASE_DIR, env=serve_env, stdout=out, stderr=subprocess.STDOUT,
                stdin=subprocess.DEVNULL, process_group=0,
            )
        served = Served(proc, port, log)
        started.append(served)
        return served

    yield start
    # Whatever a failed assertion left running must not outlive the test.
    for served in started:
        leftovers = descendants(served.proc.pid)
        if served.proc.poll() is None:
            served.proc.kill()
            served.proc.wait()
        for pid in leftovers:
            if alive(pid):
                os.kill(pid, signal.SIGKILL)


def test_it_serves_with_a_live_worker_and_leaves_no_process_behind_on_ctrl_c(
    start_serve: Callable[..., Served],
) -> None:
    served = start_serve("--workers", "2", "--no-simulator")

    wait_for("/healthz to answer 200", lambda: served.healthz() is not None, START_TIMEOUT, served.log)
    wait_for("the worker's heartbeat", lambda: (served.healthz() or {}).get("worker", {}).get("ok") is True,
             20, served.log)
    body = served.healthz()
    assert body is not None
    assert body["database"] == {"engine": "sqlite", "ok": True}
    assert body["broker"]["ok"] is True
    tree = descendants(served.proc.pid)
    commands = " | ".join(tree.values())
    assert "uvicorn kotacerdas.asgi:application" in commands
    assert "run_huey" in commands
    assert len(tree) >= 4, commands  # uvicorn supervisor + 2 uvicorn workers + the consumer

    served.proc.send_signal(signal.SIGINT)
    served.proc.wait(timeout=STOP_TIMEOUT)

    assert served.proc.returncode == 0, served.log.read_text()[-4000:]
    wait_for("every child process to exit", lambda: not any(alive(pid) for pid in tree), 5, served.log)
    assert not served.port_open()
    output = served.log.read_text()
    assert f"http://127.0.0.1:{served.port}/" in output
    assert "demo12345" in output


def test_it_stops_the_others_and_fails_when_a_child_dies(start_serve: Callable[..., Served]) -> None:
    served = start_serve("--no-simulator")
    wait_for("/healthz to answer 200", lambda: served.healthz() is not None, START_TIMEOUT, served.log)
    tree = descendants(served.proc.pid)
    consumer = next(pid for pid, cmd in tree.items() if "run_huey" in cmd)

    os.kill(consumer, signal.SIGKILL)
    served.proc.wait(timeout=STOP_TIMEOUT)

    assert served.proc.returncode == 1
    wait_for("the web server to exit too", lambda: not any(alive(pid) for pid in tree), 5, served.log)
    assert not served.port_open()
    assert "worker berhenti sendiri" in served.log.read_text()


def test_it_starts_only_the_web_server_with_no_worker(start_serve: Callable[..., Served]) -> None:
    served = start_serve("--no-worker")
    wait_for("/healthz to answer 200", lambda: served.healthz() is not None, START_TIMEOUT, served.log)

    commands = list(descendants(served.proc.pid).values())
    served.proc.send_signal(signal.SIGTERM)
    served.proc.wait(timeout=STOP_TIMEOUT)

    assert len(commands) == 1 and "uvicorn" in commands[0], commands
    assert served.proc.returncode == 0


def test_a_demo_simulator_that_stops_leaves_the_platform_running(start_serve: Callable[..., Served]) -> None:
    served = start_serve()  # DEMO=1: the live traffic simulator is one of the children
    wait_for("/healthz to answer 200", lambda: served.healthz() is not None, START_TIMEOUT, served.log)
    # Killed here, or already stopped by itself (the throw-away database has no detectors, so the simulator may
    # exit before the web server answers): either way serve must say so and keep the platform running.
    simulator = next((pid for pid, cmd in descendants(served.proc.pid).items() if "simulate_traffic" in cmd), None)
    if simulator is not None:
        with contextlib.suppress(ProcessLookupError):
            os.kill(simulator, signal.SIGKILL)
    wait_for("serve to notice", lambda: "lalu-lintas berhenti" in served.log.read_text(), 10, served.log)
    assert "platform tetap berjalan" in served.log.read_text()

    assert served.proc.poll() is None
    assert served.healthz() is not None
    served.proc.send_signal(signal.SIGINT)
    served.proc.wait(timeout=STOP_TIMEOUT)
    assert served.proc.returncode == 0, served.log.read_text()[-4000:]
