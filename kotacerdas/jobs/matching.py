"""Siduta's matching: model rows -> kotacerdas.lib.job_matching features, and the reasons phrased for people."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from kotacerdas.jobs.models import EDUCATION_RANK, SeekerProfile, Vacancy
from kotacerdas.lib import job_matching as jm

CANDIDATE_LIMIT = 2000  # seekers scored per vacancy; newest profiles first beyond that


def seeker_features(profile: SeekerProfile) -> jm.Seeker:
    kecamatan = profile.kecamatan.code if profile.kecamatan_id else None
    return jm.Seeker(profile.pk, EDUCATION_RANK.get(profile.education, 0), jm.skill_set(profile.skills or []),
                     kecamatan, float(profile.experience_years or 0))


def vacancy_features(vacancy: Vacancy) -> jm.Vacancy:
    kecamatan = vacancy.kecamatan.code if vacancy.kecamatan_id else None
    return jm.Vacancy(vacancy.pk, EDUCATION_RANK.get(vacancy.education_min, 0), jm.skill_set(vacancy.skills or []),
                      kecamatan, float(vacancy.experience_min_years or 0))


def score(profile: SeekerProfile, vacancy: Vacancy) -> jm.Match:
    return jm.score(seeker_features(profile), vacancy_features(vacancy))


def explain(reason: jm.Reason) -> str:
    p = reason.params
    if reason.code == "skills":
        return _("Keterampilan cocok: %(skills)s (%(n)d dari %(req)d)") % {
            "skills": ", ".join(p["matched"]), "n": p["count"], "req": p["required"]}
    if reason.code == "skills_none":
        return _("Belum ada keterampilan yang diminta")
    if reason.code == "skills_unlisted":
        return _("Lowongan tidak mencantumkan keterampilan")
    if reason.code == "education_ok":
        return _("Pendidikan memenuhi syarat")
    if reason.code == "education_over":
        return _("Pendidikan jauh di atas syarat")
    if reason.code == "education_below":
        return ngettext("Pendidikan %(n)d jenjang di bawah syarat", "Pendidikan %(n)d jenjang di bawah syarat",
                        p["gap"]) % {"n": p["gap"]}
    if reason.code == "same_kecamatan":
        return _("Berdomisili di kecamatan lokasi kerja")
    if reason.code == "other_kecamatan":
        return _("Berdomisili di kecamatan lain")
    if reason.code == "location_unknown":
        return _("Domisili belum diisi")
    if reason.code == "experience_not_required":
        return _("Tidak mensyaratkan pengalaman")
    return _("Pengalaman %(have)s dari %(need)s tahun yang diminta") % {
        "have": f"{p['years']:g}", "need": f"{p['required']:g}"}


@dataclass
class Suggestion:
    obj: Any
    score: float
    reasons: list[str]


def best_vacancies_for(profile: SeekerProfile, vacancies: Any, k: int = 10) -> list[Suggestion]:
    rows = {v.pk: v for v in vacancies.select_related("kecamatan", "company")}
    matches = jm.best_vacancies(seeker_features(profile), [vacancy_features(v) for v in rows.values()], k)
    return [Suggestion(rows[m.vacancy], m.score, [explain(r) for r in m.reasons]) for m in matches]


def best_seekers_for(vacancy: Vacancy, k: int = 10) -> list[Suggestion]:
    """Seekers with an active card who are not placed, best first (Disnaker and the vacancy's employer see this)."""
    from kotacerdas.jobs.selectors import active_seekers

    qs = (active_seekers().select_related("user", "kecamatan")
          .defer("kecamatan__boundary").order_by("-created")[:CANDIDATE_LIMIT])
    rows = {s.pk: s for s in qs}
    matches = jm.best_seekers(vacancy_features(vacancy), [seeker_features(s) for s in rows.values()], k)
    return [Suggestion(rows[m.seeker], m.score, [explain(r) for r in m.reasons]) for m in matches]

