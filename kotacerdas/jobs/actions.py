"""Every change to Siduta state. `check_*` validates and authorizes (ValidationError keyed by field, Indonesian
messages, or PermissionDenied); `do_*` writes in a transaction, records core.AuditLog and publishes events after
commit. Audit entries carry ids and statuses, never a NIK, phone or e-mail.
"""

from __future__ import annotations

import re
from datetime import date, timedelta
from decimal import Decimal, InvalidOperation
from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.base import ContentFile
from django.db import IntegrityError, transaction
from django.db.models import Max
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _

from kotacerdas.accounts import actions as accounts_actions
from kotacerdas.accounts.models import Role, User
from kotacerdas.core import audit, events
from kotacerdas.jobs import matching, notifications, rules, selectors
from kotacerdas.jobs.models import (
    KBLI_SECTIONS,
    Ak1Card,
    Ak1Report,
    Application,
    ApplicationEvent,
    CardStatus,
    Company,
    CompanyMember,
    CompanyStatus,
    Education,
    EventKind,
    EventRegistration,
    Gender,
    JobEvent,
    Marital,
    Placement,
    Religion,
    SeekerProfile,
    Stage,
    TptFigure,
    Vacancy,
    VacancyStatus,
)
from kotacerdas.regions.models import Region

MAX_SKILLS = 20
SKILL_MAX_LEN = 40
MAX_VACANCY_DAYS = 180  # a closing date further out is almost always a typo in the year
PDF_MAGIC = b"%PDF-"

# The stage machine of an application. "ditolak" and "ditempatkan" are final.
TRANSITIONS: dict[str, frozenset[str]] = {
    Stage.DIKIRIM: frozenset({Stage.DITERIMA, Stage.DITOLAK}),
    Stage.DITERIMA: frozenset({Stage.SELEKSI, Stage.WAWANCARA, Stage.DITOLAK}),
    Stage.SELEKSI: frozenset({Stage.WAWANCARA, Stage.DITOLAK}),
    Stage.WAWANCARA: frozenset({Stage.DITEMPATKAN, Stage.DITOLAK}),
    Stage.DITOLAK: frozenset(),
    Stage.DITEMPATKAN: frozenset(),
}


def _raise(errors: dict[str, list[str]]) -> None:
    if errors:
        raise ValidationError(errors)


def _text(data: dict[str, Any], key: str, label: str, errors: dict, *, required: bool = True,
          max_len: int = 255) -> str:
    value = " ".join(str(data.get(key) or "").split()) if max_len <= 255 else str(data.get(key) or "").strip()
    if required and not value:
        errors[key] = [_("%(label)s wajib diisi.") % {"label": label}]
    elif len(value) > max_len:
        errors[key] = [_("%(label)s terlalu panjang (paling banyak %(max)d karakter).") % {"label": label,
                                                                                          "max": max_len}]
    return value


def _choice(data: dict[str, Any], key: str, label: str, choices: list[tuple[str, Any]], errors: dict) -> str:
    value = str(data.get(key) or "").strip()
    if value not in {c[0] for c in choices}:
        errors[key] = [_("Pilih %(label)s dari daftar.") % {"label": label.lower()}]
    return value


def _date(data: dict[str, Any], key: str, label: str, errors: dict, *, required: bool = True) -> date | None:
    value = data.get(key)
    if isinstance(value, date):
        return value
    raw = str(value or "").strip()
    if not raw:
        if required:
            errors[key] = [_("%(label)s wajib diisi.") % {"label": label}]
        return None
    try:
        return date.fromisoformat(raw)
    except ValueError:
        errors[key] = [_("%(label)s tidak valid; gunakan format tanggal, mis. 2026-12-31.") % {"label": label}]
        return None


def _int(data: dict[str, Any], key: str, label: str, errors: dict, *, required: bool = False, minimum: int = 0,
         maximum: int = 10**9) -> int | None:
    raw = str(data.get(key) if data.get(key) is not None else "").strip().replace(".", "")
    if not raw:
        if required:
            errors[key] = [_("%(label)s wajib diisi.") % {"label": label}]
        return None
    try:
        value = int(raw)
    except ValueError:
        errors[key] = [_("%(label)s harus berupa bilangan bulat.") % {"label": label}]
        return None
    if not minimum <= value <= maximum:
        errors[key] = [_("%(label)s harus antara %(min)s dan %(max)s.") % {"label": label, "min": minimum,
                                                                           "max": maximum}]
        return None
    return value


def _kecamatan(data: dict[str, Any], key: str, errors: dict, *, required: bool) -> Region | None:
    """A kecamatan of the city this site serves, by pk or code."""
    value = data.get(key)
    if isinstance(value, Region):
        value = value.pk
    raw = str(value or "").strip()
    if not raw:
        if required:
            errors[key] = [_("Pilih kecamatan.")]
        return None
    from kotacerdas.regions.selectors import kecamatan_choices

    qs = kecamatan_choices()
    region = qs.filter(code=raw).first() if "." in raw else (qs.filter(pk=int(raw)).first() if raw.isdigit() else None)
    if region is None:
        errors[key] = [_("Kecamatan tidak dikenal di kota ini.")]
    return region


def parse_skills(value: Any, errors: dict, key: str = "skills") -> list[str]:
    """"Las, listrik; Microsoft Excel" -> ["las", "listrik", "microsoft excel"] (distinct, in order)."""
    items = value if isinstance(value, list | tuple) else re.split(r"[,;\n]", str(value or ""))
    out: list[str] = []
    for item in items:
        skill = " ".join(str(item).lower().split())
        if not skill:
            continue
        if len(skill) > SKILL_MAX_LEN:
            errors[key] = [_("Satu keterampilan paling banyak %(max)d karakter; pisahkan dengan koma.")
                           % {"max": SKILL_MAX_LEN}]
            return out
        if skill not in out:
            out.append(skill)
    if len(out) > MAX_SKILLS:
        errors[key] = [_("Paling banyak %(max)d keterampilan.") % {"max": MAX_SKILLS}]
    return out[:MAX_SKILLS]


