"""State changes of e-planning: check_* validates and authorizes (ValidationError with field-keyed Indonesian
messages, or PermissionDenied), do_* writes in a transaction, records core.AuditLog and publishes events after
commit. The rules and their sources are in rules.py and pricing.py (egov-rules §1, §2, rules 20-32).

Every window check takes `today` (the city's local date by default) so the demo seed can replay a past stage.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal, InvalidOperation
from typing import IO, Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.base import ContentFile
from django.db import transaction
from django.db.models import Max, Q, QuerySet, Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from kotacerdas.accounts.models import Role
from kotacerdas.agencies.models import Agency
from kotacerdas.core import audit
from kotacerdas.core.deadlines import to_local
from kotacerdas.core.events import publish
from kotacerdas.lib.images import MAX_PHOTO_BYTES, MAX_PHOTOS, PhotoError, process_photo
from kotacerdas.planning import pricing, selectors
from kotacerdas.planning.models import (
    Attachment,
    BeritaAcara,
    Forum,
    ForumDecision,
    KamusEntry,
    PaguIndikatif,
    PlanningYear,
    PriceDeviation,
    PriceItem,
    PriceKind,
    PriceVersion,
    ScoringWeight,
    StageWindow,
    Usulan,
    UsulanComponent,
    UsulanStatus,
)
from kotacerdas.planning.rules import (
    DEFAULT_CALENDAR,
    DEFAULT_WEIGHTS,
    ENTRY_STAGE,
    FORUM_SCOPE,
    LAMPIRAN_I,
    STAGE_ORDER,
    Alignment,
    Decision,
    Source,
    Stage,
    next_stage,
)
from kotacerdas.regions import geo
from kotacerdas.regions.models import Region

MAX_COMPONENTS = 10
MAX_DOCUMENTS = 5
MAX_DOCUMENT_BYTES = 10 * 1024 * 1024
MIN_REASON = 5


def local_today() -> date:
    return to_local(timezone.now()).date()


def _stage_label(stage: str) -> str:
    return str(Stage(stage).label)


# --------------------------------------------------------------------------------------------------------------
# Planning years and the calendar (rule 26)


def check_create_year(user: Any, city: Region | None, year: int) -> None:
    if not selectors.is_perencana(user):
        raise PermissionDenied(_("Hanya perencana Bappeda yang dapat membuat tahun perencanaan."))
    if city is None:
        raise ValidationError({"city": _("Wilayah kota belum diatur.")})
    if not 2000 <= int(year) <= 2100:
        raise ValidationError({"year": _("Tahun rencana tidak valid.")})
    if PlanningYear.objects.filter(city=city, year=year).exists():
        raise ValidationError({"year": _("Tahun perencanaan %(year)s sudah ada.") % {"year": year}})


@transaction.atomic
def do_create_year(user: Any, city: Region, year: int, name: str = "") -> PlanningYear:
    """A planning year with the default calendar (in the year before the plan year) and default weights."""
    check_create_year(user, city, year)
    py = PlanningYear.objects.create(city=city, year=year, name=name or f"RKPD {year}")
    for stage, (m0, d0), (m1, d1), source in DEFAULT_CALENDAR:
        StageWindow.objects.create(planning_year=py, stage=stage, opens_on=date(year - 1, m0, d0),
                                   closes_on=date(year - 1, m1, d1), source=source)
    for criterion, weight in DEFAULT_WEIGHTS.items():
        ScoringWeight.objects.create(planning_year=py, criterion=criterion, weight=Decimal(str(weight)))
    audit.record(user, "planning.year.created", py, {"year": year})
    publish("planning.year.created", {"id": py.pk, "year": year})
    return py


def window(year: PlanningYear, stage: str) -> StageWindow:
    return StageWindow.objects.get(planning_year=year, stage=stage)


def check_window_open(year: PlanningYear, stage: str, today: date | None = None, field_name: str = "stage") -> None:
    """Rule 26: nothing is entered or decided outside a stage's window or after it was closed."""
    today = today or local_today()
    w = StageWindow.objects.filter(planning_year=year, stage=stage).first()
    if w is None:
        raise ValidationError({field_name: _("Jadwal %(stage)s belum diatur.") % {"stage": _stage_label(stage)}})
    if w.closed_at is not None:
        raise ValidationError({field_name: _("Tahap %(stage)s sudah ditutup.") % {"stage": _stage_label(stage)}})
    if not w.opens_on <= today <= w.closes_on:
        raise ValidationError({field_name: _(
            "Tahap %(stage)s tidak sedang dibuka (jadwal %(start)s s.d. %(end)s).") % {
            "stage": _stage_label(stage), "start": w.opens_on.strftime("%d-%m-%Y"),
            "end": w.closes_on.strftime("%d-%m-%Y")}})


