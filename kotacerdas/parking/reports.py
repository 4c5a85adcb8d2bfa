"""Revenue reports: per point, segment, operator, jukir or day, against the operators' daily targets (rule 42).

Money is whole rupiah. A row counts the accepted transactions (`ParkingTransaction`) paid in the local days
[start, end] (the site's time zone), their sum, how many were cashless, the city's and the operator's shares as
stored on each transaction (fixed at payment time from the point's operator, so a later change of operator or share
does not rewrite history), and the target of the same days:

- a point's target is its `daily_target` for every day of the range on which it ran e-parking (from
  `eparking_since`, or the whole range when that is not set), inactive points excluded;
- a segment's and an operator's target is the sum over their points (the operator that runs the point now);
- a jukir's target is, per day, each assigned point's target divided equally among the jukir assigned to that
  point on that day (assignments valid that day; shifts are not weighted, the target is the point's, not a shift's);
- a day's target is the sum over the points running that day.

Rows cover every point/segment/operator/jukir the user may see that has a target or a transaction in the range, so
a point that recorded nothing shows up with Rp0 against its target: that is the row a leakage audit looks for.
Scoping is the core selectors' (`transactions_for`, `points_for`, `jukir_for`).
"""

from __future__ import annotations

import csv
import io
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from django.db.models import Count, F, Q, Sum
from django.db.models.functions import TruncDate
from django.utils import timezone
from django.utils.translation import gettext as _

from kotacerdas.core.deadlines import site_timezone
from kotacerdas.lib.spreadsheet import safe_cell
from kotacerdas.parking import selectors
from kotacerdas.parking.models import CASHLESS_METHODS, JukirAssignment, JukirStatus, ParkingPoint

GROUPINGS = ("point", "segment", "operator", "jukir", "day")


@dataclass
class RevenueRow:
    key: str  # point/segment/operator/jukir code, or the ISO date
    label: str
    transactions: int = 0
    revenue: int = 0
    cashless_count: int = 0
    target: int = 0
    city_share: int = 0
    operator_share: int = 0
    pk: int | None = None  # the row's object (None for days and totals)
    extra: dict[str, Any] = field(default_factory=dict)

    @property
    def target_pct(self) -> float | None:
        """Revenue as a percentage of the target (None without a target)."""
        return round(100 * self.revenue / self.target, 1) if self.target else None

    @property
    def cashless_pct(self) -> float | None:
        return round(100 * self.cashless_count / self.transactions, 1) if self.transactions else None

    @property
    def city_share_pct(self) -> float | None:
        """The city's (kas daerah) part of the revenue, in percent."""
        return round(100 * self.city_share / self.revenue, 1) if self.revenue else None

    @property
    def operator_share_pct(self) -> float | None:
        return round(100 * self.operator_share / self.revenue, 1) if self.revenue else None


@dataclass(frozen=True)
class TodaySummary:
    day: date
    transactions: int
    revenue: int
    target: int
    city_share: int
    operator_share: int
    points_with_target: int

    @property
    def target_pct(self) -> float | None:
        return round(100 * self.revenue / self.target, 1) if self.target else None


def local_zone() -> ZoneInfo:
    return ZoneInfo(site_timezone())


def days_in(start: date, end: date) -> list[date]:
    return [start + timedelta(days=k) for k in range((end - start).days + 1)]


def point_target_days(point: ParkingPoint, start: date, end: date) -> list[date]:
    """The days of [start, end] on which the point's target applies (active e-parking days)."""
    if not point.is_active or not point.daily_target:
        return []
    first = max(start, point.eparking_since) if point.eparking_since else start
    return days_in(first, end) if first <= end else []


def _check(start: date, end: date, by: str) -> None:
    if by not in GROUPINGS:
        raise ValueError(f"by must be one of {GROUPINGS}, not {by!r}")
    if end < start:
        raise ValueError("end before start")


