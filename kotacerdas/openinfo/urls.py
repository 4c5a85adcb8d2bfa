"""Mounted at / (ppid/, data/, api/3/, catalog.jsonld) (kotacerdas/urls.py). Every pattern starts with one of
those four prefixes so nothing shadows another app's paths."""

from __future__ import annotations

from django.urls import path

from kotacerdas.openinfo import ckan, views

app_name = "openinfo"
urlpatterns = [
    # PPID
    path("ppid/", views.ppid, name="ppid"),
    path("ppid/dip/", views.dip, name="dip"),
    path("ppid/dip/tambah/", views.dip_create, name="dip-create"),
    path("ppid/dip/<int:pk>/", views.dip_entry, name="dip-entry"),
    path("ppid/permohonan/", views.request_list, name="requests"),
    path("ppid/permohonan/baru/", views.request_new, name="request-new"),
    path("ppid/permohonan/<str:reg_no>/", views.request_detail, name="request"),
    path("ppid/permohonan/<str:reg_no>/perpanjang/", views.request_extend, name="request-extend"),
    path("ppid/permohonan/<str:reg_no>/jawab/", views.request_answer, name="request-answer"),
    path("ppid/permohonan/<str:reg_no>/keberatan/", views.request_object, name="request-object"),
    path("ppid/keberatan/", views.objection_list, name="objections"),
    path("ppid/keberatan/<str:reg_no>/tanggapi/", views.objection_answer, name="objection-answer"),
    path("ppid/keberatan/<str:reg_no>/sengketa/", views.objection_dispute, name="objection-dispute"),
    path("ppid/keberatan/<str:reg_no>/hasil/", views.objection_result, name="objection-result"),
    path("ppid/laporan/<int:year>/", views.annual_report, name="report"),
    path("ppid/laporan/<int:year>.pdf", views.annual_report_pdf, name="report-pdf"),
    # Open data
    path("data/", views.portal, name="portal"),
    path("data/status/", views.data_status, name="data-status"),
    path("data/<slug:slug>/", views.dataset_page, name="dataset"),
    path("data/<slug:slug>.<str:fmt>", views.download, name="download"),
    path("catalog.jsonld", views.catalog_jsonld, name="catalog-jsonld"),
    # CKAN-compatible Action API (read-only)
    path("api/3", ckan.api_root, name="ckan-root"),
    path("api/3/action/<str:name>", ckan.action, name="ckan-action"),
]
