"""Every change to e-parking state. `check_*` validates and authorizes, `do_*` writes in a transaction and audits.

Payments (`record_payment`) come from the aggregator's signed webhook, the jukir's handheld and staff corrections.
Each attempt ends as exactly one of: an accepted `ParkingTransaction` (possibly flagged), or a refusal stored as a
`ParkingViolation` without a transaction. The rules, in the order they are checked (the first that fails decides):

1. the jukir's card is active (egov-rules rule 41: a revoked or suspended jukir cannot record);
2. the jukir is assigned to the point on that day (an unassigned jukir collecting is a jukir liar, §6.4 item 4);
3. no valid berlangganan sticker for the vehicle (rule 40: charging a sticker holder is itself a violation);
4. no cash at an e-parking point (rule 39);
5. a cashless payment went to a merchant id (QRIS NMID) of the city or of the point's operator (iot §5.4 ind. 9);
6. the vehicle class has a confirmed tariff in the schedule in force (rule 38);
7. the amount equals the tariff: a different amount is ACCEPTED with the flag `tarif_tidak_sesuai` and a
   TARIFF_MISMATCH violation tied to the transaction. Why not refuse: the money has already moved into the city's or
   operator's account (the aggregator only reports settled payments), so the revenue must be counted and
   reconciled; refusing it would make the settlement line "unknown" and hide the overcharge from the revenue
   reports. The violation puts it on the audit list.

Idempotency: (channel, origin, reference) identifies an attempt. A resend returns the first outcome with
`created=False`; the database's unique constraints (transactions, and refusals) make this hold under concurrency.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import Any

import segno
from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, connection, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from kotacerdas.core import audit, events
from kotacerdas.core.deadlines import to_local
from kotacerdas.parking import selectors, settlement, tariffs
from kotacerdas.parking.models import (
    CASHLESS_METHODS,
    Channel,
    DutySession,
    Jukir,
    JukirAssignment,
    JukirStatus,
    MerchantAccount,
    ParkingOperator,
    ParkingPoint,
    ParkingTransaction,
    ParkingViolation,
    PaymentMethod,
    PaymentProvider,
    PointCapacity,
    SettlementFile,
    SettlementLine,
    SettlementLineStatus,
    Sticker,
    StickerStatus,
    Tariff,
    TariffSchedule,
    VehicleClass,
    ViolationKind,
    ViolationStatus,
)
from kotacerdas.regions import geo
from kotacerdas.sensors.models import CODE_VALIDATOR

CARD_PREFIX = "KC-JUKIR"
FLAG_TARIFF_MISMATCH = "tarif_tidak_sesuai"
FLAG_OUTSIDE_SHIFT = "di_luar_shift"
FLAG_UNKNOWN_STICKER = "stiker_tidak_dikenal"
FLAG_SETTLEMENT_AMOUNT = "selisih_settlement"
FLAG_SETTLEMENT_MERCHANT = "merchant_settlement_berbeda"
MAX_REFERENCE = 100


def future_tolerance() -> timedelta:
    """How far in the future a payment time may lie (device clocks drift), like SENSORS_CLOCK_SKEW_SECONDS."""
    return timedelta(seconds=int(getattr(settings, "PARKING_PAYMENT_FUTURE_SECONDS", 300)))


def webhook_max_skew() -> timedelta:
    """X-Kc-Timestamp may differ from our clock by at most this much (replay window)."""
    return timedelta(seconds=int(getattr(settings, "PARKING_WEBHOOK_MAX_SKEW_SECONDS", 300)))


def normalize_plate(plate: str) -> str:
    """"bk 1234 ab" -> "BK1234AB": stickers and payments compare plates in this form."""
    return "".join(ch for ch in (plate or "").upper() if ch.isalnum())[:16]


def check_manage(user: Any) -> None:
    if not selectors.can_manage(user):
        raise PermissionDenied(_("Hanya Dishub dan admin yang boleh mengubah data e-parking."))


# --- Jukir ID card ------------------------------------------------------------------------------------------------


def new_card_secret() -> str:
    return secrets.token_hex(32)


def _card_mac(jukir: Jukir) -> str:
    return hmac.new(jukir.card_secret.encode(), jukir.code.encode(), hashlib.sha256).hexdigest()[:32]


def card_payload(jukir: Jukir) -> str:
    """The text in the QR on the ID card: `KC-JUKIR:<code>:<hmac>` (HMAC-SHA256 of the code with the card secret)."""
    return f"{CARD_PREFIX}:{jukir.code}:{_card_mac(jukir)}"


def verify_card(payload: str) -> Jukir | None:
    """The jukir whose card carries `payload`, or None for a forged, unknown or superseded (re-issued) card.

    A revoked jukir's card still verifies (it is genuine): check `jukir.status` to tell the public it is revoked.
    """
    parts = (payload or "").strip().split(":")
    if len(parts) != 3 or parts[0] != CARD_PREFIX or not parts[1] or len(parts[1]) > 40:
        return None
    jukir = Jukir.objects.filter(code=parts[1]).select_related("operator").first()
    if jukir is None or not jukir.card_secret:
        return None
    return jukir if hmac.compare_digest(_card_mac(jukir), parts[2]) else None


def card_qr_svg(jukir: Jukir, *, scale: int = 4) -> str:
    """The card's QR code as an inline SVG element (segno, error correction M)."""
    return segno.make(card_payload(jukir), error="m").svg_inline(scale=scale, dark="#000", light="#fff")


