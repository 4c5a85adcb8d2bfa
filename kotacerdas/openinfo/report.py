"""The annual Laporan Layanan Informasi Publik, computed from the registers (Perki 1/2021 Pasal 56; egov-rules
§4.4 and rule 18): every figure the law lists, as a page and as a PDF (kotacerdas.lib.pdf).
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from datetime import date, datetime, time
from typing import Any
from zoneinfo import ZoneInfo

from django.utils import timezone
from django.utils.translation import gettext as _

from kotacerdas.core import deadlines
from kotacerdas.lib import pdf
from kotacerdas.openinfo import rules
from kotacerdas.openinfo.models import (
    AnnualReportText,
    Decision,
    DisputeResult,
    InfoRequest,
    Objection,
    ObjectionOutcome,
    RequestChannel,
)


@dataclass
class RequestTime:
    reg_no: str
    received: datetime
    decided: datetime | None
    working_days: int | None
    late: bool


@dataclass
class AnnualReport:
    year: int
    due: date
    total: int = 0
    by_channel: dict[str, int] = field(default_factory=dict)
    full: int = 0
    partial: int = 0
    refused: int = 0
    not_held: int = 0
    pending: int = 0
    late: int = 0
    extended: int = 0
    refusal_reasons: list[tuple[str, int]] = field(default_factory=list)
    times: list[RequestTime] = field(default_factory=list)
    average_days: float | None = None
    objections: int = 0
    objections_by_ground: list[tuple[str, int]] = field(default_factory=list)
    objections_accepted: int = 0
    objections_rejected: int = 0
    objections_pending: int = 0
    objection_follow_ups: list[tuple[str, str]] = field(default_factory=list)
    disputes: int = 0
    dispute_results: list[tuple[str, int]] = field(default_factory=list)
    dispute_follow_ups: list[tuple[str, str]] = field(default_factory=list)
    lawsuits: int = 0
    court_results: list[tuple[str, str]] = field(default_factory=list)
    text: AnnualReportText | None = None


def _year_bounds(year: int) -> tuple[datetime, datetime]:
    tz = ZoneInfo(deadlines.site_timezone())
    return (datetime.combine(date(year, 1, 1), time.min, tzinfo=tz),
            datetime.combine(date(year + 1, 1, 1), time.min, tzinfo=tz))


def build(year: int) -> AnnualReport:
    start, end = _year_bounds(year)
    report = AnnualReport(year=year, due=rules.annual_report_due(year))
    requests = list(InfoRequest.objects.filter(received_at__gte=start, received_at__lt=end)
                    .prefetch_related("consequence_tests").order_by("received_at"))
    report.total = len(requests)
    channels = Counter(r.channel for r in requests)
    report.by_channel = {label: channels.get(value, 0) for value, label in RequestChannel.choices}
    reasons: Counter[str] = Counter()
    exceptions = dict(rules.PASAL_17)
    for r in requests:
        if r.decision == Decision.DIPENUHI:
            report.full += 1
        elif r.decision == Decision.SEBAGIAN:
            report.partial += 1
        elif r.decision == Decision.DITOLAK:
            report.refused += 1
            for test in r.consequence_tests.all():
                reasons[str(exceptions.get(test.exception, test.exception))] += 1
        elif r.decision == Decision.TIDAK_DIKUASAI:
            report.not_held += 1
        else:
            report.pending += 1
        if r.extended_at:
            report.extended += 1
        late = r.answered_late or (r.decided_at is None and timezone.now() > r.due_at)
        report.late += late
        days = deadlines.working_days_between(r.received_at, r.decided_at) if r.decided_at else None
        report.times.append(RequestTime(r.reg_no, r.received_at, r.decided_at, days, late))
    answered = [t.working_days for t in report.times if t.working_days is not None]
    report.average_days = round(sum(answered) / len(answered), 1) if answered else None
    report.refusal_reasons = sorted(reasons.items(), key=lambda kv: (-kv[1], kv[0]))

    objections = list(Objection.objects.filter(filed_at__gte=start, filed_at__lt=end).order_by("filed_at"))
    report.objections = len(objections)
    grounds = dict(rules.PASAL_35)
    report.objections_by_ground = sorted(Counter(str(grounds[o.ground]) for o in objections).items())
    report.objections_accepted = sum(o.outcome == ObjectionOutcome.DITERIMA for o in objections)
    report.objections_rejected = sum(o.outcome == ObjectionOutcome.DITOLAK for o in objections)
    report.objections_pending = sum(not o.outcome for o in objections)
    report.objection_follow_ups = [(o.reg_no, o.follow_up or o.answer) for o in objections if o.outcome]
    disputed = [o for o in objections if o.dispute_filed_at]
    report.disputes = len(disputed)
    results = Counter(o.dispute_result or "" for o in disputed)
    labels = dict(DisputeResult.choices)
    report.dispute_results = [(str(labels.get(k, _("Belum ada putusan"))), n) for k, n in sorted(results.items())]
    report.dispute_follow_ups = [(o.reg_no, o.dispute_result_note) for o in disputed if o.dispute_result_note]
    report.lawsuits = sum(o.court_filed for o in objections)
    report.court_results = [(o.reg_no, o.court_result or _("Belum diputus")) for o in objections if o.court_filed]
    report.text = AnnualReportText.objects.filter(year=year).first()
    return report


def render_pdf(report: AnnualReport, issuer: str) -> bytes:
    t = report.text
    story: list[Any] = [
        pdf.heading(_("Laporan Layanan Informasi Publik Tahun %(year)d") % {"year": report.year}),
        pdf.paragraph(_("Disusun dari register permohonan dan keberatan. Batas penyampaian: %(due)s (%(src)s).")
                      % {"due": report.due.strftime("%d-%m-%Y"), "src": rules.ANNUAL_REPORT_SOURCE}, "small"),
        pdf.heading(_("1. Gambaran umum kebijakan"), 2), pdf.paragraph((t and t.policy) or "-"),
        pdf.heading(_("2. Gambaran umum pelaksanaan"), 2), pdf.paragraph((t and t.implementation) or "-"),
        pdf.heading(_("3. Rincian pelayanan informasi"), 2),
        pdf.table([[_("Uraian"), _("Jumlah")],
                   [_("Jumlah permohonan"), report.total],
                   [_("Dipenuhi seluruhnya"), report.full],
                   [_("Dipenuhi sebagian"), report.partial],
                   [_("Ditolak"), report.refused],
                   [_("Informasi tidak dikuasai"), report.not_held],
                   [_("Belum dijawab"), report.pending],
                   [_("Diperpanjang"), report.extended],
                   [_("Melewati batas waktu"), report.late],
                   [_("Rata-rata waktu pemenuhan (hari kerja)"),
                    "-" if report.average_days is None else report.average_days]],
                  col_widths=[120, 40], numeric_columns=[1]),
        pdf.spacer(),
        pdf.paragraph(_("Alasan penolakan (Pasal 17):")),
        pdf.table([[_("Alasan"), _("Jumlah")], *[[k, v] for k, v in report.refusal_reasons]] if report.refusal_reasons
                  else [[_("Alasan"), _("Jumlah")], ["-", 0]], col_widths=[140, 20], numeric_columns=[1]),
        pdf.spacer(),
        pdf.paragraph(_("Waktu pemenuhan per permohonan:")),
        pdf.table([[_("Nomor"), _("Diterima"), _("Dijawab"), _("Hari kerja")],
                   *[[x.reg_no, deadlines.to_local(x.received).strftime("%d-%m-%Y"),
                      deadlines.to_local(x.decided).strftime("%d-%m-%Y") if x.decided else "-",
                      "-" if x.working_days is None else x.working_days] for x in report.times]],
                  col_widths=[50, 40, 40, 30], numeric_columns=[3]),
        pdf.heading(_("4. Rincian penyelesaian sengketa"), 2),
        pdf.table([[_("Uraian"), _("Jumlah")],
                   [_("Jumlah keberatan"), report.objections],
                   [_("Keberatan diterima"), report.objections_accepted],
                   [_("Keberatan ditolak"), report.objections_rejected],
                   [_("Keberatan belum ditanggapi"), report.objections_pending],
                   [_("Permohonan sengketa ke Komisi Informasi"), report.disputes],
                   [_("Gugatan ke pengadilan"), report.lawsuits]],
                  col_widths=[120, 40], numeric_columns=[1]),
        pdf.spacer(),
        pdf.paragraph(_("Hasil mediasi/ajudikasi:")),
        pdf.table([[_("Hasil"), _("Jumlah")], *([[k, v] for k, v in report.dispute_results] or [["-", 0]])],
                  col_widths=[140, 20], numeric_columns=[1]),
        pdf.spacer(),
        pdf.paragraph(_("Tanggapan keberatan dan pelaksanaannya:")),
        pdf.table([[_("Nomor"), _("Pelaksanaan")], *([[k, v] for k, v in report.objection_follow_ups] or [["-", "-"]])],
                  col_widths=[40, 130]),
        pdf.spacer(),
        pdf.paragraph(_("Putusan pengadilan dan pelaksanaannya:")),
        pdf.table([[_("Nomor"), _("Putusan")], *([[k, v] for k, v in report.court_results] or [["-", "-"]])],
                  col_widths=[40, 130]),
        pdf.heading(_("5. Kendala internal dan eksternal"), 2), pdf.paragraph((t and t.obstacles) or "-"),
        pdf.heading(_("6. Rekomendasi dan rencana tindak lanjut"), 2),
        pdf.paragraph((t and t.recommendations) or "-"),
    ]
    return pdf.render(story, title=_("Laporan Layanan Informasi Publik %(year)d") % {"year": report.year},
                      issuer=issuer, printed_at=deadlines.to_local(timezone.now()))