# --- job seekers -------------------------------------------------------------------------------------------------


def _check_profile_fields(data: dict[str, Any], errors: dict) -> dict[str, Any]:
    cleaned: dict[str, Any] = {
        "address": _text(data, "address", _("Alamat"), errors),
        "marital_status": _choice(data, "marital_status", _("Status perkawinan"), Marital.choices, errors),
        "religion": _choice(data, "religion", _("Agama"), Religion.choices, errors),
        "kecamatan": _kecamatan(data, "kecamatan", errors, required=False),
        "education": _choice(data, "education", _("Pendidikan terakhir"), Education.choices, errors),
        "education_major": _text(data, "education_major", _("Jurusan"), errors, required=False, max_len=120),
        "nonformal_education": _text(data, "nonformal_education", _("Pendidikan non-formal"), errors,
                                     required=False, max_len=2000),
        "skills": parse_skills(data.get("skills"), errors),
        "experience": _text(data, "experience", _("Riwayat pekerjaan"), errors, required=False, max_len=4000),
    }
    raw_years = str(data.get("experience_years") or "0").strip().replace(",", ".")
    try:
        years = Decimal(raw_years)
        if not Decimal(0) <= years <= Decimal(60):
            raise InvalidOperation
        cleaned["experience_years"] = years.quantize(Decimal("0.1"))
    except (InvalidOperation, ValueError):
        errors["experience_years"] = [_("Pengalaman kerja diisi dalam tahun, 0 sampai 60 (mis. 1,5).")]
    return cleaned


def check_register_seeker(data: dict[str, Any], user: Any = None) -> dict[str, Any]:
    """A job seeker's registration: the account (unless `user`, a warga, already has one), the NIK (rules 33) and
    the AK/1 data (rule 35)."""
    errors: dict[str, list[str]] = {}
    cleaned: dict[str, Any] = {}
    if user is not None and getattr(user, "is_authenticated", False):
        if user.role != Role.WARGA:
            raise PermissionDenied(_("Akun petugas atau perusahaan tidak dapat mendaftar sebagai pencari kerja."))
        if selectors.seeker_of(user) is not None:
            raise PermissionDenied(_("Anda sudah terdaftar sebagai pencari kerja."))
    else:
        try:
            cleaned["account"] = accounts_actions.check_signup(data)
        except ValidationError as exc:
            errors.update(exc.message_dict)
        if data.get("password") and data.get("password2") is not None and data.get("password2") != data["password"]:
            errors["password2"] = [_("Kedua kata sandi tidak sama.")]
    today = selectors.today()
    info = None
    try:
        info = rules.parse_nik(str(data.get("nik") or ""), today)
    except ValidationError as exc:
        errors.update(exc.message_dict)
    if info and SeekerProfile.objects.filter(nik=info.nik).exists():
        errors["nik"] = [_("NIK ini sudah terdaftar. Masuk dengan akun Anda atau hubungi Disnaker.")]
    cleaned["birth_place"] = _text(data, "birth_place", _("Tempat lahir"), errors, max_len=80)
    birth_date = _date(data, "birth_date", _("Tanggal lahir"), errors)
    gender = _choice(data, "gender", _("Jenis kelamin"), Gender.choices, errors)
    if info and birth_date and birth_date != info.birth_date:
        errors["birth_date"] = [_("Tanggal lahir tidak sesuai dengan NIK (NIK menunjukkan %(d)s).")
                                % {"d": info.birth_date.strftime("%d-%m-%Y")}]
    if info and gender in Gender.values and gender != info.gender:
        errors["gender"] = [_("Jenis kelamin tidak sesuai dengan NIK.")]
    cleaned.update(_check_profile_fields(data, errors))
    _raise(errors)
    cleaned.update(nik=info.nik, nik_region=info.region_code, birth_date=birth_date, gender=gender)
    return cleaned


def do_register_seeker(cleaned: dict[str, Any], user: Any = None, request: HttpRequest | None = None
                       ) -> SeekerProfile:
    with transaction.atomic():
        if user is None or not getattr(user, "is_authenticated", False):
            user = accounts_actions.do_signup(cleaned["account"], request=request)
        fields = {k: v for k, v in cleaned.items() if k != "account"}
        try:
            with transaction.atomic():
                profile = SeekerProfile.objects.create(user=user, **fields)
        except IntegrityError:
            raise ValidationError({"nik": _("NIK ini sudah terdaftar.")}) from None
        audit.record(user, "jobs.seeker_registered", profile, {"region": profile.nik_region}, request=request)
        events.publish("jobs.seeker_registered", {"seeker_id": profile.pk})
    return profile


def check_update_profile(actor: Any, profile: SeekerProfile, data: dict[str, Any]) -> dict[str, Any]:
    """The seeker edits what may change (not NIK, birth data or gender: those come from the KTP)."""
    if actor.pk != profile.user_id and not selectors.is_disnaker(actor):
        raise PermissionDenied(_("Anda hanya dapat mengubah profil Anda sendiri."))
    errors: dict[str, list[str]] = {}
    cleaned = _check_profile_fields(data, errors)
    _raise(errors)
    return {k: v for k, v in cleaned.items() if getattr(profile, k) != v}


