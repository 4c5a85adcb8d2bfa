"""A read-only CKAN-compatible Action API (`/api/3/action/<name>`) over the open-data catalogue, so CKAN clients and
harvesters (ckanapi, the CKAN harvester, data.go.id's Satu Data tools) can read it.

Envelope and errors follow CKAN 2.x: `{"help", "success", "result"}`; a missing parameter is a 409 "Validation
Error" with a field-keyed dict, an unknown object a 404 "Not Found Error", an unknown action a 400 "Bad request",
a bad `fq` a 409 "Search Query Error". GET (query string) and POST (JSON body, as ckanapi sends) both work.
"""

from __future__ import annotations

import json
import re
import shlex
import uuid
from collections.abc import Callable
from typing import Any

from django.http import HttpRequest, JsonResponse
from django.urls import reverse
from django.views.decorators.csrf import csrf_exempt

from kotacerdas.core.models import SiteSettings
from kotacerdas.openinfo import catalog
from kotacerdas.openinfo.models import Dataset

FORMATS = (("csv", "CSV", "text/csv"), ("json", "JSON", "application/json"),
           ("geojson", "GeoJSON", "application/geo+json"))
MAX_ROWS = 1000
CKAN_VERSION = "2.10.4"


class ActionError(Exception):
    def __init__(self, status: int, error: dict[str, Any]) -> None:
        super().__init__(error)
        self.status, self.error = status, error


def not_found(message: str = "Not found") -> ActionError:
    return ActionError(404, {"__type": "Not Found Error", "message": message})


def validation(**fields: str) -> ActionError:
    return ActionError(409, {"__type": "Validation Error", **{k: [v] for k, v in fields.items()}})


def _absolute(request: HttpRequest, path: str) -> str:
    return request.build_absolute_uri(path)


def resource_id(dataset: Dataset, fmt: str) -> str:
    """Stable across regenerations: derived from the dataset id and the format."""
    return str(uuid.uuid5(dataset.id, fmt))


def formats_of(dataset: Dataset) -> list[tuple[str, str, str]]:
    return [f for f in FORMATS if f[0] != "geojson" or dataset.geojson]


def organization_dict(agency: Any, count: int | None = None) -> dict[str, Any]:
    org = {"id": agency.code, "name": agency.code, "title": agency.name, "display_name": agency.name,
           "description": agency.duties or "", "type": "organization", "is_organization": True,
           "state": "active", "approval_status": "approved", "image_url": ""}
    if count is not None:
        org["package_count"] = count
    return org


def resource_dict(request: HttpRequest, dataset: Dataset, fmt: tuple[str, str, str], position: int) -> dict[str, Any]:
    ext, label, mimetype = fmt
    modified = dataset.generated_at.isoformat() if dataset.generated_at else None
    return {"id": resource_id(dataset, ext), "package_id": str(dataset.id), "position": position,
            "name": f"{dataset.title} ({label})", "description": dataset.description, "format": label,
            "mimetype": mimetype, "url": _absolute(request, reverse("openinfo:download", args=[dataset.slug, ext])),
            "url_type": None, "state": "active", "created": dataset.created_at.isoformat(),
            "last_modified": modified, "metadata_modified": modified}


def package_dict(request: HttpRequest, dataset: Dataset) -> dict[str, Any]:
    license_title, license_url = catalog.LICENSES.get(dataset.license_id, (dataset.license_id, ""))
    resources = [resource_dict(request, dataset, f, i) for i, f in enumerate(formats_of(dataset))]
    org = organization_dict(dataset.publisher) if dataset.publisher else None
    return {
        "id": str(dataset.id), "name": dataset.slug, "title": dataset.title, "notes": dataset.description,
        "type": "dataset", "state": "active", "private": False, "isopen": True,
        "license_id": dataset.license_id, "license_title": license_title, "license_url": license_url,
        "metadata_created": dataset.created_at.isoformat(),
        "metadata_modified": (dataset.generated_at or dataset.modified_at).isoformat(),
        "author": None, "maintainer": dataset.publisher.name if dataset.publisher else None,
        "organization": org, "owner_org": org["id"] if org else None,
        "url": _absolute(request, reverse("openinfo:dataset", args=[dataset.slug])), "version": None,
        "tags": [{"id": k, "name": k, "display_name": k, "state": "active", "vocabulary_id": None}
                 for k in dataset.keywords],
        "num_tags": len(dataset.keywords), "groups": [],
        "extras": [{"key": "frequency", "value": dataset.frequency},
                   {"key": "temporal", "value": dataset.temporal},
                   {"key": "spatial_coverage", "value": "true" if dataset.spatial else "false"}],
        "frequency": dataset.frequency, "temporal": dataset.temporal, "spatial": dataset.spatial,
        "resources": resources, "num_resources": len(resources),
    }


