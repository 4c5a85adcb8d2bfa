"""The Siduta demo for Medan (`manage.py seed_jobs`). Idempotent: rows are matched by name, username or NIK and left
alone when they exist, so a second run changes nothing.

What is real (with its source) and what is made up:
- the 21 employers of the Job Fair 2025 of Disnaker Kota Medan (6 Nov 2025, Kantor Disnaker, Jl. KH Wahid Hasyim) and
  the positions the article reported (data/medan_jobfair_2025_companies.csv, koranmonitor.com/?p=73064); their KBLI
  section is our estimate from the name;
- Medan's TPT as published from BPS Sakernas: 10.81% (Aug 2021), 8.89% (Aug 2022), 8.67% (2023) (egov-rules §5.3,
  [S76, S77]);
- everything else (generated companies, vacancies, seekers with NIKs, CVs, applications, placements, the job fair
  mini and the training) is generated for the demo (is_demo accounts; companies' `source` says "data demo").
Accounts (password demo12345, only with DEMO=1): `disnaker` (Disnaker officer), `perusahaan1`..
`perusahaan10` (admins of the first ten job-fair companies), `pencaker1`..`pencaker60`.
"""

from __future__ import annotations

import csv
import random
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from decimal import Decimal

from django.conf import settings
from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone

from kotacerdas.accounts.models import Role, User
from kotacerdas.core.deadlines import site_timezone, to_local
from kotacerdas.jobs import rules, selectors
from kotacerdas.jobs.models import (
    DATA_DIR,
    Ak1Card,
    Ak1Report,
    Application,
    ApplicationEvent,
    CardStatus,
    Company,
    CompanyMember,
    CompanyStatus,
    EventKind,
    EventRegistration,
    JobEvent,
    Placement,
    SeekerProfile,
    Stage,
    TptFigure,
    Vacancy,
    VacancyStatus,
)
from kotacerdas.lib import job_matching as jm
from kotacerdas.lib import pdf
from kotacerdas.regions.selectors import kecamatan_choices

DEMO_PASSWORD = "demo12345"
# Not "disnaker": the complaints demo (core/demo/city.py) already has that username for Disnaker's penghubung OPD.
DISNAKER_USERNAME = "disnaker"
SEEKERS = 60
COMPANY_ACCOUNTS = 10
GENERATED_COMPANIES = 19
JOBFAIR_SOURCE = "Job Fair 2025 Disnaker Kota Medan (koranmonitor.com/?p=73064, 6 Nov 2025)"
DEMO_SOURCE = "data demo (buatan)"

