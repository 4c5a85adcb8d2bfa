"""Staff account management by the superadmin and the admin koordinator (check_* validates, do_* writes).

Companion of `accounts/actions.py` (citizen sign-up and own-profile edits) for the users API. Rules:

- The superadmin manages every account; the admin koordinator every account except superadmins, which are
  outside their scope (they get 404 for them, as for any row they may not see) and may not grant that role.
- NIK and phone are personal data: only the superadmin may read or write them.
- Role decides scope: penghubung and petugas need an OPD; only a pimpinan has an area (the city, a kecamatan or a
  kelurahan/desa of the active city); a warga has neither.
- Nobody deactivates or demotes their own account (the last superadmin cannot lock everyone out).
- Every change lands in `core.AuditLog` with the field names, never their values.
"""

from __future__ import annotations

import re
from typing import Any

from django.contrib.auth import password_validation
from django.contrib.auth.base_user import BaseUserManager
from django.contrib.auth.validators import UnicodeUsernameValidator
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.validators import validate_email
from django.db import transaction
from django.db.models import Q, QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext as _

from kotacerdas.accounts.actions import NAME_MAX, normalize_mobile, split_name
from kotacerdas.accounts.models import STAFF_ROLES, Role, User
from kotacerdas.agencies.models import Agency
from kotacerdas.core.audit import record
from kotacerdas.core.events import publish
from kotacerdas.regions.models import Region

AGENCY_REQUIRED = frozenset({Role.PENGHUBUNG, Role.PETUGAS})
AGENCY_ALLOWED = STAFF_ROLES  # an admin koordinator or operator may belong to an OPD (e.g. Diskominfo)
REGION_ALLOWED = frozenset({Role.PIMPINAN})
PRIVATE_FIELDS = ("nik", "phone")
EDITABLE = ("username", "full_name", "email", "phone", "nik", "position", "role", "agency", "region", "password")
POSITION_MAX = 120
NIK_RE = re.compile(r"^\d{16}$")


def is_superadmin(user: Any) -> bool:
    return bool(getattr(user, "is_authenticated", False) and (user.is_superuser or user.role == Role.SUPERADMIN))


def can_manage_users(user: Any) -> bool:
    return is_superadmin(user) or bool(getattr(user, "is_authenticated", False)
                                       and user.role == Role.ADMIN_KOORDINATOR)


def users_manageable_by(actor: Any) -> QuerySet[User]:
    """The accounts `actor` may list and change; the API answers 404 for any other."""
    qs = User.objects.select_related("agency", "region").order_by("username")
    if is_superadmin(actor):
        return qs
    if can_manage_users(actor):
        return qs.exclude(Q(is_superuser=True) | Q(role=Role.SUPERADMIN))
    return qs.none()


def _authorize_manager(actor: Any) -> None:
    if not can_manage_users(actor):
        raise PermissionDenied(_("Hanya superadmin dan admin koordinator yang dapat mengelola pengguna."))


def _authorize_target(actor: Any, user: User | None) -> None:
    _authorize_manager(actor)
    if user is not None and not users_manageable_by(actor).filter(pk=user.pk).exists():
        raise PermissionDenied(_("Anda tidak berwenang mengubah akun ini."))


def _text(data: dict[str, Any], name: str) -> str:
    value = data.get(name)
    return "" if value is None else " ".join(str(value).split())


