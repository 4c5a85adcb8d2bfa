"""E-Planning screens. Thin: reads through selectors/reports, changes through actions (which check again).

Staff: the cycle dashboard with the calendar, the usulan list and form, an usulan's page with its journey and the
forum decision, a forum's page (decisions, ranks with advisory scores, pagu, berita acara, close, PDF), the
Renja/RKPD view with the SIPD CSV, the price catalogues. Public: per kecamatan/kelurahan pages with each usulan's
journey and a map, without any proposer data.
"""

from __future__ import annotations

import csv
import io
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import Count, Q
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from kotacerdas.accounts.models import Role
from kotacerdas.core.forms import add_action_errors
from kotacerdas.core.models import SiteSettings
from kotacerdas.planning import actions, pricing, reports, scoring, selectors
from kotacerdas.planning.filtersets import UsulanFilterSet
from kotacerdas.planning.forms import (
    BeritaAcaraForm,
    DecisionForm,
    PaguForm,
    PriceImportForm,
    UsulanForm,
    WeightsForm,
    WindowForm,
)
from kotacerdas.planning.models import (
    BeritaAcara,
    Forum,
    ForumDecision,
    PlanningYear,
    PriceVersion,
    StageWindow,
    Usulan,
    UsulanStatus,
)
from kotacerdas.planning.rules import ENTRY_STAGE, Decision, Source, Stage
from kotacerdas.regions.models import Level, Region

PAGE_SIZE = 50


def _year_or_404(request: HttpRequest) -> PlanningYear:
    year_param = request.GET.get("tahun", "")
    if year_param.isdigit():
        year = PlanningYear.objects.filter(year=int(year_param)).first()
    else:
        year = selectors.active_year()
    if year is None:
        raise Http404(_("Belum ada tahun perencanaan."))
    return year


def _staff(request: HttpRequest) -> None:
    if not selectors.can_view_staff(request.user):
        raise PermissionDenied(_("Halaman ini untuk perencana, camat, lurah dan OPD."))


def _tabs(request: HttpRequest) -> list[tuple[str, str, str]]:
    tabs = [("index", _("Siklus"), reverse("planning:index")),
            ("usulan", _("Usulan"), reverse("planning:usulan-list")),
            ("forums", _("Forum"), reverse("planning:forum-list")),
            ("rkpd", _("Renja / RKPD"), reverse("planning:rkpd"))]
    if selectors.is_perencana(request.user):
        tabs.append(("prices", _("Standar harga"), reverse("planning:prices")))
    tabs.append(("public", _("Halaman publik"), reverse("planning:public-index")))
    return tabs


def _ctx(request: HttpRequest, active: str, **extra: Any) -> dict[str, Any]:
    return {"planning_tabs": _tabs(request), "active": active, **extra}


def allowed_sources(user: Any) -> list[str]:
    if user.is_superuser or user.role == Role.SUPERADMIN:
        return list(Source.values)
    out = []
    if user.role == Role.WARGA:
        out.append(Source.WARGA)
    if selectors.lurah_region(user) is not None:
        out += [Source.KELURAHAN, Source.WARGA]
    if selectors.camat_region(user) is not None:
        out.append(Source.KECAMATAN)
    if selectors.is_perencana(user):
        out.append(Source.POKIR)
    if selectors.opd_of(user) is not None:
        out.append(Source.OPD)
    return out


# -------------------------------------------------------------------------------------------------------------
# Staff


@login_required
def index(request: HttpRequest) -> HttpResponse:
    if not selectors.can_view_staff(request.user):
        if allowed_sources(request.user):
            return redirect("planning:usulan-new")
        return redirect("planning:public-index")
    year = selectors.active_year()
    if year is None:
        return render(request, "planning/index.html", _ctx(request, "index", year=None))
    today = actions.local_today()
    windows = list(StageWindow.objects.filter(planning_year=year).order_by("opens_on"))
    counts = selectors.stage_counts(request.user, year)
    rows = [{"w": w, "count": counts.get(w.stage, 0), "form": WindowForm(prefix=w.stage, initial={
        "opens_on": w.opens_on, "closes_on": w.closes_on}),
        "state": "closed" if w.closed_at else "open" if w.opens_on <= today <= w.closes_on else
        "past" if w.closes_on < today else "future"} for w in windows]
    weights = scoring.weights_for(year)
    return render(request, "planning/index.html", _ctx(
        request, "index", year=year, rows=rows, today=today, is_perencana=selectors.is_perencana(request.user),
        forums=selectors.forums_for(request.user, year).filter(closed_at__isnull=True)[:20],
        weights_form=WeightsForm(initial=weights), can_enter=bool(allowed_sources(request.user))))


