"""Fake SP4N-LAPOR! server: the other side of `kotacerdas.lapor.gateway.HttpLaporGateway`.

LAPOR! publishes no API document (complaints-open311-lapor.md §3.5), so this server *is* the contract our adapter
is written against, modelled on what older public material shows (a token, rahasia/anonim flags, a returned
TrackingID) and on mySociety's open311-adapter. JSON over HTTP, stdlib only.

API (needs ``Authorization: Bearer <token>``; 401 otherwise):

- ``GET  /api/v1/topics``                          -> ``{"topics": [{"id", "parent", "topic_name"}]}``
- ``POST /api/v1/reports``                         -> 201 ``{"tracking_id", "status", "version"}``
- ``GET  /api/v1/reports?tracking_id=a,b``         -> ``{"reports": [...]}`` (never the pelapor's identity)
- ``GET  /api/v1/reports/<tracking_id>``           -> one report
- ``POST /api/v1/reports/<tracking_id>/followups`` -> 201 ``{"followup_id", "status", "version"}``
- ``GET  /api/v1/changes?since=<cursor>&limit=N``  -> ``{"changes": [...], "cursor"}``; every change is a snapshot
  of the report at one version (status and every tanggapan so far), so a consumer that skips an older version after
  a newer one loses nothing.

POSTs need an ``Idempotency-Key`` header (400 without). The same key with the same body replays the first answer
(and creates nothing); with a different body it is 422.

Switches (command line, or ``POST /_admin/switches`` at run time):

- ``outage``: every API call answers 503 with ``Retry-After``.
- ``slow``: the server does the work, then waits this many seconds before answering (a client with a shorter
  timeout loses the reply although the report exists: the case idempotency keys are for).
- ``duplicate_replies``: the change feed delivers every change twice and newest first (at-least-once, reordered).
- ``error_rate``: this share of API calls fails with 500 *before* doing anything (seeded, so runs repeat).

Admin (no token; bind to localhost): ``GET /_admin/state``, ``POST /_admin/switches``, ``POST /_admin/reset``,
``POST /_admin/reports/<tracking_id>/remote-update`` with ``{"status", "tanggapan", "author"}`` to play a LAPOR!
admin or instansi answering on the LAPOR! side.
"""

from __future__ import annotations

import hashlib
import json
import random
import threading
import time
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, urlsplit

# The contract's status codes (complaints-open311-lapor.md §3.3; the exact v4 labels are [U]).
STATUSES = ("diterima", "terdisposisi", "ditindaklanjuti", "selesai", "tunda", "bukan_wewenang", "arsip")
FOLLOWUP_TYPES = ("tanggapan", "status", "flags")
# A small topic tree in the shape of the old gettopics answer: parent 0 marks a top-level topic.
TOPICS = [
    {"id": 1, "parent": 0, "topic_name": "Lingkungan Hidup dan Kehutanan"},
    {"id": 2, "parent": 1, "topic_name": "Sampah"},
    {"id": 3, "parent": 0, "topic_name": "Perhubungan"},
    {"id": 4, "parent": 3, "topic_name": "Lampu Lalu Lintas"},
    {"id": 5, "parent": 0, "topic_name": "Topik Lainnya"},
]
RETRY_AFTER_SECONDS = 5


def _now_iso() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")


@dataclass
class Switches:
    outage: bool = False
    slow: float = 0.0
    duplicate_replies: bool = False
    error_rate: float = 0.0
    seed: int = 1311


class ApiError(Exception):
    def __init__(self, status: int, message: str, headers: dict[str, str] | None = None) -> None:
        super().__init__(message)
        self.status = status
        self.message = message
        self.headers = headers or {}


