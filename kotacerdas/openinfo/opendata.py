"""Open data from the PPID register itself: the ringkasan akses informasi publik (egov-rules §4.1: number of
requests, time taken, granted in full or in part, rejected and why) per month. Counts only, no requester data.
"""

from __future__ import annotations

from collections import defaultdict
from typing import Any

from kotacerdas.core import deadlines

FIELDS = [
    ("periode", "string", "Bulan permohonan diterima (YYYY-MM, waktu setempat)"),
    ("permohonan", "integer", "Jumlah permohonan"),
    ("dipenuhi", "integer", "Dipenuhi seluruhnya"),
    ("dipenuhi_sebagian", "integer", "Dipenuhi sebagian"),
    ("ditolak", "integer", "Ditolak (pengecualian Pasal 17)"),
    ("tidak_dikuasai", "integer", "Informasi tidak dikuasai"),
    ("belum_dijawab", "integer", "Belum dijawab"),
    ("rata_rata_hari_kerja", "number", "Rata-rata waktu pemenuhan (hari kerja) permohonan yang dijawab"),
    ("keberatan", "integer", "Keberatan atas permohonan bulan ini"),
]


def rows() -> list[dict[str, Any]]:
    from kotacerdas.openinfo.models import Decision, InfoRequest

    months: dict[str, dict[str, Any]] = defaultdict(lambda: {"n": 0, "days": [], "keberatan": 0,
                                                             **{d: 0 for d in Decision.values}, "": 0})
    for req in InfoRequest.objects.prefetch_related("objections").order_by("received_at"):
        m = months[deadlines.to_local(req.received_at).strftime("%Y-%m")]
        m["n"] += 1
        m[req.decision] += 1
        m["keberatan"] += len(req.objections.all())
        if req.decided_at:
            m["days"].append(deadlines.working_days_between(req.received_at, req.decided_at))
    return [{"periode": key, "permohonan": m["n"], "dipenuhi": m[Decision.DIPENUHI],
             "dipenuhi_sebagian": m[Decision.SEBAGIAN], "ditolak": m[Decision.DITOLAK],
             "tidak_dikuasai": m[Decision.TIDAK_DIKUASAI], "belum_dijawab": m[""],
             "rata_rata_hari_kerja": round(sum(m["days"]) / len(m["days"]), 1) if m["days"] else None,
             "keberatan": m["keberatan"]} for key, m in sorted(months.items())]


def datasets() -> list[dict[str, Any]]:
    return [{
        "slug": "ringkasan-layanan-informasi-publik",
        "title": "Ringkasan layanan informasi publik (PPID) per bulan",
        "description": ("Jumlah permohonan informasi publik per bulan, keputusannya, rata-rata waktu pemenuhan "
                        "dalam hari kerja dan jumlah keberatan, dari register PPID."),
        "keywords": ["PPID", "keterbukaan informasi", "permohonan informasi"],
        "frequency": "daily",
        "publisher": "dinas-kominfo",
        "temporal": "sejak register dimulai",
        "spatial": False,
        "fields": FIELDS,
        "rows": rows,
    }]
