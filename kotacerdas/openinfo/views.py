"""PPID and open-data screens. Thin: reads through selectors/catalog/report, changes through actions.

PPID (ppid/): the service page and the DIP (public), the request form (signed-in citizens; PPID officers record
walk-in, post and telephone requests), the register and each request's page with its dated timeline and the
forms for the next step (extension, answer, keberatan, Atasan PPID's answer, sengketa), the annual report.
Open data (data/): the portal with search, dataset pages (preview, chart, map), downloads, and the staff status
page of the generators.
"""

from __future__ import annotations

import csv
import io
import json
from datetime import date
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import Q
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import http_date
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from kotacerdas.core import deadlines
from kotacerdas.core.forms import add_action_errors
from kotacerdas.core.models import SiteSettings
from kotacerdas.lib.spreadsheet import safe_cell
from kotacerdas.openinfo import actions, catalog, ckan, dcat, forms, report, rules, selectors, tasks
from kotacerdas.openinfo.filtersets import DipFilterSet, RequestFilterSet
from kotacerdas.openinfo.models import (
    AnnualReportText,
    Dataset,
    DipCategory,
    InfoRequest,
    Objection,
    RequestStatus,
)

PAGE_SIZE = 30
PREVIEW_ROWS = 20


def _filterset(cls: Any, request: HttpRequest, queryset: Any) -> Any:
    fs = cls(request.GET, queryset=queryset, request=request)
    for field in fs.form.fields.values():
        choices = getattr(field, "choices", None)
        if choices and list(choices)[0][0] == "":
            field.choices = [("", _("Semua")), *list(choices)[1:]]
    return fs


def _tabs(user: Any) -> list[tuple[str, str, str]]:
    tabs = [("home", _("Layanan PPID"), reverse("openinfo:ppid")),
            ("dip", _("Daftar Informasi Publik"), reverse("openinfo:dip"))]
    if getattr(user, "is_authenticated", False):
        tabs.append(("requests", _("Register permohonan") if selectors.can_view_register(user)
                     else _("Permohonan saya"), reverse("openinfo:requests")))
    if selectors.can_view_register(user):
        tabs.append(("objections", _("Keberatan"), reverse("openinfo:objections")))
        tabs.append(("report", _("Laporan tahunan"), reverse("openinfo:report", args=[_report_year()])))
    return tabs


def _render(request: HttpRequest, template: str, context: dict[str, Any], status: int = 200) -> HttpResponse:
    context.setdefault("ppid_tabs", _tabs(request.user))
    context.setdefault("is_ppid", selectors.is_ppid(request.user))
    context.setdefault("is_atasan", selectors.is_atasan(request.user))
    return render(request, template, context, status=status)


def _report_year() -> int:
    return deadlines.to_local(timezone.now()).year


# --- PPID ---------------------------------------------------------------------------------------------------------


@require_GET
def ppid(request: HttpRequest) -> HttpResponse:
    limits = [(limit, limit.value) for limit in rules.LIMITS]
    return _render(request, "openinfo/ppid.html", {"active": "home", "limits": limits,
                                                   "answer_days": rules.ANSWER.value})


@require_GET
def dip(request: HttpRequest) -> HttpResponse:
    fs = _filterset(DipFilterSet, request, selectors.dip_for(request.user))
    entries = list(fs.qs) if fs.is_valid() else []
    groups = [(value, label, [e for e in entries if e.category == value]) for value, label in DipCategory.choices
              if selectors.is_ppid(request.user) or value != DipCategory.DIKECUALIKAN]
    return _render(request, "openinfo/dip.html", {"active": "dip", "filterset": fs, "groups": groups,
                                                  "now": timezone.now(), "form": forms.DipForm()})


