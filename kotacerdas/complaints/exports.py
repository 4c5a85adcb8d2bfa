"""CSV export of a staff queue. No personal data at all: no reporter name, phone, e-mail, NIK, account, address
or free text written by the reporter (egov-rules §9 rules 5 and 6). Rahasia rows keep their numbers and dates
but lose the title column, so a spreadsheet passed around an office does not carry their content.
"""

from __future__ import annotations

import csv
from collections.abc import Iterable, Iterator
from datetime import datetime
from typing import Any

from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from kotacerdas.complaints.models import Complaint
from kotacerdas.lib.spreadsheet import safe_cell

COLUMNS: tuple[str, ...] = (
    "nomor_aduan", "dibuat", "kategori", "klasifikasi", "kanal", "status", "kecamatan", "kelurahan", "opd",
    "tahap", "tenggat", "level_sla", "eskalasi", "dukungan", "nilai", "ditutup", "rahasia", "judul_publik",
)


class _Echo:
    """A file-like that hands each written line back, for StreamingHttpResponse."""

    def write(self, value: str) -> str:
        return value


def _when(value: datetime | None) -> str:
    return timezone.localtime(value).strftime("%Y-%m-%d %H:%M") if value else ""


def _safe(value: Any) -> str:
    return safe_cell("" if value is None else str(value))


def row(c: Complaint) -> list[str]:
    values = [
        c.tracking_no,
        _when(c.created_at),
        c.category.name,
        c.get_classification_display(),
        c.get_channel_display(),
        c.get_status_display(),
        c.kecamatan.name if c.kecamatan_id else "",
        c.kelurahan.name if c.kelurahan_id else "",
        c.agency.short_name or c.agency.name if c.agency_id else "",
        c.get_stage_display() if c.stage else "",
        _when(c.stage_due_at) if c.is_open else "",
        c.sla_level if c.is_open else "",
        c.escalation_level,
        c.support_count,
        c.rating or "",
        _when(c.closed_at),
        _("ya") if c.is_rahasia else _("tidak"),
        "" if c.is_rahasia else c.public_title,
    ]
    return [_safe(v) for v in values]


def complaints_csv(qs: QuerySet[Complaint] | Iterable[Complaint]) -> Iterator[str]:
    """The CSV lines (header first) of `qs`, which must already be scoped by selectors.complaints_for."""
    writer = csv.writer(_Echo())
    yield "\ufeff"  # BOM: Excel on Windows otherwise reads UTF-8 kecamatan names as mojibake
    yield writer.writerow(COLUMNS)
    rows = qs.iterator(chunk_size=500) if isinstance(qs, QuerySet) else qs
    for complaint in rows:
        yield writer.writerow(row(complaint))
