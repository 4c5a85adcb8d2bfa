"""Apparatus performance and the city profile (issue #6 §2-3): pages under /pusat-komando/ and the API list
mounted at /api/v1/command-center/ (api_urls.py combines it with the live room's)."""

from __future__ import annotations

from django.urls import path
from rest_framework.routers import SimpleRouter

from kotacerdas.command_center import performance_api, performance_views, profile_views

urlpatterns = [
    path("profil-kota/", profile_views.profile_page, name="profile"),
    path("kinerja/", performance_views.performance_page, name="performance"),
    path("kinerja/aduan/", performance_views.cases, name="performance-cases"),
    path("kinerja/keberatan/", performance_views.disputes, name="performance-disputes"),
    path("kinerja/keberatan/<int:pk>/putus/", performance_views.dispute_decide, name="performance-dispute-decide"),
    path("kinerja/aduan/<int:pk>/keberatan/", performance_views.dispute_new, name="performance-dispute-new"),
    path("kinerja/laporan/", performance_views.report_page, name="report"),
    path("kinerja/laporan.pdf", performance_views.report_pdf, name="report-pdf"),
]

router = SimpleRouter(trailing_slash=True)
router.register("performance/cases", performance_api.CaseFactViewSet, basename="cc-performance-case")
router.register("disputes", performance_api.DisputeViewSet, basename="cc-dispute")

api_urlpatterns = [
    path("profile/", performance_api.ProfileView.as_view(), name="cc-profile"),
    path("performance/", performance_api.LeagueView.as_view(), name="cc-performance"),
    path("performance/trend/", performance_api.TrendView.as_view(), name="cc-performance-trend"),
    *router.urls,
]