# Our estimate of each job-fair employer's KBLI 2020 section, from its name.
JOBFAIR_SECTORS = {
    "Alfamidi": "G", "Alfamart": "G", "RS Mitra Medika Premier": "Q", "Bank Mandiri": "K", "Pesona Optima Jasa": "N",
    "Karibia Boutique Hotel": "I", "PT Sedia Argo Ternak": "A", "PT Fastrata Buana": "G",
    "Bintang Mitra Daya Sembada": "N", "PT Dexton Indo": "N", "PT Dara Indonesia": "N", "PT Bistronomix": "I",
    "Nusanet": "J", "PKSS": "N", "Bank Mega": "K", "Bisa Group": "N", "Grand City Hall": "I",
    "RSU Bunda Thamrin": "Q", "Panca Buana": "G", "Indo Mobil-Hino": "G", "Reksa": "N",
}
# The positions the article reported (places for applicants with disabilities).
REPORTED = {
    "Alfamidi": ("Crew store (disabilitas)", 3, "Tiga tempat untuk pelamar tunarungu, tunawicara atau disabilitas "
                 "fisik: 2 laki-laki, 1 perempuan."),
    "Alfamart": ("Crew store (disabilitas)", 6, "Enam tempat untuk pelamar penyandang disabilitas: 3 laki-laki, "
                 "3 perempuan."),
    "RS Mitra Medika Premier": ("Housekeeping (disabilitas)", 17, "Tujuh belas tempat untuk pelamar tunawicara: "
                                "10 laki-laki, 7 perempuan."),
}
# (title, education, skills, experience years) per KBLI section.
TEMPLATES: dict[str, list[tuple[str, str, list[str], int]]] = {
    "A": [("Staf kandang", "smp", ["peternakan", "kebersihan"], 0), ("Mandor peternakan", "sma",
                                                                     ["peternakan", "manajemen"], 2)],
    "C": [("Operator produksi", "sma", ["mesin produksi", "k3"], 0), ("Teknisi las", "sma", ["las", "listrik"], 1)],
    "F": [("Tukang bangunan", "sd", ["pertukangan", "k3"], 1), ("Drafter", "d3", ["autocad", "gambar teknik"], 1)],
    "G": [("Kasir", "sma", ["kasir", "pelayanan pelanggan", "microsoft excel"], 0),
          ("Pramuniaga", "sma", ["pelayanan pelanggan", "penataan barang"], 0),
          ("Sales lapangan", "sma", ["penjualan", "negosiasi", "sim c"], 1),
          ("Admin gudang", "sma", ["microsoft excel", "administrasi", "gudang"], 1),
          ("Mekanik kendaraan", "sma", ["mesin diesel", "otomotif"], 2)],
    "H": [("Pengemudi truk", "sma", ["sim b1", "mengemudi"], 2), ("Kurir", "sma", ["sim c", "mengemudi"], 0)],
    "I": [("Juru masak", "sma", ["memasak", "food hygiene"], 1), ("Pelayan restoran", "sma",
                                                                  ["pelayanan pelanggan", "bahasa inggris"], 0),
          ("Resepsionis hotel", "d3", ["bahasa inggris", "pelayanan pelanggan", "microsoft excel"], 1),
          ("Housekeeping", "smp", ["kebersihan"], 0)],
    "J": [("Teknisi jaringan", "sma", ["jaringan komputer", "fiber optik"], 1),
          ("Programmer", "s1", ["python", "sql", "jaringan komputer"], 2),
          ("Customer service", "sma", ["pelayanan pelanggan", "microsoft excel"], 0)],
    "K": [("Teller", "d3", ["pelayanan pelanggan", "keuangan"], 0), ("Staf kredit", "s1",
                                                                    ["analisis kredit", "microsoft excel"], 1),
          ("Customer service", "d3", ["pelayanan pelanggan", "bahasa inggris"], 0)],
    "N": [("Satpam", "sma", ["keamanan", "gada pratama"], 0), ("Cleaning service", "smp", ["kebersihan"], 0),
          ("Staf administrasi", "sma", ["microsoft excel", "administrasi"], 1)],
    "Q": [("Perawat", "d3", ["keperawatan", "str perawat"], 1), ("Housekeeping", "smp", ["kebersihan"], 0),
          ("Apoteker", "s1", ["farmasi", "str apoteker"], 1)],
}
GENERATED_NAMES = [
    ("CV Deli Karya Teknik", "C"), ("PT Sumatera Logistik Nusantara", "H"), ("PT Medan Bangun Persada", "F"),
    ("CV Kopi Sidikalang Jaya", "I"), ("PT Sinar Belawan Ekspedisi", "H"), ("PT Toba Niaga Sejahtera", "G"),
    ("CV Karo Segar Tani", "A"), ("PT Kesawan Digital", "J"), ("PT Polonia Garmen", "C"),
    ("Koperasi Simpan Pinjam Maju Bersama", "K"), ("PT Amplas Motor", "G"), ("Klinik Sehat Sentosa", "Q"),
    ("PT Helvetia Plastik", "C"), ("CV Tembung Catering", "I"), ("PT Marelan Mandiri Security", "N"),
    ("PT Johor Elektrik", "C"), ("CV Labuhan Bahari", "A"), ("PT Sunggal Retail Indonesia", "G"),
    ("PT Petisah Solusi Teknologi", "J"),
]
FIRST_M = ["Andi", "Budi", "Rizky", "Fajar", "Hendra", "Joko", "Rahmat", "Dedi", "Ilham", "Yosua", "Roy", "Daniel",
           "Agus", "Bayu", "Putra"]
FIRST_F = ["Sari", "Dewi", "Rina", "Putri", "Nurul", "Maria", "Siti", "Indah", "Lestari", "Yohana", "Ayu", "Fitri",
           "Desi", "Wulan", "Rosa"]
LAST = ["Siregar", "Nasution", "Lubis", "Harahap", "Simanjuntak", "Sitompul", "Tarigan", "Ginting", "Sembiring",
        "Hasibuan", "Pohan", "Manurung", "Sinaga", "Saragih", "Purba", "Damanik"]
