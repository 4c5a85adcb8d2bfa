"""Devices that push measurements, and the quarantine of what they sent that could not be stored.

The measurements themselves live in the owning module (traffic.TrafficReading, later parking, street lights, water
level); this app only knows who may send and what was refused. See kotacerdas/sensors/README.md.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import secrets

from django.conf import settings
from django.core.validators import RegexValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

# Device codes appear in MQTT topics (kotacerdas/<code>/<kind>/...), so no '/', '+', '#' or spaces.
CODE_VALIDATOR = RegexValidator(r"^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$",
                                _("Hanya huruf, angka, titik, garis bawah dan tanda minus."))
TOKEN_PREFIX = "kcdev_"

# Mosquitto's own password format (mosquitto_passwd, 2.0): $7$ = PBKDF2-HMAC-SHA512, 101 iterations, 12-byte
# salt, both base64. Storing it in this form lets `sensor_credentials mosquitto` write the broker's password_file
# without ever keeping the clear password.
MOSQUITTO_ITERATIONS = 101
MOSQUITTO_SALT_BYTES = 12


def hash_token(raw: str) -> str:
    # A random 256-bit token needs no slow hash: SHA-256 keeps the per-request check cheap (like Open311 keys).
    return hashlib.sha256(raw.encode()).hexdigest()


def mosquitto_hash(password: str, salt: bytes | None = None, iterations: int = MOSQUITTO_ITERATIONS) -> str:
    salt = salt if salt is not None else secrets.token_bytes(MOSQUITTO_SALT_BYTES)
    digest = hashlib.pbkdf2_hmac("sha512", password.encode(), salt, iterations)
    return f"$7${iterations}${base64.b64encode(salt).decode()}${base64.b64encode(digest).decode()}"


def mosquitto_check(password: str, encoded: str) -> bool:
    try:
        _empty, algo, iterations, salt, _digest = encoded.split("$")
        if algo != "7":
            return False
        expected = mosquitto_hash(password, base64.b64decode(salt), int(iterations))
    except (ValueError, TypeError):
        return False
    return hmac.compare_digest(expected, encoded)


class Device(models.Model):
    """One thing that pushes measurements: an ATCS controller, a camera box, a gateway, a parking meter.

    HTTP: `Authorization: Bearer <token>`; only the SHA-256 of the token is kept. MQTT: the broker checks
    `mqtt_username` / password (Mosquitto password_file written from `mqtt_password_hash`); the bridge checks the
    device code in the topic and, unless the broker's ACL is trusted, the token in the message.
    """

    code = models.CharField(_("kode perangkat"), max_length=64, unique=True, validators=[CODE_VALIDATOR])
    name = models.CharField(_("nama"), max_length=120, blank=True)
    # The sensor kind it reports, i.e. the measurement handler that takes its data ("traffic", "parking", ...).
    kind = models.CharField(_("jenis sensor"), max_length=30, db_index=True)
    # The app that owns the device's sensors (traffic for ATCS); informative, for admins and exports.
    owner_module = models.CharField(_("modul pemilik"), max_length=30, blank=True)
    # A gateway (e.g. the ATCS central server) may report for every sensor of its kind, not only its own.
    is_gateway = models.BooleanField(_("gateway (boleh mengirim untuk semua sensor sejenis)"), default=False)
    is_active = models.BooleanField(_("aktif"), default=True)
    is_demo = models.BooleanField(default=False, editable=False)
    token_prefix = models.CharField(_("awalan token"), max_length=16, blank=True, editable=False)
    token_hash = models.CharField(max_length=64, blank=True, db_index=True, editable=False)
    mqtt_username = models.CharField(_("nama pengguna MQTT"), max_length=64, blank=True, unique=True, null=True)
    mqtt_password_hash = models.CharField(max_length=200, blank=True, editable=False)
    last_seen_at = models.DateTimeField(_("terakhir mengirim"), null=True, blank=True, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    note = models.TextField(_("catatan"), blank=True)

    class Meta:
        ordering = ["code"]
        verbose_name = _("perangkat sensor")
        verbose_name_plural = _("perangkat sensor")

    def __str__(self) -> str:
        return self.code

    def issue_token(self) -> str:
        """Sets a new random token and returns it in clear: the only time it exists in clear. Caller saves."""
        raw = TOKEN_PREFIX + secrets.token_urlsafe(32)
        self.token_prefix = raw[:12]
        self.token_hash = hash_token(raw)
        return raw

    def issue_mqtt_password(self) -> str:
        raw = secrets.token_urlsafe(24)
        self.mqtt_username = self.mqtt_username or self.code
        self.mqtt_password_hash = mosquitto_hash(raw)
        return raw

    def check_token(self, raw: str) -> bool:
        return bool(self.token_hash) and hmac.compare_digest(self.token_hash, hash_token(raw))

    @classmethod
    def authenticate(cls, raw: str | None) -> Device | None:
        """The device this token belongs to (active or not: the caller tells 401 from 403), or None."""
        if not raw or len(raw) > 200:
            return None
        return cls.objects.filter(token_hash=hash_token(raw)).first()


class Reason(models.TextChoices):
    UNPARSEABLE = "unparseable", _("isi tidak terbaca")
    MALFORMED = "malformed", _("format data salah")
    UNKNOWN_DEVICE = "unknown_device", _("perangkat tidak dikenal")
    UNAUTHENTICATED = "unauthenticated", _("token perangkat salah atau tidak ada")
    UNKNOWN_SENSOR = "unknown_sensor", _("sensor tidak dikenal")
    NOT_OWNED = "not_owned", _("sensor bukan milik perangkat ini")
    INVALID_VALUE = "invalid_value", _("nilai mustahil")
    FUTURE = "future", _("waktu di masa depan")
    TOO_LATE = "too_late", _("terlambat (di luar jendela data terlambat)")


class Source(models.TextChoices):
    HTTP = "http", "HTTP"
    MQTT = "mqtt", "MQTT"


class Quarantine(models.Model):
    """One thing a device sent that was not stored, with the reason. Nothing is dropped silently."""

    created_at = models.DateTimeField(_("diterima"), db_index=True)
    kind = models.CharField(_("jenis sensor"), max_length=30, db_index=True)
    source = models.CharField(_("kanal"), max_length=4, choices=Source.choices)
    device = models.ForeignKey(Device, null=True, blank=True, on_delete=models.SET_NULL, related_name="quarantine",
                               verbose_name=_("perangkat"))
    # The sensor as the device named it (detector code for traffic), kept even when no such sensor exists.
    sensor_key = models.CharField(_("sensor"), max_length=100, blank=True, db_index=True)
    reason_code = models.CharField(_("alasan"), max_length=20, choices=Reason.choices, db_index=True)
    reason = models.TextField(_("keterangan"))
    item_index = models.IntegerField(_("urutan dalam kiriman"), null=True, blank=True)
    payload = models.JSONField(_("data diterima"), null=True, blank=True)
    topic = models.CharField(_("topik MQTT"), max_length=200, blank=True)
    resolved_at = models.DateTimeField(_("ditangani"), null=True, blank=True)
    resolved_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                    related_name="+")

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("karantina data sensor")
        verbose_name_plural = _("karantina data sensor")

    def __str__(self) -> str:
        return f"{self.kind} {self.sensor_key or '-'}: {self.get_reason_code_display()}"
