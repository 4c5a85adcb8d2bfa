"""REST API for complaints: the same actions and the same role scopes as the staff UI."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import mixins, permissions, status, viewsets
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.routers import DefaultRouter

from kotacerdas.accounts.models import User
from kotacerdas.agencies.models import Agency
from kotacerdas.complaints import actions, selectors
from kotacerdas.complaints.api import serializers as s
from kotacerdas.complaints.filtersets import ComplaintFilterSet
from kotacerdas.complaints.models import Category, Complaint, Status


def _agency(code: str | None) -> Agency | None:
    return Agency.objects.filter(code=code).first() if code else None


class CategoryViewSet(viewsets.ReadOnlyModelViewSet):
    """Complaint categories (jenis aduan); the Open311 services."""

    queryset = Category.objects.filter(is_active=True)
    serializer_class = s.CategorySerializer
    lookup_field = "code"
    permission_classes = [permissions.AllowAny]
    filterset_fields = ["group", "classification"]


class ComplaintViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, mixins.CreateModelMixin,
                       viewsets.GenericViewSet):
    """Complaints the caller may see: OPD staff their OPD's, camat/lurah their area, warga their own."""

    permission_classes = [permissions.IsAuthenticated]
    filterset_class = ComplaintFilterSet
    serializer_class = s.ComplaintSerializer

    def get_queryset(self) -> QuerySet[Complaint]:
        return selectors.complaints_for(self.request.user).select_related("routing_rule__agency")

    def get_serializer_class(self):  # type: ignore[no-untyped-def]
        if self.action == "retrieve":
            return s.ComplaintDetailSerializer
        if self.action == "create":
            return s.SubmitSerializer
        return s.ComplaintSerializer

    @extend_schema(request=s.SubmitSerializer, responses={201: s.ComplaintSerializer})
    def create(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        serializer = s.SubmitSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        complaint = actions.submit(dict(serializer.validated_data), request.user)
        return Response(s.ComplaintSerializer(complaint, context={"request": request}).data,
                        status=status.HTTP_201_CREATED)

    def _act(self, request: Request, serializer_cls: type | None, run: Callable[..., Complaint | Any]) -> Response:
        complaint = self.get_object()
        data: dict[str, Any] = {}
        if serializer_cls is not None:
            ser = serializer_cls(data=request.data)
            ser.is_valid(raise_exception=True)
            data = dict(ser.validated_data)
        run(complaint, **data)
        complaint = Complaint.objects.get(pk=complaint.pk)
        return Response(s.ComplaintDetailSerializer(complaint, context={"request": request}).data)

    @extend_schema(request=s.DisposeSerializer, responses=s.ComplaintDetailSerializer)
    @action(detail=True, methods=["post"])
    def dispose(self, request: Request, pk: str | None = None) -> Response:
        """Verifikasi: forward to an OPD (admin koordinator)."""
        def run(c: Complaint, agency: str | None = None, message: str = "", is_rahasia: bool | None = None,
                is_anonim: bool | None = None) -> Complaint:
            chosen = _agency(agency)
            if agency and chosen is None:
                raise ValidationError({"agency": [_("OPD tidak dikenal.")]})
            opd = actions.check_dispose(request.user, c, chosen)
            return actions.do_dispose(request.user, c, opd, message=message, is_rahasia=is_rahasia,
                                      is_anonim=is_anonim)
        return self._act(request, s.DisposeSerializer, run)

    @extend_schema(request=s.ReasonSerializer, responses=s.ComplaintDetailSerializer)
    @action(detail=True, methods=["post"])
    def tunda(self, request: Request, pk: str | None = None) -> Response:
        def run(c: Complaint, reason: str) -> Complaint:
            return actions.do_tunda(request.user, c, actions.check_tunda(request.user, c, reason))
        return self._act(request, s.ReasonSerializer, run)

    @extend_schema(request=s.ReasonSerializer, responses=s.ComplaintDetailSerializer)
    @action(detail=True, methods=["post"], url_path="bukan-wewenang")
    def bukan_wewenang(self, request: Request, pk: str | None = None) -> Response:
        def run(c: Complaint, reason: str) -> Complaint:
            reason = actions.check_close_unverified(request.user, c, reason)
            return actions.do_close_unverified(request.user, c, Status.BUKAN_WEWENANG, reason)
        return self._act(request, s.ReasonSerializer, run)

    @extend_schema(request=s.ReasonSerializer, responses=s.ComplaintDetailSerializer)
    @action(detail=True, methods=["post"])
    def arsip(self, request: Request, pk: str | None = None) -> Response:
        def run(c: Complaint, reason: str) -> Complaint:
            reason = actions.check_close_unverified(request.user, c, reason)
            return actions.do_close_unverified(request.user, c, Status.ARSIP, reason)
        return self._act(request, s.ReasonSerializer, run)

    @extend_schema(request=None, responses=s.ComplaintDetailSerializer)
    @action(detail=True, methods=["post"])
    def accept(self, request: Request, pk: str | None = None) -> Response:
        def run(c: Complaint) -> Complaint:
            actions.check_accept(request.user, c)
            return actions.do_accept(request.user, c)
        return self._act(request, None, run)

    @extend_schema(request=s.RerouteSerializer, responses=s.ComplaintDetailSerializer)
    @action(detail=True, methods=["post"])
    def reroute(self, request: Request, pk: str | None = None) -> Response:
        """Limpahkan to another OPD; the receiving OPD's clock starts."""
        def run(c: Complaint, agency: str, reason: str) -> Complaint:
            opd, reason = actions.check_reroute(request.user, c, _agency(agency), reason)
            return actions.do_reroute(request.user, c, opd, reason)
        return self._act(request, s.RerouteSerializer, run)

    @extend_schema(request=s.AssignSerializer, responses=s.ComplaintDetailSerializer)
    @action(detail=True, methods=["post"])
    def assign(self, request: Request, pk: str | None = None) -> Response:
        def run(c: Complaint, officer: str, note: str = "") -> Complaint:
            person = actions.check_assign(request.user, c, User.objects.filter(username=officer).first())
            return actions.do_assign(request.user, c, person, note)
        return self._act(request, s.AssignSerializer, run)

    @extend_schema(request=s.MessageSerializer, responses=s.ComplaintDetailSerializer)
    @action(detail=True, methods=["post"])
    def respond(self, request: Request, pk: str | None = None) -> Response:
        """Public tindak lanjut (photos: multipart field `photos`)."""
        def run(c: Complaint, message: str) -> Complaint:
            text, photos = actions.check_respond(request.user, c, message, request.FILES.getlist("photos"))
            return actions.do_respond(request.user, c, text, photos)
        return self._act(request, s.MessageSerializer, run)

    @extend_schema(request=s.MessageSerializer, responses=s.ComplaintDetailSerializer)
    @action(detail=True, methods=["post"])
    def note(self, request: Request, pk: str | None = None) -> Response:
        """Internal note, staff only."""
        def run(c: Complaint, message: str) -> Any:
            text, photos = actions.check_note(request.user, c, message, request.FILES.getlist("photos"))
            return actions.do_note(request.user, c, text, photos)
        return self._act(request, s.MessageSerializer, run)

    @extend_schema(request=s.ResolveSerializer, responses=s.ComplaintDetailSerializer)
    @action(detail=True, methods=["post"])
    def resolve(self, request: Request, pk: str | None = None) -> Response:
        def run(c: Complaint, outcome: str, message: str) -> Complaint:
            outcome, text, photos = actions.check_resolve(request.user, c, outcome, message,
                                                          request.FILES.getlist("photos"))
            return actions.do_resolve(request.user, c, outcome, text, photos)
        return self._act(request, s.ResolveSerializer, run)

    @extend_schema(request=s.ConfirmSerializer, responses=s.ComplaintDetailSerializer)
    @action(detail=True, methods=["post"])
    def confirm(self, request: Request, pk: str | None = None) -> Response:
        """The reporter confirms and rates 1-5."""
        def run(c: Complaint, rating: int, comment: str = "") -> Complaint:
            return actions.do_confirm(request.user, c, actions.check_confirm(request.user, c, rating), comment)
        return self._act(request, s.ConfirmSerializer, run)

    @extend_schema(request=s.ReasonSerializer, responses=s.ComplaintDetailSerializer)
    @action(detail=True, methods=["post"])
    def reopen(self, request: Request, pk: str | None = None) -> Response:
        def run(c: Complaint, reason: str) -> Complaint:
            return actions.do_reopen(request.user, c, actions.check_reopen(request.user, c, reason))
        return self._act(request, s.ReasonSerializer, run)

    @extend_schema(request=s.FlagsSerializer, responses=s.ComplaintDetailSerializer)
    @action(detail=True, methods=["post"])
    def flags(self, request: Request, pk: str | None = None) -> Response:
        def run(c: Complaint, is_rahasia: bool, is_anonim: bool, reason: str) -> Complaint:
            reason = actions.check_set_flags(request.user, c, reason)
            return actions.do_set_flags(request.user, c, is_rahasia=is_rahasia, is_anonim=is_anonim, reason=reason)
        return self._act(request, s.FlagsSerializer, run)

    @extend_schema(request=s.MergeSerializer, responses=s.ComplaintDetailSerializer)
    @action(detail=True, methods=["post"])
    def merge(self, request: Request, pk: str | None = None) -> Response:
        def run(c: Complaint, parent: str) -> Complaint:
            target = selectors.complaints_for(request.user).filter(tracking_no=parent.strip().upper()).first()
            return actions.do_merge(request.user, c, actions.check_merge(request.user, c, target))
        return self._act(request, s.MergeSerializer, run)

    @extend_schema(request=s.ReviewSerializer, responses=s.ComplaintDetailSerializer)
    @action(detail=True, methods=["post"])
    def review(self, request: Request, pk: str | None = None) -> Response:
        def run(c: Complaint, note: str) -> Complaint:
            return actions.do_review(request.user, c, actions.check_review(request.user, c, note))
        return self._act(request, s.ReviewSerializer, run)

    @extend_schema(responses={200: OpenApiResponse(description="Counts per queue tab")})
    @action(detail=False, methods=["get"])
    def counts(self, request: Request) -> Response:
        return Response(selectors.queue_counts(request.user))


def register(router: DefaultRouter) -> None:
    router.register("categories", CategoryViewSet, basename="category")
    router.register("complaints", ComplaintViewSet, basename="complaint")

