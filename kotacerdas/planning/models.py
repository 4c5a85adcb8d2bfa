"""E-Planning: planning years and their stage calendar, usulan and their forum decisions, berita acara, the kamus
usulan, and the SSH/HSPK/ASB price catalogues with the Perpres 33/2020 ceilings.

The rules behind each model are in rules.py (with their egov-rules sources) and enforced in actions.py.
"""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from kotacerdas.planning.rules import Alignment, Decision, Rumpun, Source, Stage


class PlanningYear(models.Model):
    """One RKPD cycle of a city: `year` is the plan (budget) year; its forums run in the year before."""

    city = models.ForeignKey("regions.Region", on_delete=models.PROTECT, related_name="+", verbose_name=_("kota"))
    year = models.PositiveIntegerField(_("tahun rencana"), validators=[MinValueValidator(2000),
                                                                       MaxValueValidator(2100)])
    name = models.CharField(_("nama"), max_length=120)
    is_active = models.BooleanField(_("aktif"), default=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-year"]
        constraints = [models.UniqueConstraint(fields=["city", "year"], name="planning_year_unique_city_year")]
        verbose_name = _("tahun perencanaan")
        verbose_name_plural = _("tahun perencanaan")

    def __str__(self) -> str:
        return self.name


class StageWindow(models.Model):
    """The window (inclusive dates, city time) of one stage in a planning year (rule 26)."""

    planning_year = models.ForeignKey(PlanningYear, on_delete=models.CASCADE, related_name="windows")
    stage = models.CharField(_("tahap"), max_length=12, choices=Stage.choices)
    opens_on = models.DateField(_("dibuka"))
    closes_on = models.DateField(_("ditutup"))
    source = models.CharField(_("sumber jadwal"), max_length=200, blank=True)
    closed_at = models.DateTimeField(_("tahap ditutup pada"), null=True, blank=True)
    closed_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
                                  related_name="+")

    class Meta:
        ordering = ["planning_year", "opens_on"]
        constraints = [models.UniqueConstraint(fields=["planning_year", "stage"], name="stage_window_unique")]
        verbose_name = _("jadwal tahap")
        verbose_name_plural = _("jadwal tahap")

    def __str__(self) -> str:
        return f"{self.get_stage_display()} {self.opens_on}–{self.closes_on}"


