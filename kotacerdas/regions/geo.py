"""Point-in-polygon for the active city, and its GeoJSON for the Leaflet basemap.

The outlines are read from the database once per process into shapely STRtrees and kept until the active
city changes (checked on every call with one small query) or `reset_cache()` is called (tests;
`setup_region` in the same process). Kelurahan/desa outlines are looked up first because the bundled
kecamatan outlines are coarse: 4 of Medan's 151 kelurahan centroids fall outside their own kecamatan polygon
and 2 outside the kota outline (see kotacerdas/regions/data/README.md). A hit in a kelurahan of this city is
therefore trusted even where the simplified kota outline disagrees.
"""

from __future__ import annotations

import json
import threading
from dataclasses import dataclass, field
from typing import Any

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from shapely import STRtree
from shapely.geometry import Point, shape
from shapely.geometry.base import BaseGeometry

from kotacerdas.regions.models import VILLAGE_LEVELS, Level, Region

GEOJSON_LEVELS = ("kecamatan", "kelurahan")


class OutsideCity(ValidationError):  # noqa: N818 - the name reads as the condition at call sites
    """The point is not inside the active city. `.message` names the city."""

    def __init__(self, city_name: str) -> None:
        self.city_name = city_name
        super().__init__(
            _("Lokasi berada di luar wilayah %(city)s.") % {"city": city_name}, code="outside_city"
        )


class CityNotSet(ValueError):  # noqa: N818
    """No kab/kota is active yet (`manage.py setup_region KODE` has not run)."""

    def __init__(self) -> None:
        self.message = _("Wilayah kota belum diatur. Jalankan: python manage.py setup_region KODE")
        super().__init__(self.message)


@dataclass(frozen=True)
class Location:
    kecamatan: Region
    kelurahan: Region | None = None


@dataclass
class _Layer:
    units: list[Region]
    geoms: list[BaseGeometry]
    tree: STRtree | None

    @classmethod
    def build(cls, regions: list[Region], boundaries: dict[int, dict[str, Any]]) -> _Layer:
        units, geoms = [], []
        for region in regions:
            geometry = _geometry(boundaries.get(region.pk))
            if geometry is not None:
                units.append(region)
                geoms.append(geometry)
        return cls(units, geoms, STRtree(geoms) if geoms else None)

    def hit(self, point: Point) -> Region | None:
        if self.tree is None:
            return None
        found = self.tree.query(point, predicate="intersects")
        if len(found) == 0:
            return None
        # Simplified neighbours overlap a little; the polygon whose centre is nearest is the better answer.
        best = min(found, key=lambda i: (self.geoms[i].centroid.distance(point), self.units[i].code))
        return self.units[best]

    def nearest(self, point: Point) -> Region | None:
        if self.tree is None:
            return None
        return self.units[int(self.tree.nearest(point))]


@dataclass
class _Index:
    key: tuple[int, str]
    city: Region
    outline: BaseGeometry | None
    kecamatan: _Layer
    kelurahan: _Layer
    kecamatan_by_id: dict[int, Region]
    geojson: dict[str, dict[str, Any]]
    bounds: list[list[float]] | None
    geojson_text: dict[str, str] = field(default_factory=dict)


_lock = threading.Lock()
_index: _Index | None = None


def reset_cache() -> None:
    """Forget the outlines of this process; the next call rebuilds them from the database."""
    global _index
    with _lock:
        _index = None


def _geometry(boundary: dict[str, Any] | None) -> BaseGeometry | None:
    if not boundary:
        return None
    try:
        geometry = shape(boundary)
    except (ValueError, TypeError, KeyError, AttributeError):
        return None  # a malformed outline must not take point lookups down for the whole city
    if geometry.is_empty:
        return None
    return geometry if geometry.is_valid else geometry.buffer(0)


def _active_key() -> tuple[int, str] | None:
    from kotacerdas.core.models import SiteSettings

    # A read, not SiteSettings.load(): a lookup must never create the settings row.
    row = SiteSettings.objects.filter(pk=1, city__isnull=False).values_list("city_id", "city__code").first()
    return (row[0], row[1]) if row else None


def _feature(region: Region, boundary: dict[str, Any], parent_code: str) -> dict[str, Any]:
    return {
        "type": "Feature",
        "id": region.pk,
        "geometry": boundary,
        "properties": {
            "code": region.code,
            "name": region.name,
            "level": region.level,
            "parent_code": parent_code,
        },
    }


