"""Account forms. They only shape the input; the rules and their messages live in accounts/actions.py."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib.auth.forms import AuthenticationForm
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from kotacerdas.accounts import actions
from kotacerdas.accounts.models import User


class LoginForm(AuthenticationForm):
    username = forms.CharField(
        label=_("Nama pengguna atau e-mail"), max_length=254,
        widget=forms.TextInput(
            attrs={"autofocus": True, "autocomplete": "username", "autocapitalize": "none"}
        ),
    )
    password = forms.CharField(
        label=_("Kata sandi"), strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
    )
    error_messages = {
        "invalid_login": _(
            "Nama pengguna/e-mail atau kata sandi salah. Perhatikan huruf besar dan kecil pada kata sandi."
        ),
        "inactive": _("Akun ini tidak aktif. Hubungi admin layanan."),
    }


def _input(widget: type[forms.Widget], required: bool = True, **attrs: Any) -> forms.Widget:
    # Fields are required=False on the Django side so that actions.py alone says what is missing (one message
    # per problem); the HTML `required` attribute still lets the browser catch an empty field early.
    if required:
        attrs["required"] = True
    return widget(attrs=attrs)


class _IdentityFields(forms.Form):
    full_name = forms.CharField(
        label=_("Nama lengkap"), max_length=actions.NAME_MAX, required=False,
        widget=_input(forms.TextInput, autocomplete="name"),
    )
    email = forms.CharField(
        label=_("E-mail"), max_length=254, required=False,
        widget=_input(forms.EmailInput, autocomplete="email", placeholder="nama@contoh.id"),
    )
    phone = forms.CharField(
        label=_("Nomor HP"), max_length=20, required=False,
        help_text=_("Nomor seluler Indonesia untuk kabar tindak lanjut aduan. Tidak ditampilkan ke publik."),
        widget=_input(forms.TextInput, autocomplete="tel", inputmode="tel", placeholder="0812-3456-7890"),
    )


class SignupForm(_IdentityFields):
    password = forms.CharField(
        label=_("Kata sandi"), strip=False, required=False,
        help_text=_("Paling sedikit 8 karakter dan bukan kata sandi yang umum dipakai."),
        widget=_input(forms.PasswordInput, autocomplete="new-password"),
    )
    password2 = forms.CharField(
        label=_("Ulangi kata sandi"), strip=False, required=False,
        widget=_input(forms.PasswordInput, autocomplete="new-password"),
    )

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        if data.get("password") and data.get("password2") != data["password"]:
            self.add_error("password2", _("Kedua kata sandi tidak sama."))
        try:
            self.signup = actions.check_signup(data)
        except ValidationError as exc:
            self.add_error(None, exc)
        return data


class ProfileForm(_IdentityFields):
    def __init__(self, *args: Any, actor: User, user: User, **kwargs: Any) -> None:
        self.actor, self.user = actor, user
        kwargs.setdefault(
            "initial", {"full_name": user.get_full_name(), "email": user.email, "phone": user.phone}
        )
        super().__init__(*args, **kwargs)
        # Staff accounts may have no mobile number on file; only sign-up insists on one.
        self.fields["phone"].widget.attrs.pop("required", None)

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        try:
            self.changes = actions.check_update_profile(self.actor, self.user, data)
        except ValidationError as exc:
            self.add_error(None, exc)
        return data
