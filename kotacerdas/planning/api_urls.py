"""/api/v1/planning/; kotacerdas/api_urls.py includes it."""

from __future__ import annotations

from django.urls import path
from rest_framework.routers import SimpleRouter

from kotacerdas.planning import api

router = SimpleRouter(trailing_slash=True)
router.register("years", api.YearViewSet, basename="planning-year")
router.register("kamus", api.KamusViewSet, basename="planning-kamus")
router.register("prices", api.PriceViewSet, basename="planning-price")
router.register("public/usulan", api.PublicUsulanViewSet, basename="planning-public-usulan")
router.register("usulan", api.UsulanViewSet, basename="planning-usulan")

urlpatterns = [
    path("forums/<str:pk>/ranks/", api.ForumRanksView.as_view(), name="planning-forum-ranks"),
    *router.urls,
]
