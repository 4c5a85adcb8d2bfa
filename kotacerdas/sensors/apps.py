from __future__ import annotations

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SensorsConfig(AppConfig):
    name = "kotacerdas.sensors"
    label = "sensors"
    verbose_name = _("Sensor dan ingesti data")
