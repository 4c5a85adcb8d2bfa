"""PPID fixtures on the synthetic city of the root conftest: a PPID officer `ppid_officer`; the Atasan PPID is
the persona `walikota` (a city-wide pimpinan, the default rule), the requester is `wati`.

Times are fixed around the 2026 holidays (egov-rules §8.2): Nyepi 19 Mar, Idul Fitri 21-22 Mar, cuti bersama 18,
20, 23, 24 Mar, Wafat Yesus Kristus 3 Apr.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

import pytest

from conftest import PASSWORD

WIB = ZoneInfo("Asia/Jakarta")


def wib(*args: int) -> datetime:
    return datetime(*args, tzinfo=WIB)


@pytest.fixture
def ppid_officer(people: Any) -> Any:
    from kotacerdas.accounts.models import Role, User

    return User.objects.create_user(username="ppid", password=PASSWORD, role=Role.PPID, first_name="Petugas",
                                    last_name="PPID", email="ppid@contoh.id")


REQUEST_DATA = {
    "name": "Wati Siregar", "nik": "1271014101900002", "address": "Jl. Pemuda 5, Medan", "occupation": "Guru",
    "phone": "081234567890", "email": "wati@contoh.id",
    "information": "Salinan kontrak pengadaan lampu jalan 2025.", "purpose": "Pengawasan anggaran oleh warga.",
    "format": "softcopy", "delivery": "email",
}


@pytest.fixture
def request_data() -> dict[str, Any]:
    return dict(REQUEST_DATA)
