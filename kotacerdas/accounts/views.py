"""Account pages: log in/out, sign-up, profile, password change and reset. Thin: rules live in actions.py."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import login
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import NoReverseMatch, reverse, reverse_lazy
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from kotacerdas.accounts import actions
from kotacerdas.accounts.forms import LoginForm, ProfileForm, SignupForm
from kotacerdas.core.models import SiteSettings


def _reverse_or(name: str, fallback: str) -> str:
    # Other apps add their pages in parallel; until a named page exists, send people to the fallback.
    try:
        return reverse(name)
    except NoReverseMatch:
        return fallback


def landing_url_for(user: Any) -> str:
    """Where a person lands after logging in: staff at their work queue, citizens at the home page."""
    if getattr(user, "is_staff_role", False):
        return _reverse_or("complaints:queue", "/")
    return _reverse_or("home", "/")


class _SiteSettingsContext:
    """Django's LoginView and LogoutView put a RequestSite in `site`; the page shell needs SiteSettings."""

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)  # type: ignore[misc]
        context["site"] = SiteSettings.load()
        return context


class LoginView(_SiteSettingsContext, auth_views.LoginView):
    template_name = "registration/login.html"
    authentication_form = LoginForm
    redirect_authenticated_user = True

    def get_default_redirect_url(self) -> str:
        return landing_url_for(self.request.user)


class LogoutView(_SiteSettingsContext, auth_views.LogoutView):
    # Django's LogoutView accepts POST only, so a link or an <img> elsewhere cannot log someone out.

    def get_default_redirect_url(self) -> str:
        return _reverse_or("home", "/")

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        response = super().post(request, *args, **kwargs)
        messages.info(request, _("Anda telah keluar. Sampai jumpa."))
        return response


def signup(request: HttpRequest) -> HttpResponse:
    """Citizens create their own account; staff accounts are made by an admin."""
    if request.user.is_authenticated:
        return redirect(landing_url_for(request.user))
    form = SignupForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        user = actions.do_signup(form.signup, request=request)
        login(request, user, backend=settings.AUTHENTICATION_BACKENDS[0])
        messages.success(
            request,
            _("Selamat datang, %(name)s! Akun Anda sudah aktif. Anda dapat masuk dengan e-mail atau nama "
              "pengguna %(username)s.") % {"name": user.first_name, "username": user.username},
        )
        return redirect(landing_url_for(user))
    return render(request, "registration/signup.html", {"form": form})


@login_required
def profile(request: HttpRequest) -> HttpResponse:
    user = request.user
    form = ProfileForm(request.POST or None, actor=user, user=user)
    if request.method == "POST" and form.is_valid():
        if form.changes:
            actions.do_update_profile(user, user, form.changes, request=request)
            messages.success(request, _("Profil Anda sudah diperbarui."))
        else:
            messages.info(request, _("Tidak ada perubahan pada profil."))
        return redirect("accounts:profile")
    return render(request, "accounts/profile.html", {"form": form, "profile_user": user})


class PasswordChangeView(auth_views.PasswordChangeView):
    template_name = "registration/password_change_form.html"
    success_url = reverse_lazy("accounts:profile")

    def form_valid(self, form: Any) -> HttpResponse:
        response = super().form_valid(form)
        messages.success(self.request, _("Kata sandi Anda sudah diganti."))
        return response


class PasswordResetView(auth_views.PasswordResetView):
    template_name = "registration/password_reset_form.html"
    email_template_name = "registration/password_reset_email.html"
    subject_template_name = "registration/password_reset_subject.html"
    success_url = reverse_lazy("accounts:password_reset_done")
    title = gettext_lazy("Atur ulang kata sandi")

    def form_valid(self, form: Any) -> HttpResponse:
        # The e-mail names the service the citizen knows (e.g. "Medan Rumah Kita"), not the host name.
        self.extra_email_context = {"service_name": SiteSettings.load().public_name}
        return super().form_valid(form)


class PasswordResetDoneView(auth_views.PasswordResetDoneView):
    template_name = "registration/password_reset_done.html"


class PasswordResetConfirmView(auth_views.PasswordResetConfirmView):
    template_name = "registration/password_reset_confirm.html"
    success_url = reverse_lazy("accounts:password_reset_complete")


class PasswordResetCompleteView(auth_views.PasswordResetCompleteView):
    template_name = "registration/password_reset_complete.html"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        context["login_url"] = reverse("accounts:login")
        return context
