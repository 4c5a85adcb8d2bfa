"""The ATCS registry as GeoJSON (complete) and CSV (one row per detector, for spreadsheets).

GeoJSON: one Point feature per intersection; properties carry approaches (lanes, detectors) and the controller
(phases, timing plans with green per phase). Import of an export gives back the same registry.

CSV columns (`CSV_COLUMNS`): intersection, approach and detector fields repeated per detector; an approach without
detectors, or an intersection without approaches, still gets one row. `lane_movements` lists the approach's
lanes left to right ("kiri|lurus|lurus_kanan"). Controllers, timing plans and lane widths are only in GeoJSON.
`kecamatan` is written for readers and ignored on import (it is recomputed from lat/lon).
"""

from __future__ import annotations

import csv
import io
import json
from typing import Any

from django.core.exceptions import ValidationError
from django.db.models import Prefetch, QuerySet
from django.utils.translation import gettext as _

from kotacerdas.traffic.models import Approach, Detector, Intersection, Lane, PhaseGreen, TimingPlan

CSV_COLUMNS = ["intersection_code", "intersection_name", "lat", "lon", "approximate", "kecamatan", "source",
               "approach_direction", "approach_name", "approach_width_m", "approach_lanes", "lane_movements",
               "detector_code", "detector_kind", "detector_lane", "detector_device"]


def _queryset(qs: QuerySet[Intersection] | None = None) -> QuerySet[Intersection]:
    qs = qs if qs is not None else Intersection.objects.all()
    return qs.select_related("kecamatan", "controller__device").prefetch_related(
        Prefetch("approaches", queryset=Approach.objects.order_by("direction").prefetch_related(
            Prefetch("lane_set", queryset=Lane.objects.order_by("number")),
            Prefetch("detectors", queryset=Detector.objects.select_related("lane", "device").order_by("code")),
        )),
        "controller__phases__approaches",
        Prefetch("controller__plans", queryset=TimingPlan.objects.order_by("effective_from").prefetch_related(
            Prefetch("greens", queryset=PhaseGreen.objects.select_related("phase")))),
    ).order_by("code")


def records(qs: QuerySet[Intersection] | None = None) -> list[dict[str, Any]]:
    out = []
    for inter in _queryset(qs):
        rec: dict[str, Any] = {
            "code": inter.code, "name": inter.name, "lat": inter.lat, "lon": inter.lon,
            "approximate": inter.approximate, "kecamatan": inter.kecamatan.name if inter.kecamatan else "",
            "source": inter.source, "note": inter.note, "is_active": inter.is_active,
            "approaches": [{
                "direction": ap.direction, "name": ap.name, "width_m": ap.width_m, "lanes": ap.lanes,
                "lane_list": [{"number": ln.number, "movement": ln.movement, "width_m": ln.width_m}
                              for ln in ap.lane_set.all()],
                "detectors": [{"code": d.code, "kind": d.kind, "lane": d.lane.number if d.lane else None,
                               "device": d.device.code if d.device else None, "is_active": d.is_active}
                              for d in ap.detectors.all()],
            } for ap in inter.approaches.all()],
        }
        controller = getattr(inter, "controller", None)
        if controller is not None:
            rec["controller"] = {
                "code": controller.code, "model": controller.model,
                "device": controller.device.code if controller.device else None,
                "phases": [{"number": ph.number, "name": ph.name,
                            "approaches": sorted(a.direction for a in ph.approaches.all())}
                           for ph in sorted(controller.phases.all(), key=lambda p: p.number)],
                "plans": [{"name": p.name, "cycle_s": p.cycle_s, "lost_time_s": p.lost_time_s,
                           "effective_from": p.effective_from.isoformat(),
                           "greens": {str(g.phase.number): g.green_s for g in p.greens.all()}}
                          for p in controller.plans.all()],
            }
        out.append(rec)
    return out


def to_geojson(qs: QuerySet[Intersection] | None = None) -> dict[str, Any]:
    features = []
    for rec in records(qs):
        props = {k: v for k, v in rec.items() if k not in ("lat", "lon")}
        features.append({"type": "Feature", "id": rec["code"],
                         "geometry": {"type": "Point", "coordinates": [rec["lon"], rec["lat"]]},
                         "properties": props})
    return {"type": "FeatureCollection", "features": features}


