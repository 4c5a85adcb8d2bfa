"""Standar Satuan Harga: the current catalogue version, parsing a CSV/XLSX import, and the SHSR ceiling checks.

Rules (egov-rules §2): 29 cost = Σ volume × unit price of components of the current version [U/design]; 30 a
Lampiran I price above the ceiling is refused in planning and execution [C]; 31 a Lampiran II price above the
ceiling is refused in planning and allowed in execution only with a recorded justification [C]; 32 catalogues are
versioned per budget year and Perwal, old versions stay [C].
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import IO, Any

from django.db.models import Max, Q, QuerySet
from django.utils.translation import gettext as _

from kotacerdas.planning.models import PriceItem, PriceVersion, ShsrCeiling

COLUMNS = ["kode", "uraian", "spesifikasi", "satuan", "harga", "kode_rekening", "kategori_shsr"]
REQUIRED = ["kode", "uraian", "satuan", "harga"]
MAX_ROWS = 20_000
MAX_FILE_BYTES = 5 * 1024 * 1024


def current_versions(budget_year: int) -> QuerySet[PriceVersion]:
    """The newest version of each kind (SSH, HSPK, ASB) for a budget year; older ones stay for audit (rule 32)."""
    latest = dict(PriceVersion.objects.filter(budget_year=budget_year).values("kind")
                  .annotate(n=Max("number")).values_list("kind", "n"))
    wanted = Q(pk__in=[])
    for kind, number in latest.items():
        wanted |= Q(kind=kind, number=number)
    return PriceVersion.objects.filter(budget_year=budget_year).filter(wanted)


def current_items(budget_year: int) -> QuerySet[PriceItem]:
    return PriceItem.objects.filter(version__in=current_versions(budget_year)).select_related("version", "ceiling")


def planning_violation(price: Decimal, ceiling: ShsrCeiling | None) -> str | None:
    """Why a planning price is refused: above a Lampiran I or II ceiling (rules 30, 31)."""
    if ceiling is not None and price > ceiling.amount:
        return _("Harga Rp%(price)s melebihi batas SHSR Perpres 33/2020 Lampiran %(lampiran)s (%(name)s: "
                 "Rp%(limit)s).") % {"price": f"{price:,.0f}".replace(",", "."), "lampiran": ceiling.lampiran,
                                     "name": ceiling.name, "limit": f"{ceiling.amount:,.0f}".replace(",", ".")}
    return None


@dataclass
class ParsedRow:
    line: int
    code: str
    uraian: str
    spesifikasi: str
    satuan: str
    price: Decimal
    kode_rekening: str
    ceiling: ShsrCeiling | None


def _rows_from_csv(raw: bytes) -> list[tuple[int, dict[str, str]]]:
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        text = raw.decode("latin-1")
    sample = text[:2048]
    delimiter = ";" if sample.count(";") > sample.count(",") else ","
    reader = csv.DictReader(io.StringIO(text), delimiter=delimiter)
    return [(n, {(k or "").strip().lower(): (v or "").strip() for k, v in row.items() if k is not None})
            for n, row in enumerate(reader, start=2)]


def _rows_from_xlsx(raw: bytes) -> list[tuple[int, dict[str, str]]]:
    from openpyxl import load_workbook

    wb = load_workbook(io.BytesIO(raw), read_only=True, data_only=True)
    ws = wb.worksheets[0]
    rows = ws.iter_rows(values_only=True)
    header = [str(c or "").strip().lower() for c in next(rows, [])]
    out = []
    for n, values in enumerate(rows, start=2):
        if values is None or all(v in (None, "") for v in values):
            continue
        out.append((n, {header[i]: ("" if v is None else str(v).strip()) for i, v in enumerate(values)
                        if i < len(header) and header[i]}))
    wb.close()
    return out


def read_rows(upload: IO[bytes], name: str) -> list[tuple[int, dict[str, str]]]:
    """(line number, row) pairs; raises ValueError with an Indonesian message for an unreadable file."""
    raw = upload.read(MAX_FILE_BYTES + 1)
    if len(raw) > MAX_FILE_BYTES:
        raise ValueError(_("Berkas terlalu besar (maksimal 5 MB)."))
    if raw[:2] == b"PK":
        try:
            rows = _rows_from_xlsx(raw)
        except Exception as exc:  # openpyxl raises many kinds for a damaged workbook
            raise ValueError(_("Berkas XLSX tidak dapat dibaca.")) from exc
    elif name.lower().endswith((".csv", ".txt")) or not name:
        rows = _rows_from_csv(raw)
    else:
        raise ValueError(_("Format berkas harus CSV atau XLSX."))
    if not rows:
        raise ValueError(_("Berkas tidak berisi baris data."))
    if len(rows) > MAX_ROWS:
        raise ValueError(_("Terlalu banyak baris (maksimal %(n)s).") % {"n": MAX_ROWS})
    missing = [c for c in REQUIRED if c not in rows[0][1]]
    if missing:
        raise ValueError(_("Kolom wajib tidak ada: %(cols)s.") % {"cols": ", ".join(missing)})
    return rows


def parse_price(text: str) -> Decimal:
    """'185000', '185.000', 'Rp 185.000', '185000.00' -> Decimal; ValueError otherwise."""
    cleaned = text.replace("Rp", "").replace(" ", "").strip()
    if cleaned.count(".") >= 1 and cleaned.count(",") == 0 and len(cleaned.rsplit(".", 1)[-1]) == 3:
        cleaned = cleaned.replace(".", "")  # Indonesian thousands separator
    cleaned = cleaned.replace(",", ".")
    try:
        value = Decimal(cleaned)
    except InvalidOperation as exc:
        raise ValueError(cleaned) from exc
    if not value.is_finite():
        raise ValueError(cleaned)
    return value


def validate_rows(rows: list[tuple[int, dict[str, str]]], province_code: str) -> tuple[list[ParsedRow], list[str]]:
    """Every row checked; errors name the line (header = line 1). Planning ceilings apply (rules 30-31)."""
    ceilings = {c.category: c for c in ShsrCeiling.objects.filter(province_code=province_code)}
    parsed: list[ParsedRow] = []
    errors: list[str] = []
    seen: dict[str, int] = {}
    for line, row in rows:
        problems = []
        code = row.get("kode", "")
        for col in REQUIRED:
            if not row.get(col):
                problems.append(_("kolom %(col)s kosong") % {"col": col})
        price = Decimal(0)
        if row.get("harga"):
            try:
                price = parse_price(row["harga"])
                if price <= 0:
                    problems.append(_("harga harus lebih dari 0"))
                elif price != price.to_integral_value():
                    problems.append(_("harga harus rupiah bulat"))
            except ValueError:
                problems.append(_("harga bukan angka: %(v)s") % {"v": row["harga"][:30]})
        if code and code in seen:
            problems.append(_("kode %(code)s sudah ada di baris %(line)s") % {"code": code, "line": seen[code]})
        elif code:
            seen[code] = line
        if len(code) > 40 or len(row.get("uraian", "")) > 250 or len(row.get("satuan", "")) > 30:
            problems.append(_("isian terlalu panjang"))
        ceiling = None
        category = row.get("kategori_shsr", "")
        if category:
            ceiling = ceilings.get(category)
            if ceiling is None:
                problems.append(_("kategori SHSR tidak dikenal: %(c)s") % {"c": category[:40]})
            elif price > 0:
                over = planning_violation(price, ceiling)
                if over:
                    problems.append(over)
        if problems:
            errors.append(_("Baris %(line)s: %(problems)s") % {"line": line, "problems": "; ".join(problems)})
            continue
        parsed.append(ParsedRow(line, code, row["uraian"], row.get("spesifikasi", "")[:300], row["satuan"], price,
                                row.get("kode_rekening", "")[:40], ceiling))
    return parsed, errors


def fmt_rp(value: Any) -> str:
    return "Rp" + f"{Decimal(value or 0):,.0f}".replace(",", ".")
