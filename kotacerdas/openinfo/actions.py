"""Every change to the PPID registers. `check_*` validates and authorizes, `do_*` writes in a transaction, adds the
dated timeline entry, audits, notifies and publishes an event after commit.

Deadlines come from `rules` (amounts and sources) and `kotacerdas.core.deadlines` (the platform calendar).
"""

from __future__ import annotations

import re
from datetime import datetime
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.validators import validate_email
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from kotacerdas.core import audit, deadlines, events, notify
from kotacerdas.openinfo import rules, selectors
from kotacerdas.openinfo.models import (
    Conclusion,
    ConsequenceTest,
    Counter,
    Decision,
    Delivery,
    DipCategory,
    DipEntry,
    DisputeResult,
    EventKind,
    InfoFormat,
    InfoRequest,
    Objection,
    ObjectionOutcome,
    ObjectionStatus,
    PpidEvent,
    RequestChannel,
    RequestStatus,
)

NIK_RE = re.compile(r"^\d{16}$")
OPEN_OBJECTION = (ObjectionStatus.DIPROSES, ObjectionStatus.DIJAWAB, ObjectionStatus.SENGKETA)
MIN_REASON = 10


def _now(now: datetime | None) -> datetime:
    return now or timezone.now()


def next_number(prefix: str, at: datetime) -> str:
    """PPID-2026-000001: sequential per year in the site's zone, taken under a row lock (call inside atomic)."""
    year = deadlines.to_local(at).year
    Counter.objects.get_or_create(prefix=prefix, year=year)
    counter = Counter.objects.select_for_update().get(prefix=prefix, year=year)
    counter.last += 1
    counter.save(update_fields=["last"])
    return f"{prefix}-{year}-{counter.last:06d}"


def _event(req: InfoRequest, kind: str, at: datetime, actor: Any = None, message: str = "",
           due: datetime | None = None, objection: Objection | None = None, **data: Any) -> PpidEvent:
    return PpidEvent.objects.create(request=req, objection=objection, kind=kind, at=at,
                                    actor=actor if getattr(actor, "is_authenticated", False) else None,
                                    message=message, due_at=due, data=data)


def _notify_requester(req: InfoRequest, subject: str, body: str) -> None:
    notify.queue(user=req.requester, email=req.email, phone=req.phone, subject=subject, body=body,
                 topic="openinfo.request")


def _fmt(dt: datetime) -> str:
    return deadlines.to_local(dt).strftime("%d-%m-%Y")


# --- requests -------------------------------------------------------------------------------------------------


def check_submit_request(user: Any, data: dict[str, Any]) -> dict[str, Any]:
    """Validates a new request. A warga files for themself on the web; a PPID officer records any channel
    (walk-in, post, e-mail, telephone: rule 11 says unwritten requests are registered too)."""
    if not getattr(user, "is_authenticated", False):
        raise PermissionDenied(_("Masuk terlebih dahulu untuk mengajukan permohonan informasi."))
    staff = selectors.is_ppid(user)
    errors: dict[str, str] = {}
    clean: dict[str, Any] = {}
    for field, label, limit in (("name", _("Nama"), 120), ("address", _("Alamat"), 255),
                                ("occupation", _("Pekerjaan"), 120), ("information", _("Informasi"), 4000),
                                ("purpose", _("Tujuan"), 2000)):
        value = str(data.get(field) or "").strip()
        if not value:
            errors[field] = _("%(label)s wajib diisi.") % {"label": label}
        elif len(value) > limit:
            errors[field] = _("%(label)s terlalu panjang (maksimal %(n)d karakter).") % {"label": label, "n": limit}
        clean[field] = value
    nik = re.sub(r"\D", "", str(data.get("nik") or ""))
    if not staff and not NIK_RE.match(nik):
        # UU 14/2008 Pasal 4 ayat (3) / Perki 1/2021: the requester attaches identity (KTP) for a registered request.
        errors["nik"] = _("Nomor KTP (NIK) harus 16 angka.")
    elif nik and not NIK_RE.match(nik):
        errors["nik"] = _("Nomor KTP (NIK) harus 16 angka.")
    clean["nik"] = nik
    phone = re.sub(r"[^\d+]", "", str(data.get("phone") or ""))
    if phone and not re.fullmatch(r"\+?\d{8,15}", phone):
        errors["phone"] = _("Nomor telepon tidak valid.")
    clean["phone"] = phone
    email = str(data.get("email") or "").strip()
    if email:
        try:
            validate_email(email)
        except ValidationError:
            errors["email"] = _("Alamat e-mail tidak valid.")
    clean["email"] = email
    if not phone and not email:
        errors.setdefault("email", _("Isi e-mail atau nomor telepon agar jawaban dapat disampaikan."))
    for field, choices in (("format", InfoFormat), ("delivery", Delivery)):
        value = str(data.get(field) or "")
        if value not in choices.values:
            errors[field] = _("Pilih salah satu pilihan.")
        clean[field] = value
    if clean.get("delivery") == Delivery.EMAIL and not email:
        errors["email"] = _("Cara penyampaian e-mail memerlukan alamat e-mail.")
    channel = str(data.get("channel") or RequestChannel.WEB) if staff else RequestChannel.WEB
    if channel not in RequestChannel.values:
        errors["channel"] = _("Pilih salah satu pilihan.")
    clean["channel"] = channel
    clean["agency"] = data.get("agency")
    if errors:
        raise ValidationError(errors)
    return clean