SKILL_POOL = sorted({s for items in TEMPLATES.values() for _t, _e, skills, _y in items for s in skills})
EDU_WEIGHTS = [("sd", 3), ("smp", 8), ("sma", 50), ("d3", 15), ("s1", 22), ("s2", 2)]
TPT = [("Sakernas Agustus", 2021, "10.81"), ("Sakernas Agustus", 2022, "8.89"), ("Sakernas Agustus", 2023, "8.67")]
TPT_SOURCE = "BPS Sakernas, dikutip sumut.antaranews.com/berita/551256 dan /598281 (egov-rules §5.3 S76, S77)"


@dataclass
class Summary:
    created: dict[str, int] = field(default_factory=dict)

    def add(self, key: str, n: int = 1) -> None:
        if n:
                self.created[key] = self.created.get(key, 0) + n

    def as_text(self) -> str:
        if not self.created:
            return "tidak ada perubahan (sudah lengkap)"
        return ", ".join(f"{k} +{v}" for k, v in sorted(self.created.items()))


def _cv_pdf() -> bytes:
    return pdf.render([pdf.heading("Curriculum Vitae"), pdf.paragraph("CV demo (data buatan).")], title="CV demo")


def _aware(day: date) -> datetime:
    from zoneinfo import ZoneInfo

    return datetime.combine(day, time(9, 0), tzinfo=ZoneInfo(site_timezone()))


_demo_hash: list[str] = []


def _demo_password_hash() -> str:
    """One PBKDF2 hash of the published demo password for all 70 accounts: hashing each would take most of the
    seed's time (hundreds of thousands of iterations apiece), and the password is public anyway."""
    from django.contrib.auth.hashers import make_password

    if not _demo_hash:
        _demo_hash.append(make_password(DEMO_PASSWORD))
    return _demo_hash[0]


def _user(username: str, role: str, full_name: str, summary: Summary, accounts: bool, **extra: object) -> User:
    user = User.objects.filter(username=username).first()
    if user:
        return user
    first, _, last = full_name.partition(" ")
    user = User(username=username, role=role, first_name=first, last_name=last, email=f"{username}@demo.kotacerdas.id",
                is_demo=True, **extra)
    if accounts:
        user.password = _demo_password_hash()
    else:
        user.set_unusable_password()
    user.save()
    summary.add("akun")
    return user


def _companies(summary: Summary, kecamatan: list, rng: random.Random) -> list[Company]:
    with open(DATA_DIR / "medan_jobfair_2025_companies.csv", encoding="utf-8", newline="") as fh:
        rows = list(csv.DictReader(fh))
    out = []
    for row in rows:
        company, created = Company.objects.get_or_create(name=row["company"], defaults={
            "sector": JOBFAIR_SECTORS.get(row["company"], "N"), "status": CompanyStatus.TERVERIFIKASI,
            "address": "Kota Medan", "kecamatan": rng.choice(kecamatan), "source": JOBFAIR_SOURCE,
            "description": "Peserta Job Fair 2025 Disnaker Kota Medan. Sektor KBLI diperkirakan dari nama.",
            "verified_at": timezone.now()})
        summary.add("perusahaan", int(created))
        out.append(company)
    for name, sector in GENERATED_NAMES[:GENERATED_COMPANIES]:
        company, created = Company.objects.get_or_create(name=name, defaults={
            "sector": sector, "status": CompanyStatus.TERVERIFIKASI, "address": "Kota Medan",
            "kecamatan": rng.choice(kecamatan), "source": DEMO_SOURCE, "verified_at": timezone.now(),
            "description": "Perusahaan demo (data buatan)."})
        summary.add("perusahaan", int(created))
        out.append(company)
    # One registration waiting for Disnaker, to show the verification queue.
    _, created = Company.objects.get_or_create(name="PT Demo Menunggu Verifikasi", defaults={
        "sector": "G", "address": "Jl. Demo 1, Medan", "source": DEMO_SOURCE})
    summary.add("perusahaan", int(created))
    return out


