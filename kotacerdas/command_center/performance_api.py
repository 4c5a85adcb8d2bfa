"""REST API of apparatus performance and the city profile under /api/v1/command-center/.

- `GET profile/`: the city profile (public).
- `GET performance/?per=opd|petugas|kecamatan|kelurahan&dari=&sampai=`: totals and the league table.
- `GET performance/trend/?by=week|month&dari=&sampai=`: the trend.
- `GET performance/cases/`: the cases behind a figure (the same FilterSet as the HTML drill-down).
- `GET/POST disputes/`, `POST disputes/{id}/decide/`: disputes of red marks (actions.py decides who may).
Role scopes as on the pages (selectors.py): 403 outside them.
"""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from django.core.exceptions import ValidationError as DjangoValidationError
from django.db.models import QuerySet
from django.utils.translation import gettext as _
from django_filters.rest_framework import DjangoFilterBackend
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiExample, OpenApiParameter, extend_schema, extend_schema_view
from rest_framework import mixins, permissions, serializers, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import ValidationError
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from kotacerdas.command_center import actions, performance, profile, selectors
from kotacerdas.command_center.filtersets import CaseFactFilterSet, DisputeFilterSet
from kotacerdas.command_center.forms import MAX_PERIOD_DAYS
from kotacerdas.command_center.models import CaseFact, Dispute, DisputeStatus
from kotacerdas.complaints.models import Complaint
from kotacerdas.core.api import ApiViewMixin, error_responses
from kotacerdas.core.models import SiteSettings

TAG = "command-center"
PERIOD_PARAMS = [
    OpenApiParameter("dari", date, description="Diterima dari (YYYY-MM-DD); bawaan 90 hari terakhir"),
    OpenApiParameter("sampai", date, description="Diterima sampai (YYYY-MM-DD); bawaan hari ini"),
]


def _ex(name: str, value: Any, *, request: bool = False) -> OpenApiExample:
    return OpenApiExample(name, value=value, request_only=request, response_only=not request)


ROW_EXAMPLE = {
    "agency_id": 3, "received": 412, "late": 37, "on_time": 301, "forgiven": 2, "resolved_n": 330,
    "reopened_n": 9, "rating_avg": 4.12, "rated": 140, "verify_med": 0.42, "verify_p90": 1.8, "dispose_med": 0.45,
    "dispose_p90": 1.9, "response_med": 1.21, "response_p90": 4.6, "resolve_med": 6.3, "resolve_p90": 21.4,
    "on_time_pct": 89.1, "reopen_pct": 2.7, "backlog": 58, "overdue_now": 6, "age_0": 31, "age_1": 20, "age_2": 5,
    "age_3": 2, "pk": 3, "label": "DLH", "code": "dinas-lingkungan-hidup", "rank": 1,
}
LEAGUE_EXAMPLE = {
    "scope": "Seluruh kota", "per": "opd", "dari": "2026-09-08", "sampai": "2026-12-06", "units": "hari kerja",
    "computed_at": "2026-12-06T10:00:00+07:00",
    "totals": {k: v for k, v in ROW_EXAMPLE.items() if k not in ("agency_id", "pk", "label", "code", "rank")}
    | {"excluded": 21},
    "rows": [ROW_EXAMPLE],
}
TREND_EXAMPLE = {"by": "month", "rows": [{"bucket": "2026-11-01", "received": 160, "late": 12, "on_time": 120,
                                          "on_time_pct": 90.9, "response_med": 1.1, "resolve_med": 5.9}]}
