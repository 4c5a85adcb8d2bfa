from __future__ import annotations

from django.http import HttpRequest

from kotacerdas.core.models import SiteSettings


def site(request: HttpRequest) -> dict[str, object]:
    from kotacerdas.parking.selectors import can_view as can_view_parking
    from kotacerdas.traffic.selectors import can_view as can_view_traffic

    user = getattr(request, "user", None)
    signed_in = bool(user is not None and user.is_authenticated)
    return {
        "site": getattr(request, "site_settings", None) or SiteSettings.load(),
        "nav_atcs": signed_in and can_view_traffic(user),
        # A jukir sees the entry too: it leads to the payment page (parking:dashboard redirects there).
        "nav_parkir": signed_in and can_view_parking(user),
    }
