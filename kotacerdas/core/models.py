"""Cross-cutting tables: the site's city, the holiday calendar, the audit trail, the event outbox and notices."""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.db import models
from django.utils.translation import gettext_lazy as _


class SiteSettings(models.Model):
    """The one city this installation serves (row pk=1), written by `setup_region`."""

    city = models.ForeignKey("regions.Region", on_delete=models.PROTECT, null=True, related_name="+")
    public_name = models.CharField(_("nama layanan"), max_length=120, default="Kota Cerdas")
    # Prefix of complaint tracking numbers, e.g. MRK (Medan Rumah Kita) -> MRK-2026-000123.
    tracking_prefix = models.CharField(_("prefiks nomor aduan"), max_length=8, default="KC")
    timezone = models.CharField(max_length=40, default="Asia/Jakarta")
    # Open311 jurisdiction_id: the city's domain.
    jurisdiction_id = models.CharField(max_length=120, default="kotacerdas.local")

    class Meta:
        verbose_name = _("pengaturan situs")
        verbose_name_plural = _("pengaturan situs")

    def __str__(self) -> str:
        return self.public_name

    def save(self, *args, **kwargs):  # type: ignore[no-untyped-def]
        super().save(*args, **kwargs)
        SiteSettings.clear_cache()

    # Read on every request, deadline and notification: kept per process for a short while. A save clears this
    # process's copy at once; other processes (workers, other uvicorn workers) see the change within the TTL.
    CACHE_SECONDS = 30.0
    _cached: tuple[float, SiteSettings] | None = None

    @classmethod
    def load(cls) -> SiteSettings:
        import time

        cached = cls._cached
        if cached is not None and time.monotonic() - cached[0] < cls.CACHE_SECONDS:
            return cached[1]
        obj, _created = cls.objects.select_related("city").get_or_create(pk=1)
        cls._cached = (time.monotonic(), obj)
        return obj

    @classmethod
    def clear_cache(cls) -> None:
        cls._cached = None


class HolidayKind(models.TextChoices):
    LIBUR_NASIONAL = "libur", _("Libur nasional")
    CUTI_BERSAMA = "cuti_bersama", _("Cuti bersama")


class Holiday(models.Model):
    """Days off beyond the `holidays` package: cuti bersama (SKB 3 Menteri) and any correction an admin enters.

    National holidays come from the `holidays` package; rows here add to them (or fill a year the package does
    not know yet). Each row names its source.
    """

    date = models.DateField(_("tanggal"))
    kind = models.CharField(_("jenis"), max_length=20, choices=HolidayKind.choices)
    name = models.CharField(_("keterangan"), max_length=120)
    source = models.CharField(_("sumber"), max_length=200, blank=True)

    class Meta:
        ordering = ["date"]
        unique_together = [("date", "kind")]
        verbose_name = _("hari libur / cuti bersama")
        verbose_name_plural = _("hari libur / cuti bersama")

    def __str__(self) -> str:
        return f"{self.date} {self.name}"


class AppendOnly(models.Model):
    """Rows that are written once and never changed or deleted (audit trail, timelines)."""

    class Meta:
        abstract = True

    def save(self, *args, **kwargs):  # type: ignore[no-untyped-def]
        if self.pk is not None and not self._state.adding:
            raise PermissionDenied("append-only record")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):  # type: ignore[no-untyped-def]
        raise PermissionDenied("append-only record")


class AuditLog(AppendOnly):
    """Who did what to which record; also every view of a reporter's identity by staff."""

    at = models.DateTimeField(auto_now_add=True, db_index=True)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    action = models.CharField(max_length=60, db_index=True)
    target_type = models.CharField(max_length=60)
    target_id = models.CharField(max_length=40)
    data = models.JSONField(default=dict, blank=True)
    ip = models.GenericIPAddressField(null=True, blank=True)

    class Meta:
        ordering = ["-at"]
        indexes = [models.Index(fields=["target_type", "target_id"])]

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.action} {self.target_type}#{self.target_id}"


class Event(models.Model):
    """Outbox of domain events, read by the live dashboard (SSE) by id cursor across processes."""

    created = models.DateTimeField(auto_now_add=True)
    topic = models.CharField(max_length=60, db_index=True)
    payload = models.JSONField(default=dict)

    class Meta:
        ordering = ["id"]

    def __str__(self) -> str:
        return f"{self.topic} #{self.pk}"


class NoticeChannel(models.TextChoices):
    EMAIL = "email", _("E-mail")
    WHATSAPP = "whatsapp", _("WhatsApp")
    SMS = "sms", _("SMS")


class Notification(models.Model):
    """One message to one person, written in the same transaction as the change it reports, sent by a task."""

    created = models.DateTimeField(auto_now_add=True, db_index=True)
    user = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.CASCADE)
    channel = models.CharField(max_length=10, choices=NoticeChannel.choices)
    address = models.CharField(max_length=200)
    subject = models.CharField(max_length=200)
    body = models.TextField()
    topic = models.CharField(max_length=60, blank=True)
    sent_at = models.DateTimeField(null=True, blank=True)
    attempts = models.PositiveSmallIntegerField(default=0)
    last_error = models.TextField(blank=True)

    class Meta:
        ordering = ["-created"]

    def __str__(self) -> str:
        return f"{self.channel}: {self.subject}"
