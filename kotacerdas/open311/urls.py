"""Open311 GeoReport v2 under /open311/: discovery beside the versioned base, as the spec lays them out."""

from __future__ import annotations

from django.urls import path, re_path, register_converter

from kotacerdas.open311 import views


class FormatConverter:
    regex = "xml|json"

    def to_python(self, value: str) -> str:
        return value

    def to_url(self, value: str) -> str:
        return value


register_converter(FormatConverter, "o311fmt")

app_name = "open311"
urlpatterns = [
    path("discovery.<o311fmt:fmt>", views.discovery, name="discovery"),
    path("v2/discovery.<o311fmt:fmt>", views.discovery, name="discovery-v2"),
    path("v2/services.<o311fmt:fmt>", views.services, name="services"),
    path("v2/services/<str:service_code>.<o311fmt:fmt>", views.service_definition, name="service"),
    path("v2/requests.<o311fmt:fmt>", views.requests_, name="requests"),
    path("v2/requests/<str:service_request_id>.<o311fmt:fmt>", views.request_detail, name="request"),
    path("v2/tokens/<str:token>.<o311fmt:fmt>", views.token, name="token"),
    path("v2/servicerequestupdates.<o311fmt:fmt>", views.updates, name="updates"),
    # Anything else under /open311/ is a v2 404 body, not the site's HTML page.
    re_path(r"^(?P<path>.*)$", views.not_found_view, name="unknown"),
]
