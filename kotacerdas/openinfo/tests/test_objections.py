"""Keberatan (Pasal 35 grounds, 30 hk to file, 30 hk to answer) and sengketa (14 hk), with the sweep (rules 15-16)."""

from __future__ import annotations

from typing import Any

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from kotacerdas.openinfo import actions, sweeps
from kotacerdas.openinfo.models import EventKind, InfoRequest, ObjectionStatus, PpidEvent
from kotacerdas.openinfo.tests.conftest import wib
from kotacerdas.openinfo.tests.test_requests import RECEIVED, local_date

pytestmark = pytest.mark.django_db

REFUSAL = {"decision": "ditolak", "answer": "Ditolak: memuat rahasia pribadi pihak ketiga.", "exception": "h",
           "harm": "Mengungkap rahasia pribadi pihak ketiga.", "public_interest": "Tidak ada kepentingan lebih besar."}


def refused(people: Any, officer: Any, data: dict[str, Any]) -> InfoRequest:
    req = actions.do_submit_request(people.wati, data, now=RECEIVED)
    return actions.do_answer(officer, req, REFUSAL, now=wib(2026, 3, 27, 10))


def test_it_accepts_a_keberatan_on_a_matching_ground_within_30_working_days(people, ppid_officer, request_data):
    req = refused(people, ppid_officer, request_data)
    with pytest.raises(ValidationError) as exc:
        actions.do_file_objection(people.wati, req, "c", "Permohonan saya tidak ditanggapi.", now=wib(2026, 4, 1, 9))
    assert "ground" in exc.value.message_dict  # it was answered: "not answered" is not a ground
    obj = actions.do_file_objection(people.wati, req, "a", "Saya keberatan atas penolakan ini.",
                                    now=wib(2026, 4, 1, 9))
    assert obj.reg_no == "KBR-2026-000001"
    # Refusal on Fri 27 Mar: 30 hk from Mon 30 Mar, skipping 3 Apr (Wafat Yesus Kristus) and 1 May -> 12 May.
    assert local_date(obj.filing_due_at) == "2026-05-12"
    # Filed Wed 1 Apr: 30 hk from 2 Apr skipping 3 Apr, 1 May, 14, 15, 27, 28 May -> 19 May.
    assert local_date(obj.due_at) == "2026-05-19"
    assert obj.status == ObjectionStatus.DIPROSES


def test_it_refuses_a_keberatan_after_30_working_days(people, ppid_officer, request_data):
    req = refused(people, ppid_officer, request_data)
    with pytest.raises(ValidationError) as exc:
        actions.do_file_objection(people.wati, req, "a", "Saya keberatan atas penolakan ini.",
                                  now=wib(2026, 5, 13, 9))
    assert "30 hari kerja" in exc.value.message_dict["ground"][0]


def test_it_accepts_not_answered_only_after_the_deadline(people, request_data):
    req = actions.do_submit_request(people.wati, request_data, now=RECEIVED)
    with pytest.raises(ValidationError):
        actions.do_file_objection(people.wati, req, "c", "Belum ada jawaban sama sekali.", now=wib(2026, 4, 7, 12))
    obj = actions.do_file_objection(people.wati, req, "c", "Belum ada jawaban sama sekali.", now=wib(2026, 4, 8, 9))
    assert obj.grounds_arose_at == req.due_at


def test_it_lets_only_the_requester_file_and_only_the_atasan_answer(people, ppid_officer, request_data):
    req = refused(people, ppid_officer, request_data)
    with pytest.raises(PermissionDenied):
        actions.do_file_objection(people.dewi, req, "a", "Orang lain mengajukan keberatan.", now=wib(2026, 4, 1, 9))
    obj = actions.do_file_objection(people.wati, req, "a", "Saya keberatan atas penolakan ini.",
                                    now=wib(2026, 4, 1, 9))
    for user in (ppid_officer, people.camat, people.wati):
        with pytest.raises(PermissionDenied):
            actions.do_answer_objection(user, obj, "ditolak", "Penolakan sudah tepat.", now=wib(2026, 4, 8, 9))
    obj = actions.do_answer_objection(people.walikota, obj, "ditolak", "Penolakan sudah tepat menurut Pasal 17.",
                                      now=wib(2026, 4, 8, 9))
    # 14 hk from Wed 8 Apr: 9, 10, 13-17, 20-24, 27, 28 Apr -> 28 Apr.
    assert local_date(obj.dispute_due_at) == "2026-04-28"