@transaction.atomic
def do_submit_request(user: Any, data: dict[str, Any], now: datetime | None = None,
                      request: Any = None, is_demo: bool = False) -> InfoRequest:
    clean = check_submit_request(user, data)
    now = _now(now)
    due = rules.ANSWER.due(now)
    req = InfoRequest.objects.create(
        reg_no=next_number("PPID", now), received_at=now, due_at=due, original_due_at=due,
        requester=None if selectors.is_ppid(user) else user, recorded_by=user, is_demo=is_demo, **clean,
    )
    _event(req, EventKind.RECEIVED, now, user, _("Nomor pendaftaran %(no)s diberikan.") % {"no": req.reg_no},
           due=due, channel=req.channel)
    audit.record(user, "openinfo.request.received", req, {"reg_no": req.reg_no, "channel": req.channel},
                 request=request)
    _notify_requester(req, _("Tanda bukti permohonan %(no)s") % {"no": req.reg_no},
                      _("Permohonan informasi Anda terdaftar dengan nomor %(no)s. Pemberitahuan tertulis paling "
                        "lambat %(due)s.") % {"no": req.reg_no, "due": _fmt(due)})
    notify.queue_many(selectors.ppid_officers(), subject=_("Permohonan informasi baru %(no)s") % {"no": req.reg_no},
                      body=_("Batas jawaban: %(due)s.") % {"due": _fmt(due)}, topic="openinfo.request")
    events.publish("openinfo.request", {"id": req.pk, "status": req.status})
    return req


def check_handle(user: Any, req: InfoRequest) -> None:
    if not selectors.is_ppid(user):
        raise PermissionDenied(_("Hanya petugas PPID yang dapat menjawab permohonan."))
    if req.status != RequestStatus.DIPROSES:
        raise ValidationError({"__all__": _("Permohonan ini sudah dijawab.")})


def check_extend(user: Any, req: InfoRequest, reason: str, now: datetime | None = None) -> str:
    check_handle(user, req)
    reason = (reason or "").strip()
    errors: dict[str, str] = {}
    if req.extended_at is not None:
        errors["reason"] = _("Perpanjangan hanya boleh satu kali.")
    elif len(reason) < MIN_REASON:
        errors["reason"] = _("Tuliskan alasan perpanjangan (wajib tertulis).")
    elif _now(now) > req.due_at:
        errors["reason"] = _("Batas 10 hari kerja sudah lewat; perpanjangan harus diberitahukan sebelum batas itu.")
    if errors:
        raise ValidationError(errors)
    return reason