def _vacancies(companies: list[Company], disnaker: User, summary: Summary, kecamatan: list, rng: random.Random,
               today: date) -> list[Vacancy]:
    out = []
    base = rng.random()  # one draw: each company then has its own generator, so a re-run picks the same rows
    for n, company in enumerate(companies):
        rng = random.Random(f"{base}:{company.name}")
        picks: list[tuple[str, str, list[str], int, int, str]] = []
        if company.name in REPORTED:
            title, quota, note = REPORTED[company.name]
            skills = ["pelayanan pelanggan"] if "Crew" in title else ["kebersihan"]
            picks.append((title, "sma" if "Crew" in title else "smp", skills, 0, quota, note))
        templates = TEMPLATES.get(company.sector, TEMPLATES["N"])
        for title, edu, skills, years in rng.sample(templates, k=min(len(templates), 1 + n % 3)):
            picks.append((title, edu, skills, years, rng.choice([1, 2, 3, 5, 10]), ""))
        for i, (title, edu, skills, years, quota, note) in enumerate(picks):
            pending = n % 13 == 5 and i == 0  # a few wait for moderation
            salary = rng.choice([2_800_000, 3_100_000, 3_500_000, 4_000_000, 5_000_000, 6_500_000])
            description = (f"{title} di {company.name}. {note} Tanggung jawab sesuai posisi; kami mencari pelamar "
                           f"yang teliti dan mau belajar. Penempatan di Kota Medan.").replace("  ", " ")
            vacancy = Vacancy.objects.filter(company=company, title=title).first()
            if vacancy is None:
                vacancy = Vacancy(
                    company=company, title=title, description=description, sector=company.sector, education_min=edu,
                    skills=skills, experience_min_years=years, kecamatan=company.kecamatan or rng.choice(kecamatan),
                    salary_min=salary, salary_max=salary + rng.choice([0, 500_000, 1_000_000]), quota=quota,
                    closes_on=today + timedelta(days=rng.randint(10, 60)), created_by=disnaker,
                    status=VacancyStatus.MENUNGGU if pending else VacancyStatus.TERBIT)
                if not pending:
                    vacancy.moderated_by, vacancy.moderated_at = disnaker, timezone.now()
                    vacancy.published_at = _aware(today - timedelta(days=rng.randint(0, 20)))
                vacancy.search_text = selectors.search_text_for(vacancy)
                vacancy.save()
                summary.add("lowongan")
            out.append(vacancy)
    return out


def _nik(kecamatan_code: str, born: date, woman: bool, serial: int) -> str:
    day = born.day + (40 if woman else 0)
    return f"{kecamatan_code.replace('.', '')}{day:02d}{born.month:02d}{born.year % 100:02d}{serial:04d}"


def _seekers(summary: Summary, kecamatan: list, disnaker: User, rng: random.Random, today: date, accounts: bool
             ) -> list[SeekerProfile]:
    cv = _cv_pdf()
    out = []
    base = rng.random()
    for i in range(1, SEEKERS + 1):
        rng = random.Random(f"{base}:{i}")
        username = f"pencaker{i}"
        profile = SeekerProfile.objects.filter(user__username=username).first()
        if profile is not None:
            out.append(profile)
            continue
        woman = i % 2 == 1
        name = f"{rng.choice(FIRST_F if woman else FIRST_M)} {rng.choice(LAST)}"
        user = _user(username, Role.WARGA, name, summary, accounts, phone=f"0813{70000000 + i:08d}")
        kec = rng.choice(kecamatan)
        born = date(rng.randint(1980, 2006), rng.randint(1, 12), rng.randint(1, 28))
        education = rng.choices([e for e, _w in EDU_WEIGHTS], weights=[w for _e, w in EDU_WEIGHTS])[0]
        profile = SeekerProfile.objects.create(
            user=user, nik=_nik(kec.code, born, woman, 9000 + i), birth_place="Medan", birth_date=born,
            gender="P" if woman else "L", marital_status=rng.choice(["belum_kawin", "belum_kawin", "kawin"]),
            religion=rng.choice(["islam", "islam", "kristen", "katolik", "buddha"]),
            address=f"Jl. Demo No. {i}, {kec.name}", nik_region=kec.code, kecamatan=kec, education=education,
            skills=rng.sample(SKILL_POOL, k=rng.randint(2, 4)),
            experience_years=Decimal(rng.choice([0, 0, 1, 2, 3, 5])), experience="Riwayat kerja demo.",
            nonformal_education=rng.choice(["", "Kursus komputer", "Pelatihan BLK"]))
        profile.cv.save("cv.pdf", ContentFile(cv), save=True)
        # Registered some time ago (time to placement needs a history).
        registered = today - timedelta(days=rng.randint(20, 300))
        SeekerProfile.objects.filter(pk=profile.pk).update(created=_aware(registered))
        profile.created = _aware(registered)
        summary.add("pencari kerja")
        if i % 15 == 0:
            Ak1Card.objects.create(seeker=profile)  # waiting for the officer
            summary.add("kartu AK/1")
        else:
            _card(profile, disnaker, registered, today, skip_report=i % 10 == 7)
            summary.add("kartu AK/1")
        out.append(profile)
    return out


