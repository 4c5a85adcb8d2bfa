"""Signal receivers of the core app (imported by CoreConfig.ready)."""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver

from kotacerdas.core import deadlines
from kotacerdas.core.models import Holiday


@receiver(post_save, sender=Holiday, dispatch_uid="core.holiday_saved_clears_calendar")
@receiver(post_delete, sender=Holiday, dispatch_uid="core.holiday_deleted_clears_calendar")
def holiday_changed(sender: type[Holiday], using: str = "default", **kwargs: Any) -> None:
    # Now, so this request sees its own change; and after commit, because a calendar another thread builds
    # meanwhile reads the old, still committed rows.
    deadlines.clear_cache()
    transaction.on_commit(deadlines.clear_cache, using=using)
