"""/api/v1/jobs/: public vacancy search (the same FilterSet as the HTML list), applications for seekers and
employers, matches, statistics and the AK/1 check. Views are thin: selectors read, actions change."""

from __future__ import annotations

from typing import Any

from django.shortcuts import get_object_or_404
from drf_spectacular.utils import extend_schema, inline_serializer
from rest_framework import mixins, permissions, serializers, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import PermissionDenied
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from kotacerdas.core.api import ApiViewMixin
from kotacerdas.jobs import actions, filtersets, matching, selectors
from kotacerdas.jobs.models import Ak1Card, Application, CardStatus, JobEvent, Vacancy
from kotacerdas.jobs.serializers import (
    Ak1VerifySerializer,
    JobApplicationSerializer,
    JobApplyRequest,
    JobEventSerializer,
    JobMatchSerializer,
    JobStageRequest,
    JobVacancySerializer,
)


class VacancyViewSet(ApiViewMixin, viewsets.ReadOnlyModelViewSet):
    """Published, open vacancies for everyone (`q` = full-text search in Indonesian); employers also see their own,
    Disnaker all."""

    serializer_class = JobVacancySerializer
    filterset_class = filtersets.VacancyFilterSet
    permission_classes = [permissions.AllowAny]

    queryset = Vacancy.objects.none()  # for the schema; get_queryset scopes by role

    def get_queryset(self) -> Any:
        if getattr(self, "swagger_fake_view", False):
            return Vacancy.objects.none()
        return selectors.vacancies_for(self.request.user)

    @extend_schema(request=JobApplyRequest, responses={201: JobApplicationSerializer})
    @action(detail=True, methods=["post"], permission_classes=[permissions.IsAuthenticated])
    def apply(self, request: Request, pk: str | None = None) -> Response:
        vacancy = self.get_object()
        body = JobApplyRequest(data=request.data)
        body.is_valid(raise_exception=True)
        application = actions.do_apply(request.user, vacancy, body.validated_data.get("cover_letter", ""),
                                       request=request)
        return Response(JobApplicationSerializer(application, context={"request": request}).data, status=201)

    @extend_schema(responses={200: JobMatchSerializer(many=True)})
    @action(detail=True, methods=["get"], permission_classes=[permissions.IsAuthenticated])
    def matches(self, request: Request, pk: str | None = None) -> Response:
        """The best-fitting active seekers for this vacancy, with reasons (names only, no contact)."""
        vacancy = self.get_object()
        company = selectors.company_of(request.user)
        if not (selectors.is_disnaker(request.user) or (company and company.pk == vacancy.company_id)):
            raise PermissionDenied("Hanya perusahaan pemilik lowongan dan Disnaker.")
        return Response([{"id": s.obj.pk, "name": s.obj.user.display_name, "score": s.score, "reasons": s.reasons}
                         for s in matching.best_seekers_for(vacancy)])


class ApplicationViewSet(ApiViewMixin, mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """A seeker's own applications; an employer's applicants; Disnaker all."""

    serializer_class = JobApplicationSerializer
    filterset_class = filtersets.ApplicationFilterSet
    permission_classes = [permissions.IsAuthenticated]

    queryset = Application.objects.none()

    def get_queryset(self) -> Any:
        if getattr(self, "swagger_fake_view", False):
            return Application.objects.none()
        return selectors.applications_for(self.request.user).order_by("-created")

    @extend_schema(request=JobStageRequest, responses={200: JobApplicationSerializer})
    @action(detail=True, methods=["post"])
    def stage(self, request: Request, pk: str | None = None) -> Response:
        """Move an applicant (employer only) along dikirim -> diterima -> seleksi -> wawancara -> ditempatkan,
        or to ditolak; an illegal move is a 400 naming `stage`."""
        application = self.get_object()
        body = JobStageRequest(data=request.data)
        body.is_valid(raise_exception=True)
        data = body.validated_data
        application = actions.do_move(request.user, application, data["stage"], data, request=request)
        return Response(JobApplicationSerializer(application, context={"request": request}).data)


class EventViewSet(ApiViewMixin, viewsets.ReadOnlyModelViewSet):
    serializer_class = JobEventSerializer
    permission_classes = [permissions.AllowAny]

    queryset = JobEvent.objects.none()

    def get_queryset(self) -> Any:
        if getattr(self, "swagger_fake_view", False):
            return JobEvent.objects.none()
        return selectors.events_for(self.request.user).prefetch_related("companies")


class StatisticsView(ApiViewMixin, APIView):
    permission_classes = [permissions.IsAuthenticated]

    @extend_schema(responses={200: inline_serializer("LabourStatistics", fields={
        "registered": serializers.IntegerField(), "active": serializers.IntegerField(),
        "placed": serializers.IntegerField(), "vacancies_open": serializers.IntegerField(),
        "tpt": serializers.DictField(allow_null=True)})})
    def get(self, request: Request) -> Response:
        """Aggregates for Disnaker and the Command Center; TPT only as published by BPS (period and source)."""
        if not selectors.can_view_stats(request.user):
            raise PermissionDenied("Anda tidak berwenang melihat statistik ketenagakerjaan.")
        return Response(selectors.labour_statistics(request.user).as_dict())


class Ak1VerifyView(ApiViewMixin, APIView):
    permission_classes = [permissions.AllowAny]
    authentication_classes: list = []

    @extend_schema(responses={200: Ak1VerifySerializer})
    def get(self, request: Request, token: str) -> Response:
        """Validity of the card behind a QR code; never the holder's personal data."""
        card = get_object_or_404(Ak1Card.objects.exclude(number__isnull=True), token=token)
        valid = card.status == CardStatus.AKTIF and card.valid_until >= selectors.today()
        return Response({"number": f"{card.number[:-4]}****", "status": card.status, "valid": valid,
                         "issued_on": card.issued_on, "valid_until": card.valid_until})