@dataclass
class FakeLapor:
    """All state, behind one lock: the server is threaded and tests read it while the client writes."""

    token: str = "token-uji-lapor"
    switches: Switches = field(default_factory=Switches)

    def __post_init__(self) -> None:
        self.lock = threading.RLock()
        self.reset()

    def reset(self) -> None:
        with self.lock:
            self.reports: dict[str, dict[str, Any]] = {}
            self.idempotency: dict[str, tuple[str, int, dict[str, Any]]] = {}
            self.changes: list[dict[str, Any]] = []
            self.stats = {"requests": 0, "reports_created": 0, "followups_created": 0, "errors_injected": 0,
                          "outage_refusals": 0, "idempotent_replays": 0}
            self.next_tracking = 1000001
            self.next_tanggapan = 1
            self.rng = random.Random(self.switches.seed)

    def set_switches(self, **values: Any) -> Switches:
        with self.lock:
            for name, value in values.items():
                if not hasattr(self.switches, name):
                    raise ApiError(400, f"unknown switch {name!r}")
                kind = type(getattr(self.switches, name))
                setattr(self.switches, name, kind(value))
                if name == "seed":
                    self.rng = random.Random(self.switches.seed)
            return self.switches

    # --- domain ---------------------------------------------------------------------------------------------

    def _bump(self, report: dict[str, Any]) -> None:
        """A new version of a report and its snapshot in the change feed."""
        report["version"] += 1
        report["updated_at"] = _now_iso()
        self.changes.append({
            "change_id": len(self.changes) + 1,
            "tracking_id": report["tracking_id"],
            "external_id": report["external_id"],
            "version": report["version"],
            "status": report["status"],
            "updated_at": report["updated_at"],
            "tanggapan": [dict(t) for t in report["tanggapan"]],
        })

    def create_report(self, body: dict[str, Any]) -> dict[str, Any]:
        for name in ("external_id", "title", "content"):
            if not str(body.get(name) or "").strip():
                raise ApiError(422, f"{name} wajib diisi")
        for flag in ("rahasia", "anonim"):
            if not isinstance(body.get(flag), bool):
                raise ApiError(422, f"{flag} harus boolean")
        if body["anonim"] and body.get("pelapor"):
            raise ApiError(422, "laporan anonim tidak boleh membawa identitas pelapor")
        status = body.get("status") or "diterima"
        if status not in STATUSES:
            raise ApiError(422, f"status tidak dikenal: {status}")
        tracking_id = str(self.next_tracking)
        self.next_tracking += 1
        report = {
            "tracking_id": tracking_id, "external_id": body["external_id"], "title": body["title"],
            "content": body["content"], "category": body.get("category", ""), "topic_id": body.get("topic_id"),
            "klasifikasi": body.get("klasifikasi", "pengaduan"), "rahasia": body["rahasia"],
            "anonim": body["anonim"], "pelapor": body.get("pelapor"), "location": body.get("location") or {},
            "instansi": body.get("instansi", ""), "status": status, "version": 0, "created_at": _now_iso(),
            "received": dict(body), "followups": [], "tanggapan": [],
        }
        self.reports[tracking_id] = report
        self.stats["reports_created"] += 1
        self._bump(report)
        return {"tracking_id": tracking_id, "status": status, "version": report["version"]}

    def add_followup(self, tracking_id: str, body: dict[str, Any]) -> dict[str, Any]:
        report = self._report(tracking_id)
        kind = body.get("type")
        if kind not in FOLLOWUP_TYPES:
            raise ApiError(422, f"type harus salah satu dari {', '.join(FOLLOWUP_TYPES)}")
        status = body.get("status")
        if status is not None and status not in STATUSES:
            raise ApiError(422, f"status tidak dikenal: {status}")
        if kind == "tanggapan" and not str(body.get("message") or "").strip():
            raise ApiError(422, "message wajib diisi untuk tanggapan")
        report["followups"].append(dict(body))
        self.stats["followups_created"] += 1
        if status:
            report["status"] = status
        if kind == "flags":
            report["rahasia"] = bool(body.get("rahasia", report["rahasia"]))
            report["anonim"] = bool(body.get("anonim", report["anonim"]))
            if report["anonim"]:
                report["pelapor"] = None  # an anonim report keeps no identity here either
        if body.get("message"):
            self._tanggapan(report, body["message"], source="integrasi", author=body.get("author") or "Instansi")
        self._bump(report)
        return {"followup_id": f"F{self.stats['followups_created']}", "status": report["status"],
                "version": report["version"]}

    def remote_update(self, tracking_id: str, body: dict[str, Any]) -> dict[str, Any]:
        """Plays the LAPOR! side: an admin or instansi changes the status or answers on lapor.go.id."""
        report = self._report(tracking_id)
        status = body.get("status")
        if status is not None:
            if status not in STATUSES:
                raise ApiError(422, f"status tidak dikenal: {status}")
            report["status"] = status
        if body.get("tanggapan"):
            self._tanggapan(report, body["tanggapan"], source="lapor", author=body.get("author") or "Admin LAPOR!")
        self._bump(report)
        return self.public_view(report)

    def _tanggapan(self, report: dict[str, Any], message: str, *, source: str, author: str) -> None:
        report["tanggapan"].append({"id": f"T{self.next_tanggapan}", "message": message, "source": source,
                                    "author": author, "at": _now_iso()})
        self.next_tanggapan += 1

    def _report(self, tracking_id: str) -> dict[str, Any]:
        report = self.reports.get(tracking_id)
        if report is None:
            raise ApiError(404, f"laporan {tracking_id} tidak ditemukan")
        return report

    @staticmethod
    def public_view(report: dict[str, Any]) -> dict[str, Any]:
        """What the data API shows: no pelapor identity (§3.5: data excludes reporter identity)."""
        return {k: report[k] for k in ("tracking_id", "external_id", "status", "version", "updated_at", "rahasia",
                                       "anonim", "category", "instansi")}

    def changes_since(self, since: int, limit: int) -> dict[str, Any]:
        page = [c for c in self.changes if c["change_id"] > since][:limit]
        cursor = page[-1]["change_id"] if page else since
        if self.switches.duplicate_replies:
            page = [c for c in reversed(page) for _ in (0, 1)]
        return {"changes": page, "cursor": str(cursor)}

    def state(self) -> dict[str, Any]:
        return {"switches": asdict(self.switches), "stats": dict(self.stats),
                "reports": [dict(r) for r in self.reports.values()], "changes": len(self.changes)}

    # --- request pipeline ----------------------------------------------------------------------------------

    def handle_api(self, method: str, path: str, query: dict[str, list[str]], headers: Any,
                   raw: bytes) -> tuple[int, dict[str, Any], dict[str, str], float]:
        """Returns (status, body, headers, delay before answering)."""
        with self.lock:
            self.stats["requests"] += 1
            if headers.get("Authorization", "") != f"Bearer {self.token}":
                raise ApiError(401, "token tidak valid")
            if self.switches.outage:
                self.stats["outage_refusals"] += 1
                raise ApiError(503, "layanan sedang tidak tersedia", {"Retry-After": str(RETRY_AFTER_SECONDS)})
            if self.switches.error_rate and self.rng.random() < self.switches.error_rate:
                self.stats["errors_injected"] += 1
                raise ApiError(500, "kesalahan internal (disimulasikan)")
            delay = self.switches.slow
            parts = [p for p in path.split("/") if p][2:]  # after api/v1
            if method == "GET":
                return 200, self._get(parts, query), {}, delay
            if method != "POST":
                raise ApiError(405, "metode tidak didukung")
            try:
                body = json.loads(raw or b"{}")
            except ValueError as exc:
                raise ApiError(400, "badan permintaan bukan JSON") from exc
            if not isinstance(body, dict):
                raise ApiError(400, "badan permintaan harus objek JSON")
            key = headers.get("Idempotency-Key", "").strip()
            if not key:
                raise ApiError(400, "header Idempotency-Key wajib")
            digest = hashlib.sha256(f"{path}\n".encode() + raw).hexdigest()
            if key in self.idempotency:
                seen_digest, status, answer = self.idempotency[key]
                if seen_digest != digest:
                    raise ApiError(422, "Idempotency-Key sudah dipakai untuk permintaan lain")
                self.stats["idempotent_replays"] += 1
                return status, answer, {"Idempotent-Replayed": "true"}, delay
            if parts == ["reports"]:
                answer = self.create_report(body)
            elif len(parts) == 3 and parts[0] == "reports" and parts[2] == "followups":
                answer = self.add_followup(parts[1], body)
            else:
                raise ApiError(404, "alamat tidak dikenal")
            self.idempotency[key] = (digest, 201, answer)
            return 201, answer, {}, delay

    def _get(self, parts: list[str], query: dict[str, list[str]]) -> dict[str, Any]:
        if parts == ["topics"]:
            return {"topics": TOPICS}
        if parts == ["changes"]:
            try:
                since = int((query.get("since") or ["0"])[0] or 0)
                limit = max(1, min(500, int((query.get("limit") or ["100"])[0] or 100)))
            except ValueError as exc:
                raise ApiError(400, "since dan limit harus bilangan") from exc
            return self.changes_since(since, limit)
        if parts == ["reports"]:
            wanted = [t for t in ",".join(query.get("tracking_id", [])).split(",") if t]
            return {"reports": [self.public_view(self.reports[t]) for t in wanted if t in self.reports]}
        if len(parts) == 2 and parts[0] == "reports":
            return self.public_view(self._report(parts[1]))
        raise ApiError(404, "alamat tidak dikenal")

    def handle_admin(self, method: str, path: str, raw: bytes) -> dict[str, Any]:
        parts = [p for p in path.split("/") if p][1:]  # after _admin
        body = json.loads(raw or b"{}") if method == "POST" else {}
        with self.lock:
            if method == "GET" and parts == ["state"]:
                return self.state()
            if method == "POST" and parts == ["switches"]:
                return asdict(self.set_switches(**body))
            if method == "POST" and parts == ["reset"]:
                self.reset()
                return {"ok": True}
            if method == "POST" and len(parts) == 3 and parts[0] == "reports" and parts[2] == "remote-update":
                return self.remote_update(parts[1], body)
        raise ApiError(404, "alamat admin tidak dikenal")


