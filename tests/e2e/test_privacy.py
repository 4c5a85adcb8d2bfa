"""Privacy in the browser: an anonim and a rahasia complaint.

- Public pages (home, list, map points, tracking) never show a reporter's name, phone or e-mail.
- The rahasia complaint is not listed, not on the map and not reachable by number (404), only through the
  reporter's own secret link.
- The admin koordinator can reveal the anonim reporter's identity, and every reveal writes an AuditLog row; the OPD
  handling an anonim case cannot.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import expect

from tests.e2e.helpers import persona_page, wait_for_map

ANONIM = {
    "title": "Jalan berlubang dekat SD Negeri 5",
    "description": "Lubang besar di tengah jalan, sudah dua motor jatuh. Hubungi saya di 081298765432 bila perlu.",
    "reporter_name": "Budi Santoso", "reporter_phone": "081298765432", "reporter_email": "budi.santoso@contoh.id",
    "is_anonim": True,
}
RAHASIA = {
    "title": "Pungutan liar di loket kelurahan",
    "description": "Petugas loket meminta uang tambahan untuk surat pengantar, saya punya buktinya.",
    "reporter_name": "Siti Rahmawati", "reporter_phone": "081311122233", "reporter_email": "siti.rahma@contoh.id",
    "is_rahasia": True,
}
# Neither reporter's identity may appear on a public page, in any form we can think of.
PERSONAL = ("Budi Santoso", "Budi", "Santoso", "081298765432", "0812-9876", "budi.santoso@contoh.id",
            "Siti Rahmawati", "Rahmawati", "081311122233", "siti.rahma@contoh.id")


def assert_no_personal_data(text: str, where: str) -> None:
    leaked = [value for value in PERSONAL if value.lower() in text.lower()]
    assert not leaked, f"{where} shows {leaked}"


def make_complaints(city: Any) -> tuple[Any, Any]:
    from kotacerdas.complaints import actions

    base = {"category": city.cat_sampah.code, "lat": city.inside[0], "lon": city.inside[1]}
    return actions.submit({**base, **ANONIM}), actions.submit({**base, **RAHASIA})


@pytest.mark.usefixtures("migration_rows")
@pytest.mark.django_db(transaction=True)
def test_it_keeps_reporters_and_rahasia_complaints_off_public_pages(
    browser: Any, browser_context_args: dict[str, Any], live_server: Any, city: Any,
    screenshot: Callable[[Any, str], Path],
) -> None:
    anonim, rahasia = make_complaints(city)

    with persona_page(browser, browser_context_args) as page:
        # Home: recent public complaints.
        page.goto(live_server.url + "/")
        expect(page.get_by_text(ANONIM["title"])).to_be_visible()
        expect(page.get_by_text(RAHASIA["title"])).to_have_count(0)
        assert_no_personal_data(page.content(), "home page")
        screenshot(page, "privacy-01-home")

        # Public list and map: the map's points come from aduan.geojson; read exactly what the browser got.
        with page.expect_response(lambda r: "/aduan.geojson" in r.url) as points:
            page.goto(live_server.url + "/aduan/")
        geojson = points.value.json()
        assert [f["properties"]["no"] for f in geojson["features"]] == [anonim.tracking_no]
        assert_no_personal_data(json.dumps(geojson), "aduan.geojson")
        assert rahasia.tracking_no not in json.dumps(geojson)
        expect(page.get_by_text(ANONIM["title"])).to_be_visible()
        expect(page.get_by_text(RAHASIA["title"])).to_have_count(0)
        expect(page.get_by_text(rahasia.tracking_no)).to_have_count(0)
        wait_for_map(page, "[data-kc-map=points]")
        expect(page.locator("[data-kc-map=points] path.leaflet-interactive[fill='#206bc4']")).to_have_count(1)
        assert_no_personal_data(page.content(), "public list")
        screenshot(page, "privacy-02-public-list")

        # Searching for the rahasia one by number finds nothing either.
        page.get_by_label("Cari").fill(rahasia.tracking_no)
        page.get_by_role("button", name="Terapkan").click()
        expect(page.get_by_text("Belum ada aduan.")).to_be_visible()

        # The anonim complaint's tracking page: "Anonim", and the phone in the text is masked.
        page.goto(f"{live_server.url}/lacak/{anonim.tracking_no}/")
        expect(page.locator(".kc-dl")).to_contain_text("Anonim")
        expect(page.locator(".kc-prose")).to_contain_text("Hubungi saya di [nomor telepon disamarkan] bila perlu.")
        assert_no_personal_data(page.content(), "anonim tracking page")
        screenshot(page, "privacy-03-anonim-tracking")

        # The rahasia complaint does not exist for the public, neither by URL nor through the lookup form.
        response = page.goto(f"{live_server.url}/lacak/{rahasia.tracking_no}/")
        assert response is not None and response.status == 404
        assert_no_personal_data(page.content(), "rahasia 404")
        page.goto(live_server.url + "/lacak/")
        page.get_by_label("Nomor aduan").fill(rahasia.tracking_no)
        page.get_by_label("Nomor aduan").press("Enter")
        expect(page.get_by_text(f"Nomor aduan {rahasia.tracking_no} tidak ditemukan.")).to_be_visible()

        # Its reporter, with the secret link, sees it marked rahasia; still no phone or e-mail on the page.
        page.goto(f"{live_server.url}/lacak/{rahasia.tracking_no}/?t={rahasia.access_token}")
        expect(page.get_by_text("Rahasia: hanya Anda dan petugas yang dapat melihat")).to_be_visible()
        content = page.content()
        for value in ("Siti Rahmawati", "081311122233", "siti.rahma@contoh.id"):
            assert value not in content, value
        screenshot(page, "privacy-04-rahasia-reporter-link")

        # A wrong token is the same 404 as none.
        response = page.goto(f"{live_server.url}/lacak/{rahasia.tracking_no}/?t=bukan-token")
        assert response is not None and response.status == 404


@pytest.mark.usefixtures("migration_rows")
@pytest.mark.django_db(transaction=True)
def test_it_reveals_an_anonim_reporter_to_the_coordinator_and_audits_it(
    browser: Any, browser_context_args: dict[str, Any], live_server: Any, city: Any, people: Any,
    login: Callable[..., None], screenshot: Callable[[Any, str], Path],
) -> None:
    from kotacerdas.complaints import actions
    from kotacerdas.core.models import AuditLog

    anonim, _rahasia = make_complaints(city)
    reveals = AuditLog.objects.filter(action="complaint.identity_viewed", target_id=str(anonim.pk))

    with persona_page(browser, browser_context_args) as page:
        login(page, live_server, "adi")
        page.goto(f"{live_server.url}/staf/aduan/{anonim.pk}/")
        expect(page.get_by_text("Nama publik: Anonim")).to_be_visible()
        expect(page.locator("#kc-identity")).not_to_contain_text("081298765432")
        assert reveals.count() == 0

        page.get_by_role("button", name="Tampilkan identitas (tercatat di log audit)").click()
        identity = page.locator("#kc-identity")
        expect(identity).to_contain_text("Budi Santoso")
        expect(identity).to_contain_text("081298765432")
        expect(identity).to_contain_text("budi.santoso@contoh.id")
        expect(identity).to_contain_text("Akses ini tercatat di log audit.")
        screenshot(page, "privacy-05-adi-identity-revealed")

    assert reveals.count() == 1
    row = reveals.get()
    assert row.actor == people.adi
    assert row.target_type == "complaints.complaint"
    assert row.data == {"tracking_no": anonim.tracking_no}

    # DLH handles the anonim case but may not see who sent it (COMPLAINTS_ANONIM_VISIBLE_TO_OPD is off).
    actions.do_dispose(people.adi, anonim, actions.check_dispose(people.adi, anonim, None))
    with persona_page(browser, browser_context_args) as page:
        login(page, live_server, "dewi")
        page.goto(f"{live_server.url}/staf/aduan/{anonim.pk}/")
        expect(page.get_by_text("Identitas pelapor tidak dapat Anda lihat.")).to_be_visible()
        expect(page.get_by_role("button", name="Tampilkan identitas (tercatat di log audit)")).to_have_count(0)
        # Even a hand-made request is refused, and refusals do not pass for reveals in the audit trail.
        status = page.evaluate(
            """async (url) => {
              const token = JSON.parse(document.body.getAttribute("hx-headers"))["X-CSRFToken"];
              const r = await fetch(url, {method: "POST", headers: {"X-CSRFToken": token}});
              return r.status;
            }""",
            f"/staf/aduan/{anonim.pk}/identitas/",
        )
        assert status == 403
        # (The original text, which the reporter wrote a phone number into, stays readable for staff.)
        for value in ("Budi Santoso", "budi.santoso@contoh.id"):
            assert value not in page.content(), value
        screenshot(page, "privacy-06-dewi-no-identity")

    assert reveals.count() == 1
