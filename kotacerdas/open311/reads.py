"""Complaints as Open311 service requests: which ones are visible and which fields they show.

Every read starts from `selectors.public_complaints()` (never rahasia, never archived), and every text shown is
the masked public copy, so no response carries a reporter's name, NIK, phone or e-mail (egov-rules §9 rule 6).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.core.files.storage import FileSystemStorage, default_storage, storages
from django.db import connection
from django.db.models import F, FloatField, Func, Lookup, OuterRef, Prefetch, QuerySet, Subquery
from django.http import HttpRequest
from django.utils.encoding import filepath_to_uri
from django.utils.functional import cached_property

from kotacerdas.complaints import selectors
from kotacerdas.complaints.models import (
    END_STATUSES,
    OPEN_STATUSES,
    Complaint,
    ComplaintEvent,
    EventKind,
    Status,
)
from kotacerdas.lib import pii
from kotacerdas.open311.models import SubmittedRequest
from kotacerdas.open311.render import w3c

MAX_DESCRIPTION = 4000  # v2: description up to 4,000 characters

# Internal status -> mySociety extended status (servicerequestupdates), lower case as the GET feed writes it.
EXTENDED_STATUS = {
    Status.BARU: "open",
    Status.TUNDA: "investigating",
    Status.DISPOSISI: "action_scheduled",
    Status.DIPROSES: "in_progress",
    Status.SELESAI: "fixed",
    Status.TUNTAS: "fixed",
    Status.TIDAK_TUNTAS: "no_further_action",
    Status.BUKAN_WEWENANG: "not_councils_responsibility",
    Status.ARSIP: "closed",
    Status.DIGABUNG: "duplicate",
}

NOTE_TYPES = {
    EventKind.CREATED: "submitted",
    EventKind.REOPENED: "opened",
    EventKind.RESUMED: "opened",
}
CLOSING_KINDS = {EventKind.CONFIRMED, EventKind.AUTO_CLOSED, EventKind.BUKAN_WEWENANG, EventKind.MERGED}


@dataclass
class Context:
    request: HttpRequest
    tz: str
    extensions: bool = False

    @cached_property
    def media_prefix(self) -> str:
        """The absolute URL of the media root when files are served from the local file system, so that a photo's
        URL is one concatenation (build_absolute_uri per photo was a fifth of a 1,000-row answer); "" for other
        storages, whose URLs are asked from the storage one by one."""
        storage = storages["default"]
        if type(storage) is not FileSystemStorage:
            return ""
        return self.request.build_absolute_uri(storage.base_url)


def v2_status(status: str) -> str:
    return "open" if status in OPEN_STATUSES else "closed"


def statuses_for(v2: set[str]) -> list[str]:
    found: list[str] = []
    if "open" in v2:
        found += list(OPEN_STATUSES)
    if "closed" in v2:
        found += list(END_STATUSES)
    return found


def _public_events() -> QuerySet[ComplaintEvent]:
    return selectors.public_events()


def requests_queryset(extensions: bool = False) -> QuerySet[Complaint]:
    """Public complaints with what the v2 fields need, in a fixed number of queries whatever the page size."""
    last = _public_events().filter(complaint=OuterRef("pk")).order_by("-at", "-id")
    first_photo = selectors.public_photo_rows().filter(complaint=OuterRef("pk")).order_by("created_at", "id")
    qs = selectors.public_complaints().annotate(
        o311_last_kind=Subquery(last.values("kind")[:1]),
        o311_last_message=Subquery(last.values("message")[:1]),
        o311_photo=Subquery(first_photo.values("image")[:1]),
        o311_media_url=Subquery(
            SubmittedRequest.objects.filter(complaint=OuterRef("pk")).values("media_url")[:1]
        ),
    )
    # Load only what the v2 fields use: region rows carry a boundary polygon each, and the complaint row
    # carries the staff text and reporter details, none of which an Open311 answer may show anyway.
    fields = ["tracking_no", "status", "public_title", "public_description", "address", "lat", "lon",
              "created_at", "updated_at", "closed_at", "resolve_due_at", "stage_due_at", "dispositioned_at",
              "first_response_at", "channel", "lapor_tracking_id", "is_rahasia", "parent", "kelurahan", "kecamatan",
              "category__code", "category__name", "agency__code", "agency__name"]
    if extensions:
        qs = (qs.select_related(None).select_related("category", "agency", "kelurahan", "kecamatan", "parent")
              .only(*fields, "kelurahan__name", "kecamatan__name", "parent__tracking_no", "parent__is_rahasia")
              .prefetch_related(
                  Prefetch("events", queryset=_public_events().order_by("at", "id"), to_attr="o311_events")))
    else:
        qs = qs.select_related(None).select_related("category", "agency").only(*fields)
    return qs


_EVENT_KINDS = frozenset(EventKind.values)


def _note_text(kind: str, message: str) -> str:
    label = str(EventKind(kind).label) if kind in _EVENT_KINDS else kind
    message = pii.mask_personal_data((message or "").strip())
    return f"{label}: {message}" if message else label


def _media_url(complaint: Complaint, ctx: Context) -> str | None:
    name = getattr(complaint, "o311_photo", None)
    if name:
        if ctx.media_prefix:
            return ctx.media_prefix + filepath_to_uri(name)
        return ctx.request.build_absolute_uri(default_storage.url(name))
    return getattr(complaint, "o311_media_url", None) or None


class _Named:
    __slots__ = ("code", "name")

    def __init__(self, name: str | None, code: str | None) -> None:
        self.name, self.code = name, code


# What request_fields reads in a plain (no extensions) answer, fetched as values() rows.
_PLAIN_FIELDS = ("tracking_no", "status", "public_description", "address", "lat", "lon", "created_at", "updated_at",
                 "closed_at", "resolve_due_at", "stage_due_at", "agency_id", "o311_last_kind", "o311_last_message",
                 "o311_photo", "o311_media_url")


class _PlainRow:
    """A values() row that answers request_fields' attribute reads without building three model instances.

    Profiled on a 1,000-row answer: model instantiation was half of the ORM time (bench/open311.py).
    """

    __slots__ = (*_PLAIN_FIELDS, "category", "agency")

    def __init__(self, row: dict[str, Any]) -> None:
        for name in _PLAIN_FIELDS:
            setattr(self, name, row[name])
        self.category = _Named(row["category__name"], row["category__code"])
        self.agency = _Named(row["agency__name"], None)


_EXTRAS = ("o311_last_kind", "o311_last_message", "o311_photo", "o311_media_url")
_DATETIMES = ("created_at", "updated_at", "closed_at", "resolve_due_at", "stage_due_at")


class _Epoch(Func):
    """PostgreSQL: a timestamptz as float seconds since the epoch, which `render.w3c` formats in the city's zone.

    Django loads timestamptz through a Python-level psycopg loader (~9 µs a value with its tz replace); a float
    costs next to nothing, and 5 datetimes × 1,000 rows made that a sixth of the answer's time."""

    template = "EXTRACT(EPOCH FROM %(expressions)s)::float8"
    output_field = FloatField()


