"""One data tree, two wire formats, shaped as GeoReport v2 shapes them (complaints-open311-lapor.md §2.1, §2.5).

Views build plain Python values (dicts in field order, lists, str, int, float, bool, None) and this module
writes them:

- XML: `<?xml version="1.0" encoding="utf-8"?>`, no namespace, a root element, one element per item of a list
  named by the singular of the list (`attributes` -> `attribute`), booleans as `true`/`false`, None as an empty
  element (documented choice: every v2 field is always present, empty when unknown).
- JSON: the Spark convention, the root wrapper dropped: a list root is a top-level array, None is `null`.

Text is cleaned once before either format is written, so both carry the same characters (control characters
that XML 1.0 cannot hold are dropped from both).
"""

from __future__ import annotations

import json
import re
from datetime import datetime
from typing import Any
from xml.sax.saxutils import escape
from zoneinfo import ZoneInfo

from django.http import HttpResponse

XML_TYPE = "text/xml; charset=utf-8"
JSON_TYPE = "application/json; charset=utf-8"
FORMATS = ("xml", "json")

ITEM_NAMES = {
    "services": "service",
    "service_requests": "request",
    "attributes": "attribute",
    "values": "value",
    "endpoints": "endpoint",
    "formats": "format",
    "errors": "error",
    "notes": "note",
    "service_requests_updates": "request_update",
    "service_request_updates": "request_update",
}

_XML_INVALID = re.compile("[^\x09\x0a\x0d\x20-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")


def clean_text(value: str) -> str:
    # Every XML-invalid character (C0 controls, surrogates, U+FFFE/FFFF) is non-printable, so a printable
    # string needs no regex pass; that is nearly every field of a 1,000-row answer.
    if value.isprintable():
        return value
    return _XML_INVALID.sub("", value)


def _clean(value: Any) -> Any:
    # Exact type tests, and a dict's scalar values handled in the loop instead of one call each: a 1,000-row
    # answer has ~18,000 values and this walk was a fifth of its Python time (bench/open311.py --profile).
    kind = type(value)
    if kind is str:
        return clean_text(value)
    if kind is dict:
        out = {}
        for key, item in value.items():
            item_kind = type(item)
            if item_kind is str:
                out[key] = item if item.isprintable() else _XML_INVALID.sub("", item)
            elif item_kind is dict or item_kind is list:
                out[key] = _clean(item)
            else:
                out[key] = item
        return out
    if kind is list:
        return [_clean(v) for v in value]
    if isinstance(value, str):  # str subclasses (lazy translations resolved to SafeString and the like)
        return clean_text(value)
    return value


def w3c(dt: datetime | float | None, tz: str) -> str | None:
    """ISO 8601 with the city's offset (+07:00 for WIB); v2 requires a zone on every datetime.

    Also takes seconds since the epoch (a float), which is how the PostgreSQL list read fetches its datetimes:
    psycopg's timestamptz loader under Django runs in Python and was a sixth of a 1,000-row answer."""
    if dt is None:
        return None
    if type(dt) is float:
        return datetime.fromtimestamp(dt, ZoneInfo(tz)).isoformat(timespec="seconds")
    return dt.astimezone(ZoneInfo(tz)).isoformat(timespec="seconds")


def _scalar(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    return escape(str(value))


def _xml(name: str, value: Any, out: list[str]) -> None:
    if isinstance(value, list):
        item = ITEM_NAMES.get(name, "item")
        out.append(f"<{name}>")
        for v in value:
            _xml(item, v, out)
        out.append(f"</{name}>")
    elif isinstance(value, dict):
        out.append(f"<{name}>")
        for k, v in value.items():
            # Strings and None inline (most of a request's fields), containers recurse, the rest via _scalar.
            kind = type(v)
            if kind is str:
                out.append(f"<{k}>{escape(v) if '&' in v or '<' in v or '>' in v else v}</{k}>")
            elif v is None:
                out.append(f"<{k}></{k}>")
            elif kind is dict or kind is list:
                _xml(k, v, out)
            else:
                out.append(f"<{k}>{_scalar(v)}</{k}>")
        out.append(f"</{name}>")
    else:
        text = _scalar(value)
        out.append(f"<{name}>{text}</{name}>" if text else f"<{name}></{name}>")


def to_xml(root: str, data: Any) -> str:
    out = ['<?xml version="1.0" encoding="utf-8"?>']
    _xml(root, _clean(data), out)
    return "".join(out)


def to_json(data: Any) -> str:
    return json.dumps(_clean(data), ensure_ascii=False, separators=(",", ":"))


def respond(fmt: str, root: str, data: Any, status: int = 200) -> HttpResponse:
    if fmt == "json":
        return HttpResponse(to_json(data).encode("utf-8"), status=status, content_type=JSON_TYPE)
    return HttpResponse(to_xml(root, data).encode("utf-8"), status=status, content_type=XML_TYPE)


def errors(fmt: str, status: int, items: list[tuple[int, str]], headers: dict[str, str] | None = None,
           ) -> HttpResponse:
    """v2 error body: `<errors><error><code/><description/></error></errors>` / `[{"code":…,"description":…}]`."""
    response = respond(fmt, "errors", [{"code": code, "description": text} for code, text in items], status)
    for k, v in (headers or {}).items():
        response[k] = v
    return response
