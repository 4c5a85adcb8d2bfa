"""`manage.py seed_openinfo`: demo PPID registers and the open-data catalogue (see kotacerdas/openinfo/seed.py)."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from kotacerdas.openinfo import seed


class Command(BaseCommand):
    help = ("Mengisi data demo PPID (akun ppid, DIP, permohonan dan keberatan) dan membuat katalog data terbuka. "
            "Idempoten.")

    def handle(self, *args: Any, **options: Any) -> None:
        self.stdout.write(self.style.SUCCESS(f"seed_openinfo: {seed.seed()}"))
        self.stdout.write("Atasan PPID: sekda / demo12345 (pimpinan tingkat kota).")
