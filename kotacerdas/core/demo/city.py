"""The demo city without complaints: Medan's regions, the OPD, complaint categories and their routing, and one
account per role. Idempotent: every step matches existing rows by code/username and updates them in place.
"""

from __future__ import annotations

import csv
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any

from django.conf import settings
from django.contrib.auth.hashers import make_password
from django.db import transaction

from kotacerdas.accounts.models import Role, User
from kotacerdas.agencies import loader as agency_loader
from kotacerdas.agencies.models import Agency
from kotacerdas.complaints import routing
from kotacerdas.complaints.models import Category, Classification
from kotacerdas.core.models import SiteSettings
from kotacerdas.regions.models import Level, Region

DATA = Path(__file__).resolve().parent / "data"
CITY_CODE = "12.71"
PUBLIC_NAME = "Medan Rumah Kita"
TRACKING_PREFIX = "MRK"
JURISDICTION_ID = "medan.go.id"
DEMO_PASSWORD = "demo12345"
KECAMATAN_MEDAN_KOTA = "12.71.01"
KELURAHAN_PASAR_BARU = "12.71.01.1001"

SDABMBK = "dinas-sumber-daya-air-bina-marga-dan-bina-konstruksi"

# Every OPD that receives cases in the demo needs a penghubung, or its cases could never be accepted. The
# accounts the README names come first; the rest are named after the usual abbreviation of the OPD.
PENGHUBUNG = {
    "dinas-lingkungan-hidup": ("dlh", "Dewi Lubis", "Penghubung DLH"),
    "dinas-perhubungan": ("dishub", "Hendra Tarigan", "Penghubung Dishub"),
    SDABMBK: ("binamarga", "Rizal Harahap", "Penghubung Dinas SDA, Bina Marga dan Bina Konstruksi"),
    "dinas-perumahan-kawasan-permukiman-cipta-karya-dan-tata-ruang": ("perkim", "Sari Nainggolan",
                                                                      "Penghubung Dinas Perkim Cipta Karya"),
    "satpol-pp": ("satpolpp", "Bonar Silalahi", "Penghubung Satpol PP"),
    "pdam-tirtanadi": ("tirtanadi", "Yanti Hasibuan", "Petugas pengaduan PDAM Tirtanadi"),
    "dinas-kependudukan-dan-catatan-sipil": ("disdukcapil", "Fauzan Daulay", "Penghubung Disdukcapil"),
    "dinas-kesehatan": ("dinkes", "dr. Lestari Pohan", "Penghubung Dinas Kesehatan"),
    "dinas-pendidikan-dan-kebudayaan": ("disdik", "Mangasi Simbolon", "Penghubung Dinas Pendidikan"),
    "dinas-sosial": ("dinsos", "Ratna Situmorang", "Penghubung Dinas Sosial"),
    "dinas-pemadam-kebakaran-dan-penyelamatan": ("damkar", "Eko Prasetyo", "Penghubung Damkar"),
    "inspektorat": ("inspektorat", "Halimah Rangkuti", "Penghubung Inspektorat"),
    "badan-kepegawaian-dan-pengembangan-sdm": ("bkpsdm", "Roy Sihombing", "Penghubung BKPSDM"),
    "badan-pendapatan-daerah": ("bapenda", "Desi Sianturi", "Penghubung Bapenda"),
    "dinas-pemuda-dan-olahraga": ("dispora", "Andi Saragih", "Penghubung Dispora"),
    "dinas-koperasi-ukm-perindustrian-dan-perdagangan": ("disperindag", "Lia Manurung",
                                                         "Penghubung Dinas Koperasi UKM Perindag"),
    "dinas-p3apmp2kb": ("dp3a", "Nurul Hidayah", "Penghubung DP3APMP2KB"),
    "dinas-ketenagakerjaan": ("naker", "Samuel Panjaitan", "Penghubung Disnaker"),
    "dinas-kominfo": ("kominfo", "Tiara Lubis", "Penghubung Diskominfo"),
}

# A few kantor lurah are enough to show the kelurahan level: those of Medan Kota, where the lurah account sits.
KELURAHAN_OFFICES_UNDER = KECAMATAN_MEDAN_KOTA


class DemoRefused(RuntimeError):
    """Demo accounts with a published password must never reach a real installation."""


@dataclass
class CitySummary:
    city: Region
    agencies: agency_loader.LoadResult
    categories: int
    rules: int
    accounts: dict[str, User] = field(default_factory=dict)


def require_demo() -> None:
    if not settings.DEMO:
        raise DemoRefused(
            "Akun demo (kata sandi demo12345) hanya dibuat bila DEMO=1. Jalankan: DEMO=1 python manage.py "
            "seed_demo. Jangan jalankan seed_demo pada instalasi produksi."
        )


def read_categories() -> list[dict[str, str]]:
    with open(DATA / "categories.csv", encoding="utf-8", newline="") as fh:
        return list(csv.DictReader(fh))


def load_agencies(city: Region) -> agency_loader.LoadResult:
    """The 15 OPD of the bundled Medan CSV, the usual others (is_demo), and the kantor camat/lurah."""
    result = agency_loader.load_medan_opd(city)
    demo_rows = agency_loader.read_csv(DATA / "agencies.csv")
    result.merge(agency_loader.load_rows(demo_rows, city, is_demo=True))
    kelurahan = Region.objects.filter(parent__code=KELURAHAN_OFFICES_UNDER, level=Level.KELURAHAN)
    result.merge(agency_loader.setup_area_offices(
        city, kelurahan.values_list("code", flat=True), is_demo=True))
    return result


