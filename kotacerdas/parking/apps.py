from __future__ import annotations

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ParkingConfig(AppConfig):
    name = "kotacerdas.parking"
    label = "parking"
    verbose_name = _("E-parking")

    def ready(self) -> None:
        # Occupancy (Smart Data Models ParkingSpot / OnStreetParking) arrives through the shared sensor pipeline:
        # POST /api/v1/ingest/parking and MQTT kotacerdas/<device>/parking/...
        from kotacerdas.parking.ingest import ParkingOccupancyHandler
        from kotacerdas.sensors import registry

        registry.register(ParkingOccupancyHandler())
