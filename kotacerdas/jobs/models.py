"""Siduta, the labour information system: job seekers with their AK/1 card, partner companies, vacancies,
applications and placements, job fairs and trainings, and the TPT figures published by BPS.

Rules (egov-rules §5 and §9 rules 33-37) live in `rules.py` (settings with defaults and their sources) and are
enforced in `actions.py`.
"""

from __future__ import annotations

import csv
import secrets
from pathlib import Path

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

DATA_DIR = Path(__file__).resolve().parent / "data"


def _kbli_sections() -> list[tuple[str, str]]:
    """KBLI 2020 kategori A-U (Peraturan BPS 2/2020), from data/kbli_2020_sections.csv."""
    with open(DATA_DIR / "kbli_2020_sections.csv", encoding="utf-8", newline="") as fh:
        return [(row["code"], f"{row['code']} - {row['name']}") for row in csv.DictReader(fh)]


KBLI_SECTIONS = _kbli_sections()


class Education(models.TextChoices):
    """Pendidikan formal, in the order of the Indonesian school system (UU 20/2003 jenjang)."""

    TIDAK_SEKOLAH = "tidak_sekolah", _("Tidak/belum sekolah")
    SD = "sd", _("SD/sederajat")
    SMP = "smp", _("SMP/sederajat")
    SMA = "sma", _("SMA/SMK/sederajat")
    D3 = "d3", _("Diploma (D1-D3)")
    S1 = "s1", _("D4/S1")
    S2 = "s2", _("S2")
    S3 = "s3", _("S3")


EDUCATION_RANK = {value: rank for rank, value in enumerate(Education.values)}


class Gender(models.TextChoices):
    LAKI = "L", _("Laki-laki")
    PEREMPUAN = "P", _("Perempuan")


class Marital(models.TextChoices):
    BELUM = "belum_kawin", _("Belum kawin")
    KAWIN = "kawin", _("Kawin")
    CERAI_HIDUP = "cerai_hidup", _("Cerai hidup")
    CERAI_MATI = "cerai_mati", _("Cerai mati")


class Religion(models.TextChoices):
    # The six religions on the KTP plus "Kepercayaan" (Putusan MK 97/PUU-XIV/2016).
    ISLAM = "islam", _("Islam")
    KRISTEN = "kristen", _("Kristen")
    KATOLIK = "katolik", _("Katolik")
    HINDU = "hindu", _("Hindu")
    BUDDHA = "buddha", _("Buddha")
    KONGHUCU = "konghucu", _("Khonghucu")
    KEPERCAYAAN = "kepercayaan", _("Kepercayaan terhadap Tuhan YME")


def cv_path(instance: SeekerProfile, filename: str) -> str:
    # A random name: the file name a person chose may contain their name or NIK.
    return f"jobs/cv/{secrets.token_hex(12)}.pdf"


def photo_path(instance: SeekerProfile, filename: str) -> str:
    ext = filename.rsplit(".", 1)[-1].lower() if "." in filename else "jpg"
    return f"jobs/foto/{secrets.token_hex(12)}.{ext if ext in ('jpg', 'png', 'webp') else 'jpg'}"


class SeekerProfile(models.Model):
    """A job seeker (pencari kerja): a warga account with the data of the AK/1 card (egov-rules §5.2)."""

    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="seeker")
    nik = models.CharField(_("NIK"), max_length=16, unique=True)
    birth_place = models.CharField(_("tempat lahir"), max_length=80)
    birth_date = models.DateField(_("tanggal lahir"))
    gender = models.CharField(_("jenis kelamin"), max_length=1, choices=Gender.choices)
    marital_status = models.CharField(_("status perkawinan"), max_length=12, choices=Marital.choices)
    religion = models.CharField(_("agama"), max_length=12, choices=Religion.choices)
    address = models.CharField(_("alamat"), max_length=255)
    # The NIK's region (first 6 digits, dotted) is where the KTP was issued; `kecamatan` is where the seeker
    # lives now (for matching by location), a kecamatan of the city when known.
    nik_region = models.CharField(_("kode wilayah NIK"), max_length=8)
    kecamatan = models.ForeignKey("regions.Region", on_delete=models.PROTECT, null=True, blank=True,
                                  related_name="+", verbose_name=_("kecamatan domisili"))
    education = models.CharField(_("pendidikan terakhir"), max_length=16, choices=Education.choices)
    education_major = models.CharField(_("jurusan"), max_length=120, blank=True)
    nonformal_education = models.TextField(_("pendidikan non-formal (kursus, pelatihan)"), blank=True)
    skills = models.JSONField(_("keterampilan"), default=list, blank=True)
    experience_years = models.DecimalField(_("pengalaman kerja (tahun)"), max_digits=4, decimal_places=1, default=0)
    experience = models.TextField(_("riwayat pekerjaan"), blank=True)
    cv = models.FileField(_("CV (PDF)"), upload_to=cv_path, blank=True)
    photo = models.ImageField(_("pas foto"), upload_to=photo_path, blank=True)
    created = models.DateTimeField(auto_now_add=True)
    updated = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("pencari kerja")
        verbose_name_plural = _("pencari kerja")

    def __str__(self) -> str:
        return self.user.display_name

    @property
    def education_rank(self) -> int:
        return EDUCATION_RANK.get(self.education, 0)


