"""Job fairs and trainings (capacity), labour statistics (rule 36-37), TPT entry and open data."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from kotacerdas.jobs import actions, opendata, selectors
from kotacerdas.jobs.models import Stage, TptFigure
from kotacerdas.jobs.tests.conftest import make_seeker


def event_data(**over):
    today = selectors.today()
    data = {"kind": "bursa_kerja", "title": "Job Fair Mini Medan Kota", "venue": "Kantor Camat Medan Kota",
            "kecamatan": "12.71.01", "starts_on": (today + timedelta(days=7)).isoformat(),
            "ends_on": (today + timedelta(days=7)).isoformat(), "capacity": "1"}
    data.update(over)
    return data


def test_it_creates_events_with_verified_companies_only(jobs) -> None:
    cleaned = actions.check_event(jobs.dina, {**event_data(), "companies": [jobs.toko.pk, jobs.baru.pk]})
    event = actions.do_create_event(jobs.dina, cleaned)
    assert list(event.companies.all()) == [jobs.toko]
    with pytest.raises(PermissionDenied):
        actions.check_event(jobs.toko_admin, event_data())
    with pytest.raises(ValidationError) as exc:
        actions.check_event(jobs.dina, event_data(ends_on="2020-01-01", capacity="0", kind="konser", title=""))
    assert {"ends_on", "capacity", "kind", "title"} <= set(exc.value.message_dict)


def test_it_enforces_event_capacity_and_single_registration(jobs) -> None:
    event = actions.do_create_event(jobs.dina, actions.check_event(jobs.dina, event_data()))
    actions.do_register_event(jobs.sari.user, event)
    with pytest.raises(ValidationError) as exc:
        actions.do_register_event(jobs.sari.user, event)
    assert "sudah terdaftar" in exc.value.message_dict["event"][0]
    with pytest.raises(ValidationError) as exc:
        actions.do_register_event(jobs.budi.user, event)
    assert "penuh" in exc.value.message_dict["event"][0]
    with pytest.raises(PermissionDenied):
        actions.do_register_event(jobs.toko_admin, event)
    assert event.registrations.count() == 1


def test_it_counts_registered_active_placed_and_time_to_placement(jobs) -> None:
    other = make_seeker("rudi", "1271012003980001", card=True, dina=jobs.dina, birth_date="1998-03-20", gender="L",
                        email="rudi@contoh.id")
    application = actions.do_apply(other.user, jobs.vacancy)
    for stage in (Stage.DITERIMA, Stage.WAWANCARA, Stage.DITEMPATKAN):
        actions.do_move(jobs.toko_admin, application, stage)
    stats = selectors.labour_statistics(jobs.dina)
    assert (stats.registered, stats.active, stats.placed, stats.placed_in_period) == (3, 1, 1, 1)
    assert stats.median_days_to_placement == 0
    assert stats.vacancies_open == 1 and stats.positions_open == 2
    assert stats.vacancies_by_sector[0]["sector"] == "G" and stats.vacancies_by_sector[0]["positions"] == 2
    assert stats.vacancies_by_education == [{"education": "sma", "name": "SMA/SMK/sederajat", "vacancies": 1,
                                             "positions": 2}]
    assert stats.applications_by_stage == {"ditempatkan": 1}
    assert stats.tpt is None


def test_it_shows_statistics_only_to_staff_roles(jobs, people) -> None:
    for user in (jobs.dina, people.oscar, people.walikota):
        selectors.labour_statistics(user)
    for user in (jobs.sari.user, jobs.toko_admin, None):
        with pytest.raises(PermissionDenied):
            selectors.labour_statistics(user)


def test_it_takes_tpt_only_as_published_with_period_and_source(jobs) -> None:
    with pytest.raises(ValidationError) as exc:
        actions.check_tpt(jobs.dina, {"period": "", "year": "1900", "rate": "120", "source": ""})
    assert set(exc.value.message_dict) == {"period", "year", "rate", "source"}
    with pytest.raises(PermissionDenied):
        actions.check_tpt(jobs.toko_admin, {})
    data = {"period": "Sakernas Agustus", "year": "2023", "rate": "8,67", "source": "BPS Kota Medan"}
    actions.do_record_tpt(jobs.dina, actions.check_tpt(jobs.dina, data))
    with pytest.raises(ValidationError):
        actions.check_tpt(jobs.dina, data)
    tpt = selectors.labour_statistics(jobs.dina).tpt
    assert tpt == {"rate": 8.67, "period": "Sakernas Agustus", "year": 2023, "source": "BPS Kota Medan"}
    assert TptFigure.objects.count() == 1


def test_it_publishes_aggregate_open_data_without_personal_data(jobs) -> None:
    sets = {d["slug"]: d for d in opendata.datasets()}
    assert "lowongan-per-sektor-dan-pendidikan" in sets
    for d in sets.values():
        assert {"slug", "title", "description", "keywords", "frequency", "publisher", "temporal", "spatial",
                "fields", "rows"} <= set(d)
        rows = d["rows"]()
        assert all(set(r) == {f[0] for f in d["fields"]} for r in rows)
        text = str(rows)
        assert jobs.sari.nik not in text and "contoh.id" not in text
    assert sets["lowongan-per-sektor-dan-pendidikan"]["rows"]() == [
        {"kbli": "G", "sektor": dict(__import__("kotacerdas.jobs.models", fromlist=["x"]).KBLI_SECTIONS)["G"],
         "pendidikan_minimal": "SMA/SMK/sederajat", "lowongan": 1, "kuota": 2}]
    assert sets["lowongan-per-kecamatan"]["rows"]() == [{"kode_kecamatan": "12.71.01", "kecamatan": "Medan Kota",
                                                         "lowongan": 1, "kuota": 2}]
    assert len(sets["penempatan-tenaga-kerja-bulanan"]["rows"]()) == 12
