"""Siduta's rules as settings (read with getattr and a default, so a city can change them without code) with their
sources, NIK checks and the AK/1 calendar.

- JOBS_RESIDENT_PREFIX (default ""): a Kemendagri code prefix such as "12.71"; when set, only NIKs issued there may
  register. Siduta Medan accepts only KTP Medan holders (egov-rules §5.4 [S81], rule 33 [P]).
- JOBS_AK1_VALID_YEARS (2) and JOBS_AK1_REPORT_MONTHS (6): AK/1 validity and the reporting interval
  (Permenaker 39/2016; egov-rules §5.2 [S69, S71], rule 34 [C]).
- JOBS_AK1_REPORT_GRACE_DAYS (0): days after a missed report date before the card turns inactive (the sources
  give none; a city may allow one).
- JOBS_MIN_AGE (15): the lower age of the angkatan kerja (BPS definition, egov-rules §5.3 [S74]).
- JOBS_CV_MAX_BYTES (2 MB): the largest CV accepted.

The AK/1 dates are plain calendar months and years (the sources say "2 tahun" and "setiap 6 bulan", not hari
kerja), so they are computed here with `add_months`; `kotacerdas/core/deadlines.py` is only for working-day limits.
"""

from __future__ import annotations

import calendar
import csv
import gzip
import io
import re
from dataclasses import dataclass
from datetime import date
from functools import lru_cache

from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _


def resident_prefix() -> str:
    return str(getattr(settings, "JOBS_RESIDENT_PREFIX", "") or "").strip()


def ak1_valid_years() -> int:
    return int(getattr(settings, "JOBS_AK1_VALID_YEARS", 2))


def ak1_report_months() -> int:
    return int(getattr(settings, "JOBS_AK1_REPORT_MONTHS", 6))


def ak1_grace_days() -> int:
    return int(getattr(settings, "JOBS_AK1_REPORT_GRACE_DAYS", 0))


def min_age() -> int:
    return int(getattr(settings, "JOBS_MIN_AGE", 15))


def cv_max_bytes() -> int:
    return int(getattr(settings, "JOBS_CV_MAX_BYTES", 2 * 1024 * 1024))


def add_months(day: date, months: int) -> date:
    """`day` plus calendar months; the 31st lands on the month's last day (31 Aug + 6 months = 28/29 Feb)."""
    index = day.month - 1 + months
    year, month = day.year + index // 12, index % 12 + 1
    return date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def report_dates(issued_on: date) -> list[date]:
    """The report due dates of a card: every JOBS_AK1_REPORT_MONTHS months until it expires (4 for 2 years)."""
    step, total = ak1_report_months(), ak1_valid_years() * 12
    return [add_months(issued_on, m) for m in range(step, total + 1, step)]


# --- NIK ---------------------------------------------------------------------------------------------------------

_NIK_RE = re.compile(r"^\d{16}$")


@dataclass(frozen=True)
class NikInfo:
    nik: str
    region_code: str  # dotted kecamatan code, e.g. "12.71.01"
    birth_date: date
    gender: str  # "L" or "P"


@lru_cache(maxsize=1)
def _national_kecamatan_codes() -> frozenset[str]:
    """Every kecamatan code of the Kepmendagri list bundled by the regions app (for NIKs from other cities, whose
    units are not in the Region table)."""
    from kotacerdas.regions.loader import DATA_DIR

    with gzip.open(DATA_DIR / "indonesia_wilayah.csv.gz", "rt", encoding="utf-8", newline="") as fh:
        text = fh.read()
    return frozenset(row["code"] for row in csv.DictReader(io.StringIO(text)) if row["level"] == "kecamatan")


def region_exists(code: str) -> bool:
    from kotacerdas.regions.models import Level, Region

    if Region.objects.filter(code=code, level=Level.KECAMATAN).exists():
        return True
    return code in _national_kecamatan_codes()


def parse_nik(raw: str, today: date) -> NikInfo:
    """Checks a NIK's form (16 digits), region (first 6 digits = an existing kecamatan; Permendagri 137/2017,
    egov-rules §8.1 [S118]), birth date (digits 7-12 DDMMYY, +40 on the day for women) and age; raises
    ValidationError({"nik": ...}) with an Indonesian message. A Disdukcapil check (rule 33) needs the city's
    data-sharing agreement and is not part of this app."""
    nik = re.sub(r"[\s.-]", "", raw or "")
    if not nik:
        raise ValidationError({"nik": _("NIK wajib diisi.")})
    if not _NIK_RE.match(nik):
        raise ValidationError({"nik": _("NIK harus 16 angka (sesuai KTP).")})
    code = f"{nik[0:2]}.{nik[2:4]}.{nik[4:6]}"
    if not region_exists(code):
        raise ValidationError({"nik": _("Enam angka pertama NIK (%(code)s) bukan kode kecamatan yang terdaftar "
                                        "di Kemendagri.") % {"code": code}})
    day, month, yy = int(nik[6:8]), int(nik[8:10]), int(nik[10:12])
    gender = "L"
    if day > 40:
        day, gender = day - 40, "P"
    year = 2000 + yy if 2000 + yy <= today.year else 1900 + yy
    try:
        born = date(year, month, day)
    except ValueError:
        raise ValidationError({"nik": _("Angka tanggal lahir di NIK (digit 7-12) tidak mungkin; periksa kembali "
                                        "NIK Anda.")}) from None
    if nik[12:] == "0000":
        raise ValidationError({"nik": _("Nomor urut NIK (4 angka terakhir) tidak boleh 0000.")})
    age = today.year - born.year - ((today.month, today.day) < (born.month, born.day))
    if age < min_age():
        raise ValidationError({"nik": _("Menurut NIK, usia Anda %(age)d tahun; pencari kerja minimal berusia "
                                        "%(min)d tahun.") % {"age": age, "min": min_age()}})
    prefix = resident_prefix()
    if prefix and not code.startswith(prefix):
        from kotacerdas.regions.models import Region

        place = Region.objects.filter(code=prefix).values_list("name", flat=True).first() or prefix
        raise ValidationError({"nik": _("Pendaftaran hanya untuk pemegang KTP %(place)s (kode wilayah %(prefix)s). "
                                        "Pencari kerja dari daerah lain dapat mengikuti bursa kerja.")
                               % {"place": place, "prefix": prefix}})
    return NikInfo(nik, code, born, gender)
