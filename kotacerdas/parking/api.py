"""REST API of e-parking under /api/v1/parking/: the aggregator's webhook, the jukir handheld, and staff reads.

- `POST webhook/<provider>`: signed with the provider's secret (X-Kc-Signature, X-Kc-Timestamp); no user.
- `POST handheld/payments`, `POST handheld/duty`: a jukir account (token or session).
- `points/`, `jukir/`, `transactions/`, `violations/`, `settlements/`: role-scoped reads (parking.selectors); the few
  writes (jukir status, violation review, settlement upload) go through parking.actions like the screens.
- `POST cards/verify`: public; anyone can check the QR on a jukir's card.
See kotacerdas/parking/README.md for the wire formats.
"""

from __future__ import annotations

import hashlib
import json
from typing import Any

from django.core.exceptions import PermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db.models import Prefetch, QuerySet
from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiExample, OpenApiParameter, extend_schema
from rest_framework import mixins, permissions, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import ValidationError
from rest_framework.parsers import FormParser, MultiPartParser
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from kotacerdas.core.api import ApiViewMixin, error_responses
from kotacerdas.parking import actions, selectors
from kotacerdas.parking import serializers as s
from kotacerdas.parking.filtersets import JukirFilterSet, PointFilterSet, TransactionFilterSet, ViolationFilterSet
from kotacerdas.parking.models import (
    Channel,
    JukirAssignment,
    ParkingPoint,
    PaymentProvider,
    PointCapacity,
    SettlementFile,
    SettlementLineStatus,
)

TAG = "parking"
WEBHOOK_EXAMPLE = {
    "reference": "QR20260105000123", "merchant_id": "ID1021000000101", "amount": 3000,
    "paid_at": "2026-01-05T08:15:02+07:00", "method": "qris_dinamis", "issuer": "BANK SUMUT",
    "point": "ep-001", "jukir": "JKR-0001", "vehicle_class": "motor", "plate": "BK1234AB",
}


POINT_EXAMPLE = {
    "code": "ep-001", "name": "Jalan Ahmad Yani (Kawasan Kesawan) 1", "segment": "kesawan",
    "street": "Jalan Ahmad Yani (Kawasan Kesawan)", "road_class": 1, "operator": "mitra-demo-01", "lat": 3.5905,
    "lon": 98.6797, "approximate": True, "is_eparking": True, "eparking_since": "2021-09-01", "land_use": "kuliner",
    "opens_at": "10:00:00", "closes_at": "23:00:00", "daily_target": 250000, "capacities": {"mobil": 6, "motor": 24},
    "occupancy": {"occupied": 17, "total": 30, "at": "2026-01-05T10:05:00+07:00"}, "is_demo": True,
}
JUKIR_EXAMPLE = {"code": "JKR-0001", "name": "Agus Siregar", "operator": "mitra-demo-01", "status": "aktif",
                 "status_changed_at": None, "card_issued_at": "2026-01-02T09:00:00+07:00", "points": ["ep-001"]}
TX_EXAMPLE = {
    "id": 812, "reference": "QR20260105000123", "provider": "agregator-demo", "channel": "webhook",
    "origin": "agregator-demo", "point": "ep-001", "jukir": "JKR-0001", "operator": "mitra-demo-01",
    "vehicle_class": "motor", "method": "qris_dinamis", "amount": 3000, "tariff_amount": 3000,
    "merchant_id": "ID1021000000100", "issuer": "BANK SUMUT", "plate": "BK1234AB",
    "paid_at": "2026-01-05T08:15:02+07:00", "received_at": "2026-01-05T08:15:03+07:00", "operator_share": 1800,
    "city_share": 1200, "flags": [], "settled": True,
}
VIOLATION_EXAMPLE = {
    "id": 44, "kind": "tunai_eparking", "kind_label": "Tunai di titik e-parking", "point": "ep-001",
    "jukir": "JKR-0001", "sticker": None, "transaction": None, "channel": "handheld", "origin": "jukir:JKR-0001",
    "reference": "HH-20260105-0007", "amount": 3000,
    "detail": "Pembayaran tunai di titik e-parking ep-001 ditolak: hanya QRIS/uang elektronik.",
    "occurred_at": "2026-01-05T09:12:00+07:00", "status": "baru", "review_note": "",
}
SETTLEMENT_EXAMPLE = {"id": 3, "provider": "agregator-demo", "settlement_date": "2026-01-05",
                      "filename": "settlement-20260105.csv", "sha256": "9f2c...e1", "imported_at":
                      "2026-01-06T08:00:00+07:00", "lines_total": 1520, "lines_matched": 1517, "lines_unmatched": 3,
                      "amount_total": 4870000}
