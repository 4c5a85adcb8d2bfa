"""Distances on the Earth for "complaints near this one": exact haversine distance and a cheap bounding box.

The usual pattern: filter rows in the database with bbox_around() (plain indexed range conditions on the
latitude/longitude columns, no GIS extension needed), then compute haversine_m() in Python on the few rows
left. The box is a slight over-approximation of the circle, never an under-approximation, so the prefilter
never loses a point that is within the distance.
"""

from __future__ import annotations

import math

# IUGG mean Earth radius. The spherical model is off by at most ~0.5% from the ellipsoid, far below the
# accuracy of a phone's GPS fix or a pin dropped on a map.
EARTH_RADIUS_M = 6_371_008.8


def haversine_m(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    """Great-circle distance in metres between two points given in decimal degrees (WGS84)."""
    phi1, phi2 = math.radians(lat1), math.radians(lat2)
    dphi = phi2 - phi1
    dlambda = math.radians(lon2 - lon1)
    h = math.sin(dphi / 2) ** 2 + math.cos(phi1) * math.cos(phi2) * math.sin(dlambda / 2) ** 2
    # min() guards against h creeping past 1.0 through rounding for antipodal points (asin domain error).
    return 2 * EARTH_RADIUS_M * math.asin(math.sqrt(min(1.0, h)))


def bbox_around(lat: float, lon: float, meters: float) -> tuple[float, float, float, float]:
    """(min_lat, max_lat, min_lon, max_lon) of a box holding every point within `meters` of (lat, lon).

    Latitude is clamped to [-90, 90]. Longitude spans the full [-180, 180] when the box would reach a pole
    or cross the antimeridian: a looser prefilter stays correct, a wrapped one (min_lon > max_lon) would
    need an OR query. Neither happens in Indonesia (about 6 N to 11 S, 95 E to 141 E).
    """
    if meters < 0 or math.isnan(meters):
        raise ValueError("meters must be >= 0")
    if not (-90.0 <= lat <= 90.0):
        raise ValueError("lat must be within -90..90")
    dlat = math.degrees(meters / EARTH_RADIUS_M)
    min_lat, max_lat = lat - dlat, lat + dlat
    if min_lat <= -90.0 or max_lat >= 90.0:
        return max(min_lat, -90.0), min(max_lat, 90.0), -180.0, 180.0
    # The widest longitude offset of the circle is at the latitude where it is tangent to a meridian:
    # asin(sin(d) / cos(lat)), d the angular radius; dlat / cos(lat) would be slightly too narrow.
    angular = meters / EARTH_RADIUS_M
    ratio = math.sin(angular) / math.cos(math.radians(lat))
    if ratio >= 1.0:
        return min_lat, max_lat, -180.0, 180.0
    dlon = math.degrees(math.asin(ratio))
    min_lon, max_lon = lon - dlon, lon + dlon
    if min_lon < -180.0 or max_lon > 180.0:
        return min_lat, max_lat, -180.0, 180.0
    return min_lat, max_lat, min_lon, max_lon
