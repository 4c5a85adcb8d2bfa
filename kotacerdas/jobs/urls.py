"""Mounted at /kerja/ (kotacerdas/urls.py)."""

from __future__ import annotations

from django.urls import path

from kotacerdas.jobs import views

app_name = "jobs"
urlpatterns = [
    path("", views.vacancy_list, name="vacancies"),
    path("lowongan/<int:pk>/", views.vacancy_detail, name="vacancy"),
    path("lowongan/<int:pk>/lamar/", views.apply, name="apply"),
    path("acara/", views.events, name="events"),
    path("acara/baru/", views.event_new, name="event-new"),
    path("acara/<int:pk>/", views.event_detail, name="event"),
    path("acara/<int:pk>/daftar/", views.event_register, name="event-register"),
    path("ak1/cek/<str:token>/", views.ak1_verify, name="ak1-verify"),
    path("ak1/<int:pk>/kartu.pdf", views.ak1_pdf, name="ak1-pdf"),
    path("ak1/<int:pk>/lapor/", views.ak1_report, name="ak1-report"),
    path("daftar/pencari-kerja/", views.seeker_register, name="seeker-register"),
    path("daftar/perusahaan/", views.company_register, name="company-register"),
    path("saya/", views.me, name="me"),
    path("saya/profil/", views.profile_edit, name="profile"),
    path("saya/ak1/ajukan/", views.ak1_request, name="ak1-request"),
    path("perusahaan/", views.company_home, name="company"),
    path("perusahaan/profil/", views.company_profile, name="company-profile"),
    path("perusahaan/pengguna/", views.company_member, name="company-member"),
    path("perusahaan/lowongan/baru/", views.vacancy_new, name="vacancy-new"),
    path("perusahaan/lowongan/<int:pk>/", views.company_vacancy, name="company-vacancy"),
    path("perusahaan/lowongan/<int:pk>/tutup/", views.vacancy_close, name="vacancy-close"),
    path("lamaran/<int:pk>/tahap/", views.application_stage, name="application-stage"),
    path("lamaran/<int:pk>/cv.pdf", views.application_cv, name="application-cv"),
    path("disnaker/", views.disnaker, name="disnaker"),
    path("disnaker/perusahaan/<int:pk>/verifikasi/", views.company_verify, name="company-verify"),
    path("disnaker/lowongan/<int:pk>/moderasi/", views.vacancy_moderate, name="vacancy-moderate"),
    path("disnaker/pencari-kerja/", views.seekers, name="seekers"),
    path("disnaker/pencari-kerja/<int:pk>/", views.seeker_detail, name="seeker"),
    path("disnaker/ak1/<int:pk>/terbitkan/", views.ak1_issue, name="ak1-issue"),
    path("disnaker/ak1/<int:pk>/perpanjang/", views.ak1_renew, name="ak1-renew"),
    path("disnaker/tpt/", views.tpt, name="tpt"),
    path("statistik/", views.stats, name="stats"),
]