@login_required
@require_POST
def window_update(request: HttpRequest, pk: int) -> HttpResponse:
    w = get_object_or_404(StageWindow, pk=pk)
    form = WindowForm(request.POST, prefix=w.stage)
    if not form.is_valid():
        messages.error(request, _("Tanggal tidak valid."))
        return redirect("planning:index")
    try:
        actions.do_update_window(request.user, w, form.cleaned_data["opens_on"], form.cleaned_data["closes_on"])
        messages.success(request, _("Jadwal %(stage)s disimpan.") % {"stage": w.get_stage_display()})
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    return redirect("planning:index")


@login_required
@require_POST
def stage_close(request: HttpRequest, pk: int) -> HttpResponse:
    w = get_object_or_404(StageWindow, pk=pk)
    try:
        actions.do_close_stage(request.user, w)
        messages.success(request, _("Tahap %(stage)s ditutup.") % {"stage": w.get_stage_display()})
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    return redirect("planning:index")


@login_required
@require_POST
def weights_update(request: HttpRequest) -> HttpResponse:
    year = _year_or_404(request)
    try:
        actions.do_set_weights(request.user, year, request.POST.dict())
        messages.success(request, _("Bobot skor saran disimpan."))
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    return redirect("planning:index")


@login_required
def usulan_list(request: HttpRequest) -> HttpResponse:
    _staff(request)
    qs = selectors.usulan_for(request.user).order_by("-created_at")
    fs = UsulanFilterSet(request.GET or None, queryset=qs)
    page = Paginator(fs.qs, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "planning/usulan_list.html", _ctx(request, "usulan", filter=fs, page_obj=page,
                                                             can_enter=bool(allowed_sources(request.user))))


@login_required
def usulan_new(request: HttpRequest) -> HttpResponse:
    year = selectors.active_year()
    sources = allowed_sources(request.user)
    if year is None or not sources:
        raise PermissionDenied(_("Anda tidak dapat memasukkan usulan."))
    form = UsulanForm(request.POST or None, request.FILES or None, year=year, sources=sources)
    if request.method == "POST" and form.is_valid():
        cd = form.cleaned_data
        data = actions.UsulanInput(
            source=cd["source"], kamus=cd["kamus"], title=cd["title"], lat=cd["lat"], lon=cd["lon"],
            location_text=cd["location_text"], volume=cd["volume"], components=form.components(),
            description=cd["description"], rw=cd["rw"], urgency=cd["urgency"], beneficiaries=cd["beneficiaries"],
            alignment=cd["alignment"])
        try:
            # Photos and the document are checked before the usulan is written: all or nothing.
            for upload, is_photo in ((cd.get("photo"), True), (cd.get("document"), False)):
                if upload:
                    _precheck_upload(upload, is_photo)
            u = actions.do_submit_usulan(request.user, year, data)
            for upload, is_photo in ((cd.get("photo"), True), (cd.get("document"), False)):
                if upload:
                    upload.seek(0)
                    actions.do_add_attachment(request.user, u, upload, upload.name, is_photo)
        except ValidationError as exc:
            add_action_errors(form, exc)
        else:
            messages.success(request, _("Usulan %(number)s tercatat di tahap %(stage)s.") % {
                "number": u.number, "stage": u.get_current_stage_display()})
            return redirect("planning:usulan", number=u.number)
    windows = {w.stage: w for w in StageWindow.objects.filter(planning_year=year)}
    entry = [(Source(s).label, windows.get(ENTRY_STAGE[s])) for s in sources]
    return render(request, "planning/usulan_form.html", _ctx(request, "usulan", form=form, year=year,
                                                             entry=entry))


def _precheck_upload(upload: Any, is_photo: bool) -> None:
    from kotacerdas.lib.images import PhotoError, process_photo

    if is_photo:
        try:
            process_photo(upload)
        except PhotoError as exc:
            raise ValidationError({"photo": str(exc)}) from None
    else:
        head = upload.read(5)
        if head != b"%PDF-" or upload.size > actions.MAX_DOCUMENT_BYTES:
            raise ValidationError({"document": _("Dokumen pendukung harus PDF, maksimal 10 MB.")})
    upload.seek(0)


