"""Staff pages: the queue per persona, the case page's actions end to end, the identity reveal."""

from __future__ import annotations

import io
from datetime import timedelta
from typing import Any

import pytest
from django.urls import reverse
from django.utils import timezone
from PIL import Image

from kotacerdas.complaints import actions
from kotacerdas.complaints.models import Complaint, EventKind, PhotoKind, Status
from kotacerdas.core.models import AuditLog

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def media(settings: Any, tmp_path: Any) -> None:
    settings.MEDIA_ROOT = tmp_path


def jpeg(name: str = "sesudah.jpg") -> io.BytesIO:
    buf = io.BytesIO()
    Image.new("RGB", (40, 30), (30, 160, 60)).save(buf, "JPEG")
    buf.seek(0)
    buf.name = name
    return buf


def submit(city: Any, user: Any = None, where: tuple[float, float] | None = None, category: Any = None,
           **extra: Any) -> Complaint:
    lat, lon = where or city.inside
    data = {
        "title": extra.pop("title", "Sampah menumpuk di depan pasar"),
        "description": "Sudah tiga hari sampah tidak diangkut dan mulai berbau.",
        "category": (category or city.cat_sampah).code, "lat": lat, "lon": lon,
        "reporter_name": "Budi Santoso", "reporter_phone": "081298765432", "reporter_email": "budi@contoh.id",
        "reporter_nik": "1271011508900003", **extra,
    }
    return actions.submit(data, user=user)


@pytest.fixture
def cases(city: Any, people: Any) -> dict[str, Complaint]:
    """sampah in Medan Kota at DLH, lampu in Medan Baru at Dishub, and a new one not yet verified."""
    dlh = submit(city, title="Sampah di Pasar Baru")
    actions.do_dispose(people.adi, dlh, city.dlh)
    dishub = submit(city, where=city.inside_baru, category=city.cat_lampu, title="Lampu merah mati di Babura")
    actions.do_dispose(people.adi, dishub, city.dishub)
    new = submit(city, title="Sampah baru masuk")
    return {"dlh": dlh, "dishub": dishub, "new": new}


def queue_numbers(client: Any, user: Any, **params: str) -> set[str]:
    client.force_login(user)
    response = client.get(reverse("complaints:queue"), {"queue": "semua", **params})
    assert response.status_code == 200
    return {c.tracking_no for c in response.context["page_obj"]}


def action(client: Any, complaint: Complaint, slug: str, data: dict[str, Any] | None = None,
           **headers: Any) -> Any:
    url = reverse("complaints:case-action", args=[complaint.pk, slug])
    return client.post(url, {f"{slug}-{k}": v for k, v in (data or {}).items()}, **headers)


# ---------------------------------------------------------------------------------------------------------
# Queue


def test_it_shows_each_persona_only_its_scope(client: Any, people: Any, cases: dict[str, Complaint]) -> None:
    dlh, dishub, new = (cases[k].tracking_no for k in ("dlh", "dishub", "new"))
    assert queue_numbers(client, people.adi) == {dlh, dishub, new}
    assert queue_numbers(client, people.dewi) == {dlh}
    assert queue_numbers(client, people.hendra) == {dishub}
    assert queue_numbers(client, people.camat) == {dlh, new}  # Medan Kota only
    assert queue_numbers(client, people.lurah) == {dlh, new}  # both in Pasar Baru
    assert queue_numbers(client, people.putra) == set()  # nothing assigned yet


def test_it_forbids_the_queue_to_citizens_and_sends_visitors_to_login(client: Any, people: Any) -> None:
    response = client.get(reverse("complaints:queue"))
    assert response.status_code == 302 and reverse("accounts:login") in response["Location"]
    client.force_login(people.wati)
    assert client.get(reverse("complaints:queue")).status_code == 403
    assert client.get(reverse("complaints:export")).status_code == 403


def test_it_opens_the_coordinator_on_new_reports_with_tab_counts(
        client: Any, people: Any, cases: dict[str, Complaint]) -> None:
    client.force_login(people.adi)
    response = client.get(reverse("complaints:queue"))
    assert {c.tracking_no for c in response.context["page_obj"]} == {cases["new"].tracking_no}
    tabs = {key: n for key, _label, n in response.context["tabs"]}
    assert tabs["baru"] == 1 and tabs["disposisi"] == 2 and tabs["terbuka"] == 3


