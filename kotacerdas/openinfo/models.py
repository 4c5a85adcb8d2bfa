"""PPID registers (permohonan, keberatan, uji konsekuensi, DIP) and the open-data catalogue.

The request register holds the fields UU 14/2008 Pasal 22 and egov-rules rule 11 list; each step of a request or
keberatan lands in the append-only `PpidEvent` timeline. Open datasets keep their last good generated rows with
their generation time, so a failing generator never empties a published dataset.
"""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from kotacerdas.core.models import AppendOnly
from kotacerdas.openinfo import rules


class RequestChannel(models.TextChoices):
    WEB = "web", _("Situs web")
    LANGSUNG = "langsung", _("Datang langsung")
    EMAIL = "email", _("E-mail")
    POS = "pos", _("Surat / pos")
    TELEPON = "telepon", _("Telepon (tidak tertulis)")


class InfoFormat(models.TextChoices):
    SOFTCOPY = "softcopy", _("Salinan elektronik (softcopy)")
    HARDCOPY = "hardcopy", _("Salinan cetak (hardcopy)")
    MELIHAT = "melihat", _("Melihat / membaca langsung")


class Delivery(models.TextChoices):
    AMBIL = "ambil", _("Mengambil langsung")
    EMAIL = "email", _("E-mail")
    POS = "pos", _("Pos")
    KURIR = "kurir", _("Kurir")


class RequestStatus(models.TextChoices):
    DIPROSES = "diproses", _("Diproses")
    SELESAI = "selesai", _("Sudah dijawab")


class Decision(models.TextChoices):
    DIPENUHI = "dipenuhi", _("Dipenuhi seluruhnya")
    SEBAGIAN = "sebagian", _("Dipenuhi sebagian")
    DITOLAK = "ditolak", _("Ditolak (dikecualikan Pasal 17)")
    TIDAK_DIKUASAI = "tidak_dikuasai", _("Informasi tidak dikuasai")


class InfoRequest(models.Model):
    """Register permohonan informasi publik (rule 11)."""

    reg_no = models.CharField(_("nomor pendaftaran"), max_length=30, unique=True)
    received_at = models.DateTimeField(_("diterima"), db_index=True)
    channel = models.CharField(_("cara permohonan"), max_length=10, choices=RequestChannel.choices,
                               default=RequestChannel.WEB)
    requester = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                  related_name="ppid_requests", verbose_name=_("akun pemohon"))
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                    related_name="+")
    # Identity (UU 14/2008 Pasal 22 ayat 4: nama, alamat, pekerjaan, kontak). The KTP number is kept for
    # verification only and never shown beyond its last digits.
    name = models.CharField(_("nama pemohon"), max_length=120)
    nik = models.CharField(_("nomor KTP/NIK"), max_length=16, blank=True)
    address = models.CharField(_("alamat"), max_length=255)
    occupation = models.CharField(_("pekerjaan"), max_length=120)
    phone = models.CharField(_("telepon"), max_length=20, blank=True)
    email = models.EmailField(_("e-mail"), blank=True)
    information = models.TextField(_("informasi yang diminta"))
    purpose = models.TextField(_("tujuan penggunaan informasi"))
    format = models.CharField(_("format informasi"), max_length=10, choices=InfoFormat.choices)
    delivery = models.CharField(_("cara penyampaian"), max_length=10, choices=Delivery.choices)
    agency = models.ForeignKey("agencies.Agency", null=True, blank=True, on_delete=models.SET_NULL,
                               related_name="+", verbose_name=_("OPD pemilik informasi"))

    status = models.CharField(_("status"), max_length=10, choices=RequestStatus.choices,
                              default=RequestStatus.DIPROSES, db_index=True)
    due_at = models.DateTimeField(_("batas jawaban"), db_index=True)
    original_due_at = models.DateTimeField(_("batas awal"))
    extended_at = models.DateTimeField(_("diperpanjang pada"), null=True, blank=True)
    extension_reason = models.TextField(_("alasan perpanjangan"), blank=True)

    decision = models.CharField(_("keputusan"), max_length=16, choices=Decision.choices, blank=True)
    decided_at = models.DateTimeField(_("dijawab pada"), null=True, blank=True)
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                   related_name="+")
    answer = models.TextField(_("isi jawaban"), blank=True)
    holder = models.CharField(_("badan publik yang menguasai"), max_length=200, blank=True)
    # Rule 19: the service is free; only copying and delivery may be charged, itemised.
    copy_cost = models.PositiveIntegerField(_("biaya penggandaan (Rp)"), default=0)
    delivery_cost = models.PositiveIntegerField(_("biaya pengiriman (Rp)"), default=0)

    sla_level = models.PositiveSmallIntegerField(default=0)
    version = models.PositiveIntegerField(default=1)
    is_demo = models.BooleanField(default=False)

    class Meta:
        ordering = ["-received_at"]
        verbose_name = _("permohonan informasi")
        verbose_name_plural = _("permohonan informasi")

    def __str__(self) -> str:
        return self.reg_no

    @property
    def is_answered(self) -> bool:
        return self.decided_at is not None

    @property
    def answered_late(self) -> bool:
        return bool(self.decided_at and self.decided_at > self.due_at)

    @property
    def masked_nik(self) -> str:
        return f"************{self.nik[-4:]}" if self.nik else ""

    @property
    def total_cost(self) -> int:
        return self.copy_cost + self.delivery_cost


