"""The complaint lifecycle through actions.py, on the personas of conftest.py."""

from __future__ import annotations

import io
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from PIL import Image

from kotacerdas.complaints import actions
from kotacerdas.complaints.models import (
    Complaint,
    ComplaintEvent,
    EventKind,
    Outcome,
    PhotoKind,
    SlaStage,
    Status,
    Subscription,
)
from kotacerdas.core.models import AuditLog, Notification

WIB = ZoneInfo("Asia/Jakarta")
MON = datetime(2026, 11, 2, 9, 0, tzinfo=WIB)  # Monday 2 Nov 2026, no holiday that week


def jpeg(name: str = "foto.jpg") -> io.BytesIO:
    buf = io.BytesIO()
    Image.new("RGB", (64, 48), (200, 30, 30)).save(buf, "JPEG")
    buf.seek(0)
    buf.name = name
    return buf


def file_report(city, user=None, now=MON, **extra) -> Complaint:  # noqa: ANN001
    data = {
        "title": "Sampah menumpuk di depan pasar",
        "description": "Sudah seminggu sampah tidak diangkut, baunya menyengat sampai ke rumah warga.",
        "category": city.cat_sampah.code,
        "lat": city.inside[0], "lon": city.inside[1],
    }
    if user is None:
        data.update(reporter_name="Budi Santoso", reporter_phone="081298765432")
    data.update(extra)
    return actions.submit(data, user, now=now)


def test_it_files_a_complaint_with_tracking_number_location_and_clock(city, people):
    c = file_report(city, people.wati)
    assert c.tracking_no == "MRK-2026-000001"
    assert c.status == Status.BARU
    assert c.kelurahan == city.kel_pasar_baru and c.kecamatan == city.kec_kota
    assert c.routing_rule.agency == city.dlh  # suggestion from the routing table
    assert c.stage == SlaStage.VERIFY
    # 3 hk from Monday 09:00: Tue, Wed, Thu -> Thursday 5 Nov ends the verification window.
    assert c.stage_due_at.astimezone(WIB).date().isoformat() == "2026-11-05"
    assert c.events.get().kind == EventKind.CREATED
    assert Notification.objects.filter(user=people.wati, topic="complaint.reporter").exists()
    second = file_report(city, people.wati)
    assert second.tracking_no == "MRK-2026-000002"


def test_it_masks_personal_data_in_the_public_copy(city, people):
    c = file_report(city, people.wati, description="Hubungi saya 0812-3456-7890 atau budi@contoh.id, "
                                                   "NIK 1271010101010001, sampah tidak diangkut.")
    assert "0812" not in c.public_description and "budi@contoh.id" not in c.public_description
    assert "1271010101010001" not in c.public_description
    assert "1271010101010001" in c.description  # the staff copy keeps the original


def test_it_refuses_bad_input_naming_every_field_and_stores_nothing(city):
    with pytest.raises(ValidationError) as exc:
        actions.submit({"title": "", "description": "pendek", "category": "tidak-ada",
                        "lat": city.outside[0], "lon": city.outside[1], "reporter_phone": "12345"})
    errors = exc.value.message_dict
    assert {"title", "description", "category", "location", "reporter_name", "reporter_phone"} <= set(errors)
    assert "Kota Medan" in errors["location"][0]
    assert Complaint.objects.count() == 0


def test_it_needs_a_pin_or_an_address(city, people):
    with pytest.raises(ValidationError) as exc:
        file_report(city, people.wati, lat="", lon="")
    assert "location" in exc.value.message_dict
    c = file_report(city, people.wati, lat="", lon="", address="Depan Masjid Raya Al Mashun")
    assert c.kelurahan is None and c.address.startswith("Depan")


def test_it_rejects_a_non_image_photo_and_keeps_good_ones(city, people):
    bad = io.BytesIO(b"not an image at all")
    bad.name = "x.jpg"
    with pytest.raises(ValidationError) as exc:
        actions.submit({"title": "Lampu mati", "description": "Lampu jalan mati sejak tiga hari lalu di gang.",
                        "category": city.cat_sampah.code, "address": "Jl. Mesjid"}, people.wati, photos=[bad])
    assert "photos" in exc.value.message_dict
    assert Complaint.objects.count() == 0
    c = actions.submit({"title": "Lampu mati", "description": "Lampu jalan mati sejak tiga hari lalu di gang.",
                        "category": city.cat_sampah.code, "address": "Jl. Mesjid"}, people.wati,
                       photos=[jpeg(), jpeg()])
    assert c.photos.filter(kind=PhotoKind.REPORT).count() == 2


