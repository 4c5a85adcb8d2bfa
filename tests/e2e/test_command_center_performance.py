"""Apparatus performance in the browser: the wali kota reads the league table and drills down to the case behind
a figure; the head of DLH disputes a red mark and the admin koordinator accepts it.

Cases are made through complaints/actions.py with `now=` a few working days back, so they fall in the page's
default period (the last 90 days) whenever the suite runs.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from tests.e2e.helpers import persona_page

REASON = "Lokasi tergenang banjir tiga hari sehingga truk pengangkut tidak bisa masuk."


def working_days_ago(days: int) -> Any:
    from kotacerdas.core import deadlines

    moment = timezone.now().replace(hour=3, minute=0, second=0, microsecond=0)  # 10:00 WIB
    counted = 0
    while counted < days:
        moment -= timedelta(days=1)
        if deadlines.is_working_day(deadlines.to_local(moment).date()):
            counted += 1
    return moment


def make_cases(city: Any, people: Any) -> dict[str, Any]:
    from kotacerdas.complaints import actions

    def handled(title: str, agency: Any, handler: Any, respond: int, resolve: int, category: Any) -> Any:
        c = actions.submit({"title": title, "description": "Sudah seminggu tidak ditangani, mohon segera dicek.",
                            "category": category.code, "lat": city.inside[0], "lon": city.inside[1]},
                           people.wati, now=working_days_ago(13))
        c = actions.do_dispose(people.adi, c, agency, now=working_days_ago(12))
        c = actions.do_respond(handler, c, "Petugas sudah kami kirim ke lokasi.", now=working_days_ago(respond))
        return actions.do_resolve(handler, c, "fixed", "Sudah ditangani, terima kasih.", now=working_days_ago(resolve))

    return {
        "on_time": handled("Sampah menumpuk di Jalan Pasar Baru", city.dlh, people.dewi, 11, 10, city.cat_sampah),
        # 12 -> 4 working days ago: 8 hk to the first response, past the 5 hk limit: a red mark.
        "late": handled("Sampah di parit Jalan Thamrin", city.dlh, people.dewi, 4, 3, city.cat_sampah),
        "dishub": handled("Lampu lalu lintas mati di simpang", city.dishub, people.hendra, 11, 10, city.cat_lampu),
    }


def dlh_row(page: Any) -> Any:
    return page.locator("#league-table tbody tr[data-code=dinas-lingkungan-hidup]")


@pytest.mark.usefixtures("migration_rows")
@pytest.mark.django_db(transaction=True)
def test_it_lets_the_wali_kota_read_the_league_table_and_drill_down_to_a_case(
    browser: Any, browser_context_args: dict[str, Any], live_server: Any, city: Any, people: Any,
    login: Callable[..., None], screenshot: Callable[[Any, str], Path],
) -> None:
    made = make_cases(city, people)
    with persona_page(browser, browser_context_args) as page:
        login(page, live_server, "walikota")
        page.goto(live_server.url + "/pusat-komando/kinerja/")
        expect(page.get_by_role("heading", name="Kinerja aparatur")).to_be_visible()
        expect(page.locator("#total-received")).to_have_text("3")
        expect(page.locator("#league-table tbody tr").first).to_have_attribute("data-code", "dinas-perhubungan")
        expect(dlh_row(page)).to_contain_text("50,0%")
        page.wait_for_function("() => window.Chart && Chart.getChart('chart-weekly')")
        screenshot(page, "cc-performance-01-walikota-league")
        dlh_row(page).locator("a.kc-late").click()
        expect(page.locator("#cases-count")).to_have_text("1 aduan")
        row = page.locator("#cases-table tbody tr", has_text=made["late"].tracking_no)
        expect(row.locator(".kc-red")).to_be_visible()
        expect(page.locator("#cases-table")).not_to_contain_text(made["on_time"].tracking_no)
        screenshot(page, "cc-performance-02-walikota-drilldown")
        row.get_by_role("link", name=made["late"].tracking_no).click()
        expect(page.get_by_role("heading", name="Sampah di parit Jalan Thamrin")).to_be_visible()
        # The monthly report of the month the cases were received, and the public city profile.
        month = timezone.localtime(made["late"].created_at).strftime("%Y-%m")
        page.goto(live_server.url + f"/pusat-komando/kinerja/laporan/?bulan={month}")
        expect(page.locator("#report-opd")).to_contain_text("DLH")
        screenshot(page, "cc-performance-05-report")
    with persona_page(browser, browser_context_args) as page:
        page.goto(live_server.url + "/pusat-komando/profil-kota/")
        expect(page.locator("[data-fact=kecamatan]")).to_have_text("2")
        expect(page.locator("#profile-agencies")).to_contain_text("Sampah tidak diangkut")
        screenshot(page, "cc-profile-01-public")


@pytest.mark.usefixtures("migration_rows")
@pytest.mark.django_db(transaction=True)
def test_it_lets_the_head_of_an_opd_dispute_a_red_mark_that_the_coordinator_accepts(
    browser: Any, browser_context_args: dict[str, Any], live_server: Any, city: Any, people: Any,
    login: Callable[..., None], screenshot: Callable[[Any, str], Path],
) -> None:
    made = make_cases(city, people)
    with persona_page(browser, browser_context_args) as page:
        login(page, live_server, "kepala_dlh")
        page.goto(live_server.url + "/pusat-komando/kinerja/")
        expect(page.locator("#league-table tbody tr")).to_have_count(1)  # DLH only
        dlh_row(page).locator("a.kc-late").click()
        page.locator("#cases-table tr", has_text=made["late"].tracking_no).get_by_role(
            "link", name="Ajukan keberatan").click()
        page.get_by_label("Alasan keberatan").fill("telat")
        page.get_by_role("button", name="Ajukan keberatan").click()
        expect(page.locator("#id_reason_error")).to_contain_text("minimal 20 karakter")
        page.get_by_label("Alasan keberatan").fill(REASON)
        page.get_by_role("button", name="Ajukan keberatan").click()
        card = page.locator(".card", has_text=made["late"].tracking_no).first
        expect(card.locator(".kc-dispute-status")).to_have_text("Diajukan")
        expect(page.locator("form.kc-decide")).to_have_count(0)  # the OPD cannot decide
        screenshot(page, "cc-performance-03-kepala-dlh-dispute")

    with persona_page(browser, browser_context_args) as page:
        login(page, live_server, "adi")
        page.goto(live_server.url + "/pusat-komando/kinerja/")
        expect(page.get_by_text("1 keberatan tanda merah menunggu keputusan.")).to_be_visible()
        page.get_by_text("1 keberatan tanda merah menunggu keputusan.").click()
        form = page.locator("form.kc-decide")
        form.get_by_label("Terima: tanda merah dicabut").check()
        form.get_by_label("Dasar keputusan").fill("Banjir tercatat di laporan BPBD pada tanggal itu.")
        form.get_by_role("button", name="Simpan keputusan").click()
        expect(page.locator(".kc-dispute-status")).to_have_text("Diterima")
        screenshot(page, "cc-performance-04-adi-decided")
        page.goto(live_server.url + "/pusat-komando/kinerja/")
        expect(dlh_row(page)).to_contain_text("100,0%")
        expect(dlh_row(page).locator("a.kc-late")).to_have_count(0)
