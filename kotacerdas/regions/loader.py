"""Set up any Indonesian kab/kota from the bundled Kemendagri data (`kotacerdas/regions/data/`, see README).

`setup_region("12.71")` writes the provinsi, the kab/kota, every kecamatan and every kelurahan/desa with
their codes and names (indonesia_wilayah.csv.gz), the kab/kota and kecamatan outlines (the per-city GeoJSON
for the five bundled cities, the national files otherwise), kelurahan/desa outlines and centroids where
bundled, and area and population where `kabkota_summary.csv` has them. It is idempotent: rows are matched by
code and updated in place, so re-running it after a data update never duplicates a unit nor breaks the
complaints that point at one.
"""

from __future__ import annotations

import csv
import gzip
import io
import json
import re
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from django.db import transaction
from django.db.models import Q
from django.utils.translation import gettext as _

from kotacerdas.regions.models import KABKOTA_LEVELS, VILLAGE_LEVELS, Level, Region

DATA_DIR = Path(__file__).resolve().parent / "data"

WIB, WITA, WIT = "Asia/Jakarta", "Asia/Makassar", "Asia/Jayapura"
# Keppres 41/1987 zones by province: Bali, Nusa Tenggara, south/east/north Kalimantan and all of Sulawesi are
# WITA; Maluku and the Papua provinces are WIT; the rest (Sumatra, Java, west/central Kalimantan) is WIB.
WITA_PROVINCES = frozenset({"51", "52", "53", "63", "64", "65", "71", "72", "73", "74", "75", "76"})
WIT_PROVINCES = frozenset({"81", "82", "91", "92", "93", "94", "95", "96", "97"})

DEFAULT_PUBLIC_NAME = "Kota Cerdas"
DEFAULT_TRACKING_PREFIX = "KC"

# Dotted display form (12.71.01.1001) or the bare digits (1271011001), at any of the four levels.
_DOTTED = re.compile(r"^\d{2}(?:\.\d{2}(?:\.\d{2}(?:\.\d{4})?)?)?$")
_DIGITS = re.compile(r"^(?:\d{2}|\d{4}|\d{6}|\d{10})$")