class ObjectionStatus(models.TextChoices):
    DIPROSES = "diproses", _("Menunggu tanggapan Atasan PPID")
    DIJAWAB = "dijawab", _("Sudah ditanggapi")
    SENGKETA = "sengketa", _("Diajukan ke Komisi Informasi")
    DITUTUP = "ditutup", _("Selesai (sengketa tidak diajukan)")


class ObjectionOutcome(models.TextChoices):
    DITERIMA = "diterima", _("Keberatan diterima")
    DITOLAK = "ditolak", _("Keberatan ditolak")


class DisputeResult(models.TextChoices):
    MEDIASI = "mediasi", _("Mediasi berhasil")
    AJUDIKASI_DIKABULKAN = "ajudikasi_dikabulkan", _("Ajudikasi: permohonan dikabulkan")
    AJUDIKASI_DITOLAK = "ajudikasi_ditolak", _("Ajudikasi: permohonan ditolak")
    DICABUT = "dicabut", _("Dicabut pemohon")


class Objection(models.Model):
    """Register keberatan (rule 15) and the sengketa that may follow (rule 16)."""

    reg_no = models.CharField(_("nomor keberatan"), max_length=30, unique=True)
    request = models.ForeignKey(InfoRequest, on_delete=models.PROTECT, related_name="objections")
    ground = models.CharField(_("alasan keberatan (Pasal 35)"), max_length=1, choices=rules.PASAL_35)
    reason = models.TextField(_("uraian keberatan"))
    filed_at = models.DateTimeField(_("diajukan"))
    grounds_arose_at = models.DateTimeField(_("alasan timbul"))
    filing_due_at = models.DateTimeField(_("batas pengajuan"))
    due_at = models.DateTimeField(_("batas tanggapan Atasan PPID"), db_index=True)
    filed_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                 related_name="+")
    status = models.CharField(_("status"), max_length=10, choices=ObjectionStatus.choices,
                              default=ObjectionStatus.DIPROSES, db_index=True)
    outcome = models.CharField(_("tanggapan"), max_length=10, choices=ObjectionOutcome.choices, blank=True)
    answer = models.TextField(_("isi tanggapan"), blank=True)
    answered_at = models.DateTimeField(_("ditanggapi"), null=True, blank=True)
    answered_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                    related_name="+")
    follow_up = models.TextField(_("pelaksanaan tanggapan"), blank=True)
    dispute_due_at = models.DateTimeField(_("batas pengajuan sengketa"), null=True, blank=True)
    dispute_filed_at = models.DateTimeField(_("sengketa diajukan"), null=True, blank=True)
    dispute_result = models.CharField(_("hasil sengketa"), max_length=24, choices=DisputeResult.choices, blank=True)
    dispute_result_note = models.TextField(_("pelaksanaan hasil sengketa"), blank=True)
    court_filed = models.BooleanField(_("digugat ke pengadilan"), default=False)
    court_result = models.TextField(_("putusan pengadilan"), blank=True)
    closed_at = models.DateTimeField(null=True, blank=True)
    sla_level = models.PositiveSmallIntegerField(default=0)
    version = models.PositiveIntegerField(default=1)

    class Meta:
        ordering = ["-filed_at"]
        verbose_name = _("keberatan")
        verbose_name_plural = _("keberatan")

    def __str__(self) -> str:
        return self.reg_no


