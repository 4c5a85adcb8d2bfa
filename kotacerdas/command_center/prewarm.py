"""Figures the Huey worker computes ahead of the page views, into the shared cache (performance.cached).

With a million complaints a 90-day city-wide league table takes 1.8–2.3 s and a year 5–6 s to compute
(bench/README.md), while a cached one is served in ≤ 130 ms. Leaders open the same few pages first: the whole city
over the default period (per OPD, kecamatan, kelurahan and officer), their own OPD's page, and last month's
report. After every facts sync (5 minutes) the worker recomputes those whose facts changed, so such a page is
served from the cache even right after a restart or on another web process. Other periods and the camat/lurah
scopes are computed on their first view and cached from then on.
"""

from __future__ import annotations

from django.utils import timezone

from kotacerdas.agencies.models import Agency
from kotacerdas.command_center import performance, performance_report, selectors
from kotacerdas.command_center.models import CaseFact
from kotacerdas.core import deadlines


def scopes() -> list[selectors.Scope]:
    """The whole city, and each OPD that has a head (the kepala OPD's own page), as their page views build them."""
    headed: dict[int, list[Agency]] = {}
    for agency in Agency.objects.filter(is_active=True, head__isnull=False).order_by("head", "pk"):
        headed.setdefault(agency.head_id, []).append(agency)
    return [selectors.city_scope(), *(selectors.agency_scope(agencies) for agencies in headed.values())]


def prewarm() -> int:
    """Computes the default pages of every scope above whose facts changed since. Returns figures computed."""
    if performance.max_age() <= 0:
        return 0  # figures are never cached (tests): nothing to compute ahead
    today = deadlines.to_local(timezone.now()).date()
    period = performance.default_period(today)
    month = performance.last_month(today)
    computed = 0
    for scope in scopes():
        facts = CaseFact.objects.filter(scope.facts)
        dimensions = ["opd", "kecamatan", "kelurahan"] + (["petugas"] if scope.show_officers else [])
        if scope.kind == "opd":
            dimensions = ["opd"]  # the head of an OPD opens the page as it comes (per OPD)
        for dimension in dimensions:
            before = performance.cached_at(performance.figures_key(scope.key, dimension, period))
            data = performance.figures(scope.key, facts, dimension, period, refresh=True)
            computed += data["computed_at"] != before
        if scope.kind == "kota":
            performance_report.monthly(scope, month, refresh=True)
    return computed
