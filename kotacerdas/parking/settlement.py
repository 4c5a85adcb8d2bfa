"""The aggregator's daily settlement file: parsing and line matching, without the database.

Format (CSV, UTF-8, optional BOM, comma or semicolon, header row required, column order free):

    reference,merchant_id,amount,fee,paid_at[,settlement_date]
    QR20260105000123,ID1021000000101,3000,21,2026-01-05T08:15:02+07:00,2026-01-05

- `reference`: the payment reference the webhook carried (unique per provider); required.
- `amount`, `fee`: whole rupiah ("3000", "3.000" or "3000.00"); fee is the MDR the aggregator kept, may be empty.
- `paid_at`: ISO 8601 with a zone, or empty.
- `settlement_date`: the same date on every line; without the column, the latest local day of `paid_at`.

`actions.do_import_settlement` stores the file and the lines; `classify` decides each line's status from the
transactions found for its reference (pure, so the rules are tested without a database).
"""

from __future__ import annotations

import csv
import io
import re
from dataclasses import dataclass
from datetime import date, datetime
from zoneinfo import ZoneInfo

from django.utils.translation import gettext as _

from kotacerdas.parking.models import SettlementLineStatus

REQUIRED = ("reference", "amount")
KNOWN = ("reference", "merchant_id", "amount", "fee", "paid_at", "settlement_date")
MAX_LINES = 500_000
MAX_BYTES = 100 * 1024 * 1024


class SettlementError(ValueError):
    """The file cannot be imported; the message names the line and column."""


@dataclass(frozen=True)
class Line:
    number: int  # 1 = the first data row after the header
    reference: str
    merchant_id: str
    amount: int
    fee: int
    paid_at: datetime | None


@dataclass(frozen=True)
class ParsedFile:
    settlement_date: date
    lines: list[Line]


@dataclass(frozen=True)
class TxView:
    """What matching needs of a webhook transaction with the line's reference."""

    pk: int
    amount: int
    merchant_id: str
    already_settled: bool  # some line (of this or an earlier file) already points at it


THOUSANDS_DOT = re.compile(r"^\d{1,3}(\.\d{3})+$")  # 3.000 (Indonesian)
THOUSANDS_COMMA = re.compile(r"^\d{1,3}(,\d{3})+$")  # 3,000
DECIMAL = re.compile(r"^\d+([.,]\d+)?$")  # 3000, 3000.00, 3000,00


def _rupiah(value: str, column: str, number: int, *, required: bool) -> int:
    text = (value or "").strip().replace(" ", "")
    if not text:
        if required:
            raise SettlementError(_("Baris %(n)d: kolom %(c)s kosong.") % {"n": number, "c": column})
        return 0
    if THOUSANDS_DOT.match(text) or THOUSANDS_COMMA.match(text):
        amount = float(text.replace(".", "").replace(",", ""))
    elif DECIMAL.match(text):
        amount = float(text.replace(",", "."))
    else:
        raise SettlementError(_("Baris %(n)d: %(c)s bukan angka: %(v)s") % {"n": number, "c": column, "v": value})
    if amount != int(amount) or amount > 1e12:
        raise SettlementError(_("Baris %(n)d: %(c)s harus rupiah bulat: %(v)s")
                              % {"n": number, "c": column, "v": value})
    return int(amount)


def _datetime(value: str, number: int) -> datetime | None:
    text = (value or "").strip()
    if not text:
        return None
    try:
        parsed = datetime.fromisoformat(text)
    except ValueError:
        raise SettlementError(_("Baris %(n)d: paid_at bukan waktu ISO 8601: %(v)s") % {"n": number, "v": text}) \
            from None
    if parsed.tzinfo is None:
        raise SettlementError(_("Baris %(n)d: paid_at tanpa zona waktu: %(v)s") % {"n": number, "v": text})
    return parsed


