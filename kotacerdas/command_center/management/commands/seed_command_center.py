"""`manage.py seed_command_center`: the performance facts of the demo complaints (idempotent: a second run only
folds in what changed, i.e. nothing). Runs after the complaints replay in seed_demo."""

from __future__ import annotations

import time

from django.core.management.base import BaseCommand

from kotacerdas.command_center import performance
from kotacerdas.command_center.models import CaseFact
from kotacerdas.complaints.models import Complaint


class Command(BaseCommand):
    help = "Menyiapkan fakta kinerja aparatur untuk data demo."

    def handle(self, *args: object, **options: object) -> None:
        began = time.monotonic()
        if CaseFact.objects.count() < Complaint.objects.count():
            n = performance.refresh_all()
        else:
            n = 0
            while True:
                step = performance.sync(limit=5000)
                n += step
                if not step:
                    break
        self.stdout.write(f"Fakta kinerja: {n} aduan diperbarui ({time.monotonic() - began:.1f} dtk). "
                          "Akun demo: walikota, sekda, kadlh (kepala DLH), camat, lurah, admin; sandi demo12345.")