def test_it_runs_the_whole_lifecycle_with_an_append_only_timeline(city, people):
    c = file_report(city, people.wati)
    agency = actions.check_dispose(people.adi, c, None)
    assert agency == city.dlh
    c = actions.do_dispose(people.adi, c, agency, now=MON.replace(hour=11))
    assert c.status == Status.DISPOSISI and c.stage == SlaStage.RESPOND
    # 5 hk from Monday: Tue..Mon -> Monday 9 Nov.
    assert c.stage_due_at.astimezone(WIB).date().isoformat() == "2026-11-09"

    actions.check_accept(people.dewi, c)
    c = actions.do_accept(people.dewi, c, now=MON.replace(hour=13))
    officer = actions.check_assign(people.dewi, c, people.putra)
    c = actions.do_assign(people.dewi, c, officer, now=MON.replace(hour=14))
    assert c.assigned_to == people.putra
    text, photos = actions.check_respond(people.putra, c, "Petugas sudah meninjau lokasi dan menjadwalkan angkut.")
    c = actions.do_respond(people.putra, c, text, photos, now=MON.replace(day=3))
    assert c.first_response_at is not None and c.stage == SlaStage.RESOLVE

    outcome, msg, photos = actions.check_resolve(people.dewi, c, Outcome.FIXED, "Sampah sudah diangkut semua.",
                                                 [jpeg("sesudah.jpg")])
    c = actions.do_resolve(people.dewi, c, outcome, msg, photos, now=MON.replace(day=4))
    assert c.status == Status.SELESAI and c.stage == SlaStage.CONFIRM
    assert c.photos.filter(kind=PhotoKind.AFTER).count() == 1

    rating = actions.check_confirm(people.wati, c, "5")
    c = actions.do_confirm(people.wati, c, rating, "Terima kasih", now=MON.replace(day=5))
    assert c.status == Status.TUNTAS and c.rating == 5 and not c.needs_review
    kinds = list(c.events.values_list("kind", flat=True))
    assert kinds == [EventKind.CREATED, EventKind.DISPOSISI, EventKind.ACCEPTED, EventKind.ASSIGNED,
                     EventKind.RESPONSE, EventKind.RESOLVED, EventKind.CONFIRMED, EventKind.RATED]
    event = c.events.first()
    with pytest.raises(PermissionDenied):
        event.save()
    with pytest.raises(PermissionDenied):
        event.delete()


def test_it_only_lets_each_role_do_its_own_step(city, people):
    c = file_report(city, people.wati)
    for outsider in (people.dewi, people.wati, people.oscar, people.walikota):
        with pytest.raises(PermissionDenied):
            actions.check_dispose(outsider, c, city.dlh)
    c = actions.do_dispose(people.adi, c, city.dlh)
    with pytest.raises(PermissionDenied):
        actions.check_accept(people.hendra, c)  # Dishub does not hold this case
    with pytest.raises(ValidationError):
        actions.check_tunda(people.adi, c, "Mohon lengkapi")  # only a new case can be put on hold
    with pytest.raises(PermissionDenied):
        actions.check_confirm(people.dewi, c, 5)


def test_it_requires_a_reason_for_archiving_and_bukan_wewenang(city, people):
    c = file_report(city, people.wati)
    with pytest.raises(ValidationError) as exc:
        actions.check_close_unverified(people.adi, c, "")
    assert "reason" in exc.value.message_dict
    reason = actions.check_close_unverified(people.adi, c, "Bukan kewenangan Pemko: jalan nasional.")
    c = actions.do_close_unverified(people.adi, c, Status.BUKAN_WEWENANG, reason)
    assert c.status == Status.BUKAN_WEWENANG and c.closed_at
    assert c.events.last().reason.startswith("Bukan kewenangan")