def _clean(actor: Any, data: dict[str, Any], user: User | None) -> dict[str, Any]:
    """Checks the fields present in `data` (all of them on create) and the role/agency/region combination."""
    errors: dict[str, list[str]] = {}
    cleaned: dict[str, Any] = {}
    creating = user is None

    def err(name: str, message: str) -> None:
        errors.setdefault(name, []).append(message)

    if not is_superadmin(actor):
        sent = [name for name in PRIVATE_FIELDS if data.get(name) not in (None, "")]
        if sent:
            raise PermissionDenied(_("Hanya superadmin yang dapat mengisi NIK dan nomor HP (%(fields)s).")
                                   % {"fields": ", ".join(sent)})
        # An empty value from someone who cannot see the field must not wipe what the superadmin stored.
        data = {k: v for k, v in data.items() if k not in PRIVATE_FIELDS}

    if creating or "username" in data:
        username = str(data.get("username") or "").strip()
        if not username:
            err("username", _("Nama pengguna wajib diisi."))
        elif len(username) > 150:
            err("username", _("Nama pengguna paling banyak 150 karakter."))
        else:
            try:
                UnicodeUsernameValidator()(username)
            except ValidationError:
                err("username", _("Nama pengguna hanya boleh berisi huruf, angka dan @ . + - _"))
            else:
                others = User.objects.filter(username__iexact=username)
                if user is not None:
                    others = others.exclude(pk=user.pk)
                if others.exists():
                    err("username", _("Nama pengguna ini sudah dipakai."))
        cleaned["username"] = username

    if creating or "full_name" in data:
        full_name = _text(data, "full_name")
        if not full_name:
            err("full_name", _("Nama wajib diisi."))
        elif len(full_name) > NAME_MAX:
            err("full_name", _("Nama terlalu panjang (paling banyak %(max)d karakter).") % {"max": NAME_MAX})
        cleaned["first_name"], cleaned["last_name"] = split_name(full_name)

    if creating or "email" in data:
        email = BaseUserManager.normalize_email(str(data.get("email") or "").strip())
        if not email:
            err("email", _("Alamat e-mail wajib diisi."))
        else:
            try:
                validate_email(email)
            except ValidationError:
                err("email", _("Alamat e-mail tidak valid, contoh: nama@contoh.id."))
            else:
                others = User.objects.filter(email__iexact=email)
                if user is not None:
                    others = others.exclude(pk=user.pk)
                if others.exists():
                    err("email", _("Alamat e-mail ini sudah dipakai akun lain."))
        cleaned["email"] = email

    if "phone" in data:
        raw = str(data.get("phone") or "").strip()
        phone = normalize_mobile(raw) if raw else ""
        if phone is None:
            err("phone", _("Nomor HP tidak valid. Gunakan nomor seluler Indonesia, contoh: 0812-3456-7890."))
        cleaned["phone"] = phone or ""

    if "nik" in data:
        nik = str(data.get("nik") or "").strip()
        if nik and not NIK_RE.match(nik):
            err("nik", _("NIK harus 16 digit angka."))
        cleaned["nik"] = nik

    if "position" in data:
        position = _text(data, "position")
        if len(position) > POSITION_MAX:
            err("position", _("Jabatan paling banyak %(max)d karakter.") % {"max": POSITION_MAX})
        cleaned["position"] = position

    role = user.role if user is not None else Role.WARGA
    if creating or "role" in data:
        role = str(data.get("role") or "")
        if role not in Role.values:
            err("role", _("Peran tidak dikenal."))
        elif role == Role.SUPERADMIN and not is_superadmin(actor):
            raise PermissionDenied(_("Hanya superadmin yang dapat memberikan peran superadmin."))
        elif user is not None and user.pk == actor.pk and role != user.role:
            err("role", _("Anda tidak dapat mengubah peran akun Anda sendiri."))
        cleaned["role"] = role

    agency = user.agency if user is not None else None
    if "agency" in data:
        code = str(data.get("agency") or "").strip()
        agency = Agency.objects.filter(code=code).first() if code else None
        if code and (agency is None or not agency.is_active):
            err("agency", _("OPD tidak dikenal atau tidak aktif."))
    region = user.region if user is not None else None
    if "region" in data:
        code = str(data.get("region") or "").strip()
        region = _city_region(code) if code else None
        if code and region is None:
            err("region", _("Wilayah harus kota ini, salah satu kecamatannya, atau kelurahan/desanya."))

    if role in Role.values:
        # A role change drops an OPD or area the new role cannot hold unless the caller sent one on purpose.
        if role not in AGENCY_ALLOWED:
            if "agency" in data and agency is not None:
                err("agency", _("Peran ini tidak terikat pada OPD."))
            agency = None
        elif role in AGENCY_REQUIRED and agency is None and "agency" not in errors:
            err("agency", _("Penghubung OPD dan petugas lapangan wajib memiliki OPD."))
        if role not in REGION_ALLOWED:
            if "region" in data and region is not None:
                err("region", _("Hanya pimpinan yang memiliki wilayah."))
            region = None
        cleaned["agency"], cleaned["region"] = agency, region

    if creating or "password" in data:
        password = str(data.get("password") or "")
        if password:
            probe = user or User(username=cleaned.get("username", ""), email=cleaned.get("email", ""),
                                 first_name=cleaned.get("first_name", ""), last_name=cleaned.get("last_name", ""))
            try:
                password_validation.validate_password(password, user=probe)
            except ValidationError as exc:
                errors["password"] = list(exc.messages)
        cleaned["password"] = password

    if errors:
        raise ValidationError(errors)
    return cleaned


