"""`manage.py sensor_credentials`: device tokens, MQTT passwords, and Mosquitto's password and ACL files.

    sensor_credentials token CODE [--create-kind traffic] [--gateway]   new HTTP/MQTT-envelope token, printed once
    sensor_credentials mqtt CODE                                         new MQTT password, printed once
    sensor_credentials mosquitto --passwd FILE --acl FILE \
        [--bridge-user kotacerdas-bridge --bridge-password ...]          files for Mosquitto (then: kill -HUP)
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from kotacerdas.sensors import actions, registry
from kotacerdas.sensors.models import Device, mosquitto_hash
from kotacerdas.sensors.mqtt import default_prefix


class Command(BaseCommand):
    help = "Menerbitkan token/kata sandi MQTT perangkat sensor dan menulis berkas password/ACL Mosquitto."

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        token = sub.add_parser("token", help="issue a new device token (HTTP Bearer and MQTT envelope)")
        token.add_argument("code")
        token.add_argument("--create-kind", help="create the device with this sensor kind if it does not exist")
        token.add_argument("--gateway", action="store_true", help="with --create-kind: may report any sensor")
        mqtt = sub.add_parser("mqtt", help="issue a new MQTT password (username = device code unless set)")
        mqtt.add_argument("code")
        files = sub.add_parser("mosquitto", help="write Mosquitto password_file and acl_file")
        files.add_argument("--passwd", required=True)
        files.add_argument("--acl", required=True)
        files.add_argument("--bridge-user", default="kotacerdas-bridge")
        files.add_argument("--bridge-password", default=os.environ.get("MQTT_BRIDGE_PASSWORD", ""))

    def _device(self, code: str, create_kind: str | None = None, gateway: bool = False) -> Device:
        device = Device.objects.filter(code=code).first()
        if device is None and create_kind:
            if registry.get(create_kind) is None:
                raise CommandError(f"unknown sensor kind {create_kind!r}; known: {registry.kinds()}")
            device = Device(code=code, kind=create_kind, is_gateway=gateway,
                            owner_module=registry.get(create_kind).owner_module)
            device.full_clean()
            device.save()
        if device is None:
            raise CommandError(f"no device {code!r} (use --create-kind KIND to create it)")
        return device

    def handle(self, *args: Any, **options: Any) -> None:
        action = options["action"]
        if action == "token":
            device = self._device(options["code"], options["create_kind"], options["gateway"])
            self.stdout.write(actions.do_issue_token(None, device))
        elif action == "mqtt":
            device = self._device(options["code"])
            raw = actions.do_issue_mqtt_password(None, device)
            self.stdout.write(f"{device.mqtt_username} {raw}")
        else:
            self._mosquitto(options)

    def _mosquitto(self, options: dict[str, Any]) -> None:
        prefix = default_prefix()
        passwd: list[str] = []
        acl = ["# Written by manage.py sensor_credentials mosquitto; regenerate rather than edit.", ""]
        bridge_user, bridge_password = options["bridge_user"], options["bridge_password"]
        if bridge_password:
            passwd.append(f"{bridge_user}:{mosquitto_hash(bridge_password)}")
        acl += [f"user {bridge_user}", f"topic read {prefix}/#", ""]
        devices = Device.objects.filter(is_active=True).exclude(mqtt_password_hash="").order_by("code")
        for device in devices:
            passwd.append(f"{device.mqtt_username}:{device.mqtt_password_hash}")
            # Each device may publish only under its own code: the topic then proves who sent it.
            acl += [f"user {device.mqtt_username}", f"topic write {prefix}/{device.code}/#", ""]
        Path(options["passwd"]).write_text("\n".join(passwd) + "\n")
        Path(options["acl"]).write_text("\n".join(acl))
        os.chmod(options["passwd"], 0o600)
        self.stdout.write(f"{len(passwd)} users written to {options['passwd']}, ACL to {options['acl']}"
                          + ("" if bridge_password else " (no --bridge-password: add the bridge user yourself)"))