@require_POST
@login_required
def dip_create(request: HttpRequest) -> HttpResponse:
    form = forms.DipForm(request.POST)
    if form.is_valid():
        try:
            entry = actions.do_create_dip(request.user, form.cleaned_data, request=request)
        except ValidationError as exc:
            add_action_errors(form, exc)
        else:
            messages.success(request, _("Informasi \"%(title)s\" ditambahkan ke DIP.") % {"title": entry.title})
            return redirect("openinfo:dip-entry", pk=entry.pk)
    if not selectors.is_ppid(request.user):
        raise PermissionDenied(_("Hanya petugas PPID yang dapat mengubah Daftar Informasi Publik."))
    fs = _filterset(DipFilterSet, request, selectors.dip_for(request.user))
    groups = [(value, label, [e for e in fs.qs if e.category == value]) for value, label in DipCategory.choices]
    return _render(request, "openinfo/dip.html", {"active": "dip", "filterset": fs, "groups": groups,
                                                  "now": timezone.now(), "form": form, "form_open": True},
                   status=400)


@require_http_methods(["GET", "POST"])
def dip_entry(request: HttpRequest, pk: int) -> HttpResponse:
    entry = get_object_or_404(selectors.dip_for(request.user), pk=pk)
    test_form = forms.ConsequenceTestForm()
    status = 200
    if request.method == "POST":
        try:
            if request.POST.get("do") == "publish":
                actions.do_publish_dip(request.user, entry, request=request)
                messages.success(request, _("Informasi diumumkan."))
                return redirect("openinfo:dip-entry", pk=entry.pk)
            test_form = forms.ConsequenceTestForm(request.POST)
            if test_form.is_valid():
                actions.do_consequence_test(request.user, entry, test_form.cleaned_data, request=request)
                messages.success(request, _("Uji konsekuensi dicatat."))
                return redirect("openinfo:dip-entry", pk=entry.pk)
        except ValidationError as exc:
            if request.POST.get("do") == "publish":
                messages.error(request, " ".join(exc.messages))
                return redirect("openinfo:dip-entry", pk=entry.pk)
            add_action_errors(test_form, exc)
            status = 400
    return _render(request, "openinfo/dip_entry.html", {
        "active": "dip", "entry": entry, "tests": entry.consequence_tests.select_related("tested_by"),
        "test_form": test_form, "now": timezone.now()}, status=status)


@require_http_methods(["GET", "POST"])
def request_new(request: HttpRequest) -> HttpResponse:
    if not request.user.is_authenticated:
        return redirect(f"{reverse('accounts:login')}?next={request.path}")
    staff = selectors.is_ppid(request.user)
    initial = {} if staff else {"name": request.user.display_name, "email": request.user.email,
                                "phone": request.user.phone}
    form = forms.RequestForm(request.POST or None, staff=staff, initial=initial)
    # Marked required on screen (the rules themselves are checked in actions.check_submit_request).
    for name in ("name", "address", "occupation", "information", "purpose", "format", "delivery",
                 *(() if staff else ("nik",))):
        form.fields[name].widget.attrs["required"] = True
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                req = actions.do_submit_request(request.user, form.cleaned_data, request=request)
            except ValidationError as exc:
                add_action_errors(form, exc)
            else:
                messages.success(request, _("Permohonan terdaftar dengan nomor %(no)s.") % {"no": req.reg_no})
                return redirect("openinfo:request", reg_no=req.reg_no)
        status = 400
    return _render(request, "openinfo/request_form.html", {"active": "requests", "form": form, "staff": staff,
                                                           "answer_days": rules.ANSWER.value}, status=status)


@login_required
@require_GET
def request_list(request: HttpRequest) -> HttpResponse:
    fs = _filterset(RequestFilterSet, request, selectors.requests_for(request.user))
    qs = fs.qs if fs.is_valid() else selectors.requests_for(request.user).none()
    page = Paginator(qs, PAGE_SIZE).get_page(request.GET.get("page"))
    return _render(request, "openinfo/requests.html", {"active": "requests", "filterset": fs, "page_obj": page,
                                                       "now": timezone.now(),
                                                       "register": selectors.can_view_register(request.user)})


def _request_or_404(request: HttpRequest, reg_no: str) -> InfoRequest:
    return get_object_or_404(selectors.requests_for(request.user), reg_no=reg_no)