FACT_EXAMPLE = {
    "tracking_no": "MRK-2026-000123", "received_at": "2026-11-02T09:00:00+07:00", "agency": "dinas-lingkungan-hidup",
    "officer": 12, "kecamatan": "12.71.01", "kelurahan": "12.71.01.1001", "category": "sampah", "status": "tuntas",
    "clock_start": "2026-11-02T11:00:00+07:00", "due_at": None, "in_backlog": False, "verify_days": 0.08,
    "dispose_days": 0.08, "response_days": 6.0, "resolve_days": 7.0, "resolved": True, "late": True,
    "forgiven": False, "reopened": False, "rating": 4,
}
DISPUTE_EXAMPLE = {
    "id": 5, "complaint": "MRK-2026-000123", "agency": "dinas-lingkungan-hidup",
    "reason": "Lokasi tergenang banjir tiga hari sehingga truk tidak bisa masuk.", "status": "diajukan",
    "opened_by": "Kepala DLH", "opened_at": "2026-11-12T10:00:00+07:00", "decided_by": None, "decided_at": None,
    "decision_note": "",
}
PROFILE_EXAMPLE = {
    "city": {"code": "12.71", "name": "Kota Medan"},
    "facts": [{"key": "area_km2", "label": "Luas wilayah", "value": 265.1, "unit": "km²",
               "source": "Pemerintah Kota Medan (2009)", "source_url": "https://example.org/sumber"}],
    "kecamatan": [{"code": "12.71.01", "name": "Medan Kota", "kelurahan": 12, "desa": 0, "area_km2": None,
                   "population": None}],
    "agencies": [{"code": "dinas-lingkungan-hidup", "name": "Dinas Lingkungan Hidup", "short_name": "DLH",
                  "kind": "Dinas", "services": ["Sampah tidak diangkut"], "source": "", "is_demo": False}],
}


def _period(request: Request) -> performance.Period:
    default = performance.default_period()
    values: dict[str, date | None] = {}
    for name in ("dari", "sampai"):
        raw = request.query_params.get(name)
        try:
            values[name] = date.fromisoformat(raw) if raw else None
        except ValueError:
            raise ValidationError({name: [_("Tanggal tidak valid (format TTTT-BB-HH).")]}) from None
    end = values["sampai"] or default.end
    start = values["dari"] or end - timedelta(days=89)
    if end < start:
        raise ValidationError({"sampai": [_("Tanggal akhir harus sesudah tanggal awal.")]})
    if (end - start).days > MAX_PERIOD_DAYS:
        raise ValidationError({"sampai": [_("Periode paling panjang dua tahun.")]})
    return performance.Period(start, end)


def _json_row(row: dict[str, Any]) -> dict[str, Any]:
    return {k: (v.isoformat() if isinstance(v, date) else v) for k, v in row.items() if k != "links"}


class ProfileView(APIView):
    permission_classes = [permissions.AllowAny]
    authentication_classes: list[Any] = []

    @extend_schema(tags=[TAG], summary="City profile: area, population, units, OPDs and their services, with sources",
                   responses={200: OpenApiTypes.OBJECT}, examples=[_ex("Profile", PROFILE_EXAMPLE)])
    def get(self, request: Request) -> Response:
        site = SiteSettings.load()
        data = profile.build(site.city if site.city_id else None)
        if data is None:
            return Response({"city": None, "facts": [], "kecamatan": [], "agencies": []})
        return Response({
            "city": {"code": data.city.code, "name": data.city.name},
            "facts": [{"key": f.key, "label": str(f.label), "value": f.value, "unit": str(f.unit),
                       "source": str(f.source), "source_url": f.source_url} for f in data.facts],
            "kecamatan": data.kecamatan,
            "agencies": [{k: v for k, v in a.items()} for a in data.agencies],
        })


class _Scoped(ApiViewMixin, APIView):
    permission_classes = [permissions.IsAuthenticated]

    def scope(self, request: Request) -> selectors.Scope:
        return selectors.performance_scope(request.user)


class LeagueView(_Scoped):
    @extend_schema(tags=[TAG], summary="Totals and league table of a period",
                   parameters=[OpenApiParameter("per", str, enum=list(performance.DIMENSIONS),
                                                description="Pengelompokan; bawaan opd"), *PERIOD_PARAMS],
                   responses={200: OpenApiTypes.OBJECT, **error_responses(400, 401, 403)},
                   examples=[_ex("League", LEAGUE_EXAMPLE)])
    def get(self, request: Request) -> Response:
        scope = self.scope(request)
        per = request.query_params.get("per") or "opd"
        if per not in performance.DIMENSIONS or (per == "petugas" and not scope.show_officers):
            raise ValidationError({"per": [_("Pilihan tidak dikenal atau tidak tersedia untuk Anda.")]})
        period = _period(request)
        performance.sync()
        data = performance.figures(scope.key, CaseFact.objects.filter(scope.facts), per, period)
        return Response({
            "scope": scope.label, "per": per, "dari": period.start, "sampai": period.end,
            "units": "hari kerja", "computed_at": data["computed_at"],
            "totals": _json_row(data["total"]),
            "rows": [_json_row(r) for r in data["rows"]],
        })


