"""Mounted at /atcs/ (kotacerdas/urls.py)."""

from __future__ import annotations

from django.urls import path

from kotacerdas.traffic import views

app_name = "traffic"
urlpatterns = [
    path("", views.atcs_map, name="map"),
    path("peta.geojson", views.map_geojson, name="map-geojson"),
    path("panel-alarm/", views.alarm_panel, name="alarm-panel"),
    path("simpang/<str:code>/", views.intersection, name="intersection"),
    path("alarm/", views.alarm_list, name="alarms"),
    path("alarm/<int:pk>/terima/", views.acknowledge, name="acknowledge"),
    path("alarm/<int:pk>/selesai/", views.clear, name="clear"),
    path("registri.<str:fmt>", views.export, name="export"),
    path("karantina/", views.quarantine, name="quarantine"),
]
