"""Fixtures for the Open311 tests: an integrator's key, complaints in several states, a clean rate-limit cache."""

from __future__ import annotations

import io
import json
import xml.etree.ElementTree as ET
from datetime import timedelta
from typing import Any

import pytest
from django.core.cache import cache
from django.utils import timezone
from PIL import Image

from kotacerdas.complaints import actions
from kotacerdas.complaints.models import Complaint, Outcome

BASE = "/open311/v2"


@pytest.fixture(autouse=True)
def _clean_cache():
    """Rate-limit counters live in the process cache; one test must not spend another's allowance."""
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def apikey(db) -> tuple[Any, str]:  # noqa: ANN001
    from kotacerdas.open311.models import ApiKey

    key = ApiKey(integrator="Aplikasi Warga Medan", rate_limit_per_minute=1000)
    raw = key.issue()
    key.save()
    return key, raw


def file_report(city: Any, user: Any = None, when: Any = None, photos: list[Any] | None = None,
                **extra: Any) -> Complaint:
    data = {
        "title": "Sampah menumpuk di depan pasar",
        "description": "Sudah seminggu sampah tidak diangkut, baunya menyengat sampai ke rumah warga.",
        "category": city.cat_sampah.code,
        "lat": city.inside[0], "lon": city.inside[1], "address": "Jl. Pasar Baru No. 3",
    }
    if user is None:
        data.update(reporter_name="Budi Santoso", reporter_phone="081298765432",
                    reporter_email="budi@contoh.id", reporter_nik="1271010101900001")
    data.update(extra)
    return actions.submit(data, user, photos=photos, now=when or timezone.now() - timedelta(days=1))


def resolve(c: Complaint, people: Any, city: Any) -> Complaint:
    """baru -> disposisi (DLH) -> diproses -> selesai, through the actions as the staff would."""
    c = actions.do_dispose(people.adi, c, actions.check_dispose(people.adi, c, city.dlh))
    c = actions.do_respond(people.dewi, c, *actions.check_respond(people.dewi, c, "Petugas menuju lokasi hari ini."))
    outcome, message, photos = actions.check_resolve(people.dewi, c, Outcome.FIXED,
                                                     "Sampah sudah diangkut seluruhnya.")
    return actions.do_resolve(people.dewi, c, outcome, message, photos)


def jpeg(name: str = "foto.jpg") -> io.BytesIO:
    buf = io.BytesIO()
    Image.new("RGB", (64, 48), (200, 30, 30)).save(buf, "JPEG")
    buf.seek(0)
    buf.name = name
    return buf


def parse(response: Any) -> Any:
    """The body as Python data: JSON as is, XML as an ElementTree root."""
    if response["Content-Type"].startswith("application/json"):
        return json.loads(response.content)
    return ET.fromstring(response.content)  # noqa: S314 - our own server's answer in a test
