"""Public complaint pages (Pengaduan): home, report form, tracking, the public list and map, the reporter's
own list, and the reporter's answers (confirm + rating, reopen, lengkapi).

Thin: every change goes through `actions.check_*` then `actions.do_*`; every read of complaints through
`selectors`. The public sees only the masked public copy of a complaint, never rahasia complaints and never
the reporter's identity (egov-rules §9 rules 5 and 6).
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db.models import Q, QuerySet
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from kotacerdas.complaints import actions, selectors
from kotacerdas.complaints.forms import (
    ConfirmForm,
    LookupForm,
    PreviewForm,
    ReopenForm,
    ReportForm,
    ResumeForm,
    SupportForm,
)
from kotacerdas.complaints.models import END_STATUSES, OPEN_STATUSES, Category, Complaint, Status
from kotacerdas.lib import images, pii
from kotacerdas.regions import selectors as region_selectors

PUBLIC_PAGE_SIZE = 20
GEOJSON_MAX = 2000


# ---------------------------------------------------------------------------------------------------------
# Helpers


def _token(request: HttpRequest) -> str:
    return (request.POST.get("t") or request.GET.get("t") or "").strip()


def _normalize_no(value: str) -> str:
    return (value or "").strip().upper()


def _viewable(request: HttpRequest, tracking_no: str) -> tuple[Complaint, bool]:
    """The complaint a visitor may see on the tracking page, and whether the visitor is its reporter.

    Staff in scope and the logged-in reporter see it whatever its flags; anyone else only a public complaint,
    unless they hold the reporter's secret link (`?t=`). Everything else is a 404, so a rahasia complaint's
    existence does not leak.
    """
    no = _normalize_no(tracking_no)
    token = _token(request)
    user = request.user
    complaint = None
    if user.is_authenticated:
        complaint = selectors.complaints_for(user).filter(tracking_no=no).first()
    if complaint is None:
        complaint = selectors.public_by_tracking(no)
    if complaint is None and token:
        # The reporter without an account has only the secret link.
        complaint = selectors.by_tracking_for_reporter(no, user, token)
    if complaint is None:
        raise Http404(_("Aduan tidak ditemukan."))
    return complaint, actions.is_reporter(user, complaint, token)


def _track_url(complaint: Complaint, token: str = "") -> str:
    url = reverse("complaints:track", args=[complaint.tracking_no])
    return f"{url}?{urlencode({'t': token})}" if token else url


def _month_start(now: datetime) -> datetime:
    local = timezone.localtime(now)
    return local.replace(day=1, hour=0, minute=0, second=0, microsecond=0)


def _public_filtered(request: HttpRequest) -> tuple[QuerySet[Complaint], dict[str, Any]]:
    """The public list's filters: public fields only (the masked title, never the raw text or address)."""
    qs = selectors.public_complaints().filter(parent__isnull=True)
    params = {k: (request.GET.get(k) or "").strip() for k in ("q", "kategori", "kecamatan", "status")}
    if params["q"]:
        qs = qs.filter(Q(tracking_no__iexact=params["q"]) | Q(public_title__icontains=params["q"]))
    if params["kategori"]:
        qs = qs.filter(category__code=params["kategori"])
    if params["kecamatan"]:
        qs = qs.filter(kecamatan__code=params["kecamatan"])
    if params["status"] == "terbuka":
        qs = qs.filter(status__in=OPEN_STATUSES)
    elif params["status"] == "tuntas":
        qs = qs.filter(status=Status.TUNTAS)
    elif params["status"] == "ditutup":
        qs = qs.filter(status__in=END_STATUSES)
    return qs, params


def _public_point(c: Complaint) -> dict[str, Any]:
    return {
        "type": "Feature",
        "geometry": {"type": "Point", "coordinates": [round(c.lon, 6), round(c.lat, 6)]},
        "properties": {
            "no": c.tracking_no,
            "title": c.public_title,
            "category": c.category.name,
            "status": c.status,
            "status_label": c.get_status_display(),
            "kelurahan": c.kelurahan.name if c.kelurahan_id else "",
            "kecamatan": c.kecamatan.name if c.kecamatan_id else "",
            "created": timezone.localtime(c.created_at).date().isoformat(),
            "support": c.support_count,
            "url": reverse("complaints:track", args=[c.tracking_no]),
        },
    }


