"""The whole life of one complaint, in a real browser, with one browser context per person:

warga (no account) reports with a map pin and a photo → admin koordinator verifies and dispositions to DLH →
DLH penghubung accepts, answers publicly and marks it selesai with an after-photo → the warga confirms through
the secret tracking link and rates 5 → the public tracking page shows the case closed (tuntas).

Every step is checked twice: on the screen and in the database.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import expect

from tests.e2e.helpers import click_map_at, make_jpeg, persona_page

TITLE = "Sampah menumpuk di depan Pasar Baru"
DESCRIPTION = "Tumpukan sampah sudah tiga hari tidak diangkut dan baunya sampai ke rumah warga di sekitar pasar."
RESPONSE = "Petugas kebersihan DLH dijadwalkan mengangkut sampah besok pagi pukul 07.00."
RESOLUTION = "Sampah sudah diangkut seluruhnya dan lokasi sudah dibersihkan oleh petugas DLH."


def open_action(page: Any, slug: str) -> Any:
    """Opens one <details> action on the staff case page and returns it (fields are looked up inside it)."""
    box = page.locator(f"#kc-action-{slug}")
    expect(box).to_be_visible()
    if box.get_attribute("open") is None:
        box.locator("summary").click()
    return box


@pytest.mark.usefixtures("media_root", "migration_rows")
@pytest.mark.django_db(transaction=True)
def test_it_carries_a_complaint_from_report_to_closed(
    browser: Any, browser_context_args: dict[str, Any], live_server: Any, city: Any, people: Any,
    login: Callable[..., None], screenshot: Callable[[Any, str], Path], tmp_path: Path,
) -> None:
    from kotacerdas.complaints.models import Complaint, EventKind, PhotoKind, Status

    before_photo = make_jpeg(tmp_path, "tumpukan-sampah.jpg")
    after_photo = make_jpeg(tmp_path, "sesudah-dibersihkan.jpg", color=(200, 200, 190))

    # 1. The citizen, not logged in, reports.
    with persona_page(browser, browser_context_args) as page:
        page.goto(live_server.url + "/lapor/")
        expect(page.get_by_role("heading", name="Laporkan masalah")).to_be_visible()
        page.get_by_label("Judul aduan").fill(TITLE)
        page.get_by_label("Uraian masalah").fill(DESCRIPTION)
        page.get_by_label("Kategori").select_option(label="Sampah tidak diangkut")

        lat, lon = city.inside
        click_map_at(page, "#kc-report-map", lat, lon)
        # The pin fills the hidden fields; the point lies in Pasar Baru within a few metres of the click.
        expect(page.locator("#id_lat")).not_to_have_value("")
        assert abs(float(page.locator("#id_lat").input_value()) - lat) < 0.001
        assert abs(float(page.locator("#id_lon").input_value()) - lon) < 0.001
        expect(page.locator("#kc-pin-label")).not_to_have_text("belum ditandai")

        page.get_by_label("Foto", exact=True).set_input_files(before_photo)
        page.get_by_label("Nama", exact=True).fill("Rina Harahap")
        page.get_by_label("Nomor HP").fill("081377788899")

        page.get_by_role("button", name="Pratinjau tampilan publik").click()
        expect(page.locator("#kc-preview")).to_contain_text(TITLE)
        screenshot(page, "journey-01-report-filled")

        with page.expect_navigation():
            page.get_by_role("button", name="Kirim aduan").click()
        assert "/lacak/" in page.url, page.locator(".invalid-feedback, .alert-danger").all_inner_texts()
        assert re.search(r"/lacak/MRK-\d{4}-\d{6}/\?t=", page.url), page.url
        complaint = Complaint.objects.get()
        expect(page.locator("#kc-messages")).to_contain_text(complaint.tracking_no)
        expect(page.locator(".page-pretitle")).to_contain_text(complaint.tracking_no)
        expect(page.locator(".kc-status")).to_have_text("Baru")
        screenshot(page, "journey-02-tracking-page")

    assert complaint.status == Status.BARU
    assert complaint.title == TITLE
    assert complaint.category == city.cat_sampah
    assert complaint.kelurahan == city.kel_pasar_baru and complaint.kecamatan == city.kec_kota
    assert complaint.reporter is None and complaint.reporter_name == "Rina Harahap"
    assert complaint.reporter_phone == "081377788899"
    assert complaint.routing_rule is not None and complaint.routing_rule.agency == city.dlh
    assert complaint.photos.filter(kind=PhotoKind.REPORT).count() == 1
    assert complaint.access_token

    # 2. The admin koordinator verifies and dispositions to DLH (the routing table's suggestion).
    with persona_page(browser, browser_context_args) as page:
        login(page, live_server, "adi")
        page.goto(live_server.url + "/staf/")
        row = page.locator("tr", has_text=complaint.tracking_no)
        expect(row).to_be_visible()
        screenshot(page, "journey-03-adi-queue")
        row.get_by_role("link", name=complaint.tracking_no).click()
        expect(page.get_by_role("heading", name=TITLE)).to_be_visible()

        box = open_action(page, "verifikasi")
        expect(box).to_contain_text("Usulan tabel disposisi: Dinas Lingkungan Hidup")
        expect(box.get_by_label("OPD tujuan")).to_have_value(str(city.dlh.pk))
        screenshot(page, "journey-04-adi-verify")
        box.get_by_role("button", name="Verifikasi dan disposisi").click()
        expect(page.locator("#kc-messages")).to_contain_text("diteruskan ke Dinas Lingkungan Hidup")
        expect(page.locator(".kc-status").first).to_have_text("Diteruskan ke OPD")

    complaint.refresh_from_db()
    assert complaint.status == Status.DISPOSISI
    assert complaint.agency == city.dlh
    assert complaint.verified_at is not None
    assert complaint.events.filter(kind=EventKind.DISPOSISI, actor=people.adi).exists()

    # 3. DLH's penghubung accepts, answers in public and marks it done with an after-photo.
    with persona_page(browser, browser_context_args) as page:
        login(page, live_server, "dewi")
        page.goto(live_server.url + "/staf/")
        page.locator("tr", has_text=complaint.tracking_no).get_by_role("link", name=complaint.tracking_no).click()
        expect(page.get_by_role("heading", name=TITLE)).to_be_visible()

        open_action(page, "terima").get_by_role("button", name="Terima aduan").click()
        expect(page.locator("#kc-messages")).to_contain_text("Aduan diterima")
        complaint.refresh_from_db()
        assert complaint.status == Status.DIPROSES and complaint.accepted_at is not None

        box = open_action(page, "tanggapan")
        box.get_by_label("Tanggapan untuk pelapor dan publik").fill(RESPONSE)
        box.get_by_role("button", name="Tanggapan publik").click()
        expect(page.locator("#kc-messages")).to_contain_text("Tanggapan dikirim")
        complaint.refresh_from_db()
        assert complaint.first_response_at is not None
        assert complaint.events.filter(kind=EventKind.RESPONSE, is_public=True, actor=people.dewi).exists()

        box = open_action(page, "selesai")
        box.get_by_label("Hasil penanganan").select_option("fixed")
        box.get_by_label("Penjelasan kepada pelapor").fill(RESOLUTION)
        box.get_by_label("Foto sesudah penanganan").set_input_files(after_photo)
        screenshot(page, "journey-05-dewi-resolve")
        box.get_by_role("button", name="Nyatakan selesai").click()
        expect(page.locator("#kc-messages")).to_contain_text("dinyatakan selesai")
        expect(page.locator(".kc-status").first).to_have_text("Selesai, menunggu konfirmasi")
        screenshot(page, "journey-06-dewi-done")

    complaint.refresh_from_db()
    assert complaint.status == Status.SELESAI
    assert complaint.outcome == "fixed"
    assert complaint.photos.filter(kind=PhotoKind.AFTER).count() == 1

    # 4. The citizen comes back through the secret link, confirms and rates 5.
    with persona_page(browser, browser_context_args) as page:
        page.goto(f"{live_server.url}/lacak/{complaint.tracking_no}/?t={complaint.access_token}")
        expect(page.get_by_text("Apakah masalah Anda sudah selesai?")).to_be_visible()
        expect(page.get_by_text(RESPONSE)).to_be_visible()
        expect(page.get_by_text(RESOLUTION)).to_be_visible()
        page.locator("label[for=kc-rate-5]").click()
        expect(page.locator("#kc-rate-5")).to_be_checked()
        screenshot(page, "journey-07-citizen-confirm")
        page.get_by_role("button", name="Konfirmasi selesai").click()
        expect(page.locator("#kc-messages")).to_contain_text("Terima kasih atas konfirmasi")
        expect(page.locator(".kc-status")).to_have_text("Tuntas")
        expect(page.get_by_text("Apakah masalah Anda sudah selesai?")).to_have_count(0)
        screenshot(page, "journey-08-citizen-closed")

    complaint.refresh_from_db()
    assert complaint.status == Status.TUNTAS
    assert complaint.rating == 5
    assert complaint.closed_at is not None
    assert complaint.events.filter(kind=EventKind.CONFIRMED).exists()

    # 5. Anyone (no token) sees the closed case on the public tracking page.
    with persona_page(browser, browser_context_args) as page:
        page.goto(f"{live_server.url}/lacak/{complaint.tracking_no}/")
        expect(page.locator(".kc-status")).to_have_text("Tuntas")
        expect(page.get_by_text("Rina Harahap")).to_have_count(0)
        screenshot(page, "journey-09-public-closed")
