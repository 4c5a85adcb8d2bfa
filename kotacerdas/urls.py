from __future__ import annotations

from django.conf import settings
from django.contrib import admin
from django.urls import include, path, re_path
from django.views.generic import RedirectView
from django.views.static import serve as serve_file
from drf_spectacular.views import SpectacularAPIView, SpectacularRedocView, SpectacularSwaggerView

from kotacerdas.complaints import views as complaints_views
from kotacerdas.core import sse
from kotacerdas.core import views as core_views
from kotacerdas.openinfo import ckan as openinfo_ckan

urlpatterns = [
    path("healthz", core_views.healthz, name="healthz"),
    path("events/stream", sse.stream, name="event-stream"),
    path("favicon.ico", RedirectView.as_view(url=settings.STATIC_URL + "img/favicon.svg", permanent=True)),
    path("i18n/", include("django.conf.urls.i18n")),
    path("admin/", admin.site.urls),
    path("akun/", include("kotacerdas.accounts.urls")),
    path("wilayah/", include("kotacerdas.regions.urls")),
    path("api/v1/ingest/", include("kotacerdas.sensors.urls")),
    path("api/v1/", include("kotacerdas.api_urls")),
    path("atcs/", include("kotacerdas.traffic.urls")),
    path("parkir/", include("kotacerdas.parking.urls")),
    path("pusat-komando/", include("kotacerdas.command_center.urls")),
    path("kerja/", include("kotacerdas.jobs.urls")),
    path("perencanaan/", include("kotacerdas.planning.urls")),
    path("api/schema/", SpectacularAPIView.as_view(), name="schema"),
    path("api/docs/", SpectacularSwaggerView.as_view(url_name="schema"), name="api-docs"),
    path("api/redoc/", SpectacularRedocView.as_view(url_name="schema"), name="api-redoc"),
    path("open311/", include("kotacerdas.open311.urls")),
    path("sp4n-lapor/", include("kotacerdas.lapor.urls")),
    # PPID (ppid/), the open-data portal (data/), the CKAN-compatible API (api/3/) and /catalog.jsonld.
    path("", include("kotacerdas.openinfo.urls")),
    # ckanapi.RemoteCKAN calls /api/action/ by default; harvesters use /api/3/action/ (openinfo.urls).
    path("api/action/<str:name>", openinfo_ckan.action, name="ckan-action-default"),
    path("", complaints_views.home, name="home"),
    path("", include("kotacerdas.complaints.urls")),
    # Uploaded photos. The embedded install serves them itself; behind a proxy, let the proxy serve /media/.
    re_path(r"^media/(?P<path>.*)$", serve_file, {"document_root": settings.MEDIA_ROOT}),
]