class PaguIndikatif(models.Model):
    """The indicative ceiling of a kecamatan (rule 24) or of an OPD (Renja/RKPD views)."""

    planning_year = models.ForeignKey(PlanningYear, on_delete=models.CASCADE, related_name="pagu")
    region = models.ForeignKey("regions.Region", on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    agency = models.ForeignKey("agencies.Agency", on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    amount = models.DecimalField(_("pagu indikatif (Rp)"), max_digits=16, decimal_places=0,
                                 validators=[MinValueValidator(Decimal(0))])
    source = models.CharField(_("sumber"), max_length=200, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["planning_year", "region"], condition=models.Q(region__isnull=False),
                                    name="pagu_unique_region"),
            models.UniqueConstraint(fields=["planning_year", "agency"], condition=models.Q(agency__isnull=False),
                                    name="pagu_unique_agency"),
            models.CheckConstraint(condition=models.Q(region__isnull=True) ^ models.Q(agency__isnull=True),
                                   name="pagu_region_xor_agency"),
        ]
        verbose_name = _("pagu indikatif")
        verbose_name_plural = _("pagu indikatif")

    def __str__(self) -> str:
        return f"Pagu {self.region or self.agency}: {self.amount}"


class ScoringWeight(models.Model):
    """Weight of one advisory criterion (rule 28 [U]): data, so Bappeda can change it per planning year."""

    planning_year = models.ForeignKey(PlanningYear, on_delete=models.CASCADE, related_name="weights")
    criterion = models.CharField(max_length=20, choices=[("urgency", _("Urgensi")),
                                                         ("beneficiaries", _("Penerima manfaat")),
                                                         ("alignment", _("Keselarasan RPJMD/Renstra"))])
    weight = models.DecimalField(max_digits=4, decimal_places=2, validators=[MinValueValidator(Decimal(0)),
                                                                            MaxValueValidator(Decimal(1))])

    class Meta:
        constraints = [models.UniqueConstraint(fields=["planning_year", "criterion"], name="weight_unique")]

    def __str__(self) -> str:
        return f"{self.criterion}={self.weight}"


class KamusEntry(models.Model):
    """An allowed usulan type of the city's kamus usulan, mapped to SIPD codes (rule 27)."""

    planning_year = models.ForeignKey(PlanningYear, on_delete=models.CASCADE, related_name="kamus")
    code = models.CharField(_("kode kamus"), max_length=20)
    name = models.CharField(_("jenis usulan"), max_length=200)
    rumpun = models.CharField(_("bidang/rumpun"), max_length=20, choices=Rumpun.choices)
    satuan = models.CharField(_("satuan"), max_length=30)
    agency = models.ForeignKey("agencies.Agency", on_delete=models.PROTECT, related_name="+",
                               verbose_name=_("OPD penanggung jawab"))
    urusan_code = models.CharField(max_length=20)
    program_code = models.CharField(max_length=30)
    program_name = models.CharField(max_length=250)
    kegiatan_code = models.CharField(max_length=30)
    kegiatan_name = models.CharField(max_length=300)
    subkegiatan_code = models.CharField(max_length=40)
    subkegiatan_name = models.CharField(max_length=300)
    source = models.CharField(_("sumber"), max_length=200, blank=True)
    is_active = models.BooleanField(default=True)

    class Meta:
        ordering = ["code"]
        constraints = [models.UniqueConstraint(fields=["planning_year", "code"], name="kamus_unique_code")]
        verbose_name = _("kamus usulan")
        verbose_name_plural = _("kamus usulan")

    def __str__(self) -> str:
        return f"{self.code} {self.name}"


class PriceKind(models.TextChoices):
    SSH = "ssh", _("SSH (Standar Satuan Harga)")
    HSPK = "hspk", _("HSPK (Harga Satuan Pokok Kegiatan)")
    ASB = "asb", _("ASB (Analisis Standar Belanja)")


class ShsrCeiling(models.Model):
    """A Perpres 33/2020 SHSR ceiling for a category in a province (rules 30-31)."""

    category = models.CharField(_("kategori"), max_length=40)
    name = models.CharField(_("nama"), max_length=200)
    lampiran = models.CharField(_("lampiran"), max_length=2, choices=[("I", "Lampiran I"), ("II", "Lampiran II")])
    province_code = models.CharField(_("kode provinsi"), max_length=2)
    satuan = models.CharField(max_length=30)
    amount = models.DecimalField(_("batas (Rp)"), max_digits=16, decimal_places=0)
    source = models.CharField(_("sumber"), max_length=250)

    class Meta:
        ordering = ["lampiran", "category"]
        constraints = [models.UniqueConstraint(fields=["category", "province_code"], name="shsr_unique")]
        verbose_name = _("batas SHSR")
        verbose_name_plural = _("batas SHSR")

    def __str__(self) -> str:
        return f"{self.name} (Lampiran {self.lampiran})"


class PriceVersion(models.Model):
    """One catalogue (SSH, HSPK or ASB) for a budget year as set by one Perwal (rule 32). Never edited after
    import: a change is a new version; the highest number of a (kind, year) is the current one."""

    kind = models.CharField(_("jenis"), max_length=4, choices=PriceKind.choices)
    budget_year = models.PositiveIntegerField(_("tahun anggaran"))
    number = models.PositiveIntegerField(_("versi"))
    perwal = models.CharField(_("Perwal"), max_length=120)
    perwal_date = models.DateField(_("tanggal Perwal"), null=True, blank=True)
    file_name = models.CharField(max_length=200, blank=True)
    imported_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
                                    related_name="+")
    imported_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-budget_year", "kind", "-number"]
        constraints = [models.UniqueConstraint(fields=["kind", "budget_year", "number"], name="price_version_unique")]
        verbose_name = _("versi standar harga")
        verbose_name_plural = _("versi standar harga")

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.budget_year} v{self.number} ({self.perwal})"


