"""ATCS screens: the live map, one intersection's page, the alarm list and alarm actions; plus the registry
export for staff and the traffic quarantine list.

Every screen is gated by `selectors.can_view` (403 otherwise); acknowledge and clear by `can_handle_alarms` (the
actions check it again). The map page reads the cached city state (`selectors.latest_state`) as GeoJSON and is
kept live by an EventSource on the core SSE stream (topics=traffic), with a 60-second poll as the fallback."""

from __future__ import annotations

import json
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from kotacerdas.sensors.views import is_operator
from kotacerdas.sensors.views import quarantine_list as _quarantine_list
from kotacerdas.traffic import actions, engineering, registry_io, selectors
from kotacerdas.traffic.models import OPEN_ALARM_STATES, Alarm, AlarmKind, AlarmState


@login_required
@require_GET
def export(request: HttpRequest, fmt: str) -> HttpResponse:
    if not request.user.is_staff_role:
        raise PermissionDenied
    if fmt == "csv":
        response = HttpResponse(registry_io.to_csv(), content_type="text/csv; charset=utf-8")
    elif fmt == "geojson":
        response = HttpResponse(json.dumps(registry_io.to_geojson(), ensure_ascii=False),
                                content_type="application/geo+json")
    else:
        raise Http404
    response["Content-Disposition"] = f'attachment; filename="atcs-registri.{fmt}"'
    return response


def quarantine(request: HttpRequest) -> HttpResponse:
    return _quarantine_list(request, kind="traffic")


# --- ATCS screens ----------------------------------------------------------------------------------------------

ALARM_PAGE_SIZE = 50
PANEL_SIZE = 30
# Colour bands shared with js/traffic/atcs.js and the legend (Tabler colours): A-B lancar, C-D padat, E-F macet.
LOS_BAND = {"A": "green", "B": "green", "C": "orange", "D": "orange", "E": "red", "F": "red"}
DJ_BAND = {"hijau": "green", "kuning": "yellow", "merah": "red", "lewat_jenuh": "red"}


def _viewer(request: HttpRequest) -> Any:
    if not selectors.can_view(request.user):
        raise PermissionDenied
    return request.user


def _map_states(user: Any) -> list[selectors.MapState]:
    return selectors.latest_state(selectors.area_ids(user))


def _panel_context(request: HttpRequest) -> dict[str, Any]:
    user = request.user
    open_alarms = selectors.alarms_for(user, open_only=True)
    return {"alarms": list(open_alarms[:PANEL_SIZE]), "alarm_total": open_alarms.count(),
            "can_handle": selectors.can_handle_alarms(user), "compact": True}


@login_required
@require_GET
def atcs_map(request: HttpRequest) -> HttpResponse:
    _viewer(request)
    summary = selectors.city_summary()
    los_rows = [(g, summary.los_counts.get(g, 0), LOS_BAND[g]) for g in "ABCDEF"]
    return render(request, "traffic/map.html", {
        "summary": summary, "los_rows": los_rows,
        "open_alarm_total": sum(summary.open_alarms.values()),
        "kind_labels": dict(AlarmKind.choices), **_panel_context(request),
    })


@login_required
@require_GET
def map_geojson(request: HttpRequest) -> JsonResponse:
    user = _viewer(request)
    response = JsonResponse(selectors.as_geojson(_map_states(user)), json_dumps_params={"ensure_ascii": False})
    response["Cache-Control"] = "private, no-cache"
    return response


@login_required
@require_GET
def alarm_panel(request: HttpRequest) -> HttpResponse:
    """The open-alarm list beside the map, re-fetched by htmx on every traffic event."""
    _viewer(request)
    return render(request, "traffic/_alarm_panel.html", _panel_context(request))


def _advice_rows(advice: engineering.Advice | None) -> list[dict[str, Any]]:
    if advice is None:
        return []
    current, recommended = advice.current_greens, advice.recommended_greens
    return [{"phase": n, "current": current.get(n), "recommended": recommended.get(n),
             "change": (recommended.get(n) or 0) - (current.get(n) or 0)} for n in advice.phase_numbers]


def _chart_tables(chart: dict[str, Any]) -> list[dict[str, Any]]:
    """The numbers behind each chart as rows, for the visually-hidden tables screen readers read."""
    times = chart["labels"]
    tables = []
    for key, title, unit in (("flow_vph", _("Arus"), _("kend/jam")), ("speed_kmh", _("Kecepatan"), _("km/jam")),
                             ("dj", _("Derajat kejenuhan (DJ)"), "")):
        rows = []
        for i, t in enumerate(times):
            rows.append({"t": t, "values": [a[key][i] for a in chart["approaches"]]})
        tables.append({"key": key, "title": title, "unit": unit, "rows": rows})
    return tables