def load_categories(city: Region) -> tuple[int, int]:
    """Categories from data/categories.csv, each with a city-wide routing rule and optional per-kecamatan
    rules to the kantor camat. Returns (categories, rules written); an unchanged rule is not rewritten."""
    agencies = {a.code: a for a in Agency.objects.all()}
    rules_written = 0
    rows = read_categories()
    for row in rows:
        category, _created = Category.objects.update_or_create(
            code=row["code"],
            defaults={
                "name": row["name"], "name_en": row["name_en"], "group": row["group"],
                "keywords": row["keywords"], "description": row["description"],
                "requires_after_photo": row["requires_after_photo"] == "1",
                "classification": row["classification"] or Classification.PENGADUAN, "is_active": True,
            },
        )
        rules_written += _ensure_rule(category, agencies[row["agency"]], None)
        for kec_code in filter(None, row["kecamatan_agency"].split(";")):
            kec = Region.objects.get(code=kec_code, parent=city)
            office = Agency.objects.get(region=kec, kind="kecamatan")
            rules_written += _ensure_rule(category, office, kec)
    return len(rows), rules_written


def _ensure_rule(category: Category, agency: Agency, kecamatan: Region | None) -> int:
    # set_rule always closes the current row and opens a new one; re-running the seed must not pile up rows.
    current = routing.current_rules().filter(category=category, kecamatan=kecamatan).first()
    if current is not None and current.agency_id == agency.pk:
        return 0
    routing.set_rule(category, agency, kecamatan=kecamatan, note="seed_demo")
    return 1


@lru_cache(maxsize=1)
def _demo_password_hash() -> str:
    # One PBKDF2 run (~0.4 s) shared by every demo account instead of fifty: the password is published in
    # the README anyway, so a shared salt protects nothing less.
    return make_password(DEMO_PASSWORD)


def _account(username: str, role: str, full_name: str, **extra: Any) -> User:
    first, _sep, last = full_name.partition(" ")
    values = {"role": role, "first_name": first, "last_name": last, "is_demo": True,
              "email": f"{username}@demo.medan.go.id", **extra}
    user = User.objects.filter(username=username).first()
    if user is None:
        user = User(username=username, **values)
        # Set once: a visitor who changed a demo password keeps it on the next seed.
        user.password = _demo_password_hash()
        user.save()
        return user
    for key, value in values.items():
        setattr(user, key, value)
    user.save()
    return user


def load_accounts(city: Region) -> dict[str, User]:
    require_demo()
    agency = {a.code: a for a in Agency.objects.all()}
    kec_kota = Region.objects.get(code=KECAMATAN_MEDAN_KOTA)
    kel_pb = Region.objects.get(code=KELURAHAN_PASAR_BARU)
    users: dict[str, User] = {
        "warga": _account("warga", Role.WARGA, "Wati Siregar", phone="081234567890"),
        "admin": _account("admin", Role.ADMIN_KOORDINATOR, "Adi Nasution", agency=agency["dinas-kominfo"],
                          position="Admin koordinator Medan Rumah Kita"),
        "kadlh": _account("kadlh", Role.PENGHUBUNG, "Kepala DLH", agency=agency["dinas-lingkungan-hidup"],
                          position="Kepala Dinas Lingkungan Hidup"),
        "petugas": _account("petugas", Role.PETUGAS, "Putra Sinaga", agency=agency["dinas-lingkungan-hidup"],
                            position="Petugas lapangan DLH"),
        "operator": _account("operator", Role.OPERATOR, "Oscar Manurung", position="Operator Command Center"),
        "walikota": _account("walikota", Role.PIMPINAN, "Wali Kota", position="Wali Kota Medan"),
        "sekda": _account("sekda", Role.PIMPINAN, "Sekretaris Daerah", position="Sekretaris Daerah Kota Medan"),
        "camat": _account("camat", Role.PIMPINAN, "Camat Medan Kota", region=kec_kota,
                          position="Camat Medan Kota"),
        "lurah": _account("lurah", Role.PIMPINAN, "Lurah Pasar Baru", region=kel_pb, position="Lurah Pasar Baru"),
        "superadmin": _account("superadmin", Role.SUPERADMIN, "Super Admin", is_superuser=True, is_staff=True),
    }
    for code, (username, name, position) in PENGHUBUNG.items():
        users[username] = _account(username, Role.PENGHUBUNG, name, agency=agency[code], position=position)
    for office in Agency.objects.filter(kind="kecamatan", routing_rules__valid_to__isnull=True).distinct():
        username = f"kec-{office.region.code.replace('.', '')}"
        users[username] = _account(username, Role.PENGHUBUNG, f"Staf {office.name}", agency=office,
                                   position=f"Penghubung {office.name}")
    dlh = agency["dinas-lingkungan-hidup"]
    if dlh.head_id != users["kadlh"].pk:
        dlh.head = users["kadlh"]
        dlh.save(update_fields=["head"])
    return users


@transaction.atomic
def setup_city(*, accounts: bool = True) -> CitySummary:
    from kotacerdas.regions.loader import setup_region

    city = setup_region(CITY_CODE, activate=True)
    site = SiteSettings.load()
    site.public_name, site.tracking_prefix, site.jurisdiction_id = PUBLIC_NAME, TRACKING_PREFIX, JURISDICTION_ID
    site.save()
    agencies = load_agencies(city)
    categories, rules = load_categories(city)
    users = load_accounts(city) if accounts else {}
    return CitySummary(city=city, agencies=agencies, categories=categories, rules=rules, accounts=users)
