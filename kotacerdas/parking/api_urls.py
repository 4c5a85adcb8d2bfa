"""/api/v1/parking/; kotacerdas/api_urls.py includes it: `path("parking/", include("kotacerdas.parking.api_urls"))`."""

from __future__ import annotations

from django.urls import path
from rest_framework.routers import SimpleRouter

from kotacerdas.parking import api

router = SimpleRouter(trailing_slash=True)
router.register("points", api.PointViewSet, basename="parking-point")
router.register("jukir", api.JukirViewSet, basename="parking-jukir")
router.register("transactions", api.TransactionViewSet, basename="parking-transaction")
router.register("violations", api.ViolationViewSet, basename="parking-violation")
router.register("settlements", api.SettlementViewSet, basename="parking-settlement")

urlpatterns = [
    path("webhook/<str:provider>", api.WebhookView.as_view(), name="parking-webhook"),
    path("handheld/payments", api.HandheldPaymentView.as_view(), name="parking-handheld-payments"),
    path("handheld/duty", api.HandheldDutyView.as_view(), name="parking-handheld-duty"),
    path("cards/verify", api.CardVerifyView.as_view(), name="parking-card-verify"),
    *router.urls,
]