def _get_dataset(name_or_id: str) -> Dataset:
    qs = catalog.public_datasets()
    found = qs.filter(slug=name_or_id).first()
    if found is None:
        try:
            found = qs.filter(id=uuid.UUID(str(name_or_id))).first()
        except ValueError:
            found = None
    if found is None:
        raise not_found()
    return found


def _int(params: dict[str, Any], key: str, default: int, maximum: int) -> int:
    raw = params.get(key, default)
    try:
        value = int(raw)
    except (TypeError, ValueError):
        raise validation(**{key: "Invalid integer"}) from None
    if value < 0:
        raise validation(**{key: "Must be a positive integer"})
    return min(value, maximum)


# --- actions -----------------------------------------------------------------------------------------------------


def package_list(request: HttpRequest, params: dict[str, Any]) -> Any:
    names = list(catalog.public_datasets().order_by("slug").values_list("slug", flat=True))
    offset = _int(params, "offset", 0, 10**6)
    limit = _int(params, "limit", len(names) or 1, 10**6) if "limit" in params else None
    return names[offset:offset + limit] if limit is not None else names[offset:]


def package_show(request: HttpRequest, params: dict[str, Any]) -> Any:
    name_or_id = params.get("id") or params.get("name_or_id")
    if not name_or_id:
        raise validation(id="Missing value")
    return package_dict(request, _get_dataset(str(name_or_id)))


FQ_FIELDS = {"organization", "tags", "res_format", "name", "frequency", "owner_org"}
FQ_TOKEN = re.compile(r"^(?P<neg>[-+]?)(?P<field>\w+):(?P<value>.+)$")


def _parse_fq(fq: str) -> list[tuple[bool, str, str]]:
    """Basic Solr fq: space-separated `field:value` terms (value may be quoted), ANDed; `-field:value` negates."""
    try:
        tokens = shlex.split(fq)
    except ValueError:
        raise ActionError(409, {"__type": "Search Query Error", "message": "Search Query Error: unbalanced quotes"}) \
            from None
    terms = []
    for token in tokens:
        if token.upper() == "AND":
            continue
        match = FQ_TOKEN.match(token)
        if not match or match["field"] not in FQ_FIELDS:
            raise ActionError(409, {"__type": "Search Query Error",
                                    "message": f"Search Query Error: unsupported fq term {token!r}; supported "
                                               f"fields: {', '.join(sorted(FQ_FIELDS))}"})
        terms.append((match["neg"] == "-", match["field"], match["value"].strip('"')))
    return terms


def _matches_fq(pkg: dict[str, Any], field: str, value: str) -> bool:
    value_l = value.lower()
    if field in ("organization", "owner_org"):
        return bool(pkg["organization"] and pkg["organization"]["name"].lower() == value_l)
    if field == "tags":
        return any(t["name"].lower() == value_l for t in pkg["tags"])
    if field == "res_format":
        return any(r["format"].lower() == value_l for r in pkg["resources"])
    return str(pkg.get(field, "")).lower() == value_l


def _matches_q(pkg: dict[str, Any], terms: list[str]) -> bool:
    text = " ".join([pkg["name"], pkg["title"], pkg["notes"] or "", " ".join(t["name"] for t in pkg["tags"]),
                     pkg["organization"]["title"] if pkg["organization"] else ""]).lower()
    return all(term in text for term in terms)


def package_search(request: HttpRequest, params: dict[str, Any]) -> Any:
    rows = _int(params, "rows", 10, MAX_ROWS)
    start = _int(params, "start", 0, 10**6)
    q = str(params.get("q") or "").strip()
    terms = [] if q in ("", "*:*") else [t.lower() for t in re.findall(r"\w+", q)]
    fq = _parse_fq(str(params.get("fq") or ""))
    results = []
    for dataset in catalog.public_datasets().order_by("slug"):
        pkg = package_dict(request, dataset)
        if terms and not _matches_q(pkg, terms):
            continue
        if all(_matches_fq(pkg, f, v) != neg for neg, f, v in fq):
            results.append(pkg)
    return {"count": len(results), "results": results[start:start + rows], "sort": "score desc, name asc",
            "facets": {}, "search_facets": {}}