def check_update_window(user: Any, w: StageWindow, opens_on: date | None, closes_on: date | None) -> None:
    if not selectors.is_perencana(user):
        raise PermissionDenied(_("Hanya perencana Bappeda yang dapat mengubah jadwal."))
    errors: dict[str, str] = {}
    if w.closed_at is not None:
        raise ValidationError({"stage": _("Tahap yang sudah ditutup tidak dapat diubah jadwalnya.")})
    if opens_on is None:
        errors["opens_on"] = _("Isi tanggal dibuka.")
    if closes_on is None:
        errors["closes_on"] = _("Isi tanggal ditutup.")
    if errors:
        raise ValidationError(errors)
    assert opens_on is not None and closes_on is not None
    if closes_on < opens_on:
        raise ValidationError({"closes_on": _("Tanggal ditutup tidak boleh sebelum tanggal dibuka.")})
    # The stages are ordered (rule 20): a window may not start before the previous one starts or end after the
    # next one ends, so the order of the cycle holds whatever a city chooses.
    i = STAGE_ORDER.index(w.stage)
    others = {x.stage: x for x in StageWindow.objects.filter(planning_year=w.planning_year).exclude(pk=w.pk)}
    prev = others.get(STAGE_ORDER[i - 1]) if i > 0 else None
    nxt = others.get(STAGE_ORDER[i + 1]) if i + 1 < len(STAGE_ORDER) else None
    if prev is not None and opens_on < prev.opens_on:
        raise ValidationError({"opens_on": _("Tahap ini tidak boleh dibuka sebelum %(stage)s dibuka.") % {
            "stage": prev.get_stage_display()}})
    if nxt is not None and closes_on > nxt.closes_on:
        raise ValidationError({"closes_on": _("Tahap ini tidak boleh ditutup setelah %(stage)s ditutup.") % {
            "stage": nxt.get_stage_display()}})


@transaction.atomic
def do_update_window(user: Any, w: StageWindow, opens_on: date, closes_on: date) -> StageWindow:
    check_update_window(user, w, opens_on, closes_on)
    before = {"opens_on": w.opens_on.isoformat(), "closes_on": w.closes_on.isoformat()}
    w.opens_on, w.closes_on = opens_on, closes_on
    w.source = _("Diubah oleh Bappeda")
    w.save()
    audit.record(user, "planning.window.updated", w, {"before": before, "opens_on": opens_on.isoformat(),
                                                      "closes_on": closes_on.isoformat()})
    return w


def check_close_stage(user: Any, w: StageWindow) -> None:
    """Rule 25: a stage closes only when every forum of it has closed with its berita acara."""
    if not selectors.is_perencana(user):
        raise PermissionDenied(_("Hanya perencana Bappeda yang dapat menutup tahap."))
    if w.closed_at is not None:
        raise ValidationError({"stage": _("Tahap ini sudah ditutup.")})
    open_usulan = Usulan.objects.filter(planning_year=w.planning_year, current_stage=w.stage,
                                        status__in=[UsulanStatus.MENUNGGU, UsulanStatus.DITERIMA])
    open_forums = Forum.objects.filter(planning_year=w.planning_year, stage=w.stage, closed_at__isnull=True)
    names = sorted({f.name for f in open_forums if usulan_in_forum(f).exists()})
    if open_usulan.exists() or names:
        raise ValidationError({"stage": _(
            "Tahap belum dapat ditutup: forum berikut belum ditutup dengan berita acara: %(forums)s.") % {
            "forums": ", ".join(names) or ", ".join(u.number for u in open_usulan[:10])}})


@transaction.atomic
def do_close_stage(user: Any, w: StageWindow) -> StageWindow:
    check_close_stage(user, w)
    w.closed_at, w.closed_by = timezone.now(), user
    w.save(update_fields=["closed_at", "closed_by"])
    audit.record(user, "planning.stage.closed", w, {"stage": w.stage})
    publish("planning.stage.closed", {"year": w.planning_year.year, "stage": w.stage})
    return w


def check_set_pagu(user: Any, amount: Any) -> Decimal:
    if not selectors.is_perencana(user):
        raise PermissionDenied(_("Hanya perencana Bappeda yang dapat menetapkan pagu indikatif."))
    try:
        value = Decimal(str(amount))
    except (InvalidOperation, ValueError):
        raise ValidationError({"amount": _("Pagu harus berupa angka rupiah.")}) from None
    if not value.is_finite() or value < 0 or value != value.to_integral_value() or value >= Decimal(10) ** 16:
        raise ValidationError({"amount": _("Pagu harus rupiah bulat, tidak negatif.")})
    return value


@transaction.atomic
def do_set_pagu(user: Any, year: PlanningYear, amount: Any, *, region: Region | None = None,
                agency: Agency | None = None, source: str = "") -> PaguIndikatif:
    value = check_set_pagu(user, amount)
    pagu, _created = PaguIndikatif.objects.update_or_create(
        planning_year=year, region=region, agency=agency, defaults={"amount": value, "source": source})
    audit.record(user, "planning.pagu.set", pagu, {"amount": str(value), "region": region and region.code,
                                                   "agency": agency and agency.code})
    return pagu


def check_set_weights(user: Any, weights: dict[str, Any]) -> dict[str, Decimal]:
    if not selectors.is_perencana(user):
        raise PermissionDenied(_("Hanya perencana Bappeda yang dapat mengubah bobot skor."))
    out: dict[str, Decimal] = {}
    errors: dict[str, str] = {}
    for key in DEFAULT_WEIGHTS:
        try:
            value = Decimal(str(weights.get(key, "")))
            if not value.is_finite() or not Decimal(0) <= value <= Decimal(1):
                raise InvalidOperation
            out[key] = value.quantize(Decimal("0.01"))
        except (InvalidOperation, ValueError):
            errors[key] = _("Bobot harus angka 0 sampai 1.")
    if errors:
        raise ValidationError(errors)
    if sum(out.values()) <= 0:
        raise ValidationError({"urgency": _("Minimal satu bobot harus lebih dari 0.")})
    return out


