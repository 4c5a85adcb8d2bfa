"""Open311 GeoReport v2: what the server adds around complaints (complaints-open311-lapor.md §2).

Complaints themselves stay in `kotacerdas.complaints`; this app keeps only what Open311 needs beside them:
service definitions (attributes) and service type, integrators' API keys, batch tokens, the answers to
service attributes, client updates (mySociety servicerequestupdates) and Idempotency-Key replays.
"""

from __future__ import annotations

import hashlib
import secrets

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MinValueValidator, RegexValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

# open311-adapter's identifier rule (complaints-open311-lapor.md §1.5c): codes are safe in URLs and XML.
CODE_VALIDATOR = RegexValidator(r"^[\w-]+$", _("Hanya huruf, angka, garis bawah dan tanda minus."))


class ServiceType(models.TextChoices):
    REALTIME = "realtime", _("realtime (nomor aduan langsung)")
    BATCH = "batch", _("batch (token, nomor aduan menyusul)")


class ServiceConfig(models.Model):
    """How a category is offered as an Open311 service. No row = realtime."""

    category = models.OneToOneField("complaints.Category", on_delete=models.CASCADE, related_name="open311")
    type = models.CharField(_("tipe"), max_length=10, choices=ServiceType.choices, default=ServiceType.REALTIME)

    class Meta:
        verbose_name = _("layanan Open311")
        verbose_name_plural = _("layanan Open311")

    def __str__(self) -> str:
        return f"{self.category.code}: {self.type}"


class Datatype(models.TextChoices):
    STRING = "string", "string"
    NUMBER = "number", "number"
    DATETIME = "datetime", "datetime"
    TEXT = "text", "text"
    SINGLEVALUELIST = "singlevaluelist", "singlevaluelist"
    MULTIVALUELIST = "multivaluelist", "multivaluelist"


LIST_DATATYPES = (Datatype.SINGLEVALUELIST, Datatype.MULTIVALUELIST)


class ServiceAttribute(models.Model):
    """One extra question of a service definition (v2 `attribute`)."""

    category = models.ForeignKey("complaints.Category", on_delete=models.CASCADE, related_name="open311_attributes")
    code = models.CharField(_("kode"), max_length=60, validators=[CODE_VALIDATOR])
    # v2 `variable`: false = information shown to the citizen only, never an input.
    variable = models.BooleanField(_("isian warga"), default=True)
    datatype = models.CharField(max_length=16, choices=Datatype.choices, default=Datatype.STRING)
    required = models.BooleanField(_("wajib"), default=False)
    datatype_description = models.CharField(_("petunjuk isian"), max_length=255, blank=True)
    order = models.PositiveIntegerField(_("urutan"), validators=[MinValueValidator(1)])
    description = models.CharField(_("pertanyaan"), max_length=500)
    # For the list datatypes: [{"key": "...", "name": "..."}, ...]
    values = models.JSONField(_("pilihan"), default=list, blank=True)

    class Meta:
        ordering = ["category", "order"]
        constraints = [
            models.UniqueConstraint(fields=["category", "code"], name="open311_attr_code_unique"),
            models.UniqueConstraint(fields=["category", "order"], name="open311_attr_order_unique"),
        ]
        verbose_name = _("atribut layanan Open311")
        verbose_name_plural = _("atribut layanan Open311")

    def __str__(self) -> str:
        return f"{self.category.code}.{self.code}"

    def value_keys(self) -> list[str]:
        return [str(v.get("key")) for v in (self.values or []) if isinstance(v, dict)]

    def clean(self) -> None:
        values = self.values or []
        if self.datatype in LIST_DATATYPES:
            ok = isinstance(values, list) and values and all(
                isinstance(v, dict) and str(v.get("key", "")).strip() and str(v.get("name", "")).strip()
                for v in values
            )
            if not ok:
                raise ValidationError({"values": _('Isi daftar pilihan: [{"key": "...", "name": "..."}].')})
            keys = self.value_keys()
            if len(set(keys)) != len(keys):
                raise ValidationError({"values": _("Kunci pilihan tidak boleh kembar.")})
        elif values:
            raise ValidationError({"values": _("Pilihan hanya untuk singlevaluelist dan multivaluelist.")})


def _hash_key(raw: str) -> str:
    # The keys are 256-bit random strings, so a plain SHA-256 is enough (no password stretching needed) and
    # allows an indexed lookup.
    return hashlib.sha256(raw.encode("utf-8")).hexdigest()