# ---------------------------------------------------------------------------------------------------------
# Landing page


@require_GET
def home(request: HttpRequest) -> HttpResponse:
    now = timezone.now()
    start = _month_start(now)
    public = selectors.public_complaints()
    counts = {
        "received": public.filter(created_at__gte=start).count(),
        "tuntas": public.filter(status=Status.TUNTAS, closed_at__gte=start).count(),
        "open": public.filter(status__in=OPEN_STATUSES).count(),
    }
    recent = list(public.filter(parent__isnull=True).order_by("-created_at")[:6])
    return render(request, "home.html", {
        "counts": counts, "recent": recent, "lookup_form": LookupForm(), "month_start": start,
    })


# ---------------------------------------------------------------------------------------------------------
# Reporting


def report(request: HttpRequest) -> HttpResponse:
    """The report form. Works without an account (name + phone or e-mail) or logged in."""
    from kotacerdas.regions import geo

    if request.method != "POST":
        initial = {}
        if request.GET.get("kategori"):
            initial["category"] = request.GET["kategori"]
        form = ReportForm(initial=initial, user=request.user)
        return render(request, "complaints/report.html", {"form": form, "max_photos": images.MAX_PHOTOS})

    form = ReportForm(request.POST, request.FILES, user=request.user)
    form.is_valid()  # types and lengths only; the rules are in actions.check_submit
    intake = None
    try:
        intake = actions.check_submit(form.action_data(), request.user, request.FILES.getlist("photos"))
    except ValidationError as exc:
        form.add_action_errors(exc)
    except geo.CityNotSet as exc:
        form.add_error("lat", exc.message)
    if intake is None or form.errors:
        return render(request, "complaints/report.html", {"form": form, "max_photos": images.MAX_PHOTOS},
                      status=400)

    complaint = actions.do_submit(intake)
    messages.success(request, _(
        "Terima kasih, aduan Anda sudah kami terima dengan nomor %(no)s. Simpan nomor ini untuk melacak "
        "perkembangannya."
    ) % {"no": complaint.tracking_no})
    # Reporters without an account come back through the secret link (also sent to their phone/e-mail).
    token = "" if complaint.reporter_id else complaint.access_token
    return redirect(_track_url(complaint, token))


@require_POST
def preview(request: HttpRequest) -> HttpResponse:
    """htmx: the public copy exactly as it will be published (NIK, phone and e-mail masked)."""
    form = PreviewForm(request.POST)
    form.is_valid()
    title = form.cleaned_data.get("title", "").strip()
    description = form.cleaned_data.get("description", "").strip()
    found = pii.find_personal_data(f"{title}\n{description}")
    labels = {"nik": _("NIK"), "phone": _("nomor telepon"), "email": _("alamat e-mail")}
    return render(request, "complaints/_preview.html", {
        "title": pii.mask_personal_data(title),
        "description": pii.mask_personal_data(description),
        "masked": [(labels[kind], len(values)) for kind, values in found.items()],
        "empty": not title and not description,
    })


@require_GET
def duplicates(request: HttpRequest) -> HttpResponse:
    """htmx: open public complaints like the one being written, to support instead of filing again."""
    category = Category.objects.filter(code=request.GET.get("category") or "", is_active=True).first()
    try:
        lat = float(request.GET["lat"]) if request.GET.get("lat") else None
        lon = float(request.GET["lon"]) if request.GET.get("lon") else None
    except ValueError:
        lat = lon = None
    if lat is None or lon is None:
        lat = lon = None
    text = f"{request.GET.get('title', '')} {request.GET.get('description', '')}".strip()
    found = actions.find_duplicates(category, lat, lon, text) if category else []
    return render(request, "complaints/_duplicates.html", {
        "duplicates": found, "category": category, "support_form": SupportForm(),
    })


