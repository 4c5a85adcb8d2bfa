"""FilterSets shared by the REST API and the parking screens (one definition of each filter)."""

from __future__ import annotations

import django_filters as filters
from django.db.models import Q, QuerySet
from django.utils.translation import gettext_lazy as _

from kotacerdas.parking import selectors
from kotacerdas.parking.models import (
    Channel,
    Jukir,
    JukirStatus,
    LandUse,
    ParkingPoint,
    ParkingTransaction,
    ParkingViolation,
    PaymentMethod,
    VehicleClass,
    ViolationKind,
    ViolationStatus,
)


class LocalDayFromFilter(filters.DateFilter):
    """From the start of a calendar day in the city's zone (not UTC midnight)."""

    def filter(self, qs: QuerySet, value: object) -> QuerySet:
        if not value:
            return qs
        return qs.filter(**{f"{self.field_name}__gte": selectors.day_bounds(value)[0]})


class LocalDayToFilter(filters.DateFilter):
    """Up to the end of a calendar day (inclusive) in the city's zone."""

    def filter(self, qs: QuerySet, value: object) -> QuerySet:
        if not value:
            return qs
        return qs.filter(**{f"{self.field_name}__lt": selectors.day_bounds(value)[1]})


class PointFilterSet(filters.FilterSet):
    q = filters.CharFilter(method="filter_q", label=_("Cari"))
    segment = filters.CharFilter(field_name="segment__code", label=_("Ruas jalan (kode)"))
    operator = filters.CharFilter(field_name="operator__code", label=_("Operator (kode)"))
    is_eparking = filters.BooleanFilter(label=_("E-parking"))
    land_use = filters.ChoiceFilter(choices=LandUse.choices, label=_("Peruntukan"))
    kecamatan = filters.CharFilter(field_name="kecamatan__code", label=_("Kecamatan (kode)"))
    has_sensor = filters.BooleanFilter(field_name="device", lookup_expr="isnull", exclude=True,
                                       label=_("Bersensor"))

    class Meta:
        model = ParkingPoint
        fields = ["q", "segment", "operator", "is_eparking", "land_use", "kecamatan", "has_sensor"]

    def filter_q(self, qs: QuerySet, name: str, value: str) -> QuerySet:
        value = value.strip()
        if not value:
            return qs
        return qs.filter(Q(code__icontains=value) | Q(name__icontains=value) | Q(segment__street__icontains=value))


class JukirFilterSet(filters.FilterSet):
    q = filters.CharFilter(method="filter_q", label=_("Cari"))
    operator = filters.CharFilter(field_name="operator__code", label=_("Operator (kode)"))
    status = filters.ChoiceFilter(choices=JukirStatus.choices, label=_("Status"))
    point = filters.CharFilter(field_name="assignments__point__code", distinct=True, label=_("Titik (kode)"))

    class Meta:
        model = Jukir
        fields = ["q", "operator", "status", "point"]

    def filter_q(self, qs: QuerySet, name: str, value: str) -> QuerySet:
        value = value.strip()
        return qs.filter(Q(code__icontains=value) | Q(name__icontains=value)) if value else qs


class TransactionFilterSet(filters.FilterSet):
    point = filters.CharFilter(field_name="point__code", label=_("Titik (kode)"))
    segment = filters.CharFilter(field_name="point__segment__code", label=_("Ruas jalan (kode)"))
    jukir = filters.CharFilter(field_name="jukir__code", label=_("Jukir (nomor ID)"))
    operator = filters.CharFilter(field_name="operator__code", label=_("Operator (kode)"))
    provider = filters.CharFilter(field_name="provider__code", label=_("Penyedia (kode)"))
    reference = filters.CharFilter(label=_("Referensi"))
    method = filters.ChoiceFilter(choices=PaymentMethod.choices, label=_("Cara bayar"))
    channel = filters.ChoiceFilter(choices=Channel.choices, label=_("Kanal"))
    vehicle_class = filters.ChoiceFilter(choices=VehicleClass.choices, label=_("Golongan"))
    settled = filters.BooleanFilter(label=_("Sudah direkonsiliasi"))
    flagged = filters.BooleanFilter(method="filter_flagged", label=_("Bertanda"))
    day_from = LocalDayFromFilter(field_name="paid_at", label=_("Dari tanggal"))
    day_to = LocalDayToFilter(field_name="paid_at", label=_("Sampai tanggal"))

    class Meta:
        model = ParkingTransaction
        fields = ["point", "segment", "jukir", "operator", "provider", "reference", "method", "channel",
                  "vehicle_class", "settled", "flagged", "day_from", "day_to"]

    def filter_flagged(self, qs: QuerySet, name: str, value: bool | None) -> QuerySet:
        if value is None:
            return qs
        # An empty JSON list is stored as "[]" on both SQLite and PostgreSQL.
        return qs.exclude(flags=[]) if value else qs.filter(flags=[])


class ViolationFilterSet(filters.FilterSet):
    kind = filters.ChoiceFilter(choices=ViolationKind.choices, label=_("Jenis"))
    status = filters.ChoiceFilter(choices=ViolationStatus.choices, label=_("Status"))
    point = filters.CharFilter(field_name="point__code", label=_("Titik (kode)"))
    jukir = filters.CharFilter(field_name="jukir__code", label=_("Jukir (nomor ID)"))
    channel = filters.ChoiceFilter(choices=Channel.choices, label=_("Kanal"))
    day_from = LocalDayFromFilter(field_name="occurred_at", label=_("Dari tanggal"))
    day_to = LocalDayToFilter(field_name="occurred_at", label=_("Sampai tanggal"))

    class Meta:
        model = ParkingViolation
        fields = ["kind", "status", "point", "jukir", "channel", "day_from", "day_to"]
