"""One FilterSet for the usulan list, used by the staff screen and the API."""

from __future__ import annotations

import django_filters as filters
from django.db.models import Q, QuerySet
from django.utils.translation import gettext_lazy as _

from kotacerdas.core.filters import YearFilter
from kotacerdas.planning.models import Usulan, UsulanStatus
from kotacerdas.planning.rules import Rumpun, Source, Stage


class UsulanFilterSet(filters.FilterSet):
    q = filters.CharFilter(method="filter_q", label=_("Cari"))
    stage = filters.ChoiceFilter(field_name="current_stage", choices=Stage.choices, label=_("Tahap sekarang"))
    status = filters.ChoiceFilter(choices=UsulanStatus.choices, label=_("Status"))
    source = filters.ChoiceFilter(choices=Source.choices, label=_("Sumber"))
    rumpun = filters.ChoiceFilter(choices=Rumpun.choices, label=_("Bidang/rumpun"))
    kecamatan = filters.CharFilter(field_name="kecamatan__code", label=_("Kecamatan (kode)"))
    kelurahan = filters.CharFilter(field_name="kelurahan__code", label=_("Kelurahan (kode)"))
    opd = filters.CharFilter(field_name="agency__code", label=_("OPD (kode)"))
    year = YearFilter(field_name="planning_year__year", label=_("Tahun rencana"))

    class Meta:
        model = Usulan
        fields = ["q", "stage", "status", "source", "rumpun", "kecamatan", "kelurahan", "opd", "year"]

    def filter_q(self, qs: QuerySet, name: str, value: str) -> QuerySet:
        value = value.strip()[:100]
        if not value:
            return qs
        return qs.filter(Q(number__icontains=value) | Q(title__icontains=value) | Q(location_text__icontains=value))
