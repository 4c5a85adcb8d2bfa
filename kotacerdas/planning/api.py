"""REST API of e-planning under /api/v1/planning/.

- `years/`: planning years with their stage calendar (public).
- `kamus/?year=`: the kamus usulan with SIPD codes (public).
- `prices/?year=`: the current SSH/HSPK/ASB items of a budget year (public: they are set by Perwal).
- `public/usulan/`: every usulan with its journey, no proposer (public).
- `usulan/`: role-scoped staff list (UsulanFilterSet, like the screen); `POST usulan/` enters one through actions;
  `POST usulan/{number}/decision/` decides at its current forum; `POST forums/{id}/ranks/` sets the ranks.
Errors: 400 names the field (actions' ValidationError), 403 for PermissionDenied.
"""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from django_filters.rest_framework import DjangoFilterBackend
from drf_spectacular.utils import OpenApiExample, OpenApiParameter, extend_schema, extend_schema_view
from rest_framework import mixins, permissions, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import ValidationError
from rest_framework.generics import get_object_or_404
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from kotacerdas.core.api import ApiViewMixin, error_responses
from kotacerdas.planning import actions, pricing, selectors
from kotacerdas.planning import serializers as s
from kotacerdas.planning.filtersets import UsulanFilterSet
from kotacerdas.planning.models import Forum, KamusEntry, PlanningYear, PriceItem, Usulan

TAG = "planning"
YEAR_PARAM = OpenApiParameter("year", int, description="Tahun rencana/anggaran (bawaan: tahun aktif)")

YEAR_EXAMPLE = {"year": 2027, "name": "RKPD 2027", "city": "12.71", "is_active": True, "windows": [
    {"stage": "kelurahan", "opens_on": "2026-01-05", "closes_on": "2026-01-31", "closed_at": None,
     "source": "Permendagri 86/2017 Pasal 94"},
    {"stage": "kecamatan", "opens_on": "2026-02-02", "closes_on": "2026-02-27", "closed_at": None,
     "source": "Permendagri 86/2017 Pasal 95"}]}
KAMUS_EXAMPLE = {
    "id": 1, "code": "KMS-001", "name": "Rehabilitasi jalan lingkungan", "rumpun": "infrastruktur", "satuan": "m2",
    "opd": "dinas-sumber-daya-air-bina-marga-dan-bina-konstruksi", "urusan_code": "1.03", "program_code": "1.03.10",
    "program_name": "Program Penyelenggaraan Jalan", "kegiatan_code": "1.03.10.2.01",
    "kegiatan_name": "Penyelenggaraan Jalan Kabupaten/Kota", "subkegiatan_code": "1.03.10.2.01.0014",
    "subkegiatan_name": "Rehabilitasi Jalan",
}
PRICE_EXAMPLE = {
    "code": "HSPK-JL-002", "uraian": "Paving block jalan lingkungan",
    "spesifikasi": "K-300 tebal 8 cm termasuk pasir dan upah", "satuan": "m2", "price": "165000",
    "kode_rekening": "5.2.4.01.01.0001", "kind": "hspk", "version": 1, "perwal": "Perwal Medan No. 12 Tahun 2026",
    "lampiran": None, "ceiling": None,
}
PUBLIC_USULAN_EXAMPLE = {
    "number": "USL-2027-00012", "title": "Paving block gang Melati", "source": "warga", "kamus": "KMS-001",
    "rumpun": "infrastruktur", "kecamatan": "12.71.07", "kelurahan": "12.71.07.1002",
    "location_text": "Gg. Melati, lingkungan III", "lat": 3.5752, "lon": 98.6837, "volume": "240.00",
    "satuan": "m2", "opd": "dinas-sumber-daya-air-bina-marga-dan-bina-konstruksi", "estimated_cost": "39600000",
    "entry_stage": "kelurahan", "current_stage": "kecamatan", "status": "menunggu",
    "journey": [{"stage": "kelurahan", "decision": "diterima", "reason": "Prioritas lingkungan III", "rank": 2,
                 "forum": "Musrenbang Kelurahan Pasar Merah Barat 2027"}],
}
USULAN_EXAMPLE = PUBLIC_USULAN_EXAMPLE | {
    "description": "Gang sepanjang 120 m tergenang dan berlumpur saat hujan.", "rw": "III", "urgency": 4,
    "beneficiaries": 320, "alignment": 1, "created_at": "2026-01-08T10:12:00+07:00",
}
USULAN_IN_EXAMPLE = {
    "source": "warga", "kamus": "KMS-001", "title": "Paving block gang Melati",
    "description": "Gang sepanjang 120 m tergenang dan berlumpur saat hujan.", "lat": 3.5752, "lon": 98.6837,
    "location_text": "Gg. Melati, lingkungan III", "rw": "III", "volume": "240",
    "components": [{"item": "HSPK-JL-002", "quantity": "240"}], "urgency": 4, "beneficiaries": 320, "alignment": 1,
}


