"""One FilterSet per list, shared by the HTML pages and the API."""

from __future__ import annotations

import django_filters as filters
from django.db.models import Q, QuerySet
from django.utils.translation import gettext_lazy as _

from kotacerdas.jobs import selectors
from kotacerdas.jobs.models import (
    EDUCATION_RANK,
    KBLI_SECTIONS,
    Application,
    Education,
    Stage,
    Vacancy,
    VacancyStatus,
)


def _kecamatan_choices() -> list[tuple[str, str]]:
    """The city's kecamatan by Kemendagri code (the API takes the same code)."""
    from kotacerdas.regions.selectors import kecamatan_choices

    return [(r.code, r.name) for r in kecamatan_choices()]


class VacancyFilterSet(filters.FilterSet):
    q = filters.CharFilter(method="filter_q", label=_("Cari lowongan"))
    sector = filters.ChoiceFilter(choices=KBLI_SECTIONS, label=_("Sektor (KBLI)"))
    education = filters.ChoiceFilter(choices=Education.choices, method="filter_education",
                                     label=_("Pendidikan saya"))
    # A callable: read when the form is used, never frozen into a field that another request (e.g. the OpenAPI
    # schema generator, which builds every filter's field once per process) created before the city was set up.
    kecamatan = filters.ChoiceFilter(field_name="kecamatan__code", choices=_kecamatan_choices,
                                     label=_("Kecamatan"))
    salary = filters.NumberFilter(method="filter_salary", label=_("Gaji minimal yang diharapkan"))
    company = filters.NumberFilter(field_name="company_id", label=_("Perusahaan"))
    status = filters.ChoiceFilter(choices=VacancyStatus.choices, label=_("Status"))

    class Meta:
        model = Vacancy
        fields = ["q", "sector", "education", "kecamatan", "salary", "company", "status"]

    def __init__(self, *args: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)
        request = getattr(self, "request", None)
        if request is None or not selectors.is_disnaker(request.user):
            self.form.fields.pop("status", None)
            self.filters.pop("status", None)

    def filter_q(self, qs: QuerySet, name: str, value: str) -> QuerySet:
        return selectors.search_vacancies(qs, value)

    def filter_education(self, qs: QuerySet, name: str, value: str) -> QuerySet:
        """Vacancies a person with this education may apply for (minimum at or below it)."""
        rank = EDUCATION_RANK.get(value)
        if rank is None:
            return qs
        allowed = [level for level, r in EDUCATION_RANK.items() if r <= rank]
        return qs.filter(education_min__in=allowed)

    def filter_salary(self, qs: QuerySet, name: str, value: object) -> QuerySet:
        if value is None:
            return qs
        return qs.filter(Q(salary_max__gte=value) | Q(salary_max__isnull=True, salary_min__gte=value))


class ApplicationFilterSet(filters.FilterSet):
    stage = filters.ChoiceFilter(choices=Stage.choices, label=_("Tahap"))
    vacancy = filters.NumberFilter(field_name="vacancy_id", label=_("Lowongan"))

    class Meta:
        model = Application
        fields = ["stage", "vacancy"]