class _Handler(BaseHTTPRequestHandler):
    server: FakeLaporServer
    server_version = "FakeLapor/1"

    def log_message(self, format: str, *args: Any) -> None:  # noqa: A002 - the stdlib's signature
        if self.server.verbose:
            super().log_message(format, *args)

    def _dispatch(self, method: str) -> None:
        url = urlsplit(self.path)
        raw = self.rfile.read(int(self.headers.get("Content-Length") or 0))
        fake = self.server.fake
        delay = 0.0
        extra: dict[str, str] = {}
        try:
            if url.path.startswith("/_admin/"):
                status, body = 200, fake.handle_admin(method, url.path, raw)
            elif url.path.startswith("/api/v1/"):
                status, body, extra, delay = fake.handle_api(method, url.path, parse_qs(url.query), self.headers,
                                                             raw)
            else:
                raise ApiError(404, "alamat tidak dikenal")
        except ApiError as exc:
            status, body, extra = exc.status, {"error": exc.message}, exc.headers
        except (ValueError, TypeError) as exc:
            status, body = 400, {"error": str(exc)}
        if delay:
            time.sleep(delay)  # after the work: the client may give up although the change happened
        payload = json.dumps(body).encode()
        try:
            self.send_response(status)
            self.send_header("Content-Type", "application/json; charset=utf-8")
            self.send_header("Content-Length", str(len(payload)))
            for name, value in extra.items():
                self.send_header(name, value)
            self.end_headers()
            self.wfile.write(payload)
        except (BrokenPipeError, ConnectionResetError):
            pass  # the client timed out and hung up: exactly the lost-reply case

    def do_GET(self) -> None:  # noqa: N802 - http.server naming
        self._dispatch("GET")

    def do_POST(self) -> None:  # noqa: N802
        self._dispatch("POST")


class FakeLaporServer(ThreadingHTTPServer):
    daemon_threads = True
    allow_reuse_address = True

    def __init__(self, host: str = "127.0.0.1", port: int = 0, fake: FakeLapor | None = None,
                 verbose: bool = False) -> None:
        self.fake = fake or FakeLapor()
        self.verbose = verbose
        super().__init__((host, port), _Handler)

    @property
    def url(self) -> str:
        host, port = self.server_address[:2]
        return f"http://{host}:{port}"

    def start(self) -> FakeLaporServer:
        """Serves in a daemon thread (for tests and embedding); returns self."""
        self._thread = threading.Thread(target=self.serve_forever, name="fake-lapor", daemon=True)
        self._thread.start()
        return self

    def stop(self) -> None:
        self.shutdown()
        self.server_close()


def serve(host: str, port: int, fake: FakeLapor, verbose: bool = True) -> None:
    server = FakeLaporServer(host, port, fake, verbose=verbose)
    print(f"Fake SP4N-LAPOR! listening on {server.url} (token {fake.token!r}, switches {asdict(fake.switches)})",
          flush=True)
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass
    finally:
        server.server_close()
