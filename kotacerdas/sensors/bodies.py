"""Wire bodies shared by HTTP and MQTT: a JSON array, one JSON object, or NDJSON lines."""

from __future__ import annotations

import json
from typing import Any

from django.utils.translation import gettext as _

from kotacerdas.sensors.registry import Unreadable


class BodyError(ValueError):
    """The body as a whole cannot be read (HTTP 400; over MQTT, the message goes to the quarantine)."""


def parse_body(body: bytes | str) -> list[Any]:
    """Items of a batch. A JSON array, a single object (an NGSI-LD Notification's `data` is unwrapped), or NDJSON.

    An NDJSON line that is not JSON stays in the list as `Unreadable` so it is rejected on its own.
    """
    if isinstance(body, bytes):
        try:
            text = body.decode("utf-8")
        except UnicodeDecodeError:
            raise BodyError(_("Isi kiriman bukan teks UTF-8.")) from None
    else:
        text = body
    text = text.lstrip("\ufeff").strip()
    if not text:
        raise BodyError(_("Isi kiriman kosong."))
    if text[0] == "[":
        try:
            data = json.loads(text)
        except json.JSONDecodeError as exc:
            raise BodyError(_("JSON tidak valid (baris %(l)d, kolom %(c)d): %(m)s")
                            % {"l": exc.lineno, "c": exc.colno, "m": exc.msg}) from None
        if not isinstance(data, list):
            raise BodyError(_("Isi kiriman harus array JSON."))
        return data
    if text[0] != "{":
        raise BodyError(_("Isi kiriman harus array JSON, objek JSON, atau NDJSON (satu objek per baris)."))
    try:
        single = json.loads(text)
    except json.JSONDecodeError:
        return _ndjson(text)
    if not isinstance(single, dict):
        raise BodyError(_("Isi kiriman harus array JSON."))
    if single.get("type") == "Notification" and isinstance(single.get("data"), list):
        return single["data"]
    return [single]


def _ndjson(text: str) -> list[Any]:
    lines = [line for line in text.splitlines() if line.strip()]
    try:
        # One parse for the whole batch is ~2x faster than a parse per line; fall back per line on any error.
        data = json.loads("[" + ",".join(lines) + "]")
        if all(isinstance(item, dict) for item in data):
            return data
    except json.JSONDecodeError:
        pass
    items: list[Any] = []
    for line in lines:
        try:
            items.append(json.loads(line))
        except json.JSONDecodeError as exc:
            items.append(Unreadable(line[:2000], exc.msg))
    if all(isinstance(item, Unreadable) for item in items):
        raise BodyError(_("Tidak satu baris pun berupa JSON yang valid."))
    return items
