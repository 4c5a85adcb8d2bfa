"""The append-only audit trail for changes and for every view of personal data by staff."""

from __future__ import annotations

from typing import Any

from django.db import models
from django.http import HttpRequest

from kotacerdas.core.models import AuditLog


def client_ip(request: HttpRequest | None) -> str | None:
    if request is None:
        return None
    return request.META.get("REMOTE_ADDR") or None


def record(
    actor: Any, action: str, target: models.Model, data: dict[str, Any] | None = None,
    request: HttpRequest | None = None,
) -> AuditLog:
    return AuditLog.objects.create(
        actor=actor if getattr(actor, "is_authenticated", False) else None,
        action=action,
        target_type=target._meta.label_lower,
        target_id=str(target.pk),
        data=data or {},
        ip=client_ip(request),
    )