def test_it_filters_with_the_shared_filterset_and_swaps_the_table_for_htmx(
        client: Any, city: Any, people: Any, cases: dict[str, Complaint]) -> None:
    assert queue_numbers(client, people.adi, agency=city.dishub.code) == {cases["dishub"].tracking_no}
    response = client.get(reverse("complaints:queue"), {"queue": "semua", "kecamatan": city.kec_baru.code},
                          HTTP_HX_REQUEST="true", HTTP_HX_TARGET="kc-queue")
    body = response.content.decode()
    assert response.status_code == 200 and "<html" not in body and 'id="kc-queue"' in body
    assert cases["dishub"].tracking_no in body and cases["dlh"].tracking_no not in body


def test_it_marks_overdue_and_warning_rows(client: Any, people: Any, cases: dict[str, Complaint]) -> None:
    past = timezone.now() - timedelta(hours=1)
    Complaint.objects.filter(pk=cases["dlh"].pk).update(stage_due_at=past, sla_level=100, escalation_level=1)
    Complaint.objects.filter(pk=cases["dishub"].pk).update(sla_level=80)
    Complaint.objects.filter(pk=cases["new"].pk).update(sla_level=50)
    client.force_login(people.adi)
    response = client.get(reverse("complaints:queue"), {"queue": "semua"})
    states = {c.tracking_no: c.row_state for c in response.context["page_obj"]}
    assert states == {cases["dlh"].tracking_no: "overdue", cases["dishub"].tracking_no: "warn80",
                      cases["new"].tracking_no: "warn50"}
    body = response.content.decode()
    assert "kc-row-overdue" in body and "Eskalasi 1" in body


# ---------------------------------------------------------------------------------------------------------
# Case page and actions


def test_it_shows_the_case_with_the_routing_suggestion_and_only_this_users_actions(
        client: Any, city: Any, people: Any, cases: dict[str, Complaint]) -> None:
    client.force_login(people.adi)
    response = client.get(reverse("complaints:case", args=[cases["new"].pk]))
    assert response.status_code == 200
    slugs = [item["action"].slug for item in response.context["actions"]]
    assert slugs[:4] == ["verifikasi", "tunda", "bukan-wewenang", "arsip"]
    assert "terima" not in slugs
    dispose = response.context["actions"][0]["form"]
    assert dispose["agency"].value() == city.dlh.pk  # pre-filled from the routing table
    assert "Dinas Lingkungan Hidup" in response.content.decode()

    client.force_login(people.dewi)
    slugs = [i["action"].slug for i in client.get(reverse("complaints:case", args=[cases["dlh"].pk]))
             .context["actions"]]
    assert slugs == ["terima", "tugaskan", "tanggapan", "limpahkan", "catatan"]


def test_it_hides_cases_outside_the_users_scope(client: Any, people: Any, cases: dict[str, Complaint]) -> None:
    client.force_login(people.hendra)
    assert client.get(reverse("complaints:case", args=[cases["dlh"].pk])).status_code == 404
    assert action(client, cases["dlh"], "terima").status_code == 404
    client.force_login(people.wati)
    assert client.get(reverse("complaints:case", args=[cases["dlh"].pk])).status_code == 403


def test_it_runs_a_case_from_verification_to_a_low_rating_review(client: Any, city: Any, people: Any) -> None:
    complaint = submit(city, user=people.wati)
    client.force_login(people.adi)
    response = action(client, complaint, "verifikasi", {"agency": city.dlh.pk, "is_anonim": "on"})
    assert response.status_code == 302
    complaint.refresh_from_db()
    assert complaint.status == Status.DISPOSISI and complaint.agency == city.dlh and complaint.is_anonim

    client.force_login(people.dewi)
    assert action(client, complaint, "terima").status_code == 302
    assert action(client, complaint, "tanggapan", {"message": "Truk sampah dijadwalkan besok pagi."}
                  ).status_code == 302
    assert action(client, complaint, "selesai", {"outcome": "fixed", "message": "Sampah sudah diangkut bersih."}
                  ).status_code == 302
    complaint.refresh_from_db()
    assert complaint.status == Status.SELESAI

    client.force_login(people.wati)
    response = client.post(reverse("complaints:confirm", args=[complaint.tracking_no]),
                           {"rating": "2", "comment": "Lambat sekali"})
    assert response.status_code == 302
    complaint.refresh_from_db()
    assert complaint.status == Status.TUNTAS and complaint.rating == 2 and complaint.needs_review

    client.force_login(people.adi)
    page = client.get(reverse("complaints:case", args=[complaint.pk]))
    assert "tinjau" in [i["action"].slug for i in page.context["actions"]]
    assert action(client, complaint, "tinjau", {"note": "Sudah dibahas dengan DLH."}).status_code == 302
    complaint.refresh_from_db()
    assert not complaint.needs_review
    kinds = list(complaint.events.values_list("kind", flat=True))
    assert kinds == [EventKind.CREATED, EventKind.FLAGS, EventKind.DISPOSISI, EventKind.ACCEPTED,
                     EventKind.RESPONSE, EventKind.RESOLVED, EventKind.CONFIRMED, EventKind.RATED,
                     EventKind.REVIEWED]