class _AnyOf(Lookup):
    """`complaint_id = ANY(%s)` with the page's ids as one array parameter (PostgreSQL)."""

    lookup_name = "any_of"

    def __init__(self, ids: list[int]) -> None:
        super().__init__(F("complaint_id"), ids)

    def as_sql(self, compiler: Any, connection: Any) -> tuple[str, list[Any]]:
        lhs, lhs_params = self.process_lhs(compiler, connection)
        return f"{lhs} = ANY(%s)", [*lhs_params, list(self.rhs)]

    def get_prep_lookup(self) -> Any:
        return self.rhs


def plain_rows(qs: QuerySet[Complaint]) -> list[_PlainRow]:
    names = ("category__name", "category__code", "agency__name")
    if connection.vendor != "postgresql":
        # SQLite runs the four correlated subqueries of requests_queryset() faster than any batch form measured
        # (a ROW_NUMBER window over the page's events was slower).
        return [_PlainRow(row) for row in qs.values(*_PLAIN_FIELDS, *names)]
    # PostgreSQL: the same four values fetched for the whole page at once (DISTINCT ON over the page's ids walks
    # the (complaint, at) index once per query instead of four index probes per row): 1,000-row answers are
    # where the Open311 p95 target was missed (bench/open311.py).
    base = [f for f in _PLAIN_FIELDS if f not in _EXTRAS and f not in _DATETIMES]
    epochs = {f"o311_epoch_{f}": _Epoch(f) for f in _DATETIMES}
    # values() leaves the unused subquery annotations out of SELECT
    rows = list(qs.annotate(**epochs).values("id", *base, *names, *epochs))
    ids = [r["id"] for r in rows]
    # One array parameter instead of 1,000 placeholders: psycopg splits and adapts a query's placeholders in
    # Python, which cost ~20 ms per 1,000-row answer.
    in_page = _AnyOf(ids)
    last = {e["complaint_id"]: e for e in _public_events().filter(in_page)
            .order_by("complaint_id", "-at", "-id").distinct("complaint_id").values("complaint_id", "kind", "message")}
    photo = dict(selectors.public_photo_rows().filter(in_page)
                 .order_by("complaint_id", "created_at", "id").distinct("complaint_id")
                 .values_list("complaint_id", "image"))
    media = dict(SubmittedRequest.objects.filter(in_page).exclude(media_url="")
                 .values_list("complaint_id", "media_url"))
    out = []
    for row in rows:
        for f in _DATETIMES:
            row[f] = row.pop(f"o311_epoch_{f}")
        event = last.get(row["id"])
        row["o311_last_kind"] = event["kind"] if event else None
        row["o311_last_message"] = event["message"] if event else None
        row["o311_photo"] = photo.get(row["id"])
        row["o311_media_url"] = media.get(row["id"])
        out.append(_PlainRow(row))
    return out


