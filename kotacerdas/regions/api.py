"""REST API for administrative regions (public read), with outlines as GeoJSON.

`GET /api/v1/regions/` and `/api/v1/regions/{code}/` answer JSON; with `?format=geojson` (or
`Accept: application/geo+json`) the same rows come back as a FeatureCollection / Feature with the outline.
`/api/v1/regions/{code}/geojson/` is the explicit form for one region.
"""

from __future__ import annotations

from typing import Any

import django_filters as filters
from django.db.models import BooleanField, Case, QuerySet, Value, When
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import (
    OpenApiExample,
    OpenApiParameter,
    extend_schema,
    extend_schema_field,
    extend_schema_serializer,
    extend_schema_view,
)
from rest_framework import permissions, renderers, serializers, viewsets
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.routers import DefaultRouter

from kotacerdas.core.api import ApiViewMixin, error_responses
from kotacerdas.regions.models import Level, Region

TAG = "regions"
GEOJSON_MEDIA_TYPE = "application/geo+json"


class GeoJSONRenderer(renderers.JSONRenderer):
    """RFC 7946 media type; selected by `?format=geojson` or the Accept header."""

    media_type = GEOJSON_MEDIA_TYPE
    format = "geojson"


class RegionSerializer(serializers.ModelSerializer):
    parent = serializers.SlugRelatedField(slug_field="code", read_only=True, allow_null=True)
    level_label = serializers.CharField(source="get_level_display", read_only=True)
    has_boundary = serializers.SerializerMethodField()

    class Meta:
        model = Region
        fields = ["code", "name", "level", "level_label", "parent", "lat", "lon", "area_km2", "population",
                  "timezone", "has_boundary"]
        read_only_fields = fields

    def get_has_boundary(self, obj: Region) -> bool:
        if "boundary" in obj.get_deferred_fields():
            return bool(getattr(obj, "has_outline", False))
        return bool(obj.boundary)


def feature(region: Region) -> dict[str, Any]:
    """One region as a GeoJSON Feature; `geometry` is null where the bundled data has no outline."""
    return {
        "type": "Feature",
        "id": region.code,
        "geometry": region.boundary or None,
        "properties": {
            "code": region.code,
            "name": region.name,
            "level": region.level,
            "parent_code": region.parent.code if region.parent_id else None,
        },
    }


GEOMETRY_SCHEMA: dict[str, Any] = {
    "type": "object", "nullable": True, "additionalProperties": True,
    "description": "GeoJSON geometry (Polygon or MultiPolygon), WGS84 [lon, lat]; null without an outline.",
}


@extend_schema_field(GEOMETRY_SCHEMA)
class GeometryField(serializers.JSONField):
    pass


class FeaturePropertiesSerializer(serializers.Serializer):
    code = serializers.CharField()
    name = serializers.CharField()
    level = serializers.ChoiceField(choices=Level.choices)
    parent_code = serializers.CharField(allow_null=True)


class FeatureSerializer(serializers.Serializer):
    """Documentation shape of one region as a GeoJSON Feature (RFC 7946)."""

    type = serializers.ChoiceField(choices=["Feature"])
    id = serializers.CharField()
    geometry = GeometryField(allow_null=True)
    properties = FeaturePropertiesSerializer()


@extend_schema_serializer(many=False)
class FeatureCollectionSerializer(serializers.Serializer):
    """One page of regions; `count`, `next` and `previous` are RFC 7946 foreign members."""

    type = serializers.ChoiceField(choices=["FeatureCollection"])
    count = serializers.IntegerField()
    next = serializers.URLField(allow_null=True)
    previous = serializers.URLField(allow_null=True)
    features = FeatureSerializer(many=True)


_SQUARE = {"type": "Polygon", "coordinates": [[[98.68, 3.56], [98.7, 3.56], [98.7, 3.58], [98.68, 3.58],
                                               [98.68, 3.56]]]}
FEATURE_EXAMPLE = {"type": "Feature", "id": "12.71.01", "geometry": _SQUARE,
                   "properties": {"code": "12.71.01", "name": "Medan Kota", "level": "kecamatan",
                                  "parent_code": "12.71"}}
REGION_EXAMPLE = {"code": "12.71.01", "name": "Medan Kota", "level": "kecamatan", "level_label": "Kecamatan",
                  "parent": "12.71", "lat": 3.57, "lon": 98.69, "area_km2": 5.27, "population": 87425,
                  "timezone": "", "has_boundary": True}
FORMAT_PARAM = OpenApiParameter(
    "format", str, enum=["json", "geojson"], required=False,
    description="`geojson` answers `application/geo+json` (Feature / FeatureCollection with the outline).",
)