def _tx_totals(qs: Any, group: Any) -> dict[Any, dict[str, int]]:
    group = F(group) if isinstance(group, str) else group
    rows = (qs.order_by().values(group=group).annotate(
        n=Count("id"), revenue=Sum("amount"), cashless=Count("id", filter=Q(method__in=CASHLESS_METHODS)),
        city=Sum("city_share"), operator=Sum("operator_share")))
    return {r["group"]: {"n": r["n"], "revenue": r["revenue"] or 0, "cashless": r["cashless"],
                         "city": r["city"] or 0, "operator": r["operator"] or 0} for r in rows}


def _apply(row: RevenueRow, totals: dict[str, int] | None) -> RevenueRow:
    if totals:
        row.transactions, row.revenue, row.cashless_count = totals["n"], totals["revenue"], totals["cashless"]
        row.city_share, row.operator_share = totals["city"], totals["operator"]
    return row


def revenue(user: Any, *, start: date, end: date, by: str = "point") -> list[RevenueRow]:
    """Revenue rows for the local days [start, end], grouped `by` point|segment|operator|jukir|day."""
    _check(start, end, by)
    tz = local_zone()
    lo, hi = selectors.day_bounds(start)[0], selectors.day_bounds(end)[1]
    txs = selectors.transactions_for(user).filter(paid_at__gte=lo, paid_at__lt=hi)
    points = list(selectors.points_for(user).select_related("segment", "operator"))
    if by == "day":
        return _by_day(txs, points, start, end, tz)
    if by == "jukir":
        return _by_jukir(user, txs, points, start, end)
    group = {"point": "point_id", "segment": "point__segment_id", "operator": "operator_id"}[by]
    totals = _tx_totals(txs, group)
    rows: dict[int, RevenueRow] = {}

    def row_for(pk: int, key: str, label: str) -> RevenueRow:
        if pk not in rows:
            rows[pk] = _apply(RevenueRow(key, label, pk=pk), totals.get(pk))
        return rows[pk]

    for p in points:
        obj = {"point": p, "segment": p.segment, "operator": p.operator}[by]
        label = obj.street if by == "segment" else obj.name
        row = row_for(obj.pk, obj.code, label)
        row.target += p.daily_target * len(point_target_days(p, start, end))
    # Transactions of objects not among the user's points (an operator that no longer runs any visible point, a
    # point deactivated since) still count: revenue never disappears from a report.
    missing = [pk for pk in totals if pk not in rows]
    if missing:
        model = {"point": ParkingPoint, "segment": ParkingPoint.segment.field.related_model,
                 "operator": ParkingPoint.operator.field.related_model}[by]
        for obj in model.objects.filter(pk__in=missing):
            row_for(obj.pk, obj.code, obj.street if by == "segment" else obj.name)
    return sorted(rows.values(), key=lambda r: r.key)


def _by_day(txs: Any, points: list[ParkingPoint], start: date, end: date, tz: ZoneInfo) -> list[RevenueRow]:
    totals = _tx_totals(txs, TruncDate("paid_at", tzinfo=tz))
    rows = {d: _apply(RevenueRow(d.isoformat(), d.isoformat()), totals.get(d)) for d in days_in(start, end)}
    for p in points:
        for d in point_target_days(p, start, end):
            rows[d].target += p.daily_target
    return [rows[d] for d in sorted(rows)]


def _jukir_targets(points: list[ParkingPoint], start: date, end: date) -> dict[int, int]:
    """Per jukir: each day's point target split equally among the jukir assigned to the point that day."""
    by_point = {p.pk: p for p in points}
    # Only active jukir share a target: a revoked card's assignment may still be on file until it is ended.
    assignments = (JukirAssignment.objects.filter(point_id__in=by_point, valid_from__lte=end,
                                                  jukir__status=JukirStatus.ACTIVE)
                   .filter(Q(valid_to__isnull=True) | Q(valid_to__gte=start))
                   .values_list("point_id", "jukir_id", "valid_from", "valid_to"))
    spans: dict[int, list[tuple[int, date, date | None]]] = defaultdict(list)
    for point_id, jukir_id, valid_from, valid_to in assignments:
        spans[point_id].append((jukir_id, valid_from, valid_to))
    targets: dict[int, float] = defaultdict(float)
    for point_id, rows in spans.items():
        p = by_point[point_id]
        for d in point_target_days(p, start, end):
            on_duty = {j for j, f, t in rows if f <= d and (t is None or t >= d)}
            for j in on_duty:
                targets[j] += p.daily_target / len(on_duty)
    return {j: round(v) for j, v in targets.items()}


