"""The one internal contract with SP4N-LAPOR! (`LaporGateway`) and its HTTP implementation.

LAPOR! publishes no API document (complaints-open311-lapor.md §3.5: the integration spec is only shown to a
developer account), so, as in mySociety's open311-adapter, everything in Kota Cerdas talks to this port and the wire
details live in one class. `kotacerdas.fake_lapor` implements the same wire contract for CI and demos; once a city
receives the real LAPOR! v4 documentation, a second implementation of the port replaces `HttpLaporGateway` and
nothing else changes.

Wire contract (JSON): ``Authorization: Bearer <LAPOR_TOKEN>``, an ``Idempotency-Key`` header on every POST,
``POST reports`` -> ``tracking_id``; ``POST reports/<id>/followups``; ``GET changes?since=<cursor>``;
``GET reports?tracking_id=a,b``; ``GET topics``.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, Protocol

import requests
from django.db import models
from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext_lazy as _

from kotacerdas.complaints.models import Complaint, Status
from kotacerdas.lapor import conf


class LaporStatus(models.TextChoices):
    """LAPOR! states (complaints-open311-lapor.md §3.3, reconstructed from the v3 manual; v4 labels are [U])."""

    DITERIMA = "diterima", _("Diterima (belum diverifikasi)")
    TERDISPOSISI = "terdisposisi", _("Terdisposisi")
    DITINDAKLANJUTI = "ditindaklanjuti", _("Ditindaklanjuti")
    SELESAI = "selesai", _("Selesai")
    TUNDA = "tunda", _("Tunda")
    BUKAN_WEWENANG = "bukan_wewenang", _("Bukan Wewenang")
    ARSIP = "arsip", _("Arsip")


# Ours -> LAPOR!. Our "selesai" is "done, waiting for the reporter's confirmation": in LAPOR! terms a tindak lanjut
# exists and the 10 hk window runs, which LAPOR! shows as Ditindaklanjuti; its "Selesai" is our closed states.
TO_LAPOR: dict[str, str] = {
    Status.BARU: LaporStatus.DITERIMA,
    Status.TUNDA: LaporStatus.TUNDA,
    Status.DISPOSISI: LaporStatus.TERDISPOSISI,
    Status.DIPROSES: LaporStatus.DITINDAKLANJUTI,
    Status.SELESAI: LaporStatus.DITINDAKLANJUTI,
    Status.TUNTAS: LaporStatus.SELESAI,
    Status.TIDAK_TUNTAS: LaporStatus.SELESAI,
    Status.BUKAN_WEWENANG: LaporStatus.BUKAN_WEWENANG,
    Status.ARSIP: LaporStatus.ARSIP,
    Status.DIGABUNG: LaporStatus.ARSIP,  # a merged duplicate is archived with a pointer to the surviving case
}

# LAPOR! -> ours: a LAPOR! state can stand for several of ours (Selesai is tuntas or tidak tuntas).
FROM_LAPOR: dict[str, tuple[str, ...]] = {}
for _ours, _theirs in TO_LAPOR.items():
    FROM_LAPOR.setdefault(_theirs, ())
    FROM_LAPOR[_theirs] += (_ours,)


def to_lapor(status: str) -> str:
    return TO_LAPOR[status]


def from_lapor(lapor_status: str) -> tuple[str, ...]:
    """Our statuses a LAPOR! state is compatible with; empty for a state we do not know."""
    return FROM_LAPOR.get(lapor_status, ())


def lapor_status_for(complaint: Complaint) -> str:
    """The LAPOR! state a complaint should show now. An OPD that accepted the case but has not answered yet has
    posted no tindak lanjut, so LAPOR! still shows Terdisposisi (Ditindaklanjuti means a tanggapan exists)."""
    if complaint.status == Status.DIPROSES and complaint.first_response_at is None:
        return LaporStatus.TERDISPOSISI
    return to_lapor(complaint.status)


def status_label(lapor_status: str) -> str:
    try:
        return str(LaporStatus(lapor_status).label)
    except ValueError:
        return lapor_status


# --------------------------------------------------------------------------------------------------------------


class LaporError(Exception):
    """A call to LAPOR! failed. `retryable` says whether sending the same message again can succeed."""

    def __init__(self, message: str, *, retryable: bool = True, status: int | None = None,
                 retry_after: float | None = None) -> None:
        super().__init__(message)
        self.retryable = retryable
        self.status = status
        self.retry_after = retry_after


@dataclass(frozen=True)
class Tanggapan:
    id: str
    message: str
    source: str  # "lapor": written on the LAPOR! side; "integrasi": our own follow-up echoed back
    author: str = ""
    at: datetime | None = None


@dataclass(frozen=True)
class RemoteChange:
    """One version of one LAPOR! report: a snapshot (status and every tanggapan so far), ordered by `version`."""

    tracking_id: str
    version: int
    status: str
    updated_at: datetime | None = None
    tanggapan: tuple[Tanggapan, ...] = ()
    change_id: str = ""


@dataclass(frozen=True)
class ChangePage:
    changes: list[RemoteChange]
    cursor: str


@dataclass(frozen=True)
class RemoteReport:
    tracking_id: str
    external_id: str
    status: str
    version: int


@dataclass(frozen=True)
class Topic:
    id: int
    parent: int
    name: str
    children: list[Topic] = field(default_factory=list)


class LaporGateway(Protocol):
    """The port. Every method raises `LaporError` on failure and never returns a partial result."""

    def push_report(self, payload: dict[str, Any], *, idempotency_key: str) -> str:
        """Forwards a verified complaint; returns LAPOR!'s TrackingID (the same one again for a repeated key)."""

    def push_followup(self, tracking_id: str, payload: dict[str, Any], *, idempotency_key: str) -> None:
        """A tindak lanjut, status change or flag change for a forwarded complaint."""

    def pull_changes(self, since: str) -> ChangePage:
        """Changes after the cursor `since` ("" = from the start), oldest first, possibly repeated or reordered."""

    def fetch_reports(self, tracking_ids: list[str]) -> list[RemoteReport]:
        """The current remote state of these reports (for reconciliation); unknown ids are left out."""

    def pull_topics(self) -> list[Topic]:
        """LAPOR!'s topic tree (id/parent/topic_name, parent 0 = top level)."""

    def to_lapor(self, status: str) -> str: ...

    def from_lapor(self, lapor_status: str) -> tuple[str, ...]: ...