@transaction.atomic
def do_extend(user: Any, req: InfoRequest, reason: str, now: datetime | None = None,
              request: Any = None) -> InfoRequest:
    reason = check_extend(user, req, reason, now)
    now = _now(now)
    new_due = rules.extended_due(req.due_at)
    updated = InfoRequest.objects.filter(pk=req.pk, version=req.version, extended_at__isnull=True).update(
        extended_at=now, extension_reason=reason, due_at=new_due, sla_level=0, version=req.version + 1)
    if not updated:
        raise ValidationError({"__all__": _("Permohonan ini baru saja diubah orang lain; muat ulang halaman.")})
    req.refresh_from_db()
    _event(req, EventKind.EXTENDED, now, user, reason, due=new_due, old_due=req.original_due_at.isoformat())
    audit.record(user, "openinfo.request.extended", req, {"due_at": new_due.isoformat()}, request=request)
    _notify_requester(req, _("Perpanjangan waktu permohonan %(no)s") % {"no": req.reg_no},
                      _("Jangka waktu diperpanjang sampai %(due)s. Alasan: %(reason)s")
                      % {"due": _fmt(new_due), "reason": reason})
    events.publish("openinfo.request", {"id": req.pk, "status": req.status})
    return req


def check_answer(user: Any, req: InfoRequest, data: dict[str, Any]) -> dict[str, Any]:
    check_handle(user, req)
    errors: dict[str, str] = {}
    decision = str(data.get("decision") or "")
    if decision not in Decision.values:
        errors["decision"] = _("Pilih keputusan.")
    answer = str(data.get("answer") or "").strip()
    if len(answer) < MIN_REASON:
        errors["answer"] = _("Tuliskan isi pemberitahuan tertulis.")
    clean: dict[str, Any] = {"decision": decision, "answer": answer,
                             "holder": str(data.get("holder") or "").strip()[:200]}
    for field in ("copy_cost", "delivery_cost"):
        raw = data.get(field)
        try:
            value = int(raw or 0)
            if value < 0 or value > 100_000_000:
                raise ValueError
        except (TypeError, ValueError):
            errors[field] = _("Isi jumlah rupiah (angka bulat, tidak negatif).")
            value = 0
        clean[field] = value
    if decision == Decision.DITOLAK:
        # Rule 14: a refusal cites a Pasal 17 exception and records the uji konsekuensi.
        exception = str(data.get("exception") or "")
        if exception not in dict(rules.PASAL_17):
            errors["exception"] = _("Penolakan wajib menyebut pengecualian Pasal 17.")
        harm = str(data.get("harm") or "").strip()
        interest = str(data.get("public_interest") or "").strip()
        if len(harm) < MIN_REASON:
            errors["harm"] = _("Uji konsekuensi: uraikan konsekuensi bila informasi dibuka.")
        if len(interest) < MIN_REASON:
            errors["public_interest"] = _("Uji konsekuensi: uraikan pertimbangan kepentingan publik.")
        clean.update(exception=exception, harm=harm, public_interest=interest)
    if errors:
        raise ValidationError(errors)
    return clean


@transaction.atomic
def do_answer(user: Any, req: InfoRequest, data: dict[str, Any], now: datetime | None = None,
              request: Any = None) -> InfoRequest:
    clean = check_answer(user, req, data)
    now = _now(now)
    updated = InfoRequest.objects.filter(pk=req.pk, version=req.version, status=RequestStatus.DIPROSES).update(
        status=RequestStatus.SELESAI, decision=clean["decision"], answer=clean["answer"], holder=clean["holder"],
        copy_cost=clean["copy_cost"], delivery_cost=clean["delivery_cost"], decided_at=now, decided_by=user,
        version=req.version + 1)
    if not updated:
        raise ValidationError({"__all__": _("Permohonan ini baru saja diubah orang lain; muat ulang halaman.")})
    req.refresh_from_db()
    test = None
    if req.decision == Decision.DITOLAK:
        test = ConsequenceTest.objects.create(
            subject=req.information[:300], exception=clean["exception"], harm=clean["harm"],
            public_interest=clean["public_interest"], conclusion=Conclusion.DIKECUALIKAN, tested_at=now,
            tested_by=user, request=req)
    _event(req, EventKind.ANSWERED, now, user, req.get_decision_display(), decision=req.decision,
           late=req.answered_late, consequence_test=test.pk if test else None)
    audit.record(user, "openinfo.request.answered", req, {"decision": req.decision, "late": req.answered_late},
                 request=request)
    _notify_requester(req, _("Jawaban permohonan %(no)s") % {"no": req.reg_no},
                      _("%(decision)s. Anda dapat mengajukan keberatan kepada Atasan PPID paling lambat %(due)s.")
                      % {"decision": req.get_decision_display(),
                         "due": _fmt(rules.OBJECTION_FILING.due(now))})
    events.publish("openinfo.request", {"id": req.pk, "status": req.status})
    return req