def test_it_answers_400_with_the_message_when_a_reason_is_missing(
        client: Any, people: Any, cases: dict[str, Complaint]) -> None:
    client.force_login(people.adi)
    response = action(client, cases["new"], "tunda", {"reason": ""})
    assert response.status_code == 400
    assert "Alasan wajib diisi" in response.content.decode()
    htmx = action(client, cases["new"], "arsip", {"reason": "x"}, HTTP_HX_REQUEST="true")
    body = htmx.content.decode()
    assert htmx.status_code == 400 and "<html" not in body and "Alasan wajib diisi" in body
    cases["new"].refresh_from_db()
    assert cases["new"].status == Status.BARU


def test_it_redirects_htmx_after_a_successful_action(client: Any, people: Any, cases: dict[str, Complaint]) -> None:
    client.force_login(people.adi)
    response = action(client, cases["new"], "tunda", {"reason": "Mohon lengkapi alamat."}, HTTP_HX_REQUEST="true")
    assert response.status_code == 200
    assert response["HX-Redirect"] == reverse("complaints:case", args=[cases["new"].pk])


def test_it_forbids_an_action_the_role_may_not_take(client: Any, people: Any, cases: dict[str, Complaint]) -> None:
    client.force_login(people.dewi)
    assert action(client, cases["dlh"], "verifikasi", {"agency": people.dewi.agency_id}).status_code == 403
    client.force_login(people.camat)
    assert action(client, cases["dlh"], "terima").status_code == 403
    cases["dlh"].refresh_from_db()
    assert cases["dlh"].status == Status.DISPOSISI


def test_it_needs_an_after_photo_to_resolve_an_infrastructure_case(
        client: Any, people: Any, cases: dict[str, Complaint]) -> None:
    lampu = cases["dishub"]
    client.force_login(people.hendra)
    assert action(client, lampu, "terima").status_code == 302
    missing = action(client, lampu, "selesai", {"outcome": "fixed", "message": "Lampu sudah diganti baru."})
    assert missing.status_code == 400 and "wajib melampirkan foto sesudah" in missing.content.decode()
    done = action(client, lampu, "selesai", {"outcome": "fixed", "message": "Lampu sudah diganti baru.",
                                             "photos": [jpeg()]})
    assert done.status_code == 302
    lampu.refresh_from_db()
    assert lampu.status == Status.SELESAI
    assert list(lampu.photos.values_list("kind", flat=True)) == [PhotoKind.AFTER]


def test_it_assigns_a_field_officer_of_the_opd(client: Any, people: Any, cases: dict[str, Complaint]) -> None:
    client.force_login(people.dewi)
    page = client.get(reverse("complaints:case", args=[cases["dlh"].pk]))
    assign = next(i["form"] for i in page.context["actions"] if i["action"].slug == "tugaskan")
    assert list(assign.fields["officer"].queryset) == [people.putra]
    assert action(client, cases["dlh"], "tugaskan", {"officer": people.putra.pk}).status_code == 302
    assert queue_numbers(client, people.putra) == {cases["dlh"].tracking_no}


def test_it_reroutes_and_sends_the_sender_back_to_its_queue(
        client: Any, city: Any, people: Any, cases: dict[str, Complaint]) -> None:
    client.force_login(people.dewi)
    response = action(client, cases["dlh"], "limpahkan", {"agency": city.dishub.pk,
                                                          "reason": "Tumpukan ada di area terminal."})
    assert response.status_code == 302 and response["Location"] == reverse("complaints:queue")
    assert queue_numbers(client, people.hendra) == {cases["dlh"].tracking_no, cases["dishub"].tracking_no}


def test_it_merges_a_duplicate_into_its_parent(client: Any, people: Any, cases: dict[str, Complaint]) -> None:
    client.force_login(people.adi)
    bad = action(client, cases["new"], "gabungkan", {"parent": "MRK-1999-000001"})
    assert bad.status_code == 400 and "tidak ditemukan" in bad.content.decode()
    assert action(client, cases["new"], "gabungkan", {"parent": cases["dlh"].tracking_no.lower()}
                  ).status_code == 302
    cases["new"].refresh_from_db()
    assert cases["new"].status == Status.DIGABUNG and cases["new"].parent == cases["dlh"]


