"""Apparatus performance screens: figures and league tables, the cases behind any figure, disputes of red marks,
and the monthly report for the pimpinan (printable page and PDF).

Gated by `selectors.performance_scope` (403 outside the roles of issue #6 §3); changes go through actions.py.
"""

from __future__ import annotations

from datetime import date
from typing import Any
from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from kotacerdas.command_center import actions, performance, selectors
from kotacerdas.command_center import performance_report as report
from kotacerdas.command_center.filtersets import CaseFactFilterSet, DisputeFilterSet
from kotacerdas.command_center.forms import DecisionForm, DisputeForm, MonthForm, PeriodForm
from kotacerdas.command_center.models import CaseFact, Dispute, DisputeStatus
from kotacerdas.complaints.models import Complaint
from kotacerdas.core import deadlines

PAGE_SIZE = 50


def _scope(request: HttpRequest) -> selectors.Scope:
    return selectors.performance_scope(request.user)


def _period_params(period: performance.Period) -> dict[str, str]:
    return {"dari": period.start.isoformat(), "sampai": period.end.isoformat()}


def link_key(flag: str) -> str:
    """Template-friendly key of a drill-down flag (templates cannot index with "-" in a name)."""
    buckets = [f"umur-{key}" for key, _low, _high in performance.BACKLOG_BUCKETS]
    if flag in buckets:
        return f"umur_{buckets.index(flag)}"
    return flag.replace("-", "_")


_LINK_KEYS = {flag: link_key(flag) for flag in performance.FLAGS}


def _links(period: performance.Period, **params: Any) -> dict[str, str]:
    # One reverse() and one urlencode per row: a kelurahan league has 151 rows of 13 links each.
    base = reverse("command_center:performance-cases") + "?" + urlencode({**_period_params(period), **params})
    return {key: f"{base}&flag={urlencode({'': flag})[1:]}" for flag, key in _LINK_KEYS.items()}


def _ages(row: dict[str, Any], links: dict[str, str]) -> list[tuple[int, str]]:
    return [(row.get(f"age_{n}", 0), links[f"umur_{n}"]) for n in range(len(performance.BACKLOG_BUCKETS))]


def _dimensions(scope: selectors.Scope) -> list[tuple[str, str]]:
    dims = [("opd", _("Per OPD")), ("kecamatan", _("Per kecamatan")), ("kelurahan", _("Per kelurahan"))]
    if scope.show_officers:
        dims.append(("petugas", _("Per petugas")))
    return dims


@login_required
def performance_page(request: HttpRequest) -> HttpResponse:
    scope = _scope(request)
    performance.sync()
    form = PeriodForm(request.GET or None)
    period = form.period()
    if not form.is_bound:
        form = PeriodForm(initial={"dari": period.start, "sampai": period.end})
    dims = _dimensions(scope)
    dimension = request.GET.get("per") or "opd"
    if dimension not in dict(dims):
        dimension = "opd"
    facts = CaseFact.objects.filter(scope.facts)
    data = performance.figures(scope.key, facts, dimension, period)
    total, weekly, monthly = data["total"], data["weekly"], data["monthly"]
    rows = [dict(row) for row in data["rows"]]
    param = performance.DIMENSIONS[dimension][0]  # the facts filter of that dimension
    for row in rows:
        row["links"] = _links(period, **{param: row["code"]})
        row["ages"] = _ages(row, row["links"])
    chart = {
        "weeks": [w["bucket"].isoformat() for w in weekly],
        "weekReceived": [w["received"] for w in weekly],
        "weekOnTime": [w["on_time_pct"] for w in weekly],
        "months": [m["bucket"].strftime("%Y-%m") for m in monthly],
        "monthReceived": [m["received"] for m in monthly],
        "monthLate": [m["late"] for m in monthly],
        "monthOnTime": [m["on_time_pct"] for m in monthly],
        "monthResponse": [m["response_med"] for m in monthly],
        "labels": {"received": _("Aduan diterima"), "onTime": _("% tepat waktu"), "late": _("Terlambat"),
                   "response": _("Median tanggapan pertama (hk)")},
    }
    total_links = _links(period)
    durations = [(label, total[f"{key}_med"], total[f"{key}_p90"]) for key, label in performance.METRIC_LABELS.items()]
    can_decide = selectors.can_decide(request.user)
    return render(request, "command_center/performance.html", {
        "scope": scope, "form": form, "period": period, "dims": dims, "dimension": dimension,
        "dimension_label": performance.DIMENSIONS[dimension][1], "rows": rows, "total": total,
        "total_links": total_links, "durations": durations, "computed_at": data["computed_at"],
        "weekly": weekly, "monthly": monthly, "chart": chart, "metrics": performance.METRIC_LABELS,
        "buckets": [key for key, _low, _high in performance.BACKLOG_BUCKETS],
        "query": urlencode(_period_params(period)),
        "can_decide": can_decide,
        # Shown to the one who decides them only.
        "open_disputes": selectors.disputes_for(request.user).filter(status=DisputeStatus.DIAJUKAN).count()
        if can_decide else 0,
    })


