from __future__ import annotations

from django.urls import path

from kotacerdas.accounts import views

app_name = "accounts"
urlpatterns = [
    path("masuk/", views.LoginView.as_view(), name="login"),
    path("keluar/", views.LogoutView.as_view(), name="logout"),
    path("daftar/", views.signup, name="signup"),
    path("profil/", views.profile, name="profile"),
    path("kata-sandi/ganti/", views.PasswordChangeView.as_view(), name="password_change"),
    path("kata-sandi/lupa/", views.PasswordResetView.as_view(), name="password_reset"),
    path("kata-sandi/lupa/terkirim/", views.PasswordResetDoneView.as_view(), name="password_reset_done"),
    path(
        "kata-sandi/atur-ulang/<uidb64>/<token>/",
        views.PasswordResetConfirmView.as_view(),
        name="password_reset_confirm",
    ),
    path("kata-sandi/atur-ulang/selesai/", views.PasswordResetCompleteView.as_view(),
         name="password_reset_complete"),
]
