"""The city profile (issue #6 §2): area, population, administrative units, OPDs and the services routed to them.

Everything comes from the platform's data, each figure with its source:
- the kab/kota, its kecamatan and kelurahan/desa, area and population: the regions app (Kepmendagri
  300.2.2-2138/2025 codes; population and area from cahyadsn/wilayah, kotacerdas/regions/data/README.md);
- facts the regions app does not hold (lingkungan count, the city's own area figure): data/city_facts.csv here;
- OPDs: the agencies app (with each agency's `source`); their services: the complaint categories whose current
  routing rule sends them to the OPD (complaints.RoutingRule with no `valid_to`).
"""

from __future__ import annotations

import csv
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from django.db.models import Count, Q
from django.utils.translation import gettext as _

DATA_FILE = Path(__file__).resolve().parent / "data" / "city_facts.csv"
REGIONS_SOURCE = ("Kepmendagri 300.2.2-2138/2025; data cahyadsn/wilayah (MIT), "
                  "kotacerdas/regions/data/README.md")


@dataclass
class Fact:
    key: str
    label: str
    value: Any
    unit: str = ""
    source: str = ""
    source_url: str = ""


@dataclass
class CityProfile:
    city: Any
    facts: list[Fact] = field(default_factory=list)
    kecamatan: list[dict[str, Any]] = field(default_factory=list)
    agencies: list[dict[str, Any]] = field(default_factory=list)

    def fact(self, key: str) -> Fact | None:
        return next((f for f in self.facts if f.key == key), None)


def city_facts(city_code: str) -> dict[str, dict[str, str]]:
    """Rows of data/city_facts.csv for this city, by key."""
    with DATA_FILE.open(encoding="utf-8", newline="") as fh:
        return {row["key"]: row for row in csv.DictReader(fh) if row["city_code"] == city_code}


def build(city: Any) -> CityProfile | None:
    """The profile of `city` (a kab/kota Region), or None when the site has no city yet."""
    if city is None:
        return None
    from kotacerdas.agencies.models import Agency
    from kotacerdas.complaints.models import RoutingRule
    from kotacerdas.regions.models import Level, Region

    extra = city_facts(city.code)
    kecamatan = list(Region.objects.filter(parent=city, level=Level.KECAMATAN).annotate(
        kelurahan_n=Count("children", filter=Q(children__level=Level.KELURAHAN)),
        desa_n=Count("children", filter=Q(children__level=Level.DESA)),
    ).order_by("name"))
    kel_total = sum(k.kelurahan_n for k in kecamatan)
    desa_total = sum(k.desa_n for k in kecamatan)
    profile = CityProfile(city=city)
    facts = profile.facts
    if "area_km2" in extra:
        row = extra["area_km2"]
        facts.append(Fact("area_km2", _("Luas wilayah"), float(row["value"]), "km²", row["source"],
                          row["source_url"]))
    if city.area_km2:
        facts.append(Fact("area_km2_regions", _("Luas menurut data wilayah Kemendagri"), round(city.area_km2, 2),
                          "km²", REGIONS_SOURCE))
    if city.population:
        facts.append(Fact("population", _("Penduduk"), city.population, _("jiwa"), REGIONS_SOURCE))
        area = facts[0].value if facts and facts[0].key == "area_km2" else city.area_km2
        if area:
            facts.append(Fact("density", _("Kepadatan penduduk"), round(city.population / area), _("jiwa/km²"),
                              _("dihitung dari penduduk dan luas di atas")))
    facts.append(Fact("kecamatan", _("Kecamatan"), len(kecamatan), "", REGIONS_SOURCE))
    facts.append(Fact("kelurahan", _("Kelurahan"), kel_total, "", REGIONS_SOURCE))
    if desa_total:
        facts.append(Fact("desa", _("Desa"), desa_total, "", REGIONS_SOURCE))
    if "lingkungan" in extra:
        row = extra["lingkungan"]
        facts.append(Fact("lingkungan", _("Lingkungan"), int(row["value"]), "", row["source"], row["source_url"]))
    profile.kecamatan = [{"code": k.code, "name": k.name, "kelurahan": k.kelurahan_n, "desa": k.desa_n,
                          "area_km2": k.area_km2, "population": k.population} for k in kecamatan]

    services: dict[int, list[str]] = {}
    for rule in (RoutingRule.objects.filter(valid_to__isnull=True, category__is_active=True)
                 .select_related("category").order_by("category__name")):
        names = services.setdefault(rule.agency_id, [])
        if rule.category.name not in names:
            names.append(rule.category.name)
    for agency in Agency.objects.filter(is_active=True).filter(Q(city=city) | Q(city__isnull=True)).order_by(
            "kind", "name"):
        profile.agencies.append({
            "code": agency.code, "name": agency.name, "short_name": agency.short_name,
            "kind": agency.get_kind_display(), "services": services.get(agency.pk, []),
            "source": agency.source, "is_demo": agency.is_demo,
        })
    return profile