def _by_jukir(user: Any, txs: Any, points: list[ParkingPoint], start: date, end: date) -> list[RevenueRow]:
    totals = _tx_totals(txs, "jukir_id")
    targets = _jukir_targets(points, start, end)
    wanted = set(totals) | set(targets)
    rows = []
    for j in selectors.jukir_for(user).filter(pk__in=wanted).order_by("code"):
        row = _apply(RevenueRow(j.code, j.name, pk=j.pk), totals.get(j.pk))
        row.target = targets.get(j.pk, 0)
        rows.append(row)
    return rows


def total(rows: Iterable[RevenueRow], label: str | None = None) -> RevenueRow:
    """The sum of rows (a report's footer)."""
    out = RevenueRow("", label if label is not None else _("Jumlah"))
    for r in rows:
        out.transactions += r.transactions
        out.revenue += r.revenue
        out.cashless_count += r.cashless_count
        out.target += r.target
        out.city_share += r.city_share
        out.operator_share += r.operator_share
    return out


def today(user: Any, *, now: datetime | None = None) -> TodaySummary:
    """The city's (or the user's scope's) revenue today so far against today's target."""
    day = timezone.localtime(now or timezone.now(), local_zone()).date()
    rows = revenue(user, start=day, end=day, by="point")
    t = total(rows)
    return TodaySummary(day, t.transactions, t.revenue, t.target, t.city_share, t.operator_share,
                        sum(1 for r in rows if r.target))


# Export ---------------------------------------------------------------------------------------------------------


def _columns() -> list[str]:
    return [_("kode"), _("nama"), _("transaksi"), _("nontunai"), _("pendapatan_rp"), _("target_rp"),
            _("capaian_target_persen"), _("bagian_kota_rp"), _("bagian_operator_rp")]


def _values(r: RevenueRow) -> list[Any]:
    return [r.key, r.label, r.transactions, r.cashless_count, r.revenue, r.target, r.target_pct, r.city_share,
            r.operator_share]


def export_csv(rows: Sequence[RevenueRow]) -> bytes:
    """UTF-8 CSV with a header; numbers plain (no thousands separators) so a spreadsheet reads them as numbers."""
    buf = io.StringIO()
    writer = csv.writer(buf)
    writer.writerow(_columns())
    for r in rows:
        writer.writerow(["" if v is None else safe_cell(v) for v in _values(r)])
    return buf.getvalue().encode("utf-8")


def export_xlsx(rows: Sequence[RevenueRow], *, title: str = "") -> bytes:
    """An .xlsx workbook: one sheet, a header row, money as integer cells with a thousands format, a total row."""
    from openpyxl import Workbook
    from openpyxl.styles import Font

    wb = Workbook()
    ws = wb.active
    ws.title = (title or _("Pendapatan parkir"))[:31]
    ws.append(_columns())
    for cell in ws[1]:
        cell.font = Font(bold=True)
    for r in rows:
        ws.append([safe_cell(v) for v in _values(r)])
    t = total(rows)
    ws.append([safe_cell(v) for v in _values(t)])
    for cell in ws[ws.max_row]:
        cell.font = Font(bold=True)
    money = "#,##0"
    for col in ("C", "D", "E", "F", "H", "I"):
        for cell in ws[col][1:]:
            cell.number_format = money
    for cell in ws["G"][1:]:
        cell.number_format = "0.0"
    ws.freeze_panes = "A2"
    for col, width in zip("ABCDEFGHI", (18, 36, 11, 11, 15, 15, 12, 15, 15), strict=True):
        ws.column_dimensions[col].width = width
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()
