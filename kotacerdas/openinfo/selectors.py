"""Who may see and do what in the PPID service, and role-scoped reads of the registers.

- PPID officers (`Role.PPID`) and superadmin: the whole register, answer requests, keep the DIP.
- Atasan PPID: the accounts named in PPID_ATASAN_USERNAMES, or by default every city-wide pimpinan (the Sekda,
  the Wali Kota: `Role.PIMPINAN` without a region). They answer keberatan and read the register.
- Warga: their own requests and keberatan only.
- Everyone: the published DIP and the open-data catalogue.
"""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet

from kotacerdas.accounts.models import Role, User
from kotacerdas.openinfo import rules
from kotacerdas.openinfo.models import DipCategory, DipEntry, InfoRequest, Objection


def _auth(user: Any) -> bool:
    return bool(getattr(user, "is_authenticated", False))


def is_ppid(user: Any) -> bool:
    return _auth(user) and bool(user.is_superuser or user.role in (Role.PPID, Role.SUPERADMIN))


def is_atasan(user: Any) -> bool:
    if not _auth(user):
        return False
    names = rules.atasan_usernames()
    if names:
        return user.username in names
    return user.role == Role.PIMPINAN and user.region_id is None


def can_view_register(user: Any) -> bool:
    return is_ppid(user) or is_atasan(user)


def ppid_officers() -> QuerySet[User]:
    return User.objects.filter(role=Role.PPID, is_active=True)


def atasan_users() -> QuerySet[User]:
    names = rules.atasan_usernames()
    if names:
        return User.objects.filter(username__in=names, is_active=True)
    return User.objects.filter(role=Role.PIMPINAN, region__isnull=True, is_active=True)


def requests_for(user: Any) -> QuerySet[InfoRequest]:
    qs = InfoRequest.objects.select_related("agency", "requester")
    if can_view_register(user):
        return qs
    if _auth(user):
        return qs.filter(requester=user)
    return qs.none()


def objections_for(user: Any) -> QuerySet[Objection]:
    qs = Objection.objects.select_related("request")
    if can_view_register(user):
        return qs
    if _auth(user):
        return qs.filter(request__requester=user)
    return qs.none()


def is_owner(user: Any, request: InfoRequest) -> bool:
    return _auth(user) and request.requester_id == user.pk


def dip_for(user: Any) -> QuerySet[DipEntry]:
    """Staff see every line (drafts, dikecualikan); the public sees published lines that are not excluded."""
    qs = DipEntry.objects.select_related("agency")
    if is_ppid(user):
        return qs
    return qs.filter(is_published=True).exclude(category=DipCategory.DIKECUALIKAN)
