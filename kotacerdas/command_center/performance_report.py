"""The monthly apparatus-performance report for the pimpinan: one month's figures, the OPD league table, areas,
the trend of the last six months and the open disputes; as data for the printable page and as a PDF
(kotacerdas/lib/pdf.py, charts with pdf.bar_chart)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

from django.utils import timezone
from django.utils.translation import gettext as _

from kotacerdas.command_center import performance, selectors
from kotacerdas.command_center.models import CaseFact, Dispute, DisputeStatus
from kotacerdas.core import deadlines
from kotacerdas.core.models import SiteSettings
from kotacerdas.lib import pdf

MONTHS_ID = ("Januari", "Februari", "Maret", "April", "Mei", "Juni", "Juli", "Agustus", "September", "Oktober",
             "November", "Desember")
TREND_MONTHS = 6


def month_label(month: date) -> str:
    return f"{MONTHS_ID[month.month - 1]} {month.year}"


@dataclass
class MonthlyReport:
    scope: selectors.Scope
    month: date
    label: str
    total: dict[str, Any]
    opd: list[dict[str, Any]]
    areas: list[dict[str, Any]]
    area_label: str
    trend: list[dict[str, Any]]
    disputes: dict[str, int]
    issuer: str
    generated_at: Any
    notes: list[str] = field(default_factory=list)


def monthly(scope: selectors.Scope, month: date, *, refresh: bool = False) -> MonthlyReport:
    """The report of `month` for `scope`, cached like the performance page (performance.cached)."""
    first = month.replace(day=1)
    data = performance.cached(f"cc-report:{scope.key}:{first}",
                              lambda: {"report": _monthly(scope, first), "computed_at": timezone.now()},
                              refresh=refresh)
    return data["report"]


def _monthly(scope: selectors.Scope, month: date) -> MonthlyReport:
    now = timezone.now()
    facts = CaseFact.objects.filter(scope.facts)
    period = performance.month_period(month)
    first = month.replace(day=1)
    start = first
    for _n in range(TREND_MONTHS - 1):
        start = (start - timedelta(days=1)).replace(day=1)
    trend = performance.trend(facts, "month", performance.Period(start, period.end), now)
    area_dim = "kelurahan" if scope.kind in ("kecamatan", "kelurahan") else "kecamatan"
    begin, finish = period.bounds
    disputes = Dispute.objects.filter(complaint_id__in=facts.values("complaint_id"), opened_at__gte=begin,
                                      opened_at__lt=finish)
    site = SiteSettings.load()
    city = site.city.name if site.city_id else ""
    return MonthlyReport(
        scope=scope, month=first, label=month_label(first), total=performance.totals(facts, period, now),
        opd=performance.league(facts, "opd", period, now), areas=performance.league(facts, area_dim, period, now),
        area_label=_("Kelurahan") if area_dim == "kelurahan" else _("Kecamatan"), trend=trend,
        disputes={s: disputes.filter(status=s).count() for s in DisputeStatus.values},
        issuer=_("Pemerintah %(city)s") % {"city": city} if city else (site.public_name or "Kota Cerdas"),
        generated_at=deadlines.to_local(now),
        notes=[
            _("Waktu dalam hari kerja (hk); waktu menunggu pelapor (tunda, menunggu konfirmasi) tidak dihitung."),
            _("Aduan bukan wewenang, diarsipkan dan digabung tidak dihitung. Setelah pelimpahan, waktu dihitung "
              "untuk OPD penerima."),
            _("Tepat waktu = selesai tepat waktu / (selesai tepat waktu + terlambat). Tanda merah yang "
              "keberatannya diterima tidak dihitung."),
        ],
    )


def _num(value: Any, digits: int = 1) -> str:
    if value is None:
        return "–"
    if isinstance(value, float):
        return f"{value:.{digits}f}".replace(".", ",")
    return f"{value:,}".replace(",", ".")


def _pct(value: Any) -> str:
    return "–" if value is None else f"{_num(float(value))}%"


def pdf_story(r: MonthlyReport) -> list[Any]:
    t = r.total
    story: list[Any] = [
        pdf.heading(_("Laporan Kinerja Aparatur — %(month)s") % {"month": r.label}),
        pdf.paragraph(_("Cakupan: %(scope)s. Penanganan aduan masyarakat menurut OPD dan wilayah.")
                      % {"scope": r.scope.label}),
        pdf.spacer(),
        pdf.heading(_("Ringkasan"), 2),
        pdf.table([
            [_("Aduan diterima"), _("Tepat waktu"), _("Terlambat"), _("Tunggakan"), _("Lewat tenggat"),
             _("Dibuka kembali"), _("Nilai rata-rata")],
            [_num(t["received"]), _pct(t["on_time_pct"]), _num(t["late"]), _num(t["backlog"]),
             _num(t["overdue_now"]), _pct(t["reopen_pct"]), _num(t["rating_avg"], 2)],
        ], numeric_columns=range(7)),
        pdf.spacer(2),
        pdf.table([
            [_("Median / p90 (hk)"), *[str(performance.METRIC_LABELS[m]) for m in performance.METRICS]],
            [_("Median"), *[_num(t[f"{m}_med"], 2) for m in performance.METRICS]],
            [_("p90"), *[_num(t[f"{m}_p90"], 2) for m in performance.METRICS]],
        ], numeric_columns=range(1, 5)),
    ]
    if r.opd:
        top = r.opd[:15]
        story += [
            pdf.heading(_("Peringkat OPD"), 2),
            pdf.bar_chart([row["label"] for row in top], [[row["on_time_pct"] or 0 for row in top]],
                          title=_("% tepat waktu per OPD")),
            pdf.table([[_("#"), _("OPD"), _("Diterima"), _("% tepat"), _("Terlambat"), _("Median tanggapan (hk)"),
                        _("Median selesai (hk)"), _("Tunggakan"), _("Nilai")]]
                      + [[str(row["rank"]), row["label"], _num(row["received"]), _pct(row["on_time_pct"]),
                          _num(row["late"]), _num(row["response_med"], 2), _num(row["resolve_med"], 2),
                          _num(row["backlog"]), _num(row["rating_avg"], 2)] for row in r.opd],
                      col_widths=[8, 40, 16, 16, 18, 24, 22, 18, 14], numeric_columns=range(2, 9)),
        ]
    if r.areas:
        story += [
            pdf.heading(_("Per %(area)s") % {"area": r.area_label.lower()}, 2),
            pdf.table([[r.area_label, _("Diterima"), _("% tepat"), _("Terlambat"), _("Tunggakan")]]
                      + [[row["label"], _num(row["received"]), _pct(row["on_time_pct"]), _num(row["late"]),
                          _num(row["backlog"])] for row in r.areas], numeric_columns=range(1, 5)),
        ]
    if r.trend:
        story += [
            pdf.heading(_("Tren enam bulan"), 2),
            pdf.bar_chart([row["bucket"].strftime("%m/%Y") for row in r.trend],
                          [[row["received"] for row in r.trend], [row["late"] for row in r.trend]],
                          title=_("Aduan diterima dan terlambat per bulan"),
                          legend=[_("Diterima"), _("Terlambat")]),
        ]
    story += [
        pdf.heading(_("Keberatan tanda merah"), 2),
        pdf.paragraph(_("Diajukan %(a)d, diterima %(b)d, ditolak %(c)d pada bulan ini.") % {
            "a": r.disputes.get(DisputeStatus.DIAJUKAN, 0), "b": r.disputes.get(DisputeStatus.DITERIMA, 0),
            "c": r.disputes.get(DisputeStatus.DITOLAK, 0)}),
        pdf.spacer(),
        *[pdf.paragraph(note, "small") for note in r.notes],
    ]
    return story


def render_pdf(r: MonthlyReport) -> bytes:
    return pdf.render(pdf_story(r), title=_("Laporan Kinerja Aparatur %(month)s") % {"month": r.label},
                      issuer=r.issuer, printed_at=r.generated_at)
