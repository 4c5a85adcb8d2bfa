from __future__ import annotations

from django.urls import path

from kotacerdas.regions import views

app_name = "regions"

urlpatterns = [
    # /wilayah/kecamatan.geojson, /wilayah/kelurahan.geojson
    path("<str:level>.geojson", views.region_geojson, name="geojson"),
]
