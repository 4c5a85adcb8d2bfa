"""`manage.py simulate_parking`: synthetic e-parking days for every point in the registry, with planted leaks.

    simulate_parking --days 28 --seed 42 --ground-truth /tmp/truth.csv --assess   # a month of history, then leakage
    simulate_parking --days 28 --via bulk --assess                                # the same, fast (benchmark path)
    simulate_parking --days 1 --via http --url http://127.0.0.1:8000              # signed webhooks over HTTP
    simulate_parking --gentle                                                     # what `make run` starts: live

The model and the leaks are described in kotacerdas/parking/simulator.py. `--days N` simulates the N whole days
before today (local time); then, with `--rate` or `--gentle`, today runs live: events up to now are sent at once
(at most --rate per second), later ones when their time comes, day after day until Ctrl-C. Every reference is
deterministic (seed, point, day, number), so running a day twice stores nothing twice.

--via inprocess (default): actions.record_payment, actions.do_start_duty/do_end_duty and the sensor pipeline
(`do_ingest("parking", ...)`) in this process. --via bulk: accepted payments and duty sessions by bulk_create for
back-filling history quickly (refused ones still through record_payment, occupancy still through the pipeline).
--via http: payments as webhooks signed with the provider's secret, occupancy to /api/v1/ingest/parking with a
token issued for the simulator's gateway device; duty sessions in-process.

Sensor points are the points with a sensor device in the registry. The simulator's payment provider
(`sim-agregator`) and gateway (`parking-simulator`) are created when missing.
"""

from __future__ import annotations

import signal
import threading
import time
from datetime import date, timedelta
from types import FrameType
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone

from kotacerdas.parking import simulator as sim
from kotacerdas.parking import tariffs

GENTLE = {"days": 0, "rate": 20.0, "via": "inprocess"}