class CardStatus(models.TextChoices):
    DIMINTA = "diminta", _("Menunggu penerbitan")
    AKTIF = "aktif", _("Aktif")
    NONAKTIF = "nonaktif", _("Nonaktif (tidak lapor)")
    KEDALUWARSA = "kedaluwarsa", _("Kedaluwarsa")
    DITEMPATKAN = "ditempatkan", _("Sudah bekerja")
    DIGANTI = "diganti", _("Diganti (diperpanjang)")


def new_token() -> str:
    return secrets.token_urlsafe(16)


class Ak1Card(models.Model):
    """Kartu Tanda Bukti Pendaftaran Pencari Kerja (AK/1, Permenaker 39/2016): valid 2 years, report every 6 months
    (egov-rules §5.2, rule 34). A request (status `diminta`) becomes a card when the pengantar kerja issues it."""

    seeker = models.ForeignKey(SeekerProfile, on_delete=models.CASCADE, related_name="cards")
    number = models.CharField(_("nomor pencari kerja"), max_length=32, unique=True, null=True, blank=True)
    status = models.CharField(_("status"), max_length=12, choices=CardStatus.choices, default=CardStatus.DIMINTA,
                              db_index=True)
    requested_at = models.DateTimeField(auto_now_add=True)
    issued_on = models.DateField(_("tanggal terbit"), null=True, blank=True)
    valid_until = models.DateField(_("berlaku sampai"), null=True, blank=True)
    next_report_due = models.DateField(_("batas lapor berikutnya"), null=True, blank=True)
    officer = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
                                related_name="+", verbose_name=_("pengantar kerja"))
    officer_name = models.CharField(_("nama pengantar kerja"), max_length=120, blank=True)
    # The public verification URL carries this token, never the NIK or the card number alone.
    token = models.CharField(max_length=32, unique=True, default=new_token)
    status_changed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-requested_at"]
        verbose_name = _("kartu AK/1")
        verbose_name_plural = _("kartu AK/1")

    def __str__(self) -> str:
        return self.number or _("Permohonan AK/1")


class Ak1Report(models.Model):
    """One six-monthly report (wajib lapor, "4 kali dalam 2 tahun")."""

    class Outcome(models.TextChoices):
        MASIH_MENCARI = "masih_mencari", _("Masih mencari kerja")
        SUDAH_BEKERJA = "sudah_bekerja", _("Sudah bekerja")

    card = models.ForeignKey(Ak1Card, on_delete=models.CASCADE, related_name="reports")
    sequence = models.PositiveSmallIntegerField(_("lapor ke-"))
    reported_on = models.DateField(_("tanggal lapor"))
    outcome = models.CharField(_("keadaan"), max_length=16, choices=Outcome.choices)
    note = models.CharField(_("catatan"), max_length=255, blank=True)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")

    class Meta:
        ordering = ["card", "sequence"]
        constraints = [models.UniqueConstraint(fields=["card", "sequence"], name="jobs_report_once_per_period")]

    def __str__(self) -> str:
        return f"{self.card} #{self.sequence}"


class CompanyStatus(models.TextChoices):
    MENUNGGU = "menunggu", _("Menunggu verifikasi")
    TERVERIFIKASI = "terverifikasi", _("Terverifikasi")
    DITOLAK = "ditolak", _("Ditolak")