@require_POST
def support(request: HttpRequest, tracking_no: str) -> HttpResponse:
    """Dukung (+1): counts once per person and subscribes them to the case's news."""
    complaint = selectors.public_by_tracking(tracking_no)
    if complaint is None:
        raise Http404(_("Aduan tidak ditemukan."))
    form = SupportForm(request.POST)
    form.is_valid()
    email = form.cleaned_data.get("email", "").strip()
    try:
        actions.check_support(complaint, request.user, email)
    except ValidationError as exc:
        form.add_action_errors(exc)
        if request.htmx:
            return render(request, "complaints/_support.html",
                          {"c": complaint, "support_form": form}, status=400)
        for error in form.errors.values():
            messages.error(request, " ".join(error))
        return redirect(_track_url(complaint))
    added = actions.do_support(complaint, request.user, email)
    complaint.refresh_from_db(fields=["support_count"])
    text = (_("Terima kasih, dukungan Anda tercatat. Kami akan mengabari Anda perkembangannya.") if added
            else _("Anda sudah mendukung atau melaporkan aduan ini."))
    if request.htmx:
        return render(request, "complaints/_support.html", {"c": complaint, "done": text})
    messages.success(request, text)
    return redirect(_track_url(complaint))


# ---------------------------------------------------------------------------------------------------------
# Tracking


@require_GET
def track_lookup(request: HttpRequest) -> HttpResponse:
    form = LookupForm(request.GET or None)
    if form.is_bound and form.is_valid():
        no = _normalize_no(form.cleaned_data["no"])
        if not no:
            form.add_error("no", _("Masukkan nomor aduan."))
        elif selectors.public_by_tracking(no) or (
                request.user.is_authenticated and selectors.complaints_for(request.user).filter(
                    tracking_no=no).exists()):
            return redirect("complaints:track", tracking_no=no)
        else:
            form.add_error("no", _("Nomor aduan %(no)s tidak ditemukan. Periksa kembali penulisannya.")
                           % {"no": no})
        return render(request, "complaints/track_lookup.html", {"form": form}, status=404 if no else 400)
    return render(request, "complaints/track_lookup.html", {"form": form})


def _track_context(request: HttpRequest, complaint: Complaint, is_reporter: bool,
                   **forms: Any) -> dict[str, Any]:
    token = _token(request) if is_reporter else ""
    context: dict[str, Any] = {
        "c": complaint,
        "is_reporter": is_reporter,
        "token": token,
        "reporter_label": selectors.public_reporter_label(complaint),
        "timeline": selectors.public_timeline(complaint),
        "photos": selectors.public_photos(complaint),
        "support_form": SupportForm(),
        "can_support": (complaint.status in OPEN_STATUSES and not complaint.is_rahasia and not is_reporter),
        "is_staff": selectors.is_staff_reader(request.user),
    }
    if is_reporter and complaint.status == Status.SELESAI:
        context["confirm_form"] = forms.get("confirm_form") or ConfirmForm()
        context["reopen_form"] = forms.get("reopen_form") or ReopenForm()
        context["reopen_open"] = not (complaint.stage_due_at and timezone.now() > complaint.stage_due_at)
    if is_reporter and complaint.status == Status.TUNDA:
        context["resume_form"] = forms.get("resume_form") or ResumeForm()
        context["tunda_reason"] = complaint.events.filter(kind="tunda").order_by("-at").values_list(
            "reason", flat=True).first()
    return context


@require_GET
def track(request: HttpRequest, tracking_no: str) -> HttpResponse:
    complaint, is_reporter = _viewable(request, tracking_no)
    if tracking_no != complaint.tracking_no:
        return redirect(_track_url(complaint, _token(request) if is_reporter else ""))
    return render(request, "complaints/track.html", _track_context(request, complaint, is_reporter))


