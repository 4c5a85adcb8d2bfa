"""`manage.py refresh_opendata [--force] [--only SLUG]`: regenerate the open-data catalogue now."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from kotacerdas.openinfo import catalog


class Command(BaseCommand):
    help = "Membuat ulang dataset data terbuka yang sudah waktunya (atau semua dengan --force)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--force", action="store_true")
        parser.add_argument("--only", default=None)

    def handle(self, *args: Any, **options: Any) -> None:
        result = catalog.refresh(force=options["force"], only=options["only"])
        self.stdout.write(f"dibuat: {result['generated']}; gagal: {result['failed']}; "
                          f"dilewati: {len(result['skipped'])}; kesalahan modul: {result['app_errors']}")