@transaction.atomic
def do_set_weights(user: Any, year: PlanningYear, weights: dict[str, Any]) -> None:
    values = check_set_weights(user, weights)
    for key, value in values.items():
        ScoringWeight.objects.update_or_create(planning_year=year, criterion=key, defaults={"weight": value})
    audit.record(user, "planning.weights.set", year, {k: str(v) for k, v in values.items()})


# --------------------------------------------------------------------------------------------------------------
# Usulan (rules 20, 21, 27, 29)


@dataclass
class UsulanInput:
    source: str
    kamus: KamusEntry | None
    title: str
    lat: float | None
    lon: float | None
    location_text: str
    volume: Any
    components: list[tuple[str, Any]] = field(default_factory=list)  # (price item code, quantity)
    description: str = ""
    rw: str = ""
    urgency: int = 3
    beneficiaries: int = 0
    alignment: int = Alignment.NONE


@dataclass
class CheckedUsulan:
    data: UsulanInput
    entry_stage: str
    kecamatan: Region
    kelurahan: Region
    volume: Decimal
    lines: list[tuple[PriceItem, Decimal, Decimal]]  # item, quantity, subtotal

    @property
    def cost(self) -> Decimal:
        return sum((line[2] for line in self.lines), Decimal(0))


def _decimal(value: Any) -> Decimal | None:
    try:
        d = Decimal(str(value).replace(",", "."))
    except (InvalidOperation, ValueError):
        return None
    return d if d.is_finite() else None


def cost_lines(year: PlanningYear, components: list[tuple[str, Any]]) -> tuple[list[tuple[PriceItem, Decimal,
                                                                                          Decimal]], list[str]]:
    """Rule 29: Σ quantity × unit price over items of the current version for the plan's budget year."""
    items = {i.code: i for i in pricing.current_items(year.year).filter(code__in=[c for c, _q in components])}
    lines, errors = [], []
    for n, (code, qty) in enumerate(components, start=1):
        item = items.get(code)
        quantity = _decimal(qty)
        if item is None:
            errors.append(_("Komponen %(n)s: kode %(code)s tidak ada di standar harga versi berlaku tahun "
                            "%(year)s.") % {"n": n, "code": code[:40], "year": year.year})
            continue
        if quantity is None or quantity <= 0 or quantity >= Decimal(10) ** 9:
            errors.append(_("Komponen %(n)s: jumlah harus angka lebih dari 0.") % {"n": n})
            continue
        over = pricing.planning_violation(item.price, item.ceiling)
        if over:
            errors.append(_("Komponen %(n)s: %(why)s") % {"n": n, "why": over})
            continue
        lines.append((item, quantity.quantize(Decimal("0.01")), (quantity * item.price).quantize(Decimal(1))))
    return lines, errors


def check_submit_usulan(user: Any, year: PlanningYear, data: UsulanInput,
                        today: date | None = None) -> CheckedUsulan:
    if not getattr(user, "is_authenticated", False):
        raise PermissionDenied(_("Masuk terlebih dahulu untuk mengajukan usulan."))
    errors: dict[str, list[str]] = {}

    def err(key: str, msg: str) -> None:
        errors.setdefault(key, []).append(msg)

    if data.source not in Source.values:
        raise ValidationError({"source": _("Sumber usulan tidak dikenal.")})
    entry = ENTRY_STAGE[data.source]
    check_window_open(year, entry, today, field_name="source")
    if not (data.title or "").strip():
        err("title", _("Isi nama usulan."))
    elif len(data.title) > 200:
        err("title", _("Nama usulan maksimal 200 karakter."))
    if not (data.location_text or "").strip():
        err("location_text", _("Isi lokasi (nama jalan, patokan)."))
    elif len(data.location_text) > 200:
        err("location_text", _("Lokasi maksimal 200 karakter."))
    if len(data.rw or "") > 20:
        err("rw", _("RT/RW maksimal 20 karakter."))
    kamus = data.kamus
    if kamus is None or kamus.planning_year_id != year.pk or not kamus.is_active:
        err("kamus", _("Pilih jenis usulan dari kamus usulan tahun ini."))
    volume = _decimal(data.volume)
    if volume is None or volume <= 0 or volume >= Decimal(10) ** 9:
        err("volume", _("Volume harus angka lebih dari 0."))
    if not 1 <= int(data.urgency or 0) <= 5:
        err("urgency", _("Urgensi 1 sampai 5."))
    if int(data.beneficiaries or 0) < 0:
        err("beneficiaries", _("Jumlah penerima manfaat tidak boleh negatif."))
    if int(data.alignment) not in Alignment.values:
        err("alignment", _("Pilihan keselarasan tidak dikenal."))
    kecamatan = kelurahan = None
    if data.lat is None or data.lon is None:
        err("location", _("Tandai titik lokasi di peta."))
    else:
        try:
            loc = geo.locate(float(data.lat), float(data.lon))
        except (ValueError, TypeError):
            err("location", _("Koordinat tidak valid."))
        except geo.OutsideCity as exc:
            err("location", exc.messages[0])
        except geo.CityNotSet as exc:
            err("location", exc.message)
        else:
            if loc.kelurahan is None:
                err("location", _("Titik harus berada di dalam batas sebuah kelurahan."))
            else:
                kecamatan, kelurahan = loc.kecamatan, loc.kelurahan
    if not data.components:
        err("components", _("Tambahkan minimal satu komponen standar harga."))
    elif len(data.components) > MAX_COMPONENTS:
        err("components", _("Maksimal %(n)s komponen.") % {"n": MAX_COMPONENTS})
    lines: list[tuple[PriceItem, Decimal, Decimal]] = []
    if data.components and len(data.components) <= MAX_COMPONENTS:
        lines, problems = cost_lines(year, data.components)
        for problem in problems:
            err("components", problem)
    if errors:
        raise ValidationError(errors)
    assert kamus is not None and volume is not None and kelurahan is not None and kecamatan is not None
    _check_may_enter(user, data.source, kamus, kecamatan, kelurahan)
    return CheckedUsulan(data, entry, kecamatan, kelurahan, volume.quantize(Decimal("0.01")), lines)


