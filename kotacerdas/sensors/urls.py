"""Mounted at /api/v1/ingest/ (kotacerdas/urls.py): POST /api/v1/ingest/<kind>, e.g. /api/v1/ingest/traffic."""

from __future__ import annotations

from django.urls import path

from kotacerdas.sensors import views

app_name = "sensors"
urlpatterns = [
    path("<slug:kind>", views.ingest, name="ingest"),
]