# --- keberatan and sengketa ----------------------------------------------------------------------------------


def grounds_arose_at(req: InfoRequest, ground: str, now: datetime) -> datetime:
    """When the Pasal 35 ground arose (the 30 hk filing window starts there), or a field error if it did not."""
    late = req.decided_at is None and now > req.due_at
    if ground == rules.GROUND_REFUSED:
        if req.decision != Decision.DITOLAK:
            raise ValidationError({"ground": _("Permohonan ini tidak ditolak berdasarkan Pasal 17.")})
        return req.decided_at  # type: ignore[return-value]
    if ground == rules.GROUND_NOT_ANSWERED:
        if not late:
            raise ValidationError({"ground": _("Permohonan ini sudah dijawab atau batas waktunya belum lewat.")})
        return req.due_at
    if ground == rules.GROUND_LATE:
        if late:
            return req.due_at
        if not req.answered_late:
            raise ValidationError({"ground": _("Jawaban disampaikan dalam batas waktu.")})
        return req.decided_at  # type: ignore[return-value]
    if ground == rules.GROUND_BERKALA:
        return req.received_at
    if ground in dict(rules.objection_grounds()):
        if req.decided_at is None:
            raise ValidationError({"ground": _("Permohonan ini belum dijawab.")})
        return req.decided_at
    raise ValidationError({"ground": _("Pilih alasan keberatan menurut Pasal 35.")})


def check_file_objection(user: Any, req: InfoRequest, ground: str, reason: str,
                         now: datetime | None = None) -> tuple[str, datetime, datetime]:
    if not (selectors.is_owner(user, req) or selectors.is_ppid(user)):
        raise PermissionDenied(_("Hanya pemohon yang dapat mengajukan keberatan atas permohonannya."))
    now = _now(now)
    reason = (reason or "").strip()
    # One keberatan path at a time: after the Atasan's answer the next step is the Komisi Informasi (rule 16).
    if req.objections.filter(status__in=OPEN_OBJECTION).exists():
        raise ValidationError({"ground": _("Keberatan atas permohonan ini sedang berjalan; setelah tanggapan "
                                           "Atasan PPID, langkah berikutnya adalah sengketa ke Komisi Informasi.")})
    arose = grounds_arose_at(req, ground, now)
    filing_due = rules.OBJECTION_FILING.due(arose)
    errors: dict[str, str] = {}
    if now > filing_due:
        errors["ground"] = _("Batas pengajuan keberatan (30 hari kerja) sudah lewat pada %(due)s.") % {
            "due": _fmt(filing_due)}
    if len(reason) < MIN_REASON:
        errors["reason"] = _("Uraikan keberatan Anda.")
    if errors:
        raise ValidationError(errors)
    return reason, arose, filing_due


@transaction.atomic
def do_file_objection(user: Any, req: InfoRequest, ground: str, reason: str, now: datetime | None = None,
                      request: Any = None) -> Objection:
    reason, arose, filing_due = check_file_objection(user, req, ground, reason, now)
    now = _now(now)
    due = rules.OBJECTION_ANSWER.due(now)
    obj = Objection.objects.create(reg_no=next_number("KBR", now), request=req, ground=ground, reason=reason,
                                   filed_at=now, grounds_arose_at=arose, filing_due_at=filing_due, due_at=due,
                                   filed_by=user)
    _event(req, EventKind.OBJECTION_FILED, now, user, obj.get_ground_display(), due=due, objection=obj,
           reg_no=obj.reg_no)
    audit.record(user, "openinfo.objection.filed", obj, {"ground": ground}, request=request)
    _notify_requester(req, _("Keberatan %(no)s terdaftar") % {"no": obj.reg_no},
                      _("Atasan PPID menanggapi paling lambat %(due)s.") % {"due": _fmt(due)})
    notify.queue_many(selectors.atasan_users(), subject=_("Keberatan baru %(no)s") % {"no": obj.reg_no},
                      body=_("Batas tanggapan: %(due)s.") % {"due": _fmt(due)}, topic="openinfo.objection")
    events.publish("openinfo.objection", {"id": obj.pk, "status": obj.status})
    return obj


