"""E-parking forms. They only shape the input (types, widgets, Indonesian labels and messages); the rules live in
parking/actions.py, and views copy an action's ValidationError onto the form with `add_action_errors`."""

from __future__ import annotations

import uuid
from datetime import date, timedelta
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from kotacerdas.core.forms import ActionForm
from kotacerdas.parking.models import (
    JukirStatus,
    PaymentMethod,
    PaymentProvider,
    VehicleClass,
    ViolationStatus,
)

REQUIRED = {"required": _("Wajib diisi."), "invalid_choice": _("Pilihan tidak dikenal.")}

# What the jukir's phone offers. Cash stays on the page on purpose: at a non-e-parking point it is allowed, and at
# an e-parking point the refusal (and its violation record) is the point of rule 39, not a hidden button.
MOBILE_METHODS = [
    (PaymentMethod.QRIS_DYNAMIC.value, _("QRIS")),
    (PaymentMethod.EMONEY.value, _("Uang elektronik")),
    (PaymentMethod.CASH.value, _("Tunai")),
]


def new_reference() -> str:
    """A payment reference made when the page is drawn: a double tap or a reload re-sends the same one, and
    record_payment's idempotency turns the second into 'already recorded' instead of a second charge."""
    return f"hp-{uuid.uuid4().hex[:20]}"