def _check_may_enter(user: Any, source: str, kamus: KamusEntry, kecamatan: Region, kelurahan: Region) -> None:
    """Who may enter which source (rule 20 actors, egov-rules §1.2)."""
    if user.is_superuser or user.role == Role.SUPERADMIN:
        return
    lurah = selectors.lurah_region(user)
    if source == Source.WARGA:
        if user.role == Role.WARGA or (lurah is not None and lurah.pk == kelurahan.pk):
            return
        if lurah is not None:
            raise ValidationError({"location": _("Titik usulan harus di kelurahan Anda (%(kel)s).") % {
                "kel": lurah.name}})
    elif source == Source.KELURAHAN:
        if lurah is not None:
            if lurah.pk != kelurahan.pk:
                raise ValidationError({"location": _("Titik usulan harus di kelurahan Anda (%(kel)s).") % {
                    "kel": lurah.name}})
            return
    elif source == Source.KECAMATAN:
        camat = selectors.camat_region(user)
        if camat is not None:
            if camat.pk != kecamatan.pk:
                raise ValidationError({"location": _("Titik usulan harus di kecamatan Anda (%(kec)s).") % {
                    "kec": camat.name}})
            return
    elif source == Source.POKIR:
        if selectors.is_perencana(user):
            return
    elif source == Source.OPD:
        agency = selectors.opd_of(user)
        if agency is not None:
            if agency.pk != kamus.agency_id:
                raise ValidationError({"kamus": _("OPD hanya dapat mengusulkan jenis usulan yang menjadi "
                                                  "tanggung jawabnya.")})
            return
    raise PermissionDenied(_("Anda tidak berwenang memasukkan usulan dengan sumber ini."))


@transaction.atomic
def do_submit_usulan(user: Any, year: PlanningYear, data: UsulanInput, today: date | None = None) -> Usulan:
    checked = check_submit_usulan(user, year, data, today)
    PlanningYear.objects.select_for_update().get(pk=year.pk)  # serialises numbering within a year
    count = Usulan.objects.filter(planning_year=year).count()
    number = f"USL-{year.year}-{count + 1:05d}"
    while Usulan.objects.filter(number=number).exists():
        count += 1
        number = f"USL-{year.year}-{count + 1:05d}"
    kamus = data.kamus
    assert kamus is not None
    u = Usulan.objects.create(
        planning_year=year, number=number, title=data.title.strip(), description=(data.description or "").strip(),
        source=data.source, entry_stage=checked.entry_stage, current_stage=checked.entry_stage,
        kamus=kamus, kecamatan=checked.kecamatan, kelurahan=checked.kelurahan, rw=(data.rw or "").strip(),
        location_text=data.location_text.strip(), lat=float(data.lat or 0), lon=float(data.lon or 0),
        volume=checked.volume, satuan=kamus.satuan, rumpun=kamus.rumpun, agency=kamus.agency,
        estimated_cost=checked.cost, urgency=int(data.urgency), beneficiaries=int(data.beneficiaries or 0),
        alignment=int(data.alignment), proposer=user,
    )
    for item, quantity, subtotal in checked.lines:
        UsulanComponent.objects.create(usulan=u, item=item, quantity=quantity, unit_price=item.price,
                                       subtotal=subtotal)
    forum_for(u)
    audit.record(user, "planning.usulan.created", u, {"number": number, "source": u.source,
                                                      "stage": u.current_stage, "cost": str(u.estimated_cost)})
    publish("planning.usulan.created", {"number": number, "stage": u.current_stage,
                                        "kecamatan": u.kecamatan.code})
    return u


