"""An overdue case climbs the escalation ladder, and every rung sees it: DLH's head, the admin koordinator and the
wali kota (who may only look).

The case is made through actions with a `now=` in the past (dispositioned 12 working days ago, so the OPD's 5 hk
tindak lanjut limit passed 6-7 working days ago, past the ladder's last rung on any weekday or weekend the suite
runs), then one real sweep runs; the browser checks what each person sees.
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

TITLE = "Sampah di parit Jalan Pasar Baru belum diangkut"

# The OPD's buttons; the wali kota must get none of them.
WORKFLOW_ACTIONS = ("verifikasi", "tunda", "bukan-wewenang", "arsip", "terima", "tugaskan", "tanggapan", "selesai",
                    "limpahkan", "privasi", "sunting-publik", "gabungkan")


def working_days_ago(days: int) -> Any:
    """The same time of day `days` working days back (weekends, holidays and cuti bersama skipped)."""
    from kotacerdas.core import deadlines

    moment = timezone.now()
    counted = 0
    while counted < days:
        moment -= timedelta(days=1)
        if deadlines.is_working_day(deadlines.to_local(moment).date()):
            counted += 1
    return moment


def make_overdue_case(city: Any, people: Any) -> Any:
    from kotacerdas.complaints import actions

    submitted = working_days_ago(13)
    complaint = actions.submit(
        {"title": TITLE, "description": "Parit tersumbat sampah rumah tangga, air meluap ke jalan saat hujan.",
         "category": city.cat_sampah.code, "lat": city.inside[0], "lon": city.inside[1],
         "reporter_name": "Togar Simanjuntak", "reporter_phone": "081265432100"},
        now=submitted,
    )
    agency = actions.check_dispose(people.adi, complaint, None)
    return actions.do_dispose(people.adi, complaint, agency, now=working_days_ago(12))


def open_tab(page: Any, name: str, key: str) -> None:
    """Clicks a queue tab (htmx swaps the queue) and waits until the new queue is in place."""
    page.locator(".kc-queue-tabs").get_by_role("link", name=name).click()
    page.wait_for_url(f"**queue={key}*")
    expect(page.locator(".kc-queue-tabs [aria-current=page]")).to_contain_text(name)
    page.wait_for_function("() => !document.querySelector('.htmx-request, .htmx-swapping, .htmx-settling')")


def assert_overdue_row(page: Any, tracking_no: str) -> None:
    row = page.locator("tr.kc-row-overdue", has_text=tracking_no)
    expect(row).to_be_visible()
    expect(row.get_by_text("Eskalasi 3")).to_be_visible()
    expect(row.get_by_text("Terlambat", exact=True)).to_be_visible()
    # Red for real, not just a class name: the row's cells are painted a reddish colour.
    red, green, blue = row.locator("td").first.evaluate(
        "(td) => getComputedStyle(td).backgroundColor.match(/\\d+/g).slice(0, 3).map(Number)")
    assert red > green + 20 and red > blue + 20, (red, green, blue)


def open_case_and_check_timeline(page: Any, tracking_no: str) -> None:
    page.locator("tr", has_text=tracking_no).get_by_role("link", name=tracking_no).click()
    expect(page.get_by_role("heading", name=TITLE)).to_be_visible()
    expect(page.get_by_text("Eskalasi tingkat 3")).to_be_visible()
    expect(page.get_by_text("Melewati tenggat.")).to_be_visible()
    timeline = page.locator(".kc-timeline")
    expect(timeline.get_by_text("Dieskalasi", exact=True)).to_have_count(3)
    expect(timeline.get_by_text("Dieskalasi ke Pimpinan.")).to_be_visible()
    expect(timeline.get_by_text("Melewati tenggat", exact=True)).to_be_visible()


@pytest.mark.usefixtures("migration_rows")
@pytest.mark.django_db(transaction=True)
def test_it_shows_an_escalated_overdue_case_to_every_rung_of_the_ladder(
    browser: Any, browser_context_args: dict[str, Any], live_server: Any, city: Any, people: Any,
    login: Callable[..., None], screenshot: Callable[[Any, str], Path],
) -> None:
    from kotacerdas.complaints import sweeps
    from kotacerdas.complaints.models import EventKind, Status

    complaint = make_overdue_case(city, people)
    assert complaint.status == Status.DISPOSISI and complaint.stage_due_at < timezone.now()

    counts = sweeps.sweep()

    complaint.refresh_from_db()
    assert counts.get("level_100") == 1
    assert counts.get("escalated_3") == 1
    assert complaint.sla_level == 100
    assert complaint.escalation_level == 3
    assert complaint.events.filter(kind=EventKind.ESCALATED).count() == 3
    assert complaint.status == Status.DISPOSISI  # escalation changes who is told, not the case's status

    # The OPD head: DLH's open cases, the overdue one in red with its escalation badge.
    with persona_page(browser, browser_context_args) as page:
        login(page, live_server, "kepala_dlh")
        page.goto(live_server.url + "/staf/")
        assert_overdue_row(page, complaint.tracking_no)
        screenshot(page, "overdue-01-kepala-dlh-queue")
        open_case_and_check_timeline(page, complaint.tracking_no)
        expect(page.locator("#kc-action-terima")).to_be_visible()  # the OPD can still act on it
        screenshot(page, "overdue-02-kepala-dlh-case")

    # The admin koordinator opens on "Menunggu verifikasi"; the case is under "Dieskalasi" and "Terlambat".
    with persona_page(browser, browser_context_args) as page:
        login(page, live_server, "adi")
        page.goto(live_server.url + "/staf/")
        expect(page.locator("tr", has_text=complaint.tracking_no)).to_have_count(0)
        open_tab(page, "Dieskalasi", "eskalasi")
        assert_overdue_row(page, complaint.tracking_no)
        open_tab(page, "Terlambat", "terlambat")
        assert_overdue_row(page, complaint.tracking_no)
        screenshot(page, "overdue-03-adi-queue-terlambat")
        open_case_and_check_timeline(page, complaint.tracking_no)

    # The wali kota sees the whole city, the red row and the timeline, and has no workflow button.
    with persona_page(browser, browser_context_args) as page:
        login(page, live_server, "walikota")
        page.goto(live_server.url + "/staf/")
        assert_overdue_row(page, complaint.tracking_no)
        screenshot(page, "overdue-04-walikota-queue")
        open_case_and_check_timeline(page, complaint.tracking_no)
        for slug in WORKFLOW_ACTIONS:
            expect(page.locator(f"#kc-action-{slug}")).to_have_count(0)
        screenshot(page, "overdue-05-walikota-case")

    complaint.refresh_from_db()
    assert complaint.status == Status.DISPOSISI and complaint.escalation_level == 3
