from __future__ import annotations

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class OpeninfoConfig(AppConfig):
    name = "kotacerdas.openinfo"
    label = "openinfo"
    verbose_name = _("Keterbukaan Informasi Publik")
