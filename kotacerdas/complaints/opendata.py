"""Open data from complaints (discovered by kotacerdas.openinfo.catalog): monthly counts per kelurahan and
category. Aggregates only: no title, text, location point or reporter; rahasia reports are left out entirely
(egov-rules rule 5: they never leave staff views) and merged duplicates are not counted twice.
"""

from __future__ import annotations

from collections import defaultdict
from datetime import timedelta
from typing import Any

from django.db.models import Count, Q
from django.db.models.functions import TruncMonth
from django.utils import timezone

from kotacerdas.core.deadlines import site_timezone

MONTHS = 12
FIELDS = [
    ("periode", "string", "Bulan pengaduan masuk (YYYY-MM, waktu setempat)"),
    ("kode_kelurahan", "string", "Kode wilayah Kemendagri kelurahan"),
    ("kelurahan", "string", "Nama kelurahan"),
    ("kecamatan", "string", "Nama kecamatan"),
    ("kategori", "string", "Kategori aduan"),
    ("jumlah", "integer", "Jumlah aduan masuk"),
    ("tuntas", "integer", "Aduan berstatus tuntas"),
    ("tidak_tuntas", "integer", "Aduan ditutup tidak tuntas"),
    ("dalam_proses", "integer", "Aduan yang masih diproses"),
]


def _base() -> Any:
    from kotacerdas.complaints.models import Complaint, Status

    since = timezone.now() - timedelta(days=31 * MONTHS)
    return (Complaint.objects.filter(is_rahasia=False, created_at__gte=since, kelurahan__isnull=False)
            .exclude(status=Status.DIGABUNG))


def rows() -> list[dict[str, Any]]:
    from zoneinfo import ZoneInfo

    from kotacerdas.complaints.models import OPEN_STATUSES, Status

    qs = (_base().annotate(month=TruncMonth("created_at", tzinfo=ZoneInfo(site_timezone())))
          .values("month", "kelurahan__code", "kelurahan__name", "kelurahan__parent__name", "category__name")
          .annotate(jumlah=Count("id"), tuntas=Count("id", filter=Q(status=Status.TUNTAS)),
                    tidak_tuntas=Count("id", filter=Q(status=Status.TIDAK_TUNTAS)),
                    proses=Count("id", filter=Q(status__in=OPEN_STATUSES)))
          .order_by("month", "kelurahan__code", "category__name"))
    return [{"periode": r["month"].strftime("%Y-%m"), "kode_kelurahan": r["kelurahan__code"],
             "kelurahan": r["kelurahan__name"], "kecamatan": r["kelurahan__parent__name"] or "",
             "kategori": r["category__name"], "jumlah": r["jumlah"], "tuntas": r["tuntas"],
             "tidak_tuntas": r["tidak_tuntas"], "dalam_proses": r["proses"]} for r in qs]


def geojson() -> dict[str, Any]:
    """Kelurahan outlines with their 12-month totals (for the portal's map)."""
    from kotacerdas.regions.models import Region

    totals: dict[int, int] = defaultdict(int)
    for r in _base().values("kelurahan_id").annotate(n=Count("id")):
        totals[r["kelurahan_id"]] = r["n"]
    features = []
    for region in Region.objects.filter(pk__in=totals.keys()).exclude(boundary=None):
        features.append({"type": "Feature", "geometry": region.boundary,
                         "properties": {"kode_kelurahan": region.code, "kelurahan": region.name,
                                        "jumlah": totals[region.pk]}})
    return {"type": "FeatureCollection", "features": features}


def datasets() -> list[dict[str, Any]]:
    return [{
        "slug": "statistik-aduan-kelurahan-kategori",
        "title": "Statistik aduan per kelurahan dan kategori",
        "description": ("Jumlah aduan warga per bulan, kelurahan dan kategori dalam 12 bulan terakhir, beserta "
                        "statusnya. Hanya angka agregat: aduan rahasia tidak dihitung, tidak ada identitas "
                        "pelapor maupun isi aduan."),
        "keywords": ["aduan", "pengaduan", "pelayanan publik", "kelurahan"],
        "frequency": "daily",
        "publisher": "dinas-kominfo",
        "temporal": f"{MONTHS} bulan terakhir",
        "spatial": True,
        "fields": FIELDS,
        "rows": rows,
        "geojson": geojson,
    }]
