"""Siduta screens: public vacancy search and events, seeker and employer registration, the seeker's page (profile,
CV, AK/1, applications, suggestions), the employer's page (vacancies, applicants, stages, users), Disnaker's desk
(verification, moderation, AK/1 issue, statistics, TPT) and the public AK/1 check.

Thin: reads through selectors.py, changes through actions.py (which check again), lists through filtersets.py.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import login
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from kotacerdas.core import audit
from kotacerdas.core.forms import add_action_errors
from kotacerdas.jobs import actions, documents, filtersets, matching, selectors
from kotacerdas.jobs.forms import (
    CompanyProfileForm,
    CompanyRegisterForm,
    CvForm,
    DecisionForm,
    EventForm,
    MemberForm,
    PhotoForm,
    ProfileForm,
    ReportForm,
    SeekerRegisterForm,
    StageForm,
    TptForm,
    VacancyForm,
)
from kotacerdas.jobs.models import (
    Ak1Card,
    Application,
    CardStatus,
    Company,
    CompanyStatus,
    JobEvent,
    SeekerProfile,
    Stage,
    Vacancy,
    VacancyStatus,
)

PAGE_SIZE = 20


def _tabs(user: Any) -> list[tuple[str, str, str]]:
    tabs = [("vacancies", _("Lowongan"), reverse("jobs:vacancies")), ("events", _("Bursa kerja & pelatihan"),
                                                                       reverse("jobs:events"))]
    if selectors.seeker_of(user):
        tabs.append(("me", _("Halaman saya"), reverse("jobs:me")))
    if selectors.company_of(user):
        tabs.append(("company", _("Perusahaan"), reverse("jobs:company")))
    if selectors.is_disnaker(user):
        tabs += [("disnaker", _("Meja Disnaker"), reverse("jobs:disnaker")),
                 ("seekers", _("Pencari kerja"), reverse("jobs:seekers"))]
    if selectors.can_view_stats(user):
        tabs.append(("stats", _("Statistik"), reverse("jobs:stats")))
    return tabs


def _render(request: HttpRequest, template: str, context: dict[str, Any], status: int = 200) -> HttpResponse:
    context.setdefault("jobs_tabs", _tabs(request.user))
    return render(request, template, context, status=status)


def _error_messages(request: HttpRequest, exc: ValidationError) -> None:
    for text in exc.messages:
        messages.error(request, text)


def _back(request: HttpRequest, fallback: str) -> HttpResponse:
    from django.utils.http import url_has_allowed_host_and_scheme

    target = request.POST.get("next") or ""
    if target and url_has_allowed_host_and_scheme(target, {request.get_host()}, request.is_secure()):
        return redirect(target)
    return redirect(fallback)


def _filterset(cls: Any, request: HttpRequest, queryset: Any) -> Any:
    fs = cls(request.GET, queryset=queryset, request=request)
    for field in fs.form.fields.values():
        if hasattr(field, "empty_label"):
            field.empty_label = _("Semua")  # django-filter's default is "---------"
    if "company" in fs.form.fields:
        from django import forms

        fs.form.fields["company"].widget = forms.HiddenInput()  # set by links, not typed (the API takes it too)
    return fs


# --- public ------------------------------------------------------------------------------------------------------


@require_GET
def vacancy_list(request: HttpRequest) -> HttpResponse:
    fs = _filterset(filtersets.VacancyFilterSet, request, selectors.public_vacancies())
    qs = fs.qs if fs.is_valid() else selectors.public_vacancies().none()
    page = Paginator(qs, PAGE_SIZE).get_page(request.GET.get("page"))
    seeker = selectors.seeker_of(request.user)
    return _render(request, "jobs/vacancy_list.html", {"filterset": fs, "page_obj": page, "active": "vacancies",
                                                       "seeker": seeker})


@require_GET
def vacancy_detail(request: HttpRequest, pk: int) -> HttpResponse:
    vacancy = get_object_or_404(selectors.vacancies_for(request.user), pk=pk)
    seeker = selectors.seeker_of(request.user)
    context: dict[str, Any] = {"vacancy": vacancy, "active": "vacancies", "seeker": seeker}
    if seeker:
        match = matching.score(seeker, vacancy)
        context["match"] = {"score": match.score, "reasons": [matching.explain(r) for r in match.reasons]}
        context["applied"] = Application.objects.filter(vacancy=vacancy, seeker=seeker).first()
        try:
            actions.check_apply(request.user, vacancy)
            context["can_apply"] = True
        except (ValidationError, PermissionDenied) as exc:
            context["apply_blocked"] = exc.messages if isinstance(exc, ValidationError) else [str(exc)]
    return _render(request, "jobs/vacancy_detail.html", context)


@login_required
@require_POST
def apply(request: HttpRequest, pk: int) -> HttpResponse:
    vacancy = get_object_or_404(selectors.public_vacancies(), pk=pk)
    try:
        actions.do_apply(request.user, vacancy, request.POST.get("cover_letter", ""), request=request)
    except ValidationError as exc:
        _error_messages(request, exc)
    else:
        messages.success(request, _("Lamaran Anda untuk %(title)s sudah terkirim.") % {"title": vacancy.title})
    return redirect("jobs:vacancy", pk=pk)


@require_GET
def events(request: HttpRequest) -> HttpResponse:
    return _render(request, "jobs/events.html", {"events": selectors.events_for(request.user)[:50],
                                                 "active": "events"})


@require_GET
def event_detail(request: HttpRequest, pk: int) -> HttpResponse:
    event = get_object_or_404(selectors.events_for(request.user), pk=pk)
    seeker = selectors.seeker_of(request.user)
    registered = bool(seeker and event.registrations.filter(seeker=seeker).exists())
    return _render(request, "jobs/event.html", {"event": event, "active": "events", "seeker": seeker,
                                                "registered": registered,
                                                "companies": event.companies.order_by("name")})


@login_required
@require_POST
def event_register(request: HttpRequest, pk: int) -> HttpResponse:
    event = get_object_or_404(JobEvent, pk=pk)
    try:
        actions.do_register_event(request.user, event, request=request)
    except ValidationError as exc:
        _error_messages(request, exc)
    else:
        messages.success(request, _("Anda terdaftar pada %(title)s.") % {"title": event.title})
    return redirect("jobs:event", pk=pk)


@require_GET
def ak1_verify(request: HttpRequest, token: str) -> HttpResponse:
    """Public: is this card genuine and valid? Shows number (masked), status and validity only."""
    card = Ak1Card.objects.filter(token=token).exclude(number__isnull=True).first()
    if card is None:
        return _render(request, "jobs/ak1_verify.html", {"card": None}, status=404)
    masked = f"{card.number[:-4]}****" if card.number else ""
    valid = card.status == CardStatus.AKTIF and card.valid_until and card.valid_until >= selectors.today()
    return _render(request, "jobs/ak1_verify.html", {"card": card, "masked_number": masked, "valid": valid})


@require_http_methods(["GET", "POST"])
def seeker_register(request: HttpRequest) -> HttpResponse:
    user = request.user if request.user.is_authenticated else None
    if user is not None and selectors.seeker_of(user):
        return redirect("jobs:me")
    if user is not None and user.role != "warga":
        messages.error(request, _("Akun petugas atau perusahaan tidak dapat mendaftar sebagai pencari kerja."))
        return redirect("jobs:vacancies")
    form = SeekerRegisterForm(request.POST or None, user=user)
    if request.method == "POST" and form.is_valid():
        try:
            profile = actions.do_register_seeker(form.checked, user=user, request=request)
        except ValidationError as exc:
            add_action_errors(form, exc)
        else:
            if user is None:
                login(request, profile.user, backend=settings.AUTHENTICATION_BACKENDS[0])
            messages.success(request, _("Pendaftaran pencari kerja berhasil. Lengkapi CV lalu ajukan kartu AK/1."))
            return redirect("jobs:me")
    return _render(request, "jobs/seeker_register.html", {"form": form, "active": ""})


@require_http_methods(["GET", "POST"])
def company_register(request: HttpRequest) -> HttpResponse:
    if request.user.is_authenticated:
        if selectors.company_of(request.user):
            return redirect("jobs:company")
        messages.error(request, _("Keluar dahulu untuk mendaftarkan perusahaan dengan akun baru."))
        return redirect("jobs:vacancies")
    form = CompanyRegisterForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        company = actions.do_register_company(form.checked, request=request)
        user = company.members.get().user
        login(request, user, backend=settings.AUTHENTICATION_BACKENDS[0])
        messages.success(request, _("Pendaftaran %(name)s diterima dan menunggu verifikasi Disnaker. Nama pengguna "
                                    "Anda: %(username)s.") % {"name": company.name, "username": user.username})
        return redirect("jobs:company")
    return _render(request, "jobs/company_register.html", {"form": form, "active": ""})


# --- seeker ------------------------------------------------------------------------------------------------------


def _seeker(request: HttpRequest) -> SeekerProfile:
    profile = selectors.seeker_of(request.user)
    if profile is None:
        raise Http404
    return profile


@login_required
@require_GET
def me(request: HttpRequest) -> HttpResponse:
    profile = selectors.seeker_of(request.user)
    if profile is None:
        return redirect("jobs:seeker-register")
    card = selectors.current_card(profile)
    applications = profile.applications.select_related("vacancy__company").order_by("-created")
    placement = profile.placements.select_related("company").first()
    # A placed seeker has left the active count; suggesting more vacancies would contradict that.
    suggestions = [] if placement else matching.best_vacancies_for(profile, selectors.public_vacancies(), k=5)
    return _render(request, "jobs/me.html", {
        "profile": profile, "card": card, "applications": applications, "suggestions": suggestions,
        "placement": placement, "report_form": ReportForm(), "active": "me",
        "reports": card.reports.all() if card else [],
    })


@login_required
@require_http_methods(["GET", "POST"])
def profile_edit(request: HttpRequest) -> HttpResponse:
    profile = _seeker(request)
    form = ProfileForm(request.POST or None, actor=request.user, profile=profile)
    cv_form = CvForm(request.POST or None, request.FILES or None)
    photo_form = PhotoForm(request.POST or None, request.FILES or None)
    if request.method == "POST":
        if request.POST.get("part") == "photo":
            form = ProfileForm(actor=request.user, profile=profile)
            try:
                actions.do_upload_photo(request.user, profile, request.FILES.get("photo"), request=request)
            except ValidationError as exc:
                add_action_errors(photo_form, exc)
            else:
                messages.success(request, _("Foto tersimpan."))
                return redirect("jobs:profile")
        elif request.POST.get("part") == "cv":
            form = ProfileForm(actor=request.user, profile=profile)
            try:
                actions.do_upload_cv(request.user, profile, request.FILES.get("cv"), request=request)
            except ValidationError as exc:
                add_action_errors(cv_form, exc)
            else:
                messages.success(request, _("CV tersimpan."))
                return redirect("jobs:profile")
        elif form.is_valid():
            actions.do_update_profile(request.user, profile, form.checked, request=request)
            messages.success(request, _("Profil tersimpan.") if form.checked else _("Tidak ada perubahan."))
            return redirect("jobs:me")
    return _render(request, "jobs/profile.html", {"form": form, "cv_form": cv_form, "photo_form": photo_form,
                                                  "profile": profile,
                                                  "active": "me"})


@login_required
@require_POST
def ak1_request(request: HttpRequest) -> HttpResponse:
    profile = _seeker(request)
    try:
        actions.do_request_ak1(request.user, profile, request=request)
    except ValidationError as exc:
        _error_messages(request, exc)
    else:
        messages.success(request, _("Permohonan kartu AK/1 terkirim. Petugas Disnaker akan menerbitkannya."))
    return redirect("jobs:me")


@login_required
@require_POST
def ak1_report(request: HttpRequest, pk: int) -> HttpResponse:
    card = get_object_or_404(Ak1Card.objects.select_related("seeker"), pk=pk)
    if card.seeker.user_id != request.user.pk and not selectors.is_disnaker(request.user):
        raise PermissionDenied
    form = ReportForm(request.POST)
    form.is_valid()
    try:
        actions.do_report_ak1(request.user, card, form.cleaned_data.get("outcome", ""),
                              form.cleaned_data.get("note", ""), request=request)
    except ValidationError as exc:
        _error_messages(request, exc)
    else:
        messages.success(request, _("Laporan enam bulanan tercatat."))
    return _back(request, reverse("jobs:me"))


@login_required
@require_GET
def ak1_pdf(request: HttpRequest, pk: int) -> HttpResponse:
    card = get_object_or_404(Ak1Card.objects.select_related("seeker__user"), pk=pk, number__isnull=False)
    if card.seeker.user_id != request.user.pk:
        if not selectors.is_disnaker(request.user):
            raise Http404
        audit.record(request.user, "jobs.ak1_printed", card, request=request)
    response = HttpResponse(documents.ak1_pdf(card), content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="AK1-{card.number}.pdf"'
    return response


# --- employer ----------------------------------------------------------------------------------------------------


def _company(request: HttpRequest) -> Company:
    company = selectors.company_of(request.user)
    if company is None:
        raise PermissionDenied(_("Halaman ini untuk akun perusahaan mitra."))
    return company


@login_required
@require_GET
def company_home(request: HttpRequest) -> HttpResponse:
    company = _company(request)
    vacancies = company.vacancies.select_related("kecamatan").order_by("-created")
    from django.db.models import Count

    vacancies = vacancies.annotate(applicants=Count("applications"))
    return _render(request, "jobs/company.html", {
        "company": company, "vacancies": vacancies, "members": company.members.select_related("user"),
        "is_admin": selectors.is_company_admin(request.user, company), "member_form": MemberForm(
            actor=request.user, company=company), "active": "company"})


@login_required
@require_http_methods(["GET", "POST"])
def company_profile(request: HttpRequest) -> HttpResponse:
    company = _company(request)
    if not selectors.is_company_admin(request.user, company):
        raise PermissionDenied(_("Hanya admin perusahaan yang dapat mengubah profil perusahaan."))
    form = CompanyProfileForm(request.POST or None, actor=request.user, company=company)
    if request.method == "POST" and form.is_valid():
        actions.do_update_company(request.user, company, form.checked, request=request)
        messages.success(request, _("Profil perusahaan tersimpan.") if form.checked else _("Tidak ada perubahan."))
        return redirect("jobs:company")
    return _render(request, "jobs/company_profile.html", {"form": form, "company": company, "active": "company"})


@login_required
@require_POST
def company_member(request: HttpRequest) -> HttpResponse:
    company = _company(request)
    form = MemberForm(request.POST, actor=request.user, company=company)
    if form.is_valid():
        member = actions.do_add_member(request.user, company, form.checked, request=request)
        messages.success(request, _("Pengguna %(username)s ditambahkan.") % {"username": member.user.username})
    else:
        for field, errors in form.errors.items():
            for error in errors:
                messages.error(request, f"{form.fields[field].label}: {error}" if field in form.fields else error)
    return redirect("jobs:company")


@login_required
@require_http_methods(["GET", "POST"])
def vacancy_new(request: HttpRequest) -> HttpResponse:
    company = _company(request)
    if company.status != CompanyStatus.TERVERIFIKASI:
        messages.error(request, _("Perusahaan Anda belum diverifikasi Disnaker; lowongan belum dapat dipasang."))
        return redirect("jobs:company")
    form = VacancyForm(request.POST or None, actor=request.user, initial={"sector": company.sector})
    if request.method == "POST" and form.is_valid():
        vacancy = actions.do_create_vacancy(request.user, form.checked, request=request)
        messages.success(request, _("Lowongan %(title)s dikirim dan menunggu moderasi Disnaker.")
                         % {"title": vacancy.title})
        return redirect("jobs:company-vacancy", pk=vacancy.pk)
    return _render(request, "jobs/vacancy_form.html", {"form": form, "company": company, "active": "company"})


@login_required
@require_GET
def company_vacancy(request: HttpRequest, pk: int) -> HttpResponse:
    user = request.user
    qs = Vacancy.objects.select_related("company", "kecamatan")
    if not selectors.is_disnaker(user):
        qs = qs.filter(company=_company(request))
    vacancy = get_object_or_404(qs, pk=pk)
    applications = (vacancy.applications.select_related("seeker__user", "seeker__kecamatan")
                    .order_by("-match_score", "created"))
    fs = _filterset(filtersets.ApplicationFilterSet, request, applications)
    rows = []
    for app in fs.qs:
        rows.append({"app": app, "next": [(s, Stage(s).label) for s in Stage.values
                                          if s in actions.TRANSITIONS[app.stage]]})
    return _render(request, "jobs/company_vacancy.html", {
        "vacancy": vacancy, "rows": rows, "filterset": fs, "stage_form": StageForm(),
        "suggestions": matching.best_seekers_for(vacancy, k=10) if vacancy.status == VacancyStatus.TERBIT else [],
        "applied_ids": set(vacancy.applications.values_list("seeker_id", flat=True)),
        "show_contact": True, "active": "company"})


@login_required
@require_POST
def vacancy_close(request: HttpRequest, pk: int) -> HttpResponse:
    vacancy = get_object_or_404(Vacancy, pk=pk)
    try:
        actions.do_close_vacancy(request.user, vacancy, request=request)
    except ValidationError as exc:
        _error_messages(request, exc)
    else:
        messages.success(request, _("Lowongan ditutup."))
    return redirect("jobs:company-vacancy", pk=pk)


@login_required
@require_POST
def application_stage(request: HttpRequest, pk: int) -> HttpResponse:
    application = get_object_or_404(selectors.applications_for(request.user), pk=pk)
    form = StageForm(request.POST)
    form.is_valid()
    data = form.cleaned_data
    try:
        actions.do_move(request.user, application, data.get("stage", ""), data, request=request)
    except ValidationError as exc:
        _error_messages(request, exc)
    else:
        messages.success(request, _("Lamaran %(name)s dipindahkan ke tahap %(stage)s.")
                         % {"name": application.seeker.user.display_name, "stage": Stage(data["stage"]).label})
    return redirect("jobs:company-vacancy", pk=application.vacancy_id)


@login_required
@require_GET
def application_cv(request: HttpRequest, pk: int) -> HttpResponse:
    application = get_object_or_404(selectors.applications_for(request.user), pk=pk)
    if not application.cv or not selectors.can_see_contact(request.user, application):
        raise Http404
    audit.record(request.user, "jobs.cv_viewed", application, request=request)
    return FileResponse(application.cv.open("rb"), content_type="application/pdf",
                        filename=f"CV-lamaran-{application.pk}.pdf")


# --- Disnaker ----------------------------------------------------------------------------------------------------


def _disnaker(request: HttpRequest) -> Any:
    if not selectors.is_disnaker(request.user):
        raise PermissionDenied(_("Halaman ini untuk petugas Disnaker."))
    return request.user


@login_required
@require_GET
def disnaker(request: HttpRequest) -> HttpResponse:
    _disnaker(request)
    return _render(request, "jobs/disnaker.html", {
        "companies": Company.objects.filter(status=CompanyStatus.MENUNGGU).order_by("created"),
        "vacancies": Vacancy.objects.filter(status=VacancyStatus.MENUNGGU).select_related("company", "kecamatan")
        .order_by("created"),
        "cards": Ak1Card.objects.filter(status=CardStatus.DIMINTA).select_related("seeker__user")
        .order_by("requested_at"),
        "tpt_form": TptForm(actor=request.user), "active": "disnaker"})


def _decide(request: HttpRequest, decide: Any, success: Any) -> HttpResponse:
    """A Disnaker approve/reject button: `decide(approve, note)` runs the action; `success()` is the message."""
    form = DecisionForm(request.POST)
    form.is_valid()
    try:
        decide(form.cleaned_data.get("decision") == "setuju", form.cleaned_data.get("note", ""))
    except ValidationError as exc:
        _error_messages(request, exc)
    else:
        messages.success(request, success())
    return redirect("jobs:disnaker")


@login_required
@require_POST
def company_verify(request: HttpRequest, pk: int) -> HttpResponse:
    _disnaker(request)
    company = get_object_or_404(Company, pk=pk)
    return _decide(
        request,
        lambda approve, note: actions.do_verify_company(request.user, company, approve, note, request=request),
        lambda: _("%(name)s: %(status)s.") % {"name": company.name, "status": company.get_status_display()})


@login_required
@require_POST
def vacancy_moderate(request: HttpRequest, pk: int) -> HttpResponse:
    _disnaker(request)
    vacancy = get_object_or_404(Vacancy, pk=pk)
    return _decide(
        request,
        lambda approve, note: actions.do_moderate(request.user, vacancy, approve, note, request=request),
        lambda: _("Lowongan %(title)s: %(status)s.") % {"title": vacancy.title,
                                                        "status": vacancy.get_status_display()})


@login_required
@require_GET
def seekers(request: HttpRequest) -> HttpResponse:
    _disnaker(request)
    qs = selectors.seekers_for(request.user).order_by("-created")
    q = request.GET.get("q", "").strip()[:60]
    if q:
        from django.db.models import Q

        qs = qs.filter(Q(user__first_name__icontains=q) | Q(user__last_name__icontains=q) | Q(nik=q))
    page = Paginator(qs, PAGE_SIZE * 2).get_page(request.GET.get("page"))
    return _render(request, "jobs/seekers.html", {"page_obj": page, "q": q, "active": "seekers"})


@login_required
@require_GET
def seeker_detail(request: HttpRequest, pk: int) -> HttpResponse:
    _disnaker(request)
    profile = get_object_or_404(selectors.seekers_for(request.user), pk=pk)
    audit.record(request.user, "jobs.seeker_viewed", profile, request=request)
    card = selectors.current_card(profile)
    return _render(request, "jobs/seeker.html", {
        "profile": profile, "card": card, "cards": profile.cards.all(), "report_form": ReportForm(),
        "reports": card.reports.all() if card else [],
        "applications": profile.applications.select_related("vacancy__company"),
        "placements": profile.placements.select_related("company"),
        "suggestions": matching.best_vacancies_for(profile, selectors.public_vacancies(), k=5),
        "active": "seekers"})


@login_required
@require_POST
def ak1_issue(request: HttpRequest, pk: int) -> HttpResponse:
    _disnaker(request)
    card = get_object_or_404(Ak1Card, pk=pk)
    try:
        actions.do_issue_ak1(request.user, card, request=request)
    except ValidationError as exc:
        _error_messages(request, exc)
    else:
        messages.success(request, _("Kartu AK/1 %(no)s terbit.") % {"no": card.number})
    return _back(request, reverse("jobs:disnaker"))


@login_required
@require_POST
def ak1_renew(request: HttpRequest, pk: int) -> HttpResponse:
    _disnaker(request)
    card = get_object_or_404(Ak1Card, pk=pk)
    try:
        new = actions.do_renew_ak1(request.user, card, request=request)
    except ValidationError as exc:
        _error_messages(request, exc)
    else:
        messages.success(request, _("Kartu AK/1 diperpanjang dengan nomor %(no)s.") % {"no": new.number})
    return redirect("jobs:seeker", pk=card.seeker_id)


@login_required
@require_POST
def tpt(request: HttpRequest) -> HttpResponse:
    _disnaker(request)
    form = TptForm(request.POST, actor=request.user)
    if form.is_valid():
        actions.do_record_tpt(request.user, form.checked, request=request)
        messages.success(request, _("TPT tercatat."))
    else:
        for field, errors in form.errors.items():
            for error in errors:
                messages.error(request, f"{form.fields[field].label}: {error}" if field in form.fields else error)
    return redirect("jobs:stats")


@login_required
@require_http_methods(["GET", "POST"])
def event_new(request: HttpRequest) -> HttpResponse:
    _disnaker(request)
    form = EventForm(request.POST or None, actor=request.user)
    if request.method == "POST" and form.is_valid():
        event = actions.do_create_event(request.user, form.checked, request=request)
        messages.success(request, _("Kegiatan %(title)s dibuat.") % {"title": event.title})
        return redirect("jobs:event", pk=event.pk)
    return _render(request, "jobs/event_form.html", {"form": form, "active": "events"})


@login_required
@require_GET
def stats(request: HttpRequest) -> HttpResponse:
    if not selectors.can_view_stats(request.user):
        raise PermissionDenied(_("Anda tidak berwenang membuka statistik ketenagakerjaan."))
    data = selectors.labour_statistics(request.user)
    chart = {"type": "bar", "labels": [r["sector"] for r in data.vacancies_by_sector],
             "datasets": [{"label": _("Lowongan (kuota)"), "data": [r["positions"] for r in data.vacancies_by_sector],
                           "color": "#206bc4"}]}
    from kotacerdas.jobs.models import TptFigure

    return _render(request, "jobs/stats.html", {
        "s": data, "chart": chart, "tpt_figures": TptFigure.objects.all()[:10], "active": "stats",
        "tpt_form": TptForm(actor=request.user) if selectors.is_disnaker(request.user) else None})