def do_update_profile(actor: Any, profile: SeekerProfile, changes: dict[str, Any],
                      request: HttpRequest | None = None) -> SeekerProfile:
    if not changes:
        return profile
    with transaction.atomic():
        for key, value in changes.items():
            setattr(profile, key, value)
        profile.save()
        audit.record(actor, "jobs.profile_updated", profile, {"fields": sorted(changes)}, request=request)
    return profile


def check_cv(upload: Any) -> Any:
    """A CV must be a PDF (checked by its first bytes, not its name) and at most JOBS_CV_MAX_BYTES."""
    if upload is None:
        raise ValidationError({"cv": _("Pilih berkas CV (PDF).")})
    limit = rules.cv_max_bytes()
    if upload.size > limit:
        raise ValidationError({"cv": _("Berkas CV terlalu besar (%(size).1f MB); paling besar %(max).1f MB.")
                               % {"size": upload.size / 1048576, "max": limit / 1048576}})
    upload.seek(0)
    head = upload.read(1024)
    upload.seek(0)
    if PDF_MAGIC not in head[:1024] or not head.lstrip().startswith(PDF_MAGIC):
        raise ValidationError({"cv": _("CV harus berupa berkas PDF.")})
    return upload


def do_upload_cv(actor: Any, profile: SeekerProfile, upload: Any, request: HttpRequest | None = None) -> None:
    if actor.pk != profile.user_id:
        raise PermissionDenied(_("Anda hanya dapat mengunggah CV Anda sendiri."))
    check_cv(upload)
    with transaction.atomic():
        old = profile.cv.name if profile.cv else ""
        profile.cv.save("cv.pdf", upload, save=True)
        audit.record(actor, "jobs.cv_uploaded", profile, {"bytes": upload.size}, request=request)
    if old:
        transaction.on_commit(lambda: profile.cv.storage.delete(old))


PHOTO_MAX_BYTES = 5 * 1024 * 1024
PHOTO_MAX_SIDE = 600  # a 3x4 pas foto printed at 30x40 mm needs ~350x470 px at 300 dpi


def do_upload_photo(actor: Any, profile: SeekerProfile, upload: Any, request: HttpRequest | None = None) -> None:
    """The AK/1 pas foto: decoded and re-encoded (kotacerdas.lib.images), so no EXIF location rides along."""
    from kotacerdas.lib import images

    if actor.pk != profile.user_id:
        raise PermissionDenied(_("Anda hanya dapat mengunggah foto Anda sendiri."))
    if upload is None:
        raise ValidationError({"photo": _("Pilih berkas foto.")})
    try:
        photo = images.process_photo(upload, max_bytes=PHOTO_MAX_BYTES, max_side=PHOTO_MAX_SIDE)
    except images.PhotoError as exc:
        raise ValidationError({"photo": str(exc).replace("10 MB", "5 MB")}) from None
    with transaction.atomic():
        old = profile.photo.name if profile.photo else ""
        profile.photo.save(f"foto.{photo.ext}", ContentFile(photo.content), save=True)
        audit.record(actor, "jobs.photo_uploaded", profile, {"bytes": len(photo.content)}, request=request)
    if old:
        transaction.on_commit(lambda: profile.photo.storage.delete(old))


# --- AK/1 --------------------------------------------------------------------------------------------------------


def check_request_ak1(actor: Any, profile: SeekerProfile) -> None:
    if actor.pk != profile.user_id:
        raise PermissionDenied(_("Anda hanya dapat mengajukan kartu AK/1 untuk diri sendiri."))
    card = selectors.current_card(profile)
    if card and card.status in (CardStatus.DIMINTA, CardStatus.AKTIF):
        raise ValidationError({"card": _("Anda sudah memiliki kartu AK/1 yang aktif atau sedang diproses.")})
    if card and card.status in (CardStatus.NONAKTIF, CardStatus.KEDALUWARSA):
        raise ValidationError({"card": _("Kartu AK/1 Anda perlu diperpanjang oleh petugas Disnaker.")})
    if selectors.is_placed(profile):
        raise ValidationError({"card": _("Anda tercatat sudah ditempatkan bekerja.")})


def do_request_ak1(actor: Any, profile: SeekerProfile, request: HttpRequest | None = None) -> Ak1Card:
    check_request_ak1(actor, profile)
    with transaction.atomic():
        card = Ak1Card.objects.create(seeker=profile)
        audit.record(actor, "jobs.ak1_requested", card, request=request)
        events.publish("jobs.ak1_requested", {"card_id": card.pk})
    return card


def check_disnaker(actor: Any) -> None:
    if not selectors.is_disnaker(actor):
        raise PermissionDenied(_("Hanya petugas Disnaker yang dapat melakukan ini."))


def _next_number(on: date) -> str:
    """AK/1 number: <kab/kota code digits>-<year>-<6-digit serial>, e.g. 1271-2026-000042 (unique per year)."""
    from kotacerdas.regions.selectors import active_city

    city = active_city()
    prefix = f"{(city.code if city else '00.00').replace('.', '')}-{on.year}-"
    last = Ak1Card.objects.filter(number__startswith=prefix).aggregate(m=Max("number"))["m"]
    serial = int(last.rsplit("-", 1)[1]) + 1 if last else 1
    return f"{prefix}{serial:06d}"


def _issue(card: Ak1Card, actor: Any, on: date) -> None:
    card.issued_on = on
    card.valid_until = rules.add_months(on, 12 * rules.ak1_valid_years())
    card.next_report_due = rules.report_dates(on)[0]
    card.officer = actor
    card.officer_name = actor.display_name
    card.status = CardStatus.AKTIF
    card.status_changed_at = timezone.now()
    for _attempt in range(5):
        card.number = _next_number(on)
        try:
            with transaction.atomic():
                card.save()
            return
        except IntegrityError:
            continue  # another officer took the number at the same moment
    raise ValidationError({"card": _("Nomor kartu tidak dapat dibuat; coba lagi.")})


