"""`manage.py traffic_export [--format csv|geojson] [--output FILE]`: the ATCS registry as a file (stdout)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from kotacerdas.traffic import registry_io


class Command(BaseCommand):
    help = "Mengekspor registri simpang ATCS sebagai CSV atau GeoJSON."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--format", choices=["csv", "geojson"], default="geojson")
        parser.add_argument("--output", "-o", help="file to write (default: stdout)")

    def handle(self, *args: Any, **options: Any) -> None:
        if options["format"] == "csv":
            text = registry_io.to_csv()
        else:
            text = json.dumps(registry_io.to_geojson(), ensure_ascii=False, indent=1) + "\n"
        if options["output"]:
            Path(options["output"]).write_text(text, encoding="utf-8")
        else:
            self.stdout.write(text, ending="")
