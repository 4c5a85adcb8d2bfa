"""E-parking screens: the dashboard map, a point's page, a jukir's page, reconciliation, the leakage audit list,
the revenue report, the violation list, and the jukir's mobile page to record a payment.

Every staff screen is gated by `selectors.can_view` (403 otherwise) and scoped by the selectors (an operator's
staff see their own points only); changes need `selectors.can_manage` and go through parking/actions.py, which
checks again. A jukir account sees only the mobile page and its own history. Reads come from selectors.py,
reports.py and leakage.py; lists filter through filtersets.py.
"""

from __future__ import annotations

import csv
import io
from datetime import date, timedelta
from typing import Any

import segno
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import Count, Q, Sum
from django.db.models.functions import TruncDate
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from kotacerdas.accounts.models import Role
from kotacerdas.core.deadlines import to_local
from kotacerdas.core.templatetags.kc import localtime_id
from kotacerdas.lib.spreadsheet import safe_cell
from kotacerdas.parking import actions, filtersets, leakage, reports, selectors, tariffs
from kotacerdas.parking.forms import (
    GROUP_CHOICES,
    AuditForm,
    DutyForm,
    JukirStatusForm,
    PaymentForm,
    PeriodForm,
    SettlementUploadForm,
    ViolationReviewForm,
)
from kotacerdas.parking.models import (
    CASHLESS_METHODS,
    Channel,
    DutySession,
    JukirStatus,
    LeakageAssessment,
    SettlementLineStatus,
    VehicleClass,
    ViolationKind,
    ViolationStatus,
)

PAGE_SIZE = 50
CLASS_ORDER = {value: n for n, value in enumerate(VehicleClass.values)}
CHART_DAYS = 14
POINT_CHART_DAYS = 30

# What the jukir reads when a payment is refused: the rule, and what to do now (egov-rules rules 38-41).
REFUSAL_TEXT = {
    ViolationKind.CASH_AT_EPARKING: gettext_lazy(
        "Pembayaran tunai tidak diterima di titik e-parking. Minta pengguna membayar dengan QRIS atau uang "
        "elektronik."),
    ViolationKind.REVOKED_JUKIR: gettext_lazy(
        "Kartu jukir Anda dicabut atau dibekukan. Anda tidak boleh menarik retribusi parkir. Hubungi Dinas "
        "Perhubungan."),
    ViolationKind.UNASSIGNED_JUKIR: gettext_lazy("Anda tidak ditugaskan di titik parkir ini pada jam ini."),
    ViolationKind.STICKER_CHARGED: gettext_lazy(
        "Kendaraan ini berlangganan (stiker masih berlaku). Jangan menarik bayaran."),
    ViolationKind.FOREIGN_MERCHANT: gettext_lazy("Merchant QRIS bukan milik Pemerintah Kota atau operator titik ini."),
    ViolationKind.TARIFF_MISMATCH: gettext_lazy(
        "Jumlah tidak sesuai tarif. Transaksi diterima tetapi ditandai untuk "
        "diperiksa."),
    ViolationKind.UNCONFIRMED_TARIFF: gettext_lazy(
        "Tarif golongan kendaraan ini belum ditetapkan; tidak boleh ditarik "
        "bayaran."),
}


# --- access -----------------------------------------------------------------------------------------------------


def _viewer(request: HttpRequest) -> Any:
    """A staff viewer of the parking screens (jukir accounts have their own page)."""
    user = request.user
    if not selectors.can_view(user) or user.role == Role.JUKIR:
        raise PermissionDenied(_("Anda tidak berwenang membuka halaman ini."))
    return user


def _manager(request: HttpRequest) -> Any:
    user = _viewer(request)
    if not selectors.can_manage(user):
        raise PermissionDenied(_("Hanya petugas Dinas Perhubungan yang dapat melakukan ini."))
    return user


def _today() -> date:
    return selectors.local_day(timezone.now())


def _tabs(user: Any) -> list[tuple[str, str, str]]:
    tabs = [("dashboard", _("Dasbor"), reverse("parking:dashboard")),
            ("revenue", _("Pendapatan"), reverse("parking:revenue")),
            ("audit", _("Audit kebocoran"), reverse("parking:audit")),
            ("violations", _("Pelanggaran"), reverse("parking:violations")),
            ("jukir", _("Jukir"), reverse("parking:jukir-list"))]
    if selectors.is_city_wide(user):
        tabs.append(("reconciliation", _("Rekonsiliasi"), reverse("parking:reconciliation")))
    return tabs


