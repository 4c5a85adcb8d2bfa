"""SP4N-LAPOR! connector state: the transactional outbox, the link per forwarded complaint, the pull cursor."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class MessageKind(models.TextChoices):
    REPORT = "report", _("Laporan baru")
    FOLLOWUP = "followup", _("Tindak lanjut")
    STATUS = "status", _("Perubahan status")


class MessageState(models.TextChoices):
    PENDING = "pending", _("Menunggu")
    SENT = "sent", _("Terkirim")
    FAILED = "failed", _("Gagal, akan dicoba lagi")
    DEAD = "dead", _("Gagal permanen")


class OutboxMessage(models.Model):
    """One message to LAPOR!, written in the same transaction as the complaint change it reports.

    The payload is frozen when the change happens (what LAPOR! receives is what was true then) and already
    stripped of what must not leave (see payloads.py). `idempotency_key` goes with every attempt, so a retry after a
    lost reply cannot create a second report on the other side.
    """

    complaint = models.ForeignKey("complaints.Complaint", on_delete=models.CASCADE, related_name="lapor_messages")
    event = models.ForeignKey("complaints.ComplaintEvent", null=True, blank=True, on_delete=models.SET_NULL,
                              related_name="+")
    kind = models.CharField(_("jenis"), max_length=10, choices=MessageKind.choices)
    payload = models.JSONField(default=dict)
    idempotency_key = models.CharField(max_length=64, unique=True)
    state = models.CharField(_("status"), max_length=10, choices=MessageState.choices, default=MessageState.PENDING)
    attempts = models.PositiveSmallIntegerField(_("percobaan"), default=0)
    created_at = models.DateTimeField(_("dibuat"), db_index=True)
    # Start of the 24 h delivery window: creation, or a staff re-queue from the dead-letter list.
    window_started_at = models.DateTimeField()
    next_attempt_at = models.DateTimeField(db_index=True)
    last_attempt_at = models.DateTimeField(null=True, blank=True)
    first_failed_at = models.DateTimeField(null=True, blank=True)
    last_error = models.TextField(_("galat terakhir"), blank=True)
    sent_at = models.DateTimeField(_("terkirim"), null=True, blank=True)
    dead_at = models.DateTimeField(null=True, blank=True)
    # The admin koordinators were told about this message (once per message, not once per attempt).
    alerted_at = models.DateTimeField(null=True, blank=True)
    response = models.JSONField(default=dict, blank=True)

    class Meta:
        ordering = ["id"]
        indexes = [models.Index(fields=["state", "next_attempt_at"]), models.Index(fields=["complaint", "state"])]
        verbose_name = _("pesan keluar SP4N-LAPOR!")
        verbose_name_plural = _("pesan keluar SP4N-LAPOR!")

    def __str__(self) -> str:
        return f"{self.get_kind_display()} #{self.pk} ({self.get_state_display()})"


class LaporLink(models.Model):
    """A complaint forwarded to LAPOR!: its TrackingID and the last remote version applied here."""

    complaint = models.OneToOneField("complaints.Complaint", on_delete=models.CASCADE, related_name="lapor_link")
    tracking_id = models.CharField(_("TrackingID LAPOR!"), max_length=40, unique=True)
    linked_at = models.DateTimeField()
    # Highest remote version applied; an older one arriving later is ignored (snapshots carry everything).
    remote_version = models.PositiveIntegerField(default=0)
    remote_status = models.CharField(_("status di LAPOR!"), max_length=20, blank=True)
    last_synced_at = models.DateTimeField(null=True, blank=True)
    # Remote tanggapan ids already on our timeline, so a repeated or newer snapshot adds each one once.
    applied_tanggapan = models.JSONField(default=list, blank=True)

    class Meta:
        verbose_name = _("tautan SP4N-LAPOR!")
        verbose_name_plural = _("tautan SP4N-LAPOR!")

    def __str__(self) -> str:
        return f"{self.complaint_id} ↔ {self.tracking_id}"


class SyncState(models.Model):
    """Row pk=1: where the change feed was read up to, and how the last pull went."""

    cursor = models.CharField(max_length=100, blank=True)
    last_pull_at = models.DateTimeField(null=True, blank=True)
    last_ok_at = models.DateTimeField(null=True, blank=True)
    last_error = models.TextField(blank=True)

    class Meta:
        verbose_name = _("sinkronisasi SP4N-LAPOR!")
        verbose_name_plural = _("sinkronisasi SP4N-LAPOR!")

    def __str__(self) -> str:
        return f"cursor {self.cursor or '-'}"

    @classmethod
    def load(cls) -> SyncState:
        obj, _created = cls.objects.get_or_create(pk=1)
        return obj
