"""python manage.py setup_region 12.71 [--no-activate]"""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils.translation import gettext as _

from kotacerdas.regions.loader import RegionError, counts, setup_region


class Command(BaseCommand):
    help = _(
        "Siapkan satu kab/kota (kode Kemendagri, mis. 12.71 Kota Medan) beserta kecamatan dan kelurahan/desa."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("code", help=_("kode kab/kota, mis. 12.71 atau 1271"))
        parser.add_argument(
            "--no-activate",
            action="store_true",
            help=_("hanya muat data wilayah; jangan jadikan kota layanan situs ini"),
        )

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            city = setup_region(options["code"], activate=not options["no_activate"])
        except RegionError as exc:
            raise CommandError(exc.message) from exc
        n = counts(city)
        self.stdout.write(
            _(
                "%(city)s: %(kecamatan)d kecamatan, %(kelurahan)d kelurahan, %(desa)d desa, "
                "%(batas)d batas kelurahan"
            )
            % {"city": city.name, **n}
        )
        if not options["no_activate"]:
            from kotacerdas.core.models import SiteSettings

            site = SiteSettings.load()
            self.stdout.write(
                _(
                    "Situs melayani %(city)s (%(tz)s), nama layanan “%(name)s”, "
                    "prefiks nomor aduan %(prefix)s."
                )
                % {
                    "city": city.name,
                    "tz": site.timezone,
                    "name": site.public_name,
                    "prefix": site.tracking_prefix,
                }
            )