def check_issue_ak1(actor: Any, card: Ak1Card) -> None:
    check_disnaker(actor)
    if card.status != CardStatus.DIMINTA:
        raise ValidationError({"card": _("Kartu ini sudah diterbitkan atau tidak lagi berlaku.")})


def do_issue_ak1(actor: Any, card: Ak1Card, on: date | None = None, request: HttpRequest | None = None) -> Ak1Card:
    """The pengantar kerja issues the card (rule 35: the card names the officer who signed it)."""
    check_issue_ak1(actor, card)
    with transaction.atomic():
        _issue(card, actor, on or selectors.today())
        audit.record(actor, "jobs.ak1_issued", card, {"number": card.number,
                                                        "valid_until": card.valid_until.isoformat()}, request=request)
        notifications.card_issued(card)
        events.publish("jobs.ak1_issued", {"card_id": card.pk})
    return card


def report_window_days() -> int:
    """How early before its due date a six-monthly report may be made (a local choice; the sources give none)."""
    return int(getattr(settings, "JOBS_AK1_REPORT_WINDOW_DAYS", 30))


def check_report_ak1(actor: Any, card: Ak1Card, outcome: str, on: date) -> int:
    """Returns the report's sequence number (1-4). The seeker or a Disnaker officer records it."""
    if actor.pk != card.seeker.user_id and not selectors.is_disnaker(actor):
        raise PermissionDenied(_("Anda hanya dapat melapor untuk kartu Anda sendiri."))
    if card.status != CardStatus.AKTIF or card.next_report_due is None:
        raise ValidationError({"card": _("Kartu ini tidak aktif; laporan tidak dapat diterima. Perpanjang kartu "
                                         "di Disnaker.")})
    if outcome not in Ak1Report.Outcome.values:
        raise ValidationError({"outcome": _("Pilih keadaan Anda saat ini.")})
    opens = card.next_report_due - timedelta(days=report_window_days())
    if on < opens:
        raise ValidationError({"card": _("Laporan periode ini baru dapat disampaikan mulai %(d)s (batas %(due)s).")
                               % {"d": opens.strftime("%d-%m-%Y"), "due": card.next_report_due.strftime("%d-%m-%Y")}})
    return rules.report_dates(card.issued_on).index(card.next_report_due) + 1


def do_report_ak1(actor: Any, card: Ak1Card, outcome: str, note: str = "", on: date | None = None,
                  request: HttpRequest | None = None) -> Ak1Report:
    on = on or selectors.today()
    sequence = check_report_ak1(actor, card, outcome, on)
    dates = rules.report_dates(card.issued_on)
    with transaction.atomic():
        report = Ak1Report.objects.create(card=card, sequence=sequence, reported_on=on, outcome=outcome,
                                          note=" ".join(note.split())[:255], recorded_by=actor)
        card.next_report_due = dates[sequence] if sequence < len(dates) else None
        if outcome == Ak1Report.Outcome.SUDAH_BEKERJA:
            # A seeker who found work reports it (egov-rules §5.2 [S72]); the card leaves the active count.
            card.status = CardStatus.DITEMPATKAN
            card.status_changed_at = timezone.now()
        card.save()
        audit.record(actor, "jobs.ak1_reported", card, {"sequence": sequence, "outcome": outcome}, request=request)
    return report


def check_renew_ak1(actor: Any, card: Ak1Card) -> None:
    check_disnaker(actor)
    if card.status not in (CardStatus.NONAKTIF, CardStatus.KEDALUWARSA, CardStatus.AKTIF):
        raise ValidationError({"card": _("Kartu ini tidak dapat diperpanjang.")})
    if selectors.is_placed(card.seeker):
        raise ValidationError({"card": _("Pencari kerja ini tercatat sudah ditempatkan.")})


def do_renew_ak1(actor: Any, card: Ak1Card, on: date | None = None, request: HttpRequest | None = None) -> Ak1Card:
    """A lapsed (or expiring) card is replaced by a new one with a new validity (egov-rules §5.2 [S71])."""
    check_renew_ak1(actor, card)
    with transaction.atomic():
        card.status = CardStatus.DIGANTI
        card.status_changed_at = timezone.now()
        card.save(update_fields=["status", "status_changed_at"])
        new = Ak1Card(seeker=card.seeker)
        _issue(new, actor, on or selectors.today())
        audit.record(actor, "jobs.ak1_renewed", new, {"replaces": card.pk, "number": new.number}, request=request)
        notifications.card_issued(new)
    return new


def sweep_ak1(on: date | None = None) -> dict[str, int]:
    """Daily: a card whose report date (+ grace) passed without a report turns inactive; a card past its validity
    expires (rule 34). Idempotent."""
    on = on or selectors.today()
    grace = timedelta(days=rules.ak1_grace_days())
    counts = {"nonaktif": 0, "kedaluwarsa": 0}
    expired = Ak1Card.objects.filter(status__in=[CardStatus.AKTIF, CardStatus.NONAKTIF], valid_until__lt=on)
    for card in expired.select_related("seeker__user"):
        with transaction.atomic():
            card.status, card.status_changed_at = CardStatus.KEDALUWARSA, timezone.now()
            card.save(update_fields=["status", "status_changed_at"])
            audit.record(None, "jobs.ak1_expired", card, {"valid_until": card.valid_until.isoformat()})
        counts["kedaluwarsa"] += 1
    missed = Ak1Card.objects.filter(status=CardStatus.AKTIF, next_report_due__lt=on - grace)
    for card in missed.select_related("seeker__user"):
        with transaction.atomic():
            card.status, card.status_changed_at = CardStatus.NONAKTIF, timezone.now()
            card.save(update_fields=["status", "status_changed_at"])
            audit.record(None, "jobs.ak1_inactive", card, {"missed": card.next_report_due.isoformat()})
            notifications.card_inactive(card)
        counts["nonaktif"] += 1
    return counts


