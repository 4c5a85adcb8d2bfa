"""Changes made on the LAPOR! side come back over the change feed; reconciliation; the staff pages; the fake's CLI."""

from __future__ import annotations

import socket
import subprocess
import sys
import time
from typing import Any

import pytest
import requests
from django.core.management import call_command
from django.urls import resolve

from kotacerdas.complaints import actions
from kotacerdas.complaints.models import Complaint, ComplaintEvent, EventKind, Status
from kotacerdas.lapor import actions as lapor_actions
from kotacerdas.lapor import outbox, reconcile, sync
from kotacerdas.lapor.gateway import HttpLaporGateway, RemoteChange, Tanggapan, from_lapor, to_lapor
from kotacerdas.lapor.models import LaporLink, OutboxMessage, SyncState
from kotacerdas.lapor.tests.conftest import TOKEN
from kotacerdas.lapor.tests.test_outbox import verified

pytestmark = pytest.mark.django_db


def forwarded(city: Any, people: Any, **extra: Any) -> Complaint:
    complaint = verified(city, people, **extra)
    assert outbox.deliver() == {"sent": 1}
    complaint.refresh_from_db()
    return complaint


def lapor_events(complaint: Complaint) -> list[ComplaintEvent]:
    return list(complaint.events.filter(kind=EventKind.RESPONSE, data__source="lapor").order_by("id"))


def test_it_applies_remote_answers_once_and_in_spite_of_duplicates_and_reordering(forwarding, people, lapor_on):
    complaint = forwarded(forwarding, people)
    tid = complaint.lapor_tracking_id
    lapor_on.remote_update(tid, status="ditindaklanjuti",
                           tanggapan="Mohon DLH segera menindaklanjuti (0812-9999-1111).")
    lapor_on.remote_update(tid, tanggapan="Admin LAPOR! memantau laporan ini.")
    lapor_on.switches(duplicate_replies=True)  # every change twice, newest first
    counts = sync.pull()
    assert counts == {"applied": 1, "stale": 5}
    link = LaporLink.objects.get(complaint=complaint)
    assert link.remote_version == 3 and link.remote_status == "ditindaklanjuti"
    events = lapor_events(complaint)
    texts = [e.message for e in events]
    assert texts[0].startswith("Mohon DLH segera") and "0812-9999-1111" not in texts[0]  # masked: it is public
    assert texts[1] == "Admin LAPOR! memantau laporan ini."
    assert texts[2] == "Status di SP4N-LAPOR!: Ditindaklanjuti."
    assert all(e.is_public for e in events)
    # Our status is ours: LAPOR!'s status is recorded, not applied.
    assert Complaint.objects.get(pk=complaint.pk).status == Status.DISPOSISI
    # Nothing that came from LAPOR! is sent back to it.
    assert OutboxMessage.objects.filter(complaint=complaint).count() == 1
    assert sync.pull() == {}  # cursor stored: nothing new
    assert len(lapor_events(complaint)) == 3


def test_it_ignores_an_older_version_arriving_after_a_newer_one(forwarding, people, lapor_on):
    complaint = forwarded(forwarding, people)
    tid = complaint.lapor_tracking_id
    new = RemoteChange(tracking_id=tid, version=5, status="ditindaklanjuti",
                       tanggapan=(Tanggapan(id="T1", message="Sudah diteruskan.", source="lapor"),
                                  Tanggapan(id="T2", message="Petugas menuju lokasi.", source="lapor")))
    old = RemoteChange(tracking_id=tid, version=4, status="terdisposisi",
                       tanggapan=(Tanggapan(id="T1", message="Sudah diteruskan.", source="lapor"),))
    assert lapor_actions.do_apply_remote_update(new) == "applied"
    assert lapor_actions.do_apply_remote_update(old) == "stale"
    assert lapor_actions.do_apply_remote_update(new) == "stale"
    link = LaporLink.objects.get(complaint=complaint)
    assert link.remote_version == 5 and link.remote_status == "ditindaklanjuti"
    assert [e.data["remote_id"] for e in lapor_events(complaint) if "remote_id" in e.data] == ["T1", "T2"]
    unknown = RemoteChange(tracking_id="9999999", version=1, status="diterima")
    assert lapor_actions.do_apply_remote_update(unknown) == "unknown"


def test_it_skips_our_own_followups_echoed_by_the_feed(forwarding, people, lapor_on):
    complaint = forwarded(forwarding, people)
    actions.do_respond(people.dewi, complaint, "Petugas DLH dijadwalkan mengangkut sampah besok pagi.")
    outbox.deliver()
    assert sync.pull() == {"applied": 1, "stale": 1}  # v1 and v2 in one page: only the newest is applied
    assert lapor_events(complaint) == []  # the tanggapan is ours, and the status matches ours


def test_it_keeps_the_cursor_when_lapor_is_down(forwarding, people, lapor_on):
    forwarded(forwarding, people)
    lapor_on.switches(outage=True)
    assert sync.pull() == {"error": 1}
    state = SyncState.load()
    assert state.cursor == "" and "503" in state.last_error


