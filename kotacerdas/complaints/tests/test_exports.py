"""CSV export of the staff queue: no personal data, the user's scope only, no rahasia text."""

from __future__ import annotations

import csv
import io
from typing import Any

import pytest
from django.urls import reverse

from kotacerdas.complaints import actions, exports
from kotacerdas.complaints.models import Complaint

pytestmark = pytest.mark.django_db

NAME, PHONE, EMAIL, NIK = "Budi Santoso", "081298765432", "budi.santoso@contoh.id", "1271011508900003"


def submit(city: Any, user: Any = None, where: tuple[float, float] | None = None, category: Any = None,
           **extra: Any) -> Complaint:
    lat, lon = where or city.inside
    data = {
        "title": "Sampah menumpuk di depan pasar",
        "description": f"Sudah tiga hari sampah tidak diangkut. Hubungi {PHONE}.",
        "category": (category or city.cat_sampah).code, "lat": lat, "lon": lon,
        "address": "Jl. Mawar No. 5, rumah Budi", "reporter_name": NAME, "reporter_phone": PHONE,
        "reporter_email": EMAIL, "reporter_nik": NIK, **extra,
    }
    return actions.submit(data, user=user)


def download(client: Any, user: Any, **params: str) -> tuple[str, list[dict[str, str]]]:
    client.force_login(user)
    response = client.get(reverse("complaints:export"), {"queue": "semua", **params})
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    assert "attachment" in response["Content-Disposition"]
    text = b"".join(response.streaming_content).decode("utf-8")
    rows = list(csv.DictReader(io.StringIO(text.lstrip("\ufeff"))))
    return text, rows


@pytest.fixture
def cases(city: Any, people: Any) -> dict[str, Complaint]:
    dlh = submit(city, title="Sampah di Pasar Baru")
    actions.do_dispose(people.adi, dlh, city.dlh)
    secret = submit(city, title="Pungutan liar petugas sampah", is_rahasia=True)
    actions.do_dispose(people.adi, secret, city.dlh)
    dishub = submit(city, where=city.inside_baru, category=city.cat_lampu, title="Lampu merah mati")
    actions.do_dispose(people.adi, dishub, city.dishub)
    return {"dlh": dlh, "secret": secret, "dishub": dishub}


def test_it_exports_no_personal_data(client: Any, people: Any, cases: dict[str, Complaint]) -> None:
    text, rows = download(client, people.adi)
    assert len(rows) == 3
    for secret in (NAME, "Budi", PHONE, EMAIL, NIK, "Mawar", "Hubungi"):
        assert secret not in text
    for complaint in cases.values():
        complaint.refresh_from_db()
        assert complaint.access_token not in text
    assert list(rows[0]) == list(exports.COLUMNS)


def test_it_exports_only_the_users_scope(client: Any, people: Any, cases: dict[str, Complaint]) -> None:
    _text, rows = download(client, people.dewi)
    assert {r["nomor_aduan"] for r in rows} == {cases["dlh"].tracking_no, cases["secret"].tracking_no}
    _text, rows = download(client, people.hendra)
    assert {r["nomor_aduan"] for r in rows} == {cases["dishub"].tracking_no}
    _text, rows = download(client, people.camat)
    assert cases["dishub"].tracking_no not in {r["nomor_aduan"] for r in rows}


def test_it_omits_the_text_of_rahasia_rows(client: Any, people: Any, cases: dict[str, Complaint]) -> None:
    text, rows = download(client, people.dewi)
    by_no = {r["nomor_aduan"]: r for r in rows}
    assert by_no[cases["secret"].tracking_no]["judul_publik"] == ""
    assert by_no[cases["secret"].tracking_no]["rahasia"] == "ya"
    assert by_no[cases["dlh"].tracking_no]["judul_publik"] == "Sampah di Pasar Baru"
    assert "Pungutan liar" not in text
    assert by_no[cases["dlh"].tracking_no]["opd"] == "DLH"
    assert by_no[cases["dlh"].tracking_no]["kelurahan"] == "Pasar Baru"


def test_it_applies_the_queue_filters(client: Any, city: Any, people: Any, cases: dict[str, Complaint]) -> None:
    _text, rows = download(client, people.adi, agency=city.dishub.code)
    assert [r["nomor_aduan"] for r in rows] == [cases["dishub"].tracking_no]


def test_it_neutralises_spreadsheet_formulas() -> None:
    assert exports._safe("=HYPERLINK(\"http://x\")").startswith("'=")
    assert exports._safe("-1+2") == "'-1+2"
    assert exports._safe("Sampah") == "Sampah"
