from __future__ import annotations

import pytest

from kotacerdas.lib import job_matching as jm


def seeker(key: str = "s", edu: int = 3, skills: tuple[str, ...] = ("las", "listrik"), kec: str | None = "12.71.01",
           years: float = 2) -> jm.Seeker:
    return jm.Seeker(key, edu, jm.skill_set(skills), kec, years)


def vacancy(key: str = "v", edu: int = 3, skills: tuple[str, ...] = ("las", "listrik"), kec: str | None = "12.71.01",
            years: float = 1) -> jm.Vacancy:
    return jm.Vacancy(key, edu, jm.skill_set(skills), kec, years)


def test_it_gives_a_perfect_fit_full_marks_with_every_reason() -> None:
    m = jm.score(seeker(), vacancy())
    assert m.score == 100.0
    codes = [r.code for r in m.reasons]
    assert codes == ["skills", "education_ok", "same_kecamatan", "experience"]
    assert m.reasons[0].params["matched"] == ["las", "listrik"]


def test_it_compares_skills_case_and_space_insensitively() -> None:
    m = jm.score(seeker(skills=("  Microsoft   EXCEL",)), vacancy(skills=("microsoft excel", "akuntansi")))
    assert m.parts["skills"] == 0.5


def test_it_penalises_education_below_the_minimum_and_strong_overqualification() -> None:
    assert jm.score(seeker(edu=2), vacancy(edu=3)).parts["education"] == 0.4
    assert jm.score(seeker(edu=1), vacancy(edu=3)).parts["education"] == 0.0
    assert jm.score(seeker(edu=6), vacancy(edu=3)).parts["education"] == 0.7


def test_it_scores_location_and_experience() -> None:
    assert jm.score(seeker(kec="12.71.05"), vacancy()).parts["location"] == jm.OTHER_KECAMATAN
    assert jm.score(seeker(kec=None), vacancy()).parts["location"] == jm.UNKNOWN
    assert jm.score(seeker(years=1), vacancy(years=4)).parts["experience"] == 0.25
    assert jm.score(seeker(years=0), vacancy(years=0)).parts["experience"] == 1.0


def test_it_ranks_best_first_both_ways() -> None:
    good, bad = vacancy("good"), vacancy("bad", skills=("memasak",), kec="12.71.09", edu=5)
    assert [m.vacancy for m in jm.best_vacancies(seeker(), [bad, good])] == ["good", "bad"]
    fit, unfit = seeker("fit"), seeker("unfit", skills=(), edu=1)
    assert [m.seeker for m in jm.best_seekers(vacancy(), [unfit, fit], k=1)] == ["fit"]


def test_it_computes_ndcg_and_precision() -> None:
    rel = {"a": 3.0, "b": 2.0, "c": 0.0}
    assert jm.ndcg_at_k(["a", "b", "c"], rel) == pytest.approx(1.0)
    assert jm.ndcg_at_k(["c", "b", "a"], rel) < 0.8
    assert jm.ndcg_at_k(["x"], {}) == 0.0
    assert jm.precision_at_k(["a", "x", "b", "y"], {"a", "b"}, k=4) == 0.5
