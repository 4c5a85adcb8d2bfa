"""Renstra/Renja/RKPD views, the SIPD-ready CSV and the berita acara PDF."""

from __future__ import annotations

from collections import OrderedDict
from decimal import Decimal
from typing import Any

from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from kotacerdas.core.deadlines import to_local
from kotacerdas.core.models import SiteSettings
from kotacerdas.lib import pdf
from kotacerdas.lib.spreadsheet import safe_cell
from kotacerdas.planning.models import BeritaAcara, Forum, ForumDecision, PaguIndikatif, PlanningYear, Usulan
from kotacerdas.planning.pricing import fmt_rp
from kotacerdas.planning.rules import Decision, Stage
from kotacerdas.planning.selectors import NO_OUTLINES

SIPD_COLUMNS = [
    "tahun", "nomor_usulan", "sumber", "kode_wilayah", "kecamatan", "kelurahan", "lokasi", "kode_kamus",
    "kode_urusan", "kode_program", "nama_program", "kode_kegiatan", "nama_kegiatan", "kode_sub_kegiatan",
    "nama_sub_kegiatan", "nama_usulan", "volume", "satuan", "pagu", "opd", "bidang", "tahap_terakhir",
    "nomor_urut_prioritas",
]


def accepted_at(year: PlanningYear, stage: str) -> QuerySet[Usulan]:
    """Usulan a forum of `stage` accepted (rule 22): the Renja view is the Forum OPD, the RKPD the last stage."""
    # A subquery, not a join + DISTINCT: one row per usulan whatever its decisions, and cheap on both engines.
    accepted = ForumDecision.objects.filter(stage=stage, decision=Decision.DITERIMA).values("usulan_id")
    return (Usulan.objects.filter(planning_year=year, pk__in=accepted)
            .select_related("kamus", "agency", "kecamatan", "kelurahan").defer(*NO_OUTLINES))


def grouped(year: PlanningYear, stage: str) -> list[dict[str, Any]]:
    """OPD → program → kegiatan with totals, each OPD against its pagu indikatif (where Bappeda set one)."""
    pagu = {p.agency_id: p.amount for p in PaguIndikatif.objects.filter(planning_year=year, agency__isnull=False)}
    opds: OrderedDict[int, dict[str, Any]] = OrderedDict()
    for u in accepted_at(year, stage).order_by("agency__name", "kamus__program_code", "kamus__kegiatan_code",
                                               "number"):
        o = opds.setdefault(u.agency_id, {"agency": u.agency, "total": Decimal(0), "programs": OrderedDict(),
                                          "pagu": pagu.get(u.agency_id)})
        p = o["programs"].setdefault(u.kamus.program_code, {"code": u.kamus.program_code,
                                                            "name": u.kamus.program_name, "total": Decimal(0),
                                                            "kegiatan": OrderedDict()})
        k = p["kegiatan"].setdefault(u.kamus.kegiatan_code, {"code": u.kamus.kegiatan_code,
                                                             "name": u.kamus.kegiatan_name, "total": Decimal(0),
                                                             "usulan": []})
        k["usulan"].append(u)
        for node in (o, p, k):
            node["total"] += u.estimated_cost
    out = []
    for o in opds.values():
        o["programs"] = [dict(p, kegiatan=list(p["kegiatan"].values())) for p in o["programs"].values()]
        o["over"] = o["pagu"] is not None and o["total"] > o["pagu"]
        out.append(o)
    return out