def _render(request: HttpRequest, template: str, context: dict[str, Any], status: int = 200) -> HttpResponse:
    context.setdefault("parking_tabs", _tabs(request.user))
    context.setdefault("can_manage", selectors.can_manage(request.user))
    return render(request, template, context, status=status)


def _filterset(cls: Any, request: HttpRequest, queryset: Any) -> Any:
    """A core FilterSet on `queryset`, its empty choices labelled "Semua" (django-filter's default is "---------")."""
    fs = cls(request.GET, queryset=queryset, request=request)
    for field in fs.form.fields.values():
        choices = getattr(field, "choices", None)
        if choices and list(choices)[0][0] == "":
            field.choices = [("", _("Semua")), *list(choices)[1:]]
    return fs


# --- dashboard and map --------------------------------------------------------------------------------------------


def _money_chart(rows: list[reports.RevenueRow], label_of: Any) -> dict[str, Any]:
    return {"type": "bar", "money": True, "labels": [label_of(r) for r in rows], "datasets": [
        {"label": _("Pendapatan"), "data": [r.revenue for r in rows], "color": "#206bc4"},
        {"label": _("Target"), "data": [r.target for r in rows], "color": "#d63939", "type": "line",
         "dashed": True, "stepped": "middle"},
    ]}


def _short_day(iso: str) -> str:
    d = date.fromisoformat(iso)
    return f"{d.day}/{d.month}"


@login_required
@require_GET
def dashboard(request: HttpRequest) -> HttpResponse:
    if request.user.role == Role.JUKIR:
        return redirect("parking:record")
    user = _viewer(request)
    today = _today()
    days = reports.revenue(user, start=today - timedelta(days=CHART_DAYS - 1), end=today, by="day")
    points = selectors.points_for(user)
    top = [e for e in leakage.audit_list(user, end=today - timedelta(days=1), days=7)[:5] if e.estimated_loss > 0]
    return _render(request, "parking/dashboard.html", {
        "today": days[-1], "today_date": today,
        "points_total": points.count(), "eparking_total": points.filter(is_eparking=True).count(),
        "open_violations": selectors.violations_for(user).filter(status=ViolationStatus.OPEN).count(),
        "on_duty": DutySession.objects.filter(point__in=points, ended_at__isnull=True).count(),
        "chart": _money_chart(days, lambda r: _short_day(r.key)),
        "chart_rows": [{"day": date.fromisoformat(r.key), "revenue": r.revenue, "target": r.target} for r in days],
        "top_leaks": top,
    })


def _latest_assessments(point_ids: list[int]) -> dict[int, LeakageAssessment]:
    """Each point's newest leakage assessment (one query; assessments are daily, so a week back is enough)."""
    since = _today() - timedelta(days=7)
    out: dict[int, LeakageAssessment] = {}
    for a in LeakageAssessment.objects.filter(point_id__in=point_ids, day__gte=since).order_by("point_id", "-day"):
        out.setdefault(a.point_id, a)
    return out


@login_required
@require_GET
def map_geojson(request: HttpRequest) -> JsonResponse:
    user = _viewer(request)
    points = list(selectors.points_for(user))
    ids = [p.pk for p in points]
    occupancy = selectors.occupancy_now(ids)
    assessed = _latest_assessments(ids)
    lo, hi = selectors.day_bounds(_today())
    revenue = dict(selectors.transactions_for(user).filter(point_id__in=ids, paid_at__gte=lo, paid_at__lt=hi)
                   .order_by().values_list("point_id").annotate(s=Sum("amount")).values_list("point_id", "s"))
    features = []
    for p in points:
        occ = occupancy.get(p.pk)
        a = assessed.get(p.pk)
        features.append({"type": "Feature", "geometry": {"type": "Point", "coordinates": [p.lon, p.lat]},
                         "properties": {
                             "code": p.code, "name": p.name, "operator": p.operator.name,
                             "segment": p.segment.street, "is_eparking": p.is_eparking,
                             "occupied": occ[0] if occ else None, "total": occ[1] if occ else None,
                             "occupancy": round(occ[0] / occ[1], 3) if occ and occ[1] else None,
                             "occupancy_at": occ[2].isoformat() if occ else None,
                             "revenue_today": revenue.get(p.pk, 0), "target": p.daily_target,
                             "leakage_ratio": round(a.leakage_ratio, 3) if a else None,
                             "leakage_score": round(a.score, 3) if a else None,
                             "estimated_loss": a.estimated_loss if a else None,
                             "leakage_day": a.day.isoformat() if a else None,
                         }})
    response = JsonResponse({"type": "FeatureCollection", "features": features},
                            json_dumps_params={"ensure_ascii": False})
    response["Cache-Control"] = "private, no-cache"
    return response


