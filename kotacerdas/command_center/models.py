"""Command Center data of its own: the per-case facts table behind apparatus performance, and disputes of red marks.

The live room (urls_live) stores nothing here; it reads other apps' rollups.

`CaseFact` is a derived, narrow copy of each complaint's handling durations (one row per complaint), rebuilt from
the append-only `ComplaintEvent` timeline by `performance.refresh_facts`; it is never edited by hand and can be
thrown away and rebuilt at any time (`manage.py refresh_case_facts --all`). The performance page aggregates this
one table, so it stays quick with a million complaints.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class CaseFact(models.Model):
    """One complaint as the performance figures see it: the unit charged, its durations, its verdict.

    Durations are in hari kerja (working days, fractional; see complaints/performance.py for why and how) and
    exclude time waiting on the citizen (tunda, and selesai awaiting confirmation before a reopen).
    """

    complaint = models.OneToOneField("complaints.Complaint", on_delete=models.CASCADE, primary_key=True,
                                     related_name="+")
    received_at = models.DateTimeField(db_index=True)
    # Local (site time zone) calendar buckets, stored so trends group on plain columns on every database.
    month = models.DateField()
    week = models.DateField()
    # The unit charged: the OPD holding the case last (after a limpah, the receiving unit).
    agency = models.ForeignKey("agencies.Agency", null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    officer = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                related_name="+")
    kecamatan = models.ForeignKey("regions.Region", null=True, blank=True, on_delete=models.SET_NULL,
                                  related_name="+")
    kelurahan = models.ForeignKey("regions.Region", null=True, blank=True, on_delete=models.SET_NULL,
                                  related_name="+")
    category = models.ForeignKey("complaints.Category", null=True, blank=True, on_delete=models.SET_NULL,
                                 related_name="+")
    status = models.CharField(max_length=15)
    # Bukan wewenang, arsip and digabung (duplicates) never count for or against anyone.
    excluded = models.BooleanField(default=False)
    # The OPD's clock: its own disposition (the limpah to it after a re-route).
    clock_start = models.DateTimeField(null=True, blank=True)
    # Open and with the OPD (disposisi/diproses): the backlog. Tunda and selesai wait on the citizen.
    in_backlog = models.BooleanField(default=False)
    # The due time of the stage the OPD is in now (open cases); a case past it is overdue now.
    due_at = models.DateTimeField(null=True, blank=True)
    verify_days = models.FloatField(null=True, blank=True)
    dispose_days = models.FloatField(null=True, blank=True)
    response_days = models.FloatField(null=True, blank=True)
    resolve_days = models.FloatField(null=True, blank=True)
    resolved = models.BooleanField(default=False)
    # The red mark: a limit the charged unit missed (respond or resolve), from the timeline.
    late = models.BooleanField(default=False)
    # An accepted dispute lifts the red mark: the case leaves the on-time share and the overdue counts.
    forgiven = models.BooleanField(default=False)
    reopened = models.BooleanField(default=False)
    rating = models.PositiveSmallIntegerField(null=True, blank=True)
    refreshed_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("fakta kinerja aduan")
        verbose_name_plural = _("fakta kinerja aduan")
        indexes = [
            models.Index(fields=["received_at", "agency"], name="cc_fact_recv_agency"),
            models.Index(fields=["agency", "received_at"], name="cc_fact_agency_recv"),
            models.Index(fields=["kecamatan", "received_at"], name="cc_fact_kec_recv"),
            models.Index(fields=["kelurahan", "received_at"], name="cc_fact_kel_recv"),
            models.Index(fields=["in_backlog", "agency"], name="cc_fact_backlog"),
        ]

    def __str__(self) -> str:
        return f"fakta aduan #{self.complaint_id}"


class FactWatermark(models.Model):
    """The highest ComplaintEvent id already folded into the facts (one row). Events are append-only and their
    ids only grow, so every change since is found by `id > last_event_id` — the SLA sweep's breach entries too.

    Ids are handed out when a row is inserted, not when its transaction commits: on PostgreSQL a slow transaction
    can commit id 41 after id 42 was already read and passed. So the ids a sync skipped over (`gaps`, id → when it
    was first missed) are looked up again on every sync until they show up, or until they are older than
    COMMAND_CENTER_FACTS_GAP_SECONDS (then they were rolled back: a sequence never reuses an id)."""

    last_event_id = models.BigIntegerField(default=0)
    gaps = models.JSONField(default=dict, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    def __str__(self) -> str:
        return f"watermark {self.last_event_id}"


class DisputeStatus(models.TextChoices):
    DIAJUKAN = "diajukan", _("Diajukan")
    DITERIMA = "diterima", _("Diterima")
    DITOLAK = "ditolak", _("Ditolak")


class Dispute(models.Model):
    """An OPD's objection to a red mark (an overdue case charged to it), decided by the admin koordinator.

    Accepted: the case no longer counts against the OPD. Rejected: the mark stays. One dispute per case and OPD
    (a rejected one is final; the reason and the decision stay on record).
    """

    complaint = models.ForeignKey("complaints.Complaint", on_delete=models.CASCADE, related_name="+")
    agency = models.ForeignKey("agencies.Agency", on_delete=models.PROTECT, related_name="+")
    reason = models.TextField(_("alasan keberatan"))
    status = models.CharField(max_length=10, choices=DisputeStatus.choices, default=DisputeStatus.DIAJUKAN,
                              db_index=True)
    opened_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    opened_at = models.DateTimeField()
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                                   related_name="+")
    decided_at = models.DateTimeField(null=True, blank=True)
    decision_note = models.TextField(_("catatan keputusan"), blank=True)

    class Meta:
        ordering = ["-opened_at", "-id"]
        verbose_name = _("keberatan tanda merah")
        verbose_name_plural = _("keberatan tanda merah")
        constraints = [
            models.UniqueConstraint(fields=["complaint", "agency"], name="cc_one_dispute_per_case_agency"),
        ]

    def __str__(self) -> str:
        return f"keberatan #{self.pk} ({self.get_status_display()})"