# --- Jukir registry -----------------------------------------------------------------------------------------------


def _code(value: Any, field: str) -> str:
    code = str(value or "").strip()
    try:
        CODE_VALIDATOR(code)
    except ValidationError as exc:
        raise ValidationError({field: exc.messages}) from None
    return code


def do_create_jukir(actor: Any, *, code: str, name: str, operator: ParkingOperator, nik: str = "", phone: str = "",
                    user: Any = None, is_demo: bool = False) -> Jukir:
    if actor is not None:  # None: the demo seed and data migrations
        check_manage(actor)
    code = _code(code, "code")
    if not (name or "").strip():
        raise ValidationError({"name": [_("Nama jukir wajib diisi.")]})
    if nik and (len(nik) != 16 or not nik.isdigit()):
        raise ValidationError({"nik": [_("NIK harus 16 angka.")]})
    if Jukir.objects.filter(code=code).exists():
        raise ValidationError({"code": [_("Nomor ID jukir %(c)s sudah dipakai.") % {"c": code}]})
    with transaction.atomic():
        jukir = Jukir.objects.create(code=code, name=name.strip(), operator=operator, nik=nik, phone=phone, user=user,
                                     card_secret=new_card_secret(), card_issued_at=timezone.now(), is_demo=is_demo)
        audit.record(actor, "parking.jukir_created", jukir, {"code": code, "operator": operator.code})
    return jukir


def do_reissue_card(actor: Any, jukir: Jukir) -> Jukir:
    """A new card secret: the old card's QR stops verifying (lost or copied card)."""
    check_manage(actor)
    with transaction.atomic():
        jukir.card_secret = new_card_secret()
        jukir.card_issued_at = timezone.now()
        jukir.save(update_fields=["card_secret", "card_issued_at"])
        audit.record(actor, "parking.card_reissued", jukir, {"code": jukir.code})
    return jukir


def check_set_jukir_status(actor: Any, jukir: Jukir, status: str, reason: str) -> None:
    check_manage(actor)
    if status not in JukirStatus.values:
        raise ValidationError({"status": [_("Status jukir tidak dikenal.")]})
    if status != JukirStatus.ACTIVE and len((reason or "").strip()) < 5:
        raise ValidationError({"reason": [_("Alasan pencabutan/pembekuan wajib diisi (minimal 5 karakter).")]})


def do_set_jukir_status(actor: Any, jukir: Jukir, status: str, reason: str = "") -> Jukir:
    """Revoke, suspend or reactivate a jukir's card (Medan: the ID card is revoked when a jukir takes cash)."""
    check_set_jukir_status(actor, jukir, status, reason)
    with transaction.atomic():
        old = jukir.status
        jukir.status, jukir.status_reason, jukir.status_changed_at = status, (reason or "").strip(), timezone.now()
        jukir.save(update_fields=["status", "status_reason", "status_changed_at"])
        if status != JukirStatus.ACTIVE:
            DutySession.objects.filter(jukir=jukir, ended_at__isnull=True).update(ended_at=jukir.status_changed_at)
        audit.record(actor, "parking.jukir_status", jukir, {"from": old, "to": status, "reason": jukir.status_reason})
        events.publish("parking.jukir_status", {"jukir": jukir.code, "status": status})
    return jukir


def check_assign(actor: Any, jukir: Jukir, point: ParkingPoint, shift_start: time, shift_end: time,
                 valid_from: date, valid_to: date | None) -> None:
    if actor is not None:
        check_manage(actor)
    if jukir.status != JukirStatus.ACTIVE:
        raise ValidationError({"jukir": [_("Jukir yang dicabut atau dibekukan tidak dapat ditugaskan.")]})
    if jukir.operator_id != point.operator_id:
        raise ValidationError({"point": [_("Titik ini dikelola operator lain; jukir hanya bertugas di titik "
                                           "operatornya sendiri.")]})
    if shift_start == shift_end:
        raise ValidationError({"shift_end": [_("Akhir shift harus berbeda dari mulai shift.")]})
    if valid_to is not None and valid_to < valid_from:
        raise ValidationError({"valid_to": [_("Tanggal akhir sebelum tanggal mulai.")]})


def do_assign(actor: Any, jukir: Jukir, point: ParkingPoint, *, shift_start: time, shift_end: time,
              valid_from: date, valid_to: date | None = None) -> JukirAssignment:
    check_assign(actor, jukir, point, shift_start, shift_end, valid_from, valid_to)
    with transaction.atomic():
        assignment = JukirAssignment.objects.create(jukir=jukir, point=point, shift_start=shift_start,
                                                    shift_end=shift_end, valid_from=valid_from, valid_to=valid_to)
        audit.record(actor, "parking.jukir_assigned", jukir, {
            "point": point.code, "shift": f"{shift_start:%H:%M}-{shift_end:%H:%M}",
            "from": valid_from.isoformat(), "to": valid_to.isoformat() if valid_to else None})
    return assignment


