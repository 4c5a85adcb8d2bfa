"""/api/v1/planning/; kotacerdas/api_urls.py includes it."""

from __future__ import annotations

from django.urls import path  # noqa: F401

urlpatterns: list = []