def check_answer_objection(user: Any, obj: Objection, outcome: str, answer: str) -> tuple[str, str]:
    if not selectors.is_atasan(user):
        raise PermissionDenied(_("Hanya Atasan PPID yang dapat menanggapi keberatan."))
    if obj.status != ObjectionStatus.DIPROSES:
        raise ValidationError({"__all__": _("Keberatan ini sudah ditanggapi.")})
    errors: dict[str, str] = {}
    if outcome not in ObjectionOutcome.values:
        errors["outcome"] = _("Pilih tanggapan.")
    answer = (answer or "").strip()
    if len(answer) < MIN_REASON:
        errors["answer"] = _("Tuliskan tanggapan tertulis Atasan PPID.")
    if errors:
        raise ValidationError(errors)
    return outcome, answer


@transaction.atomic
def do_answer_objection(user: Any, obj: Objection, outcome: str, answer: str, now: datetime | None = None,
                        request: Any = None) -> Objection:
    outcome, answer = check_answer_objection(user, obj, outcome, answer)
    now = _now(now)
    dispute_due = rules.DISPUTE_FILING.due(now)
    updated = Objection.objects.filter(pk=obj.pk, version=obj.version, status=ObjectionStatus.DIPROSES).update(
        status=ObjectionStatus.DIJAWAB, outcome=outcome, answer=answer, answered_at=now, answered_by=user,
        dispute_due_at=dispute_due, version=obj.version + 1)
    if not updated:
        raise ValidationError({"__all__": _("Keberatan ini baru saja diubah orang lain; muat ulang halaman.")})
    obj.refresh_from_db()
    _event(obj.request, EventKind.OBJECTION_ANSWERED, now, user, obj.get_outcome_display(), due=dispute_due,
           objection=obj, late=now > obj.due_at)
    audit.record(user, "openinfo.objection.answered", obj, {"outcome": outcome}, request=request)
    _notify_requester(obj.request, _("Tanggapan atas keberatan %(no)s") % {"no": obj.reg_no},
                      _("%(outcome)s. Bila tidak puas, ajukan sengketa ke Komisi Informasi paling lambat %(due)s.")
                      % {"outcome": obj.get_outcome_display(), "due": _fmt(dispute_due)})
    events.publish("openinfo.objection", {"id": obj.pk, "status": obj.status})
    return obj


def check_file_dispute(user: Any, obj: Objection, now: datetime | None = None) -> None:
    if not (selectors.is_owner(user, obj.request) or selectors.is_ppid(user)):
        raise PermissionDenied(_("Hanya pemohon yang dapat mengajukan sengketa."))
    if obj.status != ObjectionStatus.DIJAWAB:
        raise ValidationError({"__all__": _("Sengketa hanya dapat diajukan setelah Atasan PPID menanggapi.")})
    if obj.dispute_due_at and _now(now) > obj.dispute_due_at:
        raise ValidationError({"__all__": _("Batas 14 hari kerja untuk mengajukan sengketa sudah lewat.")})


@transaction.atomic
def do_file_dispute(user: Any, obj: Objection, now: datetime | None = None, request: Any = None) -> Objection:
    """Records that the requester took the case to the Komisi Informasi (the filing itself goes to the KI)."""
    check_file_dispute(user, obj, now)
    now = _now(now)
    updated = Objection.objects.filter(pk=obj.pk, version=obj.version, status=ObjectionStatus.DIJAWAB).update(
        status=ObjectionStatus.SENGKETA, dispute_filed_at=now, version=obj.version + 1)
    if not updated:
        raise ValidationError({"__all__": _("Keberatan ini baru saja diubah orang lain; muat ulang halaman.")})
    obj.refresh_from_db()
    _event(obj.request, EventKind.DISPUTE_FILED, now, user, "", objection=obj)
    audit.record(user, "openinfo.objection.dispute_filed", obj, {}, request=request)
    events.publish("openinfo.objection", {"id": obj.pk, "status": obj.status})
    return obj