def do_end_assignment(actor: Any, assignment: JukirAssignment, valid_to: date) -> JukirAssignment:
    check_manage(actor)
    if valid_to < assignment.valid_from:
        raise ValidationError({"valid_to": [_("Tanggal akhir sebelum tanggal mulai.")]})
    with transaction.atomic():
        assignment.valid_to = valid_to
        assignment.save(update_fields=["valid_to"])
        audit.record(actor, "parking.assignment_ended", assignment.jukir,
                     {"point": assignment.point.code, "to": valid_to.isoformat()})
    return assignment


def assignments_on(jukir: Jukir, point: ParkingPoint, day: date) -> list[JukirAssignment]:
    return list(JukirAssignment.objects.filter(jukir=jukir, point=point, valid_from__lte=day)
                .filter(Q(valid_to__isnull=True) | Q(valid_to__gte=day)))


def _in_shift(assignment: JukirAssignment, at: time) -> bool:
    start, end = assignment.shift_start, assignment.shift_end
    return start <= at < end if start < end else (at >= start or at < end)  # a night shift crosses midnight


# --- Duty (handheld login) ----------------------------------------------------------------------------------------


def check_start_duty(jukir: Jukir, point: ParkingPoint, at: datetime) -> None:
    if jukir.status != JukirStatus.ACTIVE:
        raise PermissionDenied(_("Kartu jukir ini dicabut atau dibekukan."))
    if not assignments_on(jukir, point, selectors.local_day(at)):
        raise ValidationError({"point": [_("Anda tidak ditugaskan di titik %(p)s hari ini.") % {"p": point.code}]})


def do_start_duty(jukir: Jukir, point: ParkingPoint, *, at: datetime | None = None,
                  source: str = "handheld") -> DutySession:
    """Open a duty session; an open one at the same point is returned as is, one elsewhere is closed first."""
    at = at or timezone.now()
    check_start_duty(jukir, point, at)
    with transaction.atomic():
        Jukir.objects.select_for_update().filter(pk=jukir.pk).first()  # one open session per jukir, also under races
        current = DutySession.objects.filter(jukir=jukir, ended_at__isnull=True).first()
        if current is not None and current.point_id == point.pk:
            return current
        if current is not None:
            current.ended_at = at
            current.save(update_fields=["ended_at"])
        session = DutySession.objects.create(jukir=jukir, point=point, started_at=at, source=source[:20])
        audit.record(jukir.user, "parking.duty_started", session, {"jukir": jukir.code, "point": point.code})
    return session


def do_end_duty(jukir: Jukir, *, at: datetime | None = None) -> DutySession | None:
    """Close the open duty session (None when there is none: ending twice is harmless)."""
    at = at or timezone.now()
    with transaction.atomic():
        current = DutySession.objects.select_for_update().filter(jukir=jukir, ended_at__isnull=True).first()
        if current is None:
            return None
        current.ended_at = max(at, current.started_at)
        current.save(update_fields=["ended_at"])
        audit.record(jukir.user, "parking.duty_ended", current, {"jukir": jukir.code})
    return current


# --- Points, capacities, tariffs ----------------------------------------------------------------------------------


def locate(lat: float, lon: float) -> geo.Location:
    try:
        return geo.locate(lat, lon)
    except geo.OutsideCity as exc:
        raise ValidationError({"lat": [exc.message]}) from None
    except geo.CityNotSet as exc:
        raise ValidationError({"lat": [exc.message]}) from None


POINT_FIELDS = ("name", "segment", "operator", "lat", "lon", "approximate", "is_eparking", "eparking_since",
                "land_use", "opens_at", "closes_at", "daily_target", "device", "source", "note", "is_active")


def do_save_point(actor: Any, point: ParkingPoint | None = None, **fields: Any) -> ParkingPoint:
    """Create (point None, `code` in fields) or update a point; kecamatan/kelurahan always follow the position."""
    if actor is not None:
        check_manage(actor)
    creating = point is None
    if creating:
        point = ParkingPoint(code=_code(fields.pop("code", ""), "code"), is_demo=bool(fields.pop("is_demo", False)))
        if ParkingPoint.objects.filter(code=point.code).exists():
            raise ValidationError({"code": [_("Kode titik %(c)s sudah dipakai.") % {"c": point.code}]})
    unknown = set(fields) - set(POINT_FIELDS)
    if unknown:
        raise ValueError(f"unknown point fields: {sorted(unknown)}")
    for name, value in fields.items():
        setattr(point, name, value)
    if not (point.name or "").strip():
        raise ValidationError({"name": [_("Nama titik wajib diisi.")]})
    if point.segment_id is None:
        raise ValidationError({"segment": [_("Ruas jalan wajib dipilih.")]})
    if point.operator_id is None:
        raise ValidationError({"operator": [_("Operator wajib dipilih.")]})
    if point.lat is None or point.lon is None:
        raise ValidationError({"lat": [_("Posisi titik wajib diisi.")]})
    location = locate(point.lat, point.lon)
    point.kecamatan, point.kelurahan = location.kecamatan, location.kelurahan
    with transaction.atomic():
        point.save()
        audit.record(actor, "parking.point_created" if creating else "parking.point_updated", point,
                     {k: str(v) for k, v in fields.items() if k not in ("device",)})
        events.publish("parking.registry_changed", {"point": point.code})
    return point


