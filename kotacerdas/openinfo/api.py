"""/api/v1/openinfo/: the PPID register (role-scoped: PPID and Atasan PPID see all, a citizen their own) and the
published DIP. Requests can be filed through the API as through the form (same actions, same checks)."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from drf_spectacular.utils import OpenApiExample, extend_schema, extend_schema_view
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.permissions import IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response

from kotacerdas.core.api import ApiViewMixin, error_responses
from kotacerdas.openinfo import actions, selectors
from kotacerdas.openinfo.filtersets import DipFilterSet, RequestFilterSet
from kotacerdas.openinfo.models import Decision, DipEntry, InfoRequest

REQUEST_EXAMPLE = {
    "reg_no": "PPID-2026-000214", "received_at": "2026-11-20T09:30:00+07:00", "channel": "web",
    "name": "Budi Santoso", "information": "Salinan DPA Dinas Pendidikan tahun anggaran 2026",
    "purpose": "Bahan penelitian skripsi tentang belanja pendidikan", "format": "softcopy", "delivery": "email",
    "status": "selesai", "due_at": "2026-12-04T23:59:59+07:00", "original_due_at": "2026-12-04T23:59:59+07:00",
    "extended_at": None, "extension_reason": "", "decision": "dipenuhi", "decided_at": "2026-12-01T14:05:00+07:00",
    "answer": "Salinan DPA terlampir dalam surel.", "copy_cost": 0, "delivery_cost": 0,
}
REQUEST_IN_EXAMPLE = {
    "name": "Budi Santoso", "nik": "1271010101900001", "address": "Jl. Sei Batang Hari No. 12, Medan",
    "occupation": "Mahasiswa",
    "information": "Salinan DPA Dinas Pendidikan tahun anggaran 2026",
    "purpose": "Bahan penelitian skripsi tentang belanja pendidikan", "format": "softcopy", "delivery": "email",
    "email": "budi@example.org",
}
DIP_EXAMPLE = {
    "id": 12, "title": "Laporan Realisasi Anggaran 2025", "summary": "Realisasi pendapatan dan belanja daerah.",
    "category": "berkala", "agency": "Badan Pengelolaan Keuangan dan Aset Daerah", "format": "Softcopy (PDF)",
    "retention": "Selama berlaku", "url": "https://ppid.example.go.id/dip/lra-2025.pdf", "year": 2025,
    "is_published": True, "last_published_at": "2026-03-31T10:00:00+07:00",
    "next_due_at": "2027-03-31T00:00:00+07:00",
}


def _ex(name: str, value: Any, *, request: bool = False) -> OpenApiExample:
    return OpenApiExample(name, value=value, request_only=request, response_only=not request)


class RequestSerializer(serializers.ModelSerializer):
    # Blank until the PPID decides; declared so the schema allows "" next to the choices (ModelSerializer drops
    # allow_blank from read-only fields).
    decision = serializers.ChoiceField(choices=Decision.choices, allow_blank=True, read_only=True)

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


@extend_schema_view(
    list=extend_schema(summary="List information requests (PPID all, a citizen their own)",
                       examples=[_ex("Request", REQUEST_EXAMPLE)]),
    retrieve=extend_schema(summary="Read one information request by its registration number",
                           examples=[_ex("Request", REQUEST_EXAMPLE)]),
    create=extend_schema(
        summary="File an information request (same checks as the form)", request=RequestCreateSerializer,
        responses={201: RequestSerializer, **error_responses(
            400, 401, 403, field_example={"information": ["Bidang ini harus diisi."]},
            forbidden_example="Anda tidak memiliki izin untuk melakukan tindakan ini.")},
        examples=[_ex("Request", REQUEST_IN_EXAMPLE, request=True),
                  _ex("Registered", REQUEST_EXAMPLE | {"status": "diproses", "decision": "", "decided_at": None,
                                                       "answer": ""})]),
)
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
    agency = serializers.StringRelatedField(allow_null=True)  # an entry may have no OPD in charge

    class Meta:
        model = DipEntry
        fields = ["id", "title", "summary", "category", "agency", "format", "retention", "url", "year",
                  "is_published", "last_published_at", "next_due_at"]
        read_only_fields = fields


@extend_schema_view(
    list=extend_schema(summary="List the Daftar Informasi Publik (published entries; PPID all)",
                       examples=[_ex("DIP entry", DIP_EXAMPLE)]),
    retrieve=extend_schema(summary="Read one DIP entry", examples=[_ex("DIP entry", DIP_EXAMPLE)]),
)
class DipViewSet(ApiViewMixin, viewsets.ReadOnlyModelViewSet):
    serializer_class = DipSerializer
    filterset_class = DipFilterSet

    def get_queryset(self) -> QuerySet[DipEntry]:
        return selectors.dip_for(self.request.user).order_by("category", "title")