class ApiKey(models.Model):
    """One integrator's key for POST. Only the hash is stored; the key is shown once when created."""

    integrator = models.CharField(_("integrator"), max_length=120)
    prefix = models.CharField(_("awalan kunci"), max_length=16, editable=False)
    key_hash = models.CharField(max_length=64, unique=True, editable=False)
    is_active = models.BooleanField(_("aktif"), default=True)
    rate_limit_per_minute = models.PositiveIntegerField(
        _("batas permintaan per menit"), default=60, validators=[MinValueValidator(1)]
    )
    note = models.TextField(_("catatan"), blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                   related_name="+", editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    last_used_at = models.DateTimeField(_("terakhir dipakai"), null=True, blank=True, editable=False)

    class Meta:
        ordering = ["integrator"]
        verbose_name = _("kunci API Open311")
        verbose_name_plural = _("kunci API Open311")

    def __str__(self) -> str:
        return f"{self.integrator} ({self.prefix}…)"

    def issue(self) -> str:
        """Sets a new random key on this row and returns it in clear (the only time it exists in clear)."""
        raw = "kc311_" + secrets.token_urlsafe(32)
        self.prefix = raw[:12]
        self.key_hash = _hash_key(raw)
        return raw

    @classmethod
    def authenticate(cls, raw: str | None) -> ApiKey | None:
        if not raw or len(raw) > 200:
            return None
        return cls.objects.filter(key_hash=_hash_key(raw), is_active=True).first()


class SubmittedRequest(models.Model):
    """A complaint that arrived through Open311: which key sent it and the v2 fields that have no home elsewhere.

    The sending key is what lets a client act for the reporter later (REOPEN through servicerequestupdates).
    """

    complaint = models.OneToOneField("complaints.Complaint", on_delete=models.CASCADE, related_name="open311")
    api_key = models.ForeignKey(ApiKey, null=True, on_delete=models.SET_NULL, related_name="requests")
    account_id = models.CharField(max_length=120, blank=True)
    device_id = models.CharField(max_length=120, blank=True)
    media_url = models.URLField(max_length=500, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return f"complaint {self.complaint_id} via key {self.api_key_id}"


class RequestAttributeValue(models.Model):
    """A citizen's answer to a service attribute (multivaluelist answers are stored as a list)."""

    complaint = models.ForeignKey("complaints.Complaint", on_delete=models.CASCADE,
                                  related_name="open311_attributes")
    code = models.CharField(max_length=60)
    value = models.JSONField()

    class Meta:
        constraints = [models.UniqueConstraint(fields=["complaint", "code"], name="open311_answer_unique")]

    def __str__(self) -> str:
        return f"{self.complaint_id}.{self.code}"


class TokenStatus(models.TextChoices):
    PENDING = "pending", _("menunggu")
    CREATED = "created", _("aduan dibuat")
    FAILED = "failed", _("gagal")


class RequestToken(models.Model):
    """A batch POST: the token answers at once, a task creates the complaint and fills `complaint` in."""

    token = models.CharField(max_length=40, unique=True)
    api_key = models.ForeignKey(ApiKey, null=True, on_delete=models.SET_NULL, related_name="tokens")
    # The checked input until the task has created the complaint; emptied then (it holds contact details).
    payload = models.JSONField(default=dict, blank=True)
    status = models.CharField(max_length=10, choices=TokenStatus.choices, default=TokenStatus.PENDING)
    error = models.TextField(blank=True)
    complaint = models.ForeignKey("complaints.Complaint", null=True, blank=True, on_delete=models.SET_NULL,
                                  related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    processed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("token Open311")
        verbose_name_plural = _("token Open311")

    def __str__(self) -> str:
        return self.token


class RequestUpdate(models.Model):
    """A client's update (mySociety servicerequestupdates POST), stored once per key and client update_id."""

    api_key = models.ForeignKey(ApiKey, on_delete=models.CASCADE, related_name="updates")
    update_id = models.CharField(max_length=100)
    complaint = models.ForeignKey("complaints.Complaint", on_delete=models.CASCADE, related_name="+")
    status = models.CharField(max_length=30)
    description = models.TextField(blank=True)  # masked copy; the action keeps the original for staff
    updated_datetime = models.DateTimeField()
    event = models.ForeignKey("complaints.ComplaintEvent", null=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        # Per key, not global: two integrators both numbering their updates from 1 must not collide.
        constraints = [models.UniqueConstraint(fields=["api_key", "update_id"], name="open311_update_unique")]

    def __str__(self) -> str:
        return f"{self.update_id} {self.status}"


class IdempotencyRecord(models.Model):
    """The response to a successful POST with an Idempotency-Key, replayed when the same key comes again."""

    api_key = models.ForeignKey(ApiKey, on_delete=models.CASCADE, related_name="+")
    key = models.CharField(max_length=255)
    request_hash = models.CharField(max_length=64)
    status_code = models.PositiveSmallIntegerField()
    content_type = models.CharField(max_length=60)
    body = models.TextField()
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["api_key", "key"], name="open311_idem_unique")]

    def __str__(self) -> str:
        return self.key