def check_add_attachment(user: Any, usulan: Usulan, upload: IO[bytes], name: str, is_photo: bool) -> tuple[
        bytes, str, str]:
    """Photos go through lib/images (re-encoded, EXIF gone); documents must be PDF. Returns (bytes, ext, type)."""
    if not (usulan.proposer_id == getattr(user, "pk", None) or selectors.is_perencana(user)
            or usulan in selectors.usulan_for(user).filter(pk=usulan.pk)):
        raise PermissionDenied(_("Anda tidak dapat menambah lampiran pada usulan ini."))
    if usulan.status in (UsulanStatus.DITOLAK, UsulanStatus.DITETAPKAN):
        raise ValidationError({"file": _("Usulan ini sudah selesai diproses.")})
    existing = usulan.attachments.filter(is_photo=is_photo).count()
    if is_photo:
        if existing >= MAX_PHOTOS:
            raise ValidationError({"file": _("Maksimal %(n)s foto per usulan.") % {"n": MAX_PHOTOS}})
        try:
            photo = process_photo(upload, max_bytes=MAX_PHOTO_BYTES)
        except PhotoError as exc:
            raise ValidationError({"file": str(exc)}) from None
        return photo.content, photo.ext, photo.content_type
    if existing >= MAX_DOCUMENTS:
        raise ValidationError({"file": _("Maksimal %(n)s dokumen per usulan.") % {"n": MAX_DOCUMENTS}})
    raw = upload.read(MAX_DOCUMENT_BYTES + 1)
    if len(raw) > MAX_DOCUMENT_BYTES:
        raise ValidationError({"file": _("Ukuran dokumen maksimal 10 MB.")})
    if not raw.startswith(b"%PDF-"):
        raise ValidationError({"file": _("Dokumen pendukung harus berformat PDF.")})
    return raw, "pdf", "application/pdf"


@transaction.atomic
def do_add_attachment(user: Any, usulan: Usulan, upload: IO[bytes], name: str, is_photo: bool) -> Attachment:
    content, ext, ctype = check_add_attachment(user, usulan, upload, name, is_photo)
    label = (name or "").rsplit("/", 1)[-1][:100] or f"lampiran.{ext}"
    att = Attachment(usulan=usulan, is_photo=is_photo, name=label, content_type=ctype, uploaded_by=user)
    att.file.save(f"{usulan.number}-{usulan.attachments.count() + 1}.{ext}", ContentFile(content), save=False)
    att.save()
    audit.record(user, "planning.usulan.attachment", usulan, {"photo": is_photo, "attachment": att.pk})
    return att


# --------------------------------------------------------------------------------------------------------------
# Forums, decisions, ranks, pagu, berita acara (rules 22-25)


def forum_key(usulan: Usulan, stage: str) -> tuple[str, str, Region | None, Agency | None]:
    scope = FORUM_SCOPE[stage]
    if scope == "kelurahan":
        return f"kel:{usulan.kelurahan.code}", usulan.kelurahan.name, usulan.kelurahan, None
    if scope == "kecamatan":
        return f"kec:{usulan.kecamatan.code}", _("Kecamatan %(name)s") % {"name": usulan.kecamatan.name}, \
            usulan.kecamatan, None
    if scope == "opd":
        return f"opd:{usulan.agency.code}", str(usulan.agency.name), None, usulan.agency
    return "kota", str(usulan.planning_year.city.name), usulan.planning_year.city, None


def forum_for(usulan: Usulan, stage: str | None = None) -> Forum:
    stage = stage or usulan.current_stage
    key, name, region, agency = forum_key(usulan, stage)
    forum, _created = Forum.objects.get_or_create(
        planning_year=usulan.planning_year, stage=stage, key=key,
        defaults={"name": name, "region": region, "agency": agency})
    return forum


def usulan_in_forum(forum: Forum) -> QuerySet[Usulan]:
    """Usulan waiting at this forum, plus those it decided (accepted ones have moved on after it closed)."""
    scope = FORUM_SCOPE[forum.stage]
    here = Q(planning_year=forum.planning_year, current_stage=forum.stage)
    if scope == "kelurahan":
        here &= Q(kelurahan_id=forum.region_id)
    elif scope == "kecamatan":
        here &= Q(kecamatan_id=forum.region_id)
    elif scope == "opd":
        here &= Q(agency_id=forum.agency_id)
    ids = Usulan.objects.filter(here | Q(decisions__forum=forum)).values("pk")
    return Usulan.objects.filter(pk__in=ids)


def accepted_total(forum: Forum, exclude: Usulan | None = None) -> Decimal:
    qs = ForumDecision.objects.filter(forum=forum, decision=Decision.DITERIMA)
    if exclude is not None:
        qs = qs.exclude(usulan=exclude)
    return qs.aggregate(t=Sum("usulan__estimated_cost"))["t"] or Decimal(0)


def pagu_of(forum: Forum) -> PaguIndikatif | None:
    if forum.stage == Stage.KECAMATAN:
        return PaguIndikatif.objects.filter(planning_year=forum.planning_year, region_id=forum.region_id).first()
    return None


def _check_pagu(forum: Forum, extra: Decimal, exclude: Usulan | None = None) -> None:
    """Rule 24: accepted kecamatan usulan must fit the kecamatan's pagu indikatif."""
    if forum.stage != Stage.KECAMATAN:
        return
    pagu = pagu_of(forum)
    if pagu is None:
        raise ValidationError({"decision": _("Pagu indikatif kecamatan ini belum ditetapkan Bappeda.")})
    total = accepted_total(forum, exclude) + extra
    if total > pagu.amount:
        raise ValidationError({"decision": _(
            "Jumlah usulan diterima %(total)s melebihi pagu indikatif kecamatan %(pagu)s.") % {
            "total": pricing.fmt_rp(total), "pagu": pricing.fmt_rp(pagu.amount)}})


