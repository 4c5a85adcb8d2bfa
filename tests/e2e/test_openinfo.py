"""PPID and open data in a browser: a citizen requests information, the PPID officer extends the deadline once and
answers in part; a citizen files a keberatan against a refusal, the Atasan PPID answers, the citizen takes it to
the Komisi Informasi; a visitor reads a dataset page with its chart and map.

Every deadline on screen is checked against the platform calendar, counted here day by day with
`deadlines.is_working_day` (weekends, libur nasional and cuti bersama off; day 1 = the first working day after
receipt; after-hours and weekend receipts count from the next working day), not with the code under test. The
fixed-date arithmetic across the 2026 holidays is covered in kotacerdas/openinfo/tests with frozen times.
"""

from __future__ import annotations

import sys
import types
from collections.abc import Callable
from datetime import date, datetime, time, timedelta
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings
from django.utils import timezone
from playwright.sync_api import expect

from conftest import PASSWORD
from tests.e2e.helpers import CAPTURE_LEAFLET_MAPS, page_errors, persona_page, wait_for_map


def _ppid_officer() -> Any:
    from kotacerdas.accounts.models import Role, User

    return User.objects.create_user(username="ppid", password=PASSWORD, role=Role.PPID, first_name="Petugas",
                                    last_name="PPID", email="ppid@contoh.id")


def _receipt_day(received: datetime) -> date:
    from kotacerdas.core import deadlines

    local = deadlines.to_local(received)
    day = local.date()
    if deadlines.is_working_day(day) and local.time() < time.fromisoformat(settings.OFFICE_HOURS_END):
        return day
    day += timedelta(days=1)
    while not deadlines.is_working_day(day):
        day += timedelta(days=1)
    return day


def _add_working_days(day: date, n: int) -> date:
    """The n-th working day strictly after `day`."""
    from kotacerdas.core import deadlines

    while n:
        day += timedelta(days=1)
        n -= deadlines.is_working_day(day)
    return day


def expected_due(received: datetime, n: int) -> date:
    return _add_working_days(_receipt_day(received), n)


def _long(day: date) -> str:
    from kotacerdas.core.templatetags.kc import localtime_id

    return localtime_id(day, "long")


