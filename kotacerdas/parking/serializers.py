"""Serializers of the e-parking API: incoming payments (webhook, handheld) and read-only views of the registry.

Private data never leaves through these: no NIK or phone of a jukir, no sticker owner name.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from kotacerdas.parking.models import (
    Channel,
    Jukir,
    JukirStatus,
    ParkingPoint,
    ParkingTransaction,
    ParkingViolation,
    PaymentMethod,
    SettlementFile,
    SettlementLine,
    SettlementLineStatus,
    VehicleClass,
    ViolationStatus,
)


@extend_schema_field(OpenApiTypes.DATETIME)
class AwareDateTimeField(serializers.Field):
    """ISO 8601 with a zone (Z or +07:00); a time without a zone is refused rather than guessed."""

    default_error_messages = {
        "invalid": "Waktu harus ISO 8601 dengan zona, mis. 2026-01-05T08:15:00+07:00.",
        "naive": "Waktu tanpa zona waktu; tulis mis. 2026-01-05T08:15:00+07:00 atau ...Z.",
    }

    def to_internal_value(self, data: Any) -> datetime:
        if not isinstance(data, str) or len(data) > 40:
            self.fail("invalid")
        try:
            parsed = datetime.fromisoformat(data.strip())
        except ValueError:
            self.fail("invalid")
        if parsed.tzinfo is None:
            self.fail("naive")
        return parsed

    def to_representation(self, value: datetime) -> str:
        return value.isoformat()


def _named_enum(component: str, values: list[str], base: type[serializers.Field] = serializers.CharField) -> Any:
    """A field whose enum is its own named schema component: complaints has `status` and `channel` enums too, and
    spectacular would otherwise derive one name from the field name for different choice sets (a schema warning,
    and the API docs test fails on warnings)."""
    return extend_schema_field({"type": "string", "enum": values}, component_name=component)(
        type(f"{component}Field", (base,), {}))


ChannelField = _named_enum("ParkingChannel", list(Channel.values))
JukirStatusField = _named_enum("JukirStatus", list(JukirStatus.values))
ViolationStatusField = _named_enum("ParkingViolationStatus", list(ViolationStatus.values))
LineStatusField = _named_enum("SettlementLineStatus", list(SettlementLineStatus.values))
ReviewStatusField = _named_enum("ParkingViolationReviewStatus", [ViolationStatus.REVIEWED,
                                                                 ViolationStatus.DISMISSED], serializers.ChoiceField)
OutcomeField = _named_enum("ParkingPaymentOutcome", ["accepted", "duplicate", "refused"], serializers.ChoiceField)


class PaymentInSerializer(serializers.Serializer):
    """One payment as the handheld sends it (the webhook adds `jukir`)."""

    reference = serializers.CharField(max_length=100, help_text="Payment reference, unique per sender.")
    point = serializers.CharField(max_length=64, help_text="Parking point code.")
    vehicle_class = serializers.ChoiceField(choices=VehicleClass.choices)
    method = serializers.ChoiceField(choices=PaymentMethod.choices)
    amount = serializers.IntegerField(min_value=1, max_value=10_000_000, help_text="Whole rupiah.")
    paid_at = AwareDateTimeField(help_text="ISO 8601 with zone.")
    merchant_id = serializers.CharField(max_length=64, required=False, allow_blank=True, default="",
                                        help_text="QRIS NMID / acquirer merchant id (required for cashless).")
    issuer = serializers.CharField(max_length=60, required=False, allow_blank=True, default="")
    plate = serializers.CharField(max_length=20, required=False, allow_blank=True, default="")
    sticker = serializers.CharField(max_length=80, required=False, allow_blank=True, default="",
                                    help_text="Barcode of a berlangganan sticker the jukir scanned, if any.")

    def validate_point(self, value: str) -> ParkingPoint:
        point = ParkingPoint.objects.filter(code=value.strip(), is_active=True).select_related("operator").first()
        if point is None:
            raise serializers.ValidationError(_("Titik parkir %(c)s tidak dikenal.") % {"c": value})
        return point


class WebhookPaymentSerializer(PaymentInSerializer):
    jukir = serializers.CharField(max_length=40, help_text="Jukir ID (the code on the QR card).")
    merchant_id = serializers.CharField(max_length=64, help_text="QRIS NMID / acquirer merchant id.")

    def validate_jukir(self, value: str) -> Jukir:
        jukir = Jukir.objects.filter(code=value.strip()).first()
        if jukir is None:
            raise serializers.ValidationError(_("Jukir %(c)s tidak dikenal.") % {"c": value})
        return jukir


class PaymentOutSerializer(serializers.Serializer):
    status = OutcomeField(choices=["accepted", "duplicate", "refused"])
    violation = serializers.CharField(required=False, help_text="Violation kind, when the payment broke a rule.")
    detail = serializers.CharField(required=False)
    transaction = serializers.IntegerField(required=False)


class DutyInSerializer(serializers.Serializer):
    action = serializers.ChoiceField(choices=["start", "end"])
    point = serializers.CharField(max_length=64, required=False, allow_blank=True, default="",
                                  help_text="Required to start duty.")

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        if attrs["action"] == "start":
            point = ParkingPoint.objects.filter(code=attrs["point"].strip(), is_active=True).first()
            if point is None:
                raise serializers.ValidationError({"point": [_("Titik parkir wajib dan harus dikenal.")]})
            attrs["point"] = point
        return attrs


class PointSerializer(serializers.ModelSerializer):
    segment = serializers.SlugRelatedField(slug_field="code", read_only=True)
    street = serializers.CharField(source="segment.street", read_only=True)
    road_class = serializers.IntegerField(source="segment.road_class", read_only=True)
    operator = serializers.SlugRelatedField(slug_field="code", read_only=True)
    capacities = serializers.SerializerMethodField()
    occupancy = serializers.SerializerMethodField()

    class Meta:
        model = ParkingPoint
        fields = ["code", "name", "segment", "street", "road_class", "operator", "lat", "lon", "approximate",
                  "is_eparking", "eparking_since", "land_use", "opens_at", "closes_at", "daily_target",
                  "capacities", "occupancy", "is_demo"]
        read_only_fields = fields

    def get_capacities(self, obj: ParkingPoint) -> dict[str, int]:
        return {c.vehicle_class: c.spaces for c in obj.capacities.all()}

    def get_occupancy(self, obj: ParkingPoint) -> dict[str, Any] | None:
        found = self.context.get("occupancy", {}).get(obj.pk)
        if found is None:
            return None
        occupied, total, at = found
        return {"occupied": occupied, "total": total, "at": at.isoformat()}


class JukirSerializer(serializers.ModelSerializer):
    operator = serializers.SlugRelatedField(slug_field="code", read_only=True)
    status = JukirStatusField(read_only=True)
    points = serializers.SerializerMethodField()

    class Meta:
        model = Jukir
        fields = ["code", "name", "operator", "status", "status_changed_at", "card_issued_at", "points"]
        read_only_fields = fields

    def get_points(self, obj: Jukir) -> list[str]:
        return sorted({a.point.code for a in obj.assignments.all()})


class JukirStatusInSerializer(serializers.Serializer):
    status = serializers.CharField()
    reason = serializers.CharField(required=False, allow_blank=True, default="")


class TransactionSerializer(serializers.ModelSerializer):
    point = serializers.SlugRelatedField(slug_field="code", read_only=True)
    jukir = serializers.SlugRelatedField(slug_field="code", read_only=True)
    operator = serializers.SlugRelatedField(slug_field="code", read_only=True)
    provider = serializers.SlugRelatedField(slug_field="code", read_only=True)
    channel = ChannelField(read_only=True)

    class Meta:
        model = ParkingTransaction
        fields = ["id", "reference", "provider", "channel", "origin", "point", "jukir", "operator", "vehicle_class",
                  "method", "amount", "tariff_amount", "merchant_id", "issuer", "plate", "paid_at", "received_at",
                  "operator_share", "city_share", "flags", "settled"]
        read_only_fields = fields


class ViolationSerializer(serializers.ModelSerializer):
    point = serializers.SlugRelatedField(slug_field="code", read_only=True)
    jukir = serializers.SlugRelatedField(slug_field="code", read_only=True)
    sticker = serializers.SlugRelatedField(slug_field="number", read_only=True)
    kind_label = serializers.CharField(source="get_kind_display", read_only=True)
    channel = ChannelField(read_only=True)
    status = ViolationStatusField(read_only=True)

    class Meta:
        model = ParkingViolation
        fields = ["id", "kind", "kind_label", "point", "jukir", "sticker", "transaction", "channel", "origin",
                  "reference", "amount", "detail", "occurred_at", "status", "review_note"]
        read_only_fields = fields


class ViolationReviewSerializer(serializers.Serializer):
    status = ReviewStatusField(choices=[ViolationStatus.REVIEWED, ViolationStatus.DISMISSED])
    note = serializers.CharField(required=False, allow_blank=True, default="")


class SettlementFileSerializer(serializers.ModelSerializer):
    provider = serializers.SlugRelatedField(slug_field="code", read_only=True)

    class Meta:
        model = SettlementFile
        fields = ["id", "provider", "settlement_date", "filename", "sha256", "imported_at", "lines_total",
                  "lines_matched", "lines_unmatched", "amount_total"]
        read_only_fields = fields


class SettlementLineSerializer(serializers.ModelSerializer):
    status = LineStatusField(read_only=True)

    class Meta:
        model = SettlementLine
        fields = ["line_number", "reference", "merchant_id", "amount", "fee", "paid_at", "transaction", "status"]
        read_only_fields = fields


class SettlementUploadSerializer(serializers.Serializer):
    provider = serializers.SlugField(max_length=40)
    file = serializers.FileField()


class CardVerifySerializer(serializers.Serializer):
    payload = serializers.CharField(max_length=200, help_text="The text of the QR on the jukir's ID card.")