def test_it_keeps_internal_notes_internal_and_flags_need_a_reason(
        client: Any, people: Any, cases: dict[str, Complaint]) -> None:
    client.force_login(people.dewi)
    assert action(client, cases["dlh"], "catatan", {"message": "Cek lokasi dengan kepala lingkungan."}
                  ).status_code == 302
    note = cases["dlh"].events.get(kind=EventKind.NOTE)
    assert not note.is_public
    client.force_login(people.adi)
    assert action(client, cases["dlh"], "privasi", {"is_rahasia": "on", "reason": ""}).status_code == 400
    assert action(client, cases["dlh"], "privasi", {"is_rahasia": "on", "reason": "Menyebut nama orang lain."}
                  ).status_code == 302
    cases["dlh"].refresh_from_db()
    assert cases["dlh"].is_rahasia
    assert AuditLog.objects.filter(action="complaint.flags", target_id=str(cases["dlh"].pk)).exists()


# ---------------------------------------------------------------------------------------------------------
# Identity


def test_it_reveals_the_identity_to_the_coordinator_and_audit_logs_it(
        client: Any, people: Any, cases: dict[str, Complaint]) -> None:
    url = reverse("complaints:identity", args=[cases["dlh"].pk])
    client.force_login(people.adi)
    page = client.get(reverse("complaints:case", args=[cases["dlh"].pk])).content.decode()
    assert "081298765432" not in page and "1271011508900003" not in page  # only after the explicit reveal
    assert client.get(url).status_code == 405
    response = client.post(url, HTTP_HX_REQUEST="true")
    body = response.content.decode()
    assert response.status_code == 200
    assert "Budi Santoso" in body and "081298765432" in body and "1271011508900003" in body
    log = AuditLog.objects.get(action="complaint.identity_viewed")
    assert log.actor == people.adi and log.target_id == str(cases["dlh"].pk)


def test_it_forbids_the_identity_to_hendra_and_to_the_opd_of_an_anonim_report(
        client: Any, city: Any, people: Any, cases: dict[str, Complaint]) -> None:
    client.force_login(people.hendra)
    assert client.post(reverse("complaints:identity", args=[cases["dlh"].pk])).status_code == 404
    anonim = submit(city, where=city.inside_baru, category=city.cat_lampu, is_anonim=True)
    actions.do_dispose(people.adi, anonim, city.dishub)
    response = client.post(reverse("complaints:identity", args=[anonim.pk]))
    assert response.status_code == 403 and "Budi" not in response.content.decode()
    client.force_login(people.camat)
    assert client.post(reverse("complaints:identity", args=[cases["dlh"].pk])).status_code == 403
    assert not AuditLog.objects.filter(action="complaint.identity_viewed").exists()


# ---------------------------------------------------------------------------------------------------------
# Admin


def test_it_replaces_a_routing_rule_through_the_admin_without_editing_the_old_one(
        client: Any, city: Any, people: Any) -> None:
    from kotacerdas.complaints.models import RoutingRule

    old = RoutingRule.objects.get(category=city.cat_sampah)
    client.force_login(people.root)
    response = client.post(reverse("admin:complaints_routingrule_add"), {
        "category": city.cat_sampah.pk, "kecamatan": "", "agency": city.kominfo.pk, "note": "Uji coba",
    })
    assert response.status_code == 302
    old.refresh_from_db()
    assert old.valid_to is not None and old.agency == city.dlh
    new = RoutingRule.objects.get(category=city.cat_sampah, valid_to__isnull=True)
    assert new.agency == city.kominfo and new.created_by == people.root
    change = client.post(reverse("admin:complaints_routingrule_change", args=[new.pk]), {"agency": city.dlh.pk})
    assert change.status_code == 403
    new.refresh_from_db()
    assert new.agency == city.kominfo


def test_it_shows_complaints_read_only_in_the_admin(client: Any, city: Any, people: Any,
                                                    cases: dict[str, Complaint]) -> None:
    client.force_login(people.root)
    url = reverse("admin:complaints_complaint_change", args=[cases["dlh"].pk])
    page = client.get(url)
    assert page.status_code == 200
    assert 'name="reporter_phone"' not in page.content.decode()  # identity is not an input
    assert cases["dlh"].access_token not in page.content.decode()
    client.post(url, {"reporter_phone": "081111111111", "status": "arsip", "lapor_tracking_id": "LPR-1"})
    cases["dlh"].refresh_from_db()
    assert cases["dlh"].reporter_phone == "081298765432" and cases["dlh"].status == Status.DISPOSISI
    assert client.post(reverse("admin:complaints_complaint_delete", args=[cases["dlh"].pk]),
                       {"post": "yes"}).status_code == 403
    for name in ("complaints_category_changelist", "complaints_routingrule_changelist",
                 "complaints_slarule_changelist", "complaints_complaintevent_changelist",
                 "complaints_complaint_changelist"):
        assert client.get(reverse(f"admin:{name}")).status_code == 200