class RegionError(ValueError):
    """A code that cannot be set up; `.message` is the Indonesian explanation shown to the operator."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


# Codes ------------------------------------------------------------------------------------------------


def normalize_code(code: str) -> str:
    """'1271' or ' 12.71 ' -> '12.71'. Raises RegionError for anything that is not a Kemendagri code shape."""
    raw = (code or "").strip()
    if _DIGITS.match(raw):
        parts = [raw[0:2], raw[2:4], raw[4:6], raw[6:10]]
        return ".".join(p for p in parts if p)
    if _DOTTED.match(raw):
        return raw
    raise RegionError(
        _(
            "Kode wilayah “%(code)s” tidak valid. Gunakan kode kab/kota Kemendagri, "
            "misalnya 12.71 (Kota Medan)."
        )
        % {"code": raw}
    )


def kabkota_code(code: str) -> str:
    """Validate a kab/kota code (egov-rules §9 rule 45) and return its dotted form."""
    dotted = normalize_code(code)
    parts = dotted.split(".")
    if len(parts) != 2:
        level = {1: _("provinsi"), 3: _("kecamatan"), 4: _("kelurahan/desa")}[len(parts)]
        raise RegionError(
            _("Kode %(code)s adalah kode %(level)s, bukan kab/kota. Gunakan kode dua bagian seperti 12.71.")
            % {"code": dotted, "level": level}
        )
    number = int(parts[1])
    # Permendagri 137/2017 Pasal 4: kabupaten 01-69, kota 71-99; 00 and 70 are never issued.
    if not (1 <= number <= 69 or 71 <= number <= 99):
        raise RegionError(
            _("Kode %(code)s tidak valid: nomor kabupaten 01–69 dan nomor kota 71–99.") % {"code": dotted}
        )
    return dotted


def timezone_for(code: str) -> str:
    """IANA time zone of a region by its province code (the first two digits)."""
    prov = code.strip()[:2]
    if prov in WITA_PROVINCES:
        return WITA
    if prov in WIT_PROVINCES:
        return WIT
    return WIB


def short_name(name: str) -> str:
    """'Kota Administrasi Jakarta Pusat' -> 'Jakarta Pusat', 'Kabupaten Aceh Barat' -> 'Aceh Barat'."""
    return (
        re.sub(r"^(?:Kota|Kabupaten)\s+(?:Administrasi\s+)?", "", name.strip(), flags=re.IGNORECASE) or name
    )


def public_name_for(name: str) -> str:
    return _("Layanan Aduan %(name)s") % {"name": name}


def tracking_prefix_for(name: str) -> str:
    """A short uppercase prefix for complaint numbers: initials of a multi-word name ('Aceh Barat' -> 'AB'),
    else the first letter and the next two consonants ('Medan' -> 'MDN', 'Lhokseumawe' -> 'LHK')."""
    ascii_name = unicodedata.normalize("NFKD", short_name(name)).encode("ascii", "ignore").decode()
    words = [w for w in re.split(r"[^A-Za-z]+", ascii_name) if w and w.lower() != "dan"]
    if not words:
        return DEFAULT_TRACKING_PREFIX
    if len(words) > 1:
        return "".join(w[0] for w in words)[:4].upper()
    word = words[0].upper()
    prefix = word[0] + "".join(c for c in word[1:] if c not in "AEIOU")[:2]
    return prefix if len(prefix) == 3 else word[:3]


# Reading the bundled data -----------------------------------------------------------------------------


@dataclass
class Unit:
    code: str
    name: str
    level: str
    parent_code: str | None
    lat: float | None = None
    lon: float | None = None
    boundary: dict[str, Any] | None = None
    extra: dict[str, Any] = field(default_factory=dict)


def _float(value: Any) -> float | None:
    if value in (None, ""):
        return None
    return float(value)


def _read_units(prov: str, kab: str) -> list[Unit]:
    """Rows of the provinsi, the kab/kota and everything under it, from the national code list."""
    # The file is sorted by code and every line starts with the code, so a text prefix test skips ~99% of the
    # 91k lines before the csv module (needed for names with quoted commas) ever sees them.
    wanted = (prov + ",", kab + ",", kab + ".")
    with gzip.open(DATA_DIR / "indonesia_wilayah.csv.gz", "rt", encoding="utf-8", newline="") as fh:
        header = fh.readline()
        lines = [line for line in fh if line.startswith(wanted)]
    reader = csv.DictReader(io.StringIO(header + "".join(lines)))
    return [Unit(r["code"], r["name"], r["level"], r["parent_code"] or None) for r in reader]


def _summary() -> dict[str, dict[str, str]]:
    with open(DATA_DIR / "kabkota_summary.csv", encoding="utf-8", newline="") as fh:
        return {row["code"]: row for row in csv.DictReader(fh)}


def _features(path: Path) -> list[dict[str, Any]]:
    opener = gzip.open if path.suffix == ".gz" else open
    with opener(path, "rt", encoding="utf-8") as fh:
        return json.load(fh)["features"]


def _centroid(props: dict[str, Any]) -> tuple[float | None, float | None]:
    # Per-city files name them centroid_lat/lon, the national ones lat/lon.
    lat = props.get("centroid_lat", props.get("lat"))
    lon = props.get("centroid_lon", props.get("lon"))
    return _float(lat), _float(lon)


def _apply_features(
    units: dict[str, Unit], features: list[dict[str, Any]], prefix: str | None = None
) -> None:
    for feature in features:
        props = feature.get("properties") or {}
        code = props.get("code", "")
        if prefix is not None and not code.startswith(prefix):
            continue
        unit = units.get(code)
        if unit is None:
            continue  # an outline for a code no longer in the Kepmendagri list
        unit.lat, unit.lon = _centroid(props)
        if feature.get("geometry"):
            unit.boundary = feature["geometry"]


def read_kabkota(code: str) -> list[Unit]:
    """Everything `setup_region` would write for a kab/kota code, parents first. Raises RegionError."""
    kab = kabkota_code(code)
    prov = kab[:2]
    units = _read_units(prov, kab)
    by_code = {u.code: u for u in units}
    head = by_code.get(kab)
    if head is None or head.level not in KABKOTA_LEVELS:
        raise RegionError(
            _("Kode kab/kota %(code)s tidak ada dalam daftar Kepmendagri 300.2.2-2138/2025.") % {"code": kab}
        )
    if prov not in by_code:  # never happens with the bundled list; guards a hand-edited file
        raise RegionError(_("Provinsi %(code)s tidak ada dalam daftar Kemendagri.") % {"code": prov})
    # Rule 45: a code's parent is its prefix. The national list is built so; check rather than trust it.
    for unit in units:
        if unit.parent_code and not unit.code.startswith(unit.parent_code + "."):
            raise RegionError(
                _("Data wilayah rusak: induk %(parent)s bukan awalan kode %(code)s.")
                % {"parent": unit.parent_code, "code": unit.code}
            )

    summary = _summary().get(kab)
    slug = summary["file_slug"] if summary else ""
    if slug and (DATA_DIR / f"{slug}_kecamatan.geojson").exists():
        _apply_features(by_code, _features(DATA_DIR / f"{slug}_kabkota.geojson"))
        _apply_features(by_code, _features(DATA_DIR / f"{slug}_kecamatan.geojson"))
        _apply_features(by_code, _features(DATA_DIR / f"{slug}_kelurahan.geojson"))
    else:
        _apply_features(by_code, _features(DATA_DIR / "indonesia_kabkota.geojson.gz"), prefix=kab)
        _apply_features(by_code, _features(DATA_DIR / "indonesia_kecamatan.geojson.gz"), prefix=kab + ".")

    head.extra["timezone"] = timezone_for(kab)
    if summary:
        if summary.get("area_km2"):
            head.extra["area_km2"] = float(summary["area_km2"])
        if summary.get("population_total"):
            head.extra["population"] = int(summary["population_total"])
    order = {Level.PROVINSI: 0, Level.KABUPATEN: 1, Level.KOTA: 1, Level.KECAMATAN: 2}
    return sorted(units, key=lambda u: (order.get(u.level, 3), u.code))


# Writing ----------------------------------------------------------------------------------------------

_GEO_FIELDS = ("lat", "lon", "boundary")


def _write(units: list[Unit], scope: Q) -> None:
    """Create or update by code, one level at a time so each level's parents already have ids."""
    existing = {r.code: r for r in Region.objects.filter(scope)}
    ids = {code: r.pk for code, r in existing.items()}
    for depth in (1, 2, 3, 4):
        batch = [u for u in units if u.code.count(".") == depth - 1]
        new: list[Region] = []
        changed: list[Region] = []
        for unit in batch:
            values: dict[str, Any] = {
                "name": unit.name,
                "level": unit.level,
                "parent_id": ids.get(unit.parent_code) if unit.parent_code else None,
            }
            # Never erase what the data does not have: an outline or figure an admin added stays.
            values.update({f: getattr(unit, f) for f in _GEO_FIELDS if getattr(unit, f) is not None})
            values.update(unit.extra)
            region = existing.get(unit.code)
            if region is None:
                new.append(Region(code=unit.code, **values))
            elif any(getattr(region, k) != v for k, v in values.items()):
                for key, value in values.items():
                    setattr(region, key, value)
                changed.append(region)
        Region.objects.bulk_create(new, batch_size=500)
        if changed:
            fields = sorted({"name", "level", "parent", *_GEO_FIELDS, "timezone", "area_km2", "population"})
            Region.objects.bulk_update(changed, fields, batch_size=200)
        if new:
            codes = [u.code for u in batch]
            # Re-read the ids instead of relying on RETURNING support of the database backend.
            level_scope = scope & Q(code__in=codes) if len(codes) < 900 else scope
            ids.update(dict(Region.objects.filter(level_scope).values_list("code", "pk")))


