"""The outbox to SP4N-LAPOR!, delivered over real HTTP to the fake server: forwarding, retries, idempotency, dead
letters, privacy of the payload, and when nothing is written at all."""

from __future__ import annotations

import json
from datetime import timedelta
from typing import Any

import pytest
from django.db import transaction
from django.test import override_settings
from django.utils import timezone

from kotacerdas.complaints import actions
from kotacerdas.complaints.models import Complaint, Outcome
from kotacerdas.core.models import AuditLog, Notification
from kotacerdas.lapor import outbox
from kotacerdas.lapor.models import LaporLink, MessageKind, MessageState, OutboxMessage

pytestmark = pytest.mark.django_db

NIK = "1271010101900001"
PHONE = "081298765432"
EMAIL = "budi.santoso@contoh.id"


def verified(city: Any, people: Any, *, category: Any = None, **extra: Any) -> Complaint:
    data = {
        "title": "Sampah menumpuk di depan pasar",
        "description": "Sudah seminggu sampah tidak diangkut, baunya menyengat sampai ke rumah warga.",
        "category": (category or city.cat_sampah).code, "lat": city.inside[0], "lon": city.inside[1],
        "reporter_name": "Budi Santoso", "reporter_phone": PHONE, "reporter_email": EMAIL, "reporter_nik": NIK,
    }
    data.update(extra)
    complaint = actions.submit(data)
    return actions.do_dispose(people.adi, complaint, city.dlh)


def messages(complaint: Complaint) -> list[OutboxMessage]:
    return list(OutboxMessage.objects.filter(complaint=complaint).order_by("id"))


def test_it_forwards_a_verified_complaint_and_stores_the_tracking_id(forwarding, people, lapor_on):
    complaint = verified(forwarding, people)
    [message] = messages(complaint)
    assert message.kind == MessageKind.REPORT and message.state == MessageState.PENDING
    assert outbox.deliver() == {"sent": 1}
    complaint.refresh_from_db()
    message.refresh_from_db()
    remote = lapor_on.report(complaint.lapor_tracking_id)
    assert message.state == MessageState.SENT and message.attempts == 1
    assert remote["external_id"] == complaint.tracking_no and remote["status"] == "terdisposisi"
    assert LaporLink.objects.get(complaint=complaint).tracking_id == complaint.lapor_tracking_id
    assert AuditLog.objects.filter(action="lapor.linked", target_id=str(complaint.pk)).exists()
    assert outbox.deliver() == {}  # nothing left: sent once