LINE_EXAMPLE = {"line_number": 12, "reference": "QR20260105000999", "merchant_id": "ID1021000000100",
                "amount": 3000, "fee": 21, "paid_at": "2026-01-05T11:02:00+07:00", "transaction": None,
                "status": "tidak_ada"}
HANDHELD_EXAMPLE = {k: v for k, v in WEBHOOK_EXAMPLE.items() if k != "jukir"} | {"reference": "HH-20260105-0008"}


def _ex(name: str, value: Any, *, request: bool = False) -> OpenApiExample:
    return OpenApiExample(name, value=value, request_only=request, response_only=not request)


def _answer(outcome: actions.PaymentOutcome) -> Response:
    body: dict[str, Any] = {"status": outcome.status}
    if outcome.violation is not None:
        body["violation"] = outcome.violation.kind
        body["detail"] = outcome.violation.detail
    if outcome.transaction is not None:
        body["transaction"] = outcome.transaction.pk
    return Response(body)


def _record(data: dict[str, Any], **extra: Any) -> Response:
    # A Django ValidationError from the action becomes a 400 naming the field (core.api.exception_handler).
    outcome = actions.record_payment(
        reference=data["reference"], point=data["point"], vehicle_class=data["vehicle_class"],
        method=data["method"], amount=data["amount"], paid_at=data["paid_at"], merchant_id=data["merchant_id"],
        issuer=data["issuer"], plate=data["plate"], sticker_barcode=data["sticker"], **extra)
    return _answer(outcome)


class WebhookView(APIView):
    """The payment aggregator's signed notification of one settled cashless payment."""

    authentication_classes: list[Any] = []
    permission_classes = [permissions.AllowAny]
    parser_classes: list[Any] = []  # the raw body is read (and signed) as sent; nothing parses it before the check

    @extend_schema(
        tags=[TAG], summary="Payment webhook (aggregator)", auth=[],
        description="Body signed with HMAC-SHA256 of the raw bytes using the provider's webhook secret: header "
                    "`X-Kc-Signature: sha256=<hex>`, plus `X-Kc-Timestamp: <epoch seconds>` within 5 minutes of "
                    "our clock. Idempotent by `reference`: a resend answers `duplicate`. A payment that breaks a "
                    "rule is stored as a violation and answered `refused` with the violation kind (still 200: "
                    "retrying will not change it). 401: bad signature or timestamp, nothing stored.",
        request=s.WebhookPaymentSerializer,
        responses={200: s.PaymentOutSerializer, **error_responses(400, 401, 404)},
        examples=[OpenApiExample("Payment", value=WEBHOOK_EXAMPLE, request_only=True),
                  OpenApiExample("Accepted", value={"status": "accepted", "transaction": 812}, response_only=True),
                  OpenApiExample("Refused", value={"status": "refused", "violation": "merchant_asing",
                                                   "detail": "Merchant id ... bukan rekening kota atau operator."},
                                 response_only=True)],
    )
    def post(self, request: Request, provider: str) -> Response:
        # Any text reaches the view (a JSON 404, not Django's HTML page); NUL cannot be queried on PostgreSQL.
        found = None if "\x00" in provider or len(provider) > 40 else PaymentProvider.objects.filter(
            code=provider, is_active=True).first()
        if found is None:
            return Response({"detail": _("Penyedia pembayaran tidak dikenal.")}, status=status.HTTP_404_NOT_FOUND)
        body = request.body
        try:
            actions.check_webhook(found, body, request.headers.get("X-Kc-Signature"),
                                  request.headers.get("X-Kc-Timestamp"))
        except actions.BadSignature as exc:
            return Response({"detail": str(exc)}, status=status.HTTP_401_UNAUTHORIZED,
                            headers={"WWW-Authenticate": 'KcSignature realm="parking-webhook"'})
        try:
            data = json.loads(body.decode("utf-8"))
        except (UnicodeDecodeError, json.JSONDecodeError) as exc:
            return Response({"non_field_errors": [_("Isi bukan JSON: %(e)s") % {"e": exc}]},
                            status=status.HTTP_400_BAD_REQUEST)
        if not isinstance(data, dict):
            return Response({"non_field_errors": [_("Isi harus satu objek JSON.")]},
                            status=status.HTTP_400_BAD_REQUEST)
        serializer = s.WebhookPaymentSerializer(data=data)
        serializer.is_valid(raise_exception=True)
        v = serializer.validated_data
        return _record(v, channel=Channel.WEBHOOK, origin=found.code, jukir=v["jukir"], provider=found)


