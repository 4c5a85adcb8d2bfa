"""/api/v1/openinfo/; kotacerdas/api_urls.py includes it."""

from __future__ import annotations

from rest_framework.routers import SimpleRouter

from kotacerdas.openinfo import api

router = SimpleRouter(trailing_slash=True)
router.register("requests", api.RequestViewSet, basename="openinfo-request")
router.register("dip", api.DipViewSet, basename="openinfo-dip")

urlpatterns = [*router.urls]
