"""`manage.py serve`: the whole platform on one machine, as `make run` starts it.

Starts, as child processes of this one:
- uvicorn serving kotacerdas.asgi:application (`--workers N` is handed to uvicorn);
- the Huey consumer (`manage.py run_huey`, periodic tasks on), unless --no-worker;
- the MQTT bridge (`manage.py mqtt_bridge`) when MQTT_URL is set and that command is installed, unless
  --no-worker;
- in a demo install (DEMO=1), the live simulators that keep the demo city moving (`simulate_traffic --gentle`,
  `simulate_parking --gentle`), unless --no-simulator or --no-worker. They are extras: if one stops, the
  platform keeps running.

Web nodes of a scaled-out install run `serve --no-worker`; worker nodes run `run_huey` (and one of them
`mqtt_bridge`) directly. This process only supervises: it forwards SIGINT/SIGTERM to every child, waits for
them, and if one child dies on its own it stops the others and exits non-zero, so a process manager (or the
person at the terminal) sees the failure instead of a half-running platform.
"""

from __future__ import annotations

import contextlib
import ctypes
import os
import signal
import subprocess
import sys
import time
from dataclasses import dataclass
from types import FrameType
from typing import Any

from django.conf import settings
from django.core.management import call_command, get_commands
from django.core.management.base import BaseCommand, CommandError, CommandParser

# How long children get to finish in-flight requests and tasks after a stop signal before they are killed.
STOP_GRACE_SECONDS = 25
POLL_SECONDS = 0.25


@dataclass
class Child:
    name: str
    proc: subprocess.Popen[bytes]
    # An essential child (web, worker, bridge) that dies stops the platform; a demo simulator may stop alone.
    essential: bool = True
    reported: bool = False


_libc: Any = ctypes.CDLL(None, use_errno=True) if sys.platform.startswith("linux") else None
PR_SET_PDEATHSIG = 1


def _die_with_parent() -> None:
    """Runs in the child between fork and exec: ask Linux to SIGTERM it if this supervisor is killed hard.

    Without it a `kill -9` of `serve` (or of `make run`'s shell) would leave uvicorn holding the port and a
    consumer still taking tasks.
    """
    if _libc is not None:
        _libc.prctl(PR_SET_PDEATHSIG, signal.SIGTERM, 0, 0, 0)