def do_set_capacity(actor: Any, point: ParkingPoint, capacities: dict[str, int]) -> None:
    """Spaces per vehicle class; 0 removes the class from the point."""
    if actor is not None:
        check_manage(actor)
    for cls, spaces in capacities.items():
        if cls not in VehicleClass.values:
            raise ValidationError({"vehicle_class": [_("Golongan kendaraan tidak dikenal: %(c)s") % {"c": cls}]})
        if not isinstance(spaces, int) or spaces < 0 or spaces > 10000:
            raise ValidationError({"spaces": [_("Jumlah ruang harus bilangan bulat 0-10000.")]})
    with transaction.atomic():
        for cls, spaces in capacities.items():
            if spaces == 0:
                PointCapacity.objects.filter(point=point, vehicle_class=cls).delete()
            else:
                PointCapacity.objects.update_or_create(point=point, vehicle_class=cls, defaults={"spaces": spaces})
        audit.record(actor, "parking.capacity_set", point, {"capacities": capacities})


def do_create_tariff_schedule(actor: Any, *, name: str, regulation: str, valid_from: date,
                              amounts: dict[str, int | None], notes: dict[str, str] | None = None,
                              source: str = "") -> TariffSchedule:
    """A new version of the tariff table. The schedule in force is closed the day before (history is kept).

    Every vehicle class gets a row; a class missing from `amounts` (or given None) is listed as not confirmed.
    """
    if actor is not None:
        check_manage(actor)
    if not (regulation or "").strip():
        raise ValidationError({"regulation": [_("Dasar hukum (Perda) wajib diisi: tarif retribusi ditetapkan "
                                                "dengan Perda.")]})
    for cls, amount in amounts.items():
        if cls not in VehicleClass.values:
            raise ValidationError({"amounts": [_("Golongan kendaraan tidak dikenal: %(c)s") % {"c": cls}]})
        if amount is not None and (not isinstance(amount, int) or amount <= 0):
            raise ValidationError({"amounts": [_("Tarif harus bilangan bulat rupiah > 0 atau kosong.")]})
    notes = notes or {}
    with transaction.atomic():
        later = TariffSchedule.objects.filter(valid_from__gte=valid_from).exists()
        if later:
            raise ValidationError({"valid_from": [_("Sudah ada tabel tarif yang berlaku pada atau sesudah tanggal "
                                                    "ini.")]})
        TariffSchedule.objects.filter(valid_to__isnull=True).update(valid_to=valid_from - timedelta(days=1))
        schedule = TariffSchedule.objects.create(name=name.strip() or regulation, regulation=regulation.strip(),
                                                 source=source, valid_from=valid_from)
        Tariff.objects.bulk_create([
            Tariff(schedule=schedule, vehicle_class=cls, amount=amounts.get(cls), note=notes.get(cls, "")[:300])
            for cls in VehicleClass.values
        ])
        audit.record(actor, "parking.tariff_schedule_created", schedule, {
            "regulation": schedule.regulation, "valid_from": valid_from.isoformat(),
            "amounts": {cls: amounts.get(cls) for cls in VehicleClass.values}})
    return schedule


# --- Stickers (parkir berlangganan) -------------------------------------------------------------------------------


def do_issue_sticker(actor: Any, *, plate: str, vehicle_class: str, valid_from: date, number: str = "",
                     barcode: str = "", owner_name: str = "", valid_to: date | None = None,
                     amount_paid: int | None = None, is_demo: bool = False) -> Sticker:
    """A yearly sticker; the price is the subscription tariff in force (Perwal Medan 26/2024) unless given."""
    if actor is not None:
        check_manage(actor)
    plate = normalize_plate(plate)
    if len(plate) < 3:
        raise ValidationError({"plate": [_("Nomor polisi wajib diisi.")]})
    if vehicle_class not in VehicleClass.values:
        raise ValidationError({"vehicle_class": [_("Golongan kendaraan tidak dikenal.")]})
    if valid_to is None:  # one year, e.g. 1 July 2024 - 30 June 2025
        try:
            valid_to = valid_from.replace(year=valid_from.year + 1) - timedelta(days=1)
        except ValueError:  # from 29 February
            valid_to = date(valid_from.year + 1, 2, 28)
    if valid_to < valid_from:
        raise ValidationError({"valid_to": [_("Tanggal akhir sebelum tanggal mulai.")]})
    price = tariffs.subscription_tariff_for(vehicle_class, valid_from)
    if amount_paid is None:
        if price is None or price.amount is None:
            raise ValidationError({"vehicle_class": [_("Tarif berlangganan golongan ini belum ditetapkan.")]})
        amount_paid = price.amount
    number = number.strip() or f"STK-{valid_from:%Y}-{secrets.token_hex(4).upper()}"
    barcode = barcode.strip() or f"KCB{secrets.token_hex(10).upper()}"
    if Sticker.objects.filter(Q(number=number) | Q(barcode=barcode)).exists():
        raise ValidationError({"number": [_("Nomor stiker atau barcode sudah dipakai.")]})
    with transaction.atomic():
        sticker = Sticker.objects.create(number=number, barcode=barcode, plate=plate, vehicle_class=vehicle_class,
                                         owner_name=owner_name, valid_from=valid_from, valid_to=valid_to,
                                         amount_paid=amount_paid, regulation=price.regulation if price else "",
                                         is_demo=is_demo)
        audit.record(actor, "parking.sticker_issued", sticker, {"number": number, "plate": plate,
                                                                "valid_to": valid_to.isoformat()})
    return sticker


