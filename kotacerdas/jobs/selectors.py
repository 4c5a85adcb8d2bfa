"""Role-scoped reads of Siduta, for the app's screens and API and for other apps (the Command Center calls
`labour_statistics`).

Who sees what:
- anyone: published, open vacancies; events; verified companies' names; an AK/1's validity (by its token);
- a seeker (warga with a profile): own profile, cards, applications;
- an employer (perusahaan): own company, its vacancies and the applications to them, with applicants' contact;
- Disnaker staff (and superadmin): everything, NIK included;
- statistics: Disnaker, Command Center operators, pimpinan, admin koordinator, superadmin (aggregates only).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from statistics import median
from typing import Any

from django.db import connection
from django.db.models import Count, Exists, OuterRef, Q, QuerySet
from django.utils import timezone

from kotacerdas.accounts.models import Role
from kotacerdas.core.deadlines import to_local
from kotacerdas.jobs.models import (
    KBLI_SECTIONS,
    Ak1Card,
    Application,
    CardStatus,
    Company,
    CompanyStatus,
    Education,
    JobEvent,
    Placement,
    SeekerProfile,
    TptFigure,
    Vacancy,
    VacancyStatus,
)
from kotacerdas.lib import stemmer_id

STATS_ROLES = frozenset({Role.DISNAKER, Role.OPERATOR, Role.PIMPINAN, Role.ADMIN_KOORDINATOR, Role.SUPERADMIN})


def today() -> date:
    """The city's local date (AK/1 dates and closing dates are local calendar days)."""
    return to_local(timezone.now()).date()


def _authenticated(user: Any) -> bool:
    return bool(user is not None and getattr(user, "is_authenticated", False))


def is_disnaker(user: Any) -> bool:
    return _authenticated(user) and (user.is_superuser or user.role in (Role.DISNAKER, Role.SUPERADMIN))


def can_view_stats(user: Any) -> bool:
    return _authenticated(user) and (user.is_superuser or user.role in STATS_ROLES)


def company_of(user: Any) -> Company | None:
    if not _authenticated(user) or user.role != Role.PERUSAHAAN:
        return None
    member = getattr(user, "company_member", None)
    return member.company if member else None


def is_company_admin(user: Any, company: Company) -> bool:
    member = getattr(user, "company_member", None) if _authenticated(user) else None
    return bool(member and member.company_id == company.pk and member.is_admin)


def seeker_of(user: Any) -> SeekerProfile | None:
    if not _authenticated(user):
        return None
    try:
        return user.seeker
    except SeekerProfile.DoesNotExist:
        return None


def current_card(seeker: SeekerProfile) -> Ak1Card | None:
    """The seeker's newest card that is not superseded (a request, an active, inactive or expired card)."""
    return seeker.cards.exclude(status=CardStatus.DIGANTI).order_by("-requested_at", "-pk").first()


def is_placed(seeker: SeekerProfile) -> bool:
    return seeker.placements.exists()


# --- vacancies ---------------------------------------------------------------------------------------------------


def public_vacancies(on: date | None = None) -> QuerySet[Vacancy]:
    """Published vacancies whose closing date has not passed."""
    return (Vacancy.objects.filter(status=VacancyStatus.TERBIT, closes_on__gte=on or today())
            .select_related("company", "kecamatan").defer("kecamatan__boundary"))


def vacancies_for(user: Any) -> QuerySet[Vacancy]:
    """Public vacancies for everyone; an employer also sees its own in every status, Disnaker sees all."""
    qs = Vacancy.objects.select_related("company", "kecamatan").defer("kecamatan__boundary")
    if is_disnaker(user):
        return qs
    company = company_of(user)
    public = Q(status=VacancyStatus.TERBIT, closes_on__gte=today())
    return qs.filter(public | Q(company=company)) if company else qs.filter(public)


_pg_indonesian: bool | None = None


