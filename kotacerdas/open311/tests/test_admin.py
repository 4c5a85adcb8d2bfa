"""The superadmin issues integrators' keys in the Django admin; the key is shown once and stored hashed."""

from __future__ import annotations

import re

from django.urls import reverse

from conftest import PASSWORD
from kotacerdas.open311.models import ApiKey


def test_it_generates_a_key_on_creation_and_shows_it_once(client, people):
    client.login(username="root", password=PASSWORD)
    response = client.post(reverse("admin:open311_apikey_add"), {
        "integrator": "Aplikasi Medan Rumah Kita", "is_active": "on", "rate_limit_per_minute": "30", "note": "",
    }, follow=True)
    assert response.status_code == 200
    raw = re.search(r"kc311_[\w-]{40,}", response.content.decode()).group(0)
    key = ApiKey.objects.get()
    assert key.created_by == people.root and key.prefix == raw[:12]
    assert raw not in key.key_hash and ApiKey.authenticate(raw) == key
    page = client.get(reverse("admin:open311_apikey_changelist")).content.decode()
    assert raw not in page
    page = client.get(reverse("admin:open311_apikey_change", args=[key.pk])).content.decode()
    assert raw not in page  # never again after creation
    # Saving an existing key does not replace it.
    client.post(reverse("admin:open311_apikey_change", args=[key.pk]), {
        "integrator": "Aplikasi MRK", "is_active": "on", "rate_limit_per_minute": "30", "note": ""})
    assert ApiKey.authenticate(raw).integrator == "Aplikasi MRK"


def test_it_keeps_keys_from_staff_who_are_not_superadmin(client, people):
    people.adi.is_staff = True
    people.adi.save()
    client.login(username="adi", password=PASSWORD)
    assert client.get(reverse("admin:open311_apikey_changelist")).status_code == 403
    assert client.get(reverse("admin:open311_apikey_add")).status_code == 403