def _ex(name: str, value: Any, *, request: bool = False) -> OpenApiExample:
    return OpenApiExample(name, value=value, request_only=request, response_only=not request)


def _year(request: Request) -> PlanningYear | None:
    raw = request.query_params.get("year", "")
    if raw:
        if not (raw.isascii() and raw.isdigit() and len(raw) <= 4):  # "²".isdigit() too, and int() refuses it
            raise ValidationError({"year": ["Tahun harus angka 1-9999."]})
        return PlanningYear.objects.filter(year=int(raw)).first()
    return selectors.active_year()


@extend_schema_view(
    list=extend_schema(summary="List planning years with their stage calendar", examples=[_ex("Year", YEAR_EXAMPLE)]),
    retrieve=extend_schema(summary="Read one planning year", examples=[_ex("Year", YEAR_EXAMPLE)]),
)
@extend_schema(tags=[TAG])
class YearViewSet(ApiViewMixin, viewsets.ReadOnlyModelViewSet):
    permission_classes = [permissions.AllowAny]
    serializer_class = s.YearSerializer
    queryset = PlanningYear.objects.select_related("city").prefetch_related("windows").order_by("-year")
    lookup_field = "year"


@extend_schema_view(list=extend_schema(summary="List the kamus usulan of a year (SIPD codes)",
                                      examples=[_ex("Kamus entry", KAMUS_EXAMPLE)]))
@extend_schema(tags=[TAG], parameters=[YEAR_PARAM])
class KamusViewSet(ApiViewMixin, mixins.ListModelMixin, viewsets.GenericViewSet):
    permission_classes = [permissions.AllowAny]
    serializer_class = s.KamusSerializer
    queryset = KamusEntry.objects.none()  # for the schema; the real one depends on the year asked

    def get_queryset(self) -> QuerySet[KamusEntry]:
        year = _year(self.request)
        return KamusEntry.objects.filter(planning_year=year, is_active=True).select_related("agency")


@extend_schema_view(list=extend_schema(summary="List the current SSH/HSPK/ASB unit prices of a budget year",
                                      examples=[_ex("Price item", PRICE_EXAMPLE)]))
@extend_schema(tags=[TAG], parameters=[YEAR_PARAM])
class PriceViewSet(ApiViewMixin, mixins.ListModelMixin, viewsets.GenericViewSet):
    permission_classes = [permissions.AllowAny]
    serializer_class = s.PriceItemSerializer
    queryset = PriceItem.objects.none()  # for the schema; the real one depends on the year asked

    def get_queryset(self) -> QuerySet[PriceItem]:
        year = _year(self.request)
        return pricing.current_items(year.year).order_by("code") if year else PriceItem.objects.none()


@extend_schema_view(list=extend_schema(summary="List every usulan with its journey (public, no proposer)",
                                      examples=[_ex("Usulan", PUBLIC_USULAN_EXAMPLE)]))
@extend_schema(tags=[TAG])
class PublicUsulanViewSet(ApiViewMixin, mixins.ListModelMixin, viewsets.GenericViewSet):
    permission_classes = [permissions.AllowAny]
    serializer_class = s.PublicUsulanSerializer
    filter_backends = [DjangoFilterBackend]
    filterset_class = UsulanFilterSet

    def get_queryset(self) -> QuerySet[Usulan]:
        return selectors.public_usulan().order_by("number")


