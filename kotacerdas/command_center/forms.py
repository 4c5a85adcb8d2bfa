"""Forms of the performance pages. Thin: the rules live in actions.py and performance.py."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from kotacerdas.command_center import performance
from kotacerdas.command_center.models import DisputeStatus

MAX_PERIOD_DAYS = 731


class PeriodForm(forms.Form):
    dari = forms.DateField(label=_("Diterima dari"), required=False,
                           widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"))
    sampai = forms.DateField(label=_("Diterima sampai"), required=False,
                             widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"))

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        start, end = data.get("dari"), data.get("sampai")
        if start and end:
            if end < start:
                self.add_error("sampai", _("Tanggal akhir harus sesudah tanggal awal."))
            elif (end - start).days > MAX_PERIOD_DAYS:
                self.add_error("sampai", _("Periode paling panjang dua tahun."))
        return data

    def period(self) -> performance.Period:
        """The chosen period; the default (last 90 days) for an empty or invalid form."""
        default = performance.default_period()
        if not self.is_bound or not self.is_valid():
            return default
        start = self.cleaned_data.get("dari")
        end = self.cleaned_data.get("sampai") or default.end
        return performance.Period(start or min(end, default.end) - timedelta(days=89), end)


class MonthForm(forms.Form):
    bulan = forms.CharField(label=_("Bulan"), required=False, widget=forms.TextInput(attrs={"type": "month"}))

    def clean_bulan(self) -> date | None:
        value = (self.cleaned_data.get("bulan") or "").strip()
        if not value:
            return None
        try:
            year, month = (int(p) for p in value.split("-"))
            return date(year, month, 1)
        except (TypeError, ValueError):
            raise forms.ValidationError(_("Bulan tidak valid (format TTTT-BB, misalnya 2026-11).")) from None

    def month(self, today: date) -> date:
        """The chosen month; last month by default (a monthly report is read after the month ends)."""
        if self.is_bound and self.is_valid() and self.cleaned_data.get("bulan"):
            return self.cleaned_data["bulan"]
        return performance.last_month(today)


class DisputeForm(forms.Form):
    reason = forms.CharField(label=_("Alasan keberatan"), widget=forms.Textarea(attrs={"rows": 4}),
                             required=False,
                             help_text=_("Mengapa keterlambatan ini bukan tanggung jawab OPD Anda (minimal 20 "
                                         "karakter)."))


class DecisionForm(forms.Form):
    decision = forms.ChoiceField(label=_("Keputusan"), required=False, widget=forms.RadioSelect,
                                 choices=[(DisputeStatus.DITERIMA, _("Terima: tanda merah dicabut")),
                                          (DisputeStatus.DITOLAK, _("Tolak: tanda merah tetap"))])
    note = forms.CharField(label=_("Dasar keputusan"), widget=forms.Textarea(attrs={"rows": 3}), required=False)
