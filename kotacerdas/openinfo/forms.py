"""Forms for the PPID screens. They render the fields; the rules are checked in actions.py (errors come back keyed
by field and are attached to these forms)."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from kotacerdas.agencies.models import Agency
from kotacerdas.openinfo import rules
from kotacerdas.openinfo.models import (
    AnnualReportText,
    Conclusion,
    Decision,
    Delivery,
    DipCategory,
    DisputeResult,
    InfoFormat,
    ObjectionOutcome,
    RequestChannel,
)

TEXTAREA = forms.Textarea(attrs={"rows": 3})


class RequestForm(forms.Form):
    name = forms.CharField(label=_("Nama lengkap"), max_length=120, required=False)
    nik = forms.CharField(label=_("Nomor KTP (NIK)"), max_length=20, required=False,
                          help_text=_("Untuk verifikasi identitas pemohon; tidak pernah ditampilkan."))
    address = forms.CharField(label=_("Alamat"), max_length=255, required=False)
    occupation = forms.CharField(label=_("Pekerjaan"), max_length=120, required=False)
    phone = forms.CharField(label=_("Nomor telepon"), max_length=20, required=False)
    email = forms.CharField(label=_("E-mail"), max_length=254, required=False)
    information = forms.CharField(label=_("Rincian informasi yang dibutuhkan"), widget=TEXTAREA, required=False)
    purpose = forms.CharField(label=_("Tujuan penggunaan informasi"), widget=TEXTAREA, required=False)
    format = forms.ChoiceField(label=_("Format informasi"), choices=InfoFormat.choices, required=False)
    delivery = forms.ChoiceField(label=_("Cara mendapatkan salinan"), choices=Delivery.choices, required=False)

    def __init__(self, *args, staff: bool = False, **kwargs):  # type: ignore[no-untyped-def]
        super().__init__(*args, **kwargs)
        if staff:
            self.fields["channel"] = forms.ChoiceField(label=_("Cara permohonan diterima"),
                                                       choices=RequestChannel.choices, required=False)
            self.fields["agency"] = forms.ModelChoiceField(label=_("OPD pemilik informasi"), required=False,
                                                           queryset=Agency.objects.filter(is_active=True))
            self.fields["nik"].help_text = _("Boleh kosong untuk permohonan lisan; tidak pernah ditampilkan.")


class ExtendForm(forms.Form):
    reason = forms.CharField(label=_("Alasan perpanjangan (tertulis)"), widget=TEXTAREA, required=False)


class AnswerForm(forms.Form):
    decision = forms.ChoiceField(label=_("Keputusan"), choices=Decision.choices, required=False)
    answer = forms.CharField(label=_("Isi pemberitahuan tertulis"), widget=TEXTAREA, required=False)
    holder = forms.CharField(label=_("Badan publik yang menguasai (bila tidak dikuasai)"), required=False)
    copy_cost = forms.IntegerField(label=_("Biaya penggandaan (Rp)"), min_value=0, required=False, initial=0)
    delivery_cost = forms.IntegerField(label=_("Biaya pengiriman (Rp)"), min_value=0, required=False, initial=0)
    exception = forms.ChoiceField(label=_("Pengecualian Pasal 17"), choices=[("", "—"), *rules.PASAL_17],
                                  required=False)
    harm = forms.CharField(label=_("Uji konsekuensi: akibat bila dibuka"), widget=TEXTAREA, required=False)
    public_interest = forms.CharField(label=_("Uji konsekuensi: pertimbangan kepentingan publik"), widget=TEXTAREA,
                                      required=False)


class ObjectionForm(forms.Form):
    ground = forms.ChoiceField(label=_("Alasan keberatan (Pasal 35)"), required=False)
    reason = forms.CharField(label=_("Uraian keberatan"), widget=TEXTAREA, required=False)

    def __init__(self, *args, **kwargs):  # type: ignore[no-untyped-def]
        super().__init__(*args, **kwargs)
        self.fields["ground"].choices = [("", "—"), *rules.objection_grounds()]


class ObjectionAnswerForm(forms.Form):
    outcome = forms.ChoiceField(label=_("Tanggapan"), choices=ObjectionOutcome.choices, required=False)
    answer = forms.CharField(label=_("Tanggapan tertulis Atasan PPID"), widget=TEXTAREA, required=False)


class DisputeResultForm(forms.Form):
    dispute_result = forms.ChoiceField(label=_("Hasil sengketa"), choices=DisputeResult.choices, required=False)
    dispute_result_note = forms.CharField(label=_("Pelaksanaan hasil"), widget=TEXTAREA, required=False)
    court_filed = forms.BooleanField(label=_("Digugat ke pengadilan"), required=False)
    court_result = forms.CharField(label=_("Putusan pengadilan dan pelaksanaannya"), widget=TEXTAREA, required=False)


class DipForm(forms.Form):
    title = forms.CharField(label=_("Judul informasi"), max_length=300, required=False)
    summary = forms.CharField(label=_("Ringkasan"), widget=TEXTAREA, required=False)
    category = forms.ChoiceField(label=_("Kategori"), choices=DipCategory.choices, required=False)
    agency = forms.ModelChoiceField(label=_("Penanggung jawab"), queryset=Agency.objects.filter(is_active=True),
                                    required=False)
    format = forms.CharField(label=_("Bentuk informasi"), max_length=80, required=False, initial="Softcopy")
    retention = forms.CharField(label=_("Jangka waktu penyimpanan"), max_length=80, required=False)
    url = forms.URLField(label=_("Tautan dokumen"), required=False)
    exception = forms.ChoiceField(label=_("Pengecualian Pasal 17 (untuk kategori dikecualikan)"),
                                  choices=[("", "—"), *rules.PASAL_17], required=False)
    harm = forms.CharField(label=_("Uji konsekuensi: akibat bila dibuka"), widget=TEXTAREA, required=False)
    public_interest = forms.CharField(label=_("Uji konsekuensi: pertimbangan kepentingan publik"), widget=TEXTAREA,
                                      required=False)
    period = forms.CharField(label=_("Jangka waktu pengecualian"), max_length=120, required=False)


class ConsequenceTestForm(forms.Form):
    exception = forms.ChoiceField(label=_("Pengecualian Pasal 17 yang diuji"), choices=[("", "—"), *rules.PASAL_17],
                                  required=False)
    harm = forms.CharField(label=_("Akibat bila dibuka"), widget=TEXTAREA, required=False)
    public_interest = forms.CharField(label=_("Pertimbangan kepentingan publik"), widget=TEXTAREA, required=False)
    conclusion = forms.ChoiceField(label=_("Kesimpulan"), choices=Conclusion.choices, required=False)
    new_category = forms.ChoiceField(label=_("Kategori baru bila terbuka"), required=False,
                                     choices=[("", "—"), *[c for c in DipCategory.choices
                                                           if c[0] != DipCategory.DIKECUALIKAN]])
    period = forms.CharField(label=_("Jangka waktu pengecualian"), max_length=120, required=False)


class ReportTextForm(forms.ModelForm):
    class Meta:
        model = AnnualReportText
        fields = ["policy", "implementation", "obstacles", "recommendations"]
        widgets = {f: TEXTAREA for f in fields}
