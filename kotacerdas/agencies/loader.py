"""Loading the OPD directory from CSV files, and one office per kecamatan/kelurahan of a city.

The bundled `data/medan_opd.csv` holds 15 Pemko Medan agencies compiled from news reports (see
`data/README.md`: the codes are our own slugs, not official codes, and the list is partial). Each row's
`duties` cites its sources as [S1], [S2]...; the loader resolves those against the README's source list and
stores them in `Agency.source`, so the admin shows where every agency name comes from.

Loading is idempotent: agencies are matched by `code` and updated in place, so re-running after a data fix
never duplicates an OPD nor touches what an admin set by hand (the head, contact details, is_active).
"""

from __future__ import annotations

import csv
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

from django.db import transaction
from django.utils.text import slugify

from kotacerdas.agencies.models import Agency, AgencyKind
from kotacerdas.regions.models import VILLAGE_LEVELS, Level, Region

DATA_DIR = Path(__file__).resolve().parent / "data"
MEDAN_OPD_CSV = DATA_DIR / "medan_opd.csv"
MEDAN_OPD_README = DATA_DIR / "README.md"
MEDAN_CITY_CODE = "12.71"

_SOURCE_LINE = re.compile(r"^\s*-\s*(S\d+):\s*(.+?)\s*$")
_SOURCE_REF = re.compile(r"\[(S\d+)\]")

# Name prefix -> kind; the first match wins, so the longer "Satuan Polisi" precedes anything generic.
_KIND_BY_PREFIX = (
    ("satuan polisi pamong praja", AgencyKind.SATPOL),
    ("satpol", AgencyKind.SATPOL),
    ("dinas", AgencyKind.DINAS),
    ("badan", AgencyKind.BADAN),
    ("sekretariat", AgencyKind.SEKRETARIAT),
    ("bagian", AgencyKind.SEKRETARIAT),
    ("inspektorat", AgencyKind.OTHER),
    ("kecamatan", AgencyKind.KECAMATAN),
    ("kantor camat", AgencyKind.KECAMATAN),
    ("kelurahan", AgencyKind.KELURAHAN),
    ("kantor lurah", AgencyKind.KELURAHAN),
    ("pdam", AgencyKind.BUMD),
    ("perumda", AgencyKind.BUMD),
    ("pt ", AgencyKind.BUMD),
)


@dataclass
class AgencyRow:
    code: str
    name: str
    short_name: str = ""
    kind: str = ""
    duties: str = ""
    source: str = ""
    region_code: str = ""


@dataclass
class LoadResult:
    created: list[str] = field(default_factory=list)
    updated: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)

    @property
    def total(self) -> int:
        return len(self.created) + len(self.updated) + len(self.unchanged)

    def merge(self, other: LoadResult) -> LoadResult:
        self.created += other.created
        self.updated += other.updated
        self.unchanged += other.unchanged
        return self


def kind_for(name: str) -> str:
    lowered = name.strip().lower()
    for prefix, kind in _KIND_BY_PREFIX:
        if lowered.startswith(prefix):
            return kind
    return AgencyKind.OTHER


def read_sources(readme: Path) -> dict[str, str]:
    """'- S1: inspirasinews.id/?p=20273 (20 Dec 2022). ...' lines of a data README -> {"S1": "..."}."""
    sources: dict[str, str] = {}
    for line in readme.read_text(encoding="utf-8").splitlines():
        match = _SOURCE_LINE.match(line)
        if match:
            sources[match.group(1)] = match.group(2)
    return sources


def cite(duties: str, sources: dict[str, str], dataset: str) -> str:
    """The `source` text for a row: the dataset it came from plus every [Sn] its duties cite, resolved."""
    refs = list(dict.fromkeys(_SOURCE_REF.findall(duties or "")))
    lines = [dataset] + [f"[{ref}] {sources[ref]}" for ref in refs if ref in sources]
    missing = [ref for ref in refs if ref not in sources]
    if missing:
        # A README that lost a source line must not silently drop the citation.
        lines.append(f"(sumber {', '.join(missing)} tidak ditemukan di README)")
    return "\n".join(lines)