def test_it_maps_statuses_both_ways():
    assert to_lapor(Status.BARU) == "diterima" and to_lapor(Status.SELESAI) == "ditindaklanjuti"
    assert to_lapor(Status.TUNTAS) == to_lapor(Status.TIDAK_TUNTAS) == "selesai"
    assert from_lapor("selesai") == (Status.TUNTAS, Status.TIDAK_TUNTAS)
    assert from_lapor("arsip") == (Status.ARSIP, Status.DIGABUNG)
    assert from_lapor("tidak-dikenal") == ()
    assert all(to_lapor(s) for s in Status.values)


def test_it_reads_the_topic_tree(lapor_on):
    roots = HttpLaporGateway().pull_topics()
    lingkungan = next(t for t in roots if t.id == 1)
    assert [c.name for c in lingkungan.children] == ["Sampah"]


def test_it_reports_mismatches_and_unlinked_complaints(forwarding, people, lapor_on, capsys):
    synced = forwarded(forwarding, people)
    drifted = forwarded(forwarding, people)
    lapor_on.remote_update(drifted.lapor_tracking_id, status="arsip")
    lapor_on.switches(outage=True)
    stuck = verified(forwarding, people)
    outbox.deliver()
    lapor_on.switches(outage=False)
    report = reconcile.build()
    assert report.linked == 2 and report.matching == 1
    assert [(r.complaint.pk, r.expected, r.remote) for r in report.mismatches] == \
        [(drifted.pk, "terdisposisi", "arsip")]
    assert [(u.complaint.pk, u.report_state) for u in report.unlinked] == [(stuck.pk, "failed")]
    call_command("lapor_reconcile")
    out = capsys.readouterr().out
    assert f"MISMATCH {drifted.tracking_no}" in out and f"UNLINKED {stuck.tracking_no}" in out
    assert synced.tracking_no not in out


def test_it_shows_the_staff_pages_to_coordinators_only(forwarding, people, lapor_on, client):
    drifted = forwarded(forwarding, people)
    lapor_on.remote_update(drifted.lapor_tracking_id, status="arsip")
    client.force_login(people.dewi)
    assert client.get("/sp4n-lapor/gagal/").status_code == 403
    assert client.get("/sp4n-lapor/rekonsiliasi/").status_code == 403
    for user in (people.adi, people.root):
        client.force_login(user)
        page = client.get("/sp4n-lapor/rekonsiliasi/")
        assert page.status_code == 200
        html = page.content.decode()
        assert drifted.tracking_no in html and "Arsip" in html
    client.logout()
    assert client.get("/sp4n-lapor/gagal/").status_code == 302  # to the login page
    assert resolve("/lapor/").view_name == "complaints:report"  # the citizens' form keeps its address


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def test_it_runs_the_fake_server_standalone_with_switches_changeable_at_run_time():
    port = free_port()
    # Our own interpreter and module with fixed arguments: nothing untrusted reaches the command line.
    proc = subprocess.Popen([sys.executable, "-m", "kotacerdas.fake_lapor", "--port", str(port), "--outage",  # noqa: S603
                             "--quiet"], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        base = f"http://127.0.0.1:{port}"
        for _ in range(100):
            try:
                requests.get(f"{base}/_admin/state", timeout=1)
                break
            except requests.ConnectionError:
                time.sleep(0.05)
        headers = {"Authorization": f"Bearer {TOKEN}"}
        assert requests.get(f"{base}/api/v1/topics", headers=headers, timeout=2).status_code == 503
        requests.post(f"{base}/_admin/switches", json={"outage": False}, timeout=2).raise_for_status()
        assert requests.get(f"{base}/api/v1/topics", headers=headers, timeout=2).status_code == 200
        assert requests.get(f"{base}/api/v1/topics", timeout=2).status_code == 401
        body = {"external_id": "X-1", "title": "Uji", "content": "Uji coba", "rahasia": False, "anonim": False}
        no_key = requests.post(f"{base}/api/v1/reports", json=body, headers=headers, timeout=2)
        assert no_key.status_code == 400
        first = requests.post(f"{base}/api/v1/reports", json=body, headers={**headers, "Idempotency-Key": "k1"},
                              timeout=2)
        again = requests.post(f"{base}/api/v1/reports", json=body, headers={**headers, "Idempotency-Key": "k1"},
                              timeout=2)
        assert first.json() == again.json() and again.headers["Idempotent-Replayed"] == "true"
        other = requests.post(f"{base}/api/v1/reports", json={**body, "title": "Lain"},
                              headers={**headers, "Idempotency-Key": "k1"}, timeout=2)
        assert other.status_code == 422
        anonim = requests.post(f"{base}/api/v1/reports", headers={**headers, "Idempotency-Key": "k2"}, timeout=2,
                               json={**body, "anonim": True, "pelapor": {"nama": "Budi"}})
        assert anonim.status_code == 422  # the fake enforces the privacy contract too
    finally:
        proc.terminate()
        proc.wait(timeout=5)
