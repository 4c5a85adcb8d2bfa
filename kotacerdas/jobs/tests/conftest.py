"""Siduta on the synthetic city of the root conftest (Medan codes; kecamatan Medan Kota 12.71.01, Medan Baru
12.71.05).

- `dina`: Disnaker officer (pengantar kerja);
- `toko`: a verified company (sector G) with admin `toko_admin` and a second user `toko_staf`; `baru`: a company
  waiting for verification with admin `baru_admin`;
- `sari`: a seeker (woman, NIK 1271014107950003 -> born 1 Jul 1995, Medan Kota) with an active AK/1 issued today,
  SMA, skills kasir/microsoft excel, a CV; `budi`: a registered seeker without a card;
- `vacancy`: a published vacancy of `toko` (kasir, SMA, Medan Kota, quota 2).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta
from decimal import Decimal
from typing import Any

import pytest
from django.core.files.base import ContentFile

from conftest import PASSWORD
from kotacerdas.accounts.models import Role, User
from kotacerdas.jobs import actions, selectors
from kotacerdas.jobs.models import Company, CompanyMember, CompanyStatus, SeekerProfile, Vacancy

PDF_BYTES = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
SARI_NIK = "1271014107950003"
BUDI_NIK = "1271051508900001"


@dataclass
class Jobs:
    dina: Any
    toko: Any
    toko_admin: Any
    toko_staf: Any
    baru: Any
    baru_admin: Any
    sari: Any
    budi: Any
    vacancy: Any
    city: Any


def make_user(username: str, role: str, **extra: Any) -> User:
    return User.objects.create_user(username=username, password=PASSWORD, role=role, first_name=username.title(),
                                    email=f"{username}@contoh.id", phone=extra.pop("phone", "081200000000"), **extra)


def seeker_data(**over: Any) -> dict[str, Any]:
    data = {
        "full_name": "Sari Lubis", "email": "sari@contoh.id", "phone": "081234500001", "password": "rahasia-uji-123",
        "password2": "rahasia-uji-123", "nik": SARI_NIK, "birth_place": "Medan", "birth_date": "1995-07-01",
        "gender": "P", "marital_status": "belum_kawin", "religion": "islam", "address": "Jl. Pasar Baru 1",
        "kecamatan": "12.71.01", "education": "sma", "education_major": "IPS", "skills": "Kasir, Microsoft Excel",
        "experience_years": "2", "experience": "Kasir minimarket 2 tahun",
    }
    data.update(over)
    return data


def make_seeker(username: str, nik: str, *, card: bool, dina: Any = None, **over: Any) -> SeekerProfile:
    user = make_user(username, Role.WARGA)
    data = seeker_data(nik=nik, **over)
    cleaned = actions.check_register_seeker(data, user=user)
    profile = actions.do_register_seeker(cleaned, user=user)
    profile.cv.save("cv.pdf", ContentFile(PDF_BYTES), save=True)
    if card:
        request = actions.do_request_ak1(user, profile)
        actions.do_issue_ak1(dina, request)
    return profile


def vacancy_data(**over: Any) -> dict[str, Any]:
    data = {"title": "Kasir", "description": "Melayani pembayaran pelanggan di toko", "sector": "G",
            "education_min": "sma", "skills": "kasir, microsoft excel", "experience_min_years": "1",
            "kecamatan": "12.71.01", "salary_min": "3000000", "salary_max": "3500000", "quota": "2",
            "closes_on": (selectors.today() + timedelta(days=30)).isoformat()}
    data.update(over)
    return data


@pytest.fixture
def jobs(city: Any, people: Any, settings: Any, tmp_path: Any) -> Jobs:
    settings.MEDIA_ROOT = str(tmp_path / "media")
    dina = make_user("dina", Role.DISNAKER, position="Pengantar Kerja Ahli Pertama")
    toko = Company.objects.create(name="Toko Maju", sector="G", address="Jl. Thamrin 1", kecamatan=city.kec_kota,
                                  status=CompanyStatus.TERVERIFIKASI)
    toko_admin = make_user("toko_admin", Role.PERUSAHAAN)
    toko_staf = make_user("toko_staf", Role.PERUSAHAAN)
    CompanyMember.objects.create(company=toko, user=toko_admin, is_admin=True)
    CompanyMember.objects.create(company=toko, user=toko_staf)
    baru = Company.objects.create(name="Usaha Baru", sector="I", address="Jl. Baru 2")
    baru_admin = make_user("baru_admin", Role.PERUSAHAAN)
    CompanyMember.objects.create(company=baru, user=baru_admin, is_admin=True)
    sari = make_seeker("sari", SARI_NIK, card=True, dina=dina)
    budi = make_seeker("budi", BUDI_NIK, card=False, birth_date="1990-08-15", gender="L", kecamatan="12.71.05",
                       education="smp", skills="las, listrik", experience_years=Decimal("0"))
    vacancy = actions.do_create_vacancy(toko_admin, actions.check_vacancy(toko_admin, vacancy_data()))
    actions.do_moderate(dina, vacancy, approve=True)
    vacancy.refresh_from_db()
    return Jobs(dina, toko, toko_admin, toko_staf, baru, baru_admin, sari, budi, vacancy, city)


@pytest.fixture
def published(jobs: Jobs) -> Vacancy:
    return jobs.vacancy