def _city_region(code: str) -> Region | None:
    from kotacerdas.regions.selectors import city_units

    return city_units().filter(code=code).first()


def check_create_user(actor: Any, data: dict[str, Any]) -> dict[str, Any]:
    """Validates a new account; without a password the account gets none and the person uses 'lupa kata sandi'."""
    _authorize_manager(actor)
    return _clean(actor, data, None)


def _apply_role_flags(user: User) -> None:
    # Django admin access and is_superuser follow the role, so demoting a superadmin really takes the power away.
    user.is_superuser = user.is_staff = user.role == Role.SUPERADMIN


@transaction.atomic
def do_create_user(actor: Any, cleaned: dict[str, Any], request: HttpRequest | None = None) -> User:
    password = cleaned.pop("password", "")
    user = User(**{k: v for k, v in cleaned.items()})
    _apply_role_flags(user)
    if password:
        user.set_password(password)
    else:
        user.set_unusable_password()
    user.save()
    record(actor, "accounts.user_created", user, {"role": user.role, "fields": sorted(cleaned)}, request=request)
    publish("accounts.user_created", {"user_id": user.pk, "role": user.role})
    return user


def check_update_user(actor: Any, user: User, data: dict[str, Any]) -> dict[str, Any]:
    """Validates a partial update; returns only the fields whose value changes (a password always counts)."""
    _authorize_target(actor, user)
    unknown = set(data) - set(EDITABLE)
    if unknown:
        raise ValidationError({name: [_("Kolom ini tidak dapat diubah.")] for name in sorted(unknown)})
    cleaned = _clean(actor, data, user)
    password = cleaned.pop("password", "")
    changes = {k: v for k, v in cleaned.items() if getattr(user, k) != v}
    if password:
        changes["password"] = password
    return changes


@transaction.atomic
def do_update_user(actor: Any, user: User, changes: dict[str, Any], request: HttpRequest | None = None) -> User:
    if not changes:
        return user
    changes = dict(changes)
    password = changes.pop("password", "")
    for name, value in changes.items():
        setattr(user, name, value)
    _apply_role_flags(user)
    if password:
        user.set_password(password)
    user.save()
    fields = sorted([*changes, *(["password"] if password else [])])
    record(actor, "accounts.user_updated", user, {"fields": fields, "role": user.role}, request=request)
    publish("accounts.user_updated", {"user_id": user.pk, "fields": fields})
    return user


def check_set_active(actor: Any, user: User, active: bool, reason: str) -> str:
    _authorize_target(actor, user)
    if not active and user.pk == actor.pk:
        raise ValidationError({"is_active": [_("Anda tidak dapat menonaktifkan akun Anda sendiri.")]})
    if user.is_active == active:
        message = _("Akun ini sudah aktif.") if active else _("Akun ini sudah nonaktif.")
        raise ValidationError({"is_active": [message]})
    reason = " ".join((reason or "").split())
    if len(reason) < 5:
        raise ValidationError({"reason": [_("Alasan wajib diisi (minimal 5 karakter).")]})
    return reason


@transaction.atomic
def do_set_active(actor: Any, user: User, active: bool, reason: str, request: HttpRequest | None = None) -> User:
    """Deactivation keeps the account and its history; its API tokens are revoked so integrations stop at once."""
    from rest_framework.authtoken.models import Token

    user.is_active = active
    user.save(update_fields=["is_active"])
    if not active:
        Token.objects.filter(user=user).delete()
    action = "accounts.user_activated" if active else "accounts.user_deactivated"
    record(actor, action, user, {"reason": reason}, request=request)
    publish(action, {"user_id": user.pk})
    return user
