"""An independent Open311 client for the tests: plain HTTP (`requests`), xmltodict and our JSON Schemas.

It knows GeoReport v2, not the server's code: XML answers are read back into the JSON shape (list containers
as arrays, `true`/`false` as booleans, numbers as numbers) so one schema and one equality check cover both.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

import jsonschema
import requests
import xmltodict

XML_TYPE = "text/xml; charset=utf-8"
JSON_TYPE = "application/json; charset=utf-8"
XML_DECLARATION = b'<?xml version="1.0" encoding="utf-8"?>'

# Container element -> the element of each item. Roots first, then nested lists.
ROOT_LISTS = {"services": "service", "service_requests": "request", "errors": "error",
              "service_requests_updates": "request_update", "service_request_updates": "request_update"}
NESTED_LISTS = {"endpoints": "endpoint", "formats": "format", "attributes": "attribute", "values": "value",
                "notes": "note"}
BOOLEANS = {"metadata", "variable", "required"}
INTEGERS = {"order"}
FLOATS = {"lat", "long"}


def _typed(key: str, value: Any, in_error: bool = False) -> Any:
    if value is None:
        return None
    if key in BOOLEANS:
        assert value in ("true", "false"), f"{key} must be true/false in XML, got {value!r}"
        return value == "true"
    if key in INTEGERS or (in_error and key == "code"):
        return int(value)
    if key in FLOATS:
        return float(value)
    return value


def _convert(node: Any, in_error: bool = False) -> Any:
    if not isinstance(node, dict):
        return node
    out: dict[str, Any] = {}
    for key, value in node.items():
        if key in NESTED_LISTS:
            items = (value or {}).get(NESTED_LISTS[key], []) if isinstance(value, dict) or value is None else []
            out[key] = [_convert(i) if isinstance(i, dict) else i for i in items]
        elif isinstance(value, dict):
            out[key] = _convert(value)
        else:
            out[key] = _typed(key, value, in_error)
    return out


def xml_as_json(content: bytes) -> Any:
    """An XML answer in the JSON (Spark) shape: the root wrapper dropped, repeated elements as arrays."""
    items = tuple(ROOT_LISTS.values()) + tuple(NESTED_LISTS.values())
    doc = xmltodict.parse(content, force_list=items)
    ((root, body),) = doc.items()
    if root in ROOT_LISTS:
        found = (body or {}).get(ROOT_LISTS[root], [])
        return [_convert(i, in_error=root == "errors") for i in found]
    return _convert(body)


def canon(value: Any) -> Any:
    """For comparing formats: XML cannot tell an empty string from an absent value, so both become None."""
    if isinstance(value, dict):
        return {k: canon(v) for k, v in value.items()}
    if isinstance(value, list):
        return [canon(v) for v in value]
    if value == "":
        return None
    if isinstance(value, float):
        return round(value, 7)
    return value


@dataclass
class Reply:
    status: int
    headers: Any
    raw: bytes
    data: Any


class Open311Client:
    def __init__(self, base: str) -> None:
        self.base = base.rstrip("/")
        self.http = requests.Session()

    def call(self, method: str, path: str, fmt: str, *, params: dict[str, Any] | None = None,
             data: Any = None, headers: dict[str, str] | None = None) -> Reply:
        url = f"{self.base}/{path}.{fmt}"
        response = self.http.request(method, url, params=params, data=data, headers=headers, timeout=30)
        assert response.status_code < 500, (url, response.status_code, response.text[:500])
        raw = response.content
        if method == "HEAD" or response.status_code == 204:
            return Reply(response.status_code, response.headers, raw, None)
        if fmt == "xml":
            assert response.headers["Content-Type"] == XML_TYPE, url
            assert raw.startswith(XML_DECLARATION), raw[:80]
            body = xml_as_json(raw)
        else:
            assert response.headers["Content-Type"] == JSON_TYPE, url
            body = json.loads(raw.decode("utf-8"))
        return Reply(response.status_code, response.headers, raw, body)

    def get(self, path: str, fmt: str, **params: Any) -> Reply:
        return self.call("GET", path, fmt, params=params)

    def post(self, path: str, fmt: str, data: Any, headers: dict[str, str] | None = None) -> Reply:
        return self.call("POST", path, fmt, data=data, headers=headers)

    def both(self, path: str, schema: dict[str, Any] | None = None, **params: Any) -> Any:
        """GET in both formats, each valid against `schema`, equal after canon(); returns the JSON data."""
        as_json, as_xml = self.get(path, "json", **params), self.get(path, "xml", **params)
        assert as_json.status == as_xml.status == 200, (path, as_json.raw[:300], as_xml.raw[:300])
        if schema is not None:
            jsonschema.validate(as_json.data, schema)
            jsonschema.validate(as_xml.data, schema)
        assert canon(as_json.data) == canon(as_xml.data), (path, params)
        return as_json.data