def test_it_names_the_atasan_in_a_setting(settings, people, ppid_officer, request_data):
    settings.PPID_ATASAN_USERNAMES = ("camat",)
    req = refused(people, ppid_officer, request_data)
    obj = actions.do_file_objection(people.wati, req, "a", "Saya keberatan atas penolakan ini.",
                                    now=wib(2026, 4, 1, 9))
    with pytest.raises(PermissionDenied):
        actions.do_answer_objection(people.walikota, obj, "ditolak", "Tidak berwenang.", now=wib(2026, 4, 8, 9))
    actions.do_answer_objection(people.camat, obj, "diterima", "Keberatan diterima, informasi dibuka.",
                                now=wib(2026, 4, 8, 9))


def test_it_records_a_dispute_within_14_working_days_and_closes_after(people, ppid_officer, request_data):
    req = refused(people, ppid_officer, request_data)
    obj = actions.do_file_objection(people.wati, req, "a", "Saya keberatan atas penolakan ini.",
                                    now=wib(2026, 4, 1, 9))
    obj = actions.do_answer_objection(people.walikota, obj, "ditolak", "Penolakan sudah tepat.",
                                      now=wib(2026, 4, 8, 9))
    with pytest.raises(ValidationError):
        actions.do_file_dispute(people.wati, obj, now=wib(2026, 4, 29, 9))
    assert sweeps.sweep(now=wib(2026, 4, 28, 20)).get("closed") is None
    assert sweeps.sweep(now=wib(2026, 4, 29, 9))["closed"] == 1
    obj.refresh_from_db()
    assert obj.status == ObjectionStatus.DITUTUP
    assert PpidEvent.objects.filter(objection=obj, kind=EventKind.CLOSED).exists()


def test_it_records_the_ki_result_of_a_dispute(people, ppid_officer, request_data):
    req = refused(people, ppid_officer, request_data)
    obj = actions.do_file_objection(people.wati, req, "a", "Saya keberatan atas penolakan ini.",
                                    now=wib(2026, 4, 1, 9))
    obj = actions.do_answer_objection(people.walikota, obj, "ditolak", "Penolakan sudah tepat.",
                                      now=wib(2026, 4, 8, 9))
    obj = actions.do_file_dispute(people.wati, obj, now=wib(2026, 4, 20, 9))
    assert obj.status == ObjectionStatus.SENGKETA
    with pytest.raises(ValidationError):
        actions.do_dispute_result(ppid_officer, obj, {"dispute_result": "menang"})
    obj = actions.do_dispute_result(ppid_officer, obj, {"dispute_result": "ajudikasi_ditolak", "court_filed": "on",
                                                        "court_result": "PTUN menguatkan putusan KI."})
    assert obj.court_filed and obj.dispute_result == "ajudikasi_ditolak"


def test_it_warns_at_50_and_80_percent_and_marks_red_after_the_deadline(people, ppid_officer, request_data):
    req = actions.do_submit_request(people.wati, request_data, now=RECEIVED)
    assert sweeps.sweep(now=wib(2026, 3, 26, 12)) == {}  # 2.5 of 10 working days
    assert sweeps.sweep(now=wib(2026, 3, 31, 12)) == {"level_50": 1}
    assert sweeps.sweep(now=wib(2026, 3, 31, 13)) == {}  # no second warning for the same step
    assert sweeps.sweep(now=wib(2026, 4, 6, 12)) == {"level_80": 1}
    assert sweeps.sweep(now=wib(2026, 4, 8, 0, 1)) == {"overdue": 1}
    req.refresh_from_db()
    assert req.sla_level == 100
    kinds = list(req.events.values_list("kind", flat=True))
    assert kinds == ["received", "warning", "warning", "overdue"]


def test_it_allows_one_keberatan_path_at_a_time(people, ppid_officer, request_data):
    req = refused(people, ppid_officer, request_data)
    obj = actions.do_file_objection(people.wati, req, "a", "Saya keberatan atas penolakan ini.",
                                    now=wib(2026, 4, 1, 9))
    actions.do_answer_objection(people.walikota, obj, "ditolak", "Penolakan sudah tepat.", now=wib(2026, 4, 8, 9))
    with pytest.raises(ValidationError) as exc:
        actions.do_file_objection(people.wati, req, "d", "Jawaban tidak sesuai permintaan saya.",
                                  now=wib(2026, 4, 9, 9))
    assert "Komisi Informasi" in exc.value.message_dict["ground"][0]
