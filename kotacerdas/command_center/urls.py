"""Mounted at /pusat-komando/ (kotacerdas/urls.py): the live room (urls_live) and apparatus performance and the
city profile (urls_performance)."""

from __future__ import annotations

from kotacerdas.command_center import urls_live, urls_performance

app_name = "command_center"
urlpatterns = [*urls_live.urlpatterns, *urls_performance.urlpatterns]
