"""POST requests and POST servicerequestupdates: v2 parameters in, complaints actions out.

Validation and every state change stay in `kotacerdas.complaints.actions` (check_submit/do_submit with channel
"open311", check_reopen/do_reopen, check_resume/do_resume). This module only translates: v2 field names to
ours and back, service attributes, batch tokens, and which client may act for which reporter.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass, field
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.validators import URLValidator
from django.db import IntegrityError, transaction
from django.http import QueryDict
from django.utils import timezone
from django.utils.translation import gettext as _

from kotacerdas.complaints import actions, selectors
from kotacerdas.complaints.models import Category, Channel, Complaint, ComplaintEvent, EventKind
from kotacerdas.lib import pii
from kotacerdas.open311.models import (
    ApiKey,
    Datatype,
    RequestAttributeValue,
    RequestToken,
    RequestUpdate,
    ServiceAttribute,
    ServiceType,
    SubmittedRequest,
    TokenStatus,
)
from kotacerdas.open311.params import Open311Error, bad, comma_list, get, not_found, parse_float, parse_when
from kotacerdas.open311.reads import MAX_DESCRIPTION
from kotacerdas.open311.render import w3c

MAX_STRING = 255

# check_submit's field names -> the v2 parameter a client must fix.
V2_FIELDS = {
    "title": "description",
    "description": "description",
    "category": "service_code",
    "reporter_name": "first_name",
    "reporter_phone": "phone",
    "reporter_email": "email",
    "reporter_nik": "account_id",
    "photos": "media_url",
}


@dataclass
class Submission:
    """A checked v2 POST: what check_submit needs, the attribute answers and the v2 extras. JSON-serialisable."""

    data: dict[str, Any]
    answers: dict[str, Any] = field(default_factory=dict)
    account_id: str = ""
    device_id: str = ""
    media_url: str = ""

    def as_payload(self) -> dict[str, Any]:
        return {"data": self.data, "answers": self.answers, "account_id": self.account_id,
                "device_id": self.device_id, "media_url": self.media_url}

    @classmethod
    def from_payload(cls, payload: dict[str, Any]) -> Submission:
        return cls(**payload)


def service(code: str | None) -> Category:
    if code is None:
        raise bad("service_code", _("wajib diisi"))
    category = Category.objects.filter(code=code, is_active=True).first()
    if category is None:
        raise not_found(_("service_code %(code)s tidak dikenal.") % {"code": code[:60]})
    return category


def service_type(category: Category) -> str:
    config = getattr(category, "open311", None)
    return config.type if config is not None else ServiceType.REALTIME


def _answers(category: Category, p: QueryDict, tz: str) -> tuple[dict[str, Any], list[tuple[str, str]]]:
    """Validates `attribute[CODE]` (and `attribute[CODE][]` for lists) against the service definition.

    Unknown attribute codes are ignored: FixMyStreet, for one, sends its own (`attribute[fixmystreet_id]`).
    """
    answers: dict[str, Any] = {}
    errors: list[tuple[str, str]] = []
    for attr in ServiceAttribute.objects.filter(category=category, variable=True).order_by("order"):
        name = f"attribute[{attr.code}]"
        raw = [v.replace("\x00", "").strip() for v in p.getlist(name) + p.getlist(f"{name}[]")]
        raw = [v for v in raw if v]
        if not raw:
            if attr.required:
                errors.append((name, _("%(code)s wajib diisi") % {"code": attr.code}))
            continue
        keys = attr.value_keys()
        if attr.datatype == Datatype.MULTIVALUELIST:
            values = list(dict.fromkeys(v for part in raw for v in comma_list(part)))
            unknown = [v for v in values if v not in keys]
            if unknown:
                errors.append((name, _("pilihan tidak dikenal: %(v)s (pilihan: %(keys)s)")
                               % {"v": ", ".join(unknown)[:200], "keys": ", ".join(keys)}))
            else:
                answers[attr.code] = values
            continue
        if len(raw) > 1:
            errors.append((name, _("hanya satu nilai")))
            continue
        value = raw[0]
        if attr.datatype == Datatype.SINGLEVALUELIST:
            if value not in keys:
                errors.append((name, _("pilihan tidak dikenal: %(v)s (pilihan: %(keys)s)")
                               % {"v": value[:100], "keys": ", ".join(keys)}))
            else:
                answers[attr.code] = value
        elif attr.datatype == Datatype.NUMBER:
            number = parse_float(value)
            if number is None:
                errors.append((name, _("harus berupa angka")))
            else:
                answers[attr.code] = int(number) if number.is_integer() and abs(number) < 2**53 else number
        elif attr.datatype == Datatype.DATETIME:
            try:
                answers[attr.code] = w3c(parse_when(value, name, tz), tz)
            except Open311Error:
                errors.append((name, _("bukan tanggal/waktu W3C yang sah")))
        else:
            limit = MAX_STRING if attr.datatype == Datatype.STRING else MAX_DESCRIPTION
            if len(value) > limit:
                errors.append((name, _("maksimal %(n)d karakter") % {"n": limit}))
            else:
                answers[attr.code] = pii.mask_personal_data(value) if attr.datatype in (
                    Datatype.STRING, Datatype.TEXT) else value
    return answers, errors


def _title(description: str, category: Category) -> str:
    """v2 has no title; ours is the description's first line, shortened on a word boundary."""
    first = (description.splitlines() or [""])[0].strip()
    if len(first) > 100:
        first = (first[:100].rsplit(" ", 1)[0] or first[:100]).rstrip(" ,.;:") + "…"
    return first if len(first) >= 5 else category.name[:150]