class PaymentForm(ActionForm):
    error_aliases = {"sticker_barcode": "sticker", "amount": "vehicle_class"}

    reference = forms.CharField(max_length=100, widget=forms.HiddenInput, error_messages=REQUIRED)
    point = forms.ChoiceField(label=_("Titik parkir"), error_messages=REQUIRED)
    vehicle_class = forms.ChoiceField(label=_("Golongan kendaraan"), choices=VehicleClass.choices,
                                      widget=forms.RadioSelect, error_messages={
                                          **REQUIRED, "required": _("Pilih golongan kendaraan.")})
    method = forms.ChoiceField(label=_("Cara bayar"), choices=MOBILE_METHODS, widget=forms.RadioSelect,
                               error_messages={**REQUIRED, "required": _("Pilih cara bayar.")})
    plate = forms.CharField(label=_("Nomor polisi (tidak wajib)"), max_length=16, required=False,
                            widget=forms.TextInput(attrs={"autocomplete": "off", "autocapitalize": "characters",
                                                          "placeholder": "BK 1234 ABC"}))
    sticker = forms.CharField(label=_("Barcode stiker berlangganan (tidak wajib)"), max_length=80, required=False,
                              widget=forms.TextInput(attrs={"autocomplete": "off", "inputmode": "text"}))

    def __init__(self, *args: Any, points: list[tuple[str, str]] | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["point"].choices = points or []
        if not self.is_bound:
            self.initial.setdefault("reference", new_reference())

    def clean_plate(self) -> str:
        # Stored normalised like Sticker.plate (upper case, no spaces) so a sticker lookup by plate matches.
        return "".join(self.cleaned_data.get("plate", "").split()).upper()

    def clean_sticker(self) -> str:
        return self.cleaned_data.get("sticker", "").strip()


class DutyForm(ActionForm):
    action = forms.ChoiceField(choices=[("mulai", _("Mulai bertugas")), ("selesai", _("Selesai bertugas"))],
                               error_messages=REQUIRED)
    point = forms.ChoiceField(label=_("Titik parkir"), required=False, error_messages=REQUIRED)

    def __init__(self, *args: Any, points: list[tuple[str, str]] | None = None, **kwargs: Any) -> None:
        kwargs.setdefault("auto_id", "duty_%s")  # shares the page with PaymentForm: no duplicate element ids
        super().__init__(*args, **kwargs)
        self.fields["point"].choices = [("", "—")] + (points or [])

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        if data.get("action") == "mulai" and not data.get("point"):
            self.add_error("point", _("Pilih titik parkir tempat Anda bertugas."))
        return data


class JukirStatusForm(ActionForm):
    status = forms.ChoiceField(label=_("Status baru"), choices=JukirStatus.choices, error_messages=REQUIRED)
    reason = forms.CharField(label=_("Alasan"), max_length=1000, error_messages={
        "required": _("Tuliskan alasan perubahan status."),
        "max_length": _("Alasan paling panjang 1.000 karakter.")},
        widget=forms.Textarea(attrs={"rows": 2}))

    def clean_reason(self) -> str:
        reason = self.cleaned_data.get("reason", "").strip()
        if not reason:
            raise ValidationError(_("Tuliskan alasan perubahan status."), code="required")
        return reason


class SettlementUploadForm(ActionForm):
    error_aliases = {"data": "file", "filename": "file"}

    provider = forms.ModelChoiceField(label=_("Penyedia pembayaran"), queryset=PaymentProvider.objects.none(),
                                      to_field_name="code", empty_label=_("— Pilih penyedia —"),
                                      error_messages={"required": _("Pilih penyedia pembayaran."),
                                                      "invalid_choice": _("Penyedia tidak dikenal.")})
    file = forms.FileField(label=_("Berkas settlement (CSV)"), error_messages={
        "required": _("Pilih berkas CSV settlement."), "empty": _("Berkas kosong."),
        "invalid": _("Berkas tidak dapat dibaca.")},
        help_text=_("Kolom: reference, merchant_id, amount, fee, paid_at[, settlement_date]. Berkas yang sama "
                    "diunggah dua kali tidak dihitung dua kali."),
        widget=forms.ClearableFileInput(attrs={"accept": ".csv,text/csv"}))

    # A month of 152 points is ~1 MB; anything far above is not a daily settlement file.
    MAX_BYTES = 20 * 1024 * 1024

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["provider"].queryset = PaymentProvider.objects.filter(is_active=True)

    def clean_file(self) -> Any:
        upload = self.cleaned_data.get("file")
        if upload is not None and upload.size > self.MAX_BYTES:
            raise ValidationError(_("Berkas terlalu besar (paling besar 20 MB)."), code="too_big")
        return upload


class ViolationReviewForm(ActionForm):
    status = forms.ChoiceField(label=_("Hasil tinjauan"), choices=[
        (ViolationStatus.REVIEWED.value, _("Pelanggaran (ditinjau)")),
        (ViolationStatus.DISMISSED.value, _("Bukan pelanggaran")),
    ], error_messages=REQUIRED)
    note = forms.CharField(label=_("Catatan"), max_length=2000, required=False,
                           widget=forms.TextInput(attrs={"placeholder": _("Catatan tinjauan")}))


GROUP_CHOICES = [
    ("point", _("Titik parkir")), ("segment", _("Ruas jalan")), ("operator", _("Operator")),
    ("jukir", _("Jukir")), ("day", _("Hari")),
]
DAYS_CHOICES = [(1, _("1 hari")), (7, _("7 hari")), (14, _("14 hari")), (30, _("30 hari"))]
# Long periods are a report for a year's PAD; cap them so one request cannot group years of rows per jukir.
MAX_PERIOD_DAYS = 366


class PeriodForm(forms.Form):
    """Report parameters from the query string; invalid values fall back to defaults with a message."""

    by = forms.ChoiceField(label=_("Kelompokkan per"), choices=GROUP_CHOICES, required=False)
    start = forms.DateField(label=_("Dari tanggal"), required=False,
                            widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
                            error_messages={"invalid": _("Tanggal tidak valid (format TTTT-BB-HH).")})
    end = forms.DateField(label=_("Sampai tanggal"), required=False,
                          widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
                          error_messages={"invalid": _("Tanggal tidak valid (format TTTT-BB-HH).")})

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        start, end = data.get("start"), data.get("end")
        if start and end:
            if start > end:
                self.add_error("end", _("Tanggal akhir tidak boleh sebelum tanggal awal."))
            elif (end - start).days >= MAX_PERIOD_DAYS:
                self.add_error("start", _("Periode paling panjang 366 hari."))
        return data

    def period(self, today: date | None = None) -> tuple[str, date, date]:
        today = today or timezone.localdate()
        data = self.cleaned_data if self.is_valid() else {}
        end = data.get("end") or today
        start = data.get("start") or (end - timedelta(days=6))
        return data.get("by") or "point", start, end


class AuditForm(forms.Form):
    days = forms.TypedChoiceField(label=_("Periode"), choices=DAYS_CHOICES, coerce=int, required=False,
                                  error_messages=REQUIRED)
    end = forms.DateField(label=_("Sampai tanggal"), required=False,
                          widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
                          error_messages={"invalid": _("Tanggal tidak valid (format TTTT-BB-HH).")})
    operator = forms.CharField(label=_("Operator"), required=False,
                               widget=forms.Select(choices=[]))

    def __init__(self, *args: Any, operators: list[tuple[str, str]] | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["operator"].widget.choices = [("", _("Semua"))] + (operators or [])
        self.operator_codes = {code for code, _label in operators or []}

    def clean_operator(self) -> str:
        code = self.cleaned_data.get("operator", "")
        if code and code not in self.operator_codes:
            raise ValidationError(_("Operator tidak dikenal."), code="invalid_choice")
        return code
