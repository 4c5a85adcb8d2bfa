"""Staff pages: the work queue, the case page with its actions, the identity reveal and the CSV export.

Every page requires a staff role (403 otherwise) and finds complaints only through
`selectors.complaints_for(user)` (404 outside the user's scope). Actions are posted as htmx forms; the rules
(who may do what in which status, required reasons) are enforced by `actions.check_*`; the list of buttons
shown here is only a convenience mirror of them.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import F, QuerySet
from django.forms import Form
from django.http import HttpRequest, HttpResponse, StreamingHttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_POST
from django_htmx.http import HttpResponseClientRedirect

from kotacerdas.accounts import selectors as people
from kotacerdas.accounts.models import Role
from kotacerdas.agencies.models import Agency
from kotacerdas.complaints import actions, exports, selectors, sla
from kotacerdas.complaints.filtersets import QUEUE_CHOICES, ComplaintFilterSet
from kotacerdas.complaints.forms import (
    ActionForm,
    AssignForm,
    DisposeForm,
    FlagsForm,
    MergeForm,
    NoteForm,
    ReasonForm,
    RedactForm,
    RerouteForm,
    ResolveForm,
    RespondForm,
    ResumeForm,
    ReviewForm,
)
from kotacerdas.complaints.models import OPEN_STATUSES, Category, Complaint, PhotoKind, Status
from kotacerdas.core import deadlines

QUEUE_PAGE_SIZE = 50


def _staff_user(request: HttpRequest) -> Any:
    if not selectors.is_staff_reader(request.user):
        raise PermissionDenied(_("Halaman ini hanya untuk petugas."))
    return request.user


def _case_or_404(user: Any, pk: int) -> Complaint:
    return get_object_or_404(selectors.complaints_for(user), pk=pk)


# ---------------------------------------------------------------------------------------------------------
# Queue


def default_queue(user: Any) -> str:
    """The tab a role opens on: the coordinator verifies new reports, the OPD works its open cases."""
    if actions.is_coordinator(user):
        return "baru"
    return "terbuka"


def row_state(complaint: Complaint, now: Any) -> str:
    """'overdue' (red), 'warn80' (orange), 'warn50' (amber) or '' for an open case's current stage."""
    if complaint.status not in OPEN_STATUSES or not complaint.stage_due_at:
        return ""
    if complaint.stage_due_at < now or complaint.sla_level >= sla.BREACH:
        return "overdue"
    if complaint.sla_level >= 80:
        return "warn80"
    if complaint.sla_level >= 50:
        return "warn50"
    return ""


def filtered_queue(request: HttpRequest, user: Any) -> tuple[ComplaintFilterSet, QuerySet[Complaint], str]:
    """The user's scope through the same FilterSet the API uses; the queue tab defaults by role."""
    params = request.GET.copy()
    queue = params.get("queue") or default_queue(user)
    params["queue"] = queue
    filterset = ComplaintFilterSet(params, queryset=selectors.complaints_for(user), request=request)
    qs = filterset.qs
    if not params.get("ordering"):
        # Work the nearest deadline first; cases without a running clock go last, newest first.
        qs = qs.order_by(F("stage_due_at").asc(nulls_last=True), "-created_at")
    return filterset, qs, queue


@login_required
@require_GET
def queue(request: HttpRequest) -> HttpResponse:
    user = _staff_user(request)
    filterset, qs, current = filtered_queue(request, user)
    page = Paginator(qs, QUEUE_PAGE_SIZE).get_page(request.GET.get("page"))
    now = timezone.now()
    for complaint in page.object_list:
        complaint.row_state = row_state(complaint, now)
    counts = selectors.queue_counts(user)
    tabs = [(key, label, counts.get(key)) for key, label in QUEUE_CHOICES]
    context = {
        "filterset": filterset, "page_obj": page, "tabs": tabs, "current_queue": current,
        "counts": counts, "now": now,
        "export_query": request.GET.urlencode(),
    }
    template = "complaints/staff/queue.html"
    if request.htmx and not request.htmx.boosted:
        template = "complaints/staff/_queue_results.html"
    return render(request, template, context)


# ---------------------------------------------------------------------------------------------------------
# Case actions


