"""Hand-made cases for the performance tests: a tiny DSL over complaints/actions.py with explicit times."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import pytest

from kotacerdas.complaints import actions
from kotacerdas.complaints.models import Complaint, Outcome

WIB = ZoneInfo("Asia/Jakarta")
MON = datetime(2026, 11, 2, 9, 0, tzinfo=WIB)  # Monday 2 Nov 2026; no holiday from 2 to 20 Nov 2026
NOV = (MON.date().replace(day=1), MON.date().replace(day=30))


def at(day: int, hour: int = 9, minute: int = 0) -> datetime:
    """A time in November 2026, WIB."""
    return datetime(2026, 11, day, hour, minute, tzinfo=WIB)


@dataclass
class Cases:
    city: Any
    people: Any

    def file(self, when: datetime = MON, where: tuple[float, float] | None = None, category: Any = None,
             title: str = "Sampah menumpuk di depan pasar") -> Complaint:
        lat, lon = where or self.city.inside
        return actions.submit({
            "title": title,
            "description": "Sudah seminggu sampah tidak diangkut, baunya menyengat sampai ke rumah warga.",
            "category": (category or self.city.cat_sampah).code, "lat": lat, "lon": lon,
        }, self.people.wati, now=when)

    def dispose(self, c: Complaint, when: datetime, agency: Any = None) -> Complaint:
        return actions.do_dispose(self.people.adi, c, agency or self.city.dlh, now=when)

    def respond(self, c: Complaint, when: datetime, who: Any = None) -> Complaint:
        return actions.do_respond(who or self._handler(c), c, "Petugas sudah kami kirim ke lokasi.", now=when)

    def resolve(self, c: Complaint, when: datetime, who: Any = None) -> Complaint:
        return actions.do_resolve(who or self._handler(c), c, Outcome.FIXED, "Sampah sudah diangkut hari ini.",
                                  now=when)

    def confirm(self, c: Complaint, when: datetime, rating: int = 5) -> Complaint:
        return actions.do_confirm(self.people.wati, c, rating, now=when)

    def reroute(self, c: Complaint, when: datetime, agency: Any) -> Complaint:
        return actions.do_reroute(self._handler(c), c, agency, "Bukan tugas kami, milik OPD lain.", now=when)

    def assign(self, c: Complaint, when: datetime) -> Complaint:
        return actions.do_assign(self.people.dewi, c, self.people.putra, now=when)

    def _handler(self, c: Complaint) -> Any:
        c.refresh_from_db()
        return self.people.hendra if c.agency_id == self.city.dishub.pk else self.people.dewi

    def handled(self, when: datetime = MON, respond_after: timedelta = timedelta(days=1),
                resolve_after: timedelta | None = timedelta(days=2), rating: int | None = 5,
                where: tuple[float, float] | None = None) -> Complaint:
        """Filed and disposed to DLH at `when`, responded and resolved after the given delays, confirmed."""
        c = self.file(when, where=where)
        c = self.dispose(c, when)
        c = self.respond(c, when + respond_after)
        if resolve_after is not None:
            c = self.resolve(c, when + resolve_after)
            if rating is not None:
                c = self.confirm(c, when + resolve_after + timedelta(hours=1), rating)
        return c


@pytest.fixture
def cases(city: Any, people: Any) -> Cases:
    return Cases(city, people)