# --- point page ----------------------------------------------------------------------------------------------------


def _point_days(user: Any, point: Any, start: date, end: date) -> list[dict[str, Any]]:
    """Per local day: revenue and transactions of one point (reports.revenue groups all of a user's points)."""
    lo, _hi = selectors.day_bounds(start)
    _lo, hi = selectors.day_bounds(end)
    tz = reports.local_zone()
    txs = selectors.transactions_for(user).filter(point=point, paid_at__gte=lo, paid_at__lt=hi)
    totals = {r["d"]: r for r in txs.order_by().values(d=TruncDate("paid_at", tzinfo=tz)).annotate(
        n=Count("id"), revenue=Sum("amount"), cashless=Count("id", filter=Q(method__in=CASHLESS_METHODS)))}
    target_days = set(reports.point_target_days(point, start, end))
    rows = []
    for d in reports.days_in(start, end):
        t = totals.get(d, {})
        rows.append({"day": d, "transactions": t.get("n", 0), "revenue": t.get("revenue") or 0,
                     "cashless": t.get("cashless", 0), "target": point.daily_target if d in target_days else 0})
    return rows


@login_required
@require_GET
def point(request: HttpRequest, code: str) -> HttpResponse:
    user = _viewer(request)
    p = get_object_or_404(selectors.points_for(user).select_related("kecamatan", "kelurahan", "device"), code=code)
    today = _today()
    days = _point_days(user, p, today - timedelta(days=POINT_CHART_DAYS - 1), today)
    now = timezone.now()
    occ_rows = list(p.occupancy.filter(start__gte=now - timedelta(hours=24)).order_by("start"))
    assessments = list(p.leakage.order_by("-day")[:7])
    tariff_map = tariffs.tariffs_on(today)
    schedule = tariffs.schedule_for(today)
    assignments = (p.assignments.filter(valid_from__lte=today).filter(Q(valid_to__isnull=True) | Q(valid_to__gte=today))
                   .select_related("jukir").order_by("shift_start"))
    return _render(request, "parking/point.html", {
        "point": p, "capacities": sorted(p.capacities.all(), key=lambda c: CLASS_ORDER.get(c.vehicle_class, 99)),
        "tariffs": [(label, tariff_map.get(value)) for value, label in VehicleClass.choices if value in tariff_map],
        "schedule": schedule,
        "assignments": assignments,
        "on_duty": DutySession.objects.filter(point=p, ended_at__isnull=True).select_related("jukir"),
        "today": days[-1], "days": days,
        "revenue_chart": {"type": "bar", "money": True, "labels": [f"{r['day'].day}/{r['day'].month}" for r in days],
                          "datasets": [{"label": _("Pendapatan"), "data": [r["revenue"] for r in days],
                                        "color": "#206bc4"},
                                       {"label": _("Target"), "data": [r["target"] for r in days], "color": "#d63939",
                                        "type": "line", "dashed": True, "stepped": "middle"}]},
        "occupancy": occ_rows,
        "occupancy_chart": {"type": "line", "percent": True, "y_max": 100,
                            "labels": [to_local(r.start).strftime("%H.%M") for r in occ_rows],
                            "datasets": [{"label": _("Okupansi (%)"), "type": "line", "color": "#2fb344",
                                          "data": [round(100 * r.occupied / r.total) if r.total else None
                                                   for r in occ_rows]}]},
        "violations": list(selectors.violations_for(user).filter(point=p)[:20]),
        "assessments": assessments, "latest": assessments[0] if assessments else None,
        "latest_basis": leakage.basis_text(assessments[0].basis) if assessments else "",
        # Fired indicators first: they are why the point is on the audit list.
        "latest_indicators": sorted(assessments[0].indicators, key=lambda i: not i.get("fired")) if assessments else [],
    })


# --- jukir --------------------------------------------------------------------------------------------------------


