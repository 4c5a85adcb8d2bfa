from __future__ import annotations

from django.http import HttpRequest

from kotacerdas.core.models import SiteSettings


def site(request: HttpRequest) -> dict[str, object]:
    from kotacerdas.traffic.selectors import can_view as can_view_traffic

    user = getattr(request, "user", None)
    return {
        "site": getattr(request, "site_settings", None) or SiteSettings.load(),
        "nav_atcs": bool(user is not None and user.is_authenticated and can_view_traffic(user)),
    }