@pytest.mark.django_db(transaction=True)
def test_a_citizen_requests_information_and_the_ppid_extends_once_and_answers_in_part(
        browser: Any, browser_context_args: dict[str, Any], live_server: Any, people: Any,
        login: Callable[..., None], screenshot: Callable[[Any, str], Path]) -> None:
    from kotacerdas.openinfo.models import InfoRequest

    _ppid_officer()
    with persona_page(browser, browser_context_args) as page:
        errors = page_errors(page)
        page.set_viewport_size({"width": 1280, "height": 900})
        login(page, live_server, "wati")
        page.goto(live_server.url + "/ppid/")
        page.get_by_role("link", name="Ajukan permohonan").first.click()
        form = page.locator("#request-form")
        form.evaluate("(f) => { f.noValidate = true; }")
        # The NIK is wrong first: the server names the field, nothing is registered.
        form.locator("[name=nik]").fill("1271")
        form.locator("[name=address]").fill("Jl. Pemuda 5, Medan")
        form.locator("[name=occupation]").fill("Guru")
        form.locator("[name=information]").fill("Salinan kontrak pengadaan lampu jalan tahun 2025.")
        form.locator("[name=purpose]").fill("Pengawasan anggaran oleh warga.")
        form.get_by_role("button", name="Kirim permohonan").click()
        expect(page.locator("#id_nik_error")).to_have_text("Nomor KTP (NIK) harus 16 angka.")
        assert InfoRequest.objects.count() == 0
        screenshot(page, "openinfo-request-error")
        page.locator("#request-form [name=nik]").fill("1271014101900002")
        page.locator("#request-form").get_by_role("button", name="Kirim permohonan").click()
        expect(page.locator(".alert-success")).to_contain_text("PPID-")
        req = InfoRequest.objects.get()
        due = expected_due(req.received_at, 10)
        expect(page.locator("[data-original-due] [data-deadline]")).to_have_attribute("data-deadline",
                                                                                        due.isoformat())
        expect(page.locator("#timeline")).to_contain_text(f"Batas: {_long(due)}")
        assert "1271014101900002" not in page.content()
        screenshot(page, "openinfo-request-registered")
        assert errors == []

    with persona_page(browser, browser_context_args) as page:
        errors = page_errors(page)
        page.set_viewport_size({"width": 1280, "height": 900})
        login(page, live_server, "ppid")
        page.goto(live_server.url + "/ppid/permohonan/")
        page.get_by_role("link", name=req.reg_no).click()
        extended = _add_working_days(due, 7)
        page.locator("#extend summary").click()
        expect(page.locator("#extended-preview")).to_have_text(_long(extended))
        page.locator("#extend").get_by_role("button", name="Perpanjang").click()  # no reason: refused
        expect(page.locator("#id_reason_error")).to_contain_text("alasan perpanjangan")
        page.locator("#extend [name=reason]").fill("Dokumen kontrak tersimpan di arsip Dinas Perhubungan.")
        page.locator("#extend").get_by_role("button", name="Perpanjang").click()
        expect(page.locator("[data-extended-due] [data-deadline]")).to_have_attribute("data-deadline",
                                                                                        extended.isoformat())
        expect(page.locator("[data-original-due] s")).to_have_text(_long(due))
        expect(page.locator("#extend")).to_have_count(0)  # only once
        screenshot(page, "openinfo-request-extended")
        answer = page.locator("#answer-form")
        answer.locator("[name=decision]").select_option("sebagian")
        answer.locator("[name=answer]").fill("Kontrak dikirim; lampiran harga satuan menyusul setelah diverifikasi.")
        answer.locator("[name=copy_cost]").fill("5000")
        answer.get_by_role("button", name="Kirim pemberitahuan").click()
        expect(page.locator("#answer")).to_contain_text("Dipenuhi sebagian")
        expect(page.locator("#answer")).to_contain_text("Rp5.000")
        screenshot(page, "openinfo-request-answered")
        assert errors == []

    req.refresh_from_db()
    with persona_page(browser, browser_context_args) as page:
        login(page, live_server, "wati")
        page.goto(live_server.url + f"/ppid/permohonan/{req.reg_no}/")
        expect(page.locator("#answer")).to_contain_text("Dipenuhi sebagian")
        page.locator("#objection summary").click()
        expect(page.locator("#objection-window")).to_have_text(_long(expected_due(req.decided_at, 30)))