def sipd_rows(year: PlanningYear, stage: str) -> list[list[Any]]:
    rows: list[list[Any]] = [SIPD_COLUMNS]
    ranks = dict(ForumDecision.objects.filter(usulan__planning_year=year, stage=stage, decision=Decision.DITERIMA)
                 .values_list("usulan_id", "rank"))
    for u in accepted_at(year, stage).order_by("agency__name", "kamus__subkegiatan_code", "number"):
        rank = ranks.get(u.pk)
        k = u.kamus
        values = [year.year, u.number, u.get_source_display(), u.kelurahan.code, u.kecamatan.name, u.kelurahan.name,
                  u.location_text, k.code, k.urusan_code, k.program_code, k.program_name, k.kegiatan_code,
                  k.kegiatan_name, k.subkegiatan_code, k.subkegiatan_name, u.title, f"{u.volume:.2f}", u.satuan,
                  f"{u.estimated_cost:.0f}", u.agency.name, u.get_rumpun_display(), u.get_current_stage_display(),
                  rank or ""]
        rows.append([safe_cell(v) for v in values])
    return rows


def berita_acara_pdf(forum: Forum, ba: BeritaAcara) -> bytes:
    site = SiteSettings.load()
    issuer = _("Pemerintah %(city)s") % {"city": site.city.name} if site.city else "Kota Cerdas"
    story: list[Any] = [
        pdf.heading(_("Berita Acara %(stage)s") % {"stage": forum.get_stage_display()}),
        pdf.paragraph(_("%(forum)s · Tahun rencana %(year)s") % {"forum": forum.name,
                                                                  "year": forum.planning_year.year}),
        pdf.spacer(),
        pdf.table([[_("Tanggal"), ba.held_on.strftime("%d-%m-%Y")], [_("Tempat"), ba.place],
                   [_("Pimpinan sidang"), ba.chair], [_("Jumlah peserta"), str(len(ba.participant_list))]],
                  col_widths=[45, 125], header=False),
        pdf.heading(_("Daftar usulan prioritas yang disepakati"), 2),
    ]
    agreed = [[_("No. urut"), _("Nomor"), _("Usulan"), _("Kelurahan"), _("Pagu")]] + [
        [str(r.get("rank") or ""), r["number"], r["title"], r["kelurahan"], fmt_rp(r["cost"])] for r in ba.agreed]
    story.append(pdf.table(agreed, col_widths=[16, 32, 64, 30, 28], numeric_columns=[4]) if ba.agreed
                 else pdf.paragraph(_("Tidak ada.")))
    story.append(pdf.heading(_("Daftar usulan yang belum disepakati atau ditolak"), 2))
    labels = dict(Decision.choices)
    unagreed = [[_("Nomor"), _("Usulan"), _("Keputusan"), _("Alasan")]] + [
        [r["number"], r["title"], str(labels.get(r["decision"], r["decision"])), r["reason"]] for r in ba.unagreed]
    story.append(pdf.table(unagreed, col_widths=[32, 55, 28, 55]) if ba.unagreed else pdf.paragraph(_("Tidak ada.")))
    story += [pdf.heading(_("Peserta"), 2),
              pdf.table([[str(i), name] for i, name in enumerate(ba.participant_list, start=1)],
                        col_widths=[12, 158], header=False)]
    if ba.notes:
        story += [pdf.heading(_("Catatan"), 2), pdf.paragraph(ba.notes)]
    return pdf.render(story, title=_("Berita Acara %(stage)s") % {"stage": forum.get_stage_display()},
                      issuer=issuer, printed_at=to_local(timezone.now()))


def journey(u: Usulan) -> list[dict[str, Any]]:
    """The stages an usulan went through with each forum's decision (public: no proposer, no decider names)."""
    decisions = {d.stage: d for d in u.decisions.all()}
    steps = []
    from kotacerdas.planning.rules import STAGE_ORDER, stage_index

    start = stage_index(u.entry_stage)
    for stage in STAGE_ORDER[start:stage_index(u.current_stage) + 1]:
        d = decisions.get(stage)
        steps.append({"stage": stage, "label": Stage(stage).label, "decision": d.decision if d else None,
                      "decision_label": d.get_decision_display() if d else _("Menunggu keputusan"),
                      "reason": d.reason if d else "", "rank": d.rank if d else None,
                      "forum": d.forum.name if d else ""})
    return steps
