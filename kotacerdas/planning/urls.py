"""Mounted at /perencanaan/ (kotacerdas/urls.py)."""

from __future__ import annotations

from django.urls import path

from kotacerdas.planning import views

app_name = "planning"
urlpatterns = [
    path("", views.index, name="index"),
    path("jadwal/<int:pk>/", views.window_update, name="window-update"),
    path("jadwal/<int:pk>/tutup/", views.stage_close, name="stage-close"),
    path("bobot/", views.weights_update, name="weights-update"),
    path("usulan/", views.usulan_list, name="usulan-list"),
    path("usulan/baru/", views.usulan_new, name="usulan-new"),
    path("usulan/<str:number>/", views.usulan_detail, name="usulan"),
    path("usulan/<str:number>/putuskan/", views.usulan_decide, name="usulan-decide"),
    path("forum/", views.forum_list, name="forum-list"),
    path("forum/<int:pk>/", views.forum_detail, name="forum"),
    path("forum/<int:pk>/urutan/", views.forum_ranks, name="forum-ranks"),
    path("forum/<int:pk>/berita-acara/", views.forum_berita_acara, name="forum-ba"),
    path("forum/<int:pk>/berita-acara.pdf", views.forum_pdf, name="forum-pdf"),
    path("forum/<int:pk>/tutup/", views.forum_close, name="forum-close"),
    path("forum/<int:pk>/pagu/", views.pagu_update, name="pagu-update"),
    path("rkpd/", views.rkpd, name="rkpd"),
    path("rkpd/sipd.csv", views.rkpd_csv, name="rkpd-csv"),
    path("standar-harga/", views.prices, name="prices"),
    path("standar-harga/<int:pk>/", views.price_version, name="price-version"),
    path("publik/", views.public_index, name="public-index"),
    path("publik/<str:code>/", views.public_area, name="public-area"),
]