def parse(data: bytes, *, tz: str | None = None) -> ParsedFile:
    """Parses a settlement CSV; raises SettlementError naming the problem (nothing half-imported)."""
    if len(data) > MAX_BYTES:
        raise SettlementError(_("Berkas lebih dari 100 MB."))
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise SettlementError(_("Berkas bukan teks UTF-8.")) from None
    if "\x00" in text:
        raise SettlementError(_("Berkas berisi karakter NUL: bukan CSV."))
    first = text.split("\n", 1)[0]
    delimiter = ";" if first.count(";") > first.count(",") else ","
    reader = csv.reader(io.StringIO(text), delimiter=delimiter)
    try:
        header = [h.strip().lower() for h in next(reader)]
    except StopIteration:
        raise SettlementError(_("Berkas kosong.")) from None
    except csv.Error as exc:
        raise SettlementError(_("CSV rusak: %(e)s") % {"e": exc}) from None
    missing = [c for c in REQUIRED if c not in header]
    if missing:
        raise SettlementError(_("Kolom wajib tidak ada: %(c)s (kepala berkas: reference,merchant_id,amount,fee,"
                                "paid_at[,settlement_date]).") % {"c": ", ".join(missing)})
    index = {name: header.index(name) for name in KNOWN if name in header}
    lines: list[Line] = []
    dates: set[date] = set()
    try:
        for number, row in enumerate(reader, start=1):
            if not any(cell.strip() for cell in row):
                continue
            if number > MAX_LINES:
                raise SettlementError(_("Lebih dari %(n)d baris.") % {"n": MAX_LINES})

            def cell(name: str, row: list[str] = row) -> str:
                i = index.get(name)
                return row[i].strip() if i is not None and i < len(row) else ""

            reference = cell("reference")
            if not reference or len(reference) > 100:
                raise SettlementError(_("Baris %(n)d: reference kosong atau lebih dari 100 karakter.") % {"n": number})
            merchant_id = cell("merchant_id")
            if len(merchant_id) > 64:
                raise SettlementError(_("Baris %(n)d: merchant_id lebih dari 64 karakter.") % {"n": number})
            amount = _rupiah(cell("amount"), "amount", number, required=True)
            fee = _rupiah(cell("fee"), "fee", number, required=False)
            paid_at = _datetime(cell("paid_at"), number)
            if "settlement_date" in index and cell("settlement_date"):
                try:
                    dates.add(date.fromisoformat(cell("settlement_date")))
                except ValueError:
                    raise SettlementError(_("Baris %(n)d: settlement_date bukan tanggal YYYY-MM-DD.")
                                          % {"n": number}) from None
            lines.append(Line(number, reference, merchant_id, amount, fee, paid_at))
    except csv.Error as exc:
        raise SettlementError(_("CSV rusak: %(e)s") % {"e": exc}) from None
    if len(dates) > 1:
        raise SettlementError(_("Satu berkas harus untuk satu tanggal settlement; ditemukan %(d)s.")
                              % {"d": ", ".join(sorted(d.isoformat() for d in dates))})
    if dates:
        settlement_date = dates.pop()
    else:
        if tz is None:
            from kotacerdas.core.deadlines import site_timezone

            tz = site_timezone()
        days = [line.paid_at.astimezone(ZoneInfo(tz)).date() for line in lines if line.paid_at is not None]
        if not days:
            raise SettlementError(_("Tanggal settlement tidak diketahui: tambahkan kolom settlement_date."))
        settlement_date = max(days)
    return ParsedFile(settlement_date, lines)


def classify(lines: list[Line], transactions: dict[str, TxView]) -> list[tuple[Line, str, int | None]]:
    """(line, status, transaction id to link) for every line, in file order.

    A transaction is settled by at most one line: the first line that reaches it in this file, unless an earlier
    file already did. Later lines for the same reference are `ganda` and link nothing, so nothing is counted twice.
    """
    taken: set[int] = set()
    out: list[tuple[Line, str, int | None]] = []
    for line in lines:
        tx = transactions.get(line.reference)
        if tx is None:
            out.append((line, SettlementLineStatus.UNMATCHED, None))
        elif tx.already_settled or tx.pk in taken:
            out.append((line, SettlementLineStatus.DUPLICATE, None))
        else:
            taken.add(tx.pk)
            status = SettlementLineStatus.MATCHED if line.amount == tx.amount else SettlementLineStatus.AMOUNT_MISMATCH
            out.append((line, status, tx.pk))
    return out
