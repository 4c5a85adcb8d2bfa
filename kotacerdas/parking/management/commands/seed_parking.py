"""`manage.py seed_parking`: the demo e-parking registry for Medan (see kotacerdas/parking/seed.py)."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError, CommandParser

from kotacerdas.parking import seed
from kotacerdas.regions import geo


class Command(BaseCommand):
    help = ("Mengisi registri e-parking demo Medan: tarif Perda 1/2024, tarif berlangganan Perwal 26/2024, operator, "
            "5 ruas bernama (posisi perkiraan) dan titik demo hingga 152, jukir, stiker, sensor. Idempoten.")

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--count", type=int, default=seed.TOTAL_POINTS, help="total points (at least the 20 named)")
        parser.add_argument("--seed", type=int, default=2021)
        parser.add_argument("--no-accounts", action="store_true", help="skip the demo jukir/operator accounts")

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            geo.city_bounds()
        except geo.CityNotSet as exc:
            raise CommandError(exc.message) from None
        try:
            summary = seed.seed(count=options["count"], seed_value=options["seed"],
                                accounts=False if options["no_accounts"] else None)
        except ValidationError as exc:
            raise CommandError("\n".join(exc.messages)) from None
        self.stdout.write(self.style.SUCCESS(f"seed_parking: {summary.as_text()}"))
        self.stdout.write(f"Webhook demo: POST /api/v1/parking/webhook/{seed.DEMO_PROVIDER} dengan rahasia "
                          f"{seed.DEMO_WEBHOOK_SECRET!r}. Token sensor: manage.py sensor_credentials token "
                          f"{seed.SENSOR_GATEWAY}")