class PriceItem(models.Model):
    version = models.ForeignKey(PriceVersion, on_delete=models.PROTECT, related_name="items")
    code = models.CharField(_("kode"), max_length=40)
    uraian = models.CharField(_("uraian"), max_length=250)
    spesifikasi = models.CharField(_("spesifikasi"), max_length=300, blank=True)
    satuan = models.CharField(_("satuan"), max_length=30)
    price = models.DecimalField(_("harga (Rp)"), max_digits=16, decimal_places=0)
    kode_rekening = models.CharField(_("kode rekening"), max_length=40, blank=True)
    ceiling = models.ForeignKey(ShsrCeiling, on_delete=models.PROTECT, null=True, blank=True, related_name="+")

    class Meta:
        ordering = ["code"]
        constraints = [models.UniqueConstraint(fields=["version", "code"], name="price_item_unique")]

    def __str__(self) -> str:
        return f"{self.code} {self.uraian}"


class PriceDeviation(models.Model):
    """An execution price above a Lampiran II ceiling, allowed only with this recorded justification (rule 31)."""

    item = models.ForeignKey(PriceItem, on_delete=models.PROTECT, related_name="deviations")
    ceiling = models.ForeignKey(ShsrCeiling, on_delete=models.PROTECT, related_name="+")
    price = models.DecimalField(max_digits=16, decimal_places=0)
    reference = models.CharField(_("dokumen pelaksanaan"), max_length=120)
    justification = models.TextField(_("justifikasi"))
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return f"{self.item} {self.price}"


class UsulanStatus(models.TextChoices):
    MENUNGGU = "menunggu", _("Menunggu keputusan forum")
    DITERIMA = "diterima", _("Diterima forum")
    DITOLAK = "ditolak", _("Ditolak")
    BELUM = "belum_disepakati", _("Belum disepakati")
    DITETAPKAN = "ditetapkan", _("Masuk RKPD")


class Usulan(models.Model):
    planning_year = models.ForeignKey(PlanningYear, on_delete=models.PROTECT, related_name="usulan")
    number = models.CharField(_("nomor"), max_length=24, unique=True)
    title = models.CharField(_("nama usulan"), max_length=200)
    description = models.TextField(_("uraian/permasalahan"), blank=True)
    source = models.CharField(_("sumber"), max_length=12, choices=Source.choices)
    entry_stage = models.CharField(_("tahap masuk"), max_length=12, choices=Stage.choices)
    current_stage = models.CharField(_("tahap sekarang"), max_length=12, choices=Stage.choices, db_index=True)
    status = models.CharField(_("status"), max_length=20, choices=UsulanStatus.choices,
                              default=UsulanStatus.MENUNGGU, db_index=True)
    kamus = models.ForeignKey(KamusEntry, on_delete=models.PROTECT, related_name="usulan",
                              verbose_name=_("kamus usulan"))
    kecamatan = models.ForeignKey("regions.Region", on_delete=models.PROTECT, related_name="+")
    kelurahan = models.ForeignKey("regions.Region", on_delete=models.PROTECT, related_name="+")
    rw = models.CharField(_("RT/RW"), max_length=20, blank=True)
    location_text = models.CharField(_("lokasi (jalan/patokan)"), max_length=200)
    lat = models.FloatField()
    lon = models.FloatField()
    volume = models.DecimalField(_("volume"), max_digits=12, decimal_places=2)
    satuan = models.CharField(_("satuan"), max_length=30)
    rumpun = models.CharField(_("bidang/rumpun"), max_length=20, choices=Rumpun.choices)
    agency = models.ForeignKey("agencies.Agency", on_delete=models.PROTECT, related_name="+",
                               verbose_name=_("OPD penanggung jawab"))
    estimated_cost = models.DecimalField(_("perkiraan biaya (Rp)"), max_digits=16, decimal_places=0, default=0)
    urgency = models.PositiveSmallIntegerField(_("urgensi (1–5)"), default=3,
                                               validators=[MinValueValidator(1), MaxValueValidator(5)])
    beneficiaries = models.PositiveIntegerField(_("jumlah penerima manfaat"), default=0)
    alignment = models.PositiveSmallIntegerField(_("keselarasan sasaran"), choices=Alignment.choices,
                                                 default=Alignment.NONE)
    # Private: never on public pages, open data or exports (only the source type is public).
    proposer = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
                                 related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("usulan")
        verbose_name_plural = _("usulan")

    def __str__(self) -> str:
        return f"{self.number} {self.title}"


