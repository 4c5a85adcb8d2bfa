"""GeoJSON of the active city's kecamatan and kelurahan for the Leaflet basemap (no map tiles)."""

from __future__ import annotations

from django.http import Http404, HttpRequest, HttpResponse
from django.utils.cache import patch_cache_control
from django.views.decorators.http import require_GET

from kotacerdas.regions import geo


@require_GET
def region_geojson(request: HttpRequest, level: str) -> HttpResponse:
    if level not in geo.GEOJSON_LEVELS:
        raise Http404
    try:
        text = geo.city_geojson_text(level)
    except geo.CityNotSet:
        raise Http404 from None
    # Outlines change only when an operator re-runs setup_region; an hour of browser/proxy caching is safe.
    response = HttpResponse(text, content_type="application/geo+json")
    patch_cache_control(response, public=True, max_age=3600)
    return response