class EventKind(models.TextChoices):
    RECEIVED = "received", _("Permohonan diterima dan didaftarkan")
    EXTENDED = "extended", _("Jangka waktu diperpanjang")
    ANSWERED = "answered", _("Pemberitahuan tertulis diberikan")
    WARNING = "warning", _("Pengingat tenggat")
    OVERDUE = "overdue", _("Melewati tenggat")
    OBJECTION_FILED = "objection_filed", _("Keberatan diajukan")
    OBJECTION_ANSWERED = "objection_answered", _("Keberatan ditanggapi Atasan PPID")
    DISPUTE_FILED = "dispute_filed", _("Sengketa diajukan ke Komisi Informasi")
    DISPUTE_RESULT = "dispute_result", _("Hasil sengketa dicatat")
    CLOSED = "closed", _("Ditutup: sengketa tidak diajukan")


class PpidEvent(AppendOnly):
    """The dated timeline of a request and its keberatan (append-only)."""

    request = models.ForeignKey(InfoRequest, on_delete=models.CASCADE, related_name="events")
    objection = models.ForeignKey(Objection, null=True, blank=True, on_delete=models.CASCADE, related_name="events")
    at = models.DateTimeField(db_index=True)
    kind = models.CharField(max_length=20, choices=EventKind.choices)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                              related_name="+")
    message = models.TextField(blank=True)
    due_at = models.DateTimeField(null=True, blank=True)
    data = models.JSONField(default=dict, blank=True)

    class Meta:
        ordering = ["at", "id"]

    def __str__(self) -> str:
        return f"{self.request_id} {self.kind} {self.at:%Y-%m-%d}"


class Conclusion(models.TextChoices):
    DIKECUALIKAN = "dikecualikan", _("Informasi dikecualikan (ditutup)")
    TERBUKA = "terbuka", _("Informasi terbuka")


class ConsequenceTest(AppendOnly):
    """Uji konsekuensi (Pasal 19 UU 14/2008): the record any exclusion, and any lifting of one, rests on."""

    subject = models.CharField(_("informasi yang diuji"), max_length=300)
    exception = models.CharField(_("dasar pengecualian (Pasal 17)"), max_length=1, choices=rules.PASAL_17)
    harm = models.TextField(_("konsekuensi bila dibuka"))
    public_interest = models.TextField(_("pertimbangan kepentingan publik"))
    conclusion = models.CharField(_("kesimpulan"), max_length=12, choices=Conclusion.choices)
    period = models.CharField(_("jangka waktu pengecualian"), max_length=120, blank=True)
    tested_at = models.DateTimeField(_("tanggal uji"))
    tested_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                  related_name="+")
    request = models.ForeignKey(InfoRequest, null=True, blank=True, on_delete=models.PROTECT,
                                related_name="consequence_tests")
    dip_entry = models.ForeignKey("DipEntry", null=True, blank=True, on_delete=models.PROTECT,
                                  related_name="consequence_tests")

    class Meta:
        ordering = ["-tested_at", "-id"]
        verbose_name = _("uji konsekuensi")
        verbose_name_plural = _("uji konsekuensi")

    def __str__(self) -> str:
        return f"{self.subject} ({self.get_conclusion_display()})"


class DipCategory(models.TextChoices):
    BERKALA = "berkala", _("Berkala")
    SERTA_MERTA = "serta_merta", _("Serta-merta")
    SETIAP_SAAT = "setiap_saat", _("Setiap saat")
    DIKECUALIKAN = "dikecualikan", _("Dikecualikan")


