from __future__ import annotations

from django.core.management.base import BaseCommand

from kotacerdas.complaints import sweeps


class Command(BaseCommand):
    help = "Runs one SLA pass now: warnings, escalations and automatic closing (the worker does this every 5 min)."

    def handle(self, *args, **options) -> None:  # type: ignore[no-untyped-def]
        counts = sweeps.sweep()
        self.stdout.write(", ".join(f"{k}: {v}" for k, v in sorted(counts.items())) or "nothing to do")