class TrendView(_Scoped):
    @extend_schema(tags=[TAG], summary="Trend per week or month of receipt",
                   parameters=[OpenApiParameter("by", str, enum=["week", "month"]), *PERIOD_PARAMS],
                   responses={200: OpenApiTypes.OBJECT, **error_responses(400, 401, 403)},
                   examples=[_ex("Trend", TREND_EXAMPLE)])
    def get(self, request: Request) -> Response:
        scope = self.scope(request)
        by = request.query_params.get("by") or "month"
        if by not in ("week", "month"):
            raise ValidationError({"by": [_("Pilih week atau month.")]})
        period = _period(request)
        performance.sync()
        rows = performance.trend(CaseFact.objects.filter(scope.facts), by, period)
        return Response({"by": by, "rows": [_json_row(r) for r in rows]})


class CaseFactSerializer(serializers.ModelSerializer):
    tracking_no = serializers.CharField(source="complaint.tracking_no")
    agency = serializers.SlugRelatedField(slug_field="code", read_only=True, allow_null=True)
    kecamatan = serializers.SlugRelatedField(slug_field="code", read_only=True)
    kelurahan = serializers.SlugRelatedField(slug_field="code", read_only=True)
    category = serializers.SlugRelatedField(slug_field="code", read_only=True)

    class Meta:
        model = CaseFact
        fields = ["tracking_no", "received_at", "agency", "officer", "kecamatan", "kelurahan", "category", "status",
                  "clock_start", "due_at", "in_backlog", "verify_days", "dispose_days", "response_days",
                  "resolve_days", "resolved", "late", "forgiven", "reopened", "rating"]


@extend_schema_view(
    list=extend_schema(tags=[TAG], summary="Cases behind a performance figure, in the caller's scope",
                       examples=[_ex("Case", FACT_EXAMPLE)], responses={200: CaseFactSerializer(many=True),
                                                                         **error_responses(400, 401, 403, 404)}),
    retrieve=extend_schema(tags=[TAG], summary="One case's performance facts",
                           examples=[_ex("Case", FACT_EXAMPLE)], responses={200: CaseFactSerializer,
                                                                             **error_responses(401, 403, 404)}),
)
class CaseFactViewSet(ApiViewMixin, viewsets.ReadOnlyModelViewSet):
    serializer_class = CaseFactSerializer
    filter_backends = [DjangoFilterBackend]
    filterset_class = CaseFactFilterSet
    permission_classes = [permissions.IsAuthenticated]
    lookup_field = "complaint_id"

    def get_queryset(self) -> QuerySet[CaseFact]:
        if getattr(self, "swagger_fake_view", False):
            return CaseFact.objects.none()
        performance.sync()
        return (selectors.facts_for(self.request.user)
                .select_related("complaint", "agency", "kecamatan", "kelurahan", "category")
                .order_by("-received_at", "-pk"))

    def filter_queryset(self, queryset: QuerySet[CaseFact]) -> QuerySet[CaseFact]:
        fake = getattr(self, "swagger_fake_view", False)
        if not fake and self.request.query_params.get("officer") \
                and not selectors.performance_scope(self.request.user).show_officers:
            raise ValidationError({"officer": [_("Filter petugas tidak tersedia untuk Anda.")]})
        return super().filter_queryset(queryset)

    def get_serializer(self, *args: Any, **kwargs: Any) -> Any:
        serializer = super().get_serializer(*args, **kwargs)
        if getattr(self, "swagger_fake_view", False):
            return serializer
        if not selectors.performance_scope(self.request.user).show_officers:
            # A camat or lurah sees figures per area, not which officer handled a case.
            target = getattr(serializer, "child", serializer)
            target.fields.pop("officer", None)
        return serializer


