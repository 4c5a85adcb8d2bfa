"""Administrative regions with Kemendagri codes.

Format: Permendagri 137/2017 Pasal 4; list: Kepmendagri 300.2.2-2138/2025.
"""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class Level(models.TextChoices):
    PROVINSI = "provinsi", _("Provinsi")
    KABUPATEN = "kabupaten", _("Kabupaten")
    KOTA = "kota", _("Kota")
    KECAMATAN = "kecamatan", _("Kecamatan")
    KELURAHAN = "kelurahan", _("Kelurahan")
    DESA = "desa", _("Desa")


KABKOTA_LEVELS = (Level.KABUPATEN, Level.KOTA)
VILLAGE_LEVELS = (Level.KELURAHAN, Level.DESA)


class Region(models.Model):
    """One administrative unit. `code` is the dotted Kemendagri code; a parent's code is its prefix."""

    code = models.CharField(_("kode"), max_length=13, unique=True)
    name = models.CharField(_("nama"), max_length=120)
    level = models.CharField(_("tingkat"), max_length=10, choices=Level.choices, db_index=True)
    parent = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.CASCADE, related_name="children"
    )
    lat = models.FloatField(null=True, blank=True)
    lon = models.FloatField(null=True, blank=True)
    area_km2 = models.FloatField(_("luas (km²)"), null=True, blank=True)
    population = models.PositiveIntegerField(_("penduduk"), null=True, blank=True)
    # GeoJSON geometry ([lon, lat], WGS84) or null where the bundled data has no outline.
    boundary = models.JSONField(null=True, blank=True)
    # IANA zone for a kab/kota: WIB Asia/Jakarta, WITA Asia/Makassar, WIT Asia/Jayapura.
    timezone = models.CharField(max_length=40, blank=True)

    class Meta:
        ordering = ["code"]
        verbose_name = _("wilayah")
        verbose_name_plural = _("wilayah")

    def __str__(self) -> str:
        return self.name

    @property
    def kind_label(self) -> str:
        return self.get_level_display()