def pg_has_indonesian() -> bool:
    """Whether PostgreSQL has the `indonesian` text-search configuration (Snowball, PostgreSQL >= 13)."""
    global _pg_indonesian
    if connection.vendor != "postgresql":
        return False
    if _pg_indonesian is None:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1 FROM pg_ts_config WHERE cfgname = 'indonesian'")
            _pg_indonesian = cursor.fetchone() is not None
    return _pg_indonesian


def search_vacancies(qs: QuerySet[Vacancy], text: str) -> QuerySet[Vacancy]:
    """Full-text search in Indonesian.

    Every engine: each stemmed query word must be in the vacancy's stemmed `search_text`
    (kotacerdas.lib.stemmer_id). PostgreSQL with the `indonesian` configuration (Snowball) also matches through
    `SearchVector(..., config="indonesian")` and orders by its rank (title first, then company, then text). Both are
    kept because Snowball's Indonesian stemmer is not consistent across forms of one word ("pengemudi" -> emudi,
    "mengemudi" -> emud), which our stripper handles; Snowball in turn knows words our small root list does not.
    """
    text = (text or "").strip()[:200]
    if not text:
        return qs
    words = stemmer_id.tokens(text)
    stemmed = Q()
    for word in words:
        stemmed &= Q(search_text__contains=f" {word} ")
    if pg_has_indonesian():
        from django.contrib.postgres.search import SearchQuery, SearchRank, SearchVector

        vector = (SearchVector("title", weight="A", config="indonesian")
                  + SearchVector("company__name", weight="B", config="indonesian")
                  + SearchVector("description", weight="C", config="indonesian"))
        query = SearchQuery(text, config="indonesian", search_type="websearch")
        # `document=query` is the @@ match; ts_rank alone is never 0 (1e-20 for a miss) and cannot filter.
        ranked = qs.annotate(document=vector, rank=SearchRank(vector, query))
        match = (Q(document=query) | stemmed) if words else Q(document=query)
        return ranked.filter(match).order_by("-rank", "-published_at")
    return qs.filter(stemmed) if words else qs


def search_text_for(vacancy: Vacancy) -> str:
    parts = [vacancy.title, vacancy.description, " ".join(vacancy.skills or []), vacancy.company.name]
    return stemmer_id.normalise(" ".join(parts))


# --- applications ------------------------------------------------------------------------------------------------


def applications_for(user: Any) -> QuerySet[Application]:
    qs = Application.objects.select_related("vacancy__company", "seeker__user")
    if is_disnaker(user):
        return qs
    company = company_of(user)
    if company is not None:
        return qs.filter(vacancy__company=company)
    seeker = seeker_of(user)
    if seeker is not None:
        return qs.filter(seeker=seeker)
    return qs.none()


def can_see_contact(user: Any, application: Application) -> bool:
    """Employers see an applicant's e-mail and phone only for applications to their own vacancies."""
    if is_disnaker(user):
        return True
    company = company_of(user)
    return company is not None and application.vacancy.company_id == company.pk


def seekers_for(user: Any) -> QuerySet[SeekerProfile]:
    if is_disnaker(user):
        return SeekerProfile.objects.select_related("user", "kecamatan").defer("kecamatan__boundary")
    return SeekerProfile.objects.none()


def companies_for(user: Any) -> QuerySet[Company]:
    if is_disnaker(user):
        return Company.objects.all()
    company = company_of(user)
    verified = Q(status=CompanyStatus.TERVERIFIKASI)
    return Company.objects.filter(verified | Q(pk=company.pk)) if company else Company.objects.filter(verified)


def events_for(user: Any) -> QuerySet[JobEvent]:
    return JobEvent.objects.annotate(registered=Count("registrations")).order_by("-starts_on")


# --- statistics --------------------------------------------------------------------------------------------------