# --- companies ---------------------------------------------------------------------------------------------------


def _check_company_fields(data: dict[str, Any], errors: dict) -> dict[str, Any]:
    cleaned = {
        "name": _text(data, "company_name", _("Nama perusahaan"), errors, max_len=160),
        "sector": _choice(data, "sector", _("Sektor (KBLI)"), KBLI_SECTIONS, errors),
        "address": _text(data, "address", _("Alamat"), errors),
        "kecamatan": _kecamatan(data, "kecamatan", errors, required=False),
        "description": _text(data, "description", _("Profil singkat"), errors, required=False, max_len=3000),
        "website": _text(data, "website", _("Situs web"), errors, required=False, max_len=200),
        "nib": re.sub(r"\s", "", str(data.get("nib") or "")),
    }
    if cleaned["nib"] and not re.fullmatch(r"\d{13}", cleaned["nib"]):
        errors["nib"] = [_("NIB terdiri dari 13 angka (Nomor Induk Berusaha dari OSS).")]
    if cleaned["website"] and not re.match(r"^https?://", cleaned["website"]):
        cleaned["website"] = "https://" + cleaned["website"]
    return cleaned


def check_register_company(data: dict[str, Any]) -> dict[str, Any]:
    """A company and its first (admin) user; Disnaker verifies it before it may publish vacancies."""
    errors: dict[str, list[str]] = {}
    cleaned = _check_company_fields(data, errors)
    try:
        cleaned["account"] = accounts_actions.check_signup(data)
    except ValidationError as exc:
        errors.update(exc.message_dict)
    if data.get("password2") is not None and data.get("password2") != data.get("password"):
        errors["password2"] = [_("Kedua kata sandi tidak sama.")]
    if cleaned["name"] and Company.objects.filter(name__iexact=cleaned["name"]).exists():
        errors["company_name"] = [_("Perusahaan dengan nama ini sudah terdaftar; minta admin perusahaan Anda "
                                    "menambahkan akun Anda.")]
    _raise(errors)
    return cleaned


def _employer_user(account: dict[str, Any]) -> User:
    first, last = accounts_actions.split_name(account["full_name"])
    candidate = accounts_actions.free_username(account["full_name"], fallback="perusahaan")
    return User.objects.create_user(username=candidate, email=account["email"], password=account["password"],
                                    first_name=first, last_name=last, phone=account.get("phone", ""),
                                    role=Role.PERUSAHAAN)


def do_register_company(cleaned: dict[str, Any], request: HttpRequest | None = None) -> Company:
    with transaction.atomic():
        user = _employer_user(cleaned["account"])
        company = Company.objects.create(**{k: v for k, v in cleaned.items() if k != "account"})
        CompanyMember.objects.create(company=company, user=user, is_admin=True)
        audit.record(user, "jobs.company_registered", company, request=request)
        notifications.company_registered(company)
        events.publish("jobs.company_registered", {"company_id": company.pk})
    return company


def check_verify_company(actor: Any, company: Company, approve: bool, note: str) -> None:
    check_disnaker(actor)
    if company.status != CompanyStatus.MENUNGGU:
        raise ValidationError({"status": _("Perusahaan ini sudah diverifikasi sebelumnya.")})
    if not approve and not note.strip():
        raise ValidationError({"note": _("Tuliskan alasan penolakan.")})


def do_verify_company(actor: Any, company: Company, approve: bool, note: str = "",
                      request: HttpRequest | None = None) -> Company:
    check_verify_company(actor, company, approve, note)
    with transaction.atomic():
        company.status = CompanyStatus.TERVERIFIKASI if approve else CompanyStatus.DITOLAK
        company.review_note = " ".join(note.split())[:255]
        company.verified_by, company.verified_at = actor, timezone.now()
        company.save()
        audit.record(actor, "jobs.company_verified", company, {"status": company.status}, request=request)
        notifications.company_verified(company)
    return company


COMPANY_PROFILE_FIELDS = ("sector", "address", "kecamatan", "description", "website", "nib")


def check_update_company(actor: Any, company: Company, data: dict[str, Any]) -> dict[str, Any]:
    """A company admin edits the profile (the name stays as Disnaker verified it); returns only the changes."""
    if not (selectors.is_company_admin(actor, company) or selectors.is_disnaker(actor)):
        raise PermissionDenied(_("Hanya admin perusahaan yang dapat mengubah profil perusahaan."))
    errors: dict[str, list[str]] = {}
    cleaned = _check_company_fields({**data, "company_name": company.name}, errors)
    _raise(errors)
    return {k: cleaned[k] for k in COMPANY_PROFILE_FIELDS if getattr(company, k) != cleaned[k]}


def do_update_company(actor: Any, company: Company, changes: dict[str, Any], request: HttpRequest | None = None
                      ) -> Company:
    if not changes:
        return company
    with transaction.atomic():
        for key, value in changes.items():
            setattr(company, key, value)
        company.save()
        audit.record(actor, "jobs.company_updated", company, {"fields": sorted(changes)}, request=request)
    return company


def check_add_member(actor: Any, company: Company, data: dict[str, Any]) -> dict[str, Any]:
    if not (selectors.is_company_admin(actor, company) or selectors.is_disnaker(actor)):
        raise PermissionDenied(_("Hanya admin perusahaan yang dapat menambah pengguna."))
    errors: dict[str, list[str]] = {}
    try:
        account = accounts_actions.check_signup(data)
    except ValidationError as exc:
        errors.update(exc.message_dict)
        account = {}
    _raise(errors)
    return account


