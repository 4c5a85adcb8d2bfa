"""Company registration and verification, vacancies with moderation, public search and filters."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection

from kotacerdas.accounts.models import Role
from kotacerdas.core.models import AuditLog, Notification
from kotacerdas.jobs import actions, filtersets, selectors
from kotacerdas.jobs.models import Company, CompanyStatus, Vacancy, VacancyStatus
from kotacerdas.jobs.tests.conftest import vacancy_data

COMPANY = {"company_name": "PT Sawit Jaya", "sector": "A", "address": "Jl. Gatot Subroto 9", "kecamatan": "12.71.05",
           "full_name": "Rina HRD", "email": "rina@sawit.id", "phone": "081299900001", "password": "rahasia-uji-123",
           "password2": "rahasia-uji-123", "nib": "1234567890123"}


def test_it_registers_a_company_waiting_for_verification(jobs) -> None:
    company = actions.do_register_company(actions.check_register_company(COMPANY))
    member = company.members.get()
    assert company.status == CompanyStatus.MENUNGGU and member.is_admin and member.user.role == Role.PERUSAHAAN
    assert Notification.objects.filter(user=jobs.dina, topic="jobs.company").exists()
    with pytest.raises(PermissionDenied):
        actions.check_vacancy(member.user, vacancy_data())


def test_it_names_bad_company_fields_and_refuses_duplicates(jobs) -> None:
    with pytest.raises(ValidationError) as exc:
        actions.check_register_company({**COMPANY, "company_name": "toko maju", "sector": "Z", "nib": "12",
                                        "email": ""})
    assert {"company_name", "sector", "nib", "email"} <= set(exc.value.message_dict)


def test_it_lets_only_disnaker_verify_and_requires_a_reason_to_reject(jobs) -> None:
    with pytest.raises(PermissionDenied):
        actions.do_verify_company(jobs.toko_admin, jobs.baru, True)
    with pytest.raises(ValidationError) as exc:
        actions.do_verify_company(jobs.dina, jobs.baru, False, "  ")
    assert "note" in exc.value.message_dict
    actions.do_verify_company(jobs.dina, jobs.baru, True)
    assert jobs.baru.status == CompanyStatus.TERVERIFIKASI
    assert AuditLog.objects.filter(action="jobs.company_verified", target_id=str(jobs.baru.pk)).exists()
    assert Notification.objects.filter(user=jobs.baru_admin, topic="jobs.company").exists()
    with pytest.raises(ValidationError):
        actions.do_verify_company(jobs.dina, jobs.baru, False, "lagi")


def test_it_lets_a_company_admin_add_colleagues(jobs) -> None:
    account = actions.check_add_member(jobs.toko_admin, jobs.toko, {
        "full_name": "Tono Kasir", "email": "tono@toko.id", "phone": "081200011122", "password": "rahasia-uji-123"})
    member = actions.do_add_member(jobs.toko_admin, jobs.toko, account)
    assert member.user.role == Role.PERUSAHAAN and selectors.company_of(member.user) == jobs.toko
    with pytest.raises(PermissionDenied):
        actions.check_add_member(jobs.toko_staf, jobs.toko, {})


def test_it_validates_a_vacancy_field_by_field(jobs) -> None:
    past = (selectors.today() - timedelta(days=1)).isoformat()
    with pytest.raises(ValidationError) as exc:
        actions.check_vacancy(jobs.toko_admin, vacancy_data(title="", quota="0", salary_min="5000000",
                                                            salary_max="4000000", closes_on=past, kecamatan="99.99.99",
                                                            education_min="x"))
    assert {"title", "quota", "salary_max", "closes_on", "kecamatan", "education_min"} <= set(exc.value.message_dict)
    far = (selectors.today() + timedelta(days=400)).isoformat()
    with pytest.raises(ValidationError) as exc:
        actions.check_vacancy(jobs.toko_admin, vacancy_data(closes_on=far))
    assert "180 hari" in exc.value.message_dict["closes_on"][0]
    with pytest.raises(PermissionDenied):
        actions.check_vacancy(jobs.sari.user, vacancy_data())


def test_it_publishes_a_vacancy_only_after_moderation(jobs) -> None:
    vacancy = actions.do_create_vacancy(jobs.toko_staf, actions.check_vacancy(jobs.toko_staf, vacancy_data(
        title="Staf gudang", skills="gudang, forklift")))
    assert vacancy.status == VacancyStatus.MENUNGGU
    assert vacancy not in selectors.public_vacancies()
    assert vacancy in selectors.vacancies_for(jobs.toko_admin)
    assert vacancy not in selectors.vacancies_for(jobs.baru_admin)
    with pytest.raises(PermissionDenied):
        actions.do_moderate(jobs.toko_admin, vacancy, True)
    with pytest.raises(ValidationError):
        actions.do_moderate(jobs.dina, vacancy, False, "")
    actions.do_moderate(jobs.dina, vacancy, True)
    assert vacancy in selectors.public_vacancies() and vacancy.published_at is not None
    assert Notification.objects.filter(user=jobs.toko_staf, topic="jobs.vacancy").exists()
    actions.do_close_vacancy(jobs.toko_admin, vacancy)
    assert vacancy not in selectors.public_vacancies()


def test_it_hides_vacancies_after_their_closing_date(jobs) -> None:
    vacancy = jobs.vacancy
    assert vacancy in selectors.public_vacancies(on=vacancy.closes_on)
    assert vacancy not in selectors.public_vacancies(on=vacancy.closes_on + timedelta(days=1))


def _add(jobs, **over) -> Vacancy:
    v = actions.do_create_vacancy(jobs.toko_admin, actions.check_vacancy(jobs.toko_admin, vacancy_data(**over)))
    actions.do_moderate(jobs.dina, v, True)
    return v


def test_it_searches_vacancies_in_indonesian_across_affixes(jobs) -> None:
    driver = _add(jobs, title="Pengemudi truk", description="Mengemudikan truk pengiriman barang", skills="sim b1",
                  sector="H")
    nurse = _add(jobs, title="Perawat", description="Pelayanan pasien rawat inap", skills="", sector="Q",
                 education_min="d3")
    qs = selectors.public_vacancies()
    assert list(selectors.search_vacancies(qs, "mengemudi")) == [driver]
    assert list(selectors.search_vacancies(qs, "pengiriman truk")) == [driver]
    assert list(selectors.search_vacancies(qs, "perawat")) == [nurse]
    assert list(selectors.search_vacancies(qs, "kasir")) == [jobs.vacancy]
    assert list(selectors.search_vacancies(qs, "astronot")) == []
    assert selectors.search_vacancies(qs, "   ").count() == 3
    assert selectors.pg_has_indonesian() == (connection.vendor == "postgresql")


def test_it_filters_by_sector_education_kecamatan_and_salary(jobs, rf) -> None:
    _add(jobs, title="Koki", description="Memasak", sector="I", education_min="smp", kecamatan="12.71.05",
         salary_min="2500000", salary_max="2800000")
    request = rf.get("/")
    request.user = jobs.sari.user

    def titles(**params) -> list[str]:
        fs = filtersets.VacancyFilterSet(params, queryset=selectors.public_vacancies(), request=request)
        assert fs.is_valid(), fs.errors
        return sorted(v.title for v in fs.qs)

    assert titles(sector="I") == ["Koki"]
    assert titles(education="smp") == ["Koki"]  # a SMP graduate sees vacancies asking SMP or less
    assert titles(education="s1") == ["Kasir", "Koki"]
    assert titles(kecamatan="12.71.01") == ["Kasir"]
    assert titles(salary="3000000") == ["Kasir"]
    fs = filtersets.VacancyFilterSet({"sector": "ZZ"}, queryset=selectors.public_vacancies(), request=request)
    assert not fs.is_valid()
    assert "status" not in fs.form.fields  # only Disnaker filters by moderation status


def test_it_keeps_company_list_scoped(jobs) -> None:
    assert set(selectors.companies_for(None)) == {jobs.toko}
    assert set(selectors.companies_for(jobs.baru_admin)) == {jobs.toko, jobs.baru}
    assert set(selectors.companies_for(jobs.dina)) == set(Company.objects.all())


def test_it_lets_the_company_admin_edit_the_profile_but_not_the_name(jobs, client) -> None:
    from django.urls import reverse

    changes = actions.check_update_company(jobs.toko_admin, jobs.toko, {
        "company_name": "Nama Lain", "sector": "G", "address": "Jl. Thamrin 99", "description": "Toko kelontong",
        "kecamatan": "12.71.01",
        "website": "toko.id"})
    assert changes == {"address": "Jl. Thamrin 99", "description": "Toko kelontong", "website": "https://toko.id"}
    actions.do_update_company(jobs.toko_admin, jobs.toko, changes)
    jobs.toko.refresh_from_db()
    assert jobs.toko.name == "Toko Maju" and jobs.toko.address == "Jl. Thamrin 99"
    with pytest.raises(PermissionDenied):
        actions.check_update_company(jobs.toko_staf, jobs.toko, {})
    with pytest.raises(ValidationError) as exc:
        actions.check_update_company(jobs.toko_admin, jobs.toko, {"sector": "Q1", "address": ""})
    assert {"sector", "address"} <= set(exc.value.message_dict)
    client.force_login(jobs.toko_staf)
    assert client.get(reverse("jobs:company-profile")).status_code == 403
    client.force_login(jobs.toko_admin)
    assert client.get(reverse("jobs:company-profile")).status_code == 200


def test_it_keeps_filtering_by_kecamatan_after_the_api_schema_was_built(jobs, rf) -> None:
    # The OpenAPI generator builds every filter's form field once per process; a kecamatan list frozen then (empty
    # before the city existed) would refuse every kecamatan afterwards.
    from drf_spectacular.generators import SchemaGenerator

    SchemaGenerator().get_schema(request=None, public=True)
    request = rf.get("/")
    request.user = jobs.sari.user
    fs = filtersets.VacancyFilterSet({"kecamatan": "12.71.01"}, queryset=selectors.public_vacancies(),
                                     request=request)
    assert fs.is_valid(), fs.errors
    assert [v.title for v in fs.qs] == ["Kasir"]
