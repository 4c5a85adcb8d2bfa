"""The catalogue as DCAT-AP style JSON-LD (`/catalog.jsonld`), for harvesters such as data.europa.eu-style
DCAT consumers and Satu Data Indonesia tools that read DCAT.
"""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from django.urls import reverse

from kotacerdas.core.models import SiteSettings
from kotacerdas.openinfo import catalog, ckan
from kotacerdas.openinfo.models import Dataset

CONTEXT = {
    "dcat": "http://www.w3.org/ns/dcat#",
    "dct": "http://purl.org/dc/terms/",
    "foaf": "http://xmlns.com/foaf/0.1/",
    "rdfs": "http://www.w3.org/2000/01/rdf-schema#",
    "xsd": "http://www.w3.org/2001/XMLSchema#",
    "vcard": "http://www.w3.org/2006/vcard/ns#",
}
# EU Publications Office frequency vocabulary, which DCAT-AP prescribes for dct:accrualPeriodicity.
FREQUENCY_URI = {
    "daily": "http://publications.europa.eu/resource/authority/frequency/DAILY",
    "weekly": "http://publications.europa.eu/resource/authority/frequency/WEEKLY",
    "monthly": "http://publications.europa.eu/resource/authority/frequency/MONTHLY",
}


def _publisher(name: str) -> dict[str, Any]:
    return {"@type": "foaf:Organization", "foaf:name": name}


def dataset_node(request: HttpRequest, dataset: Dataset, city: Any) -> dict[str, Any]:
    page = request.build_absolute_uri(reverse("openinfo:dataset", args=[dataset.slug]))
    license_url = catalog.LICENSES.get(dataset.license_id, ("", ""))[1]
    modified = dataset.generated_at.isoformat() if dataset.generated_at else None
    node: dict[str, Any] = {
        "@id": page, "@type": "dcat:Dataset", "dct:identifier": dataset.slug, "dct:title": dataset.title,
        "dct:description": dataset.description, "dcat:keyword": dataset.keywords,
        "dct:issued": {"@value": dataset.created_at.isoformat(), "@type": "xsd:dateTime"},
        "dct:modified": {"@value": modified, "@type": "xsd:dateTime"} if modified else None,
        "dct:accrualPeriodicity": {"@id": FREQUENCY_URI[dataset.frequency]},
        "dct:publisher": _publisher(dataset.publisher.name if dataset.publisher else SiteSettings.load().public_name),
        "dct:license": {"@id": license_url} if license_url else dataset.license_id,
        "dct:temporal": {"@type": "dct:PeriodOfTime", "rdfs:label": dataset.temporal},
        "dcat:landingPage": {"@id": page},
        "dcat:distribution": [],
    }
    if city is not None:
        node["dct:spatial"] = {"@type": "dct:Location", "rdfs:label": city.name,
                               "dct:identifier": city.code}
    for ext, label, mimetype in ckan.formats_of(dataset):
        url = request.build_absolute_uri(reverse("openinfo:download", args=[dataset.slug, ext]))
        node["dcat:distribution"].append({
            "@id": url, "@type": "dcat:Distribution", "dct:title": f"{dataset.title} ({label})",
            "dcat:accessURL": {"@id": url}, "dcat:downloadURL": {"@id": url}, "dct:format": label,
            "dcat:mediaType": mimetype, "dct:license": {"@id": license_url} if license_url else dataset.license_id,
            "dct:modified": {"@value": modified, "@type": "xsd:dateTime"} if modified else None,
        })
    return {k: v for k, v in node.items() if v is not None}


def catalog_document(request: HttpRequest) -> dict[str, Any]:
    site = SiteSettings.load()
    city = site.city
    return {
        "@context": CONTEXT,
        "@id": request.build_absolute_uri(reverse("openinfo:catalog-jsonld")),
        "@type": "dcat:Catalog",
        "dct:title": f"Portal Data Terbuka {city.name if city else site.public_name}",
        "dct:description": "Katalog data terbuka yang dihasilkan platform Kota Cerdas.",
        "dct:publisher": _publisher(f"Pemerintah {city.name}" if city else site.public_name),
        "dcat:homepage": {"@id": request.build_absolute_uri(reverse("openinfo:portal"))},
        "dct:language": "id",
        "dcat:dataset": [dataset_node(request, d, city) for d in catalog.public_datasets().order_by("slug")],
    }