@login_required
@require_GET
def jukir_list(request: HttpRequest) -> HttpResponse:
    user = _viewer(request)
    fs = _filterset(filtersets.JukirFilterSet, request, selectors.jukir_for(user))
    page = Paginator(fs.qs, PAGE_SIZE).get_page(request.GET.get("page"))
    return _render(request, "parking/jukir_list.html", {"filterset": fs, "page_obj": page},
                   status=400 if fs.form.errors else 200)


def _jukir_context(request: HttpRequest, code: str) -> dict[str, Any]:
    user = _viewer(request)
    j = get_object_or_404(selectors.jukir_for(user), code=code)
    today = _today()
    txs = selectors.transactions_for(user).filter(jukir=j)
    lo, hi = selectors.day_bounds(today)
    today_tx = txs.filter(paid_at__gte=lo, paid_at__lt=hi).aggregate(n=Count("id"), s=Sum("amount"))
    return {
        "jukir": j,
        "assignments": j.assignments.select_related("point").order_by("-valid_from", "shift_start"),
        "duty": j.duty_sessions.select_related("point")[:10],
        "transactions": list(txs[:30]), "today_count": today_tx["n"], "today_total": today_tx["s"] or 0,
        "violations": list(selectors.violations_for(user).filter(jukir=j)[:30]),
        "status_form": JukirStatusForm(initial={"status": j.status}),
    }


@login_required
@require_GET
def jukir(request: HttpRequest, code: str) -> HttpResponse:
    return _render(request, "parking/jukir.html", _jukir_context(request, code))


@login_required
@require_POST
def jukir_status(request: HttpRequest, code: str) -> HttpResponse:
    user = _manager(request)
    context = _jukir_context(request, code)
    j = context["jukir"]
    form = JukirStatusForm(request.POST)
    if form.is_valid():
        try:
            actions.do_set_jukir_status(user, j, form.cleaned_data["status"], form.cleaned_data["reason"])
        except ValidationError as exc:
            form.add_action_errors(exc)
        else:
            messages.success(request, _("Status jukir %(code)s sekarang: %(status)s.") % {
                "code": j.code, "status": JukirStatus(form.cleaned_data["status"]).label})
            return redirect("parking:jukir", code=j.code)
    context["status_form"] = form
    return _render(request, "parking/jukir.html", context, status=400)


@login_required
@require_GET
def jukir_card(request: HttpRequest, code: str) -> HttpResponse:
    """The QR on the jukir's ID card, as SVG to print. Managers only: the QR is the card's credential."""
    user = _manager(request)
    j = get_object_or_404(selectors.jukir_for(user), code=code)
    # A standalone SVG document (xmlns, XML declaration) for <img> and download; actions.card_qr_svg is the inline
    # variant for embedding in HTML.
    out = io.BytesIO()
    segno.make(actions.card_payload(j), error="m").save(out, kind="svg", scale=8, border=2,
                                                        title=f"Kartu jukir {j.code}")
    response = HttpResponse(out.getvalue(), content_type="image/svg+xml")
    response["Cache-Control"] = "private, no-store"
    return response


# --- the jukir's own pages ---------------------------------------------------------------------------------------


def _jukir_self(request: HttpRequest) -> Any:
    j = selectors.jukir_of(request.user)
    if j is None:
        raise PermissionDenied(_("Halaman ini untuk juru parkir."))
    return j


def _assigned_points(j: Any, today: date) -> list[tuple[str, str]]:
    rows = (j.assignments.filter(valid_from__lte=today).filter(Q(valid_to__isnull=True) | Q(valid_to__gte=today))
            .select_related("point").order_by("point__code"))
    seen: dict[str, str] = {}
    for a in rows:
        seen.setdefault(a.point.code, f"{a.point.name} ({a.point.code})")
    return list(seen.items())


def _open_duty(j: Any) -> DutySession | None:
    return j.duty_sessions.filter(ended_at__isnull=True).select_related("point").first()