class HttpLaporGateway:
    """JSON over HTTP with a bearer token, per-call timeouts and an idempotency key on every write."""

    # Statuses worth trying again: timeouts, throttling, conflicts while LAPOR! is busy, server errors.
    RETRYABLE = {408, 409, 425, 429}

    def __init__(self, base_url: str | None = None, token: str | None = None, timeout: float | None = None,
                 session: requests.Session | None = None) -> None:
        self.base_url = (base_url if base_url is not None else conf.base_url()).rstrip("/")
        self.token = token if token is not None else conf.token()
        self.timeout = timeout if timeout is not None else conf.timeout()
        self.session = session or requests.Session()

    to_lapor = staticmethod(to_lapor)
    from_lapor = staticmethod(from_lapor)

    def _call(self, method: str, path: str, *, json: Any = None, params: dict[str, str] | None = None,
              idempotency_key: str = "") -> dict[str, Any]:
        headers = {"Authorization": f"Bearer {self.token}", "Accept": "application/json"}
        if idempotency_key:
            headers["Idempotency-Key"] = idempotency_key
        url = f"{self.base_url}/api/v1/{path}"
        try:
            response = self.session.request(method, url, json=json, params=params, headers=headers,
                                            timeout=self.timeout)
        except requests.Timeout as exc:
            # The request may have been processed: only the idempotency key makes the retry safe.
            raise LaporError(f"batas waktu {self.timeout:g} dtk habis", retryable=True) from exc
        except requests.RequestException as exc:
            raise LaporError(f"tidak dapat terhubung: {exc.__class__.__name__}", retryable=True) from exc
        if response.status_code >= 400:
            try:
                detail = str(response.json().get("error", ""))[:300]
            except ValueError:
                detail = response.text[:300]
            retry_after = None
            if response.headers.get("Retry-After", "").isdigit():
                retry_after = float(response.headers["Retry-After"])
            raise LaporError(
                f"HTTP {response.status_code}: {detail}", status=response.status_code, retry_after=retry_after,
                retryable=response.status_code >= 500 or response.status_code in self.RETRYABLE,
            )
        try:
            data = response.json()
        except ValueError as exc:
            raise LaporError("jawaban LAPOR! bukan JSON", retryable=True) from exc
        if not isinstance(data, dict):
            raise LaporError("jawaban LAPOR! tidak dikenal", retryable=True)
        return data

    def push_report(self, payload: dict[str, Any], *, idempotency_key: str) -> str:
        data = self._call("POST", "reports", json=payload, idempotency_key=idempotency_key)
        tracking_id = str(data.get("tracking_id") or "").strip()
        if not tracking_id:
            raise LaporError("jawaban LAPOR! tanpa tracking_id", retryable=True)
        return tracking_id

    def push_followup(self, tracking_id: str, payload: dict[str, Any], *, idempotency_key: str) -> None:
        self._call("POST", f"reports/{tracking_id}/followups", json=payload, idempotency_key=idempotency_key)

    def pull_changes(self, since: str) -> ChangePage:
        data = self._call("GET", "changes", params={"since": since or "0"})
        changes = []
        for raw in data.get("changes") or []:
            changes.append(RemoteChange(
                tracking_id=str(raw["tracking_id"]), version=int(raw["version"]), status=str(raw["status"]),
                updated_at=parse_datetime(raw.get("updated_at") or ""), change_id=str(raw.get("change_id", "")),
                tanggapan=tuple(
                    Tanggapan(id=str(t["id"]), message=str(t.get("message") or ""), source=str(t.get("source", "")),
                              author=str(t.get("author") or ""), at=parse_datetime(t.get("at") or ""))
                    for t in raw.get("tanggapan") or []
                ),
            ))
        return ChangePage(changes=changes, cursor=str(data.get("cursor") or since or ""))

    def fetch_reports(self, tracking_ids: list[str]) -> list[RemoteReport]:
        found: list[RemoteReport] = []
        for start in range(0, len(tracking_ids), 100):  # keep URLs short
            chunk = tracking_ids[start:start + 100]
            data = self._call("GET", "reports", params={"tracking_id": ",".join(chunk)})
            found += [RemoteReport(tracking_id=str(r["tracking_id"]), external_id=str(r.get("external_id", "")),
                                   status=str(r["status"]), version=int(r.get("version") or 0))
                      for r in data.get("reports") or []]
        return found

    def pull_topics(self) -> list[Topic]:
        data = self._call("GET", "topics")
        topics = {int(t["id"]): Topic(id=int(t["id"]), parent=int(t.get("parent") or 0),
                                      name=str(t.get("topic_name") or "")) for t in data.get("topics") or []}
        roots = []
        for topic in topics.values():
            parent = topics.get(topic.parent)
            (parent.children if parent is not None else roots).append(topic)
        return roots


def get_gateway() -> LaporGateway:
    return HttpLaporGateway()