def check_decide(user: Any, usulan: Usulan, decision: str, reason: str, today: date | None = None) -> Forum:
    forum = forum_for(usulan)
    if not selectors.can_decide(user, forum):
        raise PermissionDenied(_("Anda tidak memimpin forum ini."))
    if forum.closed_at is not None:
        raise ValidationError({"decision": _("Forum ini sudah ditutup dengan berita acara.")})
    if usulan.status == UsulanStatus.DITETAPKAN:
        raise ValidationError({"decision": _("Usulan ini sudah ditetapkan dalam RKPD.")})
    check_window_open(usulan.planning_year, usulan.current_stage, today, field_name="decision")
    if decision not in Decision.values:
        raise ValidationError({"decision": _("Pilih keputusan: diterima, ditolak, atau belum disepakati.")})
    if len((reason or "").strip()) < MIN_REASON:
        raise ValidationError({"reason": _("Tuliskan alasan keputusan forum (minimal %(n)s karakter).") % {
            "n": MIN_REASON}})
    if len(reason) > 2000:
        raise ValidationError({"reason": _("Alasan maksimal 2000 karakter.")})
    if decision == Decision.DITERIMA:
        _check_pagu(forum, usulan.estimated_cost, exclude=usulan)
    return forum


def _compact_ranks(forum: Forum) -> None:
    """Keeps accepted ranks 1..n in their current order after one leaves or joins (rule 23)."""
    accepted = list(ForumDecision.objects.filter(forum=forum, decision=Decision.DITERIMA)
                    .order_by("rank", "decided_at", "pk"))
    for n, d in enumerate(accepted, start=1):
        if d.rank != n:
            ForumDecision.objects.filter(pk=d.pk).update(rank=n)


@transaction.atomic
def do_decide(user: Any, usulan: Usulan, decision: str, reason: str, today: date | None = None) -> ForumDecision:
    forum = check_decide(user, usulan, decision, reason, today)
    Forum.objects.select_for_update().get(pk=forum.pk)
    if decision == Decision.DITERIMA:
        _check_pagu(forum, usulan.estimated_cost, exclude=usulan)  # again, under the lock
    existing = ForumDecision.objects.filter(usulan=usulan, stage=usulan.current_stage).first()
    rank = None
    if decision == Decision.DITERIMA:
        if existing is not None and existing.decision == Decision.DITERIMA:
            rank = existing.rank
        else:
            rank = (ForumDecision.objects.filter(forum=forum, decision=Decision.DITERIMA)
                    .aggregate(m=Max("rank"))["m"] or 0) + 1
    d, _created = ForumDecision.objects.update_or_create(
        usulan=usulan, stage=usulan.current_stage,
        defaults={"forum": forum, "decision": decision, "reason": reason.strip(), "rank": rank, "decided_by": user})
    _compact_ranks(forum)
    usulan.status = decision
    usulan.save(update_fields=["status", "updated_at"])
    audit.record(user, "planning.usulan.decided", usulan, {"stage": usulan.current_stage, "decision": decision,
                                                           "forum": forum.key})
    publish("planning.usulan.decided", {"number": usulan.number, "stage": usulan.current_stage,
                                        "decision": decision})
    d.refresh_from_db()
    return d


def check_set_ranks(user: Any, forum: Forum, ranks: dict[int, Any], today: date | None = None) -> dict[int, int]:
    """Rule 23: the forum's ranks are unique consecutive integers 1..n over its accepted usulan."""
    if not selectors.can_decide(user, forum):
        raise PermissionDenied(_("Anda tidak memimpin forum ini."))
    if forum.closed_at is not None:
        raise ValidationError({"rank": _("Forum ini sudah ditutup dengan berita acara.")})
    check_window_open(forum.planning_year, forum.stage, today, field_name="rank")
    accepted = set(ForumDecision.objects.filter(forum=forum, decision=Decision.DITERIMA)
                   .values_list("usulan_id", flat=True))
    values: dict[int, int] = {}
    for key, raw in ranks.items():
        try:
            values[int(key)] = int(str(raw).strip())
        except (TypeError, ValueError):
            raise ValidationError({"rank": _("Nomor urut harus bilangan bulat.")}) from None
    if set(values) != accepted:
        raise ValidationError({"rank": _("Nomor urut harus diisi untuk semua usulan yang diterima forum ini, "
                                         "dan hanya untuk itu.")})
    numbers = sorted(values.values())
    if len(set(numbers)) != len(numbers):
        raise ValidationError({"rank": _("Nomor urut tidak boleh kembar.")})
    if numbers != list(range(1, len(numbers) + 1)):
        raise ValidationError({"rank": _("Nomor urut harus berurutan mulai 1 tanpa lompatan (1..%(n)s).") % {
            "n": len(numbers)}})
    return values


@transaction.atomic
def do_set_ranks(user: Any, forum: Forum, ranks: dict[int, Any], today: date | None = None) -> None:
    values = check_set_ranks(user, forum, ranks, today)
    for usulan_id, rank in values.items():
        ForumDecision.objects.filter(forum=forum, usulan_id=usulan_id).update(rank=rank)
    audit.record(user, "planning.forum.ranked", forum, {"ranks": {str(k): v for k, v in values.items()}})


@dataclass
class BeritaAcaraInput:
    held_on: date | None
    place: str
    chair: str
    participants: str
    notes: str = ""


