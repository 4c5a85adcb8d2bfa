"""The live room's pages (mounted under /pusat-komando/ by urls.py) and its JSON (/api/v1/command-center/ by
api_urls.py)."""

from __future__ import annotations

from django.urls import path

from kotacerdas.command_center import views_live

urlpatterns = [
    path("", views_live.room, name="room"),
    path("dinding/", views_live.wall, name="wall"),
    path("ubin/", views_live.tiles_fragment, name="room-tiles"),
    path("umpan/", views_live.feed_fragment, name="room-feed"),
]

api_urlpatterns = [
    path("tiles/", views_live.TilesView.as_view(), name="command-center-tiles"),
    path("feed/", views_live.FeedView.as_view(), name="command-center-feed"),
    path("map/complaints/", views_live.ComplaintLayerView.as_view(), name="command-center-map-complaints"),
    path("map/intersections/", views_live.IntersectionLayerView.as_view(), name="command-center-map-intersections"),
    path("map/parking/", views_live.ParkingLayerView.as_view(), name="command-center-map-parking"),
    path("map/alarms/", views_live.AlarmLayerView.as_view(), name="command-center-map-alarms"),
]
