"""Mounted at /atcs/ (kotacerdas/urls.py)."""

from __future__ import annotations

from django.urls import path

from kotacerdas.traffic import views

app_name = "traffic"
urlpatterns = [
    path("registri.<str:fmt>", views.export, name="export"),
    path("karantina/", views.quarantine, name="quarantine"),
]