def check_dispute_result(user: Any, obj: Objection, data: dict[str, Any]) -> dict[str, Any]:
    if not selectors.is_ppid(user):
        raise PermissionDenied(_("Hanya petugas PPID yang dapat mencatat hasil sengketa."))
    if obj.status != ObjectionStatus.SENGKETA:
        raise ValidationError({"__all__": _("Keberatan ini tidak dalam sengketa.")})
    result = str(data.get("dispute_result") or "")
    if result not in DisputeResult.values:
        raise ValidationError({"dispute_result": _("Pilih hasil sengketa.")})
    court = str(data.get("court_filed") or "").lower() in ("1", "true", "on", "yes")
    return {"dispute_result": result, "dispute_result_note": str(data.get("dispute_result_note") or "").strip(),
            "court_filed": court, "court_result": str(data.get("court_result") or "").strip()}


@transaction.atomic
def do_dispute_result(user: Any, obj: Objection, data: dict[str, Any], now: datetime | None = None,
                      request: Any = None) -> Objection:
    clean = check_dispute_result(user, obj, data)
    now = _now(now)
    Objection.objects.filter(pk=obj.pk).update(version=obj.version + 1, **clean)
    obj.refresh_from_db()
    _event(obj.request, EventKind.DISPUTE_RESULT, now, user, obj.get_dispute_result_display(), objection=obj,
           court_filed=obj.court_filed)
    audit.record(user, "openinfo.objection.dispute_result", obj, {"result": obj.dispute_result}, request=request)
    return obj


def close_expired_dispute_window(obj: Objection, now: datetime) -> bool:
    """Rule 16: after the 14 hk the case closes as "sengketa tidak diajukan" (the sweep calls this)."""
    if obj.status != ObjectionStatus.DIJAWAB or not obj.dispute_due_at or now <= obj.dispute_due_at:
        return False
    with transaction.atomic():
        updated = Objection.objects.filter(pk=obj.pk, version=obj.version, status=ObjectionStatus.DIJAWAB).update(
            status=ObjectionStatus.DITUTUP, closed_at=now, version=obj.version + 1)
        if not updated:
            return False
        obj.refresh_from_db()
        _event(obj.request, EventKind.CLOSED, now, None, _("Sengketa tidak diajukan dalam 14 hari kerja."),
               objection=obj)
        audit.record(None, "openinfo.objection.closed", obj, {"label": "tidak diajukan"})
    return True


# --- DIP and uji konsekuensi -----------------------------------------------------------------------------------


def check_manage_dip(user: Any) -> None:
    if not selectors.is_ppid(user):
        raise PermissionDenied(_("Hanya petugas PPID yang dapat mengubah Daftar Informasi Publik."))


def _clean_test(data: dict[str, Any]) -> dict[str, Any]:
    errors: dict[str, str] = {}
    exception = str(data.get("exception") or "")
    if exception not in dict(rules.PASAL_17):
        errors["exception"] = _("Pilih dasar pengecualian Pasal 17.")
    harm = str(data.get("harm") or "").strip()
    interest = str(data.get("public_interest") or "").strip()
    if len(harm) < MIN_REASON:
        errors["harm"] = _("Uraikan konsekuensi bila informasi dibuka.")
    if len(interest) < MIN_REASON:
        errors["public_interest"] = _("Uraikan pertimbangan kepentingan publik.")
    conclusion = str(data.get("conclusion") or Conclusion.DIKECUALIKAN)
    if conclusion not in Conclusion.values:
        errors["conclusion"] = _("Pilih kesimpulan.")
    if errors:
        raise ValidationError(errors)
    return {"exception": exception, "harm": harm, "public_interest": interest, "conclusion": conclusion,
            "period": str(data.get("period") or "").strip()[:120]}


