"""FilterSets shared by the PPID register page and /api/v1/openinfo/ (one definition of each filter)."""

from __future__ import annotations

import django_filters as filters
from django.db.models import Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from kotacerdas.core.filters import YearFilter
from kotacerdas.openinfo.models import Decision, DipCategory, DipEntry, InfoRequest, RequestChannel, RequestStatus


class RequestFilterSet(filters.FilterSet):
    q = filters.CharFilter(method="filter_q", label=_("Cari"))
    status = filters.ChoiceFilter(choices=RequestStatus.choices, label=_("Status"), empty_label=_("Semua"))
    decision = filters.ChoiceFilter(choices=Decision.choices, label=_("Keputusan"), empty_label=_("Semua"))
    channel = filters.ChoiceFilter(choices=RequestChannel.choices, label=_("Cara permohonan"),
                                   empty_label=_("Semua"))
    overdue = filters.ChoiceFilter(choices=[("1", _("Ya")), ("0", _("Tidak"))], method="filter_overdue",
                                   label=_("Melewati tenggat"), empty_label=_("Semua"))
    year = YearFilter(field_name="received_at", lookup_expr="year", label=_("Tahun"))

    class Meta:
        model = InfoRequest
        fields = ["q", "status", "decision", "channel", "overdue", "year"]

    def filter_q(self, qs: QuerySet, name: str, value: str) -> QuerySet:
        value = value.strip()
        if not value:
            return qs
        return qs.filter(Q(reg_no__icontains=value) | Q(name__icontains=value) | Q(information__icontains=value))

    def filter_overdue(self, qs: QuerySet, name: str, value: str) -> QuerySet:
        if value not in ("0", "1"):
            return qs
        late = Q(status=RequestStatus.DIPROSES, due_at__lt=timezone.now())
        return qs.filter(late) if value == "1" else qs.exclude(late)


class DipFilterSet(filters.FilterSet):
    q = filters.CharFilter(method="filter_q", label=_("Cari"))
    category = filters.ChoiceFilter(choices=DipCategory.choices, label=_("Kategori"), empty_label=_("Semua"))

    class Meta:
        model = DipEntry
        fields = ["q", "category"]

    def filter_q(self, qs: QuerySet, name: str, value: str) -> QuerySet:
        value = value.strip()
        return qs.filter(Q(title__icontains=value) | Q(summary__icontains=value)) if value else qs
