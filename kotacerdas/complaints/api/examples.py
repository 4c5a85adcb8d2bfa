"""Example bodies for the complaints API documentation (OpenAPI examples), from a Medan demo case."""

from __future__ import annotations

from typing import Any

CATEGORY: dict[str, Any] = {
    "code": "sampah", "name": "Sampah tidak diangkut", "name_en": "Uncollected waste", "group": "Kebersihan",
    "description": "Tumpukan sampah yang tidak diangkut sesuai jadwal.", "classification": "pengaduan",
    "requires_after_photo": False, "is_active": True,
}

COMPLAINT: dict[str, Any] = {
    "id": 42, "tracking_no": "MRK-2026-000042", "title": "Sampah menumpuk di Jalan Pandu",
    "description": "Sampah rumah tangga menumpuk di depan pasar sejak tiga hari.",
    "public_title": "Sampah menumpuk di Jalan Pandu",
    "public_description": "Sampah rumah tangga menumpuk di depan pasar sejak tiga hari.",
    "category": "sampah", "classification": "pengaduan", "channel": "web", "status": "disposisi",
    "outcome": "", "lat": 3.57, "lon": 98.685, "address": "Jl. Pandu depan Pasar Baru",
    "kecamatan": "12.71.01", "kelurahan": "12.71.01.1001", "agency": "dinas-lingkungan-hidup",
    "suggested_agency": "dinas-lingkungan-hidup", "assigned_to": None, "is_rahasia": False, "is_anonim": False,
    "parent": None, "support_count": 3, "created_at": "2026-03-02T08:15:00+07:00",
    "updated_at": "2026-03-02T10:00:00+07:00", "verified_at": "2026-03-02T10:00:00+07:00",
    "dispositioned_at": "2026-03-02T10:00:00+07:00", "accepted_at": None, "first_response_at": None,
    "resolved_at": None, "closed_at": None, "stage": "respond", "stage_due_at": "2026-03-09T16:00:00+07:00",
    "resolve_due_at": "2026-03-23T16:00:00+07:00", "sla_level": 0, "escalation_level": 0, "auto_closed": False,
    "reopen_count": 0, "rating": None, "needs_review": False, "lapor_tracking_id": "", "version": 2,
}

EVENT: dict[str, Any] = {
    "id": 101, "at": "2026-03-02T10:00:00+07:00", "kind": "disposisi", "from_status": "baru",
    "to_status": "disposisi", "agency": "dinas-lingkungan-hidup", "actor": "Adi Nasution", "reason": "",
    "message": "Aduan telah diverifikasi dan diteruskan ke Dinas Lingkungan Hidup.", "is_public": True, "data": {},
}

COMPLAINT_DETAIL: dict[str, Any] = {**COMPLAINT, "events": [EVENT], "photos": []}


SUBMIT: dict[str, Any] = {
    "title": "Sampah menumpuk di Jalan Pandu",
    "description": "Sampah rumah tangga menumpuk di depan pasar sejak tiga hari.",
    "category": "sampah", "lat": 3.57, "lon": 98.685, "address": "Jl. Pandu depan Pasar Baru",
    "is_rahasia": False, "is_anonim": False,
}
SUBMIT_ERRORS = {"description": ["Uraikan masalahnya (minimal 15 karakter)."],
                 "location": ["Lokasi berada di luar wilayah Kota Medan."]}

COUNTS = {"baru": 4, "tunda": 1, "disposisi": 6, "diproses": 9, "selesai": 2, "terlambat": 3, "eskalasi": 1,
          "tinjau": 0, "terbuka": 22}
