"""Applications, the stage machine, placements (rule 36), notifications and contact privacy."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from kotacerdas.core.models import Notification
from kotacerdas.jobs import actions, matching, selectors
from kotacerdas.jobs.models import ApplicationEvent, CardStatus, Placement, Stage
from kotacerdas.jobs.tests.conftest import make_seeker


def apply(jobs, seeker=None):
    seeker = seeker or jobs.sari
    return actions.do_apply(seeker.user, jobs.vacancy, "Saya berminat.")


def test_it_applies_with_profile_cv_and_notifies_both_sides(jobs) -> None:
    application = apply(jobs)
    assert application.stage == Stage.DIKIRIM and application.cv and application.match_score == 100.0
    assert application.cv.read().startswith(b"%PDF-")
    assert Notification.objects.filter(user=jobs.toko_admin, topic="jobs.application").exists()
    assert Notification.objects.filter(user=jobs.toko_staf, topic="jobs.application").exists()
    sent = Notification.objects.filter(user=jobs.sari.user, topic="jobs.application")
    assert sent.exists() and all(jobs.sari.nik not in n.body for n in sent)
    with pytest.raises(ValidationError) as exc:
        apply(jobs)
    assert "sudah melamar" in exc.value.message_dict["vacancy"][0]


def test_it_requires_an_active_card_a_cv_and_an_open_vacancy(jobs) -> None:
    with pytest.raises(ValidationError) as exc:
        apply(jobs, jobs.budi)
    assert "AK/1" in exc.value.message_dict["card"][0]
    with pytest.raises(PermissionDenied):
        actions.check_apply(jobs.toko_admin, jobs.vacancy)
    jobs.sari.cv.delete(save=True)
    with pytest.raises(ValidationError) as exc:
        apply(jobs)
    assert "cv" in exc.value.message_dict
    with pytest.raises(ValidationError) as exc:
        actions.check_apply(jobs.sari.user, jobs.vacancy, on=jobs.vacancy.closes_on + timedelta(days=1))
    assert "vacancy" in exc.value.message_dict


def move(jobs, application, stage, user=None, **data):
    return actions.do_move(user or jobs.toko_staf, application, stage, data)


def test_it_moves_applicants_only_along_the_stage_machine(jobs) -> None:
    application = apply(jobs)
    for illegal in (Stage.WAWANCARA, Stage.DITEMPATKAN, Stage.SELEKSI, "hilang"):
        with pytest.raises(ValidationError) as exc:
            move(jobs, application, illegal)
        assert "stage" in exc.value.message_dict
    move(jobs, application, Stage.DITERIMA)
    move(jobs, application, Stage.SELEKSI, note="Tes tertulis Senin")
    move(jobs, application, Stage.WAWANCARA)
    move(jobs, application, Stage.DITOLAK)
    with pytest.raises(ValidationError):
        move(jobs, application, Stage.DITERIMA)  # final
    history = list(ApplicationEvent.objects.filter(application=application).values_list("to_stage", flat=True))
    assert history == ["dikirim", "diterima", "seleksi", "wawancara", "ditolak"]
    notes = Notification.objects.filter(user=jobs.sari.user, subject="Perkembangan lamaran")
    assert notes.count() >= 4 and any("Tes tertulis Senin" in n.body for n in notes)


def test_it_lets_only_the_owning_company_move_applicants(jobs) -> None:
    application = apply(jobs)
    for outsider in (jobs.baru_admin, jobs.dina, jobs.sari.user):
        with pytest.raises(PermissionDenied):
            move(jobs, application, Stage.DITERIMA, user=outsider)


def test_it_records_a_placement_and_drops_the_seeker_from_the_active_count(jobs) -> None:
    assert jobs.sari in selectors.active_seekers()
    application = apply(jobs)
    for stage in (Stage.DITERIMA, Stage.WAWANCARA):
        move(jobs, application, stage)
    with pytest.raises(ValidationError) as exc:
        move(jobs, application, Stage.DITEMPATKAN, placed_on=(selectors.today() + timedelta(days=3)).isoformat())
    assert "placed_on" in exc.value.message_dict
    move(jobs, application, Stage.DITEMPATKAN, position="Kasir senior")
    placement = Placement.objects.get(seeker=jobs.sari)
    assert (placement.company, placement.position, placement.placed_on) == (jobs.toko, "Kasir senior",
                                                                            selectors.today())
    assert jobs.sari not in selectors.active_seekers()
    assert jobs.sari.cards.get().status == CardStatus.DITEMPATKAN
    with pytest.raises(ValidationError):
        actions.check_request_ak1(jobs.sari.user, jobs.sari)


def test_it_keeps_placements_within_the_vacancy_quota(jobs) -> None:
    jobs.vacancy.quota = 1
    jobs.vacancy.save()
    other = make_seeker("rudi", "1271012003980001", card=True, dina=jobs.dina, birth_date="1998-03-20", gender="L",
                        email="rudi@contoh.id")
    first, second = apply(jobs), apply(jobs, other)
    for app in (first, second):
        move(jobs, app, Stage.DITERIMA)
        move(jobs, app, Stage.WAWANCARA)
    move(jobs, first, Stage.DITEMPATKAN)
    with pytest.raises(ValidationError) as exc:
        move(jobs, second, Stage.DITEMPATKAN)
    assert "Kuota" in exc.value.message_dict["stage"][0]


def test_it_shows_applicant_contact_only_to_the_owning_company(jobs) -> None:
    application = apply(jobs)
    assert selectors.can_see_contact(jobs.toko_staf, application)
    assert selectors.can_see_contact(jobs.dina, application)
    assert not selectors.can_see_contact(jobs.baru_admin, application)
    assert list(selectors.applications_for(jobs.baru_admin)) == []
    assert list(selectors.applications_for(jobs.sari.user)) == [application]
    assert list(selectors.applications_for(jobs.budi.user)) == []


def test_it_suggests_matches_with_reasons_both_ways(jobs) -> None:
    best = matching.best_seekers_for(jobs.vacancy)
    assert [s.obj for s in best] == [jobs.sari]  # budi has no active card
    assert any("kasir" in r for r in best[0].reasons)
    vacancies = matching.best_vacancies_for(jobs.sari, selectors.public_vacancies())
    assert vacancies[0].obj == jobs.vacancy and vacancies[0].score == 100.0
    assert "Berdomisili di kecamatan lokasi kerja" in vacancies[0].reasons
