"""The live room: the desktop page (/pusat-komando/), the wall (/pusat-komando/dinding/), their htmx fragments
(tiles, feed) and the JSON the map and other screens read (/api/v1/command-center/...).

Views stay thin: `live` computes, the owning apps' selectors scope. The pages need no reload: room.js listens to
the SSE stream (/events/stream?topics=complaint,traffic.alarm,parking.leakage) and re-fetches the tiles and feed
fragments and the map layers, debounced; a 60-second poll does the same when the stream is down.
"""

from __future__ import annotations

from typing import Any

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiExample, OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import permissions
from rest_framework.exceptions import ValidationError
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from kotacerdas.command_center import live
from kotacerdas.core.api import ApiViewMixin

TAG = "command-center"


def _viewer(request: HttpRequest) -> Any:
    if not live.can_use_room(request.user):
        raise PermissionDenied
    return request.user


def _context(request: HttpRequest, *, wall: bool) -> dict[str, Any]:
    user = _viewer(request)
    now = timezone.now()
    return {"tiles": live.tiles(user, now), "feed": live.feed(user, limit=12 if wall else 20), "wall": wall,
            "layers": live.layers_for(user), "tile_url": live.tile_url_template(), "now": now,
            "stream_topics": ",".join(live.STREAM_TOPICS)}


@login_required
@require_GET
def room(request: HttpRequest) -> HttpResponse:
    return render(request, "command_center/room.html", _context(request, wall=False))


@login_required
@require_GET
def wall(request: HttpRequest) -> HttpResponse:
    return render(request, "command_center/wall.html", _context(request, wall=True))


def _seen(request: HttpRequest) -> int | None:
    """`e`: the newest event the browser has seen (live.shared_after_event); not a number (a hand-made URL) =
    computed for this request alone."""
    raw = request.GET.get("e", "")
    return int(raw) if raw.isascii() and raw.isdigit() and len(raw) <= 18 else None


@login_required
@require_GET
def tiles_fragment(request: HttpRequest) -> HttpResponse:
    user = _viewer(request)
    response = render(request, "command_center/room_tiles.html",
                      {"tiles": live.tiles(user, seen=_seen(request)), "wall": request.GET.get("dinding") == "1",
                       "now": timezone.now()})
    response["Cache-Control"] = "private, no-cache"
    return response


@login_required
@require_GET
def feed_fragment(request: HttpRequest) -> HttpResponse:
    user = _viewer(request)
    wall_view = request.GET.get("dinding") == "1"
    limit = 12 if wall_view else 20
    items = live.shared_after_event(user, f"feed{limit}", _seen(request), lambda: live.feed(user, limit=limit))
    response = render(request, "command_center/room_feed.html", {"feed": items, "wall": wall_view})
    response["Cache-Control"] = "private, no-cache"
    return response


# --- API ----------------------------------------------------------------------------------------------------------


class CanUseRoom(permissions.BasePermission):
    message = "Hanya staf Pusat Komando yang dapat membuka data ini."

    def has_permission(self, request: Request, view: Any) -> bool:
        return live.can_use_room(request.user)


def _zoom(request: Request) -> int:
    raw = request.query_params.get("zoom", "13")
    try:
        zoom = int(raw)
    except ValueError:
        raise ValidationError({"zoom": [_("Zoom harus bilangan bulat 0–20.")]}) from None
    if not 0 <= zoom <= 20:
        raise ValidationError({"zoom": [_("Zoom harus bilangan bulat 0–20.")]})
    return zoom


def _bbox(request: Request) -> tuple[float, float, float, float] | None:
    """`bbox=south,west,north,east` in degrees (Leaflet's getBounds().toBBoxString() is west,south,east,north:
    room.js sends this order explicitly)."""
    raw = request.query_params.get("bbox", "").strip()
    if not raw:
        return None
    try:
        south, west, north, east = (float(x) for x in raw.split(","))
    except ValueError:
        raise ValidationError({"bbox": [_("bbox harus empat angka: selatan,barat,utara,timur.")]}) from None
    if not (-90 <= south <= north <= 90 and -180 <= west <= east <= 180):
        raise ValidationError({"bbox": [_("bbox di luar jangkauan atau terbalik (selatan ≤ utara, barat ≤ timur).")]})
    return south, west, north, east