def _card(profile: SeekerProfile, officer: User, issued: date, today: date, skip_report: bool) -> Ak1Card:
    dates = rules.report_dates(issued)
    card = Ak1Card.objects.create(
        seeker=profile, issued_on=issued, valid_until=rules.add_months(issued, 12 * rules.ak1_valid_years()),
        officer=officer, officer_name=officer.display_name, status=CardStatus.AKTIF, status_changed_at=timezone.now())
    year_serial = Ak1Card.objects.filter(number__startswith=f"1271-{issued.year}-").count() + 1
    card.number = f"1271-{issued.year}-{year_serial:06d}"
    due = [d for d in dates if d < today]
    for seq, d in enumerate(due, start=1):
        if skip_report:
            break  # this seeker never reported: the sweep turns the card inactive
        Ak1Report.objects.create(card=card, sequence=seq, reported_on=d - timedelta(days=3), outcome="masih_mencari",
                                 recorded_by=officer)
    card.next_report_due = dates[len(due)] if (skip_report is False and len(due) < len(dates)) else (
        dates[0] if skip_report else None)
    card.save()
    return card


def _applications(vacancies: list[Vacancy], seekers: list[SeekerProfile], rng: random.Random, today: date,
                  summary: Summary) -> None:
    from kotacerdas.jobs import matching

    if Application.objects.filter(seeker__in=seekers).exists():
        return
    stages = [(Stage.DIKIRIM, 4), (Stage.DITERIMA, 3), (Stage.SELEKSI, 2), (Stage.WAWANCARA, 2), (Stage.DITOLAK, 2),
              (Stage.DITEMPATKAN, 2)]
    paths = {Stage.DIKIRIM: [], Stage.DITERIMA: [Stage.DITERIMA], Stage.SELEKSI: [Stage.DITERIMA, Stage.SELEKSI],
             Stage.WAWANCARA: [Stage.DITERIMA, Stage.WAWANCARA], Stage.DITOLAK: [Stage.DITERIMA, Stage.DITOLAK],
             Stage.DITEMPATKAN: [Stage.DITERIMA, Stage.WAWANCARA, Stage.DITEMPATKAN]}
    placed: set[int] = set()
    active = set(Ak1Card.objects.filter(status=CardStatus.AKTIF).values_list("seeker_id", flat=True))
    eligible = list(SeekerProfile.objects.filter(pk__in=[s.pk for s in seekers if s.pk in active])
                    .select_related("kecamatan").defer("kecamatan__boundary"))
    features = {s.pk: matching.seeker_features(s) for s in eligible}
    published = [v for v in vacancies if v.status == VacancyStatus.TERBIT]
    for vacancy in published:
        taken = 0
        wanted = matching.vacancy_features(vacancy)
        scores = {s.pk: jm.score(features[s.pk], wanted).score for s in eligible}
        ranked = sorted(eligible, key=lambda s: -scores[s.pk])[:rng.randint(1, 4)]
        for seeker in ranked:
            if seeker.pk in placed:
                continue
            stage = rng.choices([s for s, _w in stages], weights=[w for _s, w in stages])[0]
            if stage == Stage.DITEMPATKAN and taken >= vacancy.quota:
                stage = Stage.WAWANCARA
            app = Application.objects.create(vacancy=vacancy, seeker=seeker, stage=stage,
                                             match_score=scores[seeker.pk],
                                             cover_letter="Saya berminat (lamaran demo).")
            actor = vacancy.created_by
            ApplicationEvent.objects.create(application=app, to_stage=Stage.DIKIRIM, actor=actor)
            previous = Stage.DIKIRIM
            for step in paths[stage]:
                ApplicationEvent.objects.create(application=app, from_stage=previous, to_stage=step, actor=actor)
                previous = step
            summary.add("lamaran")
            if stage == Stage.DITEMPATKAN:
                registered = to_local(seeker.created).date()
                placed_on = min(today, registered + timedelta(days=rng.randint(14, 120)))
                Placement.objects.create(seeker=seeker, application=app, company=vacancy.company,
                                         position=vacancy.title, placed_on=placed_on, recorded_by=actor)
                seeker.cards.filter(status=CardStatus.AKTIF).update(status=CardStatus.DITEMPATKAN)
                placed.add(seeker.pk)
                taken += 1
                summary.add("penempatan")