def check_berita_acara(user: Any, forum: Forum, data: BeritaAcaraInput) -> None:
    if not selectors.can_decide(user, forum):
        raise PermissionDenied(_("Anda tidak memimpin forum ini."))
    if forum.closed_at is not None:
        raise ValidationError({"held_on": _("Forum ini sudah ditutup; berita acara tidak dapat diubah.")})
    errors: dict[str, str] = {}
    w = window(forum.planning_year, forum.stage)
    if data.held_on is None:
        errors["held_on"] = _("Isi tanggal musyawarah.")
    elif not w.opens_on <= data.held_on <= w.closes_on:
        errors["held_on"] = _("Tanggal musyawarah harus dalam jadwal tahap (%(a)s s.d. %(b)s).") % {
            "a": w.opens_on.strftime("%d-%m-%Y"), "b": w.closes_on.strftime("%d-%m-%Y")}
    if not data.place.strip():
        errors["place"] = _("Isi tempat musyawarah.")
    if not data.chair.strip():
        errors["chair"] = _("Isi nama pimpinan sidang.")
    lines = [x for x in data.participants.splitlines() if x.strip()]
    if len(lines) < 2:
        errors["participants"] = _("Tuliskan daftar peserta (minimal 2 orang/unsur, satu per baris).")
    if len(data.place) > 200 or len(data.chair) > 120 or len(data.participants) > 10_000:
        errors.setdefault("place", _("Isian terlalu panjang."))
    if errors:
        raise ValidationError(errors)


def _lists(forum: Forum) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    agreed, unagreed = [], []
    for d in ForumDecision.objects.filter(forum=forum).select_related("usulan", "usulan__kelurahan").order_by(
            "rank", "usulan__number"):
        row = {"number": d.usulan.number, "title": d.usulan.title, "kelurahan": d.usulan.kelurahan.name,
               "cost": str(d.usulan.estimated_cost), "decision": d.decision, "rank": d.rank, "reason": d.reason}
        (agreed if d.decision == Decision.DITERIMA else unagreed).append(row)
    return agreed, unagreed


@transaction.atomic
def do_save_berita_acara(user: Any, forum: Forum, data: BeritaAcaraInput) -> BeritaAcara:
    check_berita_acara(user, forum, data)
    agreed, unagreed = _lists(forum)
    ba, created = BeritaAcara.objects.update_or_create(forum=forum, defaults={
        "held_on": data.held_on, "place": data.place.strip(), "chair": data.chair.strip(),
        "participants": data.participants.strip(), "notes": data.notes.strip(), "agreed": agreed,
        "unagreed": unagreed, "created_by": user})
    audit.record(user, "planning.berita_acara.saved", forum, {"created": created, "agreed": len(agreed),
                                                              "unagreed": len(unagreed)})
    return ba


def check_close_forum(user: Any, forum: Forum, today: date | None = None) -> None:
    if not selectors.can_decide(user, forum):
        raise PermissionDenied(_("Anda tidak memimpin forum ini."))
    if forum.closed_at is not None:
        raise ValidationError({"forum": _("Forum ini sudah ditutup.")})
    check_window_open(forum.planning_year, forum.stage, today, field_name="forum")
    pending = list(usulan_in_forum(forum).filter(status=UsulanStatus.MENUNGGU, current_stage=forum.stage)
                   .values_list("number", flat=True)[:20])
    if pending:
        raise ValidationError({"forum": _("Semua usulan harus diputuskan dulu. Belum diputuskan: %(list)s.") % {
            "list": ", ".join(pending)}})
    if not BeritaAcara.objects.filter(forum=forum).exists():
        raise ValidationError({"forum": _("Berita acara wajib dibuat sebelum forum ditutup.")})
    ranks = list(ForumDecision.objects.filter(forum=forum, decision=Decision.DITERIMA)
                 .order_by("rank").values_list("rank", flat=True))
    if ranks != list(range(1, len(ranks) + 1)):
        raise ValidationError({"forum": _("Nomor urut prioritas harus berurutan mulai 1.")})
    _check_pagu(forum, Decimal(0))


@transaction.atomic
def do_close_forum(user: Any, forum: Forum, today: date | None = None) -> Forum:
    """Closes a forum: the berita acara gets the final lists; accepted usulan go to the next stage, one step only
    (rule 20: no skipping); rejected and unagreed ones stay here, visible with their reason (rule 22)."""
    check_close_forum(user, forum, today)
    forum = Forum.objects.select_for_update().get(pk=forum.pk)
    agreed, unagreed = _lists(forum)
    BeritaAcara.objects.filter(forum=forum).update(agreed=agreed, unagreed=unagreed)
    moved = 0
    for d in ForumDecision.objects.filter(forum=forum, decision=Decision.DITERIMA).select_related("usulan"):
        u = d.usulan
        nxt = next_stage(u.current_stage)
        if nxt is None:
            u.status = UsulanStatus.DITETAPKAN
        else:
            u.current_stage, u.status = nxt, UsulanStatus.MENUNGGU
        u.save(update_fields=["current_stage", "status", "updated_at"])
        if nxt is not None:
            forum_for(u, nxt)
        moved += 1
    forum.closed_at, forum.closed_by = timezone.now(), user
    forum.save(update_fields=["closed_at", "closed_by"])
    audit.record(user, "planning.forum.closed", forum, {"agreed": len(agreed), "unagreed": len(unagreed)})
    publish("planning.forum.closed", {"forum": forum.key, "stage": forum.stage, "advanced": moved})
    return forum