class DipEntry(models.Model):
    """One line of the Daftar Informasi Publik (rule 17)."""

    title = models.CharField(_("judul informasi"), max_length=300)
    summary = models.TextField(_("ringkasan"), blank=True)
    category = models.CharField(_("kategori"), max_length=14, choices=DipCategory.choices, db_index=True)
    agency = models.ForeignKey("agencies.Agency", null=True, blank=True, on_delete=models.SET_NULL,
                               related_name="+", verbose_name=_("penanggung jawab"))
    format = models.CharField(_("bentuk informasi"), max_length=80, default="Softcopy")
    retention = models.CharField(_("jangka waktu penyimpanan"), max_length=80, blank=True)
    url = models.URLField(_("tautan dokumen"), blank=True)
    year = models.PositiveSmallIntegerField(_("tahun"), null=True, blank=True)
    is_published = models.BooleanField(_("diumumkan"), default=False)
    last_published_at = models.DateTimeField(_("terakhir diumumkan"), null=True, blank=True)
    next_due_at = models.DateTimeField(_("pengumuman berikutnya"), null=True, blank=True)
    # The next_due_at the PPID was last reminded of, so the sweep reminds once per cycle.
    reminded_for = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    is_demo = models.BooleanField(default=False)

    class Meta:
        ordering = ["category", "title"]
        verbose_name = _("daftar informasi publik")
        verbose_name_plural = _("daftar informasi publik")

    def __str__(self) -> str:
        return self.title


class Frequency(models.TextChoices):
    DAILY = "daily", _("Harian")
    WEEKLY = "weekly", _("Mingguan")
    MONTHLY = "monthly", _("Bulanan")


class Dataset(models.Model):
    """A catalogue entry generated by an app's `opendata.py` (rows and GeoJSON kept with their generation time)."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    slug = models.SlugField(_("nama"), max_length=100, unique=True)
    source_app = models.CharField(max_length=40)
    title = models.CharField(_("judul"), max_length=200)
    description = models.TextField(_("deskripsi"), blank=True)
    keywords = models.JSONField(default=list, blank=True)
    frequency = models.CharField(_("frekuensi pemutakhiran"), max_length=10, choices=Frequency.choices)
    publisher = models.ForeignKey("agencies.Agency", null=True, blank=True, on_delete=models.SET_NULL,
                                  related_name="+", verbose_name=_("penerbit"))
    publisher_code = models.CharField(max_length=80, blank=True)
    license_id = models.CharField(_("lisensi"), max_length=40, default="CC-BY-4.0")
    temporal = models.CharField(_("cakupan waktu"), max_length=120, blank=True)
    spatial = models.BooleanField(_("data spasial"), default=False)
    fields = models.JSONField(default=list, blank=True)
    rows = models.JSONField(default=list, blank=True)
    geojson = models.JSONField(null=True, blank=True)
    row_count = models.PositiveIntegerField(default=0)
    generated_at = models.DateTimeField(_("dibuat"), null=True, blank=True)
    last_error = models.TextField(blank=True)
    last_error_at = models.DateTimeField(null=True, blank=True)
    is_active = models.BooleanField(default=True)
    created_at = models.DateTimeField(auto_now_add=True)
    modified_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["title"]
        verbose_name = _("dataset")
        verbose_name_plural = _("dataset")

    def __str__(self) -> str:
        return self.slug

    @property
    def is_public(self) -> bool:
        return self.is_active and self.generated_at is not None


class Counter(models.Model):
    """Yearly sequence of registration numbers (PPID-2026-000123, KBR-2026-000004), taken under a row lock."""

    prefix = models.CharField(max_length=8)
    year = models.PositiveSmallIntegerField()
    last = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["prefix", "year"], name="openinfo_counter_once")]

    def __str__(self) -> str:
        return f"{self.prefix}-{self.year}: {self.last}"


class AnnualReportText(models.Model):
    """The narrative parts of the Laporan Layanan Informasi Publik (Perki 1/2021 Pasal 56 items 1, 2, 5, 6);
    the figures are always computed from the registers, never typed."""

    year = models.PositiveSmallIntegerField(_("tahun"), unique=True)
    policy = models.TextField(_("gambaran umum kebijakan (sarana, SDM, anggaran)"), blank=True)
    implementation = models.TextField(_("gambaran umum pelaksanaan"), blank=True)
    obstacles = models.TextField(_("kendala internal dan eksternal"), blank=True)
    recommendations = models.TextField(_("rekomendasi dan rencana tindak lanjut"), blank=True)
    updated_at = models.DateTimeField(auto_now=True)
    updated_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                   related_name="+")

    def __str__(self) -> str:
        return str(self.year)
