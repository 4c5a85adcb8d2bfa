"""Wire formats of /api/v1/planning/. Public shapes never carry the proposer."""

from __future__ import annotations

from typing import Any

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from kotacerdas.planning import reports
from kotacerdas.planning.models import KamusEntry, PlanningYear, PriceItem, StageWindow, Usulan
from kotacerdas.planning.rules import Alignment, Decision, Source


class WindowSerializer(serializers.ModelSerializer):
    class Meta:
        model = StageWindow
        fields = ["stage", "opens_on", "closes_on", "closed_at", "source"]


class YearSerializer(serializers.ModelSerializer):
    city = serializers.CharField(source="city.code")
    windows = WindowSerializer(many=True)

    class Meta:
        model = PlanningYear
        fields = ["year", "name", "city", "is_active", "windows"]


class KamusSerializer(serializers.ModelSerializer):
    opd = serializers.CharField(source="agency.code")

    class Meta:
        model = KamusEntry
        fields = ["id", "code", "name", "rumpun", "satuan", "opd", "urusan_code", "program_code", "program_name",
                  "kegiatan_code", "kegiatan_name", "subkegiatan_code", "subkegiatan_name"]


class PriceItemSerializer(serializers.ModelSerializer):
    kind = serializers.CharField(source="version.kind")
    version = serializers.IntegerField(source="version.number")
    perwal = serializers.CharField(source="version.perwal")
    # An item without an SHSR ceiling answers null for both (the schema says so).
    lampiran = serializers.CharField(source="ceiling.lampiran", default=None, allow_null=True)
    ceiling = serializers.DecimalField(source="ceiling.amount", max_digits=16, decimal_places=0, default=None,
                                       allow_null=True)

    class Meta:
        model = PriceItem
        fields = ["code", "uraian", "spesifikasi", "satuan", "price", "kode_rekening", "kind", "version", "perwal",
                  "lampiran", "ceiling"]


class JourneyStepSerializer(serializers.Serializer):
    stage = serializers.CharField()
    decision = serializers.CharField(allow_null=True)
    reason = serializers.CharField()
    rank = serializers.IntegerField(allow_null=True)
    forum = serializers.CharField()


class PublicUsulanSerializer(serializers.ModelSerializer):
    kamus = serializers.CharField(source="kamus.code")
    kecamatan = serializers.CharField(source="kecamatan.code")
    kelurahan = serializers.CharField(source="kelurahan.code")
    opd = serializers.CharField(source="agency.code")
    journey = serializers.SerializerMethodField()

    class Meta:
        model = Usulan
        fields = ["number", "title", "source", "kamus", "rumpun", "kecamatan", "kelurahan", "location_text", "lat",
                  "lon", "volume", "satuan", "opd", "estimated_cost", "entry_stage", "current_stage", "status",
                  "journey"]

    @extend_schema_field(JourneyStepSerializer(many=True))
    def get_journey(self, obj: Usulan) -> list[dict[str, Any]]:
        return JourneyStepSerializer([{k: s[k] for k in ("stage", "decision", "reason", "rank", "forum")}
                                      for s in reports.journey(obj)], many=True).data


class UsulanSerializer(PublicUsulanSerializer):
    """Staff view: adds the advisory inputs and the description."""

    class Meta(PublicUsulanSerializer.Meta):
        fields = [*PublicUsulanSerializer.Meta.fields, "description", "rw", "urgency", "beneficiaries",
                  "alignment", "created_at"]


class ComponentInSerializer(serializers.Serializer):
    item = serializers.CharField(max_length=40)
    quantity = serializers.DecimalField(max_digits=12, decimal_places=2)


class UsulanInSerializer(serializers.Serializer):
    source = serializers.ChoiceField(choices=Source.choices)
    kamus = serializers.CharField(max_length=20, help_text="Kode kamus usulan, mis. KMS-001")
    title = serializers.CharField(max_length=200)
    description = serializers.CharField(max_length=2000, required=False, allow_blank=True, default="")
    lat = serializers.FloatField(min_value=-90, max_value=90)
    lon = serializers.FloatField(min_value=-180, max_value=180)
    location_text = serializers.CharField(max_length=200)
    rw = serializers.CharField(max_length=20, required=False, allow_blank=True, default="")
    volume = serializers.DecimalField(max_digits=12, decimal_places=2)
    components = ComponentInSerializer(many=True)
    urgency = serializers.IntegerField(min_value=1, max_value=5, default=3)
    beneficiaries = serializers.IntegerField(min_value=0, max_value=10_000_000, default=0)
    alignment = serializers.ChoiceField(choices=Alignment.choices, default=Alignment.NONE)


class DecisionInSerializer(serializers.Serializer):
    decision = serializers.ChoiceField(choices=Decision.choices)
    reason = serializers.CharField(max_length=2000)


class RanksInSerializer(serializers.Serializer):
    ranks = serializers.DictField(child=serializers.IntegerField(), help_text="{nomor usulan: nomor urut}")