def _outcome_from_query(request: HttpRequest) -> dict[str, Any] | None:
    """The result of the last post (redirect-after-post), read back through the jukir's own scope."""
    user = request.user
    tx_id, v_id, dup = request.GET.get("tx"), request.GET.get("v"), request.GET.get("ulang") == "1"
    if v_id and v_id.isdigit():
        v = selectors.violations_for(user).filter(pk=int(v_id)).first()
        if v is not None:
            if v.transaction_id:  # accepted with a flag (e.g. tariff mismatch)
                return {"kind": "accepted", "title": _("Tercatat, dengan catatan"), "violation": v,
                        "transaction": v.transaction, "text": REFUSAL_TEXT.get(v.kind, v.detail)}
            return {"kind": "refused", "title": _("DITOLAK"), "violation": v,
                    "text": REFUSAL_TEXT.get(v.kind, v.detail)}
    if tx_id and tx_id.isdigit():
        tx = selectors.transactions_for(user).filter(pk=int(tx_id)).first()
        if tx is not None:
            if dup:
                return {"kind": "duplicate", "title": _("Sudah tercatat"), "transaction": tx,
                        "text": _("Pembayaran ini sudah tercatat sebelumnya; tidak dicatat dua kali.")}
            return {"kind": "accepted", "title": _("Pembayaran tercatat"), "transaction": tx,
                    "text": _("Terima kasih. Berikan struk kepada pengguna.")}
    return None


def _record_context(request: HttpRequest, j: Any, form: PaymentForm | None = None,
                    duty_form: DutyForm | None = None) -> dict[str, Any]:
    today = _today()
    points = _assigned_points(j, today)
    duty = _open_duty(j)
    amounts = tariffs.tariffs_on(today)
    schedule = tariffs.schedule_for(today)
    lo, hi = selectors.day_bounds(today)
    mine = selectors.transactions_for(request.user).filter(paid_at__gte=lo, paid_at__lt=hi)
    agg = mine.aggregate(n=Count("id"), s=Sum("amount"))
    initial_point = duty.point.code if duty else (points[0][0] if len(points) == 1 else "")
    return {
        "jukir": j, "duty": duty, "point_choices": points,
        "form": form or PaymentForm(points=points, initial={"point": initial_point}),
        "duty_form": duty_form or DutyForm(points=points, initial={"point": initial_point}),
        "tariffs": [{"value": v, "label": label, "amount": amounts.get(v)} for v, label in VehicleClass.choices
                    if v in amounts],
        "unconfirmed": [str(label) for v, label in VehicleClass.choices if v in amounts and amounts[v] is None],
        "tariff_regulation": schedule.regulation if schedule else "",
        "outcome": _outcome_from_query(request),
        "history": list(mine[:10]), "today_total": agg["s"] or 0, "today_count": agg["n"],
        "refusals": list(selectors.violations_for(request.user).filter(
            occurred_at__gte=lo, occurred_at__lt=hi, transaction__isnull=True)[:5]),
    }


def _merchant_for(point: Any, method: str) -> str:
    """The QRIS/e-money account the jukir's device shows at this point: the operator's own, else the city's.

    The phone page has no merchant id of its own to send; the handheld API and the webhook carry the real one.
    """
    if method not in CASHLESS_METHODS:
        return ""
    account = selectors.merchant_for(point)
    return account.merchant_id if account else ""


@login_required
@require_http_methods(["GET", "POST"])
def record(request: HttpRequest) -> HttpResponse:
    """The jukir's phone page: pick the class and the method, record; refusals are shown in plain Indonesian."""
    j = _jukir_self(request)
    if request.method == "GET":
        return render(request, "parking/record.html", _record_context(request, j))
    points = _assigned_points(j, _today())
    form = PaymentForm(request.POST, points=points)
    # A revoked card or an unassigned point is the action's decision (it records the violation); the form only
    # needs to know the point exists, so the choice list is every point the jukir may name.
    form.fields["point"].choices = points + [(c, c) for c in [request.POST.get("point", "")]
                                             if c and c not in dict(points)]
    if form.is_valid():
        data = form.cleaned_data
        p = selectors.points_for(request.user).filter(code=data["point"]).select_related("operator").first()
        tariff = tariffs.tariff_for(data["vehicle_class"], _today())
        if p is None:
            form.add_error("point", _("Titik parkir tidak dikenal."))
        elif tariff is None or tariff.amount is None:
            # The button is disabled on the page; a class without a confirmed tariff cannot be charged (rule 38).
            form.add_error("vehicle_class", _("Tarif golongan ini belum ditetapkan; tidak boleh ditarik bayaran."))
        else:
            try:
                outcome = actions.record_payment(
                    channel=Channel.HANDHELD, origin=f"jukir:{j.code}", reference=data["reference"], point=p,
                    jukir=j, vehicle_class=data["vehicle_class"], method=data["method"], amount=tariff.amount,
                    paid_at=timezone.now(), merchant_id=_merchant_for(p, data["method"]), plate=data["plate"],
                    sticker_barcode=data["sticker"], actor=request.user)
            except ValidationError as exc:
                form.add_action_errors(exc)
            else:
                url = reverse("parking:record")
                if outcome.violation is not None:
                    return redirect(f"{url}?v={outcome.violation.pk}")
                return redirect(f"{url}?tx={outcome.transaction.pk}{'' if outcome.created else '&ulang=1'}")
    context = _record_context(request, j, form=form)
    return render(request, "parking/record.html", context, status=400)


