"""People and roles. One role per account; scope comes from the agency (OPD staff) or region (camat, lurah)."""

from __future__ import annotations

from django.contrib.auth.models import AbstractUser
from django.db import models
from django.utils.translation import gettext_lazy as _


class Role(models.TextChoices):
    WARGA = "warga", _("Warga")
    ADMIN_KOORDINATOR = "admin_koordinator", _("Admin koordinator")
    PENGHUBUNG = "penghubung", _("Penghubung OPD")
    PETUGAS = "petugas", _("Petugas lapangan")
    OPERATOR = "operator", _("Operator Command Center")
    PIMPINAN = "pimpinan", _("Pimpinan")
    SUPERADMIN = "superadmin", _("Superadmin")
    JUKIR = "jukir", _("Juru parkir")
    OPERATOR_PARKIR = "operator_parkir", _("Operator parkir (mitra)")
    DISNAKER = "disnaker", _("Petugas Disnaker")
    PERUSAHAAN = "perusahaan", _("Perusahaan mitra")
    PERENCANA = "perencana", _("Perencana (Bappeda)")
    PPID = "ppid", _("Petugas PPID")


STAFF_ROLES = frozenset(
    {Role.ADMIN_KOORDINATOR, Role.PENGHUBUNG, Role.PETUGAS, Role.OPERATOR, Role.PIMPINAN, Role.SUPERADMIN}
)


class User(AbstractUser):
    role = models.CharField(_("peran"), max_length=20, choices=Role.choices, default=Role.WARGA, db_index=True)
    agency = models.ForeignKey(
        "agencies.Agency", on_delete=models.PROTECT, null=True, blank=True, related_name="members",
        verbose_name=_("OPD"),
    )
    # Pimpinan scope: empty = the whole city (Wali Kota, Sekda); a kecamatan = camat; a kelurahan = lurah.
    region = models.ForeignKey(
        "regions.Region", on_delete=models.PROTECT, null=True, blank=True, related_name="+",
        verbose_name=_("wilayah"),
    )
    position = models.CharField(_("jabatan"), max_length=120, blank=True)
    phone = models.CharField(_("nomor HP"), max_length=20, blank=True)
    nik = models.CharField(_("NIK"), max_length=16, blank=True)
    is_demo = models.BooleanField(default=False)

    class Meta:
        verbose_name = _("pengguna")
        verbose_name_plural = _("pengguna")

    @property
    def is_staff_role(self) -> bool:
        return self.is_superuser or self.role in STAFF_ROLES

    @property
    def display_name(self) -> str:
        return self.get_full_name() or self.username
