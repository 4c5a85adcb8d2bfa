"""Disputes of red marks: who may open them, what the admin koordinator's decision does, the audit trail."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from kotacerdas.command_center import actions, performance
from kotacerdas.command_center.models import CaseFact, Dispute, DisputeStatus
from kotacerdas.command_center.tests.conftest import MON, NOV, at
from kotacerdas.core.models import AuditLog, Event

REASON = "Lokasi tergenang banjir tiga hari sehingga truk tidak bisa masuk."
PERIOD = performance.Period(*NOV)


def late_case(cases):  # noqa: ANN001, ANN201
    """A DLH case whose first response came after 6 working days (limit 5 hk)."""
    return cases.handled(MON, respond_after=timedelta(days=8), resolve_after=timedelta(days=9))


def dlh_row():  # noqa: ANN201
    rows = performance.league(CaseFact.objects.all(), "opd", PERIOD, at(30))
    return next(r for r in rows if r["code"] == "dinas-lingkungan-hidup")


@pytest.mark.django_db
def test_it_lifts_the_red_mark_when_the_coordinator_accepts_a_dispute(cases, people,
                                                                      django_capture_on_commit_callbacks):
    c = late_case(cases)
    cases.handled(MON)
    performance.sync()
    assert dlh_row()["on_time_pct"] == 50.0
    with django_capture_on_commit_callbacks(execute=True):
        dispute = actions.open_dispute(people.kepala_dlh, c, REASON)
    assert dispute.status == DisputeStatus.DIAJUKAN and dispute.agency.code == "dinas-lingkungan-hidup"
    with django_capture_on_commit_callbacks(execute=True):
        actions.decide(people.adi, dispute, DisputeStatus.DITERIMA, "Banjir tercatat BPBD, diterima.")
    row = dlh_row()
    assert row["late"] == 0 and row["forgiven"] == 1 and row["on_time_pct"] == 100.0
    # Every later rebuild keeps the decision.
    performance.refresh_all()
    assert CaseFact.objects.get(pk=c.pk).forgiven
    assert list(AuditLog.objects.filter(target_type="command_center.dispute").values_list("action", flat=True)
                .order_by("id")) == ["command_center.dispute.open", "command_center.dispute.decide"]
    assert Event.objects.filter(topic="command_center.dispute").count() == 2


@pytest.mark.django_db
def test_it_keeps_the_red_mark_when_the_dispute_is_rejected(cases, people):
    c = late_case(cases)
    dispute = actions.open_dispute(people.dewi, c, REASON)  # the OPD's penghubung may dispute too
    actions.decide(people.adi, dispute, DisputeStatus.DITOLAK, "Tidak ada bukti banjir pada tanggal itu.")
    dispute.refresh_from_db()
    assert dispute.status == DisputeStatus.DITOLAK and dispute.decided_by == people.adi
    assert dlh_row()["late"] == 1
    with pytest.raises(ValidationError) as exc:
        actions.open_dispute(people.kepala_dlh, c, REASON)
    assert "complaint" in exc.value.message_dict  # one dispute per case and OPD


@pytest.mark.django_db
def test_it_refuses_disputes_on_cases_without_a_red_mark_or_of_another_opd(cases, people):
    on_time = cases.handled(MON)
    with pytest.raises(ValidationError) as exc:
        actions.open_dispute(people.kepala_dlh, on_time, REASON)
    assert "complaint" in exc.value.message_dict
    late = late_case(cases)
    with pytest.raises(PermissionDenied):
        actions.open_dispute(people.hendra, late, REASON)  # Dishub's penghubung, a DLH case
    with pytest.raises(PermissionDenied):
        actions.open_dispute(people.putra, late, REASON)  # a field officer
    with pytest.raises(ValidationError) as exc:
        actions.open_dispute(people.kepala_dlh, late, "terlambat")
    assert "reason" in exc.value.message_dict
    assert not Dispute.objects.exists()


@pytest.mark.django_db
def test_it_lets_only_the_coordinator_decide_once_with_a_reason(cases, people):
    dispute = actions.open_dispute(people.kepala_dlh, late_case(cases), REASON)
    with pytest.raises(PermissionDenied):
        actions.decide(people.kepala_dlh, dispute, DisputeStatus.DITERIMA, "Saya terima sendiri.")
    with pytest.raises(PermissionDenied):
        actions.decide(people.walikota, dispute, DisputeStatus.DITERIMA, "Diterima pimpinan.")
    for decision, note, field in (("mungkin", "Alasan cukup panjang.", "decision"),
                                  (DisputeStatus.DITERIMA, "ok", "note")):
        with pytest.raises(ValidationError) as exc:
            actions.decide(people.adi, dispute, decision, note)
        assert field in exc.value.message_dict
    actions.decide(people.adi, dispute, DisputeStatus.DITERIMA, "Banjir tercatat BPBD.")
    dispute.refresh_from_db()
    with pytest.raises(ValidationError) as exc:
        actions.decide(people.adi, dispute, DisputeStatus.DITOLAK, "Berubah pikiran.")
    assert "status" in exc.value.message_dict


@pytest.mark.django_db
def test_it_allows_disputing_an_open_case_that_is_overdue_now(cases, people):
    c = cases.file(MON)
    c = cases.dispose(c, MON)  # never answered: past its 5 hk limit today
    dispute = actions.open_dispute(people.kepala_dlh, c, REASON)
    actions.decide(people.adi, dispute, DisputeStatus.DITERIMA, "Menunggu material dari provinsi.")
    total = performance.totals(CaseFact.objects.all(), PERIOD)
    assert total["overdue_now"] == 0 and total["late"] == 0 and total["backlog"] == 1