@dataclass
class CaseAction:
    """One button on the case page: its form, who sees it, and the check_*/do_* pair it runs."""

    slug: str
    label: Any
    form_class: type[ActionForm]
    allowed: Callable[[Any, Complaint], bool]
    run: Callable[[HttpRequest, Complaint, dict[str, Any]], str]
    help: Any = ""
    danger: bool = False
    multipart: bool = False
    submit: Any = None
    form_kwargs: Callable[[Complaint], dict[str, Any]] = field(default=lambda c: {})


def _files(request: HttpRequest) -> list[Any]:
    # The action forms are prefixed ("tanggapan-photos"); each posts one multiple file input.
    return [f for key in request.FILES if key.endswith("photos") for f in request.FILES.getlist(key)]


def _run_dispose(request: HttpRequest, c: Complaint, d: dict[str, Any]) -> str:
    agency = actions.check_dispose(request.user, c, d.get("agency"))
    actions.do_dispose(request.user, c, agency, message=d.get("message", ""),
                       is_rahasia=bool(d.get("is_rahasia")), is_anonim=bool(d.get("is_anonim")),
                       category=d.get("category"))
    return _("Aduan diverifikasi dan diteruskan ke %(opd)s.") % {"opd": agency.name}


def _run_tunda(request: HttpRequest, c: Complaint, d: dict[str, Any]) -> str:
    reason = actions.check_tunda(request.user, c, d.get("reason", ""))
    actions.do_tunda(request.user, c, reason)
    return _("Aduan ditunda; pelapor diminta melengkapi informasi.")


def _run_resume(request: HttpRequest, c: Complaint, d: dict[str, Any]) -> str:
    info = actions.check_resume(request.user, c, "", d.get("info", ""))
    actions.do_resume(request.user, c, info)
    return _("Aduan dilanjutkan dan kembali menunggu verifikasi.")


def _closer(status: str) -> Callable[[HttpRequest, Complaint, dict[str, Any]], str]:
    def run(request: HttpRequest, c: Complaint, d: dict[str, Any]) -> str:
        reason = actions.check_close_unverified(request.user, c, d.get("reason", ""))
        actions.do_close_unverified(request.user, c, status, reason)
        return _("Aduan ditutup: %(status)s.") % {"status": Status(status).label}
    return run


def _run_accept(request: HttpRequest, c: Complaint, d: dict[str, Any]) -> str:
    actions.check_accept(request.user, c)
    actions.do_accept(request.user, c)
    return _("Aduan diterima dan sedang ditindaklanjuti.")


def _run_reroute(request: HttpRequest, c: Complaint, d: dict[str, Any]) -> str:
    agency, reason = actions.check_reroute(request.user, c, d.get("agency"), d.get("reason", ""))
    actions.do_reroute(request.user, c, agency, reason)
    return _("Aduan dilimpahkan ke %(opd)s.") % {"opd": agency.name}


def _run_assign(request: HttpRequest, c: Complaint, d: dict[str, Any]) -> str:
    officer = actions.check_assign(request.user, c, d.get("officer"))
    actions.do_assign(request.user, c, officer, d.get("note", ""))
    return _("Aduan ditugaskan ke %(name)s.") % {"name": officer.display_name}


def _run_respond(request: HttpRequest, c: Complaint, d: dict[str, Any]) -> str:
    message, photos = actions.check_respond(request.user, c, d.get("message", ""), _files(request))
    actions.do_respond(request.user, c, message, photos)
    return _("Tanggapan dikirim kepada pelapor dan ditampilkan di halaman publik.")


def _run_note(request: HttpRequest, c: Complaint, d: dict[str, Any]) -> str:
    message, photos = actions.check_note(request.user, c, d.get("message", ""), _files(request))
    actions.do_note(request.user, c, message, photos)
    return _("Catatan internal disimpan.")


def _run_resolve(request: HttpRequest, c: Complaint, d: dict[str, Any]) -> str:
    outcome, message, photos = actions.check_resolve(request.user, c, d.get("outcome", ""),
                                                     d.get("message", ""), _files(request))
    actions.do_resolve(request.user, c, outcome, message, photos)
    return _("Aduan dinyatakan selesai; pelapor diminta mengonfirmasi.")


def _run_flags(request: HttpRequest, c: Complaint, d: dict[str, Any]) -> str:
    reason = actions.check_set_flags(request.user, c, d.get("reason", ""))
    actions.do_set_flags(request.user, c, is_rahasia=bool(d.get("is_rahasia")),
                         is_anonim=bool(d.get("is_anonim")), reason=reason)
    return _("Status rahasia/anonim disimpan.")