def do_add_member(actor: Any, company: Company, account: dict[str, Any], request: HttpRequest | None = None
                  ) -> CompanyMember:
    with transaction.atomic():
        user = _employer_user(account)
        member = CompanyMember.objects.create(company=company, user=user)
        audit.record(actor, "jobs.member_added", company, {"user_id": user.pk}, request=request)
    return member


# --- vacancies ---------------------------------------------------------------------------------------------------


def check_vacancy(actor: Any, data: dict[str, Any], on: date | None = None) -> dict[str, Any]:
    company = selectors.company_of(actor)
    if company is None:
        raise PermissionDenied(_("Hanya akun perusahaan mitra yang dapat memasang lowongan."))
    if company.status != CompanyStatus.TERVERIFIKASI:
        raise PermissionDenied(_("Perusahaan Anda belum diverifikasi Disnaker; lowongan belum dapat dipasang."))
    on = on or selectors.today()
    errors: dict[str, list[str]] = {}
    cleaned: dict[str, Any] = {
        "company": company,
        "title": _text(data, "title", _("Posisi"), errors, max_len=120),
        "description": _text(data, "description", _("Deskripsi pekerjaan"), errors, max_len=5000),
        "sector": str(data.get("sector") or company.sector),
        "education_min": _choice(data, "education_min", _("Pendidikan minimal"), Education.choices, errors),
        "skills": parse_skills(data.get("skills"), errors),
        "experience_min_years": _int(data, "experience_min_years", _("Pengalaman minimal"), errors, maximum=40) or 0,
        "kecamatan": _kecamatan(data, "kecamatan", errors, required=True),
        "salary_min": _int(data, "salary_min", _("Gaji minimal"), errors, maximum=1_000_000_000),
        "salary_max": _int(data, "salary_max", _("Gaji maksimal"), errors, maximum=1_000_000_000),
        "quota": _int(data, "quota", _("Kuota"), errors, required=True, minimum=1, maximum=10_000),
        "closes_on": _date(data, "closes_on", _("Batas lamaran"), errors),
    }
    if cleaned["sector"] not in dict(KBLI_SECTIONS):
        errors["sector"] = [_("Pilih sektor (KBLI) dari daftar.")]
    lo, hi = cleaned["salary_min"], cleaned["salary_max"]
    if lo is not None and hi is not None and lo > hi:
        errors["salary_max"] = [_("Gaji maksimal tidak boleh lebih kecil dari gaji minimal.")]
    closes = cleaned["closes_on"]
    if closes is not None and closes < on:
        errors["closes_on"] = [_("Batas lamaran tidak boleh di masa lalu.")]
    elif closes is not None and closes > on + timedelta(days=MAX_VACANCY_DAYS):
        errors["closes_on"] = [_("Batas lamaran paling lama %(days)d hari dari sekarang.")
                               % {"days": MAX_VACANCY_DAYS}]
    _raise(errors)
    return cleaned


def do_create_vacancy(actor: Any, cleaned: dict[str, Any], request: HttpRequest | None = None) -> Vacancy:
    """A new vacancy waits for Disnaker's moderation before it is published."""
    with transaction.atomic():
        vacancy = Vacancy(created_by=actor, status=VacancyStatus.MENUNGGU, **cleaned)
        vacancy.search_text = selectors.search_text_for(vacancy)
        vacancy.save()
        audit.record(actor, "jobs.vacancy_submitted", vacancy, request=request)
        notifications.vacancy_submitted(vacancy)
        events.publish("jobs.vacancy_submitted", {"vacancy_id": vacancy.pk})
    return vacancy


def check_moderate(actor: Any, vacancy: Vacancy, approve: bool, note: str) -> None:
    check_disnaker(actor)
    if vacancy.status != VacancyStatus.MENUNGGU:
        raise ValidationError({"status": _("Lowongan ini sudah dimoderasi.")})
    if not approve and not note.strip():
        raise ValidationError({"note": _("Tuliskan alasan penolakan agar perusahaan dapat memperbaikinya.")})
    if approve and vacancy.closes_on < selectors.today():
        raise ValidationError({"status": _("Batas lamaran lowongan ini sudah lewat.")})


def do_moderate(actor: Any, vacancy: Vacancy, approve: bool, note: str = "", request: HttpRequest | None = None
                ) -> Vacancy:
    check_moderate(actor, vacancy, approve, note)
    with transaction.atomic():
        vacancy.status = VacancyStatus.TERBIT if approve else VacancyStatus.DITOLAK
        vacancy.moderation_note = " ".join(note.split())[:255]
        vacancy.moderated_by, vacancy.moderated_at = actor, timezone.now()
        if approve:
            vacancy.published_at = vacancy.moderated_at
        vacancy.save()
        audit.record(actor, "jobs.vacancy_moderated", vacancy, {"status": vacancy.status}, request=request)
        notifications.vacancy_moderated(vacancy)
        if approve:
            events.publish("jobs.vacancy_published", {"vacancy_id": vacancy.pk})
    return vacancy


def check_close_vacancy(actor: Any, vacancy: Vacancy) -> None:
    company = selectors.company_of(actor)
    if not (selectors.is_disnaker(actor) or (company and company.pk == vacancy.company_id)):
        raise PermissionDenied(_("Anda tidak berwenang menutup lowongan ini."))
    if vacancy.status == VacancyStatus.DITUTUP:
        raise ValidationError({"status": _("Lowongan ini sudah ditutup.")})


