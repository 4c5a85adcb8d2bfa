"""/api/v1/jobs/: public vacancy search (the same FilterSet as the HTML list), applications for seekers and
employers, matches, statistics and the AK/1 check. Views are thin: selectors read, actions change."""

from __future__ import annotations

from typing import Any

from drf_spectacular.utils import OpenApiExample, extend_schema, extend_schema_view, inline_serializer
from rest_framework import mixins, permissions, serializers, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import PermissionDenied
from rest_framework.generics import get_object_or_404
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from kotacerdas.core.api import ApiViewMixin, error_responses
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

VACANCY_EXAMPLE = {
    "id": 41, "title": "Operator Produksi", "description": "Mengoperasikan mesin pengemasan shift pagi/malam.",
    "company": "PT Sinar Deli Makmur", "sector": "C", "sector_name": "Industri Pengolahan", "education_min": "sma",
    "education_name": "SMA/SMK/sederajat", "skills": ["mesin pengemasan", "K3 dasar"], "experience_min_years": 0,
    "kecamatan": "12.71.07", "kecamatan_name": "Medan Kota", "salary_min": 3600000, "salary_max": 4200000,
    "quota": 5, "closes_on": "2026-12-31", "status": "terbit", "published_at": "2026-12-01T09:00:00+07:00",
}
APPLICATION_EXAMPLE = {
    "id": 318, "vacancy": 41, "vacancy_title": "Operator Produksi", "company": "PT Sinar Deli Makmur",
    "stage": "seleksi", "stage_name": "Seleksi", "match_score": 0.82, "created": "2026-12-02T10:15:00+07:00",
    "stage_changed_at": "2026-12-04T14:00:00+07:00",
    "applicant": {"name": "Rina Siregar", "education": "SMA/SMK/sederajat", "skills": ["mesin pengemasan"],
                  "email": "rina@example.org", "phone": "081234567890"},
    "next_stages": ["wawancara", "ditolak"],
}
EVENT_EXAMPLE = {
    "id": 7, "kind": "bursa_kerja", "kind_name": "Bursa kerja (job fair)", "title": "Medan Job Fair Desember",
    "description": "40 perusahaan, 1.200 lowongan.", "venue": "Lapangan Merdeka", "starts_on": "2026-12-15",
    "ends_on": "2026-12-16", "capacity": 3000, "registered": 1240, "companies": ["PT Sinar Deli Makmur"],
}
MATCH_EXAMPLE = {"id": 96, "name": "Rina Siregar", "score": 0.82,
                 "reasons": ["Pendidikan memenuhi (SMA/SMK/sederajat)", "Keahlian cocok: mesin pengemasan",
                             "Domisili di kecamatan yang sama"]}
STATISTICS_EXAMPLE = {"registered": 5230, "active": 4118, "placed": 612, "vacancies_open": 87,
                      "tpt": {"rate": 8.67, "period": "Agustus", "year": 2025, "source": "BPS Kota Medan"}}
AK1_EXAMPLE = {"number": "1271202612****", "status": "aktif", "valid": True, "issued_on": "2026-06-01",
               "valid_until": "2028-06-01"}


def _ex(name: str, value: Any, *, request: bool = False) -> OpenApiExample:
    return OpenApiExample(name, value=value, request_only=request, response_only=not request)