def activate_city(city: Region) -> None:
    """Point SiteSettings at `city`. Keep a name and prefix the operator chose; replace only the defaults."""
    from kotacerdas.core.models import SiteSettings

    site = SiteSettings.load()
    previous = site.city
    # What we generated for the previous city counts as a default too, so switching cities does not leave
    # "Layanan Aduan Kota Medan" on a Manado site.
    generated_names = {DEFAULT_PUBLIC_NAME, ""}
    generated_prefixes = {DEFAULT_TRACKING_PREFIX, ""}
    if previous is not None and previous.pk != city.pk:
        generated_names.add(public_name_for(previous.name))
        generated_prefixes.add(tracking_prefix_for(previous.name))
    site.city = city
    site.timezone = city.timezone or timezone_for(city.code)
    if site.public_name in generated_names:
        site.public_name = public_name_for(city.name)
    if site.tracking_prefix in generated_prefixes:
        site.tracking_prefix = tracking_prefix_for(city.name)
    site.save()


def setup_region(code: str, *, activate: bool = True) -> Region:
    """Create or update a kab/kota and all its units; with `activate`, make it the city this site serves.

    Accepts "12.71" or "1271". Raises RegionError (Indonesian `.message`) for a malformed code, an unknown
    code or a code that is not a kab/kota.
    """
    units = read_kabkota(code)
    kab = next(u.code for u in units if u.level in KABKOTA_LEVELS)
    scope = Q(code=kab[:2]) | Q(code=kab) | Q(code__startswith=kab + ".")
    with transaction.atomic():
        _write(units, scope)
        city = Region.objects.get(code=kab)
        if activate:
            activate_city(city)

    from kotacerdas.regions import geo

    # This process's lookup index may hold the old outlines; other processes rebuild on a city change.
    geo.reset_cache()
    return city


def counts(city: Region) -> dict[str, int]:
    """Units under a kab/kota, for the command's summary line."""
    villages = Region.objects.filter(parent__parent=city, level__in=VILLAGE_LEVELS)
    return {
        "kecamatan": Region.objects.filter(parent=city, level=Level.KECAMATAN).count(),
        "kelurahan": villages.filter(level=Level.KELURAHAN).count(),
        "desa": villages.filter(level=Level.DESA).count(),
        "batas": villages.filter(boundary__isnull=False).count(),
    }
