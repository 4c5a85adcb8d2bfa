"""`manage.py traffic_import FILE [--format csv|geojson]`: merge a registry file into the ATCS registry."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError, CommandParser

from kotacerdas.traffic import actions, registry_io


class Command(BaseCommand):
    help = "Mengimpor registri simpang ATCS dari CSV atau GeoJSON (digabung menurut kode)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("path")
        parser.add_argument("--format", choices=["csv", "geojson"],
                            help="default: from the file extension (.csv, .geojson/.json)")
        parser.add_argument("--demo", action="store_true", help="mark imported rows is_demo")

    def handle(self, *args: Any, **options: Any) -> None:
        path = Path(options["path"])
        fmt = options["format"] or ("csv" if path.suffix.lower() == ".csv" else "geojson")
        try:
            checked = actions.check_import(registry_io.load(path.read_bytes(), fmt))
        except OSError as exc:
            raise CommandError(str(exc)) from None
        except ValidationError as exc:
            raise CommandError("\n".join(exc.messages)) from None
        counts = actions.do_import(None, checked, is_demo=options["demo"])
        self.stdout.write(self.style.SUCCESS(", ".join(f"{k}: {v}" for k, v in counts.items())))