@extend_schema_view(
    list=extend_schema(summary="Search vacancies (public; employers also see their own, Disnaker all)",
                       examples=[_ex("Vacancy", VACANCY_EXAMPLE)]),
    retrieve=extend_schema(summary="Read one vacancy", examples=[_ex("Vacancy", VACANCY_EXAMPLE)]),
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

    @extend_schema(summary="Apply for a vacancy (job seeker with an active AK/1)", request=JobApplyRequest,
                   responses={201: JobApplicationSerializer},
                   examples=[_ex("Cover letter", {"cover_letter": "Saya berpengalaman 2 tahun di bagian pengemasan."},
                                 request=True),
                             _ex("Application", APPLICATION_EXAMPLE | {"stage": "dikirim", "stage_name": "Dikirim",
                                                                       "next_stages": ["diterima", "ditolak"]})])
    @action(detail=True, methods=["post"], permission_classes=[permissions.IsAuthenticated])
    def apply(self, request: Request, pk: str | None = None) -> Response:
        vacancy = self.get_object()
        body = JobApplyRequest(data=request.data)
        body.is_valid(raise_exception=True)
        application = actions.do_apply(request.user, vacancy, body.validated_data.get("cover_letter", ""),
                                       request=request)
        return Response(JobApplicationSerializer(application, context={"request": request}).data, status=201)

    @extend_schema(summary="Best-fitting seekers for a vacancy (its employer and Disnaker)", filters=False,
                   responses={200: JobMatchSerializer(many=True), **error_responses(
                       401, 403, 404, forbidden_example="Hanya perusahaan pemilik lowongan dan Disnaker.")},
                   examples=[_ex("Match", MATCH_EXAMPLE)])
    @action(detail=True, methods=["get"], permission_classes=[permissions.IsAuthenticated], pagination_class=None)
    def matches(self, request: Request, pk: str | None = None) -> Response:
        """The best-fitting active seekers for this vacancy, with reasons (names only, no contact)."""
        vacancy = self.get_object()
        company = selectors.company_of(request.user)
        if not (selectors.is_disnaker(request.user) or (company and company.pk == vacancy.company_id)):
            raise PermissionDenied("Hanya perusahaan pemilik lowongan dan Disnaker.")
        return Response([{"id": s.obj.pk, "name": s.obj.user.display_name, "score": s.score, "reasons": s.reasons}
                         for s in matching.best_seekers_for(vacancy)])


@extend_schema_view(
    list=extend_schema(summary="List applications (a seeker's own, an employer's applicants, Disnaker all)",
                       examples=[_ex("Application", APPLICATION_EXAMPLE)]),
    retrieve=extend_schema(summary="Read one application", examples=[_ex("Application", APPLICATION_EXAMPLE)]),
)
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

    @extend_schema(summary="Move an applicant to the next stage (employer)", request=JobStageRequest,
                   responses={200: JobApplicationSerializer},
                   examples=[_ex("Interview", {"stage": "wawancara", "note": "Wawancara Senin 09.00"}, request=True),
                             _ex("Application", APPLICATION_EXAMPLE | {
                                 "stage": "wawancara", "stage_name": "Wawancara",
                                 "next_stages": ["ditolak", "ditempatkan"]})])
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


@extend_schema_view(
    list=extend_schema(summary="List job fairs and training events", examples=[_ex("Event", EVENT_EXAMPLE)]),
    retrieve=extend_schema(summary="Read one job fair or training event", examples=[_ex("Event", EVENT_EXAMPLE)]),
)
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

    @extend_schema(summary="Labour statistics (Disnaker and the Command Center)",
                   responses={200: inline_serializer("LabourStatistics", fields={
                       "registered": serializers.IntegerField(), "active": serializers.IntegerField(),
                       "placed": serializers.IntegerField(), "vacancies_open": serializers.IntegerField(),
                       "tpt": serializers.DictField(allow_null=True)}), **error_responses(
                       401, 403, forbidden_example="Anda tidak berwenang melihat statistik ketenagakerjaan.")},
                   examples=[_ex("Statistics", STATISTICS_EXAMPLE)])
    def get(self, request: Request) -> Response:
        """Aggregates for Disnaker and the Command Center; TPT only as published by BPS (period and source)."""
        if not selectors.can_view_stats(request.user):
            raise PermissionDenied("Anda tidak berwenang melihat statistik ketenagakerjaan.")
        return Response(selectors.labour_statistics(request.user).as_dict())


class Ak1VerifyView(ApiViewMixin, APIView):
    permission_classes = [permissions.AllowAny]
    authentication_classes: list = []

    @extend_schema(summary="Check an AK/1 card from its QR code (public)", auth=[],
                   responses={200: Ak1VerifySerializer}, examples=[_ex("Valid card", AK1_EXAMPLE)])
    def get(self, request: Request, token: str) -> Response:
        """Validity of the card behind a QR code; never the holder's personal data."""
        card = get_object_or_404(Ak1Card.objects.exclude(number__isnull=True), token=token)
        valid = (card.status == CardStatus.AKTIF and card.valid_until is not None
                 and card.valid_until >= selectors.today())
        return Response({"number": f"{card.number[:-4]}****", "status": card.status, "valid": valid,
                         "issued_on": card.issued_on, "valid_until": card.valid_until})