def test_it_kicks_delivery_right_after_the_commit(forwarding, people, lapor_on, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        complaint = verified(forwarding, people)
    complaint.refresh_from_db()
    assert complaint.lapor_tracking_id  # the django-tasks kick ran (Huey is immediate in tests)
    assert lapor_on.state()["stats"]["reports_created"] == 1


def test_it_sends_followups_in_order_only_after_the_report_has_a_tracking_id(forwarding, people, lapor_on):
    complaint = verified(forwarding, people)
    lapor_on.switches(outage=True)
    actions.do_respond(people.dewi, complaint, "Petugas DLH dijadwalkan mengangkut sampah besok pagi.")
    now = timezone.now()
    counts = outbox.deliver(now=now)
    assert counts == {"failed": 1, "blocked": 1}  # the follow-up waits behind its report
    assert [m.state for m in messages(complaint)] == [MessageState.FAILED, MessageState.PENDING]
    lapor_on.switches(outage=False)
    actions.do_resolve(people.dewi, complaint, Outcome.FIXED, "Sampah sudah diangkut seluruhnya hari ini.")
    assert outbox.deliver(now=now + timedelta(hours=2)) == {"sent": 3}
    complaint.refresh_from_db()
    remote = lapor_on.report(complaint.lapor_tracking_id)
    assert [f["type"] for f in remote["followups"]] == ["tanggapan", "tanggapan"]
    assert remote["followups"][0]["message"].startswith("Petugas DLH dijadwalkan")
    assert remote["status"] == "ditindaklanjuti"
    actions.do_confirm(None, complaint, 5)
    outbox.deliver(now=now + timedelta(hours=3))
    assert lapor_on.report(complaint.lapor_tracking_id)["status"] == "selesai"


def test_it_retries_through_an_outage_with_growing_backoff_and_loses_nothing(forwarding, people, lapor_on):
    complaints = [verified(forwarding, people) for _ in range(3)]
    lapor_on.switches(outage=True)
    now = timezone.now()
    assert outbox.deliver(now=now) == {"failed": 3}
    delays = []
    for step in range(1, 5):
        message = OutboxMessage.objects.filter(complaint=complaints[0]).get()
        assert message.state == MessageState.FAILED and message.attempts == step
        assert "503" in message.last_error
        delays.append((message.next_attempt_at - now).total_seconds())
        assert outbox.deliver(now=now) == {}  # not due yet: no hammering during the backoff
        now = message.next_attempt_at
        outbox.deliver(now=now)
    # Doubling from 30 s with equal jitter, never sooner than the server's Retry-After (5 s).
    assert 15 <= delays[0] <= 30 and 30 <= delays[1] <= 60 and 60 <= delays[2] <= 120 and 120 <= delays[3] <= 240
    lapor_on.switches(outage=False)
    assert outbox.deliver(now=now + timedelta(hours=1)) == {"sent": 3}
    state = lapor_on.state()
    assert state["stats"]["reports_created"] == 3 and state["stats"]["outage_refusals"] >= 5
    assert {r["external_id"] for r in state["reports"]} == {c.tracking_no for c in complaints}


def test_it_does_not_send_twice_when_the_reply_is_lost(forwarding, people, lapor_on):
    complaint = verified(forwarding, people)
    lapor_on.switches(slow=1.5)  # LAPOR! stores the report, then answers after our timeout
    now = timezone.now()
    with override_settings(LAPOR_TIMEOUT=0.5):
        assert outbox.deliver(now=now) == {"failed": 1}
    message = OutboxMessage.objects.get(complaint=complaint)
    assert "batas waktu" in message.last_error
    assert lapor_on.state()["stats"]["reports_created"] == 1  # it did arrive
    lapor_on.switches(slow=0)
    assert outbox.deliver(now=now + timedelta(minutes=5)) == {"sent": 1}
    state = lapor_on.state()
    assert state["stats"]["reports_created"] == 1 and state["stats"]["idempotent_replays"] == 1
    complaint.refresh_from_db()
    assert complaint.lapor_tracking_id == state["reports"][0]["tracking_id"]


def test_it_eventually_delivers_everything_when_lapor_fails_at_random(forwarding, people, lapor_on):
    complaints = [verified(forwarding, people) for _ in range(6)]
    for c in complaints[:3]:
        actions.do_respond(people.dewi, c, "Laporan sedang kami tindak lanjuti di lapangan.")
    lapor_on.switches(error_rate=0.5, seed=7)
    now = timezone.now()
    for _round in range(40):
        outbox.deliver(now=now)
        if not OutboxMessage.objects.exclude(state=MessageState.SENT).exists():
            break
        now += timedelta(hours=1)
    assert not OutboxMessage.objects.exclude(state=MessageState.SENT).exists()
    state = lapor_on.state()
    assert state["stats"]["errors_injected"] > 0
    assert state["stats"]["reports_created"] == 6 and state["stats"]["followups_created"] == 3
    tracking_ids = set(Complaint.objects.values_list("lapor_tracking_id", flat=True))
    assert len(tracking_ids) == 6 and "" not in tracking_ids


@override_settings(LAPOR_MAX_ATTEMPTS=3)
def test_it_dead_letters_after_max_attempts_and_alerts_the_coordinators_once(forwarding, people, lapor_on, client):
    complaint = verified(forwarding, people)
    actions.do_respond(people.dewi, complaint, "Petugas DLH dijadwalkan mengangkut sampah besok pagi.")
    lapor_on.switches(outage=True)
    now = timezone.now()
    outcomes = []
    for _attempt in range(3):
        outcomes.append(outbox.deliver(now=now))
        now += timedelta(hours=1)
    assert outcomes[-1] == {"dead": 1, "blocked": 1}
    report, followup = messages(complaint)
    assert report.state == MessageState.DEAD and report.attempts == 3 and report.alerted_at
    assert followup.state == MessageState.PENDING  # held back, not lost
    alerts = Notification.objects.filter(topic="lapor.dead_letter")
    assert [n.user for n in alerts] == [people.adi]
    assert complaint.tracking_no in alerts[0].subject and PHONE not in alerts[0].body
    outbox.deliver(now=now + timedelta(hours=5))
    assert alerts.count() == 1  # once per message

    # The coordinator re-queues it from the dead-letter page once LAPOR! is back.
    lapor_on.switches(outage=False)
    client.force_login(people.adi)
    page = client.get("/sp4n-lapor/gagal/")
    assert page.status_code == 200 and complaint.tracking_no in page.content.decode()
    assert client.post(f"/sp4n-lapor/gagal/{report.pk}/kirim-ulang/").status_code == 302
    assert outbox.deliver() == {"sent": 2}
    assert AuditLog.objects.filter(action="lapor.requeue", actor=people.adi).exists()
    assert lapor_on.state()["stats"]["reports_created"] == 1


def test_it_dead_letters_a_message_that_failed_for_a_day(forwarding, people, lapor_on):
    complaint = verified(forwarding, people)
    lapor_on.switches(error_rate=1.0)
    now = timezone.now()
    assert outbox.deliver(now=now) == {"failed": 1}
    assert outbox.deliver(now=now + timedelta(hours=25)) == {"dead": 1}
    message = OutboxMessage.objects.get(complaint=complaint)
    assert message.attempts == 2 and message.dead_at and message.alerted_at
    assert Notification.objects.filter(topic="lapor.dead_letter", user=people.adi).count() == 1


def test_it_gives_up_at_once_on_an_error_a_retry_cannot_fix(forwarding, people, lapor_on):
    complaint = verified(forwarding, people)
    with override_settings(LAPOR_TOKEN="token-salah"):
        assert outbox.deliver() == {"dead": 1}
    assert "401" in OutboxMessage.objects.get(complaint=complaint).last_error


def test_it_sends_no_identity_for_anonim_or_rahasia_complaints(forwarding, people, lapor_on):
    anonim = verified(forwarding, people, is_anonim=True,
                      description=f"Sampah tidak diangkut, hubungi saya di {PHONE} atau {EMAIL}.")
    rahasia = verified(forwarding, people, is_rahasia=True)
    plain = verified(forwarding, people)
    outbox.deliver()
    for complaint, flags in ((anonim, (False, True)), (rahasia, (True, False))):
        payload = OutboxMessage.objects.get(complaint=complaint).payload
        wire = json.dumps(lapor_on.report(Complaint.objects.get(pk=complaint.pk).lapor_tracking_id)["received"])
        for secret in (NIK, PHONE, EMAIL, "Budi"):
            assert secret not in json.dumps(payload) and secret not in wire
        assert payload["pelapor"] is None and (payload["rahasia"], payload["anonim"]) == flags
    # Identity goes only for a plain report, and never the NIK.
    payload = OutboxMessage.objects.get(complaint=plain).payload
    assert payload["pelapor"] == {"nama": "Budi Santoso", "email": EMAIL, "telepon": PHONE}
    assert NIK not in json.dumps(payload)


def test_it_tells_lapor_to_drop_the_identity_when_a_report_becomes_anonim(forwarding, people, lapor_on):
    complaint = verified(forwarding, people)
    outbox.deliver()
    complaint.refresh_from_db()
    assert lapor_on.report(complaint.lapor_tracking_id)["pelapor"]["nama"] == "Budi Santoso"
    actions.do_set_flags(people.adi, complaint, is_rahasia=False, is_anonim=True, reason="Permintaan pelapor")
    outbox.deliver()
    remote = lapor_on.report(complaint.lapor_tracking_id)
    assert remote["anonim"] is True and remote["pelapor"] is None


def test_it_writes_nothing_when_the_connector_is_off(forwarding, people, fake_lapor):
    complaint = verified(forwarding, people)
    assert not OutboxMessage.objects.exists()
    assert outbox.deliver() == {}
    assert Complaint.objects.get(pk=complaint.pk).lapor_tracking_id == ""
    assert fake_lapor.state()["stats"]["requests"] == 0


def test_it_writes_nothing_for_a_category_that_does_not_forward(city, people, lapor_on):
    complaint = verified(city, people)
    actions.do_respond(people.dewi, complaint, "Petugas DLH dijadwalkan mengangkut sampah besok pagi.")
    assert not OutboxMessage.objects.exists()


def test_it_writes_the_message_in_the_action_transaction(forwarding, people, lapor_on):
    complaint = actions.submit({
        "title": "Sampah menumpuk di depan pasar", "category": forwarding.cat_sampah.code,
        "description": "Sudah seminggu sampah tidak diangkut, baunya menyengat sampai ke rumah warga.",
        "lat": forwarding.inside[0], "lon": forwarding.inside[1], "reporter_name": "Budi", "reporter_phone": PHONE,
    })
    with pytest.raises(RuntimeError), transaction.atomic():
        actions.do_dispose(people.adi, complaint, forwarding.dlh)
        assert OutboxMessage.objects.count() == 1
        raise RuntimeError("the change is rolled back")
    assert not OutboxMessage.objects.exists()  # no message for a change that never happened


def test_it_does_not_forward_complaints_that_came_from_lapor(forwarding, people, lapor_on):
    verified(forwarding, people, channel="lapor")
    assert not OutboxMessage.objects.exists()