@extend_schema_view(
    list=extend_schema(summary="List usulan in the caller's scope (staff)", examples=[_ex("Usulan", USULAN_EXAMPLE)]),
    retrieve=extend_schema(summary="Read one usulan (staff)", examples=[_ex("Usulan", USULAN_EXAMPLE)]),
)
@extend_schema(tags=[TAG])
class UsulanViewSet(ApiViewMixin, mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    permission_classes = [permissions.IsAuthenticated]
    serializer_class = s.UsulanSerializer
    filter_backends = [DjangoFilterBackend]
    filterset_class = UsulanFilterSet
    lookup_field = "number"  # any text reaches get_object (JSON 404); core.middleware refuses NUL with a 400

    def get_queryset(self) -> QuerySet[Usulan]:
        return selectors.usulan_for(self.request.user).prefetch_related("decisions__forum").order_by("number")

    @extend_schema(summary="Enter an usulan at the current stage", request=s.UsulanInSerializer,
                   responses={201: s.UsulanSerializer, **error_responses(
                       400, 401, 403, field_example={"kamus": ["Kode kamus usulan tidak dikenal."]},
                       forbidden_example="Anda tidak berwenang memasukkan usulan pada tahap ini.")},
                   examples=[_ex("Usulan", USULAN_IN_EXAMPLE, request=True), _ex("Entered", USULAN_EXAMPLE)])
    def create(self, request: Request) -> Response:
        data_in = s.UsulanInSerializer(data=request.data)
        data_in.is_valid(raise_exception=True)
        d = data_in.validated_data
        year = selectors.active_year()
        if year is None:
            raise ValidationError({"year": ["Belum ada tahun perencanaan aktif."]})
        kamus = KamusEntry.objects.filter(planning_year=year, code=d["kamus"]).first()
        u = actions.do_submit_usulan(request.user, year, actions.UsulanInput(
            source=d["source"], kamus=kamus, title=d["title"], lat=d["lat"], lon=d["lon"],
            location_text=d["location_text"], volume=d["volume"],
            components=[(c["item"], c["quantity"]) for c in d["components"]], description=d["description"],
            rw=d["rw"], urgency=d["urgency"], beneficiaries=d["beneficiaries"], alignment=d["alignment"]))
        return Response(s.UsulanSerializer(u).data, status=201)

    @extend_schema(summary="Decide an usulan at its current forum", request=s.DecisionInSerializer,
                   responses={200: s.UsulanSerializer, **error_responses(
                       400, 401, 403, 404, field_example={"reason": ["Bidang ini harus diisi."]},
                       forbidden_example="Anda tidak berwenang memutus usulan pada forum ini.")},
                   examples=[_ex("Accept", {"decision": "diterima", "reason": "Prioritas 2 kecamatan"}, request=True),
                             _ex("Decided", USULAN_EXAMPLE | {"status": "diterima"})])
    @action(detail=True, methods=["post"])
    def decision(self, request: Request, number: str) -> Response:
        u = self.get_object()
        data_in = s.DecisionInSerializer(data=request.data)
        data_in.is_valid(raise_exception=True)
        actions.do_decide(request.user, u, data_in.validated_data["decision"], data_in.validated_data["reason"])
        u.refresh_from_db()
        return Response(s.UsulanSerializer(u).data)


class ForumRanksView(ApiViewMixin, APIView):
    permission_classes = [permissions.IsAuthenticated]

    @extend_schema(tags=[TAG], summary="Set the ranks of a forum's usulan", request=s.RanksInSerializer,
                   responses={204: None, **error_responses(
                       400, 401, 403, 404, field_example={"ranks": ["Usulan tidak dikenal: USL-2027-09999"]},
                       forbidden_example="Anda tidak berwenang menyusun peringkat forum ini.")},
                   examples=[_ex("Ranks", {"ranks": {"USL-2027-00012": 1, "USL-2027-00007": 2}}, request=True)])
    def post(self, request: Request, pk: str) -> Response:
        forum = get_object_or_404(Forum, pk=pk)
        data_in = s.RanksInSerializer(data=request.data)
        data_in.is_valid(raise_exception=True)
        numbers: dict[str, Any] = data_in.validated_data["ranks"]
        ids = dict(Usulan.objects.filter(number__in=list(numbers)[:500]).values_list("number", "pk"))
        unknown = [n for n in numbers if n not in ids]
        if unknown:
            raise ValidationError({"ranks": [f"Usulan tidak dikenal: {', '.join(unknown[:10])}"]})
        actions.do_set_ranks(request.user, forum, {ids[n]: r for n, r in numbers.items()})
        return Response(status=204)