def check(p: QueryDict, category: Category, tz: str) -> Submission:
    """Checks a POST requests body; every problem in one 400, each naming its v2 field."""
    errors: list[tuple[str, str]] = []
    description = (p.get("description") or "").replace("\x00", "").strip()
    if len(description) > MAX_DESCRIPTION:
        errors.append(("description", _("maksimal %(n)d karakter") % {"n": MAX_DESCRIPTION}))
        description = description[:MAX_DESCRIPTION]
    lat, lon = get(p, "lat"), get(p, "long")
    address = get(p, "address_string") or ""
    if lat is None and lon is None and not address:
        if get(p, "address_id"):
            errors.append(("address_id", _("tidak didukung; kirim lat dan long atau address_string")))
        else:
            errors.append(("lat", _("lokasi wajib: kirim lat dan long, atau address_string")))
    if len(address) > 255:
        errors.append(("address_string", _("maksimal 255 karakter")))
    media_url = get(p, "media_url") or ""
    if media_url:
        try:
            if len(media_url) > 500:
                raise ValidationError("too long")
            URLValidator(schemes=["http", "https"])(media_url)
        except ValidationError:
            errors.append(("media_url", _("harus URL http(s) yang sah, maksimal 500 karakter")))
            media_url = ""
    name = " ".join(part for part in (get(p, "first_name"), get(p, "last_name")) if part)
    data = {
        "title": _title(description, category), "description": description, "category": category.code,
        "lat": lat, "lon": lon, "address": address, "channel": Channel.OPEN311,
        "reporter_name": name, "reporter_phone": get(p, "phone") or "", "reporter_email": get(p, "email") or "",
    }
    try:
        actions.check_submit(data)
    except ValidationError as exc:
        location_field = "lat" if (lat is not None or lon is not None) else "address_string"
        for key, messages in exc.message_dict.items():
            target = location_field if key == "location" else V2_FIELDS.get(key, key)
            errors += [(target, str(m)) for m in messages]
    answers, attribute_errors = _answers(category, p, tz)
    errors += attribute_errors
    if errors:
        # One entry per problem; the description starts with the v2 field so a client can show it by the input.
        seen: dict[str, None] = {}
        for f, m in errors:
            seen.setdefault(f"{f}: {m}", None)
        raise Open311Error(400, [(400, text) for text in seen])
    return Submission(data=data, answers=answers, account_id=(get(p, "account_id") or "")[:120],
                      device_id=(get(p, "device_id") or "")[:120], media_url=media_url)


@transaction.atomic
def create(submission: Submission, api_key: ApiKey | None) -> Complaint:
    """Files the complaint through actions (the same checks again: a batch may run minutes later)."""
    complaint = actions.do_submit(actions.check_submit(submission.data))
    RequestAttributeValue.objects.bulk_create(
        [RequestAttributeValue(complaint=complaint, code=k, value=v) for k, v in submission.answers.items()]
    )
    SubmittedRequest.objects.create(complaint=complaint, api_key=api_key, account_id=submission.account_id,
                                    device_id=submission.device_id, media_url=submission.media_url)
    return complaint


def queue(submission: Submission, api_key: ApiKey) -> RequestToken:
    """Batch services: a token now, the complaint from a task after commit."""
    from kotacerdas.open311 import tasks

    token = RequestToken.objects.create(token=secrets.token_urlsafe(16), api_key=api_key,
                                        payload=submission.as_payload())
    transaction.on_commit(lambda: tasks.create_from_token.enqueue(token.pk))
    return token