def test_it_restarts_the_clock_when_a_held_case_is_completed(city, people):
    c = file_report(city, people.wati)
    c = actions.do_tunda(people.adi, c, actions.check_tunda(people.adi, c, "Mohon sertakan alamat lengkap."),
                         now=MON.replace(hour=10))
    assert c.status == Status.TUNDA and c.stage_due_at is None
    later = datetime(2026, 11, 16, 9, 0, tzinfo=WIB)
    info = actions.check_resume(people.wati, c, info="Alamatnya Jl. Mesjid No. 12, depan toko roti.")
    c = actions.do_resume(people.wati, c, info, now=later)
    assert c.status == Status.BARU and c.clock_started_at == later
    assert c.stage_due_at.astimezone(WIB).date().isoformat() == "2026-11-19"


def test_it_charges_the_clock_to_the_receiving_opd_after_limpah(city, people):
    c = file_report(city, people.wati)
    c = actions.do_dispose(people.adi, c, city.dlh, now=MON)
    opd, reason = actions.check_reroute(people.dewi, c, city.dishub, "Lampu jalan adalah urusan Dishub.")
    wed = MON.replace(day=4)
    c = actions.do_reroute(people.dewi, c, opd, reason, now=wed)
    assert c.agency == city.dishub and c.status == Status.DISPOSISI
    assert c.stage_started_at == wed
    assert c.stage_due_at.astimezone(WIB).date().isoformat() == "2026-11-11"  # 5 hk from Wednesday
    rerouted = c.events.get(kind=EventKind.REROUTED)
    assert rerouted.agency == city.dishub and rerouted.data["from_agency"] == city.dlh.pk
    with pytest.raises(ValidationError):
        actions.check_reroute(people.hendra, c, city.dishub, "Sama saja ke diri sendiri")


def test_it_demands_an_after_photo_for_infrastructure(city, people):
    c = file_report(city, people.wati, category=city.cat_lampu.code, title="Lampu lalu lintas mati",
                    description="Lampu merah di simpang mati total sejak pagi, arus kacau.")
    c = actions.do_dispose(people.adi, c, city.dishub)
    c = actions.do_accept(people.hendra, c)
    with pytest.raises(ValidationError) as exc:
        actions.check_resolve(people.hendra, c, Outcome.FIXED, "Sudah diperbaiki teknisi.")
    assert "photos" in exc.value.message_dict
    # "Not fixed" needs no after-photo: there is nothing to show.
    actions.check_resolve(people.hendra, c, Outcome.NOT_FIXED, "Butuh suku cadang dari pusat, belum bisa.")


def test_it_sends_low_ratings_to_review_and_separates_not_fixed(city, people):
    c = file_report(city, people.wati)
    c = actions.do_dispose(people.adi, c, city.dlh)
    c = actions.do_accept(people.dewi, c)
    c = actions.do_resolve(people.dewi, c, Outcome.NOT_FIXED, "Lahan milik swasta, tidak dapat kami angkut.")
    c = actions.do_confirm(people.wati, c, actions.check_confirm(people.wati, c, 2))
    assert c.status == Status.TIDAK_TUNTAS and c.needs_review
    note = actions.check_review(people.adi, c, "Sudah dihubungi, pemilik lahan ditegur.")
    c = actions.do_review(people.adi, c, note)
    assert not c.needs_review


def test_it_lets_the_reporter_reopen_within_the_window_by_token(city):
    c = file_report(city)  # no account: name + phone, acts by the secret link
    c = actions.do_dispose(c.__class__.objects.get(pk=c.pk) and _adi(city), c, city.dlh, now=MON)
    c = actions.do_accept(_dewi(city), c, now=MON)
    c = actions.do_resolve(_dewi(city), c, Outcome.FIXED, "Sudah diangkut pagi ini.", now=MON.replace(day=3))
    with pytest.raises(PermissionDenied):
        actions.check_reopen(None, c, "Masih menumpuk", token="salah")
    late = datetime(2026, 11, 30, 9, 0, tzinfo=WIB)
    with pytest.raises(ValidationError):
        actions.check_reopen(None, c, "Masih menumpuk di sana", token=c.access_token, now=late)
    reason = actions.check_reopen(None, c, "Masih menumpuk di sana", token=c.access_token,
                                  now=MON.replace(day=5))
    c = actions.do_reopen(None, c, reason, now=MON.replace(day=5))
    assert c.status == Status.DIPROSES and c.reopen_count == 1 and c.stage == SlaStage.RESPOND