class DisputeSerializer(serializers.ModelSerializer):
    status = serializers.CharField(read_only=True, help_text="diajukan, diterima or ditolak")
    complaint = serializers.SlugRelatedField(slug_field="tracking_no", queryset=Complaint.objects.all())
    agency = serializers.SlugRelatedField(slug_field="code", read_only=True)
    opened_by = serializers.CharField(source="opened_by.display_name", read_only=True)
    decided_by = serializers.CharField(source="decided_by.display_name", read_only=True, default=None)

    class Meta:
        model = Dispute
        fields = ["id", "complaint", "agency", "reason", "status", "opened_by", "opened_at", "decided_by",
                  "decided_at", "decision_note"]
        read_only_fields = ["status", "opened_at", "decided_at", "decision_note"]
        extra_kwargs = {"reason": {"required": False, "allow_blank": True}}


class DecisionSerializer(serializers.Serializer):
    decision = serializers.ChoiceField(choices=[DisputeStatus.DITERIMA.value, DisputeStatus.DITOLAK.value])
    note = serializers.CharField(allow_blank=True, required=False, default="")


@extend_schema_view(
    list=extend_schema(tags=[TAG], summary="Disputes of red marks the caller may see",
                       examples=[_ex("Dispute", DISPUTE_EXAMPLE)],
                       responses={200: DisputeSerializer(many=True), **error_responses(400, 401, 403, 404)}),
    retrieve=extend_schema(tags=[TAG], summary="One dispute", examples=[_ex("Dispute", DISPUTE_EXAMPLE)],
                           responses={200: DisputeSerializer, **error_responses(401, 403, 404)}),
    create=extend_schema(
        tags=[TAG], summary="Dispute a red mark (head or penghubung of the OPD charged with the case)",
        examples=[_ex("Dispute", {"complaint": "MRK-2026-000123",
                                  "reason": "Lokasi tergenang banjir tiga hari sehingga truk tidak bisa masuk."},
                      request=True), _ex("Created", DISPUTE_EXAMPLE)],
        responses={201: DisputeSerializer, **error_responses(400, 401, 403)}),
)
class DisputeViewSet(ApiViewMixin, mixins.CreateModelMixin, viewsets.ReadOnlyModelViewSet):
    serializer_class = DisputeSerializer
    filter_backends = [DjangoFilterBackend]
    filterset_class = DisputeFilterSet
    permission_classes = [permissions.IsAuthenticated]

    def get_queryset(self) -> QuerySet[Dispute]:
        if getattr(self, "swagger_fake_view", False):
            return Dispute.objects.none()
        return selectors.disputes_for(self.request.user)

    def perform_create(self, serializer: DisputeSerializer) -> None:
        complaint = serializer.validated_data["complaint"]
        try:
            serializer.instance = actions.open_dispute(self.request.user, complaint,
                                                       serializer.validated_data.get("reason", ""))
        except DjangoValidationError as exc:
            raise ValidationError(exc.message_dict) from exc

    @extend_schema(tags=[TAG], summary="Decide a dispute (admin koordinator): diterima lifts the red mark",
                   request=DecisionSerializer,
                   examples=[_ex("Decision", {"decision": "diterima", "note": "Banjir tercatat BPBD."}, request=True),
                             _ex("Decided", DISPUTE_EXAMPLE | {"status": "diterima", "decided_by": "Adi Nasution",
                                                               "decided_at": "2026-11-13T09:00:00+07:00",
                                                               "decision_note": "Banjir tercatat BPBD."})],
                   responses={200: DisputeSerializer, **error_responses(400, 401, 403, 404)})
    @action(detail=True, methods=["post"])
    def decide(self, request: Request, pk: str | None = None) -> Response:
        dispute = self.get_object()
        body = DecisionSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        try:
            dispute = actions.decide(request.user, dispute, body.validated_data["decision"],
                                     body.validated_data.get("note", ""))
        except DjangoValidationError as exc:
            raise ValidationError(exc.message_dict) from exc
        return Response(DisputeSerializer(dispute).data)