def _request_context(request: HttpRequest, req: InfoRequest, **forms_: Any) -> dict[str, Any]:
    now = timezone.now()
    objections = list(req.objections.order_by("filed_at"))
    user = request.user
    can_object = (selectors.is_owner(user, req) or selectors.is_ppid(user)) and not any(
        o.status in actions.OPEN_OBJECTION for o in objections)
    ctx = {
        "active": "requests", "req": req, "now": now, "objections": objections,
        "events": req.events.select_related("actor", "objection"),
        "tests": req.consequence_tests.all(),
        "can_handle": selectors.is_ppid(user) and req.status == RequestStatus.DIPROSES,
        "can_object": can_object, "is_owner": selectors.is_owner(user, req),
        "show_identity": selectors.can_view_register(user) or selectors.is_owner(user, req),
        "extend_form": forms.ExtendForm(), "answer_form": forms.AnswerForm(), "objection_form": forms.ObjectionForm(),
        "objection_answer_form": forms.ObjectionAnswerForm(), "dispute_form": forms.DisputeResultForm(),
        "extended_preview": rules.extended_due(req.due_at) if req.extended_at is None else None,
        "objection_window": rules.OBJECTION_FILING.due(req.decided_at) if req.decided_at else None,
        "overdue": req.status == RequestStatus.DIPROSES and now > req.due_at,
        "rules": rules,
    }
    ctx.update(forms_)
    return ctx


@login_required
@require_GET
def request_detail(request: HttpRequest, reg_no: str) -> HttpResponse:
    req = _request_or_404(request, reg_no)
    return _render(request, "openinfo/request.html", _request_context(request, req))


def _post_step(request: HttpRequest, req: InfoRequest, form: Any, form_key: str, run: Any, done: str) -> HttpResponse:
    if form.is_valid():
        try:
            run(form.cleaned_data)
        except ValidationError as exc:
            add_action_errors(form, exc)
        else:
            messages.success(request, done)
            return redirect("openinfo:request", reg_no=req.reg_no)
    req.refresh_from_db()
    return _render(request, "openinfo/request.html", _request_context(request, req, **{form_key: form,
                                                                                          "open_form": form_key}),
                   status=400)


@login_required
@require_POST
def request_extend(request: HttpRequest, reg_no: str) -> HttpResponse:
    req = _request_or_404(request, reg_no)
    return _post_step(request, req, forms.ExtendForm(request.POST), "extend_form",
                      lambda d: actions.do_extend(request.user, req, d["reason"], request=request),
                      _("Jangka waktu diperpanjang 7 hari kerja."))


@login_required
@require_POST
def request_answer(request: HttpRequest, reg_no: str) -> HttpResponse:
    req = _request_or_404(request, reg_no)
    return _post_step(request, req, forms.AnswerForm(request.POST), "answer_form",
                      lambda d: actions.do_answer(request.user, req, d, request=request),
                      _("Pemberitahuan tertulis tersimpan."))


@login_required
@require_POST
def request_object(request: HttpRequest, reg_no: str) -> HttpResponse:
    req = _request_or_404(request, reg_no)
    return _post_step(request, req, forms.ObjectionForm(request.POST), "objection_form",
                      lambda d: actions.do_file_objection(request.user, req, d["ground"], d["reason"],
                                                          request=request),
                      _("Keberatan terdaftar."))


def _objection_or_404(request: HttpRequest, reg_no: str) -> Objection:
    return get_object_or_404(selectors.objections_for(request.user), reg_no=reg_no)


@login_required
@require_POST
def objection_answer(request: HttpRequest, reg_no: str) -> HttpResponse:
    obj = _objection_or_404(request, reg_no)
    return _post_step(request, obj.request, forms.ObjectionAnswerForm(request.POST), "objection_answer_form",
                      lambda d: actions.do_answer_objection(request.user, obj, d["outcome"], d["answer"],
                                                            request=request),
                      _("Tanggapan Atasan PPID tersimpan."))


@login_required
@require_POST
def objection_dispute(request: HttpRequest, reg_no: str) -> HttpResponse:
    obj = _objection_or_404(request, reg_no)
    try:
        actions.do_file_dispute(request.user, obj, request=request)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, _("Pengajuan sengketa ke Komisi Informasi dicatat."))
    return redirect("openinfo:request", reg_no=obj.request.reg_no)


