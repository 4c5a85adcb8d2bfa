"""The profile page and the profile actions."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from kotacerdas.accounts import actions
from kotacerdas.core.models import AuditLog, Event


def test_it_shows_name_role_opd_and_area(client, people):
    client.force_login(people.camat)
    page = client.get(reverse("accounts:profile")).content.decode()
    assert "Camat Medan Kota" in page
    assert "Pimpinan" in page
    assert "Kecamatan Medan Kota" in page

    client.force_login(people.putra)
    page = client.get(reverse("accounts:profile")).content.decode()
    assert "Petugas lapangan" in page
    assert "Dinas Lingkungan Hidup" in page


def test_it_updates_the_profile_and_writes_an_audit_entry(client, people, django_capture_on_commit_callbacks):
    client.force_login(people.wati)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("accounts:profile"),
            {"full_name": "Wati Br Siregar", "email": "wati.baru@contoh.id", "phone": "0813 9999 0000"},
        )
    assert response.status_code == 302
    people.wati.refresh_from_db()
    assert (people.wati.first_name, people.wati.last_name) == ("Wati", "Br Siregar")
    assert people.wati.email == "wati.baru@contoh.id"
    assert people.wati.phone == "081399990000"
    entry = AuditLog.objects.get(action="accounts.profile_updated")
    assert entry.actor == people.wati
    assert entry.target_id == str(people.wati.pk)
    assert entry.data == {"fields": ["email", "last_name", "phone"]}
    # The trail says what changed, never the personal data itself.
    assert "wati.baru" not in str(entry.data) and "0813" not in str(entry.data)
    assert Event.objects.filter(topic="accounts.profile_updated").count() == 1


def test_it_writes_nothing_when_nothing_changed(client, people):
    client.force_login(people.wati)
    client.post(reverse("accounts:profile"), {"full_name": "Wati Siregar", "email": "wati@contoh.id",
                                              "phone": "081234567890"})
    assert not AuditLog.objects.filter(action="accounts.profile_updated").exists()


def test_it_rejects_an_email_another_person_uses_and_changes_nothing(client, people):
    client.force_login(people.wati)
    response = client.post(reverse("accounts:profile"), {"full_name": "Wati", "email": "DEWI@contoh.id",
                                                         "phone": ""})
    assert response.status_code == 200
    assert "sudah terdaftar" in response.content.decode()
    people.wati.refresh_from_db()
    assert people.wati.email == "wati@contoh.id"
    assert not AuditLog.objects.exists()


def test_it_lets_staff_keep_an_empty_phone(people):
    changes = actions.check_update_profile(people.dewi, people.dewi, {"full_name": "Dewi Lubis",
                                                                      "email": "dewi@contoh.id", "phone": ""})
    assert changes == {}


def test_it_refuses_to_edit_someone_elses_profile(people):
    with pytest.raises(PermissionDenied):
        actions.check_update_profile(people.dewi, people.wati, {"full_name": "X", "email": "x@contoh.id"})
    # A superadmin may correct a profile, and the audit names them as the actor.
    changes = actions.check_update_profile(people.root, people.wati, {"full_name": "Wati Siregar",
                                                                      "email": "wati@contoh.id", "phone": ""})
    actions.do_update_profile(people.root, people.wati, changes)
    assert AuditLog.objects.get(action="accounts.profile_updated").actor == people.root


def test_it_keys_validation_errors_by_field(people):
    with pytest.raises(ValidationError) as caught:
        actions.check_update_profile(people.wati, people.wati, {"full_name": "", "email": "x", "phone": "99"})
    assert set(caught.value.message_dict) == {"full_name", "email", "phone"}


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("081234567890", "081234567890"),
        ("0812-3456-7890", "081234567890"),
        ("+62 812 3456 7890", "081234567890"),
        ("62812.3456.789", "08123456789"),
        ("(0811) 6012345", "08116012345"),
        ("0812345", None),  # too short
        ("08123456789012345", None),  # too long
        ("0612345678", None),  # Medan landline area code 061
        ("0800123456", None),
        ("0812abc4567", None),
        ("", None),
    ],
)
def test_it_recognises_indonesian_mobile_numbers(raw, expected):
    assert actions.normalize_mobile(raw) == expected
