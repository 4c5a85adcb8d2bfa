"""Fixtures of the live room tests (test_live*.py import them): complaints with their timeline at chosen times,
and the ATCS and e-parking registries of those apps' own test fixtures. Kept apart from conftest.py, which
belongs to the performance tests."""

from __future__ import annotations

from datetime import datetime, timedelta
from itertools import count
from typing import Any
from zoneinfo import ZoneInfo

import pytest

from kotacerdas.parking.tests.conftest import parking  # noqa: F401 - fixture re-used as is
from kotacerdas.traffic.tests.conftest import atcs  # noqa: F401 - fixture re-used as is

__all__ = ["atcs", "parking", "week_of_complaints"]  # the fixtures `from live_fixtures import *` brings in

WIB = ZoneInfo("Asia/Jakarta")
# A Wednesday afternoon; "the same time last week" is Wednesday 11 November 14:00.
NOW = datetime(2026, 11, 18, 14, 0, tzinfo=WIB)
_numbers = count(1)


def at(day: int, hour: int, minute: int = 0) -> datetime:
    """A moment in November 2026, WIB."""
    return datetime(2026, 11, day, hour, minute, tzinfo=WIB)


def make_complaint(city: Any, created: datetime, status: str = "baru", *, agency: Any = None,
                   events: list[tuple[datetime, str, str, str]] = (), **fields: Any) -> Any:
    """A complaint created at `created` with its CREATED timeline entry plus `events` (at, kind, from, to)."""
    from kotacerdas.complaints.models import Complaint, ComplaintEvent

    lat, lon = fields.pop("pos", city.inside)
    c = Complaint.objects.create(
        tracking_no=f"MRK-2026-{next(_numbers):06d}", title=fields.pop("title", "Sampah menumpuk"),
        description="Sampah belum diangkut.", category=fields.pop("category", city.cat_sampah),
        status=status, agency=agency if agency is not None else city.dlh, created_at=created, lat=lat, lon=lon,
        kecamatan=fields.pop("kecamatan", city.kec_kota), kelurahan=fields.pop("kelurahan", city.kel_pasar_baru),
        **fields)
    ComplaintEvent.objects.create(complaint=c, kind="created", at=created, from_status="", to_status="baru")
    for when, kind, before, after in events:
        ComplaintEvent.objects.create(complaint=c, kind=kind, at=when, from_status=before, to_status=after)
    return c


@pytest.fixture
def week_of_complaints(city: Any) -> dict[str, Any]:
    """Seven complaints whose figures are worked out by hand in test_live_tiles.py."""
    c = {}
    c["c1"] = make_complaint(city, at(18, 1), "baru", stage_due_at=NOW + timedelta(days=1))
    c["c2"] = make_complaint(city, at(18, 9), "disposisi", agency=city.dishub, stage_due_at=NOW - timedelta(hours=1),
                             sla_level=100, category=city.cat_lampu, pos=city.inside_baru, kecamatan=city.kec_baru,
                             kelurahan=city.kel_babura)
    c["c4"] = make_complaint(city, at(11, 8), "tuntas", resolve_due_at=at(18, 12), rating=4, events=[
        (at(18, 10), "resolved", "diproses", "selesai"), (at(18, 11), "confirmed", "selesai", "tuntas"),
        (at(18, 11), "rated", "tuntas", "tuntas")])
    c["c5"] = make_complaint(city, at(11, 13), "tuntas", resolve_due_at=at(18, 8), rating=2, events=[
        (at(18, 9), "resolved", "diproses", "selesai"), (at(18, 12), "confirmed", "selesai", "tuntas"),
        (at(18, 12), "rated", "tuntas", "tuntas")])
    c["c6"] = make_complaint(city, at(11, 15), "diproses", stage_due_at=NOW - timedelta(days=2), sla_level=100,
                             events=[(at(18, 8), "sla_breach", "diproses", "diproses")])
    c["c7"] = make_complaint(city, datetime(2026, 10, 1, 9, tzinfo=WIB), "diproses", resolve_due_at=at(12, 17),
                             stage_due_at=NOW + timedelta(days=3), events=[
        (at(11, 7), "sla_breach", "diproses", "diproses"), (at(11, 10), "resolved", "diproses", "selesai"),
        (at(11, 12), "sla_breach", "selesai", "selesai"), (at(12, 9), "reopened", "selesai", "diproses")])
    c["c8"] = make_complaint(city, datetime(2026, 10, 1, 10, tzinfo=WIB), "tuntas", rating=5,
                             resolve_due_at=at(20, 17), events=[
        (at(10, 10), "resolved", "diproses", "selesai"), (at(11, 9), "confirmed", "selesai", "tuntas"),
        (at(11, 9), "rated", "tuntas", "tuntas")])
    return c