def _jukir_or_403(request: Request) -> Any:
    jukir = selectors.jukir_of(request.user)
    if jukir is None:
        raise PermissionDenied(_("Hanya akun juru parkir yang dapat mencatat dari perangkat."))
    return jukir


class HandheldPaymentView(ApiViewMixin, APIView):
    permission_classes = [permissions.IsAuthenticated]

    @extend_schema(
        tags=[TAG], summary="Record a payment from the jukir handheld",
        description="The logged-in jukir records a payment (QRIS/e-money via the EDC, or cash where e-parking does "
                    "not apply). Idempotent by `reference` per jukir. Same rules and answers as the webhook.",
        request=s.PaymentInSerializer, responses={200: s.PaymentOutSerializer, **error_responses(400, 401, 403)},
        examples=[_ex("Payment", HANDHELD_EXAMPLE, request=True),
                  _ex("Refused", {"status": "refused", "violation": "tunai_eparking",
                                  "detail": "Pembayaran tunai di titik e-parking ep-001 ditolak."})],
    )
    def post(self, request: Request) -> Response:
        jukir = _jukir_or_403(request)
        serializer = s.PaymentInSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        return _record(serializer.validated_data, channel=Channel.HANDHELD, origin=f"jukir:{jukir.code}",
                       jukir=jukir, actor=request.user)


class HandheldDutyView(ApiViewMixin, APIView):
    permission_classes = [permissions.IsAuthenticated]

    @extend_schema(
        tags=[TAG], summary="Start or end duty (jukir handheld)",
        description="`start` at a point the jukir is assigned to today (an open session elsewhere is closed); "
                    "`end` closes the open session. Duty without transactions is a leakage indicator.",
        request=s.DutyInSerializer, responses={200: dict, **error_responses(400, 401, 403)},
        examples=[_ex("Start", {"action": "start", "point": "ep-001"}, request=True),
                  _ex("On duty", {"status": "on_duty", "point": "ep-001", "started_at": "2026-01-05T07:02:00+07:00",
                                  "ended_at": None})],
    )
    def post(self, request: Request) -> Response:
        jukir = _jukir_or_403(request)
        serializer = s.DutyInSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        v = serializer.validated_data
        if v["action"] == "start":
            session = actions.do_start_duty(jukir, v["point"])
        else:
            session = actions.do_end_duty(jukir)
            if session is None:
                return Response({"status": "off_duty", "point": None})
        return Response({"status": "on_duty" if session.ended_at is None else "off_duty",
                         "point": session.point.code, "started_at": session.started_at.isoformat(),
                         "ended_at": session.ended_at.isoformat() if session.ended_at else None})


