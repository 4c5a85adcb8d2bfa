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
from django.shortcuts import get_object_or_404
from django_filters.rest_framework import DjangoFilterBackend
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import mixins, permissions, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import ValidationError
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


def _year(request: Request) -> PlanningYear | None:
    raw = request.query_params.get("year", "")
    if raw:
        if not raw.isdigit():
            raise ValidationError({"year": ["Tahun harus angka."]})
        return PlanningYear.objects.filter(year=int(raw)).first()
    return selectors.active_year()


@extend_schema(tags=[TAG])
class YearViewSet(ApiViewMixin, viewsets.ReadOnlyModelViewSet):
    permission_classes = [permissions.AllowAny]
    serializer_class = s.YearSerializer
    queryset = PlanningYear.objects.select_related("city").prefetch_related("windows").order_by("-year")
    lookup_field = "year"


@extend_schema(tags=[TAG], parameters=[YEAR_PARAM])
class KamusViewSet(ApiViewMixin, mixins.ListModelMixin, viewsets.GenericViewSet):
    permission_classes = [permissions.AllowAny]
    serializer_class = s.KamusSerializer
    queryset = KamusEntry.objects.none()  # for the schema; the real one depends on the year asked

    def get_queryset(self) -> QuerySet[KamusEntry]:
        year = _year(self.request)
        return KamusEntry.objects.filter(planning_year=year, is_active=True).select_related("agency")


@extend_schema(tags=[TAG], parameters=[YEAR_PARAM])
class PriceViewSet(ApiViewMixin, mixins.ListModelMixin, viewsets.GenericViewSet):
    permission_classes = [permissions.AllowAny]
    serializer_class = s.PriceItemSerializer
    queryset = PriceItem.objects.none()  # for the schema; the real one depends on the year asked

    def get_queryset(self) -> QuerySet[PriceItem]:
        year = _year(self.request)
        return pricing.current_items(year.year).order_by("code") if year else PriceItem.objects.none()


@extend_schema(tags=[TAG])
class PublicUsulanViewSet(ApiViewMixin, mixins.ListModelMixin, viewsets.GenericViewSet):
    permission_classes = [permissions.AllowAny]
    serializer_class = s.PublicUsulanSerializer
    filter_backends = [DjangoFilterBackend]
    filterset_class = UsulanFilterSet

    def get_queryset(self) -> QuerySet[Usulan]:
        return selectors.public_usulan().order_by("number")


@extend_schema(tags=[TAG])
class UsulanViewSet(ApiViewMixin, mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    permission_classes = [permissions.IsAuthenticated]
    serializer_class = s.UsulanSerializer
    filter_backends = [DjangoFilterBackend]
    filterset_class = UsulanFilterSet
    lookup_field = "number"
    lookup_value_regex = r"[A-Za-z0-9-]{1,24}"  # nothing else reaches the database (NUL breaks PostgreSQL)

    def get_queryset(self) -> QuerySet[Usulan]:
        return selectors.usulan_for(self.request.user).prefetch_related("decisions__forum").order_by("number")

    @extend_schema(request=s.UsulanInSerializer, responses={201: s.UsulanSerializer,
                                                            **error_responses(400, 401, 403)})
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

    @extend_schema(request=s.DecisionInSerializer, responses={200: s.UsulanSerializer,
                                                              **error_responses(400, 401, 403, 404)})
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

    @extend_schema(tags=[TAG], request=s.RanksInSerializer, responses={204: None,
                                                                       **error_responses(400, 401, 403, 404)})
    def post(self, request: Request, pk: int) -> Response:
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