def process_token(token_id: int) -> RequestToken | None:
    """Creates the complaint of a batch token once; a token whose input no longer passes is marked failed."""
    with transaction.atomic():
        token = RequestToken.objects.select_for_update().filter(pk=token_id).first()
        if token is None or token.status != TokenStatus.PENDING:
            return token
        submission = Submission.from_payload(token.payload)
        try:
            with transaction.atomic():
                token.complaint = create(submission, token.api_key)
            token.status = TokenStatus.CREATED
        except ValidationError as exc:
            token.status = TokenStatus.FAILED
            token.error = "; ".join(f"{V2_FIELDS.get(k, k)}: {m}" for k, ms in exc.message_dict.items() for m in ms)
        token.payload = {}  # contact details are not kept beside the complaint
        token.processed_at = timezone.now()
        token.save()
        return token


def notice(complaint: Complaint, tz: str) -> str:
    due = w3c(complaint.stage_due_at, tz)
    text = _("Aduan diterima dengan nomor %(no)s.") % {"no": complaint.tracking_no}
    if due:
        text += " " + _("Verifikasi paling lambat %(due)s.") % {"due": due[:10]}
    return text


# --------------------------------------------------------------------------------------------------------
# servicerequestupdates (mySociety extension)

UPDATE_STATUSES = ("REOPEN", "OPEN")


def post_update(p: QueryDict, api_key: ApiKey, tz: str) -> tuple[RequestUpdate, bool]:
    """A client's update. Returns (stored update, created now).

    Design decision: an API key acts for the reporter only on complaints that were filed through that same
    key, as if the integrator held the reporter's access link. It may then:
    - REOPEN a case marked selesai, within the reopen window (actions.check_reopen), or
    - OPEN a case that is ditunda, supplying the information asked for (actions.check_resume).
    Any other status is refused: the city's staff, not a client, move a case through the other states.
    """
    missing = [n for n in ("service_request_id", "update_id", "status", "updated_datetime", "description")
               if get(p, n) is None]
    if missing:
        raise Open311Error(400, [(400, f"{n}: " + _("wajib diisi")) for n in missing])
    update_id = get(p, "update_id") or ""
    if len(update_id) > 100:
        raise bad("update_id", _("maksimal 100 karakter"))
    stored = RequestUpdate.objects.filter(api_key=api_key, update_id=update_id).first()
    if stored is not None:
        return stored, False
    status = (get(p, "status") or "").upper()
    if status not in UPDATE_STATUSES:
        raise bad("status", _("hanya %(s)s yang diterima dari klien") % {"s": ", ".join(UPDATE_STATUSES)})
    when = parse_when(get(p, "updated_datetime"), "updated_datetime", tz)
    description = get(p, "description") or ""
    if len(description) > MAX_DESCRIPTION:
        raise bad("description", _("maksimal %(n)d karakter") % {"n": MAX_DESCRIPTION})
    complaint = selectors.public_by_tracking(get(p, "service_request_id") or "")
    if complaint is None:
        raise not_found(_("service_request_id tidak ditemukan."))
    own = SubmittedRequest.objects.filter(complaint=complaint, api_key=api_key).exists()
    token = complaint.access_token if own else ""
    try:
        with transaction.atomic():
            if status == "REOPEN":
                reason = actions.check_reopen(None, complaint, description, token=token)
                actions.do_reopen(None, complaint, reason)
                kind = EventKind.REOPENED
            else:
                info = actions.check_resume(None, complaint, token=token, info=description)
                actions.do_resume(None, complaint, info)
                kind = EventKind.RESUMED
            event: ComplaintEvent | None = selectors.public_timeline(complaint).filter(kind=kind).last()
            update = RequestUpdate.objects.create(
                api_key=api_key, update_id=update_id, complaint=complaint, status=status,
                description=pii.mask_personal_data(description), updated_datetime=when, event=event,
            )
    except PermissionDenied as exc:
        raise Open311Error(403, [(403, _("api_key ini tidak mewakili pelapor aduan ini: hanya aduan yang "
                                         "dikirim lewat kunci yang sama dapat diperbarui."))]) from exc
    except ValidationError as exc:
        names = {"reason": "description", "info": "description"}
        raise Open311Error(400, [(400, f"{names.get(k, k)}: {m}") for k, ms in exc.message_dict.items()
                                 for m in ms]) from exc
    except IntegrityError:
        # The same update_id arrived twice at once; the other one won and this one replays it.
        stored = RequestUpdate.objects.filter(api_key=api_key, update_id=update_id).first()
        if stored is None:
            raise
        return stored, False
    return update, True
