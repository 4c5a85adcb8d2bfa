"""Open-data dataset specs of the Command Center for the open-data catalogue (the openinfo app reads
`datasets()`): OPD complaint-handling performance per month.

Aggregates per OPD only: no complaint text, no reporter, no officer (the reference leaves open who may see
officer-level figures, complaints-open311-lapor.md §7 question 5), so nothing personal can leave through it.
"""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from django.utils import timezone

from kotacerdas.command_center import performance
from kotacerdas.command_center.models import CaseFact
from kotacerdas.core import deadlines

MONTHS = 12
FIELDS: list[tuple[str, str, str]] = [
    ("bulan", "string", "Bulan aduan diterima (TTTT-BB)"),
    ("kode_opd", "string", "Kode OPD di platform (slug, bukan kode resmi)"),
    ("nama_opd", "string", "Nama OPD"),
    ("aduan_diterima", "integer", "Aduan diterima OPD (tanpa bukan wewenang, arsip, digabung; setelah "
                                  "pelimpahan dihitung untuk OPD penerima)"),
    ("selesai_tepat_waktu", "integer", "Aduan yang diselesaikan dalam batas waktu"),
    ("terlambat", "integer", "Aduan yang melewati batas waktu (tanda merah), tanpa yang keberatannya diterima"),
    ("persen_tepat_waktu", "number", "selesai_tepat_waktu / (selesai_tepat_waktu + terlambat) x 100"),
    ("median_tanggapan_hk", "number", "Median waktu sampai tanggapan pertama, hari kerja"),
    ("p90_tanggapan_hk", "number", "Persentil 90 waktu sampai tanggapan pertama, hari kerja"),
    ("median_selesai_hk", "number", "Median waktu sampai selesai, hari kerja, tanpa waktu menunggu pelapor"),
    ("persen_dibuka_kembali", "number", "Aduan selesai yang dibuka kembali oleh pelapor, persen"),
    ("nilai_rata_rata", "number", "Rata-rata penilaian pelapor, 1-5"),
]


def _months(today: date) -> list[date]:
    first = today.replace(day=1)
    out = [first]
    for _n in range(MONTHS - 1):
        out.append((out[-1] - timedelta(days=1)).replace(day=1))
    return sorted(out)


def opd_rows() -> list[dict[str, Any]]:
    performance.sync(limit=None)
    now = timezone.now()
    rows: list[dict[str, Any]] = []
    for month in _months(deadlines.to_local(now).date()):
        for r in sorted(performance.league(CaseFact.objects.all(), "opd", performance.month_period(month), now),
                        key=lambda r: r["code"]):
            if not r["received"]:
                continue
            rows.append({
                "bulan": month.strftime("%Y-%m"), "kode_opd": r["code"], "nama_opd": r["label"],
                "aduan_diterima": r["received"], "selesai_tepat_waktu": r["on_time"], "terlambat": r["late"],
                "persen_tepat_waktu": r["on_time_pct"], "median_tanggapan_hk": r["response_med"],
                "p90_tanggapan_hk": r["response_p90"], "median_selesai_hk": r["resolve_med"],
                "persen_dibuka_kembali": r["reopen_pct"], "nilai_rata_rata": r["rating_avg"],
            })
    return rows


def datasets() -> list[dict[str, Any]]:
    return [{
        "slug": "kinerja-opd-pengaduan",
        "title": "Kinerja OPD dalam menangani pengaduan masyarakat",
        "description": (
            "Per OPD dan per bulan: aduan diterima, selesai tepat waktu, terlambat, median dan persentil 90 waktu "
            "tanggapan, median waktu penyelesaian (hari kerja), aduan dibuka kembali dan nilai pelapor. Aduan "
            "bukan wewenang tidak dihitung, waktu menunggu pelapor tidak dihitung, dan setelah pelimpahan waktu "
            "dihitung untuk OPD penerima. Data agregat, tanpa data pribadi."),
        "keywords": ["pengaduan", "kinerja", "OPD", "SP4N-LAPOR", "pelayanan publik"],
        "frequency": "monthly",
        "publisher": "",
        "temporal": f"{MONTHS} bulan terakhir",
        "spatial": False,
        "fields": FIELDS,
        "rows": opd_rows,
    }]