def _run_redact(request: HttpRequest, c: Complaint, d: dict[str, Any]) -> str:
    title, description = d.get("public_title", ""), d.get("public_description", "")
    reason = actions.check_redact(request.user, c, title, description, d.get("reason", ""))
    actions.do_redact(request.user, c, title, description, reason)
    return _("Teks publik diperbarui.")


def _run_merge(request: HttpRequest, c: Complaint, d: dict[str, Any]) -> str:
    no = (d.get("parent") or "").strip().upper()
    parent = selectors.complaints_for(request.user).filter(tracking_no=no).first() if no else None
    if no and parent is None:
        raise ValidationError({"parent": [_("Aduan %(no)s tidak ditemukan.") % {"no": no}]})
    parent = actions.check_merge(request.user, c, parent)
    actions.do_merge(request.user, c, parent)
    return _("Aduan digabung ke %(no)s.") % {"no": parent.tracking_no}


def _run_review(request: HttpRequest, c: Complaint, d: dict[str, Any]) -> str:
    note = actions.check_review(request.user, c, d.get("note", ""))
    actions.do_review(request.user, c, note)
    return _("Tinjauan dicatat.")


def _coordinator_in(*statuses: str) -> Callable[[Any, Complaint], bool]:
    return lambda u, c: actions.is_coordinator(u) and c.status in statuses


def _opd_in(*statuses: str) -> Callable[[Any, Complaint], bool]:
    return lambda u, c: actions.is_handling_opd(u, c) and c.status in statuses


def _may_note(user: Any, c: Complaint) -> bool:
    # Scope is already checked by the case lookup; operators of the Command Center only watch.
    role = Role.SUPERADMIN if user.is_superuser else user.role
    return role != Role.OPERATOR


ACTIONS: list[CaseAction] = [
    CaseAction("verifikasi", gettext_lazy("Verifikasi dan disposisi"), DisposeForm,
               _coordinator_in(Status.BARU, Status.TUNDA), _run_dispose,
               help=gettext_lazy("Teruskan ke OPD yang berwenang. Usulan OPD berasal dari tabel disposisi."),
               form_kwargs=lambda c: {"initial": {
                   "category": c.category_id,
                   "agency": c.routing_rule.agency_id if c.routing_rule_id else None,
                   "is_rahasia": c.is_rahasia, "is_anonim": c.is_anonim}}),
    CaseAction("tunda", gettext_lazy("Tunda (minta informasi)"), ReasonForm,
               _coordinator_in(Status.BARU), _run_tunda,
               help=gettext_lazy("Jam SLA berhenti sampai pelapor melengkapi informasi.")),
    CaseAction("lanjutkan", gettext_lazy("Lanjutkan verifikasi"), ResumeForm,
               _coordinator_in(Status.TUNDA), _run_resume),
    CaseAction("bukan-wewenang", gettext_lazy("Bukan wewenang"), ReasonForm,
               _coordinator_in(Status.BARU, Status.TUNDA), _closer(Status.BUKAN_WEWENANG), danger=True),
    CaseAction("arsip", gettext_lazy("Arsipkan"), ReasonForm,
               _coordinator_in(Status.BARU, Status.TUNDA), _closer(Status.ARSIP), danger=True,
               help=gettext_lazy("Misalnya: format salah, terlalu umum, atau tidak terkait layanan pemerintah.")),
    CaseAction("terima", gettext_lazy("Terima aduan"), ActionForm,
               _opd_in(Status.DISPOSISI), _run_accept,
               help=gettext_lazy("Menyatakan OPD Anda menangani aduan ini.")),
    CaseAction("tugaskan", gettext_lazy("Tugaskan petugas"), AssignForm,
               _opd_in(Status.DISPOSISI, Status.DIPROSES), _run_assign,
               form_kwargs=lambda c: {"officers": people.field_officers(c.agency) if c.agency_id
                                      else people.field_officers(None).none()}),
    CaseAction("tanggapan", gettext_lazy("Tanggapan publik"), RespondForm,
               lambda u, c: (actions.is_handling_opd(u, c) or actions.is_field_officer(u, c))
               and c.status in (Status.DISPOSISI, Status.DIPROSES), _run_respond, multipart=True,
               help=gettext_lazy("Terkirim ke pelapor dan tampil di halaman pelacakan publik.")),
    CaseAction("selesai", gettext_lazy("Nyatakan selesai"), ResolveForm,
               _opd_in(Status.DIPROSES), _run_resolve, multipart=True,
               help=gettext_lazy("Pelapor punya 10 hari kerja untuk mengonfirmasi atau membuka kembali.")),
    CaseAction("limpahkan", gettext_lazy("Limpahkan ke OPD lain"), RerouteForm,
               lambda u, c: (actions.is_handling_opd(u, c) or actions.is_coordinator(u))
               and c.status in (Status.DISPOSISI, Status.DIPROSES), _run_reroute, danger=True),
    CaseAction("catatan", gettext_lazy("Catatan internal"), NoteForm, _may_note, _run_note, multipart=True),
    CaseAction("privasi", gettext_lazy("Ubah rahasia/anonim"), FlagsForm,
               lambda u, c: actions.is_coordinator(u), _run_flags,
               form_kwargs=lambda c: {"initial": {"is_rahasia": c.is_rahasia, "is_anonim": c.is_anonim}}),
    CaseAction("sunting-publik", gettext_lazy("Sunting teks publik"), RedactForm,
               lambda u, c: actions.is_coordinator(u), _run_redact,
               help=gettext_lazy("Teks asli tetap tersimpan untuk petugas; perubahan dicatat di log audit."),
               form_kwargs=lambda c: {"initial": {"public_title": c.public_title,
                                                  "public_description": c.public_description}}),
    CaseAction("gabungkan", gettext_lazy("Gabungkan duplikat"), MergeForm,
               lambda u, c: actions.is_coordinator(u) and c.status in OPEN_STATUSES, _run_merge, danger=True,
               help=gettext_lazy("Aduan ini ditutup dan pelapornya mengikuti aduan induk.")),
    CaseAction("tinjau", gettext_lazy("Tinjau penilaian rendah"), ReviewForm,
               lambda u, c: actions.is_coordinator(u) and c.needs_review, _run_review),
]
ACTIONS_BY_SLUG = {a.slug: a for a in ACTIONS}


