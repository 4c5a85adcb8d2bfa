"""Every change to a complaint. `check_*` validates and authorizes, `do_*` writes, notifies and publishes.

Lifecycle (egov-rules §3, §9 rules 1-7; complaints-open311-lapor.md §3.3):

    baru ──verifikasi──► disposisi ──diterima──► diproses ──selesai──► selesai ──konfirmasi──► tuntas / tidak_tuntas
     │  ▲                  ▲  │ limpah (re-route; the receiving OPD's clock)  │   ▲ buka kembali (≤ 10 hk)
     │  └─ lanjut ─ tunda  └──┘                                                │   └────────────┘
     ├─► bukan_wewenang, arsip (reason required)                              no answer in 10 hk ─► closed
     └─► digabung (duplicate merged into another case)

Every step appends a ComplaintEvent (actor, time, reason, the OPD whose clock it is) in the same transaction.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.base import ContentFile
from django.core.validators import validate_email
from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from kotacerdas.accounts.models import Role, User
from kotacerdas.agencies.models import Agency
from kotacerdas.complaints import notifications, routing, sla
from kotacerdas.complaints.models import (
    END_STATUSES,
    OPEN_STATUSES,
    Category,
    Channel,
    Classification,
    Complaint,
    ComplaintEvent,
    EventKind,
    Outcome,
    Photo,
    PhotoKind,
    SlaStage,
    Status,
    Subscription,
    TrackingCounter,
)
from kotacerdas.core import audit, events
from kotacerdas.core.models import SiteSettings
from kotacerdas.lib import images, pii

# Issue #2 / complaints-open311-lapor.md §1.3 (FixMyStreet suggests duplicates within 250 m).
DUPLICATE_RADIUS_M = 250
DUPLICATE_WINDOW_DAYS = 30
RATING_REVIEW_THRESHOLD = 2  # a rating of 2 or less goes to the review queue (issue #2)
PHONE_RE = r"^(\+62|62|0)8\d{7,12}$"


# --------------------------------------------------------------------------------------------------------
# Helpers


def _now(now: datetime | None) -> datetime:
    return now or timezone.now()


def _fail(field_name: str, message: str) -> None:
    raise ValidationError({field_name: [message]})


def _require_reason(reason: str, field_name: str = "reason") -> str:
    reason = (reason or "").strip()
    if len(reason) < 5:
        _fail(field_name, _("Alasan wajib diisi (minimal 5 karakter)."))
    return reason


def _require_status(complaint: Complaint, allowed: tuple[str, ...]) -> None:
    if complaint.status not in allowed:
        raise ValidationError(
            {"status": [_("Tindakan ini tidak berlaku untuk aduan berstatus %(status)s.")
                        % {"status": complaint.get_status_display()}]}
        )


def _role(user: Any) -> str:
    if not getattr(user, "is_authenticated", False):
        return ""
    return Role.SUPERADMIN if user.is_superuser else user.role


def is_coordinator(user: Any) -> bool:
    return _role(user) in (Role.ADMIN_KOORDINATOR, Role.SUPERADMIN)


def is_handling_opd(user: Any, complaint: Complaint) -> bool:
    return _role(user) == Role.PENGHUBUNG and user.agency_id is not None and user.agency_id == complaint.agency_id


def is_field_officer(user: Any, complaint: Complaint) -> bool:
    return _role(user) == Role.PETUGAS and complaint.assigned_to_id == user.pk


def _authorize(allowed: bool) -> None:
    if not allowed:
        raise PermissionDenied(_("Anda tidak berwenang melakukan tindakan ini pada aduan ini."))


def _lock(complaint: Complaint) -> Complaint:
    """Re-reads the row under a lock so two people acting at once are serialised."""
    return Complaint.objects.select_for_update().get(pk=complaint.pk)


def _event(
    complaint: Complaint, kind: str, *, actor: Any = None, now: datetime, from_status: str = "",
    reason: str = "", message: str = "", public: bool = False, agency: Agency | None = None,
    data: dict[str, Any] | None = None,
) -> ComplaintEvent:
    return ComplaintEvent.objects.create(
        complaint=complaint, kind=kind, at=now,
        actor=actor if getattr(actor, "is_authenticated", False) else None,
        agency=agency if agency is not None else complaint.agency,
        from_status=from_status, to_status=complaint.status, reason=reason, message=message,
        is_public=public, data=data or {},
    )


def _start_stage(complaint: Complaint, stage: str, start: datetime) -> None:
    complaint.stage = stage
    complaint.stage_started_at = start
    complaint.stage_due_at = sla.due_for(stage, start, complaint.category) if stage else None
    complaint.sla_level = 0
    complaint.escalation_level = 0


def _save(complaint: Complaint) -> None:
    complaint.version = (complaint.version or 0) + 1
    complaint.save()
    events.publish("complaint.changed", {"id": complaint.pk, "status": complaint.status,
                                         "agency": complaint.agency_id, "version": complaint.version})


def _save_photos(complaint: Complaint, photos: list[images.ProcessedPhoto], kind: str, user: Any,
                 event: ComplaintEvent | None) -> list[Photo]:
    saved = []
    for n, photo in enumerate(photos, start=1):
        obj = Photo(complaint=complaint, kind=kind, width=photo.width, height=photo.height, event=event,
                    uploaded_by=user if getattr(user, "is_authenticated", False) else None)
        obj.image.save(f"{complaint.tracking_no}-{kind}-{n}.{photo.ext}", ContentFile(photo.content), save=False)
        obj.save()
        saved.append(obj)
    return saved


def _process_photos(files: list[Any] | None, field_name: str = "photos") -> list[images.ProcessedPhoto]:
    files = [f for f in (files or []) if f]
    if len(files) > images.MAX_PHOTOS:
        _fail(field_name, _("Maksimal %(n)d foto.") % {"n": images.MAX_PHOTOS})
    processed = []
    for f in files:
        try:
            processed.append(images.process_photo(f))
        except images.PhotoError as exc:
            name = getattr(f, "name", "")
            _fail(field_name, f"{name}: {exc}" if name else str(exc))
    return processed


def next_tracking_no(now: datetime) -> str:
    """MRK-2026-000123: per-city prefix, per-year sequence, allocated under a row lock."""
    prefix = SiteSettings.load().tracking_prefix or "KC"
    year = timezone.localtime(now).year
    counter, _created = TrackingCounter.objects.select_for_update().get_or_create(prefix=prefix, year=year)
    TrackingCounter.objects.filter(pk=counter.pk).update(last=F("last") + 1)
    counter.refresh_from_db(fields=["last"])
    return f"{prefix}-{year}-{counter.last:06d}"


# --------------------------------------------------------------------------------------------------------
# Intake


@dataclass
class Intake:
    title: str
    description: str
    category: Category
    lat: float | None = None
    lon: float | None = None
    address: str = ""
    kelurahan: Any = None
    kecamatan: Any = None
    is_rahasia: bool = False
    is_anonim: bool = False
    reporter: User | None = None
    reporter_name: str = ""
    reporter_phone: str = ""
    reporter_email: str = ""
    reporter_nik: str = ""
    channel: str = Channel.WEB
    classification: str = Classification.PENGADUAN
    photos: list[images.ProcessedPhoto] = field(default_factory=list)


def normalize_phone(value: str) -> str:
    return "".join(ch for ch in (value or "") if ch.isdigit() or ch == "+")


def check_submit(data: dict[str, Any], user: Any = None, photos: list[Any] | None = None) -> Intake:
    """Validates a new complaint from any channel. Collects every field error before raising."""
    import re

    from kotacerdas.regions import geo

    errors: dict[str, list[str]] = {}

    def err(name: str, message: str) -> None:
        errors.setdefault(name, []).append(message)

    title = (data.get("title") or "").strip()
    description = (data.get("description") or "").strip()
    if len(title) < 5:
        err("title", _("Judul wajib diisi (minimal 5 karakter)."))
    elif len(title) > 150:
        err("title", _("Judul maksimal 150 karakter."))
    if len(description) < 15:
        err("description", _("Uraikan masalahnya (minimal 15 karakter)."))
    elif len(description) > 5000:
        err("description", _("Isi aduan maksimal 5000 karakter."))

    category = data.get("category")
    if not isinstance(category, Category):
        category = Category.objects.filter(code=str(category or ""), is_active=True).first() if category else None
    if category is None or not category.is_active:
        err("category", _("Pilih kategori aduan."))

    classification = data.get("classification") or Classification.PENGADUAN
    if classification not in Classification.values:
        err("classification", _("Klasifikasi tidak dikenal."))
    channel = data.get("channel") or Channel.WEB
    if channel not in Channel.values:
        err("channel", _("Kanal tidak dikenal."))

    lat, lon = data.get("lat"), data.get("lon")
    lat = None if lat in (None, "") else lat
    lon = None if lon in (None, "") else lon
    address = (data.get("address") or "").strip()[:255]
    location = None
    if (lat is None) != (lon is None):
        err("location", _("Titik lokasi tidak lengkap: lintang dan bujur harus diisi keduanya."))
    elif lat is not None:
        try:
            lat, lon = float(lat), float(lon)
            if not (-90 <= lat <= 90 and -180 <= lon <= 180):
                raise ValueError
        except (TypeError, ValueError):
            err("location", _("Titik lokasi tidak valid."))
            lat = lon = None
        else:
            try:
                location = geo.locate(lat, lon)
            except geo.OutsideCity as exc:
                err("location", str(exc.message))
            except geo.CityNotSet:
                err("location", _("Wilayah kota belum disiapkan (jalankan setup_region)."))
    elif not address:
        err("location", _("Tandai lokasi di peta atau isi alamat/patokan."))

    reporter = user if getattr(user, "is_authenticated", False) else None
    name = (data.get("reporter_name") or "").strip()[:120]
    phone = normalize_phone(data.get("reporter_phone") or "")
    email = (data.get("reporter_email") or "").strip()
    nik = re.sub(r"\D", "", data.get("reporter_nik") or "")
    if reporter is None:
        if len(name) < 2:
            err("reporter_name", _("Nama pelapor wajib diisi."))
        if not phone and not email:
            err("reporter_phone", _("Isi nomor HP atau e-mail agar kami bisa mengabari Anda."))
    if phone and not re.match(PHONE_RE, phone):
        err("reporter_phone", _("Nomor HP tidak valid (contoh: 081234567890)."))
    if email:
        try:
            validate_email(email)
        except ValidationError:
            err("reporter_email", _("Alamat e-mail tidak valid."))
    if data.get("reporter_nik") and len(nik) != 16:
        err("reporter_nik", _("NIK harus 16 digit."))

    try:
        processed = _process_photos(photos)
    except ValidationError as exc:
        for k, v in exc.message_dict.items():
            errors.setdefault(k, []).extend(v)
        processed = []

    if errors:
        raise ValidationError(errors)
    return Intake(
        title=title, description=description, category=category, lat=lat, lon=lon, address=address,
        kelurahan=location.kelurahan if location else None, kecamatan=location.kecamatan if location else None,
        is_rahasia=bool(data.get("is_rahasia")), is_anonim=bool(data.get("is_anonim")), reporter=reporter,
        reporter_name=name if reporter is None else "", reporter_phone=phone, reporter_email=email,
        reporter_nik=nik, channel=channel, classification=classification, photos=processed,
    )


@transaction.atomic
def do_submit(intake: Intake, *, now: datetime | None = None) -> Complaint:
    """Stores a checked complaint, starts the verification clock and tells the reporter its tracking number."""
    now = _now(now)
    rule = routing.suggest(intake.category, intake.kecamatan)
    complaint = Complaint(
        tracking_no=next_tracking_no(now), title=intake.title, description=intake.description,
        public_title=pii.mask_personal_data(intake.title),
        public_description=pii.mask_personal_data(intake.description),
        category=intake.category, classification=intake.classification, channel=intake.channel,
        lat=intake.lat, lon=intake.lon, address=intake.address, kelurahan=intake.kelurahan,
        kecamatan=intake.kecamatan, routing_rule=rule, reporter=intake.reporter,
        reporter_name=intake.reporter_name, reporter_phone=intake.reporter_phone,
        reporter_email=intake.reporter_email, reporter_nik=intake.reporter_nik,
        is_rahasia=intake.is_rahasia, is_anonim=intake.is_anonim, access_token=secrets.token_urlsafe(32),
        created_at=now, clock_started_at=now,
    )
    _start_stage(complaint, SlaStage.VERIFY, now)
    complaint.resolve_due_at = sla.due_for(SlaStage.RESOLVE, now, intake.category)
    complaint.save()
    event = _event(complaint, EventKind.CREATED, actor=intake.reporter, now=now, public=True,
                   data={"channel": intake.channel, "suggested_agency": rule.agency_id if rule else None})
    _save_photos(complaint, intake.photos, PhotoKind.REPORT, intake.reporter, event)
    Subscription.objects.create(complaint=complaint, user=intake.reporter,
                                email="" if intake.reporter else intake.reporter_email,
                                phone="" if intake.reporter else intake.reporter_phone)
    notifications.submitted(complaint)
    events.publish("complaint.created", {"id": complaint.pk, "category": complaint.category_id,
                                         "kecamatan": complaint.kecamatan_id, "lat": complaint.lat,
                                         "lon": complaint.lon})
    return complaint


def submit(data: dict[str, Any], user: Any = None, photos: list[Any] | None = None,
           now: datetime | None = None) -> Complaint:
    return do_submit(check_submit(data, user, photos), now=now)


def find_duplicates(category: Category | None, lat: float | None, lon: float | None, text: str,
                    now: datetime | None = None, limit: int = 5) -> list[Complaint]:
    """Open public complaints a citizen may want to support instead of filing again.

    Same category within 250 m and 30 days, or a very similar text in the same category.
    """
    from kotacerdas.complaints import selectors
    from kotacerdas.lib import geo as geomath
    from kotacerdas.lib import textsim

    if category is None:
        return []
    since = _now(now) - timedelta(days=DUPLICATE_WINDOW_DAYS)
    found: dict[int, tuple[float, Complaint]] = {}
    if lat is not None and lon is not None:
        for c in selectors.nearby_candidates(category.pk, lat, lon, since)[:50]:
            d = geomath.haversine_m(lat, lon, c.lat, c.lon)
            if d <= DUPLICATE_RADIUS_M:
                found[c.pk] = (d, c)
    if text:
        recent = selectors.public_complaints().filter(
            category=category, created_at__gte=since, status__in=OPEN_STATUSES, parent__isnull=True
        ).order_by("-created_at")[:200]
        for c in recent:
            if c.pk not in found and textsim.similarity(text, f"{c.public_title} {c.public_description}") >= \
                    textsim.VERY_SIMILAR:
                found[c.pk] = (DUPLICATE_RADIUS_M + 1, c)
    return [c for _d, c in sorted(found.values(), key=lambda t: t[0])][:limit]


def check_support(complaint: Complaint, user: Any = None, email: str = "") -> None:
    if complaint.is_rahasia or complaint.status not in OPEN_STATUSES:
        _fail("complaint", _("Aduan ini tidak dapat didukung."))
    if not getattr(user, "is_authenticated", False):
        try:
            validate_email(email or "")
        except ValidationError:
            _fail("email", _("Isi alamat e-mail yang valid untuk mengikuti aduan ini."))


@transaction.atomic
def do_support(complaint: Complaint, user: Any = None, email: str = "", now: datetime | None = None) -> bool:
    """+1 and subscribe. Returns False when this person already supports or reported it (counted once)."""
    now = _now(now)
    complaint = _lock(complaint)
    is_user = getattr(user, "is_authenticated", False)
    existing = complaint.subscriptions.filter(user=user) if is_user else complaint.subscriptions.filter(
        user__isnull=True, email__iexact=email)
    if existing.exists() or (is_user and complaint.reporter_id == user.pk):
        return False
    Subscription.objects.create(complaint=complaint, user=user if is_user else None,
                                email="" if is_user else email, is_supporter=True)
    complaint.support_count += 1
    _event(complaint, EventKind.SUPPORTED, actor=user, now=now, public=True,
           message=_("Seorang warga mendukung aduan ini."))
    _save(complaint)
    return True


# --------------------------------------------------------------------------------------------------------
# Verification by the admin koordinator


def check_dispose(user: Any, complaint: Complaint, agency: Agency | None) -> Agency:
    _authorize(is_coordinator(user))
    _require_status(complaint, (Status.BARU, Status.TUNDA))
    agency = agency or (complaint.routing_rule.agency if complaint.routing_rule_id else None)
    if agency is None:
        _fail("agency", _("Pilih OPD tujuan disposisi."))
    if not agency.is_active:
        _fail("agency", _("OPD tujuan tidak aktif."))
    return agency


@transaction.atomic
def do_dispose(user: Any, complaint: Complaint, agency: Agency, *, message: str = "",
               is_rahasia: bool | None = None, is_anonim: bool | None = None, category: Category | None = None,
               now: datetime | None = None) -> Complaint:
    """Verifikasi: forwards the case to the OPD; the OPD's 5 hk clock starts now.

    The coordinator may correct the category at the same time (e.g. on the text classifier's suggestion); the
    change is recorded in the event so the classifier learns from confirmed labels.
    """
    now = _now(now)
    complaint = _lock(complaint)
    recategorised = None
    if category is not None and category.pk != complaint.category_id:
        if not category.is_active:
            _fail("category", _("Kategori tidak aktif."))
        recategorised = {"from_category": complaint.category.code, "to_category": category.code}
        complaint.category = category
    if is_rahasia is not None or is_anonim is not None:
        _apply_flags(user, complaint, is_rahasia, is_anonim, _("Ditetapkan saat verifikasi"), now)
    before = complaint.status
    complaint.status = Status.DISPOSISI
    complaint.agency = agency
    complaint.verified_at = complaint.verified_at or now
    complaint.dispositioned_at = now
    _start_stage(complaint, SlaStage.RESPOND, now)
    _event(complaint, EventKind.DISPOSISI, actor=user, now=now, from_status=before, public=True,
           message=message or _("Aduan telah diverifikasi dan diteruskan ke %(opd)s.") % {"opd": agency.name},
           agency=agency, data={"suggested": complaint.routing_rule.agency_id if complaint.routing_rule_id else None,
                                **(recategorised or {})})
    _save(complaint)
    notifications.dispositioned(complaint)
    return complaint


def check_tunda(user: Any, complaint: Complaint, reason: str) -> str:
    _authorize(is_coordinator(user))
    _require_status(complaint, (Status.BARU,))
    return _require_reason(reason)


@transaction.atomic
def do_tunda(user: Any, complaint: Complaint, reason: str, now: datetime | None = None) -> Complaint:
    """Asks the reporter for more information; the clock stops until the file is complete (berkas lengkap)."""
    now = _now(now)
    complaint = _lock(complaint)
    before = complaint.status
    complaint.status = Status.TUNDA
    _start_stage(complaint, "", now)
    _event(complaint, EventKind.TUNDA, actor=user, now=now, from_status=before, reason=reason, public=True,
           message=reason)
    _save(complaint)
    notifications.to_reporter(complaint, _("Aduan %(no)s ditunda: mohon lengkapi informasi"), reason)
    return complaint


def check_resume(user: Any, complaint: Complaint, token: str = "", info: str = "") -> str:
    _require_status(complaint, (Status.TUNDA,))
    _authorize(is_coordinator(user) or is_reporter(user, complaint, token))
    info = (info or "").strip()
    if not is_coordinator(user) and len(info) < 5:
        _fail("info", _("Tuliskan informasi tambahan yang diminta."))
    return info


@transaction.atomic
def do_resume(user: Any, complaint: Complaint, info: str = "", now: datetime | None = None) -> Complaint:
    """The file is complete again: the verification and resolution clocks restart from now (Perpres 76/2013)."""
    now = _now(now)
    complaint = _lock(complaint)
    before = complaint.status
    complaint.status = Status.BARU
    complaint.clock_started_at = now
    complaint.resolve_due_at = sla.due_for(SlaStage.RESOLVE, now, complaint.category)
    _start_stage(complaint, SlaStage.VERIFY, now)
    if info:
        complaint.description = f"{complaint.description}\n\n[{_('Informasi tambahan')}] {info}"
        complaint.public_description = pii.mask_personal_data(complaint.description)
    _event(complaint, EventKind.RESUMED, actor=user, now=now, from_status=before, public=True,
           message=pii.mask_personal_data(info) if info else _("Aduan dilanjutkan untuk diverifikasi."))
    _save(complaint)
    return complaint


def check_close_unverified(user: Any, complaint: Complaint, reason: str) -> str:
    """Bukan wewenang and arsip both need the coordinator and a reason (rule 4)."""
    _authorize(is_coordinator(user))
    _require_status(complaint, (Status.BARU, Status.TUNDA))
    return _require_reason(reason)


@transaction.atomic
def do_close_unverified(user: Any, complaint: Complaint, status: str, reason: str,
                        now: datetime | None = None) -> Complaint:
    assert status in (Status.BUKAN_WEWENANG, Status.ARSIP)
    now = _now(now)
    complaint = _lock(complaint)
    before = complaint.status
    complaint.status = status
    complaint.verified_at = complaint.verified_at or now
    complaint.closed_at = now
    _start_stage(complaint, "", now)
    kind = EventKind.BUKAN_WEWENANG if status == Status.BUKAN_WEWENANG else EventKind.ARSIP
    _event(complaint, kind, actor=user, now=now, from_status=before, reason=reason, public=True, message=reason)
    _save(complaint)
    notifications.to_reporter(complaint, _("Aduan %(no)s: %(status)s") % {
        "no": complaint.tracking_no, "status": complaint.get_status_display()}, reason)
    return complaint


# --------------------------------------------------------------------------------------------------------
# The OPD


def check_accept(user: Any, complaint: Complaint) -> None:
    _authorize(is_handling_opd(user, complaint))
    _require_status(complaint, (Status.DISPOSISI,))


@transaction.atomic
def do_accept(user: Any, complaint: Complaint, now: datetime | None = None) -> Complaint:
    now = _now(now)
    complaint = _lock(complaint)
    before = complaint.status
    complaint.status = Status.DIPROSES
    complaint.accepted_at = complaint.accepted_at or now
    _event(complaint, EventKind.ACCEPTED, actor=user, now=now, from_status=before, public=True,
           message=_("Aduan diterima oleh %(opd)s.") % {"opd": complaint.agency.name})
    _save(complaint)
    return complaint


def check_reroute(user: Any, complaint: Complaint, agency: Agency | None, reason: str) -> tuple[Agency, str]:
    _authorize(is_handling_opd(user, complaint) or is_coordinator(user))
    _require_status(complaint, (Status.DISPOSISI, Status.DIPROSES))
    if agency is None or not agency.is_active:
        _fail("agency", _("Pilih OPD penerima pelimpahan."))
    if agency.pk == complaint.agency_id:
        _fail("agency", _("OPD penerima harus berbeda dari OPD saat ini."))
    return agency, _require_reason(reason)


@transaction.atomic
def do_reroute(user: Any, complaint: Complaint, agency: Agency, reason: str,
               now: datetime | None = None) -> Complaint:
    """Dilimpahkan: the receiving OPD gets a fresh 5 hk clock; the sender is not charged for the time after."""
    now = _now(now)
    complaint = _lock(complaint)
    before, old_agency = complaint.status, complaint.agency
    complaint.status = Status.DISPOSISI
    complaint.agency = agency
    complaint.assigned_to = None
    complaint.dispositioned_at = now
    complaint.accepted_at = None
    _start_stage(complaint, SlaStage.RESPOND, now)
    _event(complaint, EventKind.REROUTED, actor=user, now=now, from_status=before, reason=reason, public=True,
           message=_("Dilimpahkan dari %(a)s ke %(b)s.") % {"a": old_agency.name if old_agency else "-",
                                                           "b": agency.name},
           agency=agency, data={"from_agency": old_agency.pk if old_agency else None, "to_agency": agency.pk})
    _save(complaint)
    notifications.dispositioned(complaint)
    return complaint


def check_assign(user: Any, complaint: Complaint, officer: User | None) -> User:
    _authorize(is_handling_opd(user, complaint))
    _require_status(complaint, (Status.DISPOSISI, Status.DIPROSES))
    if officer is None or officer.role != Role.PETUGAS or officer.agency_id != complaint.agency_id \
            or not officer.is_active:
        _fail("officer", _("Pilih petugas lapangan dari OPD ini."))
    return officer


@transaction.atomic
def do_assign(user: Any, complaint: Complaint, officer: User, note: str = "",
              now: datetime | None = None) -> Complaint:
    now = _now(now)
    complaint = _lock(complaint)
    before = complaint.status
    if complaint.status == Status.DISPOSISI:  # assigning work means the OPD has accepted the case
        complaint.status = Status.DIPROSES
        complaint.accepted_at = complaint.accepted_at or now
    complaint.assigned_to = officer
    _event(complaint, EventKind.ASSIGNED, actor=user, now=now, from_status=before, message=note,
           data={"officer": officer.pk, "officer_name": officer.display_name})
    _save(complaint)
    notifications.assigned(complaint, officer)
    return complaint


def check_respond(user: Any, complaint: Complaint, message: str, photos: list[Any] | None = None,
                  ) -> tuple[str, list[images.ProcessedPhoto]]:
    _authorize(is_handling_opd(user, complaint) or is_field_officer(user, complaint))
    _require_status(complaint, (Status.DISPOSISI, Status.DIPROSES))
    message = (message or "").strip()
    if len(message) < 10:
        _fail("message", _("Tanggapan wajib diisi (minimal 10 karakter)."))
    return message, _process_photos(photos)


@transaction.atomic
def do_respond(user: Any, complaint: Complaint, message: str, photos: list[images.ProcessedPhoto] | None = None,
               photo_kind: str = PhotoKind.BEFORE, now: datetime | None = None) -> Complaint:
    """A public tindak lanjut. The first one meets the OPD's 5 hk deadline; then the 60-day clock governs."""
    now = _now(now)
    complaint = _lock(complaint)
    before = complaint.status
    complaint.status = Status.DIPROSES
    complaint.accepted_at = complaint.accepted_at or now
    first = complaint.first_response_at is None
    if first:
        complaint.first_response_at = now
        complaint.stage = SlaStage.RESOLVE
        complaint.stage_started_at = now
        complaint.stage_due_at = complaint.resolve_due_at
        complaint.sla_level = 0
        complaint.escalation_level = 0
    event = _event(complaint, EventKind.RESPONSE, actor=user, now=now, from_status=before, public=True,
                   message=pii.mask_personal_data(message), data={"first": first})
    _save_photos(complaint, photos or [], photo_kind, user, event)
    _save(complaint)
    notifications.responded(complaint, message)
    return complaint


def check_note(user: Any, complaint: Complaint, message: str, photos: list[Any] | None = None,
               ) -> tuple[str, list[images.ProcessedPhoto]]:
    from kotacerdas.complaints import selectors

    _authorize(selectors.is_staff_reader(user) and selectors.complaints_for(user).filter(pk=complaint.pk).exists()
               and _role(user) != Role.OPERATOR)
    message = (message or "").strip()
    if len(message) < 3 and not photos:
        _fail("message", _("Catatan tidak boleh kosong."))
    return message, _process_photos(photos)


@transaction.atomic
def do_note(user: Any, complaint: Complaint, message: str, photos: list[images.ProcessedPhoto] | None = None,
            photo_kind: str = PhotoKind.BEFORE, now: datetime | None = None) -> ComplaintEvent:
    """An internal note: staff only, never public, never sent to the reporter."""
    now = _now(now)
    complaint = _lock(complaint)
    event = _event(complaint, EventKind.NOTE, actor=user, now=now, from_status=complaint.status, message=message)
    _save_photos(complaint, photos or [], photo_kind, user, event)
    _save(complaint)
    return event


def check_resolve(user: Any, complaint: Complaint, outcome: str, message: str,
                  photos: list[Any] | None = None) -> tuple[str, str, list[images.ProcessedPhoto]]:
    _authorize(is_handling_opd(user, complaint))
    _require_status(complaint, (Status.DIPROSES,))
    if outcome not in Outcome.values:
        _fail("outcome", _("Pilih hasil penanganan."))
    message = (message or "").strip()
    if len(message) < 10:
        _fail("message", _("Jelaskan hasil penanganan kepada pelapor (minimal 10 karakter)."))
    processed = _process_photos(photos)
    if (outcome == Outcome.FIXED and complaint.category.requires_after_photo and not processed
            and not complaint.photos.filter(kind=PhotoKind.AFTER).exists()):
        _fail("photos", _("Kategori ini wajib melampirkan foto sesudah perbaikan."))
    return outcome, message, processed


@transaction.atomic
def do_resolve(user: Any, complaint: Complaint, outcome: str, message: str,
               photos: list[images.ProcessedPhoto] | None = None, now: datetime | None = None) -> Complaint:
    """Selesai: the reporter now has 10 hk to confirm or reopen; without an answer the case closes itself."""
    now = _now(now)
    complaint = _lock(complaint)
    before = complaint.status
    complaint.status = Status.SELESAI
    complaint.outcome = outcome
    complaint.resolved_at = now
    complaint.first_response_at = complaint.first_response_at or now
    _start_stage(complaint, SlaStage.CONFIRM, now)
    event = _event(complaint, EventKind.RESOLVED, actor=user, now=now, from_status=before, public=True,
                   message=pii.mask_personal_data(message), data={"outcome": outcome})
    _save_photos(complaint, photos or [], PhotoKind.AFTER, user, event)
    _save(complaint)
    notifications.resolved(complaint, message)
    return complaint


# --------------------------------------------------------------------------------------------------------
# The reporter


def is_reporter(user: Any, complaint: Complaint, token: str = "") -> bool:
    if getattr(user, "is_authenticated", False) and complaint.reporter_id == user.pk:
        return True
    return bool(token) and bool(complaint.access_token) and secrets.compare_digest(token, complaint.access_token)


def check_confirm(user: Any, complaint: Complaint, rating: Any, token: str = "") -> int:
    _authorize(is_reporter(user, complaint, token))
    _require_status(complaint, (Status.SELESAI,))
    try:
        rating = int(rating)
    except (TypeError, ValueError):
        rating = 0
    if not 1 <= rating <= 5:
        _fail("rating", _("Beri nilai 1 sampai 5."))
    return rating


@transaction.atomic
def do_confirm(user: Any, complaint: Complaint, rating: int, comment: str = "",
               now: datetime | None = None) -> Complaint:
    now = _now(now)
    complaint = _lock(complaint)
    before = complaint.status
    complaint.status = Status.TUNTAS if complaint.outcome == Outcome.FIXED else Status.TIDAK_TUNTAS
    complaint.closed_at = now
    complaint.rating = rating
    complaint.rating_comment = (comment or "").strip()[:2000]
    complaint.needs_review = rating <= RATING_REVIEW_THRESHOLD
    _start_stage(complaint, "", now)
    _event(complaint, EventKind.CONFIRMED, actor=user, now=now, from_status=before, public=True,
           message=_("Pelapor mengonfirmasi penyelesaian."))
    _event(complaint, EventKind.RATED, actor=user, now=now, public=True,
           message=pii.mask_personal_data(complaint.rating_comment), data={"rating": rating})
    _save(complaint)
    notifications.closed(complaint)
    return complaint


def check_reopen(user: Any, complaint: Complaint, reason: str, token: str = "", now: datetime | None = None) -> str:
    _authorize(is_reporter(user, complaint, token))
    _require_status(complaint, (Status.SELESAI,))
    if complaint.stage_due_at and _now(now) > complaint.stage_due_at:
        _fail("status", _("Batas waktu untuk membuka kembali aduan (10 hari kerja) sudah lewat."))
    return _require_reason(reason)


@transaction.atomic
def do_reopen(user: Any, complaint: Complaint, reason: str, now: datetime | None = None) -> Complaint:
    """Not fixed after all: back to the OPD with a fresh 5 hk tindak lanjut clock."""
    now = _now(now)
    complaint = _lock(complaint)
    before = complaint.status
    complaint.status = Status.DIPROSES
    complaint.outcome = ""
    complaint.resolved_at = None
    complaint.reopen_count += 1
    _start_stage(complaint, SlaStage.RESPOND, now)
    _event(complaint, EventKind.REOPENED, actor=user, now=now, from_status=before, reason=reason, public=True,
           message=pii.mask_personal_data(reason))
    _save(complaint)
    notifications.reopened(complaint, reason)
    return complaint


# --------------------------------------------------------------------------------------------------------
# Coordinator tools: flags, redaction, merge, review


def _apply_flags(user: Any, complaint: Complaint, is_rahasia: bool | None, is_anonim: bool | None, reason: str,
                 now: datetime) -> bool:
    old = {"is_rahasia": complaint.is_rahasia, "is_anonim": complaint.is_anonim}
    if is_rahasia is not None:
        complaint.is_rahasia = bool(is_rahasia)
    if is_anonim is not None:
        complaint.is_anonim = bool(is_anonim)
    new = {"is_rahasia": complaint.is_rahasia, "is_anonim": complaint.is_anonim}
    if old == new:
        return False
    # Rule 5: neither flag changes without an audit entry.
    _event(complaint, EventKind.FLAGS, actor=user, now=now, from_status=complaint.status, reason=reason,
           data={"old": old, "new": new})
    audit.record(user, "complaint.flags", complaint, {"old": old, "new": new, "reason": reason})
    return True


def check_set_flags(user: Any, complaint: Complaint, reason: str) -> str:
    _authorize(is_coordinator(user))
    return _require_reason(reason)


@transaction.atomic
def do_set_flags(user: Any, complaint: Complaint, *, is_rahasia: bool, is_anonim: bool, reason: str,
                 now: datetime | None = None) -> Complaint:
    now = _now(now)
    complaint = _lock(complaint)
    if _apply_flags(user, complaint, is_rahasia, is_anonim, reason, now):
        _save(complaint)
    return complaint


def check_redact(user: Any, complaint: Complaint, public_title: str, public_description: str, reason: str) -> str:
    _authorize(is_coordinator(user))
    if len((public_title or "").strip()) < 5 or len((public_description or "").strip()) < 5:
        _fail("public_description", _("Judul dan isi publik tidak boleh kosong."))
    return _require_reason(reason)


@transaction.atomic
def do_redact(user: Any, complaint: Complaint, public_title: str, public_description: str, reason: str,
              now: datetime | None = None) -> Complaint:
    """Staff edit of the public copy (the original stays for staff); masked again in case they pasted PII."""
    now = _now(now)
    complaint = _lock(complaint)
    complaint.public_title = pii.mask_personal_data(public_title.strip())[:150]
    complaint.public_description = pii.mask_personal_data(public_description.strip())
    _event(complaint, EventKind.REDACTED, actor=user, now=now, from_status=complaint.status, reason=reason)
    audit.record(user, "complaint.redact", complaint, {"reason": reason})
    _save(complaint)
    return complaint


def check_merge(user: Any, complaint: Complaint, parent: Complaint | None) -> Complaint:
    _authorize(is_coordinator(user))
    _require_status(complaint, OPEN_STATUSES)
    if parent is None or parent.pk == complaint.pk:
        _fail("parent", _("Pilih aduan induk yang lain."))
    if parent.status in END_STATUSES:
        _fail("parent", _("Aduan induk sudah ditutup."))
    if parent.parent_id:
        _fail("parent", _("Aduan induk sendiri sudah digabung ke %(no)s.") % {"no": parent.parent.tracking_no})
    return parent


@transaction.atomic
def do_merge(user: Any, complaint: Complaint, parent: Complaint, now: datetime | None = None) -> Complaint:
    """The duplicate closes as digabung; its reporter and supporters follow the parent from now on."""
    now = _now(now)
    complaint, parent = _lock(complaint), _lock(parent)
    before = complaint.status
    complaint.status = Status.DIGABUNG
    complaint.parent = parent
    complaint.closed_at = now
    _start_stage(complaint, "", now)
    _event(complaint, EventKind.MERGED, actor=user, now=now, from_status=before, public=True,
           message=_("Digabung dengan aduan %(no)s.") % {"no": parent.tracking_no}, data={"parent": parent.pk})
    for sub in complaint.subscriptions.all():
        already = (parent.subscriptions.filter(user=sub.user).exists() if sub.user_id else
                   parent.subscriptions.filter(user__isnull=True, email=sub.email, phone=sub.phone).exists())
        if not already:
            Subscription.objects.create(complaint=parent, user=sub.user, email=sub.email, phone=sub.phone,
                                        is_supporter=True)
    parent.support_count += 1 + complaint.support_count
    _event(parent, EventKind.MERGED, actor=user, now=now, from_status=parent.status, public=True,
           message=_("Aduan %(no)s digabung ke aduan ini.") % {"no": complaint.tracking_no},
           data={"child": complaint.pk})
    _save(complaint)
    _save(parent)
    notifications.to_reporter(complaint, _("Aduan %(no)s digabung"),
                              _("Aduan Anda digabung dengan aduan %(no)s yang melaporkan masalah yang sama. "
                                "Anda akan menerima kabar perkembangannya.") % {"no": parent.tracking_no})
    return complaint


def check_review(user: Any, complaint: Complaint, note: str) -> str:
    _authorize(is_coordinator(user))
    if not complaint.needs_review:
        _fail("status", _("Aduan ini tidak ada di antrean tinjauan."))
    return _require_reason(note, "note")


@transaction.atomic
def do_review(user: Any, complaint: Complaint, note: str, now: datetime | None = None) -> Complaint:
    now = _now(now)
    complaint = _lock(complaint)
    complaint.needs_review = False
    _event(complaint, EventKind.REVIEWED, actor=user, now=now, from_status=complaint.status, reason=note)
    _save(complaint)
    return complaint


def record_identity_view(user: Any, complaint: Complaint, request: Any = None) -> None:
    """Every time staff open a reporter's identity it is logged (issue #2 privacy rule)."""
    audit.record(user, "complaint.identity_viewed", complaint, {"tracking_no": complaint.tracking_no},
                 request=request)
