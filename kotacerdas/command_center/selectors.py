"""Role-scoped reads of apparatus performance and disputes (issue #6 §3 "Scopes").

- Wali Kota and Sekda (pimpinan without a region), the admin koordinator (who decides disputes) and the superadmin:
  the whole city, officers included;
- the head of an OPD (`Agency.head`, as the complaints escalation identifies the kepala OPD): the cases charged to
  that OPD, its own officers included;
- a camat (pimpinan with a kecamatan) / a lurah (pimpinan with a kelurahan): the cases located in that area, per
  OPD and per area, without officer names (officers are other units' staff, and the reference leaves open who may
  see officer-level figures: complaints-open311-lapor.md §7 question 5);
- everybody else: PermissionDenied (403). The Command Center operator runs the live room, not staff appraisal.

Disputes: the OPD's own staff (head and penghubung) see and open their OPD's; the admin koordinator sees and
decides all; the scopes above may read the ones in their scope.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.core.exceptions import PermissionDenied
from django.db.models import Q, QuerySet
from django.utils.translation import gettext as _

from kotacerdas.accounts.models import Role
from kotacerdas.agencies.models import Agency
from kotacerdas.command_center.models import CaseFact, Dispute
from kotacerdas.regions.models import Level


@dataclass(frozen=True)
class Scope:
    kind: str  # "kota", "opd", "kecamatan", "kelurahan"
    label: str
    facts: Q
    show_officers: bool
    agencies: tuple[int, ...] = ()
    key: str = "kota"  # identifies the scope in caches


def _role(user: Any) -> str:
    if not getattr(user, "is_authenticated", False):
        return ""
    return Role.SUPERADMIN if user.is_superuser else user.role


def headed_agencies(user: Any) -> list[Agency]:
    if not getattr(user, "is_authenticated", False):
        return []
    return list(Agency.objects.filter(head=user, is_active=True))


def city_scope() -> Scope:
    return Scope("kota", _("Seluruh kota"), Q(), True)


def agency_scope(agencies: list[Agency]) -> Scope:
    """The head of these OPD: the cases charged to them, their officers included."""
    ids = tuple(a.pk for a in agencies)
    return Scope("opd", ", ".join(a.short_name or a.name for a in agencies), Q(agency_id__in=ids), True, ids,
                 key="opd-" + "-".join(map(str, sorted(ids))))  # the same key whatever order they came in


def performance_scope(user: Any) -> Scope:
    """What this user may see of apparatus performance, or PermissionDenied."""
    role = _role(user)
    if role in (Role.SUPERADMIN, Role.ADMIN_KOORDINATOR):
        return city_scope()
    if role == Role.PIMPINAN:
        region = user.region
        if region is None or region.level in (Level.KOTA, Level.KABUPATEN, Level.PROVINSI):
            return city_scope()
        if region.level == Level.KECAMATAN:
            return Scope("kecamatan", _("Kecamatan %(name)s") % {"name": region.name},
                         Q(kecamatan_id=region.pk), False, key=f"kec-{region.pk}")
        return Scope("kelurahan", _("Kelurahan %(name)s") % {"name": region.name}, Q(kelurahan_id=region.pk), False,
                     key=f"kel-{region.pk}")
    headed = headed_agencies(user)
    if headed:
        return agency_scope(headed)
    raise PermissionDenied(_("Halaman kinerja aparatur hanya untuk pimpinan, kepala OPD dan admin koordinator."))


def facts_for(user: Any) -> QuerySet[CaseFact]:
    return CaseFact.objects.filter(performance_scope(user).facts)


def dispute_agencies(user: Any) -> list[int]:
    """OPDs whose red marks this user may dispute: the OPD they head or serve as penghubung."""
    ids = {a.pk for a in headed_agencies(user)}
    if _role(user) == Role.PENGHUBUNG and user.agency_id:
        ids.add(user.agency_id)
    return sorted(ids)


def can_decide(user: Any) -> bool:
    return _role(user) in (Role.ADMIN_KOORDINATOR, Role.SUPERADMIN)


def disputes_for(user: Any) -> QuerySet[Dispute]:
    qs = Dispute.objects.select_related("complaint", "agency", "opened_by", "decided_by")
    if can_decide(user):
        return qs
    own = dispute_agencies(user)
    try:
        scope = performance_scope(user)
    except PermissionDenied:
        scope = None
    if scope is None and not own:
        raise PermissionDenied(_("Anda tidak berwenang melihat keberatan tanda merah."))
    wanted = Q(agency_id__in=own)
    if scope is not None:
        if scope.kind == "kota":
            return qs
        facts = CaseFact.objects.filter(scope.facts).values("complaint_id")
        wanted |= Q(complaint_id__in=facts)
    return qs.filter(wanted)