def request_fields(c: Complaint | _PlainRow, ctx: Context) -> dict[str, Any]:
    """The v2 `request` element, every field always present (None when unknown), in the spec's order."""
    closed = c.status not in OPEN_STATUSES
    kind = getattr(c, "o311_last_kind", None)
    data: dict[str, Any] = {
        "service_request_id": c.tracking_no,
        "status": v2_status(c.status),
        "status_notes": _note_text(kind, getattr(c, "o311_last_message", "")) if kind else None,
        "service_name": c.category.name,
        "service_code": c.category.code,
        "description": (c.public_description or "")[:MAX_DESCRIPTION],
        "agency_responsible": c.agency.name if c.agency_id else None,
        "service_notice": None,
        "requested_datetime": w3c(c.created_at, ctx.tz),
        "updated_datetime": w3c((c.closed_at or c.updated_at) if closed else c.updated_at, ctx.tz),
        "expected_datetime": w3c(c.resolve_due_at or c.stage_due_at, ctx.tz),
        "address": pii.mask_personal_data(c.address) if c.address else None,
        "address_id": None,
        "zipcode": None,
        "lat": c.lat,
        "long": c.lon,
        "media_url": _media_url(c, ctx),
    }
    if ctx.extensions:
        parent = c.parent if c.parent_id and not c.parent.is_rahasia else None
        data["extended_attributes"] = {
            "title": c.public_title or None,
            "channel": c.channel,
            "internal_status": c.status,
            "kecamatan": c.kecamatan.name if c.kecamatan_id else None,
            "kelurahan": c.kelurahan.name if c.kelurahan_id else None,
            "opd_code": c.agency.code if c.agency_id else None,
            "lapor_tracking_id": c.lapor_tracking_id or None,
            "duplicate_of": parent.tracking_no if parent else None,
            "sla_due_datetime": w3c(c.stage_due_at, ctx.tz),
            "first_response_datetime": w3c(c.first_response_at, ctx.tz),
            "disposisi_datetime": w3c(c.dispositioned_at, ctx.tz),
        }
        data["notes"] = [note(e, ctx) for e in getattr(c, "o311_events", [])]
    return data


def note(event: ComplaintEvent, ctx: Context) -> dict[str, Any]:
    """Chicago's `notes[]` shape: datetime, type (submitted/opened/closed/activity), summary, description."""
    if event.kind in NOTE_TYPES:
        kind = NOTE_TYPES[event.kind]
    elif event.kind in CLOSING_KINDS or event.to_status in END_STATUSES:
        kind = "closed"
    else:
        kind = "activity"
    label = str(EventKind(event.kind).label) if event.kind in EventKind.values else event.kind
    return {
        "datetime": w3c(event.at, ctx.tz),
        "type": kind,
        "summary": label,
        "description": pii.mask_personal_data(event.message or "") or None,
    }


def public_update_events() -> QuerySet[ComplaintEvent]:
    """Public timeline entries of public complaints: the servicerequestupdates GET feed."""
    return _public_events().filter(complaint__in=selectors.public_complaints().values("pk")).select_related(
        "complaint")


def update_fields(event: ComplaintEvent, ctx: Context) -> dict[str, Any]:
    status = "reopen" if event.kind == EventKind.REOPENED else EXTENDED_STATUS.get(event.to_status, "open")
    return {
        "update_id": str(event.pk),
        "service_request_id": event.complaint.tracking_no,
        "status": status,
        "updated_datetime": w3c(event.at, ctx.tz),
        "description": _note_text(event.kind, event.message),
        "media_url": None,
        "external_status_code": event.to_status or None,
    }
