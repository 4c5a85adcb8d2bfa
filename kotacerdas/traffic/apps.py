from __future__ import annotations

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class TrafficConfig(AppConfig):
    name = "kotacerdas.traffic"
    label = "traffic"
    verbose_name = _("Lalu lintas (ATCS)")

    def ready(self) -> None:
        from kotacerdas.sensors import registry
        from kotacerdas.traffic.ingest import TrafficHandler

        registry.register(TrafficHandler())
