"""Complaint forms. They only shape the input (types, widgets, labels); the rules and their Indonesian messages
live in complaints/actions.py, and views copy an action's ValidationError onto the form with `add_action_errors`.

Fields are required=False on the Django side so that actions.py alone says what is missing (one message per
problem); the HTML `required` attribute still lets the browser catch an empty field early.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.functional import lazy
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from kotacerdas.agencies.models import Agency
from kotacerdas.complaints.models import Category, Classification, Outcome
from kotacerdas.core.forms import ActionForm
from kotacerdas.lib import images

PHOTO_ACCEPT = ",".join(content_type for _ext, content_type in images.ALLOWED_FORMATS.values())


class MultiplePhotoInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultiplePhotoField(forms.FileField):
    """Several files from one input. Checking them (count, format, size) is actions.py's job, which reads
    request.FILES.getlist() itself; Django's single-file checks would refuse a list."""

    def clean(self, data: Any, initial: Any = None) -> list[Any]:
        if not data:
            return []
        return list(data) if isinstance(data, list | tuple) else [data]


def _photo_help() -> str:
    return gettext("Maksimal %(n)d foto JPEG, PNG atau WebP, masing-masing paling besar 10 MB.") % {
        "n": images.MAX_PHOTOS}


# Formatted lazily: the language is chosen per request, long after this module is imported.
PHOTO_HELP = lazy(_photo_help, str)()


def _photos_field(label: Any, help_text: Any = None) -> forms.FileField:
    return MultiplePhotoField(
        label=label, required=False,
        help_text=help_text or PHOTO_HELP,
        widget=MultiplePhotoInput(attrs={"accept": PHOTO_ACCEPT, "multiple": True}),
    )


def _reason_field(label: Any = None, rows: int = 2) -> forms.CharField:
    return forms.CharField(label=label or _("Alasan"), required=False,
                           widget=forms.Textarea(attrs={"rows": rows, "required": True}))


def category_choices() -> list[tuple[str, Any]]:
    """Active categories grouped by `group` for an <optgroup> select."""
    groups: dict[str, list[tuple[str, str]]] = {}
    for cat in Category.objects.filter(is_active=True).order_by("group", "name"):
        groups.setdefault(cat.group or str(_("Lainnya")), []).append((cat.code, cat.name))
    choices: list[tuple[str, Any]] = [("", _("— Pilih kategori —"))]
    choices += [(group, items) for group, items in groups.items()]
    return choices


class ReportForm(ActionForm):
    error_aliases = {"location": "lat"}

    title = forms.CharField(
        label=_("Judul aduan"), max_length=150, required=False,
        help_text=_("Singkat dan jelas, misalnya: Sampah menumpuk di depan pasar."),
        widget=forms.TextInput(attrs={"required": True, "maxlength": 150, "autocomplete": "off"}),
    )
    description = forms.CharField(
        label=_("Uraian masalah"), required=False,
        help_text=_("Apa yang terjadi, sejak kapan, dan dampaknya. Jangan menuliskan NIK atau nomor HP di sini."),
        widget=forms.Textarea(attrs={"rows": 5, "required": True, "maxlength": 5000}),
    )
    category = forms.ChoiceField(label=_("Kategori"), required=False,
                                 widget=forms.Select(attrs={"required": True}))
    classification = forms.ChoiceField(label=_("Jenis laporan"), required=False, choices=Classification.choices,
                                       initial=Classification.PENGADUAN)
    lat = forms.CharField(required=False, widget=forms.HiddenInput(attrs={"data-kc-lat": ""}))
    lon = forms.CharField(required=False, widget=forms.HiddenInput(attrs={"data-kc-lon": ""}))
    address = forms.CharField(
        label=_("Alamat atau patokan"), max_length=255, required=False,
        help_text=_("Misalnya: Jl. Sisingamangaraja, depan Masjid Raya."),
    )
    photos = _photos_field(_("Foto"))
    is_rahasia = forms.BooleanField(
        label=_("Rahasiakan isi aduan"), required=False,
        help_text=_("Isi aduan tidak ditampilkan kepada publik; hanya petugas yang menangani yang dapat "
                    "membacanya."),
    )
    is_anonim = forms.BooleanField(
        label=_("Sembunyikan identitas saya (anonim)"), required=False,
        help_text=_("Nama Anda tidak ditampilkan kepada publik maupun pihak yang dilaporkan. Petugas tetap "
                    "dapat menghubungi Anda."),
    )
    reporter_name = forms.CharField(label=_("Nama"), max_length=120, required=False,
                                    widget=forms.TextInput(attrs={"autocomplete": "name"}))
    reporter_phone = forms.CharField(
        label=_("Nomor HP"), max_length=20, required=False,
        widget=forms.TextInput(attrs={"autocomplete": "tel", "inputmode": "tel", "placeholder": "0812-3456-7890"}),
    )
    reporter_email = forms.CharField(
        label=_("E-mail"), max_length=254, required=False,
        widget=forms.EmailInput(attrs={"autocomplete": "email", "placeholder": "nama@contoh.id"}),
    )
    reporter_nik = forms.CharField(
        label=_("NIK (tidak wajib)"), max_length=20, required=False,
        help_text=_("16 digit. Hanya untuk verifikasi oleh petugas; tidak pernah ditampilkan."),
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off"}),
    )

    def __init__(self, *args: Any, user: Any = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["category"].choices = category_choices()
        self.logged_in = bool(getattr(user, "is_authenticated", False))
        if self.logged_in:
            # The account is the contact; the reporter may still leave a phone for this case.
            del self.fields["reporter_name"]
            del self.fields["reporter_email"]

    def action_data(self) -> dict[str, Any]:
        """The raw values for actions.check_submit (which does all the checking)."""
        data = {name: self.data.get(name, "") for name in self.fields if name != "photos"}
        data["is_rahasia"] = self.data.get("is_rahasia") in ("on", "true", "1", "True")
        data["is_anonim"] = self.data.get("is_anonim") in ("on", "true", "1", "True")
        return data


class PreviewForm(forms.Form):
    title = forms.CharField(required=False)
    description = forms.CharField(required=False)


class SupportForm(ActionForm):
    email = forms.CharField(
        label=_("E-mail Anda"), max_length=254, required=False,
        help_text=_("Untuk mengabari Anda tentang perkembangan aduan ini."),
        widget=forms.EmailInput(attrs={"autocomplete": "email", "placeholder": "nama@contoh.id"}),
    )


class LookupForm(forms.Form):
    no = forms.CharField(label=_("Nomor aduan"), max_length=24, required=False,
                         widget=forms.TextInput(attrs={"placeholder": "MRK-2026-000123", "required": True,
                                                       "autocapitalize": "characters"}))


class ConfirmForm(ActionForm):
    rating = forms.TypedChoiceField(
        label=_("Nilai penanganan"), required=False, coerce=int, empty_value=None,
        choices=[(n, str(n)) for n in range(1, 6)], widget=forms.RadioSelect,
    )
    comment = forms.CharField(label=_("Komentar (tidak wajib)"), required=False,
                              widget=forms.Textarea(attrs={"rows": 2, "maxlength": 2000}))


class ReopenForm(ActionForm):
    reason = _reason_field(_("Mengapa masalahnya belum selesai?"), rows=3)


class ResumeForm(ActionForm):
    info = forms.CharField(label=_("Informasi tambahan"), required=False,
                           widget=forms.Textarea(attrs={"rows": 3, "required": True}))


# ---------------------------------------------------------------------------------------------------------
# Staff actions on the case page


class AgencyChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Agency) -> str:
        return f"{obj.name} ({obj.short_name})" if obj.short_name else obj.name


