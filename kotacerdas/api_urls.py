"""Assembles /api/v1/: each app's api module registers its viewsets; token auth at /api/v1/auth/token/."""

from __future__ import annotations

from django.urls import include, path
from rest_framework.routers import DefaultRouter

from kotacerdas.accounts import api as account_api
from kotacerdas.agencies import api as agency_api
from kotacerdas.complaints.api import views as complaint_api
from kotacerdas.core import api as core_api  # noqa: F401 - registers the security scheme descriptions
from kotacerdas.regions import api as region_api

router = DefaultRouter()
complaint_api.register(router)
region_api.register(router)
agency_api.register(router)
account_api.register(router)

urlpatterns = [
    path("auth/token/", account_api.TokenView.as_view(), name="api-token"),
    path("parking/", include("kotacerdas.parking.api_urls")),
    path("command-center/", include("kotacerdas.command_center.api_urls")),
    path("jobs/", include("kotacerdas.jobs.api_urls")),
    path("planning/", include("kotacerdas.planning.api_urls")),
    path("openinfo/", include("kotacerdas.openinfo.api_urls")),
    *router.urls,
]
