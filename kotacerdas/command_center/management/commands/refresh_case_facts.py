"""`manage.py refresh_case_facts [--all]`: fold changed complaints into the performance facts (or rebuild all)."""

from __future__ import annotations

import time

from django.core.management.base import BaseCommand, CommandParser

from kotacerdas.command_center import performance


class Command(BaseCommand):
    help = "Memperbarui tabel fakta kinerja aparatur dari linimasa aduan."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--all", action="store_true", help="Bangun ulang semua fakta (setelah aturan berubah).")

    def handle(self, *args: object, **options: object) -> None:
        began = time.monotonic()
        if options["all"]:
            n = performance.refresh_all()
        else:
            n = total = 0
            while True:
                n = performance.sync(limit=5000)
                total += n
                if not n:
                    break
            n = total
        self.stdout.write(f"{n} aduan diperbarui dalam {time.monotonic() - began:.1f} dtk.")