@pytest.mark.django_db(transaction=True)
def test_a_citizen_files_a_keberatan_the_atasan_answers_and_the_citizen_goes_to_the_komisi_informasi(
        browser: Any, browser_context_args: dict[str, Any], live_server: Any, people: Any,
        login: Callable[..., None], screenshot: Callable[[Any, str], Path]) -> None:
    from kotacerdas.openinfo import actions
    from kotacerdas.openinfo.models import Objection, ObjectionStatus

    officer = _ppid_officer()
    now = timezone.now()
    req = actions.do_submit_request(people.wati, {
        "name": "Wati Siregar", "nik": "1271014101900002", "address": "Jl. Pemuda 5, Medan", "occupation": "Guru",
        "email": "wati@contoh.id", "information": "Daftar nama pelapor aduan sampah di Medan Kota.",
        "purpose": "Verifikasi.", "format": "softcopy", "delivery": "email"}, now=now - timedelta(days=6))
    actions.do_answer(officer, req, {
        "decision": "ditolak", "answer": "Informasi memuat data pribadi pelapor.", "exception": "h",
        "harm": "Mengungkap rahasia pribadi para pelapor.",
        "public_interest": "Statistik aduan tersedia di portal data terbuka."}, now=now - timedelta(days=2))

    with persona_page(browser, browser_context_args) as page:
        errors = page_errors(page)
        page.set_viewport_size({"width": 1280, "height": 900})
        login(page, live_server, "wati")
        page.goto(live_server.url + f"/ppid/permohonan/{req.reg_no}/")
        expect(page.locator("#answer")).to_contain_text("mengungkap rahasia pribadi")
        page.locator("#objection summary").click()
        form = page.locator("#objection form")
        form.locator("[name=ground]").select_option("c")  # "not answered" does not fit an answered request
        form.locator("[name=reason]").fill("Saya memerlukan data ini untuk memverifikasi penanganan aduan.")
        form.get_by_role("button", name="Ajukan keberatan").click()
        expect(page.locator("#id_ground_error")).to_contain_text("sudah dijawab")
        page.locator("#objection [name=ground]").select_option("a")
        page.locator("#objection form").get_by_role("button", name="Ajukan keberatan").click()
        obj = Objection.objects.get()
        card = page.locator(f"#keberatan-{obj.reg_no}")
        expect(card.locator("[data-objection-due] [data-deadline]")).to_have_attribute(
            "data-deadline", expected_due(obj.filed_at, 30).isoformat())
        screenshot(page, "openinfo-keberatan-filed")
        assert errors == []

    with persona_page(browser, browser_context_args) as page:
        errors = page_errors(page)
        page.set_viewport_size({"width": 1280, "height": 900})
        login(page, live_server, "walikota")  # a city-wide pimpinan: Atasan PPID by default
        page.goto(live_server.url + "/ppid/keberatan/")
        page.get_by_role("link", name=obj.reg_no).click()
        form = page.locator("#objection-answer-form")
        form.locator("[name=outcome]").select_option("ditolak")
        form.locator("[name=answer]").fill("Penolakan PPID sudah sesuai Pasal 17 huruf h UU 14/2008.")
        form.get_by_role("button", name="Kirim tanggapan").click()
        obj.refresh_from_db()
        card = page.locator(f"#keberatan-{obj.reg_no}")
        expect(card.locator("[data-dispute-due] [data-deadline]")).to_have_attribute(
            "data-deadline", expected_due(obj.answered_at, 14).isoformat())
        screenshot(page, "openinfo-keberatan-answered")
        assert errors == []

    with persona_page(browser, browser_context_args) as page:
        login(page, live_server, "wati")
        page.goto(live_server.url + f"/ppid/permohonan/{req.reg_no}/")
        page.get_by_role("button", name="Saya mengajukan sengketa ke Komisi Informasi").click()
        expect(page.locator(f"#keberatan-{obj.reg_no}")).to_contain_text("Diajukan ke Komisi Informasi")
        expect(page.locator("#timeline")).to_contain_text("Sengketa diajukan ke Komisi Informasi")
        screenshot(page, "openinfo-sengketa")
    obj.refresh_from_db()
    assert obj.status == ObjectionStatus.SENGKETA


@pytest.mark.django_db(transaction=True)
def test_a_visitor_finds_a_dataset_and_reads_its_preview_chart_and_map(
        page: Any, live_server: Any, city: Any, monkeypatch: pytest.MonkeyPatch,
        screenshot: Callable[[Any, str], Path]) -> None:
    from kotacerdas.openinfo import catalog

    module = types.ModuleType("kotacerdas.openinfo.opendata")
    module.datasets = lambda: [{  # type: ignore[attr-defined]
        "slug": "aduan-per-kelurahan", "title": "Aduan per kelurahan", "description": "Jumlah aduan.",
        "keywords": ["aduan"], "frequency": "daily", "publisher": "dinas-kominfo", "temporal": "2026",
        "spatial": True, "fields": [("kelurahan", "string", "Kelurahan"), ("jumlah", "integer", "Jumlah aduan")],
        "rows": lambda: [{"kelurahan": "Pasar Baru", "jumlah": 12}, {"kelurahan": "Babura", "jumlah": 4}],
        "geojson": lambda: {"type": "FeatureCollection", "features": [
            {"type": "Feature", "geometry": city.kel_pasar_baru.boundary,
             "properties": {"kelurahan": "Pasar Baru", "jumlah": 12}}]},
    }]
    monkeypatch.setitem(sys.modules, "kotacerdas.openinfo.opendata", module)
    catalog.refresh(force=True, only="aduan-per-kelurahan")
    errors = page_errors(page)
    page.set_viewport_size({"width": 1280, "height": 900})
    page.add_init_script(CAPTURE_LEAFLET_MAPS)
    page.goto(live_server.url + "/data/")
    page.locator("#q").fill("kelurahan")
    page.get_by_role("button", name="Cari").click()
    page.get_by_role("link", name="Aduan per kelurahan").click()
    expect(page.locator("#preview tbody tr")).to_have_count(2)
    page.wait_for_function("() => window.Chart && Chart.getChart(document.getElementById('dataset-chart'))")
    wait_for_map(page, "#dataset-map")
    expect(page.locator("#resources [data-format]")).to_have_count(3)
    screenshot(page, "openinfo-dataset")
    assert errors == []