def _clean_key(value: str, max_length: int = 24) -> str:
    """A path key that can reach the database: PostgreSQL refuses NUL in a string (a 500 otherwise)."""
    if "\x00" in value or len(value) > max_length:
        raise Http404
    return value


def _usulan_for_view(request: HttpRequest, number: str) -> Usulan:
    u = selectors.usulan_for(request.user).filter(number=_clean_key(number)).first()
    if u is None:
        raise Http404
    return u


@login_required
def usulan_detail(request: HttpRequest, number: str) -> HttpResponse:
    u = _usulan_for_view(request, number)
    forum = actions.forum_for(u)
    can_decide = (selectors.can_decide(request.user, forum) and forum.closed_at is None
                  and u.status != UsulanStatus.DITETAPKAN)
    current = u.decisions.filter(stage=u.current_stage).first()
    form = DecisionForm(initial={"decision": current.decision if current else None,
                                 "reason": current.reason if current else ""})
    return render(request, "planning/usulan_detail.html", _ctx(
        request, "usulan", u=u, forum=forum, can_decide=can_decide, decision_form=form,
        journey=reports.journey(u), components=u.components.select_related("item__version"),
        score=scoring.score(u, scoring.weights_for(u.planning_year)), attachments=u.attachments.all(),
        points=[_point(u)]))


def _point(u: Usulan) -> dict[str, Any]:
    """What a map marker shows: public facts only (no proposer)."""
    return {"lat": u.lat, "lon": u.lon, "number": u.number, "title": u.title, "status": u.status,
            "status_label": str(u.get_status_display()), "stage": str(u.get_current_stage_display())}


@login_required
@require_POST
def usulan_decide(request: HttpRequest, number: str) -> HttpResponse:
    u = _usulan_for_view(request, number)
    form = DecisionForm(request.POST)
    if form.is_valid():
        try:
            actions.do_decide(request.user, u, form.cleaned_data["decision"], form.cleaned_data["reason"])
            messages.success(request, _("Keputusan forum untuk %(number)s disimpan.") % {"number": u.number})
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
    else:
        messages.error(request, _("Pilih keputusan dan tuliskan alasannya."))
    back = request.POST.get("next", "")
    if back.startswith("/perencanaan/"):
        return redirect(back)
    return redirect("planning:usulan", number=u.number)


@login_required
def forum_list(request: HttpRequest) -> HttpResponse:
    _staff(request)
    year = _year_or_404(request)
    forums = selectors.forums_for(request.user, year).annotate(
        decided=Count("decisions"), accepted=Count("decisions", filter=Q(decisions__decision=Decision.DITERIMA)))
    return render(request, "planning/forum_list.html", _ctx(request, "forums", year=year, forums=forums))


def _forum_for_view(request: HttpRequest, pk: int) -> Forum:
    _staff(request)
    forum = get_object_or_404(Forum.objects.select_related("planning_year", "region", "agency"), pk=pk)
    if not selectors.forums_for(request.user, forum.planning_year).filter(pk=pk).exists():
        raise Http404
    return forum


@login_required
def forum_detail(request: HttpRequest, pk: int) -> HttpResponse:
    forum = _forum_for_view(request, pk)
    decisions = {d.usulan_id: d for d in ForumDecision.objects.filter(forum=forum)}
    weights = scoring.weights_for(forum.planning_year)
    rows = []
    for u in (actions.usulan_in_forum(forum).select_related("kelurahan", "kamus", "agency")
              .defer("kelurahan__boundary").order_by("number")):
        d = decisions.get(u.pk)
        rows.append({"u": u, "d": d, "score": scoring.score(u, weights)})
    rows.sort(key=lambda r: (0 if r["d"] and r["d"].rank else 1, r["d"].rank if r["d"] and r["d"].rank else 0,
                             -r["score"]))
    pagu = actions.pagu_of(forum)
    total = actions.accepted_total(forum)
    ba = BeritaAcara.objects.filter(forum=forum).first()
    w = actions.window(forum.planning_year, forum.stage)
    initial = ({"held_on": ba.held_on, "place": ba.place, "chair": ba.chair, "participants": ba.participants,
                "notes": ba.notes} if ba else {"held_on": min(max(actions.local_today(), w.opens_on), w.closes_on)})
    can_decide = selectors.can_decide(request.user, forum) and forum.closed_at is None
    return render(request, "planning/forum_detail.html", _ctx(
        request, "forums", forum=forum, rows=rows, pagu=pagu, total=total, ba=ba, window=w,
        ba_form=BeritaAcaraForm(initial=initial), can_decide=can_decide, decision_form=DecisionForm(),
        pagu_pct=int(total * 100 / pagu.amount) if pagu and pagu.amount else None,
        accepted_count=sum(1 for r in rows if r["d"] and r["d"].decision == Decision.DITERIMA)))


