"""The OPD directory: dinas, badan, kecamatan and kelurahan offices and their officers."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class AgencyKind(models.TextChoices):
    DINAS = "dinas", _("Dinas")
    BADAN = "badan", _("Badan")
    SATPOL = "satpol", _("Satuan Polisi Pamong Praja")
    SEKRETARIAT = "sekretariat", _("Sekretariat / Bagian")
    KECAMATAN = "kecamatan", _("Kantor Camat")
    KELURAHAN = "kelurahan", _("Kantor Lurah")
    BUMD = "bumd", _("BUMD")
    OTHER = "lainnya", _("Lainnya")


class Agency(models.Model):
    """Organisasi Perangkat Daerah. `code` is our own slug, not an official code."""

    code = models.SlugField(_("kode"), max_length=80, unique=True)
    name = models.CharField(_("nama"), max_length=200)
    short_name = models.CharField(_("singkatan"), max_length=40, blank=True)
    kind = models.CharField(_("jenis"), max_length=20, choices=AgencyKind.choices, default=AgencyKind.DINAS)
    # The kab/kota it belongs to; a kecamatan or kelurahan office also points at its own area.
    city = models.ForeignKey("regions.Region", on_delete=models.PROTECT, related_name="+", null=True, blank=True)
    region = models.ForeignKey(
        "regions.Region", on_delete=models.PROTECT, related_name="offices", null=True, blank=True,
        help_text=_("Wilayah kerja kantor kecamatan/kelurahan"),
    )
    duties = models.TextField(_("tugas"), blank=True)
    office_email = models.EmailField(_("e-mail kantor"), blank=True)
    office_phone = models.CharField(_("telepon kantor"), max_length=30, blank=True)
    head = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+",
        verbose_name=_("kepala OPD"),
    )
    source = models.TextField(_("sumber"), blank=True)
    is_demo = models.BooleanField(_("data demo"), default=False)
    is_active = models.BooleanField(_("aktif"), default=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("OPD")
        verbose_name_plural = _("OPD")

    def __str__(self) -> str:
        return self.short_name or self.name
