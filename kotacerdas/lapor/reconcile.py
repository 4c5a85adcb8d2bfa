"""Reconciliation: local vs remote, for the admin page and `manage.py lapor_reconcile`.

For every linked complaint, the LAPOR! state we expect (our status mapped) is compared with the state LAPOR!
reports now. Listed: mismatches (with the messages still waiting, which often explain them), linked complaints
LAPOR! does not know, and verified complaints of forwarding categories that have no TrackingID.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from django.db.models import QuerySet
from django.utils import timezone

from kotacerdas.complaints.models import Channel, Complaint
from kotacerdas.lapor.gateway import LaporError, LaporGateway, get_gateway, lapor_status_for, status_label
from kotacerdas.lapor.models import LaporLink, MessageKind, MessageState, OutboxMessage

UNSENT = (MessageState.PENDING, MessageState.FAILED, MessageState.DEAD)


@dataclass
class Row:
    complaint: Complaint
    tracking_id: str
    expected: str  # the LAPOR! state our status maps to
    remote: str  # "" when LAPOR! does not know the report
    waiting: int  # our messages for this complaint not delivered yet

    @property
    def expected_label(self) -> str:
        return status_label(self.expected)

    @property
    def remote_label(self) -> str:
        return status_label(self.remote) if self.remote else "-"


@dataclass
class Unlinked:
    complaint: Complaint
    report_state: str  # state of its report message, "" when none was ever written

    @property
    def report_state_label(self) -> str:
        return MessageState(self.report_state).label if self.report_state else "-"


@dataclass
class Report:
    generated_at: datetime
    linked: int = 0
    matching: int = 0
    mismatches: list[Row] = field(default_factory=list)
    missing_remote: list[Row] = field(default_factory=list)
    unlinked: list[Unlinked] = field(default_factory=list)
    error: str = ""

    @property
    def ok(self) -> bool:
        return not (self.error or self.mismatches or self.missing_remote or self.unlinked)


def unlinked_verified() -> QuerySet[Complaint]:
    """Verified and sent to an OPD, in a forwarding category, yet without a TrackingID."""
    return (Complaint.objects.filter(dispositioned_at__isnull=False, category__forward_to_lapor=True,
                                     lapor_link__isnull=True)
            .exclude(channel=Channel.LAPOR).select_related("category").order_by("dispositioned_at"))


def build(gateway: LaporGateway | None = None, now: datetime | None = None) -> Report:
    report = Report(generated_at=now or timezone.now())
    links = list(LaporLink.objects.select_related("complaint", "complaint__category").order_by("linked_at"))
    report.linked = len(links)
    waiting: dict[int, int] = {}
    for complaint_id in OutboxMessage.objects.filter(state__in=UNSENT).values_list("complaint_id", flat=True):
        waiting[complaint_id] = waiting.get(complaint_id, 0) + 1
    remote: dict[str, str] = {}
    if links:
        try:
            found = (gateway or get_gateway()).fetch_reports([link.tracking_id for link in links])
            remote = {r.tracking_id: r.status for r in found}
        except LaporError as exc:
            report.error = str(exc)
    if not report.error:
        for link in links:
            row = Row(complaint=link.complaint, tracking_id=link.tracking_id,
                      expected=lapor_status_for(link.complaint), remote=remote.get(link.tracking_id, ""),
                      waiting=waiting.get(link.complaint_id, 0))
            if not row.remote:
                report.missing_remote.append(row)
            elif row.remote != row.expected:
                report.mismatches.append(row)
            else:
                report.matching += 1
    states = dict(OutboxMessage.objects.filter(kind=MessageKind.REPORT).values_list("complaint_id", "state"))
    report.unlinked = [Unlinked(complaint=c, report_state=states.get(c.pk, "")) for c in unlinked_verified()]
    return report
