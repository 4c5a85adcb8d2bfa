"""`manage.py seed_demo`: the demo city Medan Rumah Kita with months of complaints (see kotacerdas/core/demo).

Refuses to run unless DEMO=1: it creates accounts with a published password. With --if-empty it does
nothing when a city with complaints already exists, so `make run` is fast the second time.
"""

from __future__ import annotations

import time

from django.core.management import call_command, get_commands
from django.core.management.base import BaseCommand, CommandError, CommandParser

from kotacerdas.complaints.models import Complaint
from kotacerdas.core.demo.replay import demo_notifications
from kotacerdas.core.models import SiteSettings


class Command(BaseCommand):
    help = "Mengisi basis data dengan kota demo Medan Rumah Kita: wilayah, OPD, kategori, akun peran, aduan."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--if-empty", action="store_true",
                            help="Tidak melakukan apa pun bila sudah ada kota dengan aduan.")
        parser.add_argument("--complaints", type=int, default=2000, help="Jumlah aduan (bawaan 2000).")
        parser.add_argument("--months", type=int, default=6, help="Rentang waktu aduan ke belakang (bulan).")
        parser.add_argument("--seed", type=int, default=42, help="Benih acak (hasil sama untuk benih sama).")
        parser.add_argument("--no-train", action="store_true", help="Lewati pelatihan model klasifikasi.")
        parser.add_argument("--parking-days", type=int, default=7,
                            help="Hari riwayat e-parking yang disimulasikan (bawaan 7: cukup untuk daftar audit "
                                 "kebocoran); 0 = tanpa riwayat.")

    def handle(self, *args: object, **options: object) -> None:
        from kotacerdas.core.demo import city as demo_city
        from kotacerdas.core.demo.replay import Replay, ensure_routing_covered

        if options["if_empty"] and SiteSettings.objects.filter(pk=1, city__isnull=False).exists() \
                and Complaint.objects.exists():
            self.stdout.write("Basis data sudah berisi kota dan aduan; seed_demo dilewati.")
            return
        try:
            demo_city.require_demo()
        except demo_city.DemoRefused as exc:
            if options["if_empty"]:
                # `make run` calls us with --if-empty on every start; an install that is not a demo must still
                # start (with an empty city), so here the refusal is a notice, not a failure.
                self.stderr.write(f"seed_demo dilewati: {exc}")
                return
            raise CommandError(str(exc)) from exc
        n, months = int(options["complaints"]), int(options["months"])
        if n < 0 or months < 1:
            raise CommandError("--complaints harus >= 0 dan --months >= 1.")

        began = time.monotonic()
        summary = demo_city.setup_city()
        agencies = summary.agencies
        self.stdout.write(
            f"{summary.city.name} siap: {agencies.total} OPD ({len(agencies.created)} baru), "
            f"{summary.categories} kategori, {summary.rules} aturan disposisi ditulis, "
            f"{len(summary.accounts)} akun demo (kata sandi {demo_city.DEMO_PASSWORD})."
        )
        missing = ensure_routing_covered()
        if missing:
            self.stderr.write(f"Peringatan: kategori tanpa aturan disposisi: {', '.join(missing)}")
        if n:
            self.stdout.write(f"Membuat {n} aduan selama {months} bulan terakhir (benih {options['seed']})...")
            replay = Replay(city=summary.city, users=summary.accounts, seed=int(options["seed"]), months=months,
                            progress=self.stdout.write)
            stats = replay.run(n)
            by_status = ", ".join(f"{k} {v}" for k, v in sorted(stats.statuses.items()))
            self.stdout.write(f"{stats.complaints} aduan dalam {stats.seconds:.1f} dtk. Status: {by_status}.")
            self.stdout.write(f"{stats.notifications} notifikasi demo ditandai terkirim (tidak dikirim sungguhan).")
        if n and not options["no_train"]:
            from kotacerdas.complaints import classifier

            report = classifier.train()
            self.stdout.write(f"Model klasifikasi: {report.summary()}")
        # The other modules' demo data (ATCS, parking, jobs, planning, PPID and open data). Their actions write
        # notifications as real use would; as with the complaints replay, none of them is delivered.
        with demo_notifications():
            # The sensor modules' demo registries (ATCS intersections, parking points): `make run` then starts their
            # simulators (`serve`), which need something to simulate.
            available = get_commands()
            for command in ("seed_traffic", "seed_parking", "seed_jobs", "seed_planning", "seed_command_center"):
                if command in available:
                    self.stdout.write(f"{command}...")
                    call_command(command, stdout=self.stdout, stderr=self.stderr)
            days = int(options["parking_days"])
            if days > 0 and "simulate_parking" in available:
                # A week of payments, occupancy and duty with planted leaks, assessed: the dashboard, the revenue
                # report and the audit list then have something to show from the first start.
                self.stdout.write(f"Riwayat e-parking {days} hari...")
                call_command("simulate_parking", "--days", str(days), "--via", "bulk", "--assess",
                             stdout=self.stdout, stderr=self.stderr)
            # Last: the open-data catalogue publishes datasets generated from everything seeded above.
            if "seed_openinfo" in available:
                self.stdout.write("seed_openinfo...")
                call_command("seed_openinfo", stdout=self.stdout, stderr=self.stderr)
        self.stdout.write(self.style.SUCCESS(f"Selesai dalam {time.monotonic() - began:.1f} dtk."))