def _form_for(action: CaseAction, complaint: Complaint, data: Any = None, files: Any = None) -> Form:
    kwargs = action.form_kwargs(complaint)
    if data is not None:
        kwargs.pop("initial", None)
        return action.form_class(data, files, prefix=action.slug, **kwargs)
    return action.form_class(prefix=action.slug, **kwargs)


def available_actions(user: Any, complaint: Complaint, bound: tuple[str, Form] | None = None,
                      ) -> list[dict[str, Any]]:
    out = []
    for action in ACTIONS:
        if not action.allowed(user, complaint):
            continue
        form = bound[1] if bound and bound[0] == action.slug else _form_for(action, complaint)
        out.append({"action": action, "form": form, "open": bool(bound and bound[0] == action.slug)})
    return out


def sla_progress(complaint: Complaint, now: Any) -> dict[str, Any] | None:
    """Share of the current stage's time used (working-day time for hk rules), for the case page's bar."""
    if complaint.status not in OPEN_STATUSES or not complaint.stage or not complaint.stage_due_at:
        return None
    try:
        rule = sla.rule_for(complaint.stage, complaint.category)
    except sla.SlaRuleMissing:
        return None
    start = complaint.stage_started_at or complaint.created_at
    fraction = deadlines.elapsed_fraction(start, complaint.stage_due_at, now, rule.unit)
    percent = max(0, round(fraction * 100))
    if percent >= 100:
        colour = "red"
    elif percent >= 80:
        colour = "orange"
    elif percent >= 50:
        colour = "yellow"
    else:
        colour = "green"
    return {"percent": percent, "bar": min(percent, 100), "colour": colour, "rule": rule,
            "overdue": now > complaint.stage_due_at}


def case_context(request: HttpRequest, complaint: Complaint,
                 bound: tuple[str, Form] | None = None) -> dict[str, Any]:
    user = request.user
    now = timezone.now()
    photos = list(selectors.staff_photos(complaint))
    return {
        "c": complaint,
        "timeline": selectors.staff_timeline(complaint),
        "photos_report": [p for p in photos if p.kind == PhotoKind.REPORT],
        "photos_before": [p for p in photos if p.kind == PhotoKind.BEFORE],
        "photos_after": [p for p in photos if p.kind == PhotoKind.AFTER],
        "sla": sla_progress(complaint, now),
        "suggested_agency": complaint.routing_rule.agency if complaint.routing_rule_id else None,
        "text_suggestion": text_suggestion(user, complaint),
        "actions": available_actions(user, complaint, bound),
        "can_see_identity": selectors.can_see_identity(user, complaint),
        "reporter_label": selectors.public_reporter_label(complaint),
        "row_state": row_state(complaint, now),
        "children": selectors.complaints_for(user).filter(parent=complaint),
    }


