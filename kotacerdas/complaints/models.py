"""Pengaduan: categories, the versioned routing table, SLA rules, complaints and their append-only timeline.

Rules and sources: egov-rules.md §3 and §9 (rules 1-10), complaints-open311-lapor.md §3.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from kotacerdas.core.models import AppendOnly


class Classification(models.TextChoices):
    """LAPOR! V3 klasifikasi (egov-rules §3.3, rule 4)."""

    PENGADUAN = "pengaduan", _("Pengaduan")
    ASPIRASI = "aspirasi", _("Aspirasi")
    PERMINTAAN_INFORMASI = "informasi", _("Permintaan informasi")
    WBS = "wbs", _("Whistle-blowing system")
    PENGADAAN = "pengadaan", _("Pengadaan")


class Channel(models.TextChoices):
    WEB = "web", _("Situs web")
    MOBILE = "mobile", _("Aplikasi")
    OPEN311 = "open311", _("Open311")
    LAPOR = "lapor", _("SP4N-LAPOR!")
    WHATSAPP = "whatsapp", _("WhatsApp")
    SMS = "sms", _("SMS")
    PHONE = "telepon", _("Telepon / call center")
    WALKIN = "loket", _("Datang langsung")
    SOCIAL = "medsos", _("Media sosial")


class Status(models.TextChoices):
    BARU = "baru", _("Baru")
    TUNDA = "tunda", _("Ditunda")
    DISPOSISI = "disposisi", _("Diteruskan ke OPD")
    DIPROSES = "diproses", _("Ditindaklanjuti")
    SELESAI = "selesai", _("Selesai, menunggu konfirmasi")
    # End states. Fixed and closed-not-fixed are separate: no KPI counts closed as fixed.
    TUNTAS = "tuntas", _("Tuntas")
    TIDAK_TUNTAS = "tidak_tuntas", _("Ditutup, tidak tuntas")
    BUKAN_WEWENANG = "bukan_wewenang", _("Bukan wewenang")
    ARSIP = "arsip", _("Diarsipkan")
    DIGABUNG = "digabung", _("Digabung (duplikat)")


OPEN_STATUSES = (Status.BARU, Status.TUNDA, Status.DISPOSISI, Status.DIPROSES, Status.SELESAI)
END_STATUSES = (Status.TUNTAS, Status.TIDAK_TUNTAS, Status.BUKAN_WEWENANG, Status.ARSIP, Status.DIGABUNG)


class Outcome(models.TextChoices):
    """What the OPD reports when it marks a case done."""

    FIXED = "fixed", _("Sudah ditangani / diperbaiki")
    NOT_FIXED = "not_fixed", _("Tidak dapat ditangani")


class SlaStage(models.TextChoices):
    VERIFY = "verify", _("Verifikasi admin")
    RESPOND = "respond", _("Tindak lanjut OPD")
    CONFIRM = "confirm", _("Konfirmasi pelapor")
    RESOLVE = "resolve", _("Penyelesaian")


class SlaUnit(models.TextChoices):
    WORKING_DAYS = "hk", _("hari kerja")
    CALENDAR_DAYS = "hari", _("hari kalender")
    HOURS = "jam", _("jam")


class SlaRule(models.Model):
    """A time limit as data, with its legal source. A category-specific row overrides the general one."""

    stage = models.CharField(_("tahap"), max_length=10, choices=SlaStage.choices)
    category = models.ForeignKey("Category", null=True, blank=True, on_delete=models.CASCADE, related_name="sla")
    amount = models.PositiveIntegerField(_("batas"))
    unit = models.CharField(_("satuan"), max_length=5, choices=SlaUnit.choices)
    source = models.CharField(_("sumber"), max_length=300)

    class Meta:
        unique_together = [("stage", "category")]
        verbose_name = _("aturan SLA")
        verbose_name_plural = _("aturan SLA")

    def __str__(self) -> str:
        return f"{self.get_stage_display()}: {self.amount} {self.get_unit_display()}"


class Category(models.Model):
    """Jenis aduan; also an Open311 service (service_code = code)."""

    code = models.SlugField(_("kode"), max_length=60, unique=True)
    name = models.CharField(_("nama"), max_length=120)
    name_en = models.CharField(_("nama (English)"), max_length=120, blank=True)
    group = models.CharField(_("kelompok"), max_length=80, blank=True)
    description = models.TextField(_("keterangan"), blank=True)
    keywords = models.CharField(_("kata kunci"), max_length=300, blank=True)
    classification = models.CharField(
        max_length=12, choices=Classification.choices, default=Classification.PENGADUAN
    )
    # Infrastructure work must show an after-photo before it can be marked selesai.
    requires_after_photo = models.BooleanField(_("wajib foto sesudah"), default=False)
    forward_to_lapor = models.BooleanField(_("teruskan ke SP4N-LAPOR!"), default=False)
    is_active = models.BooleanField(_("aktif"), default=True)

    class Meta:
        ordering = ["group", "name"]
        verbose_name = _("kategori aduan")
        verbose_name_plural = _("kategori aduan")

    def __str__(self) -> str:
        return self.name


class RoutingRule(models.Model):
    """Which OPD handles a category (optionally only in one kecamatan).

    Effective-dated, never edited in place: a change closes the old row (`valid_to`) and opens a new one, and each
    complaint keeps the row it was routed by, so old complaints keep the routing they had.
    """

    category = models.ForeignKey(Category, on_delete=models.CASCADE, related_name="routing_rules")
    kecamatan = models.ForeignKey(
        "regions.Region", null=True, blank=True, on_delete=models.CASCADE, related_name="+",
        help_text=_("Kosong = berlaku untuk seluruh kota"),
    )
    agency = models.ForeignKey("agencies.Agency", on_delete=models.PROTECT, related_name="routing_rules")
    valid_from = models.DateTimeField(auto_now_add=True)
    valid_to = models.DateTimeField(null=True, blank=True, db_index=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL)
    note = models.CharField(max_length=200, blank=True)

    class Meta:
        ordering = ["category", "kecamatan", "-valid_from"]
        verbose_name = _("aturan disposisi")
        verbose_name_plural = _("aturan disposisi")

    def __str__(self) -> str:
        where = self.kecamatan.name if self.kecamatan_id else _("seluruh kota")
        return f"{self.category} @ {where} → {self.agency}"


class Complaint(models.Model):
    tracking_no = models.CharField(_("nomor aduan"), max_length=24, unique=True)
    title = models.CharField(_("judul"), max_length=150)
    description = models.TextField(_("isi aduan"))
    # What the public sees: NIK, phone numbers and e-mail addresses masked at intake (and by staff redaction).
    public_description = models.TextField(blank=True)
    public_title = models.CharField(max_length=150, blank=True)
    category = models.ForeignKey(Category, on_delete=models.PROTECT, related_name="complaints")
    classification = models.CharField(
        max_length=12, choices=Classification.choices, default=Classification.PENGADUAN
    )
    channel = models.CharField(max_length=10, choices=Channel.choices, default=Channel.WEB)
    status = models.CharField(max_length=15, choices=Status.choices, default=Status.BARU, db_index=True)
    outcome = models.CharField(max_length=10, choices=Outcome.choices, blank=True)

    # Location: a pin (lat/lon) and/or address text; kelurahan/kecamatan from point-in-polygon.
    lat = models.FloatField(null=True, blank=True)
    lon = models.FloatField(null=True, blank=True)
    address = models.CharField(_("alamat / patokan"), max_length=255, blank=True)
    kelurahan = models.ForeignKey("regions.Region", null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    kecamatan = models.ForeignKey("regions.Region", null=True, blank=True, on_delete=models.PROTECT, related_name="+")

    # Routing: the OPD that holds the case now, the rule that suggested it, the field officer assigned.
    agency = models.ForeignKey(
        "agencies.Agency", null=True, blank=True, on_delete=models.PROTECT, related_name="complaints"
    )
    routing_rule = models.ForeignKey(RoutingRule, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    assigned_to = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="assignments"
    )

    # Reporter identity: stored, never public (rule 6). Either a logged-in account or name + phone/e-mail.
    reporter = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="complaints"
    )
    reporter_name = models.CharField(max_length=120, blank=True)
    reporter_phone = models.CharField(max_length=20, blank=True)
    reporter_email = models.EmailField(blank=True)
    reporter_nik = models.CharField(max_length=16, blank=True)
    # Secret for the reporter's confirm/rate/reopen link (reporters without an account have only this).
    access_token = models.CharField(max_length=43, blank=True)
    is_rahasia = models.BooleanField(_("rahasia"), default=False)
    is_anonim = models.BooleanField(_("anonim"), default=False)

    parent = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.SET_NULL, related_name="duplicates",
        help_text=_("Aduan induk bila aduan ini digabung sebagai duplikat"),
    )
    support_count = models.PositiveIntegerField(_("dukungan"), default=0)

    # Clock. Every stage's due time comes from kotacerdas.core.deadlines and the SlaRule table.
    created_at = models.DateTimeField(db_index=True)
    updated_at = models.DateTimeField(auto_now=True)
    clock_started_at = models.DateTimeField(null=True, blank=True)  # berkas lengkap: intake or end of tunda
    verified_at = models.DateTimeField(null=True, blank=True)
    dispositioned_at = models.DateTimeField(null=True, blank=True)
    accepted_at = models.DateTimeField(null=True, blank=True)
    first_response_at = models.DateTimeField(null=True, blank=True)
    resolved_at = models.DateTimeField(null=True, blank=True)
    closed_at = models.DateTimeField(null=True, blank=True)
    stage = models.CharField(max_length=10, choices=SlaStage.choices, blank=True)
    stage_started_at = models.DateTimeField(null=True, blank=True)
    stage_due_at = models.DateTimeField(null=True, blank=True, db_index=True)
    resolve_due_at = models.DateTimeField(null=True, blank=True)
    # Highest warning already raised for the current stage: 0, 50, 80 or 100 (breach).
    sla_level = models.PositiveSmallIntegerField(default=0)
    # 0 none, 1 kepala OPD, 2 admin koordinator, 3 pimpinan.
    escalation_level = models.PositiveSmallIntegerField(default=0)
    auto_closed = models.BooleanField(default=False)
    reopen_count = models.PositiveSmallIntegerField(default=0)

    rating = models.PositiveSmallIntegerField(null=True, blank=True)
    rating_comment = models.TextField(blank=True)
    needs_review = models.BooleanField(_("perlu ditinjau"), default=False, db_index=True)

    lapor_tracking_id = models.CharField(max_length=40, blank=True, db_index=True)
    # Optimistic concurrency: every action bumps it, so two staff acting at once cannot both win.
    version = models.PositiveIntegerField(default=1)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("aduan")
        verbose_name_plural = _("aduan")
        indexes = [
            models.Index(fields=["agency", "status"]),
            models.Index(fields=["status", "stage_due_at"]),
            models.Index(fields=["category", "created_at"]),
            models.Index(fields=["kecamatan", "status"]),
        ]

    def __str__(self) -> str:
        return self.tracking_no

    @property
    def is_open(self) -> bool:
        return self.status in OPEN_STATUSES


class OpenStockSnapshot(models.Model):
    """How many complaints were open at one moment, in all and per OPD, kecamatan and kelurahan (JSON: id → n).

    The live room compares the open stock now with the same time last week. Reconstructing last week's stock from
    the timeline reads a week of entries (80 ms at a million complaints, bench/command_center.py); this row, written
    every 5 minutes by `tasks.open_stock_snapshot` (stock.py), answers with one indexed read. Kept
    COMPLAINTS_STOCK_SNAPSHOT_DAYS (8: the comparison is a week back). Derived data: never edited, rebuilt freely.
    """

    at = models.DateTimeField(unique=True)
    total = models.PositiveIntegerField(default=0)
    by_agency = models.JSONField(default=dict)
    by_kecamatan = models.JSONField(default=dict)
    by_kelurahan = models.JSONField(default=dict)

    class Meta:
        verbose_name = _("potret aduan terbuka")
        verbose_name_plural = _("potret aduan terbuka")

    def __str__(self) -> str:
        return f"aduan terbuka {self.at:%Y-%m-%d %H:%M}: {self.total}"


class EventKind(models.TextChoices):
    CREATED = "created", _("Aduan diterima")
    TUNDA = "tunda", _("Ditunda")
    RESUMED = "resumed", _("Dilanjutkan")
    DISPOSISI = "disposisi", _("Diverifikasi dan diteruskan ke OPD")
    BUKAN_WEWENANG = "bukan_wewenang", _("Bukan wewenang")
    ARSIP = "arsip", _("Diarsipkan")
    ACCEPTED = "accepted", _("Diterima OPD")
    REROUTED = "rerouted", _("Dilimpahkan ke OPD lain")
    ASSIGNED = "assigned", _("Ditugaskan ke petugas")
    RESPONSE = "response", _("Tanggapan")
    NOTE = "note", _("Catatan internal")
    PHOTO = "photo", _("Foto ditambahkan")
    RESOLVED = "resolved", _("Dinyatakan selesai oleh OPD")
    CONFIRMED = "confirmed", _("Dikonfirmasi pelapor")
    REOPENED = "reopened", _("Dibuka kembali")
    AUTO_CLOSED = "auto_closed", _("Ditutup otomatis")
    RATED = "rated", _("Dinilai pelapor")
    REVIEWED = "reviewed", _("Ditinjau")
    SLA_WARNING = "sla_warning", _("Peringatan tenggat")
    SLA_BREACH = "sla_breach", _("Melewati tenggat")
    ESCALATED = "escalated", _("Dieskalasi")
    MERGED = "merged", _("Digabung")
    SUPPORTED = "supported", _("Didukung warga")
    FLAGS = "flags", _("Status rahasia/anonim diubah")
    REDACTED = "redacted", _("Teks publik disunting")


class ComplaintEvent(AppendOnly):
    """The append-only timeline: every state change with actor, time and reason. KPIs are computed from it."""

    complaint = models.ForeignKey(Complaint, on_delete=models.CASCADE, related_name="events")
    at = models.DateTimeField(db_index=True)
    kind = models.CharField(max_length=20, choices=EventKind.choices)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL)
    # The OPD whose clock this entry belongs to (the receiving unit after a limpah).
    agency = models.ForeignKey("agencies.Agency", null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    from_status = models.CharField(max_length=15, blank=True)
    to_status = models.CharField(max_length=15, blank=True)
    reason = models.TextField(blank=True)
    message = models.TextField(blank=True)
    is_public = models.BooleanField(default=False)
    data = models.JSONField(default=dict, blank=True)

    class Meta:
        ordering = ["at", "id"]

    def __str__(self) -> str:
        return f"{self.complaint_id} {self.kind} {self.at:%Y-%m-%d %H:%M}"


class PhotoKind(models.TextChoices):
    REPORT = "report", _("Foto laporan")
    BEFORE = "before", _("Sebelum")
    AFTER = "after", _("Sesudah")


class Photo(models.Model):
    complaint = models.ForeignKey(Complaint, on_delete=models.CASCADE, related_name="photos")
    event = models.ForeignKey(ComplaintEvent, null=True, blank=True, on_delete=models.SET_NULL, related_name="photos")
    kind = models.CharField(max_length=10, choices=PhotoKind.choices, default=PhotoKind.REPORT)
    image = models.ImageField(upload_to="complaints/%Y/%m/")
    width = models.PositiveIntegerField(default=0)
    height = models.PositiveIntegerField(default=0)
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["created_at", "id"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} #{self.pk}"


class Subscription(models.Model):
    """Someone who follows a case: the reporter, a supporter (dukung), or staff who asked."""

    complaint = models.ForeignKey(Complaint, on_delete=models.CASCADE, related_name="subscriptions")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.CASCADE)
    email = models.EmailField(blank=True)
    phone = models.CharField(max_length=20, blank=True)
    is_supporter = models.BooleanField(default=False)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["complaint", "user"], name="uniq_sub_user",
                                    condition=models.Q(user__isnull=False)),
        ]

    def __str__(self) -> str:
        return f"subscription #{self.pk} on complaint {self.complaint_id}"


class TrackingCounter(models.Model):
    """Per-prefix, per-year sequence for tracking numbers (MRK-2026-000123); incremented under a row lock."""

    prefix = models.CharField(max_length=8)
    year = models.PositiveSmallIntegerField()
    last = models.PositiveIntegerField(default=0)

    class Meta:
        unique_together = [("prefix", "year")]

    def __str__(self) -> str:
        return f"{self.prefix}-{self.year}: {self.last}"