@login_required
@require_POST
def forum_ranks(request: HttpRequest, pk: int) -> HttpResponse:
    forum = _forum_for_view(request, pk)
    ranks = {k.removeprefix("rank_"): v for k, v in request.POST.items() if k.startswith("rank_")}
    try:
        actions.do_set_ranks(request.user, forum, ranks)
        messages.success(request, _("Nomor urut prioritas disimpan."))
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    return redirect("planning:forum", pk=forum.pk)


@login_required
@require_POST
def forum_berita_acara(request: HttpRequest, pk: int) -> HttpResponse:
    forum = _forum_for_view(request, pk)
    form = BeritaAcaraForm(request.POST)
    if form.is_valid():
        cd = form.cleaned_data
        try:
            actions.do_save_berita_acara(request.user, forum, actions.BeritaAcaraInput(
                held_on=cd["held_on"], place=cd["place"], chair=cd["chair"], participants=cd["participants"],
                notes=cd["notes"]))
            messages.success(request, _("Berita acara disimpan."))
            return redirect("planning:forum", pk=forum.pk)
        except ValidationError as exc:
            add_action_errors(form, exc)
    messages.error(request, " ".join(str(m) for errs in form.errors.values() for m in errs))
    return redirect("planning:forum", pk=forum.pk)


@login_required
@require_POST
def forum_close(request: HttpRequest, pk: int) -> HttpResponse:
    forum = _forum_for_view(request, pk)
    try:
        actions.do_close_forum(request.user, forum)
        messages.success(request, _("Forum ditutup. Usulan yang diterima diteruskan ke tahap berikutnya."))
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    return redirect("planning:forum", pk=forum.pk)


