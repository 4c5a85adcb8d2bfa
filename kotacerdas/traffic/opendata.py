"""Open data from ATCS (discovered by kotacerdas.openinfo.catalog): vehicle volumes per intersection and hour over
the last 7 days, summed from the hourly rollups of the intersection's detectors. Counts only: no plates, images
or device identifiers.
"""

from __future__ import annotations

from collections import defaultdict
from datetime import timedelta
from typing import Any
from zoneinfo import ZoneInfo

from django.db.models import Sum
from django.utils import timezone

from kotacerdas.core.deadlines import site_timezone

DAYS = 7
FIELDS = [
    ("tanggal", "date", "Tanggal (waktu setempat)"),
    ("jam", "integer", "Jam mulai (0-23, waktu setempat)"),
    ("kode_simpang", "string", "Kode simpang ATCS"),
    ("simpang", "string", "Nama simpang"),
    ("kendaraan", "integer", "Jumlah kendaraan tercatat semua detektor simpang"),
    ("sepeda_motor", "integer", "Sepeda motor"),
    ("kendaraan_ringan", "integer", "Kendaraan ringan"),
    ("kendaraan_berat", "integer", "Kendaraan berat"),
]


def _hourly() -> Any:
    from kotacerdas.traffic.models import RollupHour

    since = timezone.now() - timedelta(days=DAYS)
    return (RollupHour.objects.filter(bucket_start__gte=since, detector__approach__intersection__is_active=True)
            .values("bucket_start", "detector__approach__intersection__code",
                    "detector__approach__intersection__name")
            .annotate(vehicles=Sum("vehicles"), motor=Sum("motor"), car=Sum("car"), heavy=Sum("heavy"))
            .order_by("bucket_start", "detector__approach__intersection__code"))


def rows() -> list[dict[str, Any]]:
    tz = ZoneInfo(site_timezone())
    out = []
    for r in _hourly():
        local = r["bucket_start"].astimezone(tz)
        out.append({"tanggal": local.date().isoformat(), "jam": local.hour,
                    "kode_simpang": r["detector__approach__intersection__code"],
                    "simpang": r["detector__approach__intersection__name"], "kendaraan": r["vehicles"] or 0,
                    "sepeda_motor": r["motor"] or 0, "kendaraan_ringan": r["car"] or 0,
                    "kendaraan_berat": r["heavy"] or 0})
    return out


def geojson() -> dict[str, Any]:
    from kotacerdas.traffic.models import Intersection

    totals: dict[str, int] = defaultdict(int)
    for r in _hourly():
        totals[r["detector__approach__intersection__code"]] += r["vehicles"] or 0
    features = [{"type": "Feature", "geometry": {"type": "Point", "coordinates": [i.lon, i.lat]},
                 "properties": {"kode_simpang": i.code, "simpang": i.name, "kendaraan": totals.get(i.code, 0)}}
                for i in Intersection.objects.filter(is_active=True).order_by("code")]
    return {"type": "FeatureCollection", "features": features}


def datasets() -> list[dict[str, Any]]:
    return [{
        "slug": "volume-lalu-lintas-simpang-per-jam",
        "title": "Volume lalu lintas per simpang per jam",
        "description": ("Jumlah kendaraan per jam di simpang bersinyal yang dipantau ATCS, 7 hari terakhir, "
                        "menurut jenis kendaraan (sepeda motor, kendaraan ringan, kendaraan berat)."),
        "keywords": ["lalu lintas", "ATCS", "simpang", "volume kendaraan"],
        "frequency": "daily",
        "publisher": "dinas-perhubungan",
        "temporal": f"{DAYS} hari terakhir",
        "spatial": True,
        "fields": FIELDS,
        "rows": rows,
        "geojson": geojson,
    }]
