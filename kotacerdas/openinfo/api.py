"""/api/v1/openinfo/: the PPID register (role-scoped: PPID and Atasan PPID see all, a citizen their own) and the
published DIP. Requests can be filed through the API as through the form (same actions, same checks)."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.permissions import IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response

from kotacerdas.core.api import ApiViewMixin
from kotacerdas.openinfo import actions, selectors
from kotacerdas.openinfo.filtersets import DipFilterSet, RequestFilterSet
from kotacerdas.openinfo.models import DipEntry, InfoRequest


class RequestSerializer(serializers.ModelSerializer):
    class Meta:
        model = InfoRequest
        # No NIK, phone or e-mail: the register's identity fields stay on the staff screens.
        fields = ["reg_no", "received_at", "channel", "name", "information", "purpose", "format", "delivery",
                  "status", "due_at", "original_due_at", "extended_at", "extension_reason", "decision",
                  "decided_at", "answer", "copy_cost", "delivery_cost"]
        read_only_fields = fields


class RequestCreateSerializer(serializers.Serializer):
    name = serializers.CharField(max_length=120)
    nik = serializers.CharField(max_length=20, required=False, allow_blank=True)
    address = serializers.CharField(max_length=255)
    occupation = serializers.CharField(max_length=120)
    phone = serializers.CharField(max_length=20, required=False, allow_blank=True)
    email = serializers.CharField(max_length=254, required=False, allow_blank=True)
    information = serializers.CharField()
    purpose = serializers.CharField()
    format = serializers.CharField()
    delivery = serializers.CharField()


class RequestViewSet(ApiViewMixin, mixins.CreateModelMixin, viewsets.ReadOnlyModelViewSet):
    serializer_class = RequestSerializer
    filterset_class = RequestFilterSet
    permission_classes = [IsAuthenticated]
    lookup_field = "reg_no"

    def get_queryset(self) -> QuerySet[InfoRequest]:
        return selectors.requests_for(self.request.user).order_by("-received_at")

    def get_serializer_class(self) -> Any:
        return RequestCreateSerializer if self.action == "create" else RequestSerializer

    def create(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        data = RequestCreateSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        req = actions.do_submit_request(request.user, data.validated_data, request=request._request)
        return Response(RequestSerializer(req).data, status=status.HTTP_201_CREATED)


class DipSerializer(serializers.ModelSerializer):
    agency = serializers.StringRelatedField()

    class Meta:
        model = DipEntry
        fields = ["id", "title", "summary", "category", "agency", "format", "retention", "url", "year",
                  "is_published", "last_published_at", "next_due_at"]
        read_only_fields = fields


class DipViewSet(ApiViewMixin, viewsets.ReadOnlyModelViewSet):
    serializer_class = DipSerializer
    filterset_class = DipFilterSet

    def get_queryset(self) -> QuerySet[DipEntry]:
        return selectors.dip_for(self.request.user).order_by("category", "title")