def _agency_field(label: Any) -> AgencyChoiceField:
    return AgencyChoiceField(queryset=Agency.objects.filter(is_active=True).order_by("name"), label=label,
                             required=False, empty_label=_("— Pilih OPD —"))


class DisposeForm(ActionForm):
    category = forms.ModelChoiceField(queryset=Category.objects.filter(is_active=True).order_by("group", "name"),
                                      label=_("Kategori"), required=False, empty_label=_("— Tetap —"))
    agency = _agency_field(_("OPD tujuan"))
    message = forms.CharField(label=_("Pesan untuk pelapor (tidak wajib)"), required=False,
                              widget=forms.Textarea(attrs={"rows": 2}))
    is_rahasia = forms.BooleanField(label=_("Rahasia"), required=False,
                                    help_text=_("Isi aduan tidak tampil di halaman publik."))
    is_anonim = forms.BooleanField(label=_("Anonim"), required=False,
                                   help_text=_("Identitas pelapor disembunyikan dari publik dan terlapor."))


class ReasonForm(ActionForm):
    reason = _reason_field()


class RerouteForm(ActionForm):
    agency = _agency_field(_("OPD penerima"))
    reason = _reason_field()


class AssignForm(ActionForm):
    officer = forms.ModelChoiceField(queryset=None, label=_("Petugas lapangan"), required=False,
                                     empty_label=_("— Pilih petugas —"))
    note = forms.CharField(label=_("Catatan (tidak wajib)"), required=False,
                           widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(self, *args: Any, officers: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["officer"].queryset = officers
        self.fields["officer"].label_from_instance = lambda u: u.display_name


class RespondForm(ActionForm):
    message = forms.CharField(label=_("Tanggapan untuk pelapor dan publik"), required=False,
                              widget=forms.Textarea(attrs={"rows": 3, "required": True}))
    photos = _photos_field(_("Foto (tidak wajib)"))


class NoteForm(ActionForm):
    message = forms.CharField(label=_("Catatan internal"), required=False,
                              help_text=_("Hanya terlihat oleh petugas; tidak dikirim ke pelapor."),
                              widget=forms.Textarea(attrs={"rows": 2}))
    photos = _photos_field(_("Foto (tidak wajib)"))


class ResolveForm(ActionForm):
    outcome = forms.ChoiceField(label=_("Hasil penanganan"), required=False,
                                choices=[("", _("— Pilih hasil —")), *Outcome.choices])
    message = forms.CharField(label=_("Penjelasan kepada pelapor"), required=False,
                              widget=forms.Textarea(attrs={"rows": 3, "required": True}))
    photos = _photos_field(_("Foto sesudah penanganan"))


class FlagsForm(ActionForm):
    is_rahasia = forms.BooleanField(label=_("Rahasia"), required=False)
    is_anonim = forms.BooleanField(label=_("Anonim"), required=False)
    reason = _reason_field()


class RedactForm(ActionForm):
    public_title = forms.CharField(label=_("Judul publik"), max_length=150, required=False)
    public_description = forms.CharField(label=_("Isi publik"), required=False,
                                         widget=forms.Textarea(attrs={"rows": 4}))
    reason = _reason_field()


class MergeForm(ActionForm):
    parent = forms.CharField(label=_("Nomor aduan induk"), max_length=24, required=False,
                             widget=forms.TextInput(attrs={"placeholder": "MRK-2026-000123", "required": True}))


class ReviewForm(ActionForm):
    note = _reason_field(_("Hasil tinjauan"))