def do_revoke_sticker(actor: Any, sticker: Sticker, reason: str) -> Sticker:
    check_manage(actor)
    if len((reason or "").strip()) < 5:
        raise ValidationError({"reason": [_("Alasan wajib diisi (minimal 5 karakter).")]})
    with transaction.atomic():
        sticker.status = StickerStatus.REVOKED
        sticker.save(update_fields=["status"])
        audit.record(actor, "parking.sticker_revoked", sticker, {"reason": reason.strip()})
    return sticker


def valid_sticker(*, barcode: str = "", plate: str = "", on: date) -> Sticker | None:
    """An active sticker valid on `on` for this barcode or (normalised) plate."""
    qs = Sticker.objects.filter(status=StickerStatus.ACTIVE, valid_from__lte=on, valid_to__gte=on)
    if barcode:
        found = qs.filter(barcode=barcode.strip()).first()
        if found is not None:
            return found
    plate = normalize_plate(plate)
    return qs.filter(plate=plate).first() if plate else None


# --- Payment providers --------------------------------------------------------------------------------------------


def new_webhook_secret() -> str:
    return secrets.token_urlsafe(32)


def do_create_provider(actor: Any, *, code: str, name: str, secret: str = "") -> tuple[PaymentProvider, str]:
    """A payment aggregator; returns it with its webhook secret in clear (show it once, hand it to the provider)."""
    if actor is not None:
        check_manage(actor)
    secret = secret or new_webhook_secret()
    with transaction.atomic():
        provider = PaymentProvider.objects.create(code=code, name=name, webhook_secret=secret)
        audit.record(actor, "parking.provider_created", provider, {"code": code})
    return provider, secret


def do_rotate_secret(actor: Any, provider: PaymentProvider) -> str:
    check_manage(actor)
    secret = new_webhook_secret()
    with transaction.atomic():
        provider.webhook_secret = secret
        provider.save(update_fields=["webhook_secret"])
        audit.record(actor, "parking.provider_secret_rotated", provider, {"code": provider.code})
    return secret


def sign_webhook(secret: str, body: bytes) -> str:
    """The X-Kc-Signature value for `body`: `sha256=<hex HMAC-SHA256(secret, raw body)>`."""
    return "sha256=" + hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()


class BadSignature(Exception):  # noqa: N818 - HTTP 401
    pass


def check_webhook(provider: PaymentProvider, body: bytes, signature: str | None, timestamp: str | None, *,
                  now: datetime | None = None) -> None:
    """Raises BadSignature (401, nothing stored) for a wrong/missing signature or a timestamp outside the window."""
    if not provider.is_active or not provider.webhook_secret:
        raise BadSignature(_("Penyedia pembayaran nonaktif."))
    expected = sign_webhook(provider.webhook_secret, body)
    if not signature or not hmac.compare_digest(expected.encode(), signature.strip().encode()):
        raise BadSignature(_("Tanda tangan X-Kc-Signature salah atau tidak ada."))
    try:
        sent = float(timestamp or "")
    except ValueError:
        raise BadSignature(_("X-Kc-Timestamp wajib berupa detik epoch.")) from None
    if sent > 1e11:  # milliseconds
        sent /= 1000
    now = now or timezone.now()
    if abs(now.timestamp() - sent) > webhook_max_skew().total_seconds():
        raise BadSignature(_("X-Kc-Timestamp di luar jendela %(s)d detik (kiriman ulang/replay atau jam salah).")
                           % {"s": webhook_max_skew().total_seconds()})


# --- Payments -----------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class PaymentOutcome:
    transaction: ParkingTransaction | None
    violation: ParkingViolation | None
    created: bool

    @property
    def accepted(self) -> bool:
        return self.transaction is not None

    @property
    def status(self) -> str:
        """The webhook answer: accepted | duplicate | refused."""
        if not self.created:
            return "duplicate"
        return "accepted" if self.transaction is not None else "refused"