class Company(models.Model):
    """A partner company (perusahaan mitra). Only a verified company may publish vacancies."""

    name = models.CharField(_("nama perusahaan"), max_length=160)
    nib = models.CharField(_("NIB (Nomor Induk Berusaha)"), max_length=13, blank=True)
    sector = models.CharField(_("sektor (KBLI)"), max_length=1, choices=KBLI_SECTIONS)
    address = models.CharField(_("alamat"), max_length=255, blank=True)
    kecamatan = models.ForeignKey("regions.Region", on_delete=models.PROTECT, null=True, blank=True,
                                  related_name="+", verbose_name=_("kecamatan"))
    description = models.TextField(_("profil singkat"), blank=True)
    website = models.URLField(_("situs web"), blank=True)
    status = models.CharField(_("status"), max_length=14, choices=CompanyStatus.choices,
                              default=CompanyStatus.MENUNGGU, db_index=True)
    verified_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
                                    related_name="+")
    verified_at = models.DateTimeField(null=True, blank=True)
    review_note = models.CharField(_("catatan verifikasi"), max_length=255, blank=True)
    source = models.CharField(_("sumber data"), max_length=200, blank=True)
    created = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("perusahaan")
        verbose_name_plural = _("perusahaan")

    def __str__(self) -> str:
        return self.name


class CompanyMember(models.Model):
    """An employer account of a company; a company has several, the `is_admin` ones may add colleagues."""

    company = models.ForeignKey(Company, on_delete=models.CASCADE, related_name="members")
    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="company_member")
    is_admin = models.BooleanField(_("admin perusahaan"), default=False)
    created = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return f"{self.user} @ {self.company}"


class VacancyStatus(models.TextChoices):
    MENUNGGU = "menunggu", _("Menunggu moderasi")
    TERBIT = "terbit", _("Terbit")
    DITOLAK = "ditolak", _("Ditolak")
    DITUTUP = "ditutup", _("Ditutup")


class Vacancy(models.Model):
    company = models.ForeignKey(Company, on_delete=models.PROTECT, related_name="vacancies")
    title = models.CharField(_("posisi"), max_length=120)
    description = models.TextField(_("deskripsi pekerjaan"))
    sector = models.CharField(_("sektor (KBLI)"), max_length=1, choices=KBLI_SECTIONS)
    education_min = models.CharField(_("pendidikan minimal"), max_length=16, choices=Education.choices)
    skills = models.JSONField(_("keterampilan"), default=list, blank=True)
    experience_min_years = models.PositiveSmallIntegerField(_("pengalaman minimal (tahun)"), default=0)
    kecamatan = models.ForeignKey("regions.Region", on_delete=models.PROTECT, related_name="+",
                                  verbose_name=_("lokasi kerja (kecamatan)"))
    salary_min = models.PositiveIntegerField(_("gaji minimal (Rp/bulan)"), null=True, blank=True)
    salary_max = models.PositiveIntegerField(_("gaji maksimal (Rp/bulan)"), null=True, blank=True)
    quota = models.PositiveSmallIntegerField(_("kuota"))
    closes_on = models.DateField(_("batas lamaran"))
    status = models.CharField(_("status"), max_length=10, choices=VacancyStatus.choices,
                              default=VacancyStatus.MENUNGGU, db_index=True)
    moderated_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
                                     related_name="+")
    moderated_at = models.DateTimeField(null=True, blank=True)
    moderation_note = models.CharField(_("catatan moderasi"), max_length=255, blank=True)
    published_at = models.DateTimeField(null=True, blank=True, db_index=True)
    # Stemmed words of title, description, skills and company (kotacerdas.lib.stemmer_id) for engines without
    # an Indonesian text-search configuration (SQLite); PostgreSQL searches with SearchVector(config="indonesian").
    search_text = models.TextField(blank=True, editable=False)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-published_at", "-created"]
        verbose_name = _("lowongan")
        verbose_name_plural = _("lowongan")

    def __str__(self) -> str:
        return f"{self.title} — {self.company.name}"


class Stage(models.TextChoices):
    DIKIRIM = "dikirim", _("Dikirim")
    DITERIMA = "diterima", _("Diterima (berkas lengkap)")
    SELEKSI = "seleksi", _("Seleksi")
    WAWANCARA = "wawancara", _("Wawancara")
    DITOLAK = "ditolak", _("Ditolak")
    DITEMPATKAN = "ditempatkan", _("Ditempatkan")


