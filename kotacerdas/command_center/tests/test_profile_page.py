"""The city profile: public, from the platform's data, every figure with its source."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from kotacerdas.command_center import opendata, performance


@pytest.mark.django_db
def test_it_shows_the_city_profile_with_sources_to_anyone(client, city):
    page = client.get(reverse("command_center:profile"))
    html = page.content.decode()
    assert page.status_code == 200
    assert "Kota Medan" in html
    assert "265,10" in html or "265.10" in html  # the city's own area figure (data/city_facts.csv)
    assert "2.001" in html or "2,001" in html  # lingkungan
    assert "Kepmendagri 300.2.2-2138/2025" in html
    assert "Sampah tidak diangkut" in html and "Dinas Lingkungan Hidup" in html
    data = client.get("/api/v1/command-center/profile/").json()
    facts = {f["key"]: f for f in data["facts"]}
    assert facts["kecamatan"]["value"] == 2 and facts["kelurahan"]["value"] == 3
    assert facts["area_km2"]["value"] == 265.1 and facts["area_km2"]["source_url"].startswith("https://")
    assert facts["population"]["value"] == 2546452
    dlh = next(a for a in data["agencies"] if a["code"] == "dinas-lingkungan-hidup")
    assert dlh["services"] == ["Sampah tidak diangkut"]


@pytest.mark.django_db
def test_it_shows_an_empty_profile_before_the_city_is_set_up(client):
    page = client.get(reverse("command_center:profile"))
    assert page.status_code == 200 and "setup_region" in page.content.decode()


@pytest.mark.django_db
def test_it_publishes_opd_performance_as_open_data_without_personal_data(cases, people):
    # Recent, so it falls within the dataset's last 12 months whenever the suite runs.
    cases.handled(timezone.now() - timedelta(days=3))
    performance.sync()
    (spec,) = opendata.datasets()
    assert {"slug", "title", "description", "keywords", "frequency", "publisher", "temporal", "spatial", "fields",
            "rows"} <= set(spec)
    rows = spec["rows"]()
    names = [f[0] for f in spec["fields"]]
    assert rows and all(list(r) == names for r in rows)
    text = repr(rows)
    for secret in (people.wati.get_full_name(), people.wati.phone, people.dewi.get_full_name(), "Sampah menumpuk"):
        assert secret not in text