def read_csv(path: Path, *, sources: dict[str, str] | None = None, dataset: str = "") -> list[AgencyRow]:
    """Rows of an agency CSV. Required columns: code, name. Optional: short_name, kind, duties, source,
    region_code. Without a `source` column the source is `dataset` plus the [Sn] citations in `duties`."""
    rows: list[AgencyRow] = []
    with open(path, encoding="utf-8", newline="") as fh:
        for raw in csv.DictReader(fh):
            code = (raw.get("code") or "").strip()
            name = (raw.get("name") or "").strip()
            if not code or not name:
                raise ValueError(f"{path.name}: every row needs code and name (got {raw!r})")
            duties = (raw.get("duties") or "").strip()
            source = (raw.get("source") or "").strip() or cite(duties, sources or {}, dataset or path.name)
            rows.append(AgencyRow(
                code=code, name=name, short_name=(raw.get("short_name") or "").strip(),
                kind=(raw.get("kind") or "").strip() or kind_for(name), duties=duties, source=source,
                region_code=(raw.get("region_code") or "").strip(),
            ))
    codes = [r.code for r in rows]
    duplicates = sorted({c for c in codes if codes.count(c) > 1})
    if duplicates:
        raise ValueError(f"{path.name}: duplicate codes {', '.join(duplicates)}")
    return rows


@transaction.atomic
def load_rows(rows: Iterable[AgencyRow], city: Region | None, *, is_demo: bool = False) -> LoadResult:
    """Create or update agencies by code. Only the fields the data owns are written (never head/contacts)."""
    result = LoadResult()
    regions = {r.region_code for r in rows if r.region_code}
    region_by_code = {r.code: r for r in Region.objects.filter(code__in=regions)} if regions else {}
    for row in rows:
        region = region_by_code.get(row.region_code) if row.region_code else None
        if row.region_code and region is None:
            raise ValueError(f"agency {row.code}: region {row.region_code} missing (run setup_region first)")
        values = {
            "name": row.name, "short_name": row.short_name, "kind": row.kind or kind_for(row.name),
            "duties": row.duties, "source": row.source, "is_demo": is_demo,
            "city_id": city.pk if city else None, "region_id": region.pk if region else None,
        }
        agency = Agency.objects.filter(code=row.code).first()
        if agency is None:
            Agency.objects.create(code=row.code, **values)
            result.created.append(row.code)
        elif any(getattr(agency, k) != v for k, v in values.items()):
            for key, value in values.items():
                setattr(agency, key, value)
            agency.save()
            result.updated.append(row.code)
        else:
            result.unchanged.append(row.code)
    return result


def medan_opd_rows() -> list[AgencyRow]:
    return read_csv(
        MEDAN_OPD_CSV, sources=read_sources(MEDAN_OPD_README),
        dataset="agencies/data/medan_opd.csv (daftar sebagian; kode buatan sendiri, bukan kode resmi)",
    )


def load_medan_opd(city: Region | None = None) -> LoadResult:
    """The 15 Pemko Medan OPD of the bundled CSV (real names from the cited sources, so not is_demo)."""
    city = city or Region.objects.filter(code=MEDAN_CITY_CODE).first()
    return load_rows(medan_opd_rows(), city, is_demo=False)


def office_code(region: Region) -> str:
    prefix = "kecamatan" if region.level == Level.KECAMATAN else region.level
    # The region code keeps two kelurahan of the same name in different kecamatan apart.
    return f"{prefix}-{slugify(region.name)}-{region.code.replace('.', '')}"


def area_office_rows(city: Region, kelurahan_codes: Iterable[str] = ()) -> list[AgencyRow]:
    """One kantor camat per kecamatan of `city`, and a kantor lurah for each code in `kelurahan_codes`."""
    rows = []
    for kec in Region.objects.filter(parent=city, level=Level.KECAMATAN).order_by("code"):
        rows.append(AgencyRow(
            code=office_code(kec), name=f"Kecamatan {kec.name}", short_name=f"Kec. {kec.name}",
            kind=AgencyKind.KECAMATAN, region_code=kec.code,
            duties="Kantor camat: kebersihan dan ketertiban lingkungan, pelayanan administrasi di kecamatan.",
            source=f"Wilayah {kec.code} dari data Kemendagri (regions); kantor dibuat per kecamatan",
        ))
    wanted = list(kelurahan_codes)
    villages = Region.objects.filter(code__in=wanted, level__in=VILLAGE_LEVELS, parent__parent=city)
    for kel in villages.order_by("code"):
        label = "Kelurahan" if kel.level == Level.KELURAHAN else "Desa"
        rows.append(AgencyRow(
            code=office_code(kel), name=f"{label} {kel.name}", short_name=f"Kel. {kel.name}",
            kind=AgencyKind.KELURAHAN, region_code=kel.code,
            duties="Kantor lurah: pelayanan warga dan lingkungan di kelurahan.",
            source=f"Wilayah {kel.code} dari data Kemendagri (regions); kantor dibuat per kelurahan",
        ))
    return rows


def setup_area_offices(city: Region, kelurahan_codes: Iterable[str] = (), *,
                       is_demo: bool = False) -> LoadResult:
    return load_rows(area_office_rows(city, kelurahan_codes), city, is_demo=is_demo)