@login_required
@require_POST
def objection_result(request: HttpRequest, reg_no: str) -> HttpResponse:
    obj = _objection_or_404(request, reg_no)
    return _post_step(request, obj.request, forms.DisputeResultForm(request.POST), "dispute_form",
                      lambda d: actions.do_dispute_result(request.user, obj, d, request=request),
                      _("Hasil sengketa dicatat."))


@login_required
@require_GET
def objection_list(request: HttpRequest) -> HttpResponse:
    if not selectors.can_view_register(request.user):
        raise PermissionDenied(_("Hanya PPID dan Atasan PPID yang dapat membuka register keberatan."))
    qs = selectors.objections_for(request.user).order_by("status", "due_at")
    page = Paginator(qs, PAGE_SIZE).get_page(request.GET.get("page"))
    return _render(request, "openinfo/objections.html", {"active": "objections", "page_obj": page,
                                                         "now": timezone.now()})


@login_required
@require_http_methods(["GET", "POST"])
def annual_report(request: HttpRequest, year: int) -> HttpResponse:
    if not selectors.can_view_register(request.user):
        raise PermissionDenied(_("Hanya PPID dan Atasan PPID yang dapat membuka laporan ini."))
    if not 2000 <= year <= 2100:
        raise Http404
    text = AnnualReportText.objects.filter(year=year).first()
    form = forms.ReportTextForm(instance=text)
    if request.method == "POST":
        if not selectors.is_ppid(request.user):
            raise PermissionDenied(_("Hanya petugas PPID yang dapat mengubah laporan."))
        form = forms.ReportTextForm(request.POST, instance=text or AnnualReportText(year=year))
        if form.is_valid():
            saved = form.save(commit=False)
            saved.updated_by = request.user
            saved.save()
            from kotacerdas.core import audit

            audit.record(request.user, "openinfo.report.text", saved, {"year": year}, request=request)
            messages.success(request, _("Uraian laporan disimpan."))
            return redirect("openinfo:report", year=year)
    data = report.build(year)
    return _render(request, "openinfo/report.html", {"active": "report", "report": data, "form": form,
                                                     "year": year, "years": range(_report_year(), 2019, -1)})