@login_required
@require_POST
def duty(request: HttpRequest) -> HttpResponse:
    j = _jukir_self(request)
    points = _assigned_points(j, _today())
    form = DutyForm(request.POST, points=points)
    if form.is_valid():
        try:
            if form.cleaned_data["action"] == "mulai":
                p = selectors.points_for(request.user).filter(code=form.cleaned_data["point"]).first()
                if p is None:
                    raise ValidationError({"point": [_("Titik parkir tidak dikenal.")]})
                actions.do_start_duty(j, p)
                messages.success(request, _("Selamat bertugas di %(name)s.") % {"name": p.name})
            else:
                actions.do_end_duty(j)
                messages.success(request, _("Tugas selesai. Terima kasih."))
        except PermissionDenied as exc:
            form.add_error(None, str(exc) or _("Kartu jukir ini dicabut atau dibekukan."))
        except ValidationError as exc:
            form.add_action_errors(exc)
        else:
            return redirect("parking:record")
    return render(request, "parking/record.html", _record_context(request, j, duty_form=form), status=400)


@login_required
@require_GET
def history(request: HttpRequest) -> HttpResponse:
    """A jukir's own transactions and refusals (other roles use the jukir page)."""
    j = _jukir_self(request)
    fs = _filterset(filtersets.TransactionFilterSet, request, selectors.transactions_for(request.user))
    page = Paginator(fs.qs, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "parking/history.html", {
        "jukir": j, "filterset": fs, "page_obj": page,
        "violations": list(selectors.violations_for(request.user)[:50]),
    })


# --- reconciliation ------------------------------------------------------------------------------------------------


def _reconciler(request: HttpRequest) -> Any:
    user = _viewer(request)
    if not selectors.is_city_wide(user):
        raise PermissionDenied(_("Rekonsiliasi hanya untuk petugas kota."))
    return user


@login_required
@require_http_methods(["GET", "POST"])
def reconciliation(request: HttpRequest) -> HttpResponse:
    user = _reconciler(request)
    status = 200
    form = SettlementUploadForm()
    if request.method == "POST":
        if not selectors.can_manage(user):
            raise PermissionDenied(_("Hanya petugas Dinas Perhubungan yang dapat mengunggah settlement."))
        form = SettlementUploadForm(request.POST, request.FILES)
        if form.is_valid():
            upload = form.cleaned_data["file"]
            started = timezone.now()
            try:
                f = actions.do_import_settlement(provider=form.cleaned_data["provider"], data=upload.read(),
                                                 filename=upload.name, actor=user)
            except ValidationError as exc:
                form.add_action_errors(exc)
            else:
                if f.imported_at < started:  # the same bytes again: the action returned the first import
                    messages.warning(request, _("Berkas ini sudah diimpor pada %(when)s sebagai %(name)s; tidak "
                                                "dihitung dua kali.") % {"when": localtime_id(f.imported_at),
                                                                         "name": f.filename})
                else:
                    messages.success(request, _("Berkas %(name)s diimpor: %(m)d cocok, %(u)d tidak cocok.") % {
                        "name": f.filename, "m": f.lines_matched, "u": f.lines_unmatched})
                return redirect("parking:settlement", pk=f.pk)
        status = 400
    # filtersets.py has no settlement FilterSet: the list is short (one file per provider and day), newest first.
    page = Paginator(selectors.settlements_for(user), PAGE_SIZE).get_page(request.GET.get("page"))
    return _render(request, "parking/reconciliation.html", {"form": form, "page_obj": page}, status=status)