def _adi(city):  # noqa: ANN001
    from kotacerdas.accounts.models import Role, User

    return User.objects.create_user("adi2", role=Role.ADMIN_KOORDINATOR, agency=city.kominfo)


def _dewi(city):  # noqa: ANN001
    from kotacerdas.accounts.models import Role, User

    return User.objects.get_or_create(username="dewi2", defaults={"role": Role.PENGHUBUNG,
                                                                   "agency": city.dlh})[0]


def test_it_counts_support_once_and_subscribes(city, people):
    c = file_report(city, people.wati)
    assert actions.do_support(c, people.putra) is True
    assert actions.do_support(c, people.putra) is False
    assert actions.do_support(c, people.wati) is False  # the reporter already follows it
    actions.check_support(c, None, "tetangga@contoh.id")
    assert actions.do_support(c, None, "tetangga@contoh.id") is True
    c.refresh_from_db()
    assert c.support_count == 2
    assert Subscription.objects.filter(complaint=c, is_supporter=True).count() == 2


def test_it_merges_a_duplicate_and_moves_its_followers(city, people):
    parent = file_report(city, people.wati)
    child = file_report(city)
    parent_checked = actions.check_merge(people.adi, child, parent)
    actions.do_merge(people.adi, child, parent_checked)
    child.refresh_from_db()
    parent.refresh_from_db()
    assert child.status == Status.DIGABUNG and child.parent == parent
    assert parent.support_count == 1
    assert parent.subscriptions.filter(phone="081298765432").exists()
    with pytest.raises(ValidationError):
        actions.check_merge(people.adi, parent, parent)


def test_it_suggests_duplicates_nearby_or_with_similar_text(city, people):
    first = file_report(city, people.wati)
    soon = MON + timedelta(days=3)  # the 30-day window is counted from the caller's now, not the wall clock
    near = actions.find_duplicates(city.cat_sampah, city.inside[0] + 0.0005, city.inside[1], "", now=soon)
    assert first in near
    far = actions.find_duplicates(city.cat_sampah, city.inside_baru[0], city.inside_baru[1], "", now=soon)
    assert first not in far
    similar = actions.find_duplicates(city.cat_sampah, None, None,
                                      "Sampah menumpuk di depan pasar, sudah seminggu tidak diangkut, bau", now=soon)
    assert first in similar
    later = MON + timedelta(days=31)
    assert first not in actions.find_duplicates(city.cat_sampah, city.inside[0], city.inside[1], "", now=later)


def test_it_audits_flag_changes_and_identity_views(city, people):
    c = file_report(city, people.wati)
    reason = actions.check_set_flags(people.adi, c, "Menyebut nama orang lain")
    actions.do_set_flags(people.adi, c, is_rahasia=True, is_anonim=True, reason=reason)
    c.refresh_from_db()
    assert c.is_rahasia and c.is_anonim
    assert AuditLog.objects.filter(action="complaint.flags", target_id=str(c.pk)).exists()
    assert ComplaintEvent.objects.filter(complaint=c, kind=EventKind.FLAGS).exists()
    with pytest.raises(PermissionDenied):
        actions.check_set_flags(people.dewi, c, "coba-coba saja")
    actions.record_identity_view(people.adi, c)
    assert AuditLog.objects.filter(action="complaint.identity_viewed", actor=people.adi).count() == 1


def test_it_lets_the_coordinator_correct_the_category_at_verification(city, people):
    c = file_report(city, people.wati)
    c = actions.do_dispose(people.adi, c, city.dishub, category=city.cat_lampu)
    assert c.category == city.cat_lampu
    event = c.events.get(kind=EventKind.DISPOSISI)
    assert event.data["from_category"] == "sampah" and event.data["to_category"] == "lampu-lalu-lintas"