def _reporter_answer(request: HttpRequest, tracking_no: str, form_class: type, form_name: str,
                     run: Any) -> HttpResponse:
    """Shared by confirm, reopen and lengkapi: check, write, or show the form again with its errors (400)."""
    complaint, is_reporter = _viewable(request, tracking_no)
    form = form_class(request.POST)
    form.is_valid()
    try:
        text = run(complaint, form.cleaned_data)
    except ValidationError as exc:
        form.add_action_errors(exc)
        context = _track_context(request, complaint, is_reporter, **{form_name: form})
        context.setdefault(form_name, form)
        return render(request, "complaints/track.html", context, status=400)
    messages.success(request, text)
    return redirect(_track_url(complaint, _token(request) if is_reporter else ""))


@require_POST
def confirm(request: HttpRequest, tracking_no: str) -> HttpResponse:
    token = _token(request)

    def run(complaint: Complaint, data: dict[str, Any]) -> str:
        rating = actions.check_confirm(request.user, complaint, data.get("rating"), token)
        actions.do_confirm(request.user, complaint, rating, data.get("comment", ""))
        return _("Terima kasih atas konfirmasi dan penilaian Anda.")

    return _reporter_answer(request, tracking_no, ConfirmForm, "confirm_form", run)


@require_POST
def reopen(request: HttpRequest, tracking_no: str) -> HttpResponse:
    token = _token(request)

    def run(complaint: Complaint, data: dict[str, Any]) -> str:
        reason = actions.check_reopen(request.user, complaint, data.get("reason", ""), token)
        actions.do_reopen(request.user, complaint, reason)
        return _("Aduan dibuka kembali dan dikembalikan ke OPD untuk ditindaklanjuti.")

    return _reporter_answer(request, tracking_no, ReopenForm, "reopen_form", run)


@require_POST
def resume(request: HttpRequest, tracking_no: str) -> HttpResponse:
    token = _token(request)

    def run(complaint: Complaint, data: dict[str, Any]) -> str:
        info = actions.check_resume(request.user, complaint, token, data.get("info", ""))
        actions.do_resume(request.user, complaint, info)
        return _("Terima kasih, informasi tambahan sudah kami terima. Aduan Anda akan diverifikasi kembali.")

    return _reporter_answer(request, tracking_no, ResumeForm, "resume_form", run)


# ---------------------------------------------------------------------------------------------------------
# Public list and map, the reporter's own list


@require_GET
def public_list(request: HttpRequest) -> HttpResponse:
    qs, params = _public_filtered(request)
    page = Paginator(qs.order_by("-created_at"), PUBLIC_PAGE_SIZE).get_page(request.GET.get("page"))
    geo_query = urlencode({k: v for k, v in params.items() if v})
    return render(request, "complaints/public_list.html", {
        "page_obj": page, "params": params,
        "categories": Category.objects.filter(is_active=True).order_by("group", "name"),
        "kecamatans": region_selectors.kecamatan_choices(),
        "geojson_url": reverse("complaints:public-geojson") + (f"?{geo_query}" if geo_query else ""),
    })


@require_GET
def public_geojson(request: HttpRequest) -> JsonResponse:
    """Points of the most recent public complaints (public fields only; rahasia never)."""
    qs, _params = _public_filtered(request)
    try:
        limit = max(1, min(GEOJSON_MAX, int(request.GET.get("limit") or GEOJSON_MAX)))
    except ValueError:
        limit = GEOJSON_MAX
    rows = qs.filter(lat__isnull=False, lon__isnull=False).order_by("-created_at")[:limit]
    data = {"type": "FeatureCollection", "features": [_public_point(c) for c in rows]}
    response = JsonResponse(data, json_dumps_params={"separators": (",", ":")})
    response["Content-Type"] = "application/geo+json"
    response["Cache-Control"] = "public, max-age=60"
    return response


@login_required
@require_GET
def mine(request: HttpRequest) -> HttpResponse:
    qs = selectors.complaints_for(request.user).filter(reporter=request.user).order_by("-created_at")
    page = Paginator(qs, PUBLIC_PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "complaints/mine.html", {"page_obj": page})
