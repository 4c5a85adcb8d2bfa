"""Mounted at /perencanaan/ (kotacerdas/urls.py)."""

from __future__ import annotations

from django.urls import path  # noqa: F401

app_name = "planning"
urlpatterns: list = []
