"""Bad input is refused with Indonesian messages next to the fields, and nothing is stored.

The browser's own `required` checks are switched off first (see helpers.disable_browser_validation): the server's
messages are what a person sees whenever the browser lets the form through (old WebViews, scripts, API-like
clients), so those are the ones under test.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import expect

from tests.e2e.helpers import click_map_at, disable_browser_validation, persona_page


@pytest.mark.usefixtures("media_root", "migration_rows")
@pytest.mark.django_db(transaction=True)
def test_it_refuses_a_report_without_title_location_or_real_photo(
    browser: Any, browser_context_args: dict[str, Any], live_server: Any, city: Any,
    screenshot: Callable[[Any, str], Path], tmp_path: Path,
) -> None:
    from kotacerdas.complaints.models import Complaint, Photo

    fake_photo = tmp_path / "foto-lokasi.jpg"
    fake_photo.write_text("ini bukan foto, hanya teks yang diberi nama .jpg\n" * 20)

    with persona_page(browser, browser_context_args) as page:
        page.goto(live_server.url + "/lapor/")
        # The browser itself would stop an empty title: the field says it is required.
        expect(page.get_by_label("Judul aduan")).to_have_attribute("required", "")

        page.get_by_label("Uraian masalah").fill("Lampu jalan di depan sekolah mati sejak minggu lalu, gelap sekali.")
        page.get_by_label("Kategori").select_option(label="Sampah tidak diangkut")
        page.get_by_label("Foto", exact=True).set_input_files(fake_photo)
        page.get_by_label("Nama", exact=True).fill("Rina Harahap")
        page.get_by_label("Nomor HP").fill("081377788899")
        disable_browser_validation(page, "#kc-report-form")

        with page.expect_navigation():
            page.get_by_role("button", name="Kirim aduan").click()

        expect(page.get_by_role("alert").first).to_contain_text("Periksa kembali isian yang ditandai merah.")
        expect(page.locator("#id_title_error")).to_have_text("Judul wajib diisi (minimal 5 karakter).")
        expect(page.locator("#id_lat_error")).to_have_text("Tandai lokasi di peta atau isi alamat/patokan.")
        expect(page.locator("#id_photos_error")).to_contain_text("foto-lokasi.jpg: Berkas bukan gambar yang valid.")
        # Next to the fields: each message sits right after its own input, and the inputs are marked invalid.
        expect(page.get_by_label("Judul aduan")).to_have_class(re.compile(r"\bis-invalid\b"))
        expect(page.get_by_label("Judul aduan")).to_have_attribute("aria-describedby", re.compile(r"id_title_error"))
        expect(page.locator("#kc-report-map")).to_have_class(re.compile(r"\bkc-map-invalid\b"))
        # What the person typed is kept, so only the mistakes need fixing.
        expect(page.get_by_label("Uraian masalah")).to_have_value(
            "Lampu jalan di depan sekolah mati sejak minggu lalu, gelap sekali.")
        expect(page.get_by_label("Nama", exact=True)).to_have_value("Rina Harahap")
        screenshot(page, "bad-input-01-report-errors")

        assert Complaint.objects.count() == 0
        assert Photo.objects.count() == 0

        # A pin outside the city (here moved into the sea after a click, as a crafted request would) is refused.
        page.get_by_label("Judul aduan").fill("Lampu jalan mati di depan sekolah")
        lat, lon = city.inside_baru
        click_map_at(page, "#kc-report-map", lat, lon)
        expect(page.locator("#kc-pin-label")).to_have_text("Babura")
        page.evaluate("([lat, lon]) => { document.getElementById('id_lat').value = lat; "
                      "document.getElementById('id_lon').value = lon; }", list(city.outside))
        disable_browser_validation(page, "#kc-report-form")
        with page.expect_navigation():
            page.get_by_role("button", name="Kirim aduan").click()
        expect(page.locator("#id_lat_error")).to_have_text("Lokasi berada di luar wilayah Kota Medan.")
        expect(page.locator("#id_title_error")).to_have_count(0)
        screenshot(page, "bad-input-02-outside-city")

    assert Complaint.objects.count() == 0


@pytest.mark.usefixtures("migration_rows")
@pytest.mark.django_db(transaction=True)
def test_it_refuses_to_archive_without_a_reason(
    browser: Any, browser_context_args: dict[str, Any], live_server: Any, city: Any, people: Any,
    login: Callable[..., None], screenshot: Callable[[Any, str], Path],
) -> None:
    from kotacerdas.complaints import actions
    from kotacerdas.complaints.models import EventKind, Status

    complaint = actions.submit({
        "title": "Tes tes tes tes", "description": "Percobaan saja, bukan aduan sungguhan dari warga kota.",
        "category": city.cat_sampah.code, "address": "Jl. Sisingamangaraja", "reporter_name": "Iseng",
        "reporter_phone": "081200000000",
    })
    version = complaint.version

    with persona_page(browser, browser_context_args) as page:
        login(page, live_server, "adi")
        page.goto(f"{live_server.url}/staf/aduan/{complaint.pk}/")
        box = page.locator("#kc-action-arsip")
        box.locator("summary").click()
        expect(box.get_by_label("Alasan")).to_have_attribute("required", "")
        disable_browser_validation(page, "#kc-action-arsip form")
        box.get_by_role("button", name="Arsipkan").click()

        # htmx swaps the form back in with its message (HTTP 400), still open, next to the field.
        box = page.locator("#kc-action-arsip")
        expect(box.locator("#id_arsip-reason_error")).to_have_text("Alasan wajib diisi (minimal 5 karakter).")
        expect(box).to_have_attribute("open", "")
        expect(box.get_by_label("Alasan")).to_have_class(re.compile(r"\bis-invalid\b"))
        expect(page.locator(".kc-status").first).to_have_text("Baru")
        screenshot(page, "bad-input-03-arsip-without-reason")

        # A reason of blanks is no reason either.
        box.get_by_label("Alasan").fill("   ")
        disable_browser_validation(page, "#kc-action-arsip form")
        box.get_by_role("button", name="Arsipkan").click()
        expect(page.locator("#kc-action-arsip #id_arsip-reason_error")).to_have_text(
            "Alasan wajib diisi (minimal 5 karakter).")

    complaint.refresh_from_db()
    assert complaint.status == Status.BARU
    assert complaint.closed_at is None
    assert complaint.version == version
    assert not complaint.events.filter(kind=EventKind.ARSIP).exists()