@login_required
def forum_pdf(request: HttpRequest, pk: int) -> HttpResponse:
    forum = _forum_for_view(request, pk)
    ba = BeritaAcara.objects.filter(forum=forum).first()
    if ba is None:
        raise Http404(_("Berita acara belum dibuat."))
    response = HttpResponse(reports.berita_acara_pdf(forum, ba), content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="berita-acara-{forum.stage}-{forum.pk}.pdf"'
    return response


@login_required
@require_POST
def pagu_update(request: HttpRequest, pk: int) -> HttpResponse:
    forum = _forum_for_view(request, pk)
    form = PaguForm(request.POST)
    if form.is_valid() and forum.stage == Stage.KECAMATAN:
        try:
            actions.do_set_pagu(request.user, forum.planning_year, form.cleaned_data["amount"], region=forum.region,
                                source=_("Ditetapkan Bappeda"))
            messages.success(request, _("Pagu indikatif disimpan."))
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
    else:
        messages.error(request, _("Pagu tidak valid."))
    return redirect("planning:forum", pk=forum.pk)


# Tabel T-D.4 (Permendagri 86/2017, egov-rules §1.3) is the kecamatan's list by Perangkat Daerah; then Renja/RKPD.
REPORT_STAGES = [(Stage.KECAMATAN, gettext_lazy("Hasil Musrenbang kecamatan (T-D.4)")),
                 (Stage.FORUM_OPD, gettext_lazy("Renja (hasil Forum OPD)")),
                 (Stage.KOTA, gettext_lazy("Musrenbang RKPD kota")),
                 (Stage.RENJA, gettext_lazy("Renja terverifikasi")), (Stage.RKPD, gettext_lazy("RKPD (Perwal)"))]


def _report_stage(request: HttpRequest) -> str:
    stage = request.GET.get("tahap", Stage.KECAMATAN)
    return stage if stage in dict(REPORT_STAGES) else Stage.KECAMATAN


@login_required
def rkpd(request: HttpRequest) -> HttpResponse:
    _staff(request)
    year = _year_or_404(request)
    stage = _report_stage(request)
    groups = reports.grouped(year, stage)
    agency = selectors.opd_of(request.user)
    if agency is not None and not selectors.is_city_reader(request.user):
        groups = [g for g in groups if g["agency"].pk == agency.pk]
    return render(request, "planning/rkpd.html", _ctx(request, "rkpd", year=year, stage=stage, groups=groups,
                                                      stages=[(str(s), str(label)) for s, label in REPORT_STAGES],
                                                      grand=sum(g["total"] for g in groups)))


@login_required
def rkpd_csv(request: HttpRequest) -> HttpResponse:
    if not selectors.is_city_reader(request.user):
        raise PermissionDenied
    year = _year_or_404(request)
    stage = _report_stage(request)
    buf = io.StringIO()
    csv.writer(buf).writerows(reports.sipd_rows(year, stage))
    response = HttpResponse("\ufeff" + buf.getvalue(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="usulan-sipd-{year.year}-{stage}.csv"'
    return response


@login_required
def prices(request: HttpRequest) -> HttpResponse:
    if not selectors.is_perencana(request.user):
        raise PermissionDenied
    form = PriceImportForm(request.POST or None, request.FILES or None)
    import_errors: list[str] = []
    if request.method == "POST" and form.is_valid():
        cd = form.cleaned_data
        site = SiteSettings.load()
        province = site.city.code[:2] if site.city else ""
        try:
            version = actions.do_import_prices(request.user, cd["kind"], cd["budget_year"], cd["perwal"],
                                               cd["file"], cd["file"].name, province, cd["perwal_date"])
            messages.success(request, _("%(v)s diimpor: %(n)s baris.") % {"v": version,
                                                                           "n": version.items.count()})
            return redirect("planning:prices")
        except ValidationError as exc:
            if hasattr(exc, "error_dict") and "file" in exc.message_dict:
                import_errors = exc.message_dict.pop("file")
                form.add_error("file", _("Tidak ada yang diimpor: %(n)s baris bermasalah.") % {
                    "n": len(import_errors)})
            else:
                add_action_errors(form, exc)
    versions = PriceVersion.objects.annotate(n=Count("items")).order_by("-budget_year", "kind", "-number")
    current = set()
    for year in {v.budget_year for v in versions}:
        current |= set(pricing.current_versions(year).values_list("pk", flat=True))
    return render(request, "planning/prices.html", _ctx(request, "prices", form=form, versions=versions,
                                                        current=current, import_errors=import_errors))


@login_required
def price_version(request: HttpRequest, pk: int) -> HttpResponse:
    if not selectors.is_perencana(request.user):
        raise PermissionDenied
    version = get_object_or_404(PriceVersion, pk=pk)
    return render(request, "planning/price_version.html", _ctx(
        request, "prices", version=version, items=version.items.select_related("ceiling"),
        is_current=pricing.current_versions(version.budget_year).filter(pk=pk).exists()))


# -------------------------------------------------------------------------------------------------------------
# Public (transparency)


def public_index(request: HttpRequest) -> HttpResponse:
    year = selectors.active_year()
    kecamatan = []
    if year is not None:
        counts = {r["kecamatan"]: r for r in Usulan.objects.filter(planning_year=year).values("kecamatan").annotate(
            n=Count("pk"), accepted=Count("pk", filter=Q(decisions__decision=Decision.DITERIMA), distinct=True))}
        city = year.city
        for kec in Region.objects.filter(parent=city, level=Level.KECAMATAN).order_by("name"):
            c = counts.get(kec.pk, {})
            kecamatan.append({"region": kec, "n": c.get("n", 0), "accepted": c.get("accepted", 0)})
    return render(request, "planning/public_index.html", {"year": year, "kecamatan": kecamatan,
                                                          "planning_tabs": _tabs(request) if
                                                          selectors.can_view_staff(request.user) else None,
                                                          "active": "public"})


def public_area(request: HttpRequest, code: str) -> HttpResponse:
    region = get_object_or_404(Region, code=_clean_key(code, 13), level__in=[Level.KECAMATAN, Level.KELURAHAN])
    year = selectors.active_year()
    if year is None:
        raise Http404
    qs = selectors.public_usulan().filter(planning_year=year)
    qs = qs.filter(kecamatan=region) if region.level == Level.KECAMATAN else qs.filter(kelurahan=region)
    items = [{"u": u, "journey": reports.journey(u)} for u in qs.order_by("kelurahan__name", "number")]
    points = [_point(u) for u in qs]
    children = region.children.order_by("name") if region.level == Level.KECAMATAN else []
    return render(request, "planning/public_area.html", {
        "region": region, "year": year, "items": items, "points": points, "children": children,
        "planning_tabs": _tabs(request) if selectors.can_view_staff(request.user) else None, "active": "public"})