def do_close_vacancy(actor: Any, vacancy: Vacancy, request: HttpRequest | None = None) -> Vacancy:
    check_close_vacancy(actor, vacancy)
    with transaction.atomic():
        vacancy.status = VacancyStatus.DITUTUP
        vacancy.save(update_fields=["status"])
        audit.record(actor, "jobs.vacancy_closed", vacancy, request=request)
    return vacancy


# --- applications ------------------------------------------------------------------------------------------------


def check_apply(actor: Any, vacancy: Vacancy, on: date | None = None) -> SeekerProfile:
    """A seeker applies with the profile and CV; the AK/1 card must be active (Siduta: seekers enter their AK/1
    data to see and apply for vacancies, egov-rules §5.4 [S82])."""
    profile = selectors.seeker_of(actor)
    if profile is None:
        raise PermissionDenied(_("Daftar sebagai pencari kerja terlebih dahulu."))
    on = on or selectors.today()
    if vacancy.status != VacancyStatus.TERBIT or vacancy.closes_on < on:
        raise ValidationError({"vacancy": _("Lowongan ini sudah tidak menerima lamaran.")})
    card = selectors.current_card(profile)
    if card is None or card.status != CardStatus.AKTIF:
        raise ValidationError({"card": _("Anda memerlukan kartu AK/1 yang aktif untuk melamar.")})
    if not profile.cv:
        raise ValidationError({"cv": _("Unggah CV (PDF) di profil Anda sebelum melamar.")})
    if selectors.is_placed(profile):
        raise ValidationError({"vacancy": _("Anda tercatat sudah ditempatkan bekerja.")})
    if Application.objects.filter(vacancy=vacancy, seeker=profile).exists():
        raise ValidationError({"vacancy": _("Anda sudah melamar lowongan ini.")})
    return profile


def do_apply(actor: Any, vacancy: Vacancy, cover_letter: str = "", request: HttpRequest | None = None
             ) -> Application:
    profile = check_apply(actor, vacancy)
    cover_letter = str(cover_letter or "").strip()[:3000]
    with transaction.atomic():
        application = Application(vacancy=vacancy, seeker=profile, cover_letter=cover_letter,
                                   match_score=matching.score(profile, vacancy).score)
        profile.cv.open("rb")
        try:
            application.cv.save(f"{profile.pk}-{vacancy.pk}.pdf", ContentFile(profile.cv.read()), save=False)
        finally:
            profile.cv.close()
        try:
            with transaction.atomic():
                application.save()
        except IntegrityError:
            application.cv.delete(save=False)
            raise ValidationError({"vacancy": _("Anda sudah melamar lowongan ini.")}) from None
        ApplicationEvent.objects.create(application=application, to_stage=Stage.DIKIRIM, actor=actor)
        audit.record(actor, "jobs.applied", application, {"vacancy": vacancy.pk}, request=request)
        notifications.application_submitted(application)
        events.publish("jobs.applied", {"application_id": application.pk, "vacancy_id": vacancy.pk})
    return application


def check_move(actor: Any, application: Application, to_stage: str, data: dict[str, Any] | None = None
               ) -> dict[str, Any]:
    """Only the employer moves its applicants, along TRANSITIONS; a placement needs a date (not in the future)
    and stays within the vacancy's quota."""
    company = selectors.company_of(actor)
    if company is None or application.vacancy.company_id != company.pk:
        raise PermissionDenied(_("Hanya perusahaan pemilik lowongan yang dapat memproses lamaran ini."))
    data = data or {}
    if to_stage not in Stage.values:
        raise ValidationError({"stage": _("Tahap tidak dikenal.")})
    if to_stage not in TRANSITIONS[application.stage]:
        raise ValidationError({"stage": _("Lamaran pada tahap \"%(from)s\" tidak dapat dipindahkan ke \"%(to)s\".")
                               % {"from": application.get_stage_display(), "to": Stage(to_stage).label}})
    errors: dict[str, list[str]] = {}
    cleaned: dict[str, Any] = {"note": _text(data, "note", _("Catatan"), errors, required=False)}
    if to_stage == Stage.DITEMPATKAN:
        placed_on = _date(data, "placed_on", _("Tanggal penempatan"), errors, required=False) or selectors.today()
        if placed_on > selectors.today():
            errors["placed_on"] = [_("Tanggal penempatan tidak boleh di masa depan.")]
        cleaned["placed_on"] = placed_on
        cleaned["position"] = _text(data, "position", _("Jabatan"), errors, required=False,
                                    max_len=120) or application.vacancy.title
        taken = Placement.objects.filter(application__vacancy=application.vacancy).count()
        if taken >= application.vacancy.quota:
            errors["stage"] = [_("Kuota lowongan ini (%(n)d orang) sudah terpenuhi.")
                               % {"n": application.vacancy.quota}]
        if selectors.is_placed(application.seeker):
            errors["stage"] = [_("Pelamar ini sudah tercatat ditempatkan di pekerjaan lain.")]
    _raise(errors)
    return cleaned


