"""`manage.py mqtt_bridge`: MQTT -> the sensor ingestion pipeline. Started by `serve` when MQTT_URL is set."""

from __future__ import annotations

import signal
from types import FrameType
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser

from kotacerdas.sensors import registry
from kotacerdas.sensors.mqtt import Bridge, default_prefix


class Command(BaseCommand):
    help = "Menjembatani pesan MQTT perangkat sensor ke penyimpanan (QoS 1, tersambung ulang otomatis)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--url", default=settings.MQTT_URL,
                            help="mqtt://user:password@host:1883 (default: MQTT_URL)")
        parser.add_argument("--prefix", default=default_prefix(), help="topic prefix (default kotacerdas)")
        parser.add_argument("--client-id", default="kotacerdas-bridge",
                            help="fixed id: the broker keeps QoS 1 messages for it while the bridge is down")
        parser.add_argument("--share", default=None, metavar="GROUP",
                            help="shared subscription: bridges with the same group (each its own --client-id) "
                                 "split the messages between them")
        parser.add_argument("--kind", action="append", dest="kinds",
                            help="only these sensor kinds (repeatable; default: every registered kind)")

    def handle(self, *args: Any, **options: Any) -> None:
        if not options["url"]:
            raise CommandError("MQTT_URL is not set (e.g. MQTT_URL=mqtt://127.0.0.1:1883)")
        kinds = options["kinds"] or registry.kinds()
        unknown = sorted(set(kinds) - set(registry.kinds()))
        if unknown:
            raise CommandError(f"unknown sensor kind(s): {', '.join(unknown)}; known: {registry.kinds()}")
        try:
            bridge = Bridge(options["url"], prefix=options["prefix"], client_id=options["client_id"], kinds=kinds,
                            share=options["share"])
        except ValueError as exc:
            raise CommandError(str(exc)) from None

        def stop(signum: int, frame: FrameType | None) -> None:
            bridge.stop()

        signal.signal(signal.SIGINT, stop)
        signal.signal(signal.SIGTERM, stop)
        self.stdout.write(f"mqtt_bridge: {bridge.broker.host}:{bridge.broker.port} {' '.join(bridge.topics)}")
        bridge.run_forever()
        self.stdout.write(f"mqtt_bridge: stopped after {bridge.processed} messages")
