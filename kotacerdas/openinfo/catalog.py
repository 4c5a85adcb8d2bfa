"""The open-data catalogue: discovery of `opendata.py` generators, scheduled generation and the privacy guard.

Discovery protocol (agreed between the app teams): any installed app `kotacerdas.<app>` may have a module
`kotacerdas/<app>/opendata.py` with `def datasets() -> list[dict]`. Each dict has `slug`, `title`, `description`,
`keywords` (list), `frequency` ("daily"/"weekly"/"monthly"), `publisher` (agency code or ""), `temporal` (str),
`spatial` (bool), `fields` (list of (name, type, description)), `rows` (callable -> list of dicts of plain values)
and optionally `geojson` (callable -> FeatureCollection dict).

Failure handling: an app without opendata.py is skipped; a module or generator that raises is logged, the
dataset keeps its last good rows, and the error is stored for staff. The privacy guard refuses rows (or GeoJSON
properties) holding anything that looks like a NIK, phone number or e-mail address (kotacerdas.lib.pii), or a
field whose name says it is one.
"""

from __future__ import annotations

import importlib
import logging
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from decimal import Decimal
from typing import Any

from django.apps import apps
from django.db import transaction
from django.utils import timezone

from kotacerdas.core import audit
from kotacerdas.lib.pii import find_personal_data
from kotacerdas.openinfo.models import Dataset, Frequency

log = logging.getLogger("kotacerdas.openinfo")

DEFAULT_LICENSE = "CC-BY-4.0"
# CKAN license ids; a generator may choose one with the optional `license` key (default CC-BY-4.0).
LICENSES = {
    "CC-BY-4.0": ("Creative Commons Attribution 4.0", "https://creativecommons.org/licenses/by/4.0/"),
    "CC0-1.0": ("Creative Commons CCZero", "https://creativecommons.org/publicdomain/zero/1.0/"),
    "ODbL-1.0": ("Open Data Commons Open Database License", "https://opendatacommons.org/licenses/odbl/1-0/"),
}
# How old generated rows may get before the scheduled refresh regenerates them (scheduling, not a legal limit).
MAX_AGE = {Frequency.DAILY: timedelta(days=1), Frequency.WEEKLY: timedelta(days=7),
           Frequency.MONTHLY: timedelta(days=30)}
PERSONAL_FIELD_RE = re.compile(r"(^|_)(nik|ktp|phone|telepon|telp|hp|wa|whatsapp|email|e_mail)($|_)", re.I)
MAX_ROWS = 100_000
REQUIRED = ("slug", "title", "frequency", "fields", "rows")


class PersonalDataError(ValueError):
    """The generator produced something that looks like personal data: nothing is published."""


@dataclass
class Spec:
    app: str
    slug: str
    title: str
    description: str
    keywords: list[str]
    frequency: str
    publisher: str
    temporal: str
    spatial: bool
    fields: list[tuple[str, str, str]]
    rows: Callable[[], list[dict[str, Any]]]
    geojson: Callable[[], dict[str, Any]] | None = None
    license: str = DEFAULT_LICENSE


@dataclass
class Discovery:
    specs: list[Spec] = field(default_factory=list)
    errors: dict[str, str] = field(default_factory=dict)  # app label -> error text (for staff)


def _spec(app: str, raw: dict[str, Any]) -> Spec:
    missing = [k for k in REQUIRED if k not in raw]
    if missing:
        raise ValueError(f"dataset from {app} lacks {', '.join(missing)}")
    if raw["frequency"] not in Frequency.values:
        raise ValueError(f"dataset {raw['slug']}: unknown frequency {raw['frequency']!r}")
    if not callable(raw["rows"]):
        raise ValueError(f"dataset {raw['slug']}: rows must be callable")
    if raw.get("license", DEFAULT_LICENSE) not in LICENSES:
        raise ValueError(f"dataset {raw['slug']}: unknown license {raw['license']!r}")
    return Spec(app=app, slug=str(raw["slug"])[:100], title=str(raw["title"])[:200],
                description=str(raw.get("description") or ""), keywords=[str(k) for k in raw.get("keywords") or []],
                frequency=raw["frequency"], publisher=str(raw.get("publisher") or ""),
                temporal=str(raw.get("temporal") or ""), spatial=bool(raw.get("spatial")),
                fields=[tuple(str(x) for x in f) for f in raw["fields"]],  # type: ignore[misc]
                rows=raw["rows"], geojson=raw.get("geojson"), license=raw.get("license", DEFAULT_LICENSE))


def discover() -> Discovery:
    found = Discovery()
    seen: set[str] = set()
    for config in apps.get_app_configs():
        if not config.name.startswith("kotacerdas."):
            continue
        module_name = f"{config.name}.opendata"
        try:
            module = importlib.import_module(module_name)
        except ModuleNotFoundError as exc:
            if exc.name == module_name:
                continue  # the app publishes nothing
            found.errors[config.label] = f"{exc.__class__.__name__}: {exc}"
            log.exception("open data module %s failed to import", module_name)
            continue
        except Exception as exc:  # noqa: BLE001 - one broken app must not hide the others' datasets
            found.errors[config.label] = f"{exc.__class__.__name__}: {exc}"
            log.exception("open data module %s failed to import", module_name)
            continue
        try:
            for raw in module.datasets():
                spec = _spec(config.label, raw)
                if spec.slug in seen:
                    raise ValueError(f"duplicate dataset slug {spec.slug}")
                seen.add(spec.slug)
                found.specs.append(spec)
        except Exception as exc:  # noqa: BLE001
            found.errors[config.label] = f"{exc.__class__.__name__}: {exc}"
            log.exception("open data module %s: datasets() failed", module_name)
    return found


