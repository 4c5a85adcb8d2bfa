"""One FilterSet per list, shared by the HTML page and the API: the cases behind a performance figure
(drill-down) and the disputes list."""

from __future__ import annotations

from datetime import date

import django_filters as filters
from django.db.models import Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from kotacerdas.accounts.models import Role, User
from kotacerdas.agencies.models import Agency
from kotacerdas.command_center import performance
from kotacerdas.command_center.models import CaseFact, Dispute, DisputeStatus
from kotacerdas.complaints.models import Category
from kotacerdas.regions.models import Level, Region

ALL = _("Semua")
FLAG_CHOICES = [
    ("diterima", _("Semua aduan diterima")),
    ("terlambat", _("Terlambat (tanda merah)")),
    ("tepat", _("Selesai tepat waktu")),
    ("keberatan", _("Tanda merah dicabut (keberatan diterima)")),
    ("selesai", _("Selesai")),
    ("dibuka-kembali", _("Dibuka kembali")),
    ("dinilai", _("Dinilai pelapor")),
    ("tunggakan", _("Tunggakan saat ini")),
    ("lewat-tenggat", _("Tunggakan lewat tenggat")),
    *[(f"umur-{key}", _("Tunggakan berumur %(range)s hari") % {"range": key})
      for key, _low, _high in performance.BACKLOG_BUCKETS],
]


class CaseFactFilterSet(filters.FilterSet):
    agency = filters.ModelChoiceFilter(queryset=Agency.objects.all(), field_name="agency", to_field_name="code",
                                       label=_("OPD"), empty_label=ALL)
    officer = filters.ModelChoiceFilter(queryset=User.objects.filter(role=Role.PETUGAS), field_name="officer",
                                        label=_("Petugas"), empty_label=ALL)
    kecamatan = filters.ModelChoiceFilter(queryset=Region.objects.filter(level=Level.KECAMATAN),
                                          field_name="kecamatan", to_field_name="code", label=_("Kecamatan"),
                                          empty_label=ALL)
    kelurahan = filters.ModelChoiceFilter(queryset=Region.objects.filter(level__in=[Level.KELURAHAN, Level.DESA]),
                                          field_name="kelurahan", to_field_name="code", label=_("Kelurahan"),
                                          empty_label=ALL)
    category = filters.ModelChoiceFilter(queryset=Category.objects.all(), field_name="category",
                                         to_field_name="code", label=_("Kategori"), empty_label=ALL)
    flag = filters.ChoiceFilter(choices=FLAG_CHOICES, method="filter_flag", label=_("Angka"), empty_label=ALL)
    dari = filters.DateFilter(method="filter_period", label=_("Diterima dari"))
    sampai = filters.DateFilter(method="filter_period", label=_("Diterima sampai"))
    q = filters.CharFilter(method="filter_q", label=_("Nomor aduan"))

    class Meta:
        model = CaseFact
        fields = ["agency", "officer", "kecamatan", "kelurahan", "category", "flag", "dari", "sampai", "q"]

    def filter_queryset(self, queryset: QuerySet[CaseFact]) -> QuerySet[CaseFact]:
        return super().filter_queryset(queryset.filter(excluded=False))

    def filter_flag(self, qs: QuerySet[CaseFact], name: str, value: str) -> QuerySet[CaseFact]:
        return performance.flagged(qs, value, timezone.now()) if value else qs

    def filter_period(self, qs: QuerySet[CaseFact], name: str, value: date | None) -> QuerySet[CaseFact]:
        # Backlog figures describe today, whatever the period of receipt: their drill-down ignores the dates.
        if value is None or self.form.cleaned_data.get("flag") in performance.CURRENT_STATE_FLAGS:
            return qs
        bounds = performance.Period(value, value).bounds
        return qs.filter(received_at__gte=bounds[0]) if name == "dari" else qs.filter(received_at__lt=bounds[1])

    def filter_q(self, qs: QuerySet[CaseFact], name: str, value: str) -> QuerySet[CaseFact]:
        value = value.strip()
        return qs.filter(Q(complaint__tracking_no__iexact=value)) if value else qs


class DisputeFilterSet(filters.FilterSet):
    status = filters.ChoiceFilter(choices=DisputeStatus.choices, label=_("Status"), empty_label=ALL)
    agency = filters.ModelChoiceFilter(queryset=Agency.objects.all(), field_name="agency", to_field_name="code",
                                       label=_("OPD"), empty_label=ALL)

    class Meta:
        model = Dispute
        fields = ["status", "agency"]