@login_required
@require_GET
def intersection(request: HttpRequest, code: str) -> HttpResponse:
    user = _viewer(request)
    inter = get_object_or_404(selectors.intersections_for(user), code=code)
    state = engineering.intersection_state(inter)
    chart = selectors.intersection_series(inter).as_chart_data()
    approaches = []
    for a in state.approaches if state else ():
        approaches.append({"s": a, "los_band": LOS_BAND.get(a.los or "", "secondary"),
                           "dj_band": DJ_BAND.get(a.dj_status or "", "secondary")})
    alarms = list(selectors.alarms_for(user).filter(intersection=inter)[:20])
    return render(request, "traffic/intersection.html", {
        "intersection": inter, "state": state, "approaches": approaches,
        "los_band": LOS_BAND.get((state.los if state else None) or "", "secondary"),
        "advice": state.advice if state else None, "advice_rows": _advice_rows(state.advice if state else None),
        "chart": chart, "chart_tables": _chart_tables(chart),
        "chart_approaches": [a["label"] or a["name"] for a in chart["approaches"]],
        "alarms": alarms, "can_handle": selectors.can_handle_alarms(user),
    })


ALARM_STATE_FILTERS = {"terbuka": OPEN_ALARM_STATES, **{s: (s,) for s in AlarmState.values}}


@login_required
@require_GET
def alarm_list(request: HttpRequest) -> HttpResponse:
    user = _viewer(request)
    kind = request.GET.get("jenis", "")
    state = request.GET.get("status", "terbuka")
    qs = selectors.alarms_for(user, kind=kind if kind in AlarmKind.values else None)
    if state in ALARM_STATE_FILTERS:
        qs = qs.filter(state__in=ALARM_STATE_FILTERS[state])
    page = Paginator(qs, ALARM_PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "traffic/alarms.html", {
        "page_obj": page, "alarms": page.object_list, "kinds": AlarmKind.choices, "states": AlarmState.choices,
        "params": {"jenis": kind, "status": state}, "can_handle": selectors.can_handle_alarms(user),
    })


def _alarm_response(request: HttpRequest, alarm: Alarm, errors: dict[str, list[str]] | None = None,
                    reason: str = "") -> HttpResponse:
    if request.htmx:
        alarm = selectors.alarms_for(request.user).get(pk=alarm.pk)
        return render(request, "traffic/_alarm.html", {
            "alarm": alarm, "can_handle": selectors.can_handle_alarms(request.user), "errors": errors or {},
            "reason": reason, "compact": request.POST.get("compact") == "1"})
    if errors:
        for msgs in errors.values():
            for m in msgs:
                messages.error(request, m)
    target = request.POST.get("next", "")
    if not url_has_allowed_host_and_scheme(target, {request.get_host()}, require_https=request.is_secure()):
        target = ""
    return redirect(target or "traffic:alarms")


def _errors(exc: ValidationError) -> dict[str, list[str]]:
    return exc.message_dict if hasattr(exc, "error_dict") else {"other": exc.messages}


@login_required
@require_POST
def acknowledge(request: HttpRequest, pk: int) -> HttpResponse:
    _viewer(request)
    alarm = get_object_or_404(selectors.alarms_for(request.user), pk=pk)
    try:
        actions.check_acknowledge(request.user, alarm)
        alarm = actions.do_acknowledge(request.user, alarm)
    except ValidationError as exc:
        return _alarm_response(request, alarm, _errors(exc))
    if not request.htmx:
        messages.success(request, _("Alarm diterima."))
    return _alarm_response(request, alarm)


@login_required
@require_POST
def clear(request: HttpRequest, pk: int) -> HttpResponse:
    _viewer(request)
    alarm = get_object_or_404(selectors.alarms_for(request.user), pk=pk)
    reason = request.POST.get("reason", "").strip()
    try:
        actions.check_clear(request.user, alarm, reason)
        alarm = actions.do_clear(alarm, user=request.user, reason=reason) or alarm
    except ValidationError as exc:
        return _alarm_response(request, alarm, _errors(exc), reason)
    if not request.htmx:
        messages.success(request, _("Alarm diselesaikan."))
    return _alarm_response(request, alarm)


__all__ = ["export", "quarantine", "is_operator", "atcs_map", "map_geojson", "alarm_panel", "intersection",
           "alarm_list", "acknowledge", "clear"]