class CardVerifyView(APIView):
    authentication_classes: list[Any] = []
    permission_classes = [permissions.AllowAny]

    @extend_schema(
        tags=[TAG], summary="Check a jukir ID card", auth=[],
        description="Public: the text of the QR on a jukir's card. `valid` false for a forged, unknown or "
                    "re-issued card; a genuine card of a revoked jukir answers `valid: true, active: false`.",
        request=s.CardVerifySerializer, responses={200: dict, **error_responses(400)},
        examples=[_ex("QR text", {"payload": "KC-JUKIR:JKR-0001:3f0c9a..."}, request=True),
                  _ex("Genuine", {"valid": True, "active": True, "code": "JKR-0001", "name": "Agus Siregar",
                                  "status": "aktif", "operator": "PT Mitra Parkir Demo 01"}),
                  _ex("Forged", {"valid": False})],
    )
    def post(self, request: Request) -> Response:
        serializer = s.CardVerifySerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        jukir = actions.verify_card(serializer.validated_data["payload"])
        if jukir is None:
            return Response({"valid": False})
        return Response({"valid": True, "active": jukir.is_active, "code": jukir.code, "name": jukir.name,
                         "status": jukir.status, "operator": jukir.operator.name})


class PointViewSet(ApiViewMixin, viewsets.ReadOnlyModelViewSet):
    serializer_class = s.PointSerializer
    filterset_class = PointFilterSet
    lookup_field = "code"
    permission_classes = [permissions.IsAuthenticated]

    def get_queryset(self) -> QuerySet[ParkingPoint]:
        return selectors.points_for(self.request.user).prefetch_related(
            Prefetch("capacities", queryset=PointCapacity.objects.order_by("vehicle_class")))

    def get_serializer(self, *args: Any, **kwargs: Any) -> Any:
        # Occupancy of exactly the rows being answered: one query per page, not one per point.
        instance = args[0] if args else None
        rows = instance if isinstance(instance, list) else [instance] if instance is not None else []
        kwargs.setdefault("context", self.get_serializer_context())
        kwargs["context"]["occupancy"] = selectors.occupancy_now([p.pk for p in rows if p is not None])
        return super().get_serializer(*args, **kwargs)

    @extend_schema(tags=[TAG], summary="List parking points in the caller's scope",
                   examples=[_ex("Point", POINT_EXAMPLE)],
                   responses={200: s.PointSerializer(many=True), **error_responses(400, 401, 404)})
    def list(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        return super().list(request, *args, **kwargs)

    @extend_schema(tags=[TAG], summary="Read one parking point", examples=[_ex("Point", POINT_EXAMPLE)],
                   responses={200: s.PointSerializer, **error_responses(401, 404)})
    def retrieve(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        return super().retrieve(request, *args, **kwargs)


class JukirViewSet(ApiViewMixin, viewsets.ReadOnlyModelViewSet):
    serializer_class = s.JukirSerializer
    filterset_class = JukirFilterSet
    lookup_field = "code"
    permission_classes = [permissions.IsAuthenticated]

    def get_queryset(self) -> QuerySet:
        return selectors.jukir_for(self.request.user).prefetch_related(
            Prefetch("assignments", queryset=JukirAssignment.objects.select_related("point")))

    @extend_schema(tags=[TAG], summary="List jukir in the caller's scope (no NIK or phone)",
                   examples=[_ex("Jukir", JUKIR_EXAMPLE)],
                   responses={200: s.JukirSerializer(many=True), **error_responses(400, 401, 404)})
    def list(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        return super().list(request, *args, **kwargs)

    @extend_schema(tags=[TAG], summary="Read one jukir", examples=[_ex("Jukir", JUKIR_EXAMPLE)],
                   responses={200: s.JukirSerializer, **error_responses(401, 404)})
    def retrieve(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        return super().retrieve(request, *args, **kwargs)

    @extend_schema(tags=[TAG], summary="Revoke, suspend or reactivate a jukir's card",
                   request=s.JukirStatusInSerializer, responses={200: s.JukirSerializer,
                                                                 **error_responses(400, 401, 403, 404)},
                   examples=[_ex("Revoke", {"status": "dicabut", "reason": "Mengarahkan pembayaran ke tunai"},
                                 request=True), _ex("Jukir", JUKIR_EXAMPLE | {"status": "dicabut"})])
    @action(detail=True, methods=["post"], url_path="status")
    def set_status(self, request: Request, code: str | None = None) -> Response:
        jukir = self.get_object()
        serializer = s.JukirStatusInSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        actions.do_set_jukir_status(request.user, jukir, serializer.validated_data["status"],
                                    serializer.validated_data["reason"])
        return Response(s.JukirSerializer(jukir).data)


class TransactionViewSet(ApiViewMixin, viewsets.ReadOnlyModelViewSet):
    serializer_class = s.TransactionSerializer
    filterset_class = TransactionFilterSet
    permission_classes = [permissions.IsAuthenticated]

    def get_queryset(self) -> QuerySet:
        return selectors.transactions_for(self.request.user).order_by("-paid_at", "-pk")

    @extend_schema(tags=[TAG], summary="List payments in the caller's scope", examples=[_ex("Payment", TX_EXAMPLE)],
                   responses={200: s.TransactionSerializer(many=True), **error_responses(400, 401, 404)})
    def list(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        return super().list(request, *args, **kwargs)

    @extend_schema(tags=[TAG], summary="Read one payment", examples=[_ex("Payment", TX_EXAMPLE)],
                   responses={200: s.TransactionSerializer, **error_responses(401, 404)})
    def retrieve(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        return super().retrieve(request, *args, **kwargs)


class ViolationViewSet(ApiViewMixin, viewsets.ReadOnlyModelViewSet):
    serializer_class = s.ViolationSerializer
    filterset_class = ViolationFilterSet
    permission_classes = [permissions.IsAuthenticated]

    def get_queryset(self) -> QuerySet:
        return selectors.violations_for(self.request.user).order_by("-occurred_at", "-pk")

    @extend_schema(tags=[TAG], summary="List violations (refused and flagged payments) in the caller's scope",
                   examples=[_ex("Violation", VIOLATION_EXAMPLE)],
                   responses={200: s.ViolationSerializer(many=True), **error_responses(400, 401, 404)})
    def list(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        return super().list(request, *args, **kwargs)

    @extend_schema(tags=[TAG], summary="Read one violation", examples=[_ex("Violation", VIOLATION_EXAMPLE)],
                   responses={200: s.ViolationSerializer, **error_responses(401, 404)})
    def retrieve(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        return super().retrieve(request, *args, **kwargs)

    @extend_schema(tags=[TAG], summary="Review a violation", request=s.ViolationReviewSerializer,
                   responses={200: s.ViolationSerializer, **error_responses(400, 401, 403, 404)},
                   examples=[_ex("Review", {"status": "ditinjau", "note": "Jukir ditegur, operator disurati"},
                                 request=True), _ex("Violation", VIOLATION_EXAMPLE | {"status": "ditinjau"})])
    @action(detail=True, methods=["post"])
    def review(self, request: Request, pk: str | None = None) -> Response:
        violation = self.get_object()
        serializer = s.ViolationReviewSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        actions.do_review_violation(request.user, violation, serializer.validated_data["status"],
                                    serializer.validated_data["note"])
        return Response(s.ViolationSerializer(violation).data)


class SettlementViewSet(ApiViewMixin, mixins.CreateModelMixin, viewsets.ReadOnlyModelViewSet):
    serializer_class = s.SettlementFileSerializer
    permission_classes = [permissions.IsAuthenticated]
    parser_classes = [MultiPartParser, FormParser]

    def get_queryset(self) -> QuerySet[SettlementFile]:
        return selectors.settlements_for(self.request.user)

    @extend_schema(tags=[TAG], summary="List imported settlement files", examples=[_ex("File", SETTLEMENT_EXAMPLE)],
                   responses={200: s.SettlementFileSerializer(many=True), **error_responses(400, 401, 404)})
    def list(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        return super().list(request, *args, **kwargs)

    @extend_schema(tags=[TAG], summary="Read one settlement file (counts)",
                   examples=[_ex("File", SETTLEMENT_EXAMPLE)],
                   responses={200: s.SettlementFileSerializer, **error_responses(401, 404)})
    def retrieve(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        return super().retrieve(request, *args, **kwargs)

    @extend_schema(
        tags=[TAG], summary="Import a settlement CSV",
        description="multipart: `provider` (code) and `file` (CSV `reference,merchant_id,amount,fee,paid_at"
                    "[,settlement_date]`). 201 for a new file; 200 with the first import when the same bytes were "
                    "imported before (nothing is counted twice).",
        request=s.SettlementUploadSerializer,
        responses={201: s.SettlementFileSerializer, 200: s.SettlementFileSerializer,
                   **error_responses(400, 401, 403)},
        examples=[_ex("Imported", SETTLEMENT_EXAMPLE)],
    )
    def create(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        if not selectors.can_manage(request.user):
            raise PermissionDenied(_("Hanya Dishub dan admin yang boleh mengimpor settlement."))
        upload = s.SettlementUploadSerializer(data=request.data)
        upload.is_valid(raise_exception=True)
        provider = PaymentProvider.objects.filter(code=upload.validated_data["provider"]).first()
        if provider is None:
            raise ValidationError({"provider": [_("Penyedia pembayaran tidak dikenal.")]})
        f = upload.validated_data["file"]
        data = f.read()
        seen = SettlementFile.objects.filter(sha256=hashlib.sha256(data).hexdigest()).exists()
        try:
            file = actions.do_import_settlement(provider=provider, data=data, filename=f.name, actor=request.user)
        except DjangoValidationError as exc:
            raise ValidationError(exc.message_dict) from None
        return Response(s.SettlementFileSerializer(file).data,
                        status=status.HTTP_200_OK if seen else status.HTTP_201_CREATED)

    @extend_schema(
        tags=[TAG], summary="Lines of a settlement file",
        parameters=[OpenApiParameter("status", str, enum=SettlementLineStatus.values)],
        responses={200: s.SettlementLineSerializer(many=True), **error_responses(401, 404)},
        examples=[_ex("Line", LINE_EXAMPLE)],
    )
    @action(detail=True, methods=["get"])
    def lines(self, request: Request, pk: str | None = None) -> Response:
        file = self.get_object()
        qs = file.lines.all()
        wanted = request.query_params.get("status")
        if wanted in SettlementLineStatus.values:
            qs = qs.filter(status=wanted)
        page = self.paginate_queryset(qs)
        return self.get_paginated_response(s.SettlementLineSerializer(page, many=True).data)

    @extend_schema(
        tags=[TAG], summary="Webhook payments of the file's day that no settlement line reached",
        responses={200: s.TransactionSerializer(many=True), **error_responses(401, 404)},
        examples=[_ex("Payment", TX_EXAMPLE | {"settled": False})],
    )
    @action(detail=True, methods=["get"])
    def unmatched(self, request: Request, pk: str | None = None) -> Response:
        file = self.get_object()
        page = self.paginate_queryset(selectors.unmatched_transactions(file.provider, file.settlement_date))
        return self.get_paginated_response(s.TransactionSerializer(page, many=True).data)