def _example(name: str, value: Any) -> OpenApiExample:
    return OpenApiExample(name, value=value, response_only=True)


TILE_EXAMPLE = [{"key": "complaints_today", "label": "Aduan hari ini", "value": "37", "sub": "", "tone": "",
                 "href": "/staf/", "trend": {"now": 37, "last_week": 30, "direction": "up", "tone": "secondary",
                                             "percent": 23.3, "text": "▲ 23% dari minggu lalu (30)"}}]
FEATURES_EXAMPLE = {"type": "FeatureCollection", "features": [
    {"type": "Feature", "geometry": {"type": "Point", "coordinates": [98.67, 3.59]},
     "properties": {"n": 12, "band": "lewat", "bands": [8, 1, 0, 3]}}]}
FEED_EXAMPLE = [{"id": 8812, "at": "2026-12-06T09:14:03+07:00", "kind": "new", "tone": "blue",
                 "title": "Aduan baru MDN-2026-000812", "detail": "Jalan rusak · Medan Kota",
                 "url": "/staf/aduan/812/"}]


def _doc(summary: str, example: Any, parameters: list[OpenApiParameter] | None = None) -> Any:
    # Tiles and the feed answer a JSON array, the layers a GeoJSON FeatureCollection (an object).
    body: Any = {"type": "array", "items": {"type": "object"}} if isinstance(example, list) else OpenApiTypes.OBJECT
    return extend_schema(tags=[TAG], summary=summary, parameters=parameters or [],
                         responses={200: OpenApiResponse(body, examples=[_example("OK", example)])})


class RoomAPIView(ApiViewMixin, APIView):
    permission_classes = [permissions.IsAuthenticated, CanUseRoom]


class TilesView(RoomAPIView):
    @_doc("Ubin ruang kendali (hari ini s.d. sekarang vs hari yang sama minggu lalu)", TILE_EXAMPLE)
    def get(self, request: Request) -> Response:
        return Response([t.as_dict() for t in live.tiles(request.user)])


class ComplaintLayerView(RoomAPIView):
    @_doc("Lapisan peta aduan terbuka, dikelompokkan per sel grid menurut warna SLA", FEATURES_EXAMPLE, [
        OpenApiParameter("zoom", OpenApiTypes.INT, description="Zoom Leaflet 0–20 (ukuran sel)"),
        OpenApiParameter("bbox", OpenApiTypes.STR, description="selatan,barat,utara,timur"),
    ])
    def get(self, request: Request) -> Response:
        return Response(live.complaint_layer(request.user, zoom=_zoom(request), bbox=_bbox(request)))


class IntersectionLayerView(RoomAPIView):
    @_doc("Lapisan peta simpang menurut tingkat pelayanan (LOS)", FEATURES_EXAMPLE)
    def get(self, request: Request) -> Response:
        return Response(live.intersection_layer(request.user))


class ParkingLayerView(RoomAPIView):
    @_doc("Lapisan peta titik parkir: keterisian dan skor kebocoran", FEATURES_EXAMPLE)
    def get(self, request: Request) -> Response:
        return Response(live.parking_layer(request.user))


class AlarmLayerView(RoomAPIView):
    @_doc("Lapisan peta alarm lalu lintas yang masih terbuka", FEATURES_EXAMPLE)
    def get(self, request: Request) -> Response:
        return Response(live.alarm_layer(request.user))


class FeedView(RoomAPIView):
    @_doc("Umpan kejadian ruang kendali (terbaru dulu)", FEED_EXAMPLE, [
        OpenApiParameter("limit", OpenApiTypes.INT, description="1–100, bawaan 20"),
    ])
    def get(self, request: Request) -> Response:
        raw = request.query_params.get("limit", "20")
        if not raw.isdigit() or not 1 <= int(raw) <= 100:
            raise ValidationError({"limit": [_("limit harus bilangan bulat 1–100.")]})
        return Response([i.as_dict() for i in live.feed(request.user, limit=int(raw))])
