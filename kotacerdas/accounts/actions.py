"""State changes for accounts: citizen sign-up and profile edits (check_* validates, do_* writes)."""

from __future__ import annotations

import re
from typing import Any

from django.contrib.auth import password_validation
from django.contrib.auth.base_user import BaseUserManager
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.validators import validate_email
from django.db import transaction
from django.http import HttpRequest
from django.utils.text import slugify
from django.utils.translation import gettext as _

from kotacerdas.accounts.models import Role, User
from kotacerdas.core.audit import record
from kotacerdas.core.events import publish

NAME_MAX = 150  # first_name and last_name are 150 characters each; one half is enough for any real name.
# Indonesian mobile numbers (Permenkominfo numbering plan): 08 + operator digit + 7-10 more digits.
MOBILE_RE = re.compile(r"^08[1-9]\d{7,10}$")
PHONE_SEPARATORS_RE = re.compile(r"[\s.\-()]")


def normalize_mobile(raw: str) -> str | None:
    """'+62 812-3456-7890' -> '081234567890'; None when it is not an Indonesian mobile number."""
    digits = PHONE_SEPARATORS_RE.sub("", raw or "")
    if digits.startswith("+62"):
        digits = "0" + digits[3:]
    elif digits.startswith("62"):
        digits = "0" + digits[2:]
    return digits if MOBILE_RE.match(digits) else None


def split_name(full_name: str) -> tuple[str, str]:
    """Many Indonesians have one name; the first word goes to first_name so get_full_name() gives it back."""
    first, _sep, last = " ".join(full_name.split()).partition(" ")
    return first, last


def _clean_identity(data: dict[str, Any], *, user: User | None, phone_required: bool) -> tuple[dict, dict]:
    """Shared checks of name, e-mail and phone. Returns (cleaned, errors) with field-keyed messages."""
    errors: dict[str, list[str]] = {}
    cleaned: dict[str, Any] = {}

    full_name = " ".join(str(data.get("full_name") or "").split())
    if not full_name:
        errors["full_name"] = [_("Nama wajib diisi.")]
    elif len(full_name) > NAME_MAX:
        message = _("Nama terlalu panjang (paling banyak %(max)d karakter).") % {"max": NAME_MAX}
        errors["full_name"] = [message]
    cleaned["full_name"] = full_name

    email = BaseUserManager.normalize_email(str(data.get("email") or "").strip())
    if not email:
        errors["email"] = [_("Alamat e-mail wajib diisi.")]
    else:
        try:
            validate_email(email)
        except ValidationError:
            errors["email"] = [_("Alamat e-mail tidak valid, contoh: nama@contoh.id.")]
        else:
            others = User.objects.filter(email__iexact=email)
            if user is not None:
                others = others.exclude(pk=user.pk)
            if others.exists():
                errors["email"] = [
                    _("Alamat e-mail ini sudah terdaftar. Silakan masuk atau atur ulang kata sandi.")
                ]
    cleaned["email"] = email

    raw_phone = str(data.get("phone") or "").strip()
    if not raw_phone:
        if phone_required:
            errors["phone"] = [_("Nomor HP wajib diisi.")]
        cleaned["phone"] = ""
    else:
        phone = normalize_mobile(raw_phone)
        if phone is None:
            errors["phone"] = [
                _("Nomor HP tidak valid. Gunakan nomor seluler Indonesia, contoh: 0812-3456-7890.")
            ]
        cleaned["phone"] = phone or raw_phone
    return cleaned, errors


def check_signup(data: dict[str, Any]) -> dict[str, Any]:
    """Validates a citizen sign-up (full_name, email, phone, password); ValidationError is keyed by field."""
    cleaned, errors = _clean_identity(data, user=None, phone_required=True)
    password = str(data.get("password") or "")
    if not password:
        errors["password"] = [_("Kata sandi wajib diisi.")]
    else:
        first, last = split_name(cleaned["full_name"])
        probe = User(username=cleaned["email"], email=cleaned["email"], first_name=first, last_name=last)
        try:
            password_validation.validate_password(password, user=probe)
        except ValidationError as exc:
            errors["password"] = list(exc.messages)
    if errors:
        raise ValidationError(errors)
    cleaned["password"] = password
    return cleaned


def free_username(full_name: str, fallback: str = "warga") -> str:
    # A readable username from the name (wati.siregar, wati.siregar2): the e-mail is never used, because the
    # username shows up in staff screens and exports where an address must not.
    base = slugify(full_name).replace("-", ".")[:30].strip(".") or fallback
    candidate, n = base, 1
    while User.objects.filter(username__iexact=candidate).exists():
        n += 1
        candidate = f"{base}{n}"
    return candidate


def do_signup(cleaned: dict[str, Any], request: HttpRequest | None = None) -> User:
    """Creates the warga account from check_signup's output."""
    first, last = split_name(cleaned["full_name"])
    with transaction.atomic():
        user = User.objects.create_user(
            username=free_username(cleaned["full_name"]), email=cleaned["email"],
            password=cleaned["password"], first_name=first, last_name=last, phone=cleaned["phone"],
            role=Role.WARGA,
        )
        record(user, "accounts.signup", user, {"role": Role.WARGA}, request=request)
        publish("accounts.user_created", {"user_id": user.pk, "role": Role.WARGA})
    return user


PROFILE_FIELDS = ("first_name", "last_name", "email", "phone")


def check_update_profile(actor: Any, user: User, data: dict[str, Any]) -> dict[str, Any]:
    """Validates a profile edit (full_name, email, phone) and returns only the fields that change.

    People edit their own profile; a superadmin may correct anyone's. Role, OPD and area are for admins only.
    """
    if not getattr(actor, "is_authenticated", False):
        raise PermissionDenied(_("Silakan masuk terlebih dahulu."))
    if actor.pk != user.pk and not actor.is_superuser:
        raise PermissionDenied(_("Anda hanya dapat mengubah profil Anda sendiri."))
    cleaned, errors = _clean_identity(data, user=user, phone_required=False)
    if errors:
        raise ValidationError(errors)
    first, last = split_name(cleaned["full_name"])
    wanted = {"first_name": first, "last_name": last, "email": cleaned["email"], "phone": cleaned["phone"]}
    return {field: value for field, value in wanted.items() if getattr(user, field) != value}


def do_update_profile(
    actor: Any, user: User, changes: dict[str, Any], request: HttpRequest | None = None
) -> User:
    """Writes check_update_profile's changes; the audit entry names fields, never their personal values."""
    if not changes:
        return user
    unknown = set(changes) - set(PROFILE_FIELDS)
    if unknown:
        raise ValueError(f"not profile fields: {sorted(unknown)}")
    with transaction.atomic():
        for field, value in changes.items():
            setattr(user, field, value)
        user.save(update_fields=list(changes))
        record(actor, "accounts.profile_updated", user, {"fields": sorted(changes)}, request=request)
        publish("accounts.profile_updated", {"user_id": user.pk})
    return user
