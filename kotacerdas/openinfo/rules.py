"""The rules of public-information service as data, each with its legal source (egov-rules.md §4, rules 11-19).

Time limits are `Limit`s (amount, unit, source) handed to `kotacerdas.core.deadlines` — the only place where
working days are counted (holidays, cuti bersama, the day-1 convention and office hours all live there).
A city may override an amount with the setting named in `Limit.setting` (e.g. a Perwal that is stricter).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time

from django.conf import settings
from django.utils.translation import gettext_lazy as _

from kotacerdas.core import deadlines


@dataclass(frozen=True)
class Limit:
    key: str
    amount: int
    unit: str  # deadlines.UNIT_WORKING_DAYS ("hk") or UNIT_CALENDAR_DAYS ("hari")
    source: str
    setting: str = ""

    @property
    def value(self) -> int:
        return int(getattr(settings, self.setting, self.amount)) if self.setting else self.amount

    def due(self, start: datetime) -> datetime:
        return deadlines.due_at(start, self.value, self.unit)


ANSWER = Limit("answer", 10, deadlines.UNIT_WORKING_DAYS,
               "UU 14/2008 Pasal 22 ayat (7); egov-rules §4.2, rule 12", "PPID_ANSWER_WORKING_DAYS")
EXTENSION = Limit("extension", 7, deadlines.UNIT_WORKING_DAYS,
                  "UU 14/2008 Pasal 22 ayat (8); egov-rules §4.2, rule 13", "PPID_EXTENSION_WORKING_DAYS")
OBJECTION_FILING = Limit("objection_filing", 30, deadlines.UNIT_WORKING_DAYS,
                         "UU 14/2008 Pasal 36 ayat (1); egov-rules §4.3, rule 15", "PPID_OBJECTION_WORKING_DAYS")
OBJECTION_ANSWER = Limit("objection_answer", 30, deadlines.UNIT_WORKING_DAYS,
                         "UU 14/2008 Pasal 36 ayat (2); egov-rules §4.3, rule 15",
                         "PPID_OBJECTION_ANSWER_WORKING_DAYS")
DISPUTE_FILING = Limit("dispute_filing", 14, deadlines.UNIT_WORKING_DAYS,
                       "UU 14/2008 Pasal 37 ayat (2); egov-rules §4.3, rule 16", "PPID_DISPUTE_WORKING_DAYS")
# "At least every 6 months" (Pasal 9). Counted as 180 calendar days through the platform calendar: never later
# than six calendar months, so the reminder comes a little early rather than late (egov-rules rule 17).
BERKALA_INTERVAL = Limit("berkala", 180, deadlines.UNIT_CALENDAR_DAYS,
                         "UU 14/2008 Pasal 9 ayat (3); egov-rules §4.1, rule 17", "PPID_BERKALA_DAYS")

# A berkala line is announced to the PPID this many days before it falls due (a working reminder, not law).
BERKALA_REMINDER_DAYS = 14

LIMITS = (ANSWER, EXTENSION, OBJECTION_FILING, OBJECTION_ANSWER, DISPUTE_FILING, BERKALA_INTERVAL)

# Reminder steps (share of the allowed time used), like the complaint SLA: 50 %, 80 %, 100 % = red mark.
WARNING_LEVELS = (50, 80, 100)

# Perki 1/2021 Pasal 56: the annual report is due 3 months after the budget year, i.e. 31 March (rule 18).
ANNUAL_REPORT_DUE = (3, 31)
ANNUAL_REPORT_SOURCE = "Perki 1/2021 Pasal 56; egov-rules §4.4, rule 18"


def extended_due(old_due: datetime) -> datetime:
    """Rule 13: the new due date is the old due date + 7 hari kerja.

    Counted from the start of the old due day, so its own day is not counted twice (the old due is 23:59:59,
    after office hours, which the calendar would otherwise treat as received on the next working day).
    """
    local = deadlines.to_local(old_due)
    start = datetime.combine(local.date(), time(0, 0), tzinfo=local.tzinfo)
    return EXTENSION.due(start)


def annual_report_due(year: int) -> date:
    month, day = ANNUAL_REPORT_DUE
    return date(year + 1, month, day)


# Pasal 17 UU 14/2008: the only grounds on which information may be withheld (rule 14).
PASAL_17 = [
    ("a", _("a. menghambat proses penegakan hukum")),
    ("b", _("b. mengganggu perlindungan hak atas kekayaan intelektual dan persaingan usaha tidak sehat")),
    ("c", _("c. membahayakan pertahanan dan keamanan negara")),
    ("d", _("d. mengungkapkan kekayaan alam Indonesia")),
    ("e", _("e. merugikan ketahanan ekonomi nasional")),
    ("f", _("f. merugikan kepentingan hubungan luar negeri")),
    ("g", _("g. mengungkapkan isi akta otentik yang bersifat pribadi dan kemauan terakhir atau wasiat")),
    ("h", _("h. mengungkap rahasia pribadi")),
    ("i", _("i. memorandum atau surat antar Badan Publik yang menurut sifatnya dirahasiakan")),
    ("j", _("j. informasi yang tidak boleh diungkapkan berdasarkan undang-undang")),
]
PASAL_17_SOURCE = "UU 14/2008 Pasal 17; egov-rules §4.1, rule 14"

# Pasal 35 ayat (1) UU 14/2008: the grounds of a keberatan (rule 15). Ground "f" (unreasonable fees) is in the
# Act but marked [U] in egov-rules §4.3 (the secondary source repeats an item): behind PPID_GROUND_FEES.
GROUND_REFUSED = "a"
GROUND_BERKALA = "b"
GROUND_NOT_ANSWERED = "c"
GROUND_NOT_AS_REQUESTED = "d"
GROUND_NOT_FULFILLED = "e"
GROUND_FEES = "f"
GROUND_LATE = "g"
PASAL_35 = [
    (GROUND_REFUSED, _("a. penolakan atas permintaan informasi berdasarkan alasan pengecualian Pasal 17")),
    (GROUND_BERKALA, _("b. tidak disediakannya informasi berkala")),
    (GROUND_NOT_ANSWERED, _("c. tidak ditanggapinya permintaan informasi")),
    (GROUND_NOT_AS_REQUESTED, _("d. permintaan informasi ditanggapi tidak sebagaimana yang diminta")),
    (GROUND_NOT_FULFILLED, _("e. tidak dipenuhinya permintaan informasi")),
    (GROUND_FEES, _("f. pengenaan biaya yang tidak wajar")),
    (GROUND_LATE, _("g. penyampaian informasi melebihi waktu yang diatur")),
]
PASAL_35_SOURCE = "UU 14/2008 Pasal 35 ayat (1); egov-rules §4.3, rule 15"


def objection_grounds() -> list[tuple[str, object]]:
    if getattr(settings, "PPID_GROUND_FEES", True):
        return list(PASAL_35)
    return [(k, v) for k, v in PASAL_35 if k != GROUND_FEES]


def atasan_usernames() -> tuple[str, ...]:
    """Who acts as Atasan PPID. Default: any city-wide pimpinan (Sekda, Wali Kota); a city names its Sekda here."""
    return tuple(getattr(settings, "PPID_ATASAN_USERNAMES", ()))