def _check_payment_input(channel: str, origin: str, reference: str, vehicle_class: str, method: str, amount: Any,
                         paid_at: Any, merchant_id: str) -> None:
    errors: dict[str, list[str]] = {}
    if channel not in Channel.values:
        errors["channel"] = [_("Kanal tidak dikenal.")]
    if not origin or len(origin) > 80:
        errors["origin"] = [_("Asal transaksi wajib (maksimal 80 karakter).")]
    if not reference or len(reference) > MAX_REFERENCE or "\x00" in reference:
        errors["reference"] = [_("Referensi pembayaran wajib (maksimal %(n)d karakter).") % {"n": MAX_REFERENCE}]
    if vehicle_class not in VehicleClass.values:
        errors["vehicle_class"] = [_("Golongan kendaraan tidak dikenal; pilih: %(v)s.")
                                   % {"v": ", ".join(VehicleClass.values)}]
    if method not in PaymentMethod.values:
        errors["method"] = [_("Cara bayar tidak dikenal; pilih: %(v)s.") % {"v": ", ".join(PaymentMethod.values)}]
    if isinstance(amount, bool) or not isinstance(amount, int) or not 0 < amount <= 10_000_000:
        errors["amount"] = [_("Jumlah harus bilangan bulat rupiah lebih dari 0.")]
    if not isinstance(paid_at, datetime) or timezone.is_naive(paid_at):
        errors["paid_at"] = [_("Waktu bayar wajib dengan zona waktu.")]
    elif paid_at > timezone.now() + future_tolerance():
        errors["paid_at"] = [_("Waktu bayar di masa depan.")]
    if method in CASHLESS_METHODS and not merchant_id:
        errors["merchant_id"] = [_("Pembayaran nontunai wajib menyebut merchant id (NMID).")]
    if len(merchant_id) > 64:
        errors["merchant_id"] = [_("Merchant id maksimal 64 karakter.")]
    if errors:
        raise ValidationError(errors)


def _first_outcome(channel: str, origin: str, reference: str) -> PaymentOutcome | None:
    tx = ParkingTransaction.objects.filter(channel=channel, origin=origin, reference=reference).first()
    if tx is not None:
        return PaymentOutcome(tx, tx.violations.order_by("pk").first(), False)
    refusal = ParkingViolation.objects.filter(channel=channel, origin=origin, reference=reference,
                                              transaction__isnull=True).first()
    if refusal is not None:
        return PaymentOutcome(None, refusal, False)
    return None


def _refusal(point: ParkingPoint, jukir: Jukir | None, sent: dict[str, Any]) -> tuple[str, str, Sticker | None] | None:
    """(violation kind, Indonesian detail, sticker) of the first rule the attempt breaks, or None."""
    day = sent["day"]
    if jukir is not None and jukir.status != JukirStatus.ACTIVE:
        return (ViolationKind.REVOKED_JUKIR,
                _("Kartu jukir %(j)s berstatus %(s)s: tidak boleh mencatat transaksi.")
                % {"j": jukir.code, "s": jukir.get_status_display()}, None)
    if jukir is not None and not sent["assignments"]:
        return (ViolationKind.UNASSIGNED_JUKIR,
                _("Jukir %(j)s tidak ditugaskan di titik %(p)s pada %(d)s.")
                % {"j": jukir.code, "p": point.code, "d": day.isoformat()}, None)
    sticker = valid_sticker(barcode=sent["sticker_barcode"], plate=sent["plate"], on=day)
    if sticker is not None:
        return (ViolationKind.STICKER_CHARGED,
                _("Kendaraan %(pl)s memiliki stiker berlangganan %(n)s yang berlaku sampai %(t)s: tidak boleh "
                  "ditarik bayaran.") % {"pl": sticker.plate, "n": sticker.number, "t": sticker.valid_to.isoformat()},
                sticker)
    if sent["method"] == PaymentMethod.CASH and point.is_eparking:
        return (ViolationKind.CASH_AT_EPARKING,
                _("Pembayaran tunai di titik e-parking %(p)s ditolak: hanya QRIS/uang elektronik.") % {"p": point.code},
                None)
    merchant_id = sent["merchant_id"]
    if merchant_id:
        account = MerchantAccount.objects.filter(merchant_id=merchant_id, is_active=True).first()
        if account is None or (account.operator_id is not None and account.operator_id != point.operator_id):
            return (ViolationKind.FOREIGN_MERCHANT,
                    _("Merchant id %(m)s bukan rekening kota atau operator titik %(p)s.")
                    % {"m": merchant_id, "p": point.code}, None)
    if sent["tariff"] is None:
        return (ViolationKind.UNCONFIRMED_TARIFF,
                _("Golongan %(c)s belum memiliki tarif yang ditetapkan pada %(d)s: tidak boleh ditarik.")
                % {"c": sent["vehicle_class"], "d": day.isoformat()}, None)
    return None