def text_suggestion(user: Any, complaint: Complaint) -> dict[str, Any] | None:
    """The classifier's guess of category and OPD for a case awaiting verification; the coordinator decides."""
    from kotacerdas.complaints import classifier

    if complaint.status not in (Status.BARU, Status.TUNDA) or not actions.is_coordinator(user):
        return None
    guess = classifier.suggest(complaint.title, complaint.description)
    if guess is None:
        return None
    return {
        "category": Category.objects.filter(code=guess.category_code).first(),
        "category_confidence": round(guess.category_confidence * 100),
        "agency": Agency.objects.filter(code=guess.agency_code).first(),
        "agency_confidence": round(guess.agency_confidence * 100),
        "version": guess.model_version,
    }


@login_required
@require_GET
def case(request: HttpRequest, pk: int) -> HttpResponse:
    user = _staff_user(request)
    complaint = _case_or_404(user, pk)
    return render(request, "complaints/staff/case.html", case_context(request, complaint))


@login_required
@require_POST
def case_action(request: HttpRequest, pk: int, action: str) -> HttpResponse:
    """Runs one action. Success: back to the case page (htmx: a client redirect). Invalid input: the form
    again with its errors and HTTP 400. Not allowed: 403 (PermissionDenied from the action)."""
    user = _staff_user(request)
    complaint = _case_or_404(user, pk)
    spec = ACTIONS_BY_SLUG.get(action)
    if spec is None:
        return HttpResponse(status=404)
    form = _form_for(spec, complaint, request.POST, request.FILES)
    form.is_valid()
    data = getattr(form, "cleaned_data", {})
    try:
        text = spec.run(request, complaint, data)
    except ValidationError as exc:
        form.add_action_errors(exc)
        if request.htmx:
            return render(request, "complaints/staff/_action_form.html",
                          {"c": complaint, "item": {"action": spec, "form": form, "open": True}}, status=400)
        return render(request, "complaints/staff/case.html", case_context(request, complaint, (spec.slug, form)),
                      status=400)
    messages.success(request, text)
    # After a limpah or a merge the case may have left this user's scope: go back to the queue then.
    if selectors.complaints_for(user).filter(pk=complaint.pk).exists():
        target = reverse("complaints:case", args=[complaint.pk])
    else:
        target = reverse("complaints:queue")
    if request.htmx:
        return HttpResponseClientRedirect(target)
    return redirect(target)


@login_required
@require_POST
def identity(request: HttpRequest, pk: int) -> HttpResponse:
    """htmx: the reporter's identity, for those allowed to see it; every reveal is audit-logged.

    POST, not GET: a reveal writes an audit row, and a link prefetcher must not create false entries.
    """
    user = _staff_user(request)
    complaint = _case_or_404(user, pk)
    if not selectors.can_see_identity(user, complaint):
        raise PermissionDenied(_("Anda tidak berwenang melihat identitas pelapor aduan ini."))
    actions.record_identity_view(user, complaint, request)
    reporter = complaint.reporter
    return render(request, "complaints/staff/_identity.html", {
        "c": complaint,
        "name": reporter.display_name if reporter else complaint.reporter_name,
        "phone": complaint.reporter_phone or (reporter.phone if reporter else ""),
        "email": complaint.reporter_email or (reporter.email if reporter else ""),
        "nik": complaint.reporter_nik,
        "account": reporter,
    })


@login_required
@require_GET
def export(request: HttpRequest) -> StreamingHttpResponse:
    """CSV of the filtered queue, without any personal data (egov-rules §9 rules 5-6)."""
    user = _staff_user(request)
    _filterset, qs, _queue = filtered_queue(request, user)
    stamp = timezone.localtime().strftime("%Y%m%d-%H%M")
    response = StreamingHttpResponse(exports.complaints_csv(qs), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="aduan-{stamp}.csv"'
    return response