def active_seekers(on: date | None = None) -> QuerySet[SeekerProfile]:
    """Seekers with an active AK/1 card that has not expired and who have not been placed (rule 36)."""
    on = on or today()
    active_card = Ak1Card.objects.filter(seeker=OuterRef("pk"), status=CardStatus.AKTIF, valid_until__gte=on)
    placed = Placement.objects.filter(seeker=OuterRef("pk"))
    return SeekerProfile.objects.filter(Exists(active_card)).exclude(Exists(placed))


@dataclass
class LabourStatistics:
    on: date
    registered: int
    active: int
    placed: int
    placed_in_period: int
    vacancies_open: int
    positions_open: int
    vacancies_by_sector: list[dict[str, Any]] = field(default_factory=list)
    vacancies_by_education: list[dict[str, Any]] = field(default_factory=list)
    median_days_to_placement: float | None = None
    applications_by_stage: dict[str, int] = field(default_factory=dict)
    tpt: dict[str, Any] | None = None

    def as_dict(self) -> dict[str, Any]:
        return {k: (v.isoformat() if isinstance(v, date) else v) for k, v in self.__dict__.items()}


def labour_statistics(user: Any = None, *, on: date | None = None, since: date | None = None,
                      check_access: bool = True) -> LabourStatistics:
    """Counts for Disnaker and the Command Center (aggregates only, no personal data).

    - registered: seeker profiles; active: `active_seekers`; placed: seekers with a placement (ever), and
      placements since `since` (default: 1 January of `on`'s year);
    - open vacancies (published, not closed) and their quota, by KBLI section and by minimum education;
    - median days from registration to placement (placements since `since`);
    - TPT: the latest figure entered from BPS with its period and source (rule 37), never computed here.
    Raises PermissionDenied for a user who may not see statistics (pass check_access=False from tasks).
    """
    from django.core.exceptions import PermissionDenied
    from django.db.models import Sum

    if check_access and not can_view_stats(user):
        raise PermissionDenied("statistik ketenagakerjaan")
    on = on or today()
    since = since or date(on.year, 1, 1)
    open_qs = Vacancy.objects.filter(status=VacancyStatus.TERBIT, closes_on__gte=on)
    sector_names = dict(KBLI_SECTIONS)
    by_sector = [
        {"sector": row["sector"], "name": sector_names.get(row["sector"], row["sector"]), "vacancies": row["n"],
         "positions": row["q"] or 0}
        for row in open_qs.values("sector").annotate(n=Count("pk"), q=Sum("quota")).order_by("sector")
    ]
    edu_labels = dict(Education.choices)
    edu_rows = {row["education_min"]: row for row in
                open_qs.values("education_min").annotate(n=Count("pk"), q=Sum("quota")).order_by()}
    by_education = [
        {"education": value, "name": str(edu_labels[value]), "vacancies": edu_rows[value]["n"],
         "positions": edu_rows[value]["q"] or 0}
        for value in Education.values if value in edu_rows
    ]
    period_placements = Placement.objects.filter(placed_on__gte=since, placed_on__lte=on).select_related("seeker")
    days = [(p.placed_on - to_local(p.seeker.created).date()).days for p in period_placements]
    stages = dict(Application.objects.values_list("stage").annotate(n=Count("pk")).order_by())
    tpt = TptFigure.objects.order_by("-year", "-created").first()
    return LabourStatistics(
        on=on,
        registered=SeekerProfile.objects.count(),
        active=active_seekers(on).count(),
        placed=SeekerProfile.objects.filter(placements__isnull=False).distinct().count(),
        placed_in_period=len(days),
        vacancies_open=open_qs.count(),
        positions_open=open_qs.aggregate(q=Sum("quota"))["q"] or 0,
        vacancies_by_sector=by_sector,
        vacancies_by_education=by_education,
        median_days_to_placement=float(median(days)) if days else None,
        applications_by_stage=stages,
        tpt=({"rate": float(tpt.rate), "period": tpt.period, "year": tpt.year, "source": tpt.source}
             if tpt else None),
    )
