"""Mounted at /parkir/ (kotacerdas/urls.py)."""

from __future__ import annotations

from django.urls import path

from kotacerdas.parking import views

app_name = "parking"
urlpatterns = [
    path("", views.dashboard, name="dashboard"),
    path("peta.geojson", views.map_geojson, name="map-geojson"),
    path("titik/<str:code>/", views.point, name="point"),
    path("jukir/", views.jukir_list, name="jukir-list"),
    path("jukir/<str:code>/", views.jukir, name="jukir"),
    path("jukir/<str:code>/status/", views.jukir_status, name="jukir-status"),
    path("jukir/<str:code>/kartu.svg", views.jukir_card, name="jukir-card"),
    path("catat/", views.record, name="record"),
    path("tugas/", views.duty, name="duty"),
    path("riwayat/", views.history, name="history"),
    path("rekonsiliasi/", views.reconciliation, name="reconciliation"),
    path("rekonsiliasi/<int:pk>/", views.settlement, name="settlement"),
    path("audit/", views.audit, name="audit"),
    path("audit.<str:fmt>", views.audit_export, name="audit-export"),
    path("pendapatan/", views.revenue, name="revenue"),
    path("pendapatan.<str:fmt>", views.revenue_export, name="revenue-export"),
    path("pelanggaran/", views.violations, name="violations"),
    path("pelanggaran/<int:pk>/tinjau/", views.violation_review, name="violation-review"),
]
