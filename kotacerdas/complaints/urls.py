from __future__ import annotations

from django.urls import path

from kotacerdas.complaints import views, views_staff

app_name = "complaints"
urlpatterns = [
    path("", views.home, name="home"),
    # Public
    path("lapor/", views.report, name="report"),
    path("lapor/serupa/", views.duplicates, name="duplicates"),
    path("lapor/pratinjau/", views.preview, name="preview"),
    path("lacak/", views.track_lookup, name="track-lookup"),
    path("lacak/<str:tracking_no>/", views.track, name="track"),
    path("lacak/<str:tracking_no>/konfirmasi/", views.confirm, name="confirm"),
    path("lacak/<str:tracking_no>/buka-kembali/", views.reopen, name="reopen"),
    path("lacak/<str:tracking_no>/lengkapi/", views.resume, name="resume"),
    path("aduan/", views.public_list, name="public-list"),
    path("aduan.geojson", views.public_geojson, name="public-geojson"),
    path("aduan/<str:tracking_no>/dukung/", views.support, name="support"),
    path("aduan-saya/", views.mine, name="mine"),
    # Staff
    path("staf/", views_staff.queue, name="queue"),
    path("staf/ekspor.csv", views_staff.export, name="export"),
    path("staf/aduan/<int:pk>/", views_staff.case, name="case"),
    path("staf/aduan/<int:pk>/identitas/", views_staff.identity, name="identity"),
    path("staf/aduan/<int:pk>/aksi/<slug:action>/", views_staff.case_action, name="case-action"),
]
