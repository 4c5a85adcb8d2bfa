"""`manage.py seed_jobs`: the Siduta demo for Medan (see kotacerdas/jobs/seed.py)."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from kotacerdas.jobs import seed


class Command(BaseCommand):
    help = ("Mengisi demo Siduta: 21 perusahaan Job Fair 2025 Disnaker Medan dan perusahaan buatan, lowongan, "
            "pencari kerja dengan kartu AK/1, lamaran di berbagai tahap, bursa kerja dan pelatihan, TPT BPS. "
            "Idempoten.")

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--seed", type=int, default=2025)
        parser.add_argument("--no-accounts", action="store_true", help="demo users without a usable password")

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            summary = seed.seed(seed_value=options["seed"], accounts=False if options["no_accounts"] else None)
        except ValueError as exc:
            raise CommandError(str(exc)) from None
        self.stdout.write(self.style.SUCCESS(f"seed_jobs: {summary.as_text()}"))
        self.stdout.write(f"Akun demo (kata sandi demo12345 bila DEMO=1): {seed.DISNAKER_USERNAME} (petugas Disnaker), "
                          "perusahaan1..perusahaan10, pencaker1..pencaker60")