@login_required
@require_GET
def annual_report_pdf(request: HttpRequest, year: int) -> HttpResponse:
    if not selectors.can_view_register(request.user):
        raise PermissionDenied(_("Hanya PPID dan Atasan PPID yang dapat membuka laporan ini."))
    if not 2000 <= year <= 2100:
        raise Http404
    site = SiteSettings.load()
    issuer = f"Pemerintah {site.city.name}" if site.city else site.public_name
    data = report.render_pdf(report.build(year), issuer=issuer)
    response = HttpResponse(data, content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="laporan-layanan-informasi-{year}.pdf"'
    return response


# --- open data ------------------------------------------------------------------------------------------------


@require_GET
def portal(request: HttpRequest) -> HttpResponse:
    qs = catalog.public_datasets()
    q = (request.GET.get("q") or "").strip()[:100]
    publisher = (request.GET.get("publisher") or "").strip()
    if q:
        for term in q.split():
            qs = qs.filter(Q(title__icontains=term) | Q(description__icontains=term) | Q(slug__icontains=term)
                           | Q(keywords__icontains=term))
    if publisher:
        qs = qs.filter(publisher__code=publisher)
    publishers = sorted({(d.publisher.code, d.publisher.name) for d in catalog.public_datasets() if d.publisher},
                        key=lambda p: p[1])
    return render(request, "openinfo/portal.html", {"datasets": qs.order_by("title"), "q": q,
                                                    "publisher": publisher, "publishers": publishers,
                                                    "is_ppid": selectors.is_ppid(request.user)})


def _chart(dataset: Dataset) -> dict[str, Any] | None:
    """A bar chart of the first numeric field summed per value of the first text/date field."""
    fields = dataset.fields or []
    label_field = next((f[0] for f in fields if f[1] in ("string", "date")), None)
    value_field = next((f[0] for f in fields if f[1] in ("integer", "number")), None)
    if not label_field or not value_field or not dataset.rows:
        return None
    totals: dict[str, float] = {}
    for row in dataset.rows:
        key = str(row.get(label_field, ""))
        value = row.get(value_field) or 0
        if isinstance(value, int | float):
            totals[key] = totals.get(key, 0) + value
    labels = sorted(totals)[-40:]
    label = next((f[2] for f in fields if f[0] == value_field), value_field)
    return {"labels": labels, "data": [totals[k] for k in labels], "label": label,
            "x": next((f[2] for f in fields if f[0] == label_field), label_field)}


@require_GET
def dataset_page(request: HttpRequest, slug: str) -> HttpResponse:
    dataset = get_object_or_404(catalog.public_datasets(with_rows=True), slug=slug)
    columns = [f[0] for f in dataset.fields] or (list(dataset.rows[0]) if dataset.rows else [])
    preview = [[row.get(c, "") for c in columns] for row in dataset.rows[:PREVIEW_ROWS]]
    package = ckan.package_dict(request, dataset)
    return render(request, "openinfo/dataset.html", {
        "dataset": dataset, "columns": columns, "preview": preview, "chart": _chart(dataset),
        "resources": package["resources"], "license": catalog.LICENSES.get(dataset.license_id),
        "is_ppid": selectors.is_ppid(request.user)})


@require_GET
def download(request: HttpRequest, slug: str, fmt: str) -> HttpResponse:
    dataset = get_object_or_404(catalog.public_datasets(with_rows=True), slug=slug)
    if fmt == "json":
        response: HttpResponse = JsonResponse(dataset.rows, safe=False, json_dumps_params={"ensure_ascii": False})
    elif fmt == "geojson":
        if not dataset.geojson:
            raise Http404
        response = HttpResponse(json.dumps(dataset.geojson, ensure_ascii=False),
                                content_type="application/geo+json")
    elif fmt == "csv":
        out = io.StringIO()
        columns = [f[0] for f in dataset.fields] or (list(dataset.rows[0]) if dataset.rows else [])
        writer = csv.writer(out)
        writer.writerow(columns)
        for row in dataset.rows:
            # Formula guard: a cell starting with = + - @ must not run in a spreadsheet (lib/spreadsheet.py).
            writer.writerow([safe_cell(row.get(c, "")) for c in columns])
        response = HttpResponse(out.getvalue(), content_type="text/csv; charset=utf-8")
        response["Content-Disposition"] = f'attachment; filename="{dataset.slug}.csv"'
    else:
        raise Http404
    response["Access-Control-Allow-Origin"] = "*"
    if dataset.generated_at:
        response["Last-Modified"] = http_date(dataset.generated_at.timestamp())
    return response


@require_GET
def catalog_jsonld(request: HttpRequest) -> JsonResponse:
    response = JsonResponse(dcat.catalog_document(request), json_dumps_params={"ensure_ascii": False})
    response["Content-Type"] = "application/ld+json"
    response["Access-Control-Allow-Origin"] = "*"
    return response


@login_required
@require_http_methods(["GET", "POST"])
def data_status(request: HttpRequest) -> HttpResponse:
    """Staff view of the generators: last generation, last error (the last good version stays published)."""
    if not selectors.is_ppid(request.user):
        raise PermissionDenied(_("Hanya petugas PPID yang dapat membuka halaman ini."))
    if request.method == "POST":
        slug = request.POST.get("slug") or ""
        if slug:
            tasks.refresh_dataset.enqueue(slug)
        else:
            catalog.refresh(force=True)
        messages.success(request, _("Pembaruan dataset dijalankan."))
        return redirect("openinfo:data-status")
    found = catalog.discover()
    return render(request, "openinfo/data_status.html", {
        "datasets": Dataset.objects.select_related("publisher").defer("rows", "geojson").order_by("slug"),
        "app_errors": found.errors,
        "is_ppid": True, "today": date.today()})
