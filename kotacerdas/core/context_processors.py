from __future__ import annotations

from django.http import HttpRequest

from kotacerdas.core.models import SiteSettings


def site(request: HttpRequest) -> dict[str, object]:
    return {"site": getattr(request, "site_settings", None) or SiteSettings.load()}
