"""REST API for complaints: the same actions and the same role scopes as the staff UI."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiExample, extend_schema, extend_schema_view, inline_serializer
from rest_framework import mixins, permissions, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.routers import DefaultRouter

from kotacerdas.accounts.models import User
from kotacerdas.agencies.models import Agency
from kotacerdas.complaints import actions, selectors
from kotacerdas.complaints.api import examples as ex
from kotacerdas.complaints.api import serializers as s
from kotacerdas.complaints.filtersets import ComplaintFilterSet
from kotacerdas.complaints.models import Category, Complaint, Status
from kotacerdas.core.api import ApiViewMixin, error_responses

TAG = "complaints"
ACTION_ERRORS = (400, 401, 403, 404)


def act_schema(summary: str, description: str, request: Any, example: dict[str, Any] | None,
               error: dict[str, list[str]] | None = None) -> Callable[[Any], Any]:
    """Documentation of one lifecycle action: its input, the case afterwards, and the errors it can answer."""
    examples = [OpenApiExample("Case afterwards", value=ex.COMPLAINT_DETAIL, response_only=True)]
    if example is not None:
        examples.insert(0, OpenApiExample("Request", value=example, request_only=True))
    return extend_schema(
        tags=[TAG], summary=summary,
        description=description + " Same rules as the staff UI (`complaints/actions.py`): 403 when the role may "
                                  "not do this, 400 naming the field (or `status`) when the case or input does "
                                  "not allow it, 404 outside the caller's scope.",
        request=request,
        responses={200: s.ComplaintDetailSerializer, **error_responses(*ACTION_ERRORS, field_example=error)},
        examples=examples,
    )


def _agency(code: str | None) -> Agency | None:
    return Agency.objects.filter(code=code).first() if code else None


@extend_schema_view(
    list=extend_schema(
        tags=["categories"], summary="List complaint categories",
        description="Active categories (jenis aduan), public. They are also the Open311 services. Filter by "
                    "`group` and `classification`.",
        responses={200: s.CategorySerializer(many=True), **error_responses(400, 404)},
        examples=[OpenApiExample("One page", value=ex.CATEGORY, response_only=True)],
    ),
    retrieve=extend_schema(
        tags=["categories"], summary="Read one category", description="By its code (the Open311 service_code).",
        responses={200: s.CategorySerializer, **error_responses(404)},
        examples=[OpenApiExample("Sampah", value=ex.CATEGORY, response_only=True)],
    ),
)
class CategoryViewSet(ApiViewMixin, viewsets.ReadOnlyModelViewSet):
    """Complaint categories (jenis aduan); the Open311 services."""

    queryset = Category.objects.filter(is_active=True)
    serializer_class = s.CategorySerializer
    lookup_field = "code"
    permission_classes = [permissions.AllowAny]
    filterset_fields = ["group", "classification"]


@extend_schema_view(
    list=extend_schema(
        tags=[TAG], summary="List complaints in the caller's scope",
        description="Superadmin, admin koordinator, operator and city pimpinan: every case; camat/lurah: their "
                    "area; penghubung OPD: their OPD's; petugas: assigned to them; warga: their own. Filters are "
                    "the staff queue's (one FilterSet). No reporter identity is ever included.",
        responses={200: s.ComplaintSerializer(many=True), **error_responses(400, 401, 404)},
        examples=[OpenApiExample("One page", value=ex.COMPLAINT, response_only=True)],
    ),
    retrieve=extend_schema(
        tags=[TAG], summary="Read one complaint with its timeline",
        description="Staff see the full timeline (internal notes included); a reporter the public one. "
                    "404 outside the caller's scope.",
        responses={200: s.ComplaintDetailSerializer, **error_responses(401, 404)},
        examples=[OpenApiExample("A case at DLH", value=ex.COMPLAINT_DETAIL, response_only=True)],
    ),
)
class ComplaintViewSet(ApiViewMixin, mixins.ListModelMixin, mixins.RetrieveModelMixin, mixins.CreateModelMixin,
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

    @extend_schema(
        tags=[TAG], summary="File a complaint",
        description="As the logged-in user (the reporter). Location by `lat`/`lon` inside the city, or "
                    "`address`. Every invalid field is reported at once.",
        request=s.SubmitSerializer,
        responses={201: s.ComplaintSerializer, **error_responses(400, 401, field_example=ex.SUBMIT_ERRORS)},
        examples=[OpenApiExample("Sampah in Pasar Baru", value=ex.SUBMIT, request_only=True),
                  OpenApiExample("Filed", value={**ex.COMPLAINT, "status": "baru", "agency": None},
                                 response_only=True, status_codes=["201"])],
    )
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

    @act_schema("Verify and forward to an OPD (disposisi)",
                "Admin koordinator. `agency` defaults to the routing suggestion; may set rahasia/anonim.",
                s.DisposeSerializer, {"agency": "dinas-lingkungan-hidup", "message": ""},
                {"agency": ["OPD tidak dikenal."]})
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

    @act_schema("Put on hold for more information (tunda)",
                "Admin koordinator, status baru. The reporter is asked for the missing information.",
                s.ReasonSerializer, {"reason": "Mohon lengkapi alamat dan foto lokasi."},
                {"reason": ["Alasan wajib diisi (minimal 5 karakter)."]})
    @action(detail=True, methods=["post"])
    def tunda(self, request: Request, pk: str | None = None) -> Response:
        def run(c: Complaint, reason: str) -> Complaint:
            return actions.do_tunda(request.user, c, actions.check_tunda(request.user, c, reason))
        return self._act(request, s.ReasonSerializer, run)

    @act_schema("Close as not the city's authority (bukan wewenang)",
                "Admin koordinator, before disposisi; the reason is shown to the reporter.",
                s.ReasonSerializer, {"reason": "Jalan nasional, kewenangan BBPJN Sumatera Utara."},
                {"reason": ["Alasan wajib diisi (minimal 5 karakter)."]})
    @action(detail=True, methods=["post"], url_path="bukan-wewenang")
    def bukan_wewenang(self, request: Request, pk: str | None = None) -> Response:
        def run(c: Complaint, reason: str) -> Complaint:
            reason = actions.check_close_unverified(request.user, c, reason)
            return actions.do_close_unverified(request.user, c, Status.BUKAN_WEWENANG, reason)
        return self._act(request, s.ReasonSerializer, run)

    @act_schema("Archive (spam, test or irrelevant input)",
                "Admin koordinator, before disposisi. Archived cases never appear publicly.",
                s.ReasonSerializer, {"reason": "Isi tidak relevan (uji coba)."},
                {"status": ["Tindakan ini tidak berlaku untuk aduan berstatus Diteruskan ke OPD."]})
    @action(detail=True, methods=["post"])
    def arsip(self, request: Request, pk: str | None = None) -> Response:
        def run(c: Complaint, reason: str) -> Complaint:
            reason = actions.check_close_unverified(request.user, c, reason)
            return actions.do_close_unverified(request.user, c, Status.ARSIP, reason)
        return self._act(request, s.ReasonSerializer, run)

    @act_schema("Accept a forwarded case (diterima)", "Penghubung of the OPD holding the case; no body.",
                None, None, {"status": ["Tindakan ini tidak berlaku untuk aduan berstatus Baru."]})
    @action(detail=True, methods=["post"])
    def accept(self, request: Request, pk: str | None = None) -> Response:
        def run(c: Complaint) -> Complaint:
            actions.check_accept(request.user, c)
            return actions.do_accept(request.user, c)
        return self._act(request, None, run)

    @act_schema("Hand over to another OPD (limpah)",
                "The handling OPD's penghubung or the admin koordinator.",
                s.RerouteSerializer, {"agency": "dinas-perhubungan", "reason": "Lampu jalan adalah urusan Dishub."},
                {"agency": ["OPD penerima harus berbeda dari OPD saat ini."]})
    @action(detail=True, methods=["post"])
    def reroute(self, request: Request, pk: str | None = None) -> Response:
        """Limpahkan to another OPD; the receiving OPD's clock starts."""
        def run(c: Complaint, agency: str, reason: str) -> Complaint:
            opd, reason = actions.check_reroute(request.user, c, _agency(agency), reason)
            return actions.do_reroute(request.user, c, opd, reason)
        return self._act(request, s.RerouteSerializer, run)

    @act_schema("Assign to a field officer", "Penghubung of the handling OPD; `officer` is a petugas username.",
                s.AssignSerializer, {"officer": "putra", "note": "Cek lokasi besok pagi."},
                {"officer": ["Pilih petugas lapangan dari OPD ini."]})
    @action(detail=True, methods=["post"])
    def assign(self, request: Request, pk: str | None = None) -> Response:
        def run(c: Complaint, officer: str, note: str = "") -> Complaint:
            person = actions.check_assign(request.user, c, User.objects.filter(username=officer).first())
            return actions.do_assign(request.user, c, person, note)
        return self._act(request, s.AssignSerializer, run)

    @act_schema("Public follow-up (tindak lanjut)",
                "The handling OPD. Photos as multipart field `photos` (JPEG/PNG, up to the configured limit).",
                {"application/json": s.MessageSerializer, "multipart/form-data": s.MessageWithPhotosSerializer},
                {"message": "Petugas sudah meninjau dan menjadwalkan pengangkutan."},
                {"message": ["Tanggapan wajib diisi (minimal 10 karakter)."]})
    @action(detail=True, methods=["post"])
    def respond(self, request: Request, pk: str | None = None) -> Response:
        """Public tindak lanjut (photos: multipart field `photos`)."""
        def run(c: Complaint, message: str) -> Complaint:
            text, photos = actions.check_respond(request.user, c, message, request.FILES.getlist("photos"))
            return actions.do_respond(request.user, c, text, photos)
        return self._act(request, s.MessageSerializer, run)

    @act_schema("Internal note", "Staff who can see the case; never shown to the reporter or the public.",
                {"application/json": s.MessageSerializer, "multipart/form-data": s.MessageWithPhotosSerializer},
                {"message": "Truk sampah sedang diperbaiki, jadwal mundur sehari."},
                {"message": ["Catatan tidak boleh kosong."]})
    @action(detail=True, methods=["post"])
    def note(self, request: Request, pk: str | None = None) -> Response:
        """Internal note, staff only."""
        def run(c: Complaint, message: str) -> Any:
            text, photos = actions.check_note(request.user, c, message, request.FILES.getlist("photos"))
            return actions.do_note(request.user, c, text, photos)
        return self._act(request, s.MessageSerializer, run)

    @act_schema("Mark done (selesai)",
                "The handling OPD or its assigned officer; categories that require it need an after-photo.",
                {"application/json": s.ResolveSerializer, "multipart/form-data": s.ResolveWithPhotosSerializer},
                {"outcome": "fixed", "message": "Sampah sudah diangkut dan lokasi dibersihkan."},
                {"photos": ["Kategori ini wajib melampirkan foto sesudah perbaikan."]})
    @action(detail=True, methods=["post"])
    def resolve(self, request: Request, pk: str | None = None) -> Response:
        def run(c: Complaint, outcome: str, message: str) -> Complaint:
            outcome, text, photos = actions.check_resolve(request.user, c, outcome, message,
                                                          request.FILES.getlist("photos"))
            return actions.do_resolve(request.user, c, outcome, text, photos)
        return self._act(request, s.ResolveSerializer, run)

    @act_schema("Confirm and rate (reporter)", "The reporter, after selesai; rating 1-5.",
                s.ConfirmSerializer, {"rating": 5, "comment": "Cepat ditangani, terima kasih."},
                {"rating": ["Pastikan nilai ini lebih kecil dari atau sama dengan 5."]})
    @action(detail=True, methods=["post"])
    def confirm(self, request: Request, pk: str | None = None) -> Response:
        """The reporter confirms and rates 1-5."""
        def run(c: Complaint, rating: int, comment: str = "") -> Complaint:
            return actions.do_confirm(request.user, c, actions.check_confirm(request.user, c, rating), comment)
        return self._act(request, s.ConfirmSerializer, run)

    @act_schema("Reopen (buka kembali)", "The reporter or the admin koordinator, within the allowed window.",
                s.ReasonSerializer, {"reason": "Sampah kembali menumpuk keesokan harinya."},
                {"reason": ["Alasan wajib diisi (minimal 5 karakter)."]})
    @action(detail=True, methods=["post"])
    def reopen(self, request: Request, pk: str | None = None) -> Response:
        def run(c: Complaint, reason: str) -> Complaint:
            return actions.do_reopen(request.user, c, actions.check_reopen(request.user, c, reason))
        return self._act(request, s.ReasonSerializer, run)

    @act_schema("Set rahasia / anonim", "Admin koordinator; the change and its reason are logged.",
                s.FlagsSerializer, {"is_rahasia": True, "is_anonim": False, "reason": "Menyangkut data pribadi."},
                {"reason": ["Alasan wajib diisi (minimal 5 karakter)."]})
    @action(detail=True, methods=["post"])
    def flags(self, request: Request, pk: str | None = None) -> Response:
        def run(c: Complaint, is_rahasia: bool, is_anonim: bool, reason: str) -> Complaint:
            reason = actions.check_set_flags(request.user, c, reason)
            return actions.do_set_flags(request.user, c, is_rahasia=is_rahasia, is_anonim=is_anonim, reason=reason)
        return self._act(request, s.FlagsSerializer, run)

    @act_schema("Merge a duplicate into another case", "Admin koordinator; `parent` is a tracking number.",
                s.MergeSerializer, {"parent": "MRK-2026-000041"}, {"parent": ["Pilih aduan induk yang lain."]})
    @action(detail=True, methods=["post"])
    def merge(self, request: Request, pk: str | None = None) -> Response:
        def run(c: Complaint, parent: str) -> Complaint:
            target = selectors.complaints_for(request.user).filter(tracking_no=parent.strip().upper()).first()
            return actions.do_merge(request.user, c, actions.check_merge(request.user, c, target))
        return self._act(request, s.MergeSerializer, run)

    @act_schema("Clear from the review queue", "Admin koordinator, for a case flagged by a low rating.",
                s.ReviewSerializer, {"note": "Sudah dikonfirmasi ulang dengan pelapor."},
                {"status": ["Aduan ini tidak ada di antrean tinjauan."]})
    @action(detail=True, methods=["post"])
    def review(self, request: Request, pk: str | None = None) -> Response:
        def run(c: Complaint, note: str) -> Complaint:
            return actions.do_review(request.user, c, actions.check_review(request.user, c, note))
        return self._act(request, s.ReviewSerializer, run)

    @extend_schema(
        tags=[TAG], summary="Counts per queue tab",
        description="How many cases in the caller's scope sit in each staff queue tab.",
        responses={200: inline_serializer("QueueCounts", {
            name: serializers.IntegerField() for name in ex.COUNTS}), **error_responses(401)},
        examples=[OpenApiExample("Counts", value=ex.COUNTS, response_only=True)],
    )
    @action(detail=False, methods=["get"], filter_backends=[], pagination_class=None)
    def counts(self, request: Request) -> Response:
        return Response(selectors.queue_counts(request.user))


def register(router: DefaultRouter) -> None:
    router.register("categories", CategoryViewSet, basename="category")
    router.register("complaints", ComplaintViewSet, basename="complaint")

