"""/api/v1/jobs/; kotacerdas/api_urls.py includes it."""

from __future__ import annotations

from django.urls import path
from rest_framework.routers import SimpleRouter

from kotacerdas.jobs import api

router = SimpleRouter(trailing_slash=True)
router.register("vacancies", api.VacancyViewSet, basename="jobs-vacancy")
router.register("applications", api.ApplicationViewSet, basename="jobs-application")
router.register("events", api.EventViewSet, basename="jobs-event")

urlpatterns = [
    path("statistics/", api.StatisticsView.as_view(), name="jobs-statistics"),
    path("ak1/verify/<str:token>/", api.Ak1VerifyView.as_view(), name="jobs-ak1-verify"),
    *router.urls,
]