def plain(value: Any) -> Any:
    """JSON-safe plain value (dates as ISO text, Decimal as float); anything else is refused."""
    if value is None or isinstance(value, bool | int | float | str):
        return value
    if isinstance(value, Decimal):
        return float(value)
    if isinstance(value, datetime | date):
        return value.isoformat()
    raise TypeError(f"not a plain value: {type(value).__name__}")


def check_private(slug: str, rows: list[dict[str, Any]], geojson: dict[str, Any] | None) -> None:
    """Raises PersonalDataError when a field name or a value looks like a NIK, phone or e-mail."""
    records = list(rows)
    if geojson:
        records += [f.get("properties") or {} for f in geojson.get("features") or []]
    for index, row in enumerate(records):
        for key, value in row.items():
            if PERSONAL_FIELD_RE.search(str(key)):
                raise PersonalDataError(f"{slug}: kolom {key!r} tampak berisi data pribadi")
            if isinstance(value, str):
                kinds = find_personal_data(value)
                if kinds:
                    raise PersonalDataError(f"{slug}: baris {index + 1} kolom {key!r} berisi data pribadi "
                                             f"({', '.join(kinds)})")
            elif isinstance(value, int) and not isinstance(value, bool) and len(str(abs(value))) == 16:
                raise PersonalDataError(f"{slug}: baris {index + 1} kolom {key!r} berisi data pribadi (angka "
                                         f"16 digit, NIK?)")


def _agency(code: str) -> Any:
    if not code:
        return None
    from kotacerdas.agencies.models import Agency

    return Agency.objects.filter(code=code).first()


def _sync_metadata(spec: Spec) -> Dataset:
    values = {"source_app": spec.app, "title": spec.title, "description": spec.description,
              "keywords": spec.keywords, "frequency": spec.frequency, "publisher": _agency(spec.publisher),
              "publisher_code": spec.publisher, "temporal": spec.temporal, "spatial": spec.spatial,
              "fields": [list(f) for f in spec.fields], "license_id": spec.license, "is_active": True}
    dataset = Dataset.objects.filter(slug=spec.slug).first()
    if dataset is None:
        return Dataset.objects.create(slug=spec.slug, **values)
    changed = [k for k, v in values.items() if getattr(dataset, k) != v]
    if changed:
        for k in changed:
            setattr(dataset, k, values[k])
        dataset.save(update_fields=[*changed, "modified_at"])
    return dataset


def is_due(dataset: Dataset, now: datetime) -> bool:
    return dataset.generated_at is None or now - dataset.generated_at >= MAX_AGE[dataset.frequency]


def generate(spec: Spec, dataset: Dataset, now: datetime) -> bool:
    """Runs one generator; stores its rows on success; on failure keeps the last good rows and stores the error."""
    try:
        raw_rows = spec.rows()
        if len(raw_rows) > MAX_ROWS:
            raise ValueError(f"{len(raw_rows)} rows, more than {MAX_ROWS}")
        rows = [{str(k): plain(v) for k, v in row.items()} for row in raw_rows]
        geojson = spec.geojson() if spec.geojson else None
        check_private(spec.slug, rows, geojson)
    except Exception as exc:  # noqa: BLE001 - a broken generator is reported, not fatal
        log.warning("open data %s not refreshed: %s: %s", spec.slug, exc.__class__.__name__, exc)
        Dataset.objects.filter(pk=dataset.pk).update(last_error=f"{exc.__class__.__name__}: {exc}"[:2000],
                                                     last_error_at=now)
        dataset.refresh_from_db()
        return False
    with transaction.atomic():
        dataset.rows, dataset.geojson, dataset.row_count = rows, geojson, len(rows)
        dataset.generated_at, dataset.last_error, dataset.last_error_at = now, "", None
        dataset.save(update_fields=["rows", "geojson", "row_count", "generated_at", "last_error", "last_error_at",
                                    "modified_at"])
        audit.record(None, "openinfo.dataset.generated", dataset, {"rows": len(rows)})
    return True


def refresh(now: datetime | None = None, force: bool = False, only: str | None = None) -> dict[str, Any]:
    """The scheduled task: sync metadata of every discovered dataset and regenerate those that are due."""
    now = now or timezone.now()
    found = discover()
    result: dict[str, Any] = {"generated": [], "failed": [], "skipped": [], "app_errors": found.errors}
    live = set()
    for spec in found.specs:
        if only and spec.slug != only:
            continue
        live.add(spec.slug)
        dataset = _sync_metadata(spec)
        if not force and not is_due(dataset, now):
            result["skipped"].append(spec.slug)
            continue
        (result["generated"] if generate(spec, dataset, now) else result["failed"]).append(spec.slug)
    if not only:
        # A dataset whose app no longer offers it stops being listed (its app failed to import: keep it listed,
        # since the last good version is still valid and the error is shown to staff).
        broken_apps = set(found.errors)
        Dataset.objects.exclude(slug__in=live).exclude(source_app__in=broken_apps).update(is_active=False)
    return result


def public_datasets(*, with_rows: bool = False) -> Any:
    """Published datasets. Their rows (up to 100,000 each) are loaded only for the pages that show or serve them:
    the portal, the CKAN API and the DCAT catalogue read the metadata alone."""
    qs = Dataset.objects.filter(is_active=True, generated_at__isnull=False).select_related("publisher")
    return qs if with_rows else qs.defer("rows")