def _events(companies: list[Company], seekers: list[SeekerProfile], disnaker: User, kecamatan: list, today: date,
            summary: Summary) -> None:
    with open(DATA_DIR / "medan_jobfair_2025_companies.csv", encoding="utf-8", newline="") as fh:
        rows = list(csv.DictReader(fh))
    first = rows[0]
    fair, created = JobEvent.objects.get_or_create(title=first["event"], defaults={
        "kind": EventKind.BURSA, "venue": first["venue"], "starts_on": date.fromisoformat(first["event_date"]),
        "ends_on": date.fromisoformat(first["event_date"]), "capacity": 1000, "source": JOBFAIR_SOURCE,
        "created_by": disnaker,
        "description": "Bursa kerja Disnaker Kota Medan dengan 21 perusahaan, termasuk tempat untuk penyandang "
                       "disabilitas."})
    if created:
        fair.companies.set(Company.objects.filter(name__in=[r["company"] for r in rows]))
        summary.add("kegiatan")
    mini, created = JobEvent.objects.get_or_create(title="Job Fair Mini Kecamatan (demo)", defaults={
        "kind": EventKind.BURSA, "venue": f"Kantor Camat {kecamatan[0].name}", "kecamatan": kecamatan[0],
        "starts_on": today + timedelta(days=14), "ends_on": today + timedelta(days=14), "capacity": 200,
        "source": DEMO_SOURCE, "created_by": disnaker,
        "description": "Job Fair Mini bergilir di kecamatan (Disnaker Medan menggelar 10 kali pada 2023)."})
    if created:
        mini.companies.set(companies[:8])
        for seeker in seekers[:12]:
            EventRegistration.objects.create(event=mini, seeker=seeker)
        summary.add("kegiatan")
    training, created = JobEvent.objects.get_or_create(title="Pelatihan Operator Komputer (demo)", defaults={
        "kind": EventKind.PELATIHAN, "venue": "Kantor Disnaker Kota Medan", "starts_on": today + timedelta(days=21),
        "ends_on": today + timedelta(days=25), "capacity": 20, "source": DEMO_SOURCE, "created_by": disnaker,
        "description": "Pelatihan microsoft excel dan administrasi perkantoran, lima hari."})
    if created:
        for seeker in seekers[12:30]:
            EventRegistration.objects.create(event=training, seeker=seeker)
        summary.add("kegiatan")


def seed(seed_value: int = 2025, accounts: bool | None = None) -> Summary:
    """Creates what is missing of the demo; raises ValueError when no city is set up."""
    from kotacerdas.jobs import actions

    accounts = settings.DEMO if accounts is None else accounts
    kecamatan = list(kecamatan_choices())
    if not kecamatan:
        raise ValueError("Kota belum disiapkan (setup_region); seed_jobs memerlukan kecamatan.")
    rng = random.Random(seed_value)
    today = selectors.today()
    summary = Summary()
    with transaction.atomic():
        disnaker = _user(DISNAKER_USERNAME, Role.DISNAKER, "Rahmad Pengantar Kerja", summary, accounts,
                         position="Pengantar Kerja Ahli Muda, Disnaker Kota Medan")
        companies = _companies(summary, kecamatan, rng)
        for n, company in enumerate(companies[:COMPANY_ACCOUNTS], start=1):
            user = _user(f"perusahaan{n}", Role.PERUSAHAAN, f"HRD {company.name}"[:60], summary, accounts)
            if not CompanyMember.objects.filter(user=user).exists():
                CompanyMember.objects.create(company=company, user=user, is_admin=True)
        vacancies = _vacancies(companies, disnaker, summary, kecamatan, rng, today)
        seekers = _seekers(summary, kecamatan, disnaker, rng, today, accounts)
        _applications(vacancies, seekers, rng, today, summary)
        _events(companies, seekers, disnaker, kecamatan, today, summary)
        for period, year, rate in TPT:
            _, created = TptFigure.objects.get_or_create(period=period, year=year, defaults={
                "rate": Decimal(rate), "source": TPT_SOURCE, "entered_by": disnaker})
            summary.add("TPT", int(created))
    swept = actions.sweep_ak1(today)
    if swept["nonaktif"] or swept["kedaluwarsa"]:
        summary.add("kartu nonaktif/kedaluwarsa", swept["nonaktif"] + swept["kedaluwarsa"])
    return summary