@login_required
def cases(request: HttpRequest) -> HttpResponse:
    """The cases behind a figure: the facts FilterSet over the user's scope."""
    scope = _scope(request)
    performance.sync()
    base = (CaseFact.objects.filter(scope.facts)
            .select_related("complaint", "agency", "officer", "kecamatan", "kelurahan", "category")
            .order_by("-received_at", "-pk"))
    params = request.GET.copy()
    if not scope.show_officers:
        params.pop("officer", None)  # a camat or lurah sees areas and OPDs, not which officer handled what
    fs = CaseFactFilterSet(params, queryset=base)
    qs = fs.qs if fs.is_valid() else base.none()
    page = Paginator(qs, PAGE_SIZE).get_page(request.GET.get("page"))
    now = timezone.now()
    red = set(performance.red_marks(CaseFact.objects.filter(pk__in=[f.pk for f in page]), now)
              .values_list("pk", flat=True))
    disputable = set(selectors.dispute_agencies(request.user))
    disputed = set(Dispute.objects.filter(complaint_id__in=[f.pk for f in page]).values_list("complaint_id",
                                                                                           "agency_id"))
    params.pop("page", None)
    return render(request, "command_center/performance_cases.html", {
        "scope": scope, "filter": fs, "page": page, "red": red, "disputable": disputable, "disputed": disputed,
        "query": params.urlencode(), "show_officers": scope.show_officers, "now": now,
        "back": reverse("command_center:performance") + "?" + urlencode(
            {k: v for k, v in request.GET.items() if k in ("dari", "sampai")}),
    })


@login_required
def disputes(request: HttpRequest) -> HttpResponse:
    qs = selectors.disputes_for(request.user)
    fs = DisputeFilterSet(request.GET, queryset=qs)
    rows = fs.qs if fs.is_valid() else qs.none()
    page = Paginator(rows, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "command_center/performance_disputes.html", {
        "filter": fs, "page": page, "can_decide": selectors.can_decide(request.user),
        "decision_form": DecisionForm(),
    })


@login_required
@require_http_methods(["GET", "POST"])
def dispute_new(request: HttpRequest, pk: int) -> HttpResponse:
    complaint = get_object_or_404(Complaint, pk=pk)
    if not selectors.dispute_agencies(request.user):
        raise PermissionDenied(_("Hanya kepala OPD atau penghubung OPD yang dapat mengajukan keberatan."))
    form = DisputeForm(request.POST or None)
    error = ""
    if request.method == "POST" and form.is_valid():
        try:
            dispute = actions.open_dispute(request.user, complaint, form.cleaned_data["reason"])
        except ValidationError as exc:
            for field, errors in exc.message_dict.items():
                if field in form.fields:
                    for message in errors:
                        form.add_error(field, message)
                else:
                    error = " ".join(errors)
        else:
            messages.success(request, _("Keberatan atas aduan %(no)s diajukan; admin koordinator akan memutusnya.")
                             % {"no": complaint.tracking_no})
            return redirect(reverse("command_center:performance-disputes") + f"#keberatan-{dispute.pk}")
    fact = CaseFact.objects.filter(pk=complaint.pk).select_related("agency").first()
    return render(request, "command_center/performance_dispute_form.html", {
        "complaint": complaint, "fact": fact, "form": form, "error": error,
    }, status=400 if request.method == "POST" else 200)


@login_required
@require_POST
def dispute_decide(request: HttpRequest, pk: int) -> HttpResponse:
    dispute = get_object_or_404(selectors.disputes_for(request.user), pk=pk)
    form = DecisionForm(request.POST)
    form.is_valid()
    try:
        actions.decide(request.user, dispute, form.cleaned_data.get("decision") or "",
                       form.cleaned_data.get("note") or "")
    except ValidationError as exc:
        for errors in exc.message_dict.values():
            for message in errors:
                messages.error(request, message)
    else:
        messages.success(request, _("Keberatan atas aduan %(no)s: %(status)s.") % {
            "no": dispute.complaint.tracking_no, "status": DisputeStatus(form.cleaned_data["decision"]).label})
    return redirect(reverse("command_center:performance-disputes") + f"#keberatan-{dispute.pk}")


def _report_month(request: HttpRequest) -> tuple[MonthForm, date]:
    form = MonthForm(request.GET or None)
    today = deadlines.to_local(timezone.now()).date()
    return form, form.month(today)


@login_required
def report_page(request: HttpRequest) -> HttpResponse:
    scope = _scope(request)
    performance.sync()
    form, month = _report_month(request)
    data = report.monthly(scope, month)
    return render(request, "command_center/report.html", {
        "scope": scope, "form": form, "r": data, "month": month,
        "pdf_url": reverse("command_center:report-pdf") + "?" + urlencode({"bulan": month.strftime("%Y-%m")}),
    })


@login_required
def report_pdf(request: HttpRequest) -> HttpResponse:
    scope = _scope(request)
    performance.sync()
    _form, month = _report_month(request)
    content = report.render_pdf(report.monthly(scope, month))
    response = HttpResponse(content, content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="kinerja-aparatur-{month:%Y-%m}.pdf"'
    return response