def do_move(actor: Any, application: Application, to_stage: str, data: dict[str, Any] | None = None,
            request: HttpRequest | None = None) -> Application:
    with transaction.atomic():
        application = Application.objects.select_for_update().select_related(
            "vacancy__company", "seeker__user").get(pk=application.pk)
        cleaned = check_move(actor, application, to_stage, data)
        from_stage = application.stage
        application.stage, application.stage_changed_at = to_stage, timezone.now()
        application.save(update_fields=["stage", "stage_changed_at"])
        ApplicationEvent.objects.create(application=application, from_stage=from_stage, to_stage=to_stage,
                                        note=cleaned["note"], actor=actor)
        if to_stage == Stage.DITEMPATKAN:
            placement = Placement.objects.create(
                seeker=application.seeker, application=application, company=application.vacancy.company,
                position=cleaned["position"], placed_on=cleaned["placed_on"], recorded_by=actor)
            # Rule 36: placed seekers leave the active count; their card is marked so.
            application.seeker.cards.filter(status=CardStatus.AKTIF).update(
                status=CardStatus.DITEMPATKAN, status_changed_at=timezone.now())
            audit.record(actor, "jobs.placed", placement, {"application": application.pk}, request=request)
            events.publish("jobs.placed", {"placement_id": placement.pk})
        audit.record(actor, "jobs.stage_changed", application, {"from": from_stage, "to": to_stage}, request=request)
        notifications.stage_changed(application, cleaned["note"])
    return application


# --- job fairs and trainings -------------------------------------------------------------------------------------


def check_event(actor: Any, data: dict[str, Any]) -> dict[str, Any]:
    check_disnaker(actor)
    errors: dict[str, list[str]] = {}
    cleaned: dict[str, Any] = {
        "kind": _choice(data, "kind", _("Jenis"), EventKind.choices, errors),
        "title": _text(data, "title", _("Nama kegiatan"), errors, max_len=160),
        "description": _text(data, "description", _("Keterangan"), errors, required=False, max_len=3000),
        "venue": _text(data, "venue", _("Tempat"), errors, max_len=200),
        "kecamatan": _kecamatan(data, "kecamatan", errors, required=False),
        "starts_on": _date(data, "starts_on", _("Tanggal mulai"), errors),
        "ends_on": _date(data, "ends_on", _("Tanggal selesai"), errors),
        "capacity": _int(data, "capacity", _("Kapasitas"), errors, required=True, minimum=1, maximum=100_000),
    }
    if cleaned["starts_on"] and cleaned["ends_on"] and cleaned["ends_on"] < cleaned["starts_on"]:
        errors["ends_on"] = [_("Tanggal selesai tidak boleh sebelum tanggal mulai.")]
    ids = [int(x) for x in data.get("companies") or [] if str(x).isdigit()]
    cleaned["companies"] = list(Company.objects.filter(pk__in=ids, status=CompanyStatus.TERVERIFIKASI))
    _raise(errors)
    return cleaned


def do_create_event(actor: Any, cleaned: dict[str, Any], request: HttpRequest | None = None) -> JobEvent:
    companies = cleaned.pop("companies", [])
    with transaction.atomic():
        event = JobEvent.objects.create(created_by=actor, **cleaned)
        event.companies.set(companies)
        audit.record(actor, "jobs.event_created", event, {"companies": len(companies)}, request=request)
    return event


def check_register_event(actor: Any, event: JobEvent, on: date | None = None) -> SeekerProfile:
    profile = selectors.seeker_of(actor)
    if profile is None:
        raise PermissionDenied(_("Daftar sebagai pencari kerja terlebih dahulu."))
    if event.ends_on < (on or selectors.today()):
        raise ValidationError({"event": _("Kegiatan ini sudah selesai.")})
    if event.registrations.filter(seeker=profile).exists():
        raise ValidationError({"event": _("Anda sudah terdaftar pada kegiatan ini.")})
    return profile


def do_register_event(actor: Any, event: JobEvent, request: HttpRequest | None = None) -> EventRegistration:
    """Capacity is enforced under a row lock on the event, so two last-seat registrations cannot both pass."""
    with transaction.atomic():
        event = JobEvent.objects.select_for_update().get(pk=event.pk)
        profile = check_register_event(actor, event)
        if event.registrations.count() >= event.capacity:
            raise ValidationError({"event": _("Kuota peserta kegiatan ini sudah penuh.")})
        try:
            with transaction.atomic():
                registration = EventRegistration.objects.create(event=event, seeker=profile)
        except IntegrityError:
            raise ValidationError({"event": _("Anda sudah terdaftar pada kegiatan ini.")}) from None
        audit.record(actor, "jobs.event_registered", registration, {"event": event.pk}, request=request)
    return registration


# --- TPT (BPS) ---------------------------------------------------------------------------------------------------


def check_tpt(actor: Any, data: dict[str, Any]) -> dict[str, Any]:
    """Rule 37: TPT is entered as BPS publishes it (period and source), never computed by the app."""
    check_disnaker(actor)
    errors: dict[str, list[str]] = {}
    cleaned: dict[str, Any] = {
        "period": _text(data, "period", _("Periode"), errors, max_len=60),
        "year": _int(data, "year", _("Tahun"), errors, required=True, minimum=1986, maximum=2100),
        "source": _text(data, "source", _("Sumber"), errors),
    }
    raw = str(data.get("rate") or "").strip().replace(",", ".")
    try:
        rate = Decimal(raw)
        if not Decimal(0) <= rate <= Decimal(100):
            raise InvalidOperation
        cleaned["rate"] = rate.quantize(Decimal("0.01"))
    except (InvalidOperation, ValueError):
        errors["rate"] = [_("TPT diisi dalam persen, 0 sampai 100 (mis. 8,67).")]
    if cleaned["period"] and cleaned["year"] and TptFigure.objects.filter(
            period=cleaned["period"], year=cleaned["year"]).exists():
        errors["period"] = [_("TPT untuk periode ini sudah dicatat.")]
    _raise(errors)
    return cleaned


def do_record_tpt(actor: Any, cleaned: dict[str, Any], request: HttpRequest | None = None) -> TptFigure:
    with transaction.atomic():
        figure = TptFigure.objects.create(entered_by=actor, **cleaned)
        audit.record(actor, "jobs.tpt_recorded", figure, {"rate": str(figure.rate), "period": figure.period},
                     request=request)
    return figure
