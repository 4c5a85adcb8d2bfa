"""The city profile page: public (every figure on it is public data with its source)."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from kotacerdas.command_center import profile
from kotacerdas.core.models import SiteSettings


@require_GET
def profile_page(request: HttpRequest) -> HttpResponse:
    site = SiteSettings.load()
    data = profile.build(site.city if site.city_id else None)
    return render(request, "command_center/profile.html", {"p": data, "site_name": site.public_name})
