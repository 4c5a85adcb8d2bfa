"""Assembles the /api/v1/ router from each app's api module."""

from __future__ import annotations

from rest_framework.routers import DefaultRouter

from kotacerdas.complaints.api import views as complaint_api

router = DefaultRouter()
complaint_api.register(router)

urlpatterns = router.urls
