"""Open data from Siduta (discovered by kotacerdas.openinfo.catalog): aggregates only, never a seeker, an
application or a company contact.

- lowongan-per-sektor-dan-pendidikan: open vacancies and their quota by KBLI 2020 section and minimum education;
- lowongan-per-kecamatan: the same per kecamatan of work, with a GeoJSON of kecamatan centroids;
- penempatan-tenaga-kerja-bulanan: placements per month (rule 36) over the last 12 months.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from django.db.models import Count, Sum

from kotacerdas.jobs.models import KBLI_SECTIONS, Education, Placement, Vacancy, VacancyStatus
from kotacerdas.jobs.rules import add_months
from kotacerdas.jobs.selectors import today

PUBLISHER = "dinas-ketenagakerjaan"


def _open() -> Any:
    return Vacancy.objects.filter(status=VacancyStatus.TERBIT, closes_on__gte=today())


def sector_education_rows() -> list[dict[str, Any]]:
    sectors, levels = dict(KBLI_SECTIONS), dict(Education.choices)
    rows = (_open().values("sector", "education_min").annotate(n=Count("pk"), q=Sum("quota"))
            .order_by("sector", "education_min"))
    return [{"kbli": r["sector"], "sektor": sectors.get(r["sector"], ""), "pendidikan_minimal":
             str(levels.get(r["education_min"], r["education_min"])), "lowongan": r["n"], "kuota": r["q"] or 0}
            for r in rows]


def _kecamatan_totals() -> list[dict[str, Any]]:
    return list(_open().values("kecamatan__code", "kecamatan__name", "kecamatan__lat", "kecamatan__lon")
                .annotate(n=Count("pk"), q=Sum("quota")).order_by("kecamatan__code"))


def kecamatan_rows() -> list[dict[str, Any]]:
    return [{"kode_kecamatan": r["kecamatan__code"], "kecamatan": r["kecamatan__name"], "lowongan": r["n"],
             "kuota": r["q"] or 0} for r in _kecamatan_totals()]


def kecamatan_geojson() -> dict[str, Any]:
    features = [{"type": "Feature", "geometry": {"type": "Point", "coordinates": [r["kecamatan__lon"],
                                                                                  r["kecamatan__lat"]]},
                 "properties": {"kode_kecamatan": r["kecamatan__code"], "kecamatan": r["kecamatan__name"],
                                "lowongan": r["n"], "kuota": r["q"] or 0}}
                for r in _kecamatan_totals() if r["kecamatan__lat"] is not None and r["kecamatan__lon"] is not None]
    return {"type": "FeatureCollection", "features": features}


def placement_rows() -> list[dict[str, Any]]:
    end = today()
    start = add_months(date(end.year, end.month, 1), -11)
    counts: dict[str, int] = {}
    for placed_on in Placement.objects.filter(placed_on__gte=start, placed_on__lte=end).values_list("placed_on",
                                                                                                    flat=True):
        key = f"{placed_on.year:04d}-{placed_on.month:02d}"
        counts[key] = counts.get(key, 0) + 1
    months = [add_months(start, i) for i in range(12)]
    return [{"bulan": f"{m.year:04d}-{m.month:02d}", "penempatan": counts.get(f"{m.year:04d}-{m.month:02d}", 0)}
            for m in months]


def datasets() -> list[dict[str, Any]]:
    return [
        {
            "slug": "lowongan-per-sektor-dan-pendidikan",
            "title": "Lowongan kerja terbuka per sektor dan pendidikan",
            "description": ("Jumlah lowongan kerja yang sedang terbuka di Siduta dan kuotanya, menurut kategori KBLI "
                            "2020 dan pendidikan minimal yang diminta. Hanya lowongan yang sudah dimoderasi Disnaker."),
            "keywords": ["ketenagakerjaan", "lowongan kerja", "KBLI", "pendidikan", "Siduta"],
            "frequency": "daily",
            "publisher": PUBLISHER,
            "temporal": "lowongan terbuka hari ini",
            "spatial": False,
            "fields": [("kbli", "string", "Kategori KBLI 2020 (A-U)"), ("sektor", "string", "Nama kategori KBLI"),
                       ("pendidikan_minimal", "string", "Pendidikan minimal"),
                       ("lowongan", "integer", "Jumlah lowongan"), ("kuota", "integer", "Jumlah orang dibutuhkan")],
            "rows": sector_education_rows,
        },
        {
            "slug": "lowongan-per-kecamatan",
            "title": "Lowongan kerja terbuka per kecamatan",
            "description": "Jumlah lowongan kerja terbuka dan kuotanya menurut kecamatan lokasi kerja.",
            "keywords": ["ketenagakerjaan", "lowongan kerja", "kecamatan", "Siduta"],
            "frequency": "daily",
            "publisher": PUBLISHER,
            "temporal": "lowongan terbuka hari ini",
            "spatial": True,
            "fields": [("kode_kecamatan", "string", "Kode wilayah Kemendagri"), ("kecamatan", "string", "Kecamatan"),
                       ("lowongan", "integer", "Jumlah lowongan"), ("kuota", "integer", "Jumlah orang dibutuhkan")],
            "rows": kecamatan_rows,
            "geojson": kecamatan_geojson,
        },
        {
            "slug": "penempatan-tenaga-kerja-bulanan",
            "title": "Penempatan tenaga kerja per bulan",
            "description": ("Jumlah pencari kerja yang tercatat ditempatkan bekerja melalui Siduta per bulan, 12 bulan "
                            "terakhir (penempatan dicatat perusahaan mitra)."),
            "keywords": ["ketenagakerjaan", "penempatan", "Siduta"],
            "frequency": "monthly",
            "publisher": PUBLISHER,
            "temporal": "12 bulan terakhir",
            "spatial": False,
            "fields": [("bulan", "string", "Bulan (YYYY-MM)"), ("penempatan", "integer", "Jumlah penempatan")],
            "rows": placement_rows,
        },
    ]