class UsulanComponent(models.Model):
    """One costed line: quantity × unit price of an SSH/HSPK/ASB item of the current version (rule 29)."""

    usulan = models.ForeignKey(Usulan, on_delete=models.CASCADE, related_name="components")
    item = models.ForeignKey(PriceItem, on_delete=models.PROTECT, related_name="+")
    quantity = models.DecimalField(max_digits=12, decimal_places=2)
    unit_price = models.DecimalField(max_digits=16, decimal_places=0)
    subtotal = models.DecimalField(max_digits=18, decimal_places=0)

    class Meta:
        ordering = ["pk"]

    def __str__(self) -> str:
        return f"{self.item} x {self.quantity}"


class Attachment(models.Model):
    usulan = models.ForeignKey(Usulan, on_delete=models.CASCADE, related_name="attachments")
    is_photo = models.BooleanField(default=True)
    file = models.FileField(upload_to="planning/%Y/%m/")
    name = models.CharField(max_length=120)
    content_type = models.CharField(max_length=80)
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")
    uploaded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["pk"]

    def __str__(self) -> str:
        return self.name


class Forum(models.Model):
    """One forum of a stage: a kelurahan's (RW list or Musrenbang), a kecamatan's, an OPD's, or the city's.

    `key` is "kel:<code>", "kec:<code>", "opd:<agency code>" or "kota" (rules.FORUM_SCOPE)."""

    planning_year = models.ForeignKey(PlanningYear, on_delete=models.CASCADE, related_name="forums")
    stage = models.CharField(max_length=12, choices=Stage.choices)
    key = models.CharField(max_length=100)
    name = models.CharField(max_length=200)
    region = models.ForeignKey("regions.Region", on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    agency = models.ForeignKey("agencies.Agency", on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    closed_at = models.DateTimeField(null=True, blank=True)
    closed_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
                                  related_name="+")

    class Meta:
        ordering = ["planning_year", "stage", "name"]
        constraints = [models.UniqueConstraint(fields=["planning_year", "stage", "key"], name="forum_unique")]
        verbose_name = _("forum")
        verbose_name_plural = _("forum")

    def __str__(self) -> str:
        return f"{self.get_stage_display()} {self.name}"


class ForumDecision(models.Model):
    """Rule 22: the explicit decision of one forum on one usulan, with a reason; rank (rule 23) for accepted ones."""

    usulan = models.ForeignKey(Usulan, on_delete=models.CASCADE, related_name="decisions")
    forum = models.ForeignKey(Forum, on_delete=models.PROTECT, related_name="decisions")
    stage = models.CharField(max_length=12, choices=Stage.choices)
    decision = models.CharField(_("keputusan"), max_length=20, choices=Decision.choices)
    reason = models.TextField(_("alasan"))
    rank = models.PositiveIntegerField(_("nomor urut prioritas"), null=True, blank=True)
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    decided_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["usulan", "pk"]
        constraints = [models.UniqueConstraint(fields=["usulan", "stage"], name="decision_unique_stage")]

    def __str__(self) -> str:
        return f"{self.usulan} {self.stage}: {self.decision}"


class BeritaAcara(models.Model):
    """Rule 25: date, place, participants, agreed and unagreed lists; needed before the forum closes."""

    forum = models.OneToOneField(Forum, on_delete=models.CASCADE, related_name="berita_acara")
    held_on = models.DateField(_("tanggal"))
    place = models.CharField(_("tempat"), max_length=200)
    chair = models.CharField(_("pimpinan sidang"), max_length=120)
    participants = models.TextField(_("peserta (satu per baris)"))
    notes = models.TextField(_("catatan"), blank=True)
    agreed = models.JSONField(default=list)
    unagreed = models.JSONField(default=list)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return f"Berita acara {self.forum}"

    @property
    def participant_list(self) -> list[str]:
        return [line.strip() for line in self.participants.splitlines() if line.strip()]