class Command(BaseCommand):
    help = "Menjalankan server web (uvicorn) beserta worker tugas latar (Huey) dan jembatan MQTT."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--host", default="127.0.0.1", help="0.0.0.0 to listen on every interface")
        parser.add_argument("--port", type=int, default=int(os.environ.get("PORT", "") or 8000))
        parser.add_argument("--workers", type=int, default=1, help="uvicorn worker processes")
        parser.add_argument("--no-simulator", action="store_true",
                            help="do not start the demo traffic and parking simulators (DEMO=1 only)")
        parser.add_argument("--no-worker", action="store_true",
                            help="web only: no Huey consumer and no MQTT bridge (they run on worker nodes)")

    def handle(self, *args: Any, **options: Any) -> None:
        if options["workers"] < 1:
            raise CommandError("--workers must be at least 1")
        if not settings.DEBUG:
            # WhiteNoise serves STATIC_ROOT outside DEBUG; collecting is incremental, so each start is cheap.
            call_command("collectstatic", interactive=False, verbosity=0)

        self.children: list[Child] = []
        self.stopping = False
        self.signals_seen = 0
        for signum in (signal.SIGINT, signal.SIGTERM):
            signal.signal(signum, self._on_signal)

        try:
            for name, argv in self._commands(options):
                self._start(name, argv)
            for name, argv in self._simulators(options):
                self._start(name, argv, essential=False)
            self._announce(options)
            code = self._supervise()
        finally:
            # SIGINT is the graceful stop for uvicorn and Huey alike (Huey takes SIGTERM as "stop now").
            self._stop_all(signal.SIGINT)
        if code:
            sys.exit(code)

    def _commands(self, options: dict[str, Any]) -> list[tuple[str, list[str]]]:
        py = sys.executable
        commands = [("web", [
            py, "-m", "uvicorn", "kotacerdas.asgi:application",
            "--host", options["host"], "--port", str(options["port"]), "--workers", str(options["workers"]),
            # Django's ASGI handler does not speak the lifespan protocol; "off" avoids a confusing log line.
            "--lifespan", "off",
        ])]
        if not options["no_worker"]:
            commands.append(("worker", [py, *self._manage(), "run_huey"]))
            if settings.MQTT_URL and "mqtt_bridge" in get_commands():
                commands.append(("mqtt", [py, *self._manage(), "mqtt_bridge"]))
        return commands

    def _simulators(self, options: dict[str, Any]) -> list[tuple[str, list[str]]]:
        if not settings.DEMO or options["no_worker"] or options["no_simulator"]:
            return []
        py, manage = sys.executable, self._manage()
        base = f"http://127.0.0.1:{options['port']}"
        wanted = [("lalu-lintas", "simulate_traffic", ["--gentle", "--url", base]),
                  ("parkir", "simulate_parking", ["--gentle"])]
        available = get_commands()
        return [(name, [py, *manage, command, *args]) for name, command, args in wanted if command in available]

    @staticmethod
    def _manage() -> list[str]:
        # manage.py when running from a checkout (readable in `ps`), `-m django` when installed elsewhere.
        manage = settings.BASE_DIR / "manage.py"
        return [str(manage)] if manage.exists() else ["-m", "django"]

    def _start(self, name: str, argv: list[str], *, essential: bool = True) -> None:
        env = {**os.environ, "DJANGO_SETTINGS_MODULE": os.environ.get("DJANGO_SETTINGS_MODULE",
                                                                      "kotacerdas.settings")}
        # Each child leads its own process group: a Ctrl-C in the terminal then reaches only this supervisor,
        # which forwards it once to the child's whole tree (uvicorn's worker processes included). A second
        # SIGINT straight from the terminal would make uvicorn and Huey skip their graceful shutdown.
        proc = subprocess.Popen(  # noqa: S603 - our own interpreter and fixed arguments
            argv, cwd=settings.BASE_DIR, env=env, process_group=0, preexec_fn=_die_with_parent,
        )
        self.children.append(Child(name, proc, essential))

    def _announce(self, options: dict[str, Any]) -> None:
        host = options["host"]
        shown = "127.0.0.1" if host in ("0.0.0.0", "::") else host  # noqa: S104 - a comparison, not a bind
        url = f"http://{shown}:{options['port']}/"
        names = ", ".join(c.name for c in self.children)
        self.stdout.write(self.style.SUCCESS(f"Kota Cerdas berjalan di {url}  ({names})"))
        if settings.DEMO:
            self.stdout.write("Mode demo: masuk sebagai warga / demo12345 (akun lain: README.md, Akun demo).")
        self.stdout.write("Tekan Ctrl-C untuk berhenti.")

    def _on_signal(self, signum: int, frame: FrameType | None) -> None:
        self.signals_seen += 1
        self.stopping = True
        # First signal: forward it so children shut down gracefully; a second one means "now".
        self._signal_all(signum if self.signals_seen == 1 else signal.SIGKILL)

    def _signal_all(self, signum: int) -> None:
        for child in self.children:
            if child.proc.poll() is None:
                _killpg(child.proc.pid, signum)

    def _supervise(self) -> int:
        """Wait until a stop signal or until a child exits by itself; returns this process's exit code."""
        while not self.stopping:
            for child in self.children:
                code = child.proc.poll()
                if code is not None and not child.essential:
                    if not child.reported:
                        self.stderr.write(f"serve: {child.name} berhenti (kode {code}); platform tetap berjalan.")
                        child.reported = True
                    continue
                if code is not None and not self.stopping:
                    self.stderr.write(f"serve: proses {child.name} berhenti sendiri (kode {code}); "
                                      "menghentikan proses lain.")
                    self.stopping = True
                    # A signal-killed child has a negative code, which would wrap round as an exit status.
                    return code if code > 0 else 1
            time.sleep(POLL_SECONDS)
        return 0

    def _stop_all(self, signum: int) -> None:
        """Make sure no child outlives this process: signal what still runs, wait, then kill stragglers."""
        if not self.signals_seen:
            self._signal_all(signum)
        deadline = time.monotonic() + STOP_GRACE_SECONDS
        for child in self.children:
            try:
                child.proc.wait(timeout=max(deadline - time.monotonic(), 0.1))
            except subprocess.TimeoutExpired:
                self.stderr.write(f"serve: {child.name} tidak berhenti dalam {STOP_GRACE_SECONDS} detik.")
                _killpg(child.proc.pid, signal.SIGKILL)
                child.proc.wait()
            # A grandchild (say a uvicorn worker) may outlive its parent; the group still names it.
            _killpg(child.proc.pid, signal.SIGKILL)


def _killpg(pgid: int, signum: int) -> None:
    # ProcessLookupError: the whole group is gone already.
    with contextlib.suppress(ProcessLookupError, PermissionError):
        os.killpg(pgid, signum)