def from_geojson(text: str | bytes) -> list[dict[str, Any]]:
    try:
        data = json.loads(text)
    except (json.JSONDecodeError, UnicodeDecodeError) as exc:
        raise ValidationError({"file": [_("Berkas GeoJSON tidak valid: %(e)s") % {"e": exc}]}) from None
    if not isinstance(data, dict) or data.get("type") != "FeatureCollection":
        raise ValidationError({"file": [_("GeoJSON harus FeatureCollection.")]})
    out = []
    for n, feature in enumerate(data.get("features") or [], start=1):
        geometry = (feature or {}).get("geometry") or {}
        coords = geometry.get("coordinates")
        if geometry.get("type") != "Point" or not isinstance(coords, list) or len(coords) < 2:
            raise ValidationError({"file": [_("Fitur %(n)d: geometri harus Point.") % {"n": n}]})
        rec = dict(feature.get("properties") or {})
        rec.setdefault("code", feature.get("id"))
        rec["lon"], rec["lat"] = coords[0], coords[1]
        out.append(rec)
    return out


def to_csv(qs: QuerySet[Intersection] | None = None) -> str:
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=CSV_COLUMNS, lineterminator="\n")
    writer.writeheader()
    for rec in records(qs):
        base = {"intersection_code": rec["code"], "intersection_name": rec["name"], "lat": rec["lat"],
                "lon": rec["lon"], "approximate": int(rec["approximate"]), "kecamatan": rec["kecamatan"],
                "source": rec["source"]}
        if not rec["approaches"]:
            writer.writerow(base)
        for ap in rec["approaches"]:
            row = {**base, "approach_direction": ap["direction"], "approach_name": ap["name"],
                   "approach_width_m": ap["width_m"], "approach_lanes": ap["lanes"],
                   "lane_movements": "|".join(ln["movement"] for ln in ap["lane_list"])}
            if not ap["detectors"]:
                writer.writerow(row)
            for det in ap["detectors"]:
                writer.writerow({**row, "detector_code": det["code"], "detector_kind": det["kind"],
                                 "detector_lane": det["lane"] or "", "detector_device": det["device"] or ""})
    return buffer.getvalue()


def from_csv(text: str | bytes) -> list[dict[str, Any]]:
    if isinstance(text, bytes):
        try:
            text = text.decode("utf-8-sig")
        except UnicodeDecodeError:
            raise ValidationError({"file": [_("Berkas CSV harus UTF-8.")]}) from None
    reader = csv.DictReader(io.StringIO(text.lstrip("\ufeff")))
    missing = {"intersection_code", "intersection_name", "lat", "lon"} - set(reader.fieldnames or [])
    if missing:
        raise ValidationError({"file": [_("Kolom wajib tidak ada: %(c)s") % {"c": ", ".join(sorted(missing))}]})
    by_code: dict[str, dict[str, Any]] = {}
    for row in reader:
        row = {k: (v or "").strip() for k, v in row.items() if k}
        code = row["intersection_code"]
        rec = by_code.setdefault(code, {
            "code": code, "name": row["intersection_name"], "lat": row["lat"], "lon": row["lon"],
            "approximate": row.get("approximate", ""), "source": row.get("source", ""), "approaches": [],
        })
        direction = row.get("approach_direction")
        if not direction:
            continue
        approach = next((a for a in rec["approaches"] if a["direction"] == direction), None)
        if approach is None:
            movements = [m for m in (row.get("lane_movements") or "").split("|") if m]
            approach = {"direction": direction, "name": row.get("approach_name", ""),
                        "width_m": row.get("approach_width_m"), "lanes": row.get("approach_lanes") or len(movements),
                        "lane_list": [{"number": i, "movement": m} for i, m in enumerate(movements, start=1)],
                        "detectors": []}
            rec["approaches"].append(approach)
        if row.get("detector_code"):
            approach["detectors"].append({"code": row["detector_code"], "kind": row.get("detector_kind"),
                                          "lane": row.get("detector_lane") or None,
                                          "device": row.get("detector_device") or None})
    return list(by_code.values())


def load(text: str | bytes, fmt: str) -> list[dict[str, Any]]:
    if fmt == "geojson":
        return from_geojson(text)
    if fmt == "csv":
        return from_csv(text)
    raise ValueError(fmt)