@login_required
@require_GET
def settlement(request: HttpRequest, pk: int) -> HttpResponse:
    user = _reconciler(request)
    f = get_object_or_404(selectors.settlements_for(user), pk=pk)
    lines = f.lines.select_related("transaction", "transaction__point")
    unmatched_lines = [ln for ln in lines if ln.status != SettlementLineStatus.MATCHED]
    unmatched_tx = list(selectors.unmatched_transactions(f.provider, f.settlement_date))
    counts = dict(lines.order_by().values_list("status").annotate(n=Count("id")).values_list("status", "n"))
    return _render(request, "parking/settlement.html", {
        "file": f, "unmatched_lines": unmatched_lines, "unmatched_tx": unmatched_tx,
        "unmatched_tx_total": sum(t.amount for t in unmatched_tx),
        "status_counts": [(s, label, counts.get(s, 0)) for s, label in SettlementLineStatus.choices],
        "matched_lines": [ln for ln in lines if ln.status == SettlementLineStatus.MATCHED][:200],
    })


# --- audit list ----------------------------------------------------------------------------------------------------




def _audit(request: HttpRequest, user: Any) -> tuple[AuditForm, list[Any], date, int]:
    operators = [(o.code, o.name) for o in selectors.operators_for(user)]
    # Defaults go into the data, so the fields show the period actually listed.
    params = request.GET.copy()
    params.setdefault("days", "7")
    params.setdefault("end", (_today() - timedelta(days=1)).isoformat())
    form = AuditForm(params, operators=operators)
    data = form.cleaned_data if form.is_valid() else {}
    end = data.get("end") or _today() - timedelta(days=1)  # today is not over: assess complete days
    days = data.get("days") or 7
    entries = leakage.audit_list(user, end=end, days=days)
    if data.get("operator"):
        entries = [e for e in entries if e.point.operator.code == data["operator"]]
    return form, entries, end, days


@login_required
@require_GET
def audit(request: HttpRequest) -> HttpResponse:
    user = _viewer(request)
    form, entries, end, days = _audit(request, user)
    return _render(request, "parking/audit.html", {
        "form": form, "entries": entries, "end": end, "start": end - timedelta(days=days - 1), "days": days,
        "query": request.GET.urlencode(), "total_loss": sum(max(e.estimated_loss, 0) for e in entries),
        "indicator_help": [(leakage.indicator_label(code), leakage.indicator_help(code), source)
                           for code, source in leakage.SOURCES.items()],
    }, status=400 if form.errors else 200)


AUDIT_COLUMNS = ("peringkat", "kode_titik", "nama_titik", "operator", "dari", "sampai", "hari", "diharapkan_rp",
                 "tercatat_rp", "perkiraan_hilang_rp", "rasio_kebocoran_persen", "dasar", "indikator", "penjelasan")


def _audit_values(rank: int, e: Any) -> list[Any]:
    indicators = "; ".join(f"{i.label} ({i.days} hari)" for i in e.indicators)
    values = [rank, e.point.code, e.point.name, e.point.operator.name, e.start.isoformat(), e.end.isoformat(), e.days,
              e.expected_revenue, e.actual_revenue, e.estimated_loss, e.leakage_pct, e.basis, indicators,
              e.explanation]
    return [safe_cell(v) for v in values]


def _audit_csv(entries: list[Any]) -> bytes:
    buf = io.StringIO()
    writer = csv.writer(buf)
    writer.writerow(AUDIT_COLUMNS)
    for rank, e in enumerate(entries, 1):
        writer.writerow(_audit_values(rank, e))
    return buf.getvalue().encode("utf-8")


def _audit_xlsx(entries: list[Any]) -> bytes:
    from openpyxl import Workbook
    from openpyxl.styles import Font

    wb = Workbook()
    ws = wb.active
    ws.title = _("Audit kebocoran")[:31]
    ws.append(list(AUDIT_COLUMNS))
    for cell in ws[1]:
        cell.font = Font(bold=True)
    for rank, e in enumerate(entries, 1):
        ws.append(_audit_values(rank, e))
    for col in ("H", "I", "J"):
        for cell in ws[col][1:]:
            cell.number_format = "#,##0"
    ws.freeze_panes = "A2"
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


@login_required
@require_GET
def audit_export(request: HttpRequest, fmt: str) -> HttpResponse:
    user = _viewer(request)
    _form, entries, end, days = _audit(request, user)
    if fmt == "csv":
        body, ctype = _audit_csv(entries), "text/csv; charset=utf-8"
    elif fmt == "xlsx":
        body, ctype = _audit_xlsx(entries), "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    else:
        raise Http404
    response = HttpResponse(body, content_type=ctype)
    response["Content-Disposition"] = f'attachment; filename="audit-kebocoran-{end:%Y%m%d}-{days}h.{fmt}"'
    return response


# --- revenue report ------------------------------------------------------------------------------------------------