def record_payment(*, channel: str, origin: str, reference: str, point: ParkingPoint, jukir: Jukir | None,
                   vehicle_class: str, method: str, amount: int, paid_at: datetime, merchant_id: str = "",
                   issuer: str = "", plate: str = "", sticker_barcode: str = "",
                   provider: PaymentProvider | None = None, actor: Any = None) -> PaymentOutcome:
    """Records one payment attempt (see the module docstring for the rules). Bad input raises ValidationError
    naming the field and stores nothing; a rule broken stores a refusal; a resend returns the first outcome."""
    reference = str(reference or "").strip()
    merchant_id = str(merchant_id or "").strip()
    _check_payment_input(channel, origin, reference, vehicle_class, method, amount, paid_at, merchant_id)
    if jukir is None and channel != Channel.ADMIN:
        raise ValidationError({"jukir": [_("Jukir wajib disebut.")]})
    first = _first_outcome(channel, origin, reference)
    if first is not None:
        return first

    day = selectors.local_day(paid_at)
    tariff = tariffs.tariff_for(vehicle_class, day)
    tariff_amount = tariff.amount if tariff is not None else None
    assignments = assignments_on(jukir, point, day) if jukir is not None else []
    sent = {"day": day, "assignments": assignments, "sticker_barcode": str(sticker_barcode or "")[:80],
            "plate": normalize_plate(plate), "method": method, "merchant_id": merchant_id,
            "tariff": tariff_amount, "vehicle_class": vehicle_class}
    payload = {"channel": channel, "origin": origin, "reference": reference, "point": point.code,
               "jukir": jukir.code if jukir else None, "vehicle_class": vehicle_class, "method": method,
               "amount": amount, "merchant_id": merchant_id, "issuer": str(issuer or "")[:60],
               "plate": sent["plate"], "sticker": sent["sticker_barcode"], "paid_at": paid_at.isoformat(),
               "provider": provider.code if provider else None}
    refusal = _refusal(point, jukir, sent)
    try:
        with transaction.atomic():
            if refusal is not None:
                kind, detail, sticker = refusal
                violation = ParkingViolation.objects.create(
                    kind=kind, point=point, jukir=jukir, sticker=sticker, channel=channel, origin=origin,
                    reference=reference, amount=amount, detail=detail, payload=payload, occurred_at=paid_at)
                audit.record(actor, "parking.payment_refused", violation, {"kind": kind, "reference": reference,
                                                                          "point": point.code})
                events.publish("parking.violation", _violation_event(violation))
                return PaymentOutcome(None, violation, True)

            flags: list[str] = []
            if tariff_amount is not None and amount != tariff_amount:
                flags.append(FLAG_TARIFF_MISMATCH)
            local_time = to_local(paid_at).time()
            if assignments and not any(_in_shift(a, local_time) for a in assignments):
                flags.append(FLAG_OUTSIDE_SHIFT)
            if sent["sticker_barcode"] and not Sticker.objects.filter(barcode=sent["sticker_barcode"]).exists():
                flags.append(FLAG_UNKNOWN_STICKER)  # a barcode nobody issued: a forged sticker, or a typo
            operator = point.operator
            operator_share, city_share = tariffs.shares(amount, operator)
            tx = ParkingTransaction.objects.create(
                reference=reference, provider=provider, channel=channel, origin=origin, point=point, jukir=jukir,
                operator=operator, vehicle_class=vehicle_class, method=method, amount=amount,
                tariff_amount=tariff_amount, merchant_id=merchant_id, issuer=payload["issuer"],
                plate=sent["plate"], paid_at=paid_at, operator_share=operator_share, city_share=city_share,
                flags=flags)
            violation = None
            if FLAG_TARIFF_MISMATCH in flags:
                violation = ParkingViolation.objects.create(
                    kind=ViolationKind.TARIFF_MISMATCH, point=point, jukir=jukir, transaction=tx, channel=channel,
                    origin=origin, reference=reference, amount=amount, payload=payload, occurred_at=paid_at,
                    detail=_("Dibayar Rp%(a)s, tarif %(c)s Rp%(t)s (diterima, ditandai untuk audit).")
                    % {"a": amount, "c": vehicle_class, "t": tariff_amount})
                events.publish("parking.violation", _violation_event(violation))
            audit.record(actor, "parking.payment_recorded", tx, {"reference": reference, "channel": channel,
                                                                "amount": amount, "flags": flags})
            events.publish("parking.payment", {"point": point.code, "amount": amount, "method": method,
                                               "paid_at": paid_at.isoformat(), "flags": flags})
            return PaymentOutcome(tx, violation, True)
    except IntegrityError:
        # The same attempt arrived twice at once (a webhook retry racing its original): the other copy won.
        first = _first_outcome(channel, origin, reference)
        if first is None:
            raise
        return first


def _violation_event(v: ParkingViolation) -> dict[str, Any]:
    return {"id": v.pk, "kind": v.kind, "point": v.point.code if v.point_id else None,
            "jukir": v.jukir.code if v.jukir_id else None, "amount": v.amount,
            "occurred_at": v.occurred_at.isoformat()}


def check_review_violation(actor: Any, violation: ParkingViolation, status: str, note: str) -> None:
    check_manage(actor)
    if status not in (ViolationStatus.REVIEWED, ViolationStatus.DISMISSED):
        raise ValidationError({"status": [_("Pilih: ditinjau atau bukan pelanggaran.")]})
    if status == ViolationStatus.DISMISSED and len((note or "").strip()) < 5:
        raise ValidationError({"note": [_("Jelaskan mengapa ini bukan pelanggaran (minimal 5 karakter).")]})


