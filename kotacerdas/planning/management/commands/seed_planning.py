"""`manage.py seed_planning`: Medan's demo planning year (see kotacerdas/planning/seed.py). Idempotent."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from kotacerdas.planning import seed


class Command(BaseCommand):
    help = ("Mengisi tahun perencanaan demo Medan: jadwal tahap di sekitar hari ini, kamus usulan, SSH, pagu "
            "kecamatan, usulan dengan keputusan forum dan berita acara. Idempoten.")

    def handle(self, *args: Any, **options: Any) -> None:
        from kotacerdas.core.demo.city import DemoRefused

        try:
            summary = seed.seed()
        except DemoRefused as exc:
            raise CommandError(str(exc)) from None
        except (ValueError, ValidationError) as exc:
            messages = getattr(exc, "messages", None) or [str(exc)]
            raise CommandError("\n".join(str(m) for m in messages)) from None
        self.stdout.write(self.style.SUCCESS(f"seed_planning: {summary.as_text()}"))
