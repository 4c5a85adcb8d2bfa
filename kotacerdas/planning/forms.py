"""Forms of the planning screens; they only shape input, the rules live in actions.py."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from kotacerdas.planning import pricing
from kotacerdas.planning.models import KamusEntry, PlanningYear, PriceKind
from kotacerdas.planning.rules import Alignment, Decision, Source

COMPONENT_ROWS = 3


def DATE_WIDGET() -> forms.DateInput:  # noqa: N802 - reads like the widget class it builds
    # ISO value: <input type="date"> ignores the localized d/m/Y format Django would render for "id".
    return forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class UsulanForm(forms.Form):
    source = forms.ChoiceField(label=_("Sumber usulan"), choices=Source.choices)
    kamus = forms.ModelChoiceField(label=_("Jenis usulan (kamus usulan)"), queryset=KamusEntry.objects.none(),
                                   empty_label=_("— pilih jenis usulan —"))
    title = forms.CharField(label=_("Nama usulan"), max_length=200)
    description = forms.CharField(label=_("Permasalahan dan manfaat"), required=False, max_length=2000,
                                  widget=forms.Textarea(attrs={"rows": 3}))
    location_text = forms.CharField(label=_("Lokasi (nama jalan, gang, patokan)"), max_length=200)
    rw = forms.CharField(label=_("RT/RW"), max_length=20, required=False)
    lat = forms.FloatField(widget=forms.HiddenInput, required=False)
    lon = forms.FloatField(widget=forms.HiddenInput, required=False)
    volume = forms.DecimalField(label=_("Volume"), max_digits=12, decimal_places=2, min_value=0)
    urgency = forms.TypedChoiceField(label=_("Urgensi"), coerce=int, initial=3,
                                     choices=[(i, str(i)) for i in range(1, 6)],
                                     help_text=_("1 = dapat ditunda, 5 = sangat mendesak"))
    beneficiaries = forms.IntegerField(label=_("Perkiraan penerima manfaat (orang)"), min_value=0, initial=0,
                                       max_value=10_000_000)
    alignment = forms.TypedChoiceField(label=_("Keselarasan dengan sasaran"), coerce=int,
                                       choices=Alignment.choices, initial=Alignment.NONE)
    photo = forms.FileField(label=_("Foto lokasi (opsional)"), required=False,
                            widget=forms.ClearableFileInput(attrs={"accept": "image/jpeg,image/png,image/webp"}))
    document = forms.FileField(label=_("Dokumen pendukung PDF (opsional)"), required=False,
                               widget=forms.ClearableFileInput(attrs={"accept": "application/pdf"}))

    def __init__(self, *args: Any, year: PlanningYear, sources: list[str], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        labels = dict(Source.choices)
        # The caller's own level first (a lurah enters kelurahan usulan; RW lists are the second choice).
        self.fields["source"].choices = [(v, labels[v]) for v in sources]
        self.fields["source"].initial = sources[0]
        self.fields["kamus"].queryset = KamusEntry.objects.filter(planning_year=year, is_active=True)
        items = list(pricing.current_items(year.year).order_by("code"))
        choices = [("", _("— komponen —"))] + [
            (i.code, f"{i.code} · {i.uraian} ({pricing.fmt_rp(i.price)}/{i.satuan})") for i in items]
        for n in range(1, COMPONENT_ROWS + 1):
            label = _("Komponen %(n)s") % {"n": n}
            self.fields[f"item_{n}"] = forms.ChoiceField(label=label, choices=choices, required=False,
                                                         widget=forms.Select(attrs={"aria-label": label}))
            qty_label = _("Jumlah komponen %(n)s") % {"n": n}
            self.fields[f"qty_{n}"] = forms.DecimalField(
                label=qty_label, required=False, max_digits=12, decimal_places=2, min_value=0,
                widget=forms.NumberInput(attrs={"aria-label": qty_label, "placeholder": _("Jumlah"), "step": "any"}))

    def components(self) -> list[tuple[str, Any]]:
        out = []
        for n in range(1, COMPONENT_ROWS + 1):
            code = self.cleaned_data.get(f"item_{n}")
            if code:
                out.append((code, self.cleaned_data.get(f"qty_{n}") or 0))
        return out

    def component_rows(self) -> list[tuple[Any, Any]]:
        return [(self[f"item_{n}"], self[f"qty_{n}"]) for n in range(1, COMPONENT_ROWS + 1)]


class DecisionForm(forms.Form):
    decision = forms.ChoiceField(label=_("Keputusan forum"), choices=Decision.choices,
                                 widget=forms.RadioSelect(attrs={"class": "form-check-input"}))
    reason = forms.CharField(label=_("Alasan"), max_length=2000, widget=forms.Textarea(attrs={"rows": 2}))


class BeritaAcaraForm(forms.Form):
    held_on = forms.DateField(label=_("Tanggal musyawarah"), widget=DATE_WIDGET())
    place = forms.CharField(label=_("Tempat"), max_length=200)
    chair = forms.CharField(label=_("Pimpinan sidang"), max_length=120)
    participants = forms.CharField(label=_("Peserta (satu per baris)"), max_length=10_000,
                                   widget=forms.Textarea(attrs={"rows": 4}),
                                   help_text=_("Nama atau unsur peserta; sertakan delegasi perempuan."))
    notes = forms.CharField(label=_("Catatan"), required=False, max_length=4000,
                            widget=forms.Textarea(attrs={"rows": 2}))


class WindowForm(forms.Form):
    opens_on = forms.DateField(label=_("Dibuka"), widget=DATE_WIDGET())
    closes_on = forms.DateField(label=_("Ditutup"), widget=DATE_WIDGET())


class PriceImportForm(forms.Form):
    kind = forms.ChoiceField(label=_("Katalog"), choices=PriceKind.choices)
    budget_year = forms.IntegerField(label=_("Tahun anggaran"), min_value=2000, max_value=2100)
    perwal = forms.CharField(label=_("Perwal penetapan"), max_length=120,
                             help_text=_("Misalnya: Perwal Medan Nomor 12 Tahun 2026"))
    perwal_date = forms.DateField(label=_("Tanggal Perwal"), required=False,
                                  widget=DATE_WIDGET())
    file = forms.FileField(label=_("Berkas CSV atau XLSX"),
                           help_text=_("Kolom: kode, uraian, spesifikasi, satuan, harga, kode_rekening, "
                                       "kategori_shsr"))


class PaguForm(forms.Form):
    amount = forms.DecimalField(label=_("Pagu indikatif (Rp)"), max_digits=16, decimal_places=0, min_value=0)


class WeightsForm(forms.Form):
    urgency = forms.DecimalField(label=_("Bobot urgensi"), max_digits=4, decimal_places=2, min_value=0,
                                 max_value=1)
    beneficiaries = forms.DecimalField(label=_("Bobot penerima manfaat"), max_digits=4, decimal_places=2,
                                       min_value=0, max_value=1)
    alignment = forms.DecimalField(label=_("Bobot keselarasan RPJMD/Renstra"), max_digits=4, decimal_places=2,
                                   min_value=0, max_value=1)
