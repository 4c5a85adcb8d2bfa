"""Open data from e-parking (discovered by kotacerdas.openinfo.catalog): retribusi revenue per point and day over
the last 30 days. Totals only: no plates, merchant ids, jukir or payer details.
"""

from __future__ import annotations

from collections import defaultdict
from datetime import timedelta
from typing import Any
from zoneinfo import ZoneInfo

from django.db.models import Count, Sum
from django.db.models.functions import TruncDate
from django.utils import timezone

from kotacerdas.core.deadlines import site_timezone

DAYS = 30
FIELDS = [
    ("tanggal", "date", "Tanggal pembayaran (waktu setempat)"),
    ("kode_titik", "string", "Kode titik parkir"),
    ("titik_parkir", "string", "Nama titik parkir"),
    ("ruas_jalan", "string", "Ruas jalan"),
    ("transaksi", "integer", "Jumlah transaksi diterima"),
    ("pendapatan", "integer", "Pendapatan retribusi (Rp)"),
]


def _daily() -> Any:
    from kotacerdas.parking.models import ParkingTransaction

    since = timezone.now() - timedelta(days=DAYS)
    return (ParkingTransaction.objects.filter(paid_at__gte=since)
            .annotate(day=TruncDate("paid_at", tzinfo=ZoneInfo(site_timezone())))
            .values("day", "point__code", "point__name", "point__segment__street")
            .annotate(n=Count("id"), total=Sum("amount"))
            .order_by("day", "point__code"))


def rows() -> list[dict[str, Any]]:
    return [{"tanggal": r["day"].isoformat(), "kode_titik": r["point__code"], "titik_parkir": r["point__name"],
             "ruas_jalan": r["point__segment__street"] or "", "transaksi": r["n"], "pendapatan": r["total"] or 0}
            for r in _daily()]


def geojson() -> dict[str, Any]:
    from kotacerdas.parking.models import ParkingPoint

    totals: dict[str, int] = defaultdict(int)
    for r in _daily():
        totals[r["point__code"]] += r["total"] or 0
    features = [{"type": "Feature", "geometry": {"type": "Point", "coordinates": [p.lon, p.lat]},
                 "properties": {"kode_titik": p.code, "titik_parkir": p.name,
                                "pendapatan": totals.get(p.code, 0)}}
                for p in ParkingPoint.objects.filter(is_active=True).order_by("code")]
    return {"type": "FeatureCollection", "features": features}


def datasets() -> list[dict[str, Any]]:
    return [{
        "slug": "pendapatan-parkir-per-titik-harian",
        "title": "Pendapatan retribusi parkir per titik per hari",
        "description": ("Jumlah transaksi dan pendapatan retribusi parkir tepi jalan umum per titik parkir per "
                        "hari, 30 hari terakhir, dari sistem e-parking."),
        "keywords": ["parkir", "retribusi", "e-parking", "pendapatan daerah"],
        "frequency": "daily",
        "publisher": "dinas-perhubungan",
        "temporal": f"{DAYS} hari terakhir",
        "spatial": True,
        "fields": FIELDS,
        "rows": rows,
        "geojson": geojson,
    }]
