"""NIK checks (rule 33, egov-rules §8.1) and the AK/1 calendar (rule 34)."""

from __future__ import annotations

from datetime import date

import pytest
from django.core.exceptions import ValidationError

from kotacerdas.jobs import rules

TODAY = date(2026, 12, 6)


def nik_error(raw: str) -> str:
    with pytest.raises(ValidationError) as exc:
        rules.parse_nik(raw, TODAY)
    return exc.value.message_dict["nik"][0]


def test_it_reads_region_birth_date_and_gender_from_a_nik(city) -> None:
    woman = rules.parse_nik("1271014107950003", TODAY)
    assert (woman.region_code, woman.birth_date, woman.gender) == ("12.71.01", date(1995, 7, 1), "P")
    man = rules.parse_nik("12 7105 150890 0001", TODAY)
    assert (man.nik, man.birth_date, man.gender) == ("1271051508900001", date(1990, 8, 15), "L")


def test_it_rejects_a_nik_that_is_not_16_digits(city) -> None:
    assert "16 angka" in nik_error("12710141079500")
    assert "16 angka" in nik_error("12710141079500AB")
    assert "wajib" in nik_error("")


def test_it_rejects_a_nik_whose_region_is_no_kecamatan(city) -> None:
    assert "99.71.01" in nik_error("9971014107950003")


def test_it_accepts_a_kecamatan_of_another_city_from_the_national_list(city) -> None:
    # 71.71.01 is a kecamatan of Kota Manado: not in this site's Region table, but in the Kepmendagri list.
    assert rules.parse_nik("7171011201000001", TODAY).region_code == "71.71.01"


def test_it_rejects_impossible_birth_digits_serial_zero_and_children(city) -> None:
    assert "tidak mungkin" in nik_error("1271013213950003")  # month 13
    assert "tidak mungkin" in nik_error("1271017202950003")  # 32 Feb for a woman (72-40)
    assert "0000" in nik_error("1271011507950000")
    assert "minimal berusia 15" in nik_error("1271011507150001")  # born 2015


def test_it_restricts_registration_to_residents_by_code_prefix(city, settings) -> None:
    settings.JOBS_RESIDENT_PREFIX = "12.71"
    assert rules.parse_nik("1271014107950003", TODAY).region_code.startswith("12.71")
    message = nik_error("7171011201000001")
    assert "KTP Kota Medan" in message and "12.71" in message


def test_it_adds_calendar_months_clamping_the_day() -> None:
    assert rules.add_months(date(2026, 8, 31), 6) == date(2027, 2, 28)
    assert rules.add_months(date(2027, 8, 31), 6) == date(2028, 2, 29)
    assert rules.add_months(date(2026, 1, 15), 24) == date(2028, 1, 15)


def test_it_schedules_four_reports_in_two_years(settings) -> None:
    assert rules.report_dates(date(2026, 1, 10)) == [date(2026, 7, 10), date(2027, 1, 10), date(2027, 7, 10),
                                                     date(2028, 1, 10)]
    settings.JOBS_AK1_REPORT_MONTHS = 12
    assert len(rules.report_dates(date(2026, 1, 10))) == 2
