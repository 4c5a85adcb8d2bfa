"""django-filter pieces shared by several apps' FilterSets (each FilterSet serves an HTML list and the API)."""

from __future__ import annotations

import django_filters as filters
from django import forms
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field


@extend_schema_field(OpenApiTypes.INT)
class YearFilter(filters.NumberFilter):
    """A calendar year, 1-9999: a whole number (`0.5` is a 400, not 0) that a date lookup can take without error."""

    field_class = forms.IntegerField

    def __init__(self, *args: object, **kwargs: object) -> None:
        kwargs.setdefault("min_value", 1)
        kwargs.setdefault("max_value", 9999)
        super().__init__(*args, **kwargs)
