"""REST API for the OPD directory: public read of name, kind and area; officers for admins only."""

from __future__ import annotations

import django_filters as filters
from django.db.models import Q, QuerySet
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import OpenApiExample, extend_schema, extend_schema_view
from rest_framework import permissions, serializers, viewsets
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.routers import DefaultRouter

from kotacerdas.accounts import admin_actions
from kotacerdas.accounts import selectors as account_selectors
from kotacerdas.accounts.api import USER_EXAMPLE, CanManageUsers, UserSerializer
from kotacerdas.agencies.models import Agency, AgencyKind
from kotacerdas.core.api import ApiViewMixin, error_responses

TAG = "agencies"


class AgencySerializer(serializers.ModelSerializer):
    kind_label = serializers.CharField(source="get_kind_display", read_only=True)
    city = serializers.SlugRelatedField(slug_field="code", read_only=True, allow_null=True)
    region = serializers.SlugRelatedField(slug_field="code", read_only=True, allow_null=True,
                                          help_text="Area of a kantor camat / kantor lurah")

    class Meta:
        model = Agency
        fields = ["code", "name", "short_name", "kind", "kind_label", "city", "region", "is_active"]
        read_only_fields = fields


class AgencyFilterSet(filters.FilterSet):
    kind = filters.MultipleChoiceFilter(choices=AgencyKind.choices, label=_("Jenis"))
    region = filters.CharFilter(field_name="region__code", label=_("Wilayah kerja"))
    q = filters.CharFilter(method="filter_q", label=_("Cari"))

    class Meta:
        model = Agency
        fields = ["kind", "region", "q"]

    def filter_q(self, qs: QuerySet[Agency], name: str, value: str) -> QuerySet[Agency]:
        value = value.strip()
        return qs.filter(Q(name__icontains=value) | Q(short_name__icontains=value)) if value else qs


AGENCY_EXAMPLE = {"code": "dinas-lingkungan-hidup", "name": "Dinas Lingkungan Hidup", "short_name": "DLH",
                  "kind": "dinas", "kind_label": "Dinas", "city": "12.71", "region": None, "is_active": True}


@extend_schema_view(
    list=extend_schema(
        tags=[TAG], summary="List OPDs",
        description="Organisasi Perangkat Daerah of the city, public. Inactive OPDs are listed for admins only. "
                    "Filter by `kind` (repeatable), `region` (code of a kantor camat/lurah's area), `q`.",
        responses={200: AgencySerializer(many=True), **error_responses(400, 404)},
        examples=[OpenApiExample("One page", response_only=True,
                                 value=AGENCY_EXAMPLE)],
    ),
    retrieve=extend_schema(
        tags=[TAG], summary="Read one OPD", description="By its code (slug).",
        responses={200: AgencySerializer, **error_responses(404)},
        examples=[OpenApiExample("DLH", value=AGENCY_EXAMPLE, response_only=True)],
    ),
)
class AgencyViewSet(ApiViewMixin, viewsets.ReadOnlyModelViewSet):
    """The OPD directory."""

    serializer_class = AgencySerializer
    permission_classes = [permissions.AllowAny]
    filterset_class = AgencyFilterSet
    lookup_field = "code"

    def get_queryset(self) -> QuerySet[Agency]:
        qs = Agency.objects.select_related("city", "region").order_by("kind", "name")
        return qs if admin_actions.can_manage_users(self.request.user) else qs.filter(is_active=True)

    @extend_schema(
        tags=[TAG], summary="Officers of an OPD (admins)",
        description="Active staff accounts of the OPD. Superadmin and admin koordinator only; NIK and phone "
                    "appear for the superadmin only.",
        responses={200: UserSerializer(many=True), **error_responses(401, 403, 404)},
        examples=[OpenApiExample("DLH staff", response_only=True,
                                 value=USER_EXAMPLE)],
    )
    @action(detail=True, methods=["get"], permission_classes=[permissions.IsAuthenticated, CanManageUsers],
            filter_backends=[], serializer_class=UserSerializer)
    def officers(self, request: Request, code: str | None = None) -> Response:
        agency = self.get_object()
        visible = admin_actions.users_manageable_by(request.user)
        qs = account_selectors.staff_for_agency(agency).filter(pk__in=visible.values("pk"))
        qs = qs.select_related("agency", "region")
        page = self.paginate_queryset(qs)
        ser = UserSerializer(page, many=True, context=self.get_serializer_context())
        return self.get_paginated_response(ser.data)


def register(router: DefaultRouter) -> None:
    router.register("agencies", AgencyViewSet, basename="agency")