def organization_list(request: HttpRequest, params: dict[str, Any]) -> Any:
    counts: dict[str, int] = {}
    agencies: dict[str, Any] = {}
    for dataset in catalog.public_datasets():
        if dataset.publisher:
            agencies[dataset.publisher.code] = dataset.publisher
            counts[dataset.publisher.code] = counts.get(dataset.publisher.code, 0) + 1
    names = sorted(agencies)
    all_fields = str(params.get("all_fields", "")).lower() in ("true", "1", "yes")
    if all_fields:
        return [organization_dict(agencies[n], counts[n]) for n in names]
    return names


def organization_show(request: HttpRequest, params: dict[str, Any]) -> Any:
    name = params.get("id")
    if not name:
        raise validation(id="Missing value")
    for dataset in catalog.public_datasets():
        if dataset.publisher and str(name) in (dataset.publisher.code,):
            count = catalog.public_datasets().filter(publisher=dataset.publisher).count()
            return organization_dict(dataset.publisher, count)
    raise not_found("Organization not found")


def resource_show(request: HttpRequest, params: dict[str, Any]) -> Any:
    rid = params.get("id")
    if not rid:
        raise validation(id="Missing value")
    for dataset in catalog.public_datasets():
        for position, fmt in enumerate(formats_of(dataset)):
            if resource_id(dataset, fmt[0]) == str(rid):
                return resource_dict(request, dataset, fmt, position)
    raise not_found("Resource was not found.")


def status_show(request: HttpRequest, params: dict[str, Any]) -> Any:
    site = SiteSettings.load()
    return {"ckan_version": CKAN_VERSION, "site_title": site.public_name, "site_url": _absolute(request, "/"),
            "site_description": "Kota Cerdas open data (CKAN-compatible read API)", "extensions": [],
            "locale_default": "id"}


ACTIONS: dict[str, Callable[[HttpRequest, dict[str, Any]], Any]] = {
    "package_list": package_list, "package_show": package_show, "package_search": package_search,
    "organization_list": organization_list, "organization_show": organization_show,
    "resource_show": resource_show, "status_show": status_show,
}


def _params(request: HttpRequest) -> dict[str, Any]:
    params: dict[str, Any] = {k: v for k, v in request.GET.items()}
    if request.method == "POST" and request.body:
        try:
            body = json.loads(request.body)
        except (ValueError, UnicodeDecodeError):
            body = {k: v for k, v in request.POST.items()}
        if not isinstance(body, dict):
            raise ActionError(400, {"__type": "Bad request", "message": "Bad request - JSON body must be an object"})
        params.update(body)
    return params


@csrf_exempt
def action(request: HttpRequest, name: str) -> JsonResponse:
    help_url = _absolute(request, reverse("openinfo:ckan-action", args=["help_show"]) + f"?name={name}")
    if request.method not in ("GET", "POST"):
        return JsonResponse({"help": help_url, "success": False,
                             "error": {"__type": "Bad request", "message": "Bad request - GET or POST only"}},
                            status=405)
    fn = ACTIONS.get(name)
    try:
        if name == "help_show":
            wanted = request.GET.get("name", "")
            if wanted not in ACTIONS:
                raise not_found()
            result: Any = (ACTIONS[wanted].__doc__ or f"CKAN action {wanted} (read-only).").strip()
        elif fn is None:
            raise ActionError(400, {"__type": "Bad request", "message": f"Bad request - Action name not known: {name}"})
        else:
            result = fn(request, _params(request))
    except ActionError as exc:
        return JsonResponse({"help": help_url, "success": False, "error": exc.error}, status=exc.status)
    response = JsonResponse({"help": help_url, "success": True, "result": result},
                            json_dumps_params={"ensure_ascii": False})
    response["Access-Control-Allow-Origin"] = "*"
    return response


def api_root(request: HttpRequest) -> JsonResponse:
    return JsonResponse({"version": 3})
