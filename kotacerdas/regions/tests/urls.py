"""URLconf for the view tests: the project mounts kotacerdas.regions.urls at wilayah/ the same way."""

from __future__ import annotations

from django.urls import include, path

urlpatterns = [path("wilayah/", include("kotacerdas.regions.urls"))]
