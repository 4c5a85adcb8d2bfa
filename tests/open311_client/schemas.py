"""Our own JSON Schemas for GeoReport v2 responses, written from the spec (complaints-open311-lapor.md §2.3).

The community schemas (open311/schema-validation) carry no licence, so these are written afresh. IDs and codes
are strings; every datetime must carry a zone (Z or ±hh:mm) and naive times fail. XML responses are turned into
the same shape (harness.xml_as_json) and checked against the same schemas, which is what XML/JSON parity means.
"""

from __future__ import annotations

from typing import Any

W3C = r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:\d{2})$"
DATETIME: dict[str, Any] = {"type": "string", "pattern": W3C}
OPT_DATETIME: dict[str, Any] = {"anyOf": [DATETIME, {"type": "null"}]}
OPT_STRING: dict[str, Any] = {"type": ["string", "null"]}
ID: dict[str, Any] = {"type": "string", "minLength": 1, "pattern": r"^[\w\-]+$"}

ERRORS = {
    "type": "array", "minItems": 1,
    "items": {"type": "object", "additionalProperties": False, "required": ["code", "description"],
              "properties": {"code": {"type": "integer"}, "description": {"type": "string", "minLength": 1}}},
}

DISCOVERY = {
    "type": "object", "additionalProperties": False,
    "required": ["changeset", "contact", "key_service", "endpoints"],
    "properties": {
        "changeset": DATETIME, "contact": {"type": "string"}, "key_service": {"type": "string"},
        "endpoints": {"type": "array", "minItems": 1, "items": {
            "type": "object", "additionalProperties": False,
            "required": ["specification", "url", "changeset", "type", "formats"],
            "properties": {
                "specification": {"const": "http://wiki.open311.org/GeoReport_v2"},
                "url": {"type": "string", "pattern": "^https?://"},
                "changeset": DATETIME, "type": {"enum": ["production", "test"]},
                "formats": {"type": "array", "items": {"enum": ["text/xml", "application/json"]}},
            },
        }},
    },
}

SERVICES = {
    "type": "array",
    "items": {
        "type": "object", "additionalProperties": False,
        "required": ["service_code", "service_name", "description", "metadata", "type"],
        "properties": {
            "service_code": ID, "service_name": {"type": "string", "minLength": 1},
            "description": OPT_STRING, "metadata": {"type": "boolean"},
            "type": {"enum": ["realtime", "batch", "blackbox"]}, "keywords": OPT_STRING, "group": OPT_STRING,
        },
    },
}

SERVICE_DEFINITION = {
    "type": "object", "additionalProperties": False, "required": ["service_code", "attributes"],
    "properties": {
        "service_code": ID,
        "attributes": {"type": "array", "items": {
            "type": "object", "additionalProperties": False,
            "required": ["variable", "code", "datatype", "required", "order", "description"],
            "properties": {
                "variable": {"type": "boolean"}, "code": ID,
                "datatype": {"enum": ["string", "number", "datetime", "text", "singlevaluelist",
                                      "multivaluelist"]},
                "required": {"type": "boolean"}, "datatype_description": OPT_STRING,
                "order": {"type": "integer", "minimum": 1}, "description": {"type": "string"},
                "values": {"type": "array", "items": {
                    "type": "object", "additionalProperties": False, "required": ["key", "name"],
                    "properties": {"key": {"type": "string"}, "name": {"type": "string"}}}},
            },
        }},
    },
}

V2_REQUEST_PROPERTIES: dict[str, Any] = {
    "service_request_id": ID, "status": {"enum": ["open", "closed"]}, "status_notes": OPT_STRING,
    "service_name": {"type": "string"}, "service_code": ID,
    "description": {"type": ["string", "null"], "maxLength": 4000}, "agency_responsible": OPT_STRING,
    "service_notice": OPT_STRING, "requested_datetime": DATETIME, "updated_datetime": OPT_DATETIME,
    "expected_datetime": OPT_DATETIME, "address": OPT_STRING, "address_id": OPT_STRING, "zipcode": OPT_STRING,
    "lat": {"type": ["number", "null"], "minimum": -90, "maximum": 90},
    "long": {"type": ["number", "null"], "minimum": -180, "maximum": 180},
    "media_url": {"anyOf": [{"type": "string", "pattern": "^https?://"}, {"type": "null"}]},
}

REQUESTS = {
    "type": "array",
    "items": {"type": "object", "additionalProperties": False,
              "required": ["service_request_id", "status", "service_code", "requested_datetime"],
              "properties": V2_REQUEST_PROPERTIES},
}

NOTE = {"type": "object", "additionalProperties": False, "required": ["datetime", "type", "summary"],
        "properties": {"datetime": DATETIME, "type": {"enum": ["submitted", "opened", "closed", "activity"]},
                       "summary": {"type": "string"}, "description": OPT_STRING}}

REQUESTS_EXTENDED = {
    "type": "array",
    "items": {"type": "object", "additionalProperties": False,
              "required": ["service_request_id", "extended_attributes", "notes"],
              "properties": {**V2_REQUEST_PROPERTIES,
                             "extended_attributes": {"type": "object", "required": [
                                 "channel", "kecamatan", "kelurahan", "opd_code", "lapor_tracking_id"]},
                             "notes": {"type": "array", "items": NOTE}}},
}

POSTED = {
    "type": "array", "minItems": 1, "maxItems": 1,
    "items": {"type": "object", "additionalProperties": False,
              "required": ["service_notice", "account_id"],
              "oneOf": [{"required": ["service_request_id"]}, {"required": ["token"]}],
              "properties": {"service_request_id": ID, "token": ID, "service_notice": OPT_STRING,
                             "account_id": OPT_STRING}},
}

TOKEN = {
    "type": "array", "minItems": 1, "maxItems": 1,
    "items": {"type": "object", "additionalProperties": False, "required": ["service_request_id", "token"],
              "properties": {"service_request_id": {"anyOf": [ID, {"type": "null"}]}, "token": ID}},
}

UPDATES = {
    "type": "array",
    "items": {"type": "object", "additionalProperties": False,
              "required": ["update_id", "service_request_id", "status", "updated_datetime", "description"],
              "properties": {"update_id": ID, "service_request_id": ID, "status": {"type": "string"},
                             "updated_datetime": DATETIME, "description": {"type": "string"},
                             "media_url": OPT_STRING, "external_status_code": OPT_STRING}},
}

UPDATE_POSTED = {"type": "array", "minItems": 1, "maxItems": 1, "items": {
    "type": "object", "additionalProperties": False, "required": ["update_id"], "properties": {"update_id": ID}}}
