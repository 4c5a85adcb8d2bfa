"""One FilterSet for the staff queue page, the CSV export and the REST API (NetBox's rule)."""

from __future__ import annotations

import django_filters as filters
from django.db.models import Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from kotacerdas.agencies.models import Agency
from kotacerdas.complaints.models import OPEN_STATUSES, Category, Channel, Complaint, Status
from kotacerdas.regions.models import Level, Region

ALL = _("Semua")
SLA_CHOICES = [
    ("terlambat", _("Melewati tenggat")),
    ("peringatan", _("Peringatan (≥ 50%)")),
    ("aman", _("Dalam tenggat")),
]
QUEUE_CHOICES = [
    ("baru", _("Menunggu verifikasi")),
    ("tunda", _("Ditunda")),
    ("disposisi", _("Menunggu OPD")),
    ("diproses", _("Ditindaklanjuti")),
    ("selesai", _("Menunggu konfirmasi")),
    ("terlambat", _("Terlambat")),
    ("eskalasi", _("Dieskalasi")),
    ("tinjau", _("Perlu ditinjau")),
    ("terbuka", _("Semua yang terbuka")),
    ("semua", _("Semua")),
]


class IndonesianOrderingFilter(filters.OrderingFilter):
    descending_fmt = _("%s (terbalik)")


class ComplaintFilterSet(filters.FilterSet):
    q = filters.CharFilter(method="filter_q", label=_("Cari"))
    queue = filters.ChoiceFilter(choices=QUEUE_CHOICES, method="filter_queue", label=_("Antrean"), empty_label=ALL)
    status = filters.MultipleChoiceFilter(choices=Status.choices, label=_("Status"))
    category = filters.ModelChoiceFilter(queryset=Category.objects.all(), field_name="category",
                                         to_field_name="code", label=_("Kategori"), empty_label=ALL)
    agency = filters.ModelChoiceFilter(queryset=Agency.objects.filter(is_active=True), field_name="agency",
                                       to_field_name="code", label=_("OPD"), empty_label=ALL)
    kecamatan = filters.ModelChoiceFilter(queryset=Region.objects.filter(level=Level.KECAMATAN),
                                          field_name="kecamatan", to_field_name="code", label=_("Kecamatan"),
                                          empty_label=ALL)
    kelurahan = filters.ModelChoiceFilter(queryset=Region.objects.filter(level__in=[Level.KELURAHAN, Level.DESA]),
                                          field_name="kelurahan", to_field_name="code", label=_("Kelurahan"),
                                          empty_label=ALL)
    channel = filters.ChoiceFilter(choices=Channel.choices, label=_("Kanal"), empty_label=ALL)
    sla = filters.ChoiceFilter(choices=SLA_CHOICES, method="filter_sla", label=_("Tenggat"), empty_label=ALL)
    created_after = filters.DateFilter(field_name="created_at", lookup_expr="date__gte", label=_("Dari tanggal"))
    created_before = filters.DateFilter(field_name="created_at", lookup_expr="date__lte", label=_("Sampai tanggal"))
    is_rahasia = filters.BooleanFilter(label=_("Rahasia"))
    ordering = IndonesianOrderingFilter(
        fields=(("created_at", "created"), ("stage_due_at", "due"), ("updated_at", "updated")),
        field_labels={"created_at": pgettext_lazy("tanggal", "Masuk"), "stage_due_at": _("Tenggat"),
                      "updated_at": _("Diperbarui")},
        label=_("Urutan"), empty_label=_("Bawaan: tenggat terdekat"),
    )

    class Meta:
        model = Complaint
        fields = ["q", "queue", "status", "category", "agency", "kecamatan", "kelurahan", "channel", "sla"]

    def filter_q(self, qs: QuerySet[Complaint], name: str, value: str) -> QuerySet[Complaint]:
        value = value.strip()
        if not value:
            return qs
        return qs.filter(Q(tracking_no__iexact=value) | Q(title__icontains=value) | Q(address__icontains=value))

    def filter_queue(self, qs: QuerySet[Complaint], name: str, value: str) -> QuerySet[Complaint]:
        now = timezone.now()
        if value in ("baru", "tunda", "disposisi", "diproses", "selesai"):
            return qs.filter(status=value)
        if value == "terlambat":
            return qs.filter(status__in=OPEN_STATUSES, stage_due_at__lt=now)
        if value == "eskalasi":
            return qs.filter(status__in=OPEN_STATUSES, escalation_level__gt=0)
        if value == "tinjau":
            return qs.filter(needs_review=True)
        if value == "terbuka":
            return qs.filter(status__in=OPEN_STATUSES)
        return qs

    def filter_sla(self, qs: QuerySet[Complaint], name: str, value: str) -> QuerySet[Complaint]:
        open_qs = qs.filter(status__in=OPEN_STATUSES, stage_due_at__isnull=False)
        now = timezone.now()
        if value == "terlambat":
            return open_qs.filter(stage_due_at__lt=now)
        if value == "peringatan":
            return open_qs.filter(stage_due_at__gte=now, sla_level__gte=50)
        if value == "aman":
            return open_qs.filter(stage_due_at__gte=now, sla_level__lt=50)
        return qs