class Application(models.Model):
    vacancy = models.ForeignKey(Vacancy, on_delete=models.PROTECT, related_name="applications")
    seeker = models.ForeignKey(SeekerProfile, on_delete=models.PROTECT, related_name="applications")
    stage = models.CharField(_("tahap"), max_length=12, choices=Stage.choices, default=Stage.DIKIRIM, db_index=True)
    cover_letter = models.TextField(_("surat lamaran singkat"), blank=True)
    # The CV as it was when applying: the seeker may replace the profile's CV later.
    cv = models.FileField(upload_to="jobs/lamaran/", blank=True)
    match_score = models.FloatField(null=True, blank=True)
    created = models.DateTimeField(auto_now_add=True)
    stage_changed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created"]
        constraints = [models.UniqueConstraint(fields=["vacancy", "seeker"], name="jobs_apply_once")]

    def __str__(self) -> str:
        return f"{self.seeker} -> {self.vacancy_id}"


class ApplicationEvent(models.Model):
    """Every stage change of an application (what both sides see as its history)."""

    application = models.ForeignKey(Application, on_delete=models.CASCADE, related_name="events")
    from_stage = models.CharField(max_length=12, choices=Stage.choices, blank=True)
    to_stage = models.CharField(max_length=12, choices=Stage.choices)
    note = models.CharField(_("catatan"), max_length=255, blank=True)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["at", "pk"]

    def __str__(self) -> str:
        return f"{self.from_stage} -> {self.to_stage}"


class Placement(models.Model):
    """A seeker placed in work (rule 36): company, position, date. Placed seekers leave the active count."""

    seeker = models.ForeignKey(SeekerProfile, on_delete=models.PROTECT, related_name="placements")
    application = models.OneToOneField(Application, on_delete=models.PROTECT, null=True, blank=True,
                                       related_name="placement")
    company = models.ForeignKey(Company, on_delete=models.PROTECT, related_name="placements")
    position = models.CharField(_("jabatan"), max_length=120)
    placed_on = models.DateField(_("tanggal penempatan"))
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-placed_on"]

    def __str__(self) -> str:
        return f"{self.seeker} @ {self.company}"


class EventKind(models.TextChoices):
    BURSA = "bursa_kerja", _("Bursa kerja (job fair)")
    PELATIHAN = "pelatihan", _("Pelatihan kerja")


class JobEvent(models.Model):
    kind = models.CharField(_("jenis"), max_length=12, choices=EventKind.choices)
    title = models.CharField(_("nama kegiatan"), max_length=160)
    description = models.TextField(_("keterangan"), blank=True)
    venue = models.CharField(_("tempat"), max_length=200)
    kecamatan = models.ForeignKey("regions.Region", on_delete=models.PROTECT, null=True, blank=True,
                                  related_name="+", verbose_name=_("kecamatan"))
    starts_on = models.DateField(_("tanggal mulai"))
    ends_on = models.DateField(_("tanggal selesai"))
    capacity = models.PositiveIntegerField(_("kapasitas peserta"))
    companies = models.ManyToManyField(Company, blank=True, related_name="events",
                                       verbose_name=_("perusahaan peserta"))
    source = models.CharField(_("sumber data"), max_length=200, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-starts_on"]
        verbose_name = _("bursa kerja/pelatihan")
        verbose_name_plural = _("bursa kerja/pelatihan")

    def __str__(self) -> str:
        return self.title


class EventRegistration(models.Model):
    event = models.ForeignKey(JobEvent, on_delete=models.CASCADE, related_name="registrations")
    seeker = models.ForeignKey(SeekerProfile, on_delete=models.CASCADE, related_name="event_registrations")
    created = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["event", "seeker"], name="jobs_register_once")]

    def __str__(self) -> str:
        return f"{self.seeker} @ {self.event}"


class TptFigure(models.Model):
    """Tingkat Pengangguran Terbuka as published by BPS (rule 37): entered by staff with its period and source,
    never computed from the app's own counts."""

    period = models.CharField(_("periode"), max_length=60, help_text=_("mis. Sakernas Agustus 2023"))
    year = models.PositiveSmallIntegerField(_("tahun"))
    rate = models.DecimalField(_("TPT (%)"), max_digits=5, decimal_places=2)
    source = models.CharField(_("sumber"), max_length=255)
    entered_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-year", "-created"]
        constraints = [models.UniqueConstraint(fields=["period", "year"], name="jobs_tpt_once_per_period")]

    def __str__(self) -> str:
        return f"TPT {self.period} {self.year}: {self.rate}%"
