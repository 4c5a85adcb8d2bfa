"""Seeker registration, profile, CV and the AK/1 card (rules 33-35)."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile

from kotacerdas.accounts.models import Role
from kotacerdas.core.models import AuditLog, Notification
from kotacerdas.jobs import actions, rules, selectors
from kotacerdas.jobs.models import Ak1Report, CardStatus, SeekerProfile
from kotacerdas.jobs.tests.conftest import PDF_BYTES, make_user, seeker_data

NEW_NIK = "1271052002000002"  # Medan Baru, man, 20 Feb 2000


def errors(exc: pytest.ExceptionInfo) -> dict:
    return exc.value.message_dict


def test_it_registers_a_seeker_with_a_new_account(jobs) -> None:
    data = seeker_data(nik=NEW_NIK, email="andi@contoh.id", full_name="Andi Siregar", birth_date="2000-02-20",
                       gender="L")
    profile = actions.do_register_seeker(actions.check_register_seeker(data))
    assert profile.user.role == Role.WARGA and profile.user.check_password("rahasia-uji-123")
    assert (profile.nik_region, profile.skills) == ("12.71.05", ["kasir", "microsoft excel"])
    log = AuditLog.objects.get(action="jobs.seeker_registered", target_id=str(profile.pk))
    assert NEW_NIK not in str(log.data)


def test_it_names_every_bad_field_and_creates_nothing(jobs) -> None:
    before = SeekerProfile.objects.count()
    data = seeker_data(nik="123", email="bukan-email", birth_place="", education="profesor", experience_years="-1",
                       password2="lain")
    with pytest.raises(ValidationError) as exc:
        actions.check_register_seeker(data)
    assert {"nik", "email", "birth_place", "education", "experience_years", "password2"} <= set(errors(exc))
    assert SeekerProfile.objects.count() == before


def test_it_checks_birth_date_and_gender_against_the_nik(jobs) -> None:
    user = make_user("andi", Role.WARGA)
    with pytest.raises(ValidationError) as exc:
        actions.check_register_seeker(seeker_data(nik=NEW_NIK, birth_date="2000-02-21", gender="P"), user=user)
    assert "20-02-2000" in errors(exc)["birth_date"][0]
    assert "gender" in errors(exc)


def test_it_refuses_a_nik_registered_twice_and_staff_accounts(jobs) -> None:
    user = make_user("kembar", Role.WARGA)
    with pytest.raises(ValidationError) as exc:
        actions.check_register_seeker(seeker_data(), user=user)
    assert "sudah terdaftar" in errors(exc)["nik"][0]
    with pytest.raises(PermissionDenied):
        actions.check_register_seeker(seeker_data(nik=NEW_NIK), user=jobs.toko_admin)
    with pytest.raises(PermissionDenied):
        actions.check_register_seeker(seeker_data(nik=NEW_NIK), user=jobs.sari.user)


def test_it_accepts_only_pdf_cvs_within_the_size_limit(jobs, settings) -> None:
    sari = jobs.sari
    actions.do_upload_cv(sari.user, sari, SimpleUploadedFile("cv.pdf", PDF_BYTES, "application/pdf"))
    fake = SimpleUploadedFile("cv.pdf", b"MZ\x90\x00 not a pdf", "application/pdf")
    with pytest.raises(ValidationError) as exc:
        actions.do_upload_cv(sari.user, sari, fake)
    assert errors(exc)["cv"] == ["CV harus berupa berkas PDF."]
    settings.JOBS_CV_MAX_BYTES = 20
    with pytest.raises(ValidationError) as exc:
        actions.check_cv(SimpleUploadedFile("cv.pdf", PDF_BYTES, "application/pdf"))
    assert "terlalu besar" in errors(exc)["cv"][0]
    with pytest.raises(PermissionDenied):
        actions.do_upload_cv(jobs.budi.user, sari, SimpleUploadedFile("cv.pdf", PDF_BYTES))


def test_it_keeps_nik_and_birth_data_out_of_profile_edits(jobs) -> None:
    sari = jobs.sari
    changes = actions.check_update_profile(sari.user, sari, seeker_data(nik="9999999999999999", skills="kasir, gudang",
                                                                         education="d3"))
    assert set(changes) == {"skills", "education"}
    actions.do_update_profile(sari.user, sari, changes)
    sari.refresh_from_db()
    assert sari.nik == "1271014107950003" and sari.skills == ["kasir", "gudang"]
    with pytest.raises(PermissionDenied):
        actions.check_update_profile(jobs.budi.user, sari, seeker_data())


def test_it_issues_an_ak1_valid_two_years_with_number_and_officer(jobs) -> None:
    card = actions.do_request_ak1(jobs.budi.user, jobs.budi)
    assert card.status == CardStatus.DIMINTA and card.number is None
    with pytest.raises(ValidationError):
        actions.do_request_ak1(jobs.budi.user, jobs.budi)  # one pending request at a time
    with pytest.raises(PermissionDenied):
        actions.do_issue_ak1(jobs.toko_admin, card)
    on = selectors.today()
    actions.do_issue_ak1(jobs.dina, card, on=on)
    assert card.status == CardStatus.AKTIF
    assert card.number.startswith(f"1271-{on.year}-") and card.number != jobs.sari.cards.get().number
    assert card.valid_until == rules.add_months(on, 24)
    assert card.next_report_due == rules.add_months(on, 6)
    assert card.officer_name == jobs.dina.display_name
    assert Notification.objects.filter(user=jobs.budi.user, topic="jobs.ak1").exists()
    with pytest.raises(ValidationError):
        actions.do_issue_ak1(jobs.dina, card)


def test_it_takes_each_six_monthly_report_once_within_its_window(jobs) -> None:
    card = jobs.sari.cards.get()
    first_due = card.next_report_due
    with pytest.raises(ValidationError) as exc:
        actions.do_report_ak1(jobs.sari.user, card, "masih_mencari", on=card.issued_on + timedelta(days=10))
    assert "baru dapat disampaikan" in errors(exc)["card"][0]
    report = actions.do_report_ak1(jobs.sari.user, card, "masih_mencari", on=first_due - timedelta(days=3))
    assert report.sequence == 1 and card.next_report_due == rules.report_dates(card.issued_on)[1]
    with pytest.raises(ValidationError):  # the next period's window is not open yet
        actions.do_report_ak1(jobs.sari.user, card, "masih_mencari", on=first_due)
    with pytest.raises(ValidationError) as exc:
        actions.check_report_ak1(jobs.sari.user, card, "entah", card.next_report_due)
    assert "outcome" in errors(exc)
    with pytest.raises(PermissionDenied):
        actions.do_report_ak1(jobs.budi.user, card, "masih_mencari", on=card.next_report_due)


def test_it_marks_a_card_placed_when_the_seeker_reports_work(jobs) -> None:
    card = jobs.sari.cards.get()
    actions.do_report_ak1(jobs.dina, card, Ak1Report.Outcome.SUDAH_BEKERJA, on=card.next_report_due)
    assert card.status == CardStatus.DITEMPATKAN
    assert jobs.sari not in selectors.active_seekers()


def test_it_turns_a_card_inactive_after_a_missed_report_and_renews_it(jobs, settings) -> None:
    card = jobs.sari.cards.get()
    due = card.next_report_due
    assert actions.sweep_ak1(on=due) == {"nonaktif": 0, "kedaluwarsa": 0}  # the due day itself is still fine
    assert actions.sweep_ak1(on=due + timedelta(days=1)) == {"nonaktif": 1, "kedaluwarsa": 0}
    card.refresh_from_db()
    assert card.status == CardStatus.NONAKTIF
    assert actions.sweep_ak1(on=due + timedelta(days=1)) == {"nonaktif": 0, "kedaluwarsa": 0}  # idempotent
    assert jobs.sari not in selectors.active_seekers(on=due + timedelta(days=1))
    with pytest.raises(ValidationError):
        actions.do_report_ak1(jobs.sari.user, card, "masih_mencari", on=due + timedelta(days=1))
    new = actions.do_renew_ak1(jobs.dina, card, on=due + timedelta(days=2))
    card.refresh_from_db()
    assert card.status == CardStatus.DIGANTI and new.status == CardStatus.AKTIF
    assert selectors.current_card(jobs.sari) == new


def test_it_applies_a_grace_period_and_expires_old_cards(jobs, settings) -> None:
    settings.JOBS_AK1_REPORT_GRACE_DAYS = 7
    card = jobs.sari.cards.get()
    assert actions.sweep_ak1(on=card.next_report_due + timedelta(days=7))["nonaktif"] == 0
    assert actions.sweep_ak1(on=card.valid_until + timedelta(days=1))["kedaluwarsa"] == 1
    card.refresh_from_db()
    assert card.status == CardStatus.KEDALUWARSA


def test_it_prints_every_ak1_field_and_the_verification_link(jobs) -> None:
    import io

    from pypdf import PdfReader

    from kotacerdas.jobs import documents
    from tests.e2e.helpers import jpeg_bytes

    sari = jobs.sari
    actions.do_upload_photo(sari.user, sari, SimpleUploadedFile("foto.jpg", jpeg_bytes(), "image/jpeg"))
    card = sari.cards.get()
    data = documents.ak1_pdf(card)
    text = " ".join(page.extract_text() for page in PdfReader(io.BytesIO(data)).pages)
    text = " ".join(text.split())
    for label in ("Nomor pencari kerja", "NIK", "Tanda tangan pencari kerja", "Wajib lapor", "Nama",
                  "Tempat/tanggal lahir", "Jenis kelamin", "Status", "Agama", "Alamat", "Pendidikan formal",
                  "Pendidikan non-formal", "Pengantar kerja"):
        assert label in text, label
    for value in (card.number, sari.nik, "Medan, 01-07-1995", "Perempuan", "Belum kawin", "Islam",
                  "Jl. Pasar Baru 1", "SMA/SMK/sederajat IPS", jobs.dina.display_name, f"/kerja/ak1/cek/{card.token}/"):
        assert value in text, value
    assert PdfReader(io.BytesIO(data)).pages[0].images  # the pas foto (and the QR code)


def test_it_refuses_a_photo_that_is_not_an_image(jobs) -> None:
    with pytest.raises(ValidationError) as exc:
        actions.do_upload_photo(jobs.sari.user, jobs.sari, SimpleUploadedFile("foto.jpg", PDF_BYTES, "image/jpeg"))
    assert "photo" in errors(exc)


def test_it_sweeps_only_once_a_day_after_local_midnight(jobs, monkeypatch) -> None:
    from datetime import datetime
    from zoneinfo import ZoneInfo

    from kotacerdas.jobs import tasks

    card = jobs.sari.cards.get()
    late = datetime.combine(card.next_report_due + timedelta(days=1), datetime.min.time(), ZoneInfo("Asia/Jakarta"))
    monkeypatch.setattr(selectors, "today", lambda: late.date())
    monkeypatch.setattr(tasks.timezone, "localtime", lambda: late.replace(hour=13))
    assert tasks.sweep_ak1_daily.call_local() is None
    monkeypatch.setattr(tasks.timezone, "localtime", lambda: late.replace(minute=30))
    assert tasks.sweep_ak1_daily.call_local() == {"nonaktif": 1, "kedaluwarsa": 0}


def test_it_takes_the_report_from_the_seeker_page(jobs, client) -> None:
    from django.urls import reverse

    card = jobs.sari.cards.get()
    client.force_login(jobs.sari.user)
    response = client.post(reverse("jobs:ak1-report", args=[card.pk]), {"outcome": "masih_mencari"}, follow=True)
    assert "baru dapat disampaikan mulai" in response.content.decode()
    assert not card.reports.exists()
    client.force_login(jobs.budi.user)
    assert client.post(reverse("jobs:ak1-report", args=[card.pk]), {"outcome": "masih_mencari"}).status_code == 403
