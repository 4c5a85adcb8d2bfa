from __future__ import annotations

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CommandCenterConfig(AppConfig):
    name = "kotacerdas.command_center"
    label = "command_center"
    verbose_name = _("Command Center")
