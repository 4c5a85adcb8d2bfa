"""Datasets of e-planning for the open-data catalogue: "usulan dan keputusannya".

No personal data: the proposer is never included (only the source type); decisions carry the forum's name and
reason, which are public in the berita acara.
"""

from __future__ import annotations

from typing import Any

from kotacerdas.planning import selectors
from kotacerdas.planning.models import ForumDecision
from kotacerdas.planning.rules import STAGE_ORDER

FIELDS = [
    ("tahun_rencana", "integer", "Tahun rencana (RKPD) usulan"),
    ("nomor", "string", "Nomor usulan"),
    ("nama_usulan", "string", "Nama usulan"),
    ("sumber", "string", "Sumber usulan: warga, kelurahan, kecamatan, pokir, opd"),
    ("kode_kamus", "string", "Kode kamus usulan"),
    ("kode_sub_kegiatan", "string", "Kode sub-kegiatan (nomenklatur Permendagri 90/2019)"),
    ("bidang", "string", "Rumpun/bidang usulan"),
    ("kode_kecamatan", "string", "Kode Kemendagri kecamatan"),
    ("kecamatan", "string", "Nama kecamatan"),
    ("kode_kelurahan", "string", "Kode Kemendagri kelurahan"),
    ("kelurahan", "string", "Nama kelurahan"),
    ("lokasi", "string", "Lokasi (jalan/patokan)"),
    ("lat", "number", "Lintang titik usulan (WGS84)"),
    ("lon", "number", "Bujur titik usulan (WGS84)"),
    ("volume", "number", "Volume"),
    ("satuan", "string", "Satuan volume"),
    ("opd", "string", "Kode OPD penanggung jawab"),
    ("perkiraan_biaya", "number", "Perkiraan biaya (Rp) dari standar harga"),
    ("tahap_masuk", "string", "Tahap usulan masuk"),
    ("tahap_sekarang", "string", "Tahap terakhir yang dicapai"),
    ("status", "string", "Status: menunggu, diterima, ditolak, belum_disepakati, ditetapkan"),
    ("keputusan", "string", "Keputusan tiap forum: tahap=keputusan (urutan), dipisah titik koma"),
    ("alasan_terakhir", "string", "Alasan keputusan forum terakhir"),
]


def _rows() -> list[dict[str, Any]]:
    decisions: dict[int, list[ForumDecision]] = {}
    for d in ForumDecision.objects.order_by("pk"):
        decisions.setdefault(d.usulan_id, []).append(d)
    rows = []
    for u in selectors.public_usulan().select_related("planning_year").order_by("number"):
        ds = sorted(decisions.get(u.pk, []), key=lambda d: STAGE_ORDER.index(d.stage))
        rows.append({
            "tahun_rencana": u.planning_year.year, "nomor": u.number, "nama_usulan": u.title, "sumber": u.source,
            "kode_kamus": u.kamus.code, "kode_sub_kegiatan": u.kamus.subkegiatan_code, "bidang": u.rumpun,
            "kode_kecamatan": u.kecamatan.code, "kecamatan": u.kecamatan.name, "kode_kelurahan": u.kelurahan.code,
            "kelurahan": u.kelurahan.name, "lokasi": u.location_text, "lat": round(u.lat, 6),
            "lon": round(u.lon, 6), "volume": float(u.volume), "satuan": u.satuan, "opd": u.agency.code,
            "perkiraan_biaya": int(u.estimated_cost), "tahap_masuk": u.entry_stage,
            "tahap_sekarang": u.current_stage, "status": u.status,
            "keputusan": "; ".join(f"{d.stage}={d.decision}" + (f" ({d.rank})" if d.rank else "") for d in ds),
            "alasan_terakhir": ds[-1].reason if ds else "",
        })
    return rows


def _geojson() -> dict[str, Any]:
    features = []
    for row in _rows():
        features.append({"type": "Feature", "geometry": {"type": "Point", "coordinates": [row["lon"], row["lat"]]},
                         "properties": {k: v for k, v in row.items() if k not in ("lat", "lon")}})
    return {"type": "FeatureCollection", "features": features}


def datasets() -> list[dict[str, Any]]:
    year = selectors.active_year()
    return [{
        "slug": "usulan-musrenbang",
        "title": "Usulan Musrenbang dan keputusannya",
        "description": ("Setiap usulan pembangunan dari rembuk warga, Musrenbang kelurahan dan kecamatan, Pokir DPRD "
                        "dan OPD, dengan lokasi, perkiraan biaya dari standar harga, dan keputusan tiap forum "
                        "beserta alasannya. Tanpa data pribadi pengusul."),
        "keywords": ["musrenbang", "perencanaan", "RKPD", "usulan", "e-planning"],
        "frequency": "daily",
        "publisher": "",
        "temporal": f"RKPD {year.year}" if year else "",
        "spatial": True,
        "fields": FIELDS,
        "rows": _rows,
        "geojson": _geojson,
    }]