# --------------------------------------------------------------------------------------------------------------
# Price catalogues (rules 29-32)


def check_import_prices(user: Any, kind: str, budget_year: Any, perwal: str, upload: IO[bytes] | None,
                        name: str, province_code: str) -> list[pricing.ParsedRow]:
    if not selectors.is_perencana(user):
        raise PermissionDenied(_("Hanya perencana Bappeda yang dapat mengimpor standar harga."))
    errors: dict[str, Any] = {}
    if kind not in PriceKind.values:
        errors["kind"] = _("Pilih jenis katalog: SSH, HSPK, atau ASB.")
    try:
        year = int(budget_year)
        if not 2000 <= year <= 2100:
            raise ValueError
    except (TypeError, ValueError):
        errors["budget_year"] = _("Tahun anggaran tidak valid.")
    if not (perwal or "").strip():
        errors["perwal"] = _("Sebutkan Perwal yang menetapkan standar harga ini.")
    elif len(perwal) > 120:
        errors["perwal"] = _("Maksimal 120 karakter.")
    if upload is None:
        errors["file"] = _("Pilih berkas CSV atau XLSX.")
    if errors:
        raise ValidationError(errors)
    assert upload is not None
    try:
        rows = pricing.read_rows(upload, name)
    except ValueError as exc:
        raise ValidationError({"file": str(exc)}) from None
    parsed, problems = pricing.validate_rows(rows, province_code)
    if problems:
        # Nothing is imported when any row is wrong: a half catalogue would cost usulan wrongly.
        raise ValidationError({"file": problems[:200]})
    return parsed


@transaction.atomic
def do_import_prices(user: Any, kind: str, budget_year: int, perwal: str, upload: IO[bytes], name: str,
                     province_code: str, perwal_date: date | None = None) -> PriceVersion:
    parsed = check_import_prices(user, kind, budget_year, perwal, upload, name, province_code)
    number = (PriceVersion.objects.select_for_update().filter(kind=kind, budget_year=int(budget_year))
              .aggregate(m=Max("number"))["m"] or 0) + 1
    version = PriceVersion.objects.create(kind=kind, budget_year=int(budget_year), number=number,
                                          perwal=perwal.strip(), perwal_date=perwal_date,
                                          file_name=(name or "")[:200], imported_by=user)
    PriceItem.objects.bulk_create([
        PriceItem(version=version, code=r.code, uraian=r.uraian, spesifikasi=r.spesifikasi, satuan=r.satuan,
                  price=r.price, kode_rekening=r.kode_rekening, ceiling=r.ceiling) for r in parsed])
    audit.record(user, "planning.prices.imported", version, {"kind": kind, "year": int(budget_year),
                                                             "number": number, "rows": len(parsed)})
    publish("planning.prices.imported", {"kind": kind, "year": int(budget_year), "number": number})
    return version


def check_execution_price(user: Any, item: PriceItem, price: Any, reference: str, justification: str) -> Decimal:
    """Execution (belanja) price of an item against its SHSR ceiling: Lampiran I never above (rule 30);
    Lampiran II above only with a written justification (rule 31)."""
    if not (selectors.is_perencana(user) or selectors.opd_of(user) is not None):
        raise PermissionDenied(_("Hanya Bappeda atau OPD yang dapat mencatat harga pelaksanaan."))
    value = _decimal(price)
    if value is None or value <= 0:
        raise ValidationError({"price": _("Harga harus angka lebih dari 0.")})
    if not (reference or "").strip():
        raise ValidationError({"reference": _("Sebutkan dokumen pelaksanaan (kontrak/SPK).")})
    ceiling = item.ceiling
    if ceiling is not None and value > ceiling.amount:
        if ceiling.lampiran == LAMPIRAN_I:
            raise ValidationError({"price": _(
                "Harga melebihi batas Perpres 33/2020 Lampiran I (%(limit)s); batas ini tidak boleh dilampaui "
                "dalam pelaksanaan.") % {"limit": pricing.fmt_rp(ceiling.amount)}})
        if len((justification or "").strip()) < 20:
            raise ValidationError({"justification": _(
                "Harga melebihi estimasi Lampiran II (%(limit)s): tuliskan justifikasi (minimal 20 karakter).") % {
                "limit": pricing.fmt_rp(ceiling.amount)}})
    return value


@transaction.atomic
def do_record_execution_price(user: Any, item: PriceItem, price: Any, reference: str,
                              justification: str) -> PriceDeviation | None:
    """Returns the recorded deviation, or None when the price is within the ceiling (nothing to justify)."""
    value = check_execution_price(user, item, price, reference, justification)
    if item.ceiling is None or value <= item.ceiling.amount:
        return None
    dev = PriceDeviation.objects.create(item=item, ceiling=item.ceiling, price=value, reference=reference.strip(),
                                        justification=justification.strip(), recorded_by=user)
    audit.record(user, "planning.prices.deviation", dev, {"item": item.code, "price": str(value),
                                                          "ceiling": str(item.ceiling.amount)})
    return dev