class Command(BaseCommand):
    help = "Mensimulasikan transaksi, sesi tugas dan okupansi e-parking dengan kebocoran tertanam."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--days", type=int, default=None, help="whole past days to simulate (1)")
        parser.add_argument("--start", default=None, help="first day (YYYY-MM-DD) instead of today − days")
        parser.add_argument("--seed", type=int, default=42)
        parser.add_argument("--via", choices=("inprocess", "bulk", "http"), default=None)
        parser.add_argument("--url", default="http://127.0.0.1:8000", help="HTTP: the platform's base URL")
        parser.add_argument("--ground-truth", default=None, help="CSV of the planted leaks")
        parser.add_argument("--divert-share", type=float, default=0.10, help="share of points diverting to cash")
        parser.add_argument("--capping", type=int, default=3, help="points capping deposits at the target")
        parser.add_argument("--heterogeneity", type=float, default=0.10,
                            help="σ of the log point factor within road class + land use (0.10)")
        parser.add_argument("--no-leaks", action="store_true", help="an honest city")
        parser.add_argument("--assess", action="store_true", help="run the leakage assessment for each past day")
        parser.add_argument("--rate", type=float, default=None, help="live mode: events per second at most")
        parser.add_argument("--duration", type=float, default=0.0, help="live mode: wall seconds, 0 = until Ctrl-C")
        parser.add_argument("--gentle", action="store_true",
                            help="demo preset: live from today, 20 events/s, in-process, endless")

    def handle(self, *args: Any, **o: Any) -> None:
        if o["gentle"]:
            for name, value in GENTLE.items():
                if o.get(name) is None:
                    o[name] = value
        o["days"] = 1 if o["days"] is None else o["days"]
        o["via"] = o["via"] or "inprocess"
        if o["days"] < 0 or (o["rate"] is not None and o["rate"] <= 0):
            raise CommandError("--days must not be negative and --rate must be positive")
        live = o["rate"] is not None
        if live and o["via"] == "bulk":
            raise CommandError("--via bulk is for back-filling past days, not live mode")
        today = timezone.localdate()
        if o["start"]:
            try:
                first = date.fromisoformat(o["start"])
            except ValueError:
                raise CommandError(f"--start: not a date: {o['start']!r}") from None
        else:
            first = today - timedelta(days=o["days"])
        last_past = min(first + timedelta(days=o["days"] - 1), today - timedelta(days=1))
        topology = sim.topology_from_db(today)
        if not topology.points:
            raise CommandError("no active e-parking point with capacity and an assigned jukir: run seed_parking")
        span = max(1, (today - first).days + (1 if live else 0))
        leaks = {} if o["no_leaks"] else sim.plan(
            topology, o["seed"], first, span, divert_share=o["divert_share"], capping=o["capping"],
            tariffs=tariffs.tariffs_on(today), heterogeneity=o["heterogeneity"])
        registry = sim.Registry()
        stats = sim.WriteStats()
        writer = self._writer(o, registry, stats)
        book = sim.TruthBook(leaks)
        sensors = sum(1 for p in topology.points if p.sensor)
        self.stdout.write(
            f"simulate_parking: {len(topology.points)} points ({sensors} with sensors), seed {o['seed']}, via "
            f"{o['via']}, {len(leaks)} planted leaks ("
            + ", ".join(f"{k} {sum(1 for x in leaks.values() if x.kind == k)}"
                        for k in ("tunai", "setoran_dipatok", "qr_pribadi", "stiker_ditarik")) + ")")
        began = time.monotonic()
        day = first
        while day <= last_past:
            output = sim.simulate_day(topology, day, seed=o["seed"], leaks=leaks, tariffs=tariffs.tariffs_on(day),
                                      heterogeneity=o["heterogeneity"])
            writer.day(output)
            book.add(output)
            if o["assess"]:
                from kotacerdas.parking import leakage

                leakage.do_assess_leakage(day)
            self.stdout.write(f"  {day}: {len(output.payments)} payments, {len(output.occupancy)} readings, "
                              f"{len(output.duties)} duty sessions")
            day += timedelta(days=1)
        if live:
            self._live(o, topology, leaks, writer, book, stats)
        if o["ground_truth"]:
            n = book.write(o["ground_truth"])
            self.stdout.write(f"ground truth: {n} planted leaks in {o['ground_truth']}")
        errors = ", ".join(f"{k}: {v}" for k, v in sorted(stats.errors.items()))
        self.stdout.write(self.style.SUCCESS(
            f"simulate_parking selesai dalam {time.monotonic() - began:.1f} dtk: {stats.payments} pembayaran "
            f"({stats.accepted} diterima, {stats.refused} ditolak, {stats.duplicates} duplikat), "
            f"{stats.readings_stored}/{stats.readings} bacaan okupansi disimpan, {stats.duties} sesi tugas"
            + (f"; galat: {errors}" if errors else "")))

    def _writer(self, o: dict[str, Any], registry: sim.Registry, stats: sim.WriteStats) -> sim.InProcessWriter:
        if o["via"] == "bulk":
            return sim.BulkWriter(registry, stats)
        if o["via"] == "http":
            from kotacerdas.sensors import actions as sensor_actions

            token = sensor_actions.do_issue_token(None, registry.gateway)
            return sim.HttpWriter(registry, stats, o["url"], registry.provider.webhook_secret, token)
        return sim.InProcessWriter(registry, stats)

    def _on_signal(self, signum: int, frame: FrameType | None) -> None:
        self.stopping = True

    def _live(self, o: dict[str, Any], topology: sim.Topology, leaks: dict[str, sim.Leak],
              writer: sim.InProcessWriter, book: sim.TruthBook, stats: sim.WriteStats) -> None:
        """Today (and the days after) in real time: what is due is sent, at most --rate events per second."""
        self.stopping = False
        previous = {s: signal.signal(s, self._on_signal) for s in (signal.SIGINT, signal.SIGTERM)} \
            if threading.current_thread() is threading.main_thread() else {}
        rate = o["rate"]
        sent = 0
        t0 = time.monotonic()
        deadline = t0 + o["duration"] if o["duration"] else None
        try:
            day = timezone.localdate()
            while not self.stopping:
                output = sim.simulate_day(topology, day, seed=o["seed"], leaks=leaks,
                                          tariffs=tariffs.tariffs_on(day), heterogeneity=o["heterogeneity"])
                book.add(output)
                self.stdout.write(f"  {day} (live): {len(output.payments)} payments planned")
                for at, kind, item in output.events():
                    while not self.stopping and at > timezone.now():
                        if deadline is not None and time.monotonic() >= deadline:
                            self.stopping = True
                            break
                        time.sleep(min(1.0, (at - timezone.now()).total_seconds()))
                    if deadline is not None and time.monotonic() >= deadline:
                        self.stopping = True
                    while not self.stopping and sent >= rate * (time.monotonic() - t0) + 1:
                        time.sleep(1 / rate)
                    if self.stopping:
                        break
                    self._send(writer, kind, item)
                    sent += 1
                day += timedelta(days=1)
        finally:
            for s, handler in previous.items():
                signal.signal(s, handler)
        self.stdout.write(f"live: {sent} events sent, {stats.accepted} payments accepted")

    @staticmethod
    def _send(writer: sim.InProcessWriter, kind: str, item: Any) -> None:
        if kind == "occupancy":
            writer.occupancy([item])
        elif kind == "payment":
            writer.payment(item)
        elif kind == "duty_start":
            writer.duty_start(item)
        else:
            writer.duty_end(item)