def do_review_violation(actor: Any, violation: ParkingViolation, status: str, note: str = "") -> ParkingViolation:
    check_review_violation(actor, violation, status, note)
    with transaction.atomic():
        violation.status, violation.reviewed_by, violation.review_note = status, actor, (note or "").strip()
        violation.save(update_fields=["status", "reviewed_by", "review_note"])
        audit.record(actor, "parking.violation_reviewed", violation, {"status": status, "note": violation.review_note})
    return violation


# --- Settlement -----------------------------------------------------------------------------------------------------


def check_import_settlement(actor: Any, provider: PaymentProvider, data: bytes) -> settlement.ParsedFile:
    if actor is not None:
        check_manage(actor)
    try:
        return settlement.parse(data)
    except settlement.SettlementError as exc:
        raise ValidationError({"file": [str(exc)]}) from None


def do_import_settlement(*, provider: PaymentProvider, data: bytes, filename: str, actor: Any = None) -> SettlementFile:
    """Imports the aggregator's daily settlement CSV and matches each line to that provider's webhook transactions.

    A re-import of the same bytes returns the first SettlementFile untouched. Line statuses: `cocok` (matched,
    the transaction becomes settled), `selisih` (amount differs: linked, not settled, flagged), `tidak_ada` (no
    such transaction: e.g. a refused payment, or one the webhook never delivered), `ganda` (the transaction was
    already settled by another line or file). Transactions no line reached: `selectors.unmatched_transactions`.
    """
    if actor is not None:
        check_manage(actor)
    digest = hashlib.sha256(data).hexdigest()
    existing = SettlementFile.objects.filter(sha256=digest).first()
    if existing is not None:
        return existing
    parsed = check_import_settlement(actor, provider, data)
    try:
        with transaction.atomic():
            file = SettlementFile.objects.create(
                provider=provider, settlement_date=parsed.settlement_date, filename=(filename or "")[:255],
                sha256=digest, imported_by=actor if getattr(actor, "is_authenticated", False) else None,
                lines_total=len(parsed.lines), amount_total=sum(line.amount for line in parsed.lines))
            _match(file, provider, parsed.lines)
            audit.record(actor, "parking.settlement_imported", file, {
                "provider": provider.code, "date": file.settlement_date.isoformat(), "lines": file.lines_total,
                "matched": file.lines_matched, "unmatched": file.lines_unmatched, "sha256": digest})
            events.publish("parking.settlement", {"id": file.pk, "provider": provider.code,
                                                  "date": file.settlement_date.isoformat(),
                                                  "matched": file.lines_matched, "unmatched": file.lines_unmatched})
    except IntegrityError:
        existing = SettlementFile.objects.filter(sha256=digest).first()  # the same file imported twice at once
        if existing is None:
            raise
        return existing
    return file


def _match(file: SettlementFile, provider: PaymentProvider, lines: list[settlement.Line]) -> None:
    refs = sorted({line.reference for line in lines})
    found: dict[str, settlement.TxView] = {}
    lock = ParkingTransaction.objects.filter(provider=provider, channel=Channel.WEBHOOK)
    if connection.features.has_select_for_update_of:
        lock = lock.select_for_update(of=("self",))
    for i in range(0, len(refs), 900):  # SQLite's bound-parameter limit
        for pk, ref, amount, merchant, line_id in lock.filter(reference__in=refs[i:i + 900]).values_list(
                "pk", "reference", "amount", "merchant_id", "settlement_line__id"):
            found[ref] = settlement.TxView(pk, amount, merchant, line_id is not None)
    results = settlement.classify(lines, found)
    SettlementLine.objects.bulk_create([
        SettlementLine(file=file, line_number=line.number, reference=line.reference, merchant_id=line.merchant_id,
                       amount=line.amount, fee=line.fee, paid_at=line.paid_at, transaction_id=tx_id, status=status)
        for line, status, tx_id in results
    ], batch_size=500)
    matched = [tx_id for _line, status, tx_id in results if status == SettlementLineStatus.MATCHED]
    for i in range(0, len(matched), 900):
        ParkingTransaction.objects.filter(pk__in=matched[i:i + 900]).update(settled=True)
    for line, status, tx_id in results:
        flag = None
        if status == SettlementLineStatus.AMOUNT_MISMATCH:
            flag = FLAG_SETTLEMENT_AMOUNT
        elif status == SettlementLineStatus.MATCHED and line.merchant_id and tx_id is not None \
                and found[line.reference].merchant_id and line.merchant_id != found[line.reference].merchant_id:
            flag = FLAG_SETTLEMENT_MERCHANT
        if flag is not None:
            tx = ParkingTransaction.objects.get(pk=tx_id)
            if flag not in tx.flags:
                tx.flags = [*tx.flags, flag]
                tx.save(update_fields=["flags"])
    file.lines_matched = len(matched)
    file.lines_unmatched = len(results) - len(matched)
    file.save(update_fields=["lines_matched", "lines_unmatched"])
