"""Mounted at / (ppid/, data/, api/3/, catalog.jsonld) (kotacerdas/urls.py)."""

from __future__ import annotations

from django.urls import path  # noqa: F401

app_name = "openinfo"
urlpatterns: list = []
