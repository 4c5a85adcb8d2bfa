"""Forms of the Siduta screens. Fields are lenient on the Django side (required=False, CharField) so that
actions.py alone decides what is wrong and says it once, in Indonesian, next to the field."""

from __future__ import annotations

from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from kotacerdas.core.forms import add_action_errors
from kotacerdas.jobs.models import (
    KBLI_SECTIONS,
    Ak1Report,
    Education,
    EventKind,
    Gender,
    Marital,
    Religion,
    Stage,
)


def _w(widget: type[forms.Widget] = forms.TextInput, required: bool = False, **attrs: Any) -> forms.Widget:
    if required:
        attrs["required"] = True
    return widget(attrs=attrs)


def _choices(choices: Any, blank: str = "") -> list[tuple[str, Any]]:
    return [("", blank or _("— pilih —")), *list(choices)]


def kecamatan_field(label: Any = None, required: bool = False) -> forms.ChoiceField:
    return forms.ChoiceField(label=label or _("Kecamatan"), required=False, choices=[],
                             widget=_w(forms.Select, required))


class ActionForm(forms.Form):
    """`check(data)` is the action's check_*; its result is `self.checked`."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if "kecamatan" in self.fields:
            from kotacerdas.regions.selectors import kecamatan_choices

            self.fields["kecamatan"].choices = _choices([(r.pk, r.name) for r in kecamatan_choices()])

    def check(self, data: dict[str, Any]) -> Any:
        raise NotImplementedError

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        if self.errors:
            return data
        try:
            self.checked = self.check(data)
        except ValidationError as exc:
            add_action_errors(self, exc)
        return data


class AccountFields(forms.Form):
    full_name = forms.CharField(label=_("Nama lengkap (sesuai KTP)"), required=False, max_length=150,
                                widget=_w(required=True, autocomplete="name"))
    email = forms.CharField(label=_("E-mail"), required=False, max_length=254,
                            widget=_w(forms.EmailInput, required=True, autocomplete="email"))
    phone = forms.CharField(label=_("Nomor HP"), required=False, max_length=20,
                            help_text=_("Tidak ditampilkan ke publik."),
                            widget=_w(required=True, autocomplete="tel", inputmode="tel"))
    password = forms.CharField(label=_("Kata sandi"), required=False, strip=False,
                               widget=_w(forms.PasswordInput, required=True, autocomplete="new-password"))
    password2 = forms.CharField(label=_("Ulangi kata sandi"), required=False, strip=False,
                                widget=_w(forms.PasswordInput, required=True, autocomplete="new-password"))


class ProfileFields(forms.Form):
    address = forms.CharField(label=_("Alamat (sesuai KTP)"), required=False, max_length=255,
                              widget=_w(required=True))
    kecamatan = kecamatan_field(_("Kecamatan"))
    marital_status = forms.ChoiceField(label=_("Status perkawinan"), required=False,
                                       choices=_choices(Marital.choices))
    religion = forms.ChoiceField(label=_("Agama"), required=False, choices=_choices(Religion.choices))
    education = forms.ChoiceField(label=_("Pendidikan terakhir"), required=False,
                                  choices=_choices(Education.choices))
    education_major = forms.CharField(label=_("Jurusan"), required=False, max_length=120)
    nonformal_education = forms.CharField(label=_("Pendidikan non-formal (kursus, pelatihan)"), required=False,
                                          widget=forms.Textarea(attrs={"rows": 2}))
    skills = forms.CharField(label=_("Keterampilan"), required=False,
                             help_text=_("Pisahkan dengan koma, mis. las, listrik, microsoft excel."))
    experience_years = forms.CharField(label=_("Pengalaman kerja (tahun)"), required=False, initial="0",
                                       widget=_w(inputmode="decimal"))
    experience = forms.CharField(label=_("Riwayat pekerjaan"), required=False,
                                 widget=forms.Textarea(attrs={"rows": 3}))


class SeekerRegisterForm(ActionForm, AccountFields, ProfileFields):
    nik = forms.CharField(label=_("NIK"), required=False, max_length=20,
                          help_text=_("16 angka sesuai KTP. Tidak pernah ditampilkan ke publik."),
                          widget=_w(required=True, inputmode="numeric", autocomplete="off"))
    birth_place = forms.CharField(label=_("Tempat lahir"), required=False, max_length=80, widget=_w(required=True))
    birth_date = forms.CharField(label=_("Tanggal lahir"), required=False, widget=_w(type="date", required=True))
    gender = forms.ChoiceField(label=_("Jenis kelamin"), required=False, choices=_choices(Gender.choices))

    field_order = ["full_name", "email", "phone", "password", "password2", "nik", "birth_place", "birth_date",
                   "gender", "marital_status", "religion", "address", "kecamatan", "education", "education_major",
                   "nonformal_education", "skills", "experience_years", "experience"]

    def __init__(self, *args: Any, user: Any = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.user = user if user is not None and user.is_authenticated else None
        if self.user is not None:
            for name in AccountFields.base_fields:
                self.fields.pop(name)

    def check(self, data: dict[str, Any]) -> Any:
        from kotacerdas.jobs import actions

        return actions.check_register_seeker(data, user=self.user)


class ProfileForm(ActionForm, ProfileFields):
    def __init__(self, *args: Any, actor: Any, profile: Any, **kwargs: Any) -> None:
        self.actor, self.profile = actor, profile
        kwargs.setdefault("initial", {
            "address": profile.address, "kecamatan": profile.kecamatan_id, "marital_status": profile.marital_status,
            "religion": profile.religion, "education": profile.education, "education_major": profile.education_major,
            "nonformal_education": profile.nonformal_education, "skills": ", ".join(profile.skills or []),
            "experience_years": f"{profile.experience_years:g}", "experience": profile.experience})
        super().__init__(*args, **kwargs)

    def check(self, data: dict[str, Any]) -> Any:
        from kotacerdas.jobs import actions

        return actions.check_update_profile(self.actor, self.profile, data)


class CvForm(forms.Form):
    cv = forms.FileField(label=_("CV (PDF)"), required=False,
                         widget=forms.ClearableFileInput(attrs={"accept": "application/pdf"}))


class PhotoForm(forms.Form):
    photo = forms.FileField(label=_("Pas foto 3x4 (untuk kartu AK/1)"), required=False,
                            widget=forms.ClearableFileInput(attrs={"accept": "image/jpeg,image/png,image/webp"}))


class CompanyRegisterForm(ActionForm, AccountFields):
    company_name = forms.CharField(label=_("Nama perusahaan"), required=False, max_length=160,
                                   widget=_w(required=True))
    nib = forms.CharField(label=_("NIB (Nomor Induk Berusaha)"), required=False, max_length=20)
    sector = forms.ChoiceField(label=_("Sektor (KBLI)"), required=False, choices=_choices(KBLI_SECTIONS))
    address = forms.CharField(label=_("Alamat kantor"), required=False, max_length=255, widget=_w(required=True))
    kecamatan = kecamatan_field()
    description = forms.CharField(label=_("Profil singkat"), required=False, widget=forms.Textarea(attrs={"rows": 3}))
    website = forms.CharField(label=_("Situs web"), required=False, max_length=200)

    field_order = ["company_name", "nib", "sector", "address", "kecamatan", "description", "website", "full_name",
                   "email", "phone", "password", "password2"]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["full_name"].label = _("Nama penanggung jawab")

    def check(self, data: dict[str, Any]) -> Any:
        from kotacerdas.jobs import actions

        return actions.check_register_company(data)


class CompanyProfileForm(ActionForm):
    nib = forms.CharField(label=_("NIB (Nomor Induk Berusaha)"), required=False, max_length=20)
    sector = forms.ChoiceField(label=_("Sektor (KBLI)"), required=False, choices=_choices(KBLI_SECTIONS))
    address = forms.CharField(label=_("Alamat kantor"), required=False, max_length=255, widget=_w(required=True))
    kecamatan = kecamatan_field()
    description = forms.CharField(label=_("Profil singkat"), required=False, widget=forms.Textarea(attrs={"rows": 4}))
    website = forms.CharField(label=_("Situs web"), required=False, max_length=200)

    def __init__(self, *args: Any, actor: Any, company: Any, **kwargs: Any) -> None:
        self.actor, self.company = actor, company
        kwargs.setdefault("initial", {"nib": company.nib, "sector": company.sector, "address": company.address,
                                      "kecamatan": company.kecamatan_id, "description": company.description,
                                      "website": company.website})
        super().__init__(*args, **kwargs)

    def check(self, data: dict[str, Any]) -> Any:
        from kotacerdas.jobs import actions

        return actions.check_update_company(self.actor, self.company, data)


class MemberForm(ActionForm, AccountFields):
    def __init__(self, *args: Any, actor: Any, company: Any, **kwargs: Any) -> None:
        self.actor, self.company = actor, company
        super().__init__(*args, **kwargs)

    def check(self, data: dict[str, Any]) -> Any:
        from kotacerdas.jobs import actions

        if data.get("password2") != data.get("password"):
            raise ValidationError({"password2": _("Kedua kata sandi tidak sama.")})
        return actions.check_add_member(self.actor, self.company, data)


class VacancyForm(ActionForm):
    title = forms.CharField(label=_("Posisi"), required=False, max_length=120, widget=_w(required=True))
    description = forms.CharField(label=_("Deskripsi pekerjaan"), required=False,
                                  widget=forms.Textarea(attrs={"rows": 4, "required": True}))
    sector = forms.ChoiceField(label=_("Sektor (KBLI)"), required=False, choices=_choices(KBLI_SECTIONS))
    education_min = forms.ChoiceField(label=_("Pendidikan minimal"), required=False,
                                      choices=_choices(Education.choices))
    skills = forms.CharField(label=_("Keterampilan yang dibutuhkan"), required=False,
                             help_text=_("Pisahkan dengan koma."))
    experience_min_years = forms.CharField(label=_("Pengalaman minimal (tahun)"), required=False, initial="0")
    kecamatan = kecamatan_field(_("Kecamatan"), required=True)
    salary_min = forms.CharField(label=_("Gaji minimal (Rp/bulan)"), required=False, widget=_w(inputmode="numeric"))
    salary_max = forms.CharField(label=_("Gaji maksimal (Rp/bulan)"), required=False, widget=_w(inputmode="numeric"))
    quota = forms.CharField(label=_("Kuota (orang)"), required=False, widget=_w(inputmode="numeric", required=True))
    closes_on = forms.CharField(label=_("Batas lamaran"), required=False, widget=_w(type="date", required=True))

    def __init__(self, *args: Any, actor: Any, **kwargs: Any) -> None:
        self.actor = actor
        super().__init__(*args, **kwargs)
        self.fields["kecamatan"].label = _("Lokasi kerja (kecamatan)")

    def check(self, data: dict[str, Any]) -> Any:
        from kotacerdas.jobs import actions

        return actions.check_vacancy(self.actor, data)


class DecisionForm(forms.Form):
    decision = forms.ChoiceField(choices=[("setuju", _("Setujui")), ("tolak", _("Tolak"))], required=False)
    note = forms.CharField(label=_("Catatan"), required=False, max_length=255)


class StageForm(forms.Form):
    stage = forms.ChoiceField(label=_("Pindahkan ke tahap"), required=False, choices=_choices(Stage.choices))
    note = forms.CharField(label=_("Catatan untuk pelamar"), required=False, max_length=255)
    placed_on = forms.CharField(label=_("Tanggal penempatan"), required=False, widget=_w(type="date"))
    position = forms.CharField(label=_("Jabatan"), required=False, max_length=120)


class ReportForm(forms.Form):
    outcome = forms.ChoiceField(label=_("Keadaan saat ini"), required=False,
                                choices=_choices(Ak1Report.Outcome.choices))
    note = forms.CharField(label=_("Catatan"), required=False, max_length=255)


class EventForm(ActionForm):
    kind = forms.ChoiceField(label=_("Jenis"), required=False, choices=_choices(EventKind.choices))
    title = forms.CharField(label=_("Nama kegiatan"), required=False, max_length=160, widget=_w(required=True))
    description = forms.CharField(label=_("Keterangan"), required=False, widget=forms.Textarea(attrs={"rows": 3}))
    venue = forms.CharField(label=_("Tempat"), required=False, max_length=200, widget=_w(required=True))
    kecamatan = kecamatan_field()
    starts_on = forms.CharField(label=_("Tanggal mulai"), required=False, widget=_w(type="date", required=True))
    ends_on = forms.CharField(label=_("Tanggal selesai"), required=False, widget=_w(type="date", required=True))
    capacity = forms.CharField(label=_("Kapasitas peserta"), required=False, widget=_w(inputmode="numeric"))
    companies = forms.MultipleChoiceField(label=_("Perusahaan peserta"), required=False, choices=[],
                                          widget=forms.SelectMultiple(attrs={"size": 6}))

    def __init__(self, *args: Any, actor: Any, **kwargs: Any) -> None:
        from kotacerdas.jobs.models import Company, CompanyStatus

        self.actor = actor
        super().__init__(*args, **kwargs)
        self.fields["companies"].choices = list(
            Company.objects.filter(status=CompanyStatus.TERVERIFIKASI).values_list("pk", "name"))

    def check(self, data: dict[str, Any]) -> Any:
        from kotacerdas.jobs import actions

        return actions.check_event(self.actor, data)


class TptForm(ActionForm):
    period = forms.CharField(label=_("Periode"), required=False, max_length=60,
                             widget=_w(placeholder="Sakernas Agustus"))
    year = forms.CharField(label=_("Tahun"), required=False, widget=_w(inputmode="numeric"))
    rate = forms.CharField(label=_("TPT (%)"), required=False, widget=_w(inputmode="decimal"))
    source = forms.CharField(label=_("Sumber (publikasi BPS)"), required=False, max_length=255)

    def __init__(self, *args: Any, actor: Any, **kwargs: Any) -> None:
        self.actor = actor
        super().__init__(*args, **kwargs)

    def check(self, data: dict[str, Any]) -> Any:
        from kotacerdas.jobs import actions

        return actions.check_tpt(self.actor, data)
