"""/api/v1/command-center/: live room data (api_live) and apparatus performance (api_performance)."""

from __future__ import annotations

from kotacerdas.command_center import urls_live, urls_performance

urlpatterns = [*getattr(urls_live, "api_urlpatterns", []), *getattr(urls_performance, "api_urlpatterns", [])]