def _parse_day(value: str) -> date | None:
    try:
        return date.fromisoformat(value)
    except ValueError:
        return None


def _revenue(request: HttpRequest, user: Any) -> tuple[PeriodForm, list[reports.RevenueRow], str, date, date]:
    today = _today()
    params = request.GET.copy()  # defaults in the data, so the fields show the period actually reported
    params.setdefault("by", "point")
    params.setdefault("end", today.isoformat())
    params.setdefault("start", ((_parse_day(params["end"]) or today) - timedelta(days=6)).isoformat())
    form = PeriodForm(params)
    by, start, end = form.period(today)
    return form, reports.revenue(user, start=start, end=end, by=by), by, start, end


def _row_link(by: str, row: reports.RevenueRow) -> str:
    if by == "point":
        return reverse("parking:point", args=[row.key])
    if by == "jukir":
        return reverse("parking:jukir", args=[row.key])
    return ""


@login_required
@require_GET
def revenue(request: HttpRequest) -> HttpResponse:
    user = _viewer(request)
    form, rows, by, start, end = _revenue(request, user)
    for r in rows:
        r.link = _row_link(by, r)
        if by == "day":
            r.label = _short_day(r.key) + f"/{date.fromisoformat(r.key).year}"
    return _render(request, "parking/revenue.html", {
        "form": form, "rows": rows, "total": reports.total(rows), "by": by, "by_label": dict(GROUP_CHOICES)[by],
        "period_label": f"{localtime_id(start)} – {localtime_id(end)}",
        "query": request.GET.urlencode(),
    }, status=400 if form.errors else 200)


@login_required
@require_GET
def revenue_export(request: HttpRequest, fmt: str) -> HttpResponse:
    user = _viewer(request)
    _form, rows, by, start, end = _revenue(request, user)
    if fmt == "csv":
        body, ctype = reports.export_csv(rows), "text/csv; charset=utf-8"
    elif fmt == "xlsx":
        body = reports.export_xlsx(rows, title=f"{by} {start:%Y%m%d}-{end:%Y%m%d}")
        ctype = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    else:
        raise Http404
    response = HttpResponse(body, content_type=ctype)
    response["Content-Disposition"] = f'attachment; filename="pendapatan-parkir-{by}-{start:%Y%m%d}-{end:%Y%m%d}.{fmt}"'
    return response


# --- violations ----------------------------------------------------------------------------------------------------


@login_required
@require_GET
def violations(request: HttpRequest) -> HttpResponse:
    user = _viewer(request)
    fs = _filterset(filtersets.ViolationFilterSet, request, selectors.violations_for(user))
    page = Paginator(fs.qs, PAGE_SIZE).get_page(request.GET.get("page"))
    return _render(request, "parking/violations.html", {
        "filterset": fs, "page_obj": page, "review_form": ViolationReviewForm()},
        status=400 if fs.form.errors else 200)


def _safe_next(request: HttpRequest, default: str) -> str:
    target = request.POST.get("next", "")
    if target and url_has_allowed_host_and_scheme(target, {request.get_host()}, require_https=request.is_secure()):
        return target
    return default


@login_required
@require_POST
def violation_review(request: HttpRequest, pk: int) -> HttpResponse:
    user = _manager(request)
    v = get_object_or_404(selectors.violations_for(user), pk=pk)
    form = ViolationReviewForm(request.POST)
    if form.is_valid():
        try:
            actions.do_review_violation(user, v, form.cleaned_data["status"], form.cleaned_data["note"])
        except ValidationError as exc:
            form.add_action_errors(exc)
        else:
            messages.success(request, _("Pelanggaran ditinjau."))
            return redirect(_safe_next(request, reverse("parking:violations")))
    # Show the list again with this violation's form and its messages (the list is the only place to review).
    fs = filtersets.ViolationFilterSet({}, queryset=selectors.violations_for(user).filter(pk=v.pk), request=request)
    page = Paginator(fs.qs, PAGE_SIZE).get_page(1)
    return _render(request, "parking/violations.html", {
        "filterset": fs, "page_obj": page, "review_form": form, "review_pk": v.pk}, status=400)


__all__ = ["dashboard", "map_geojson", "point", "jukir_list", "jukir", "jukir_status", "jukir_card", "record",
           "duty", "history", "reconciliation", "settlement", "audit", "audit_export", "revenue", "revenue_export",
           "violations", "violation_review"]