class RegionFilterSet(filters.FilterSet):
    level = filters.MultipleChoiceFilter(choices=Level.choices, label=_("Tingkat"))
    parent = filters.CharFilter(field_name="parent__code", label=_("Kode induk"),
                                help_text="Kemendagri code of the parent, e.g. 12.71 for Medan's kecamatan")
    q = filters.CharFilter(field_name="name", lookup_expr="icontains", label=_("Cari nama"))

    class Meta:
        model = Region
        fields = ["level", "parent", "q"]


@extend_schema_view(
    list=extend_schema(
        tags=[TAG], summary="List regions",
        description="Provinsi, kab/kota, kecamatan and kelurahan/desa with Kemendagri codes. Public. Filter by "
                    "`level` (repeatable) and `parent` (code); `?format=geojson` returns a FeatureCollection "
                    "of the same page with outlines.",
        parameters=[FORMAT_PARAM],
        responses={(200, "application/json"): RegionSerializer(many=True),
                   (200, GEOJSON_MEDIA_TYPE): FeatureCollectionSerializer, **error_responses(400, 404)},
        examples=[OpenApiExample("Kecamatan of Medan", response_only=True, media_type="application/json",
                                 value=REGION_EXAMPLE),
                  OpenApiExample("As GeoJSON", response_only=True, media_type=GEOJSON_MEDIA_TYPE,
                                 value={"type": "FeatureCollection", "count": 1, "next": None, "previous": None,
                                        "features": [FEATURE_EXAMPLE]})],
    ),
    retrieve=extend_schema(
        tags=[TAG], summary="Read one region",
        description="By dotted Kemendagri code (`12.71.01`). `?format=geojson` returns a Feature.",
        parameters=[FORMAT_PARAM],
        responses={(200, "application/json"): RegionSerializer, (200, GEOJSON_MEDIA_TYPE): FeatureSerializer,
                   **error_responses(404)},
        examples=[OpenApiExample("Medan Kota", value=REGION_EXAMPLE, response_only=True,
                                 media_type="application/json"),
                  OpenApiExample("As GeoJSON", value=FEATURE_EXAMPLE, response_only=True,
                                 media_type=GEOJSON_MEDIA_TYPE)],
    ),
)
class RegionViewSet(ApiViewMixin, viewsets.ReadOnlyModelViewSet):
    """Administrative regions, public."""

    serializer_class = RegionSerializer
    permission_classes = [permissions.AllowAny]
    filterset_class = RegionFilterSet
    lookup_field = "code"
    renderer_classes = [renderers.JSONRenderer, GeoJSONRenderer, renderers.BrowsableAPIRenderer]

    def _wants_geojson(self) -> bool:
        renderer = getattr(self.request, "accepted_renderer", None)
        return self.action == "geojson" or getattr(renderer, "format", "") == "geojson"

    def get_queryset(self) -> QuerySet[Region]:
        qs = Region.objects.select_related("parent").order_by("code")
        if self.action == "list" and not self._wants_geojson():
            # Outlines are large; a JSON list only says whether one exists.
            qs = qs.defer("boundary").annotate(has_outline=Case(
                When(boundary__isnull=True, then=Value(False)), default=Value(True), output_field=BooleanField()))
        return qs

    def list(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        if not self._wants_geojson():
            return super().list(request, *args, **kwargs)
        qs = self.filter_queryset(self.get_queryset())
        page = self.paginate_queryset(qs)
        rows = page if page is not None else list(qs)
        body: dict[str, Any] = {"type": "FeatureCollection"}
        if page is not None:
            body.update(count=self.paginator.page.paginator.count, next=self.paginator.get_next_link(),
                        previous=self.paginator.get_previous_link())
        body["features"] = [feature(r) for r in rows]
        return Response(body)

    def retrieve(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        if self._wants_geojson():
            return Response(feature(self.get_object()))
        return super().retrieve(request, *args, **kwargs)

    @extend_schema(
        tags=[TAG], summary="Outline of one region as a GeoJSON Feature",
        description="The same as `/regions/{code}/?format=geojson`. `geometry` is null where no outline exists.",
        responses={(200, GEOJSON_MEDIA_TYPE): FeatureSerializer, (200, "application/json"): FeatureSerializer,
                   **error_responses(404)},
        examples=[OpenApiExample("Medan Kota", value=FEATURE_EXAMPLE, response_only=True)],
    )
    @action(detail=True, methods=["get"], renderer_classes=[GeoJSONRenderer, renderers.JSONRenderer],
            filter_backends=[], pagination_class=None)
    def geojson(self, request: Request, code: str | None = None) -> Response:
        return Response(feature(self.get_object()))


def register(router: DefaultRouter) -> None:
    router.register("regions", RegionViewSet, basename="region")

