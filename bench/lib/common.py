"""Shared plumbing of the benchmarks: a throw-away database, Django set up against it, a uvicorn child.

Every benchmark runs against its own temporary database, never the developer's data:
- SQLite (default): a file in a temp directory (DATA_DIR, media and Huey's queue go there too);
- `--db postgres`: a fresh database `kotacerdas_bench_<pid>` on 127.0.0.1:5432 (user postgres, trust auth, or
  BENCH_PG_URL=postgres://user:pass@host:port), created before and dropped after.
"""

from __future__ import annotations

import argparse
import atexit
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Sequence
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
PG_URL = os.environ.get("BENCH_PG_URL", "postgres://postgres@127.0.0.1:5432")


def parser(description: str) -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(description=description)
    p.add_argument("--db", choices=("sqlite", "postgres"), default="sqlite", help="database engine (sqlite)")
    return p


def _pg_admin(sql: str) -> None:
    import psycopg

    with psycopg.connect(f"{PG_URL}/postgres", autocommit=True) as conn:
        conn.execute(sql)


def prepare(db: str, keep: bool = False) -> dict[str, str]:
    """Environment for a throw-away installation; registers its cleanup at exit. Call before django.setup()."""
    tmp = Path(tempfile.mkdtemp(prefix="kc-bench-"))
    env = {
        "DJANGO_SETTINGS_MODULE": "kotacerdas.settings", "DEMO": "1", "DATA_DIR": str(tmp),
        "MEDIA_ROOT": str(tmp / "media"), "SQLITE_PATH": str(tmp / "bench.sqlite3"), "DB": db,
        "LOG_LEVEL": "WARNING", "TASKS_BROKER": "sqlite",
    }
    if db == "postgres":
        name = f"kotacerdas_bench_{os.getpid()}"
        _pg_admin(f'DROP DATABASE IF EXISTS "{name}"')
        _pg_admin(f'CREATE DATABASE "{name}"')
        env["DATABASE_URL"] = f"{PG_URL}/{name}"
        # The settings' connection pool (DB_POOL_MAX_SIZE, default 20): what a production PostgreSQL deployment
        # uses. (Persistent per-thread connections, DB_CONN_MAX_AGE, do not mix with ASGI's thread per request.)
        env["DB_CONN_MAX_AGE"] = "0"

        def drop() -> None:
            from django.db import connections

            connections.close_all()
            _pg_admin(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')

        atexit.register(drop)
    if not keep:
        atexit.register(shutil.rmtree, tmp, True)
    os.environ.update(env)
    return env


def setup_django(migrate: bool = True) -> None:
    import django

    sys.path.insert(0, str(ROOT))
    django.setup()
    if migrate:
        from django.core.management import call_command

        call_command("migrate", verbosity=0, interactive=False)


def small_city() -> None:
    """Medan's regions, the OPD and the demo categories with routing; no complaints, no accounts."""
    from kotacerdas.core.demo import city as demo_city
    from kotacerdas.core.models import SiteSettings
    from kotacerdas.regions.loader import setup_region

    city = setup_region(demo_city.CITY_CODE, activate=True)
    site = SiteSettings.load()
    site.public_name, site.tracking_prefix = demo_city.PUBLIC_NAME, demo_city.TRACKING_PREFIX
    site.save()
    demo_city.load_agencies(city)
    demo_city.load_categories(city)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Server:
    """uvicorn serving the ASGI app in a child process with the benchmark's environment."""

    def __init__(self, workers: int = 1) -> None:
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        cmd = [sys.executable, "-m", "uvicorn", "kotacerdas.asgi:application", "--host", "127.0.0.1",
               "--port", str(self.port), "--log-level", "warning", "--no-access-log", "--workers", str(workers)]
        self.proc = subprocess.Popen(cmd, cwd=ROOT, env=dict(os.environ))  # noqa: S603 - our own argv
        atexit.register(self.stop)
        self._wait()

    def _wait(self, timeout: float = 60) -> None:
        import requests

        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError(f"uvicorn exited with {self.proc.returncode}")
            try:
                if requests.get(f"{self.url}/healthz", timeout=2).status_code < 500:
                    return
            except requests.RequestException:
                pass
            time.sleep(0.2)
        raise RuntimeError("uvicorn did not answer /healthz in time")

    def stop(self) -> None:
        if self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(20)
            except subprocess.TimeoutExpired:
                self.proc.kill()


def timed(fn: Callable[[], object], runs: int, before: Callable[[], object] | None = None, warmup: int = 2
          ) -> list[float]:
    """Seconds of `runs` calls of `fn` after `warmup` untimed ones (connections, imports, templates); `before`
    runs untimed ahead of every call (a cache cleared, say)."""
    for _ in range(warmup):
        if before:
            before()
        fn()
    times = []
    for _ in range(runs):
        if before:
            before()
        began = time.perf_counter()
        fn()
        times.append(time.perf_counter() - began)
    return times


def percentile(values: Sequence[float], p: float) -> float:
    """Nearest-rank percentile (p in 0..100) of a non-empty sequence."""
    ordered = sorted(values)
    k = max(0, min(len(ordered) - 1, int(round(p / 100 * len(ordered) + 0.5)) - 1))
    return ordered[k]


def login(session: object, base: str, username: str, password: str) -> None:
    """Logs a requests.Session in through the login form (CSRF cookie + token, like a browser)."""
    import re

    page = session.get(f"{base}/akun/masuk/")  # type: ignore[attr-defined]
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page.text)
    response = session.post(f"{base}/akun/masuk/", data={  # type: ignore[attr-defined]
        "username": username, "password": password, "csrfmiddlewaretoken": token.group(1) if token else "",
    }, headers={"Referer": f"{base}/akun/masuk/"}, allow_redirects=False)
    if response.status_code != 302:
        raise RuntimeError(f"login as {username} failed: HTTP {response.status_code}")


def engine_label(db: str) -> str:
    from django.db import connection

    connection.ensure_connection()
    if connection.vendor == "sqlite":
        return "SQLite " + ".".join(map(str, connection.Database.sqlite_version_info))
    version = connection.pg_version
    return f"PostgreSQL {version // 10000}.{version % 10000}"