def check_create_dip(user: Any, data: dict[str, Any]) -> dict[str, Any]:
    check_manage_dip(user)
    errors: dict[str, str] = {}
    title = str(data.get("title") or "").strip()
    if not title:
        errors["title"] = _("Judul wajib diisi.")
    category = str(data.get("category") or "")
    if category not in DipCategory.values:
        errors["category"] = _("Pilih kategori.")
    if errors:
        raise ValidationError(errors)
    clean = {"title": title[:300], "summary": str(data.get("summary") or "").strip(), "category": category,
             "agency": data.get("agency"), "format": str(data.get("format") or "Softcopy")[:80],
             "retention": str(data.get("retention") or "")[:80], "url": str(data.get("url") or "")[:200],
             "year": data.get("year") or None}
    if category == DipCategory.DIKECUALIKAN:
        # Rule 17 / Pasal 19: nothing is excluded without a recorded uji konsekuensi.
        test = _clean_test({**data, "conclusion": Conclusion.DIKECUALIKAN})
        clean["test"] = test
    return clean


@transaction.atomic
def do_create_dip(user: Any, data: dict[str, Any], now: datetime | None = None, request: Any = None,
                  is_demo: bool = False) -> DipEntry:
    clean = check_create_dip(user, data)
    now = _now(now)
    test = clean.pop("test", None)
    entry = DipEntry.objects.create(is_demo=is_demo, **clean)
    if test:
        ConsequenceTest.objects.create(subject=entry.title, tested_at=now, tested_by=user, dip_entry=entry, **test)
    audit.record(user, "openinfo.dip.created", entry, {"category": entry.category}, request=request)
    return entry


def check_publish_dip(user: Any, entry: DipEntry) -> None:
    check_manage_dip(user)
    if entry.category == DipCategory.DIKECUALIKAN:
        raise ValidationError({"category": _(
            "Informasi yang dikecualikan tidak dapat diumumkan. Lakukan uji konsekuensi dengan kesimpulan "
            "terbuka untuk mencabut status dikecualikan.")})


@transaction.atomic
def do_publish_dip(user: Any, entry: DipEntry, now: datetime | None = None, request: Any = None) -> DipEntry:
    """Announces (or re-announces) a line; berkala lines get their next due date (rule 17)."""
    check_publish_dip(user, entry)
    now = _now(now)
    entry.is_published = True
    entry.last_published_at = now
    entry.next_due_at = rules.BERKALA_INTERVAL.due(now) if entry.category == DipCategory.BERKALA else None
    entry.save(update_fields=["is_published", "last_published_at", "next_due_at"])
    audit.record(user, "openinfo.dip.published", entry, {"next_due_at": entry.next_due_at.isoformat()
                                                         if entry.next_due_at else None}, request=request)
    return entry


def check_consequence_test(user: Any, entry: DipEntry, data: dict[str, Any]) -> dict[str, Any]:
    check_manage_dip(user)
    clean = _clean_test(data)
    if clean["conclusion"] == Conclusion.TERBUKA:
        category = str(data.get("new_category") or "")
        if category not in DipCategory.values or category == DipCategory.DIKECUALIKAN:
            raise ValidationError({"new_category": _("Pilih kategori baru untuk informasi yang dibuka.")})
        clean["new_category"] = category
    return clean


@transaction.atomic
def do_consequence_test(user: Any, entry: DipEntry, data: dict[str, Any], now: datetime | None = None,
                        request: Any = None) -> ConsequenceTest:
    """Records an uji konsekuensi on a line: "dikecualikan" withdraws it, "terbuka" lifts the exclusion."""
    clean = check_consequence_test(user, entry, data)
    now = _now(now)
    new_category = clean.pop("new_category", None)
    test = ConsequenceTest.objects.create(subject=entry.title, tested_at=now, tested_by=user, dip_entry=entry,
                                          **clean)
    old = entry.category
    if test.conclusion == Conclusion.DIKECUALIKAN:
        entry.category, entry.is_published, entry.next_due_at = DipCategory.DIKECUALIKAN, False, None
    else:
        entry.category = new_category or entry.category
    entry.save(update_fields=["category", "is_published", "next_due_at"])
    audit.record(user, "openinfo.dip.consequence_test", entry,
                 {"test": test.pk, "conclusion": test.conclusion, "from": old, "to": entry.category},
                 request=request)
    return test