def _build(key: tuple[int, str]) -> _Index:
    city = Region.objects.get(pk=key[0])
    kecamatan = list(
        Region.objects.filter(parent=city, level=Level.KECAMATAN).defer("boundary").order_by("code")
    )
    villages = list(
        Region.objects.filter(parent__parent=city, level__in=VILLAGE_LEVELS)
        .defer("boundary")
        .order_by("code")
    )
    ids = [city.pk] + [r.pk for r in kecamatan]
    boundaries: dict[int, dict[str, Any]] = dict(
        Region.objects.filter(pk__in=ids, boundary__isnull=False).values_list("pk", "boundary")
    )
    boundaries.update(
        Region.objects.filter(
            parent__parent=city, level__in=VILLAGE_LEVELS, boundary__isnull=False
        ).values_list("pk", "boundary")
    )
    kecamatan_by_id = {r.pk: r for r in kecamatan}
    outline = _geometry(boundaries.get(city.pk))
    kec_layer = _Layer.build(kecamatan, boundaries)
    kel_layer = _Layer.build(villages, boundaries)

    code_by_id = {r.pk: r.code for r in kecamatan}
    geojson = {
        "kecamatan": {
            "type": "FeatureCollection",
            "features": [_feature(r, boundaries[r.pk], city.code) for r in kecamatan if r.pk in boundaries],
        },
        "kelurahan": {
            "type": "FeatureCollection",
            "features": [
                _feature(r, boundaries[r.pk], code_by_id.get(r.parent_id, ""))
                for r in villages
                if r.pk in boundaries
            ],
        },
    }
    extent = outline
    if extent is None and kec_layer.geoms:
        from shapely import union_all

        extent = union_all(kec_layer.geoms)
    bounds = None
    if extent is not None:
        minlon, minlat, maxlon, maxlat = extent.bounds
        bounds = [[round(minlat, 6), round(minlon, 6)], [round(maxlat, 6), round(maxlon, 6)]]
    return _Index(key, city, outline, kec_layer, kel_layer, kecamatan_by_id, geojson, bounds)


def _current() -> _Index:
    global _index
    key = _active_key()
    if key is None:
        raise CityNotSet()
    index = _index
    if index is not None and index.key == key:
        return index
    with _lock:
        if _index is None or _index.key != key:
            _index = _build(key)
        return _index


def locate(lat: float, lon: float) -> Location:
    """Kecamatan and (where outlines exist) kelurahan/desa of a point in the active city.

    Raises OutsideCity when the point is not in the city, CityNotSet when no city is active.
    """
    index = _current()
    point = Point(float(lon), float(lat))
    village = index.kelurahan.hit(point)
    if village is not None:
        kecamatan = index.kecamatan_by_id.get(village.parent_id)
        if kecamatan is not None:
            return Location(kecamatan=kecamatan, kelurahan=village)
    if index.outline is not None and not index.outline.intersects(point):
        raise OutsideCity(index.city.name)
    kecamatan = index.kecamatan.hit(point)
    if kecamatan is None and index.outline is not None:
        # Inside the kota outline but in a sliver between two coarse kecamatan polygons.
        kecamatan = index.kecamatan.nearest(point)
    if kecamatan is None:
        raise OutsideCity(index.city.name)
    return Location(kecamatan=kecamatan, kelurahan=None)


def city_geojson(level: str) -> dict[str, Any]:
    """FeatureCollection of the active city's kecamatan or kelurahan/desa ("kelurahan" includes desa).

    Features carry `code, name, level, parent_code`; units without an outline are left out. The dict is shared
    by the whole process: do not modify it.
    """
    if level not in GEOJSON_LEVELS:
        raise ValueError(f"unknown level {level!r}; expected one of {GEOJSON_LEVELS}")
    return _current().geojson[level]


def city_geojson_text(level: str) -> str:
    """`city_geojson(level)` serialized once per process (Aceh Barat's desa layer is ~450 kB)."""
    data = city_geojson(level)
    index = _current()
    text = index.geojson_text.get(level)
    if text is None:
        text = index.geojson_text[level] = json.dumps(data, separators=(",", ":"))
    return text


def city_bounds() -> list[list[float]] | None:
    """[[min_lat, min_lon], [max_lat, max_lon]] of the active city (Leaflet's fitBounds order), or None."""
    return _current().bounds
