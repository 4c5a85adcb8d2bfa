"""The DIP (categories, berkala next due, dikecualikan only through an uji konsekuensi), the annual report with its
figures and PDF, the portal pages and the demo seed."""

from __future__ import annotations

import sys
import types
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from kotacerdas.openinfo import actions, catalog, report
from kotacerdas.openinfo.models import DipCategory, DipEntry
from kotacerdas.openinfo.tests.conftest import wib
from kotacerdas.openinfo.tests.test_catalog import spec
from kotacerdas.openinfo.tests.test_objections import REFUSAL
from kotacerdas.openinfo.tests.test_requests import RECEIVED, local_date

pytestmark = pytest.mark.django_db

TEST = {"exception": "h", "harm": "Mengungkap data pribadi pelapor aduan.",
        "public_interest": "Statistik tanpa identitas sudah cukup bagi publik."}


def test_it_shows_when_a_berkala_item_is_next_due(people, ppid_officer):
    entry = actions.do_create_dip(ppid_officer, {"title": "Ringkasan APBD", "category": DipCategory.BERKALA})
    entry = actions.do_publish_dip(ppid_officer, entry, now=wib(2026, 1, 10, 9))
    # 180 calendar days after 10 Jan 2026 -> 9 Jul 2026: never more than six months after the last publication.
    assert local_date(entry.next_due_at) == "2026-07-09"
    setiap = actions.do_create_dip(ppid_officer, {"title": "SOP layanan", "category": DipCategory.SETIAP_SAAT})
    assert actions.do_publish_dip(ppid_officer, setiap).next_due_at is None


def test_it_excludes_only_with_an_uji_konsekuensi_and_never_publishes_an_excluded_item(people, ppid_officer):
    with pytest.raises(ValidationError) as exc:
        actions.do_create_dip(ppid_officer, {"title": "Identitas pelapor", "category": DipCategory.DIKECUALIKAN})
    assert {"exception", "harm", "public_interest"} <= set(exc.value.message_dict)
    entry = actions.do_create_dip(ppid_officer, {"title": "Identitas pelapor", "category": "dikecualikan", **TEST})
    assert entry.consequence_tests.count() == 1
    with pytest.raises(ValidationError):
        actions.do_publish_dip(ppid_officer, entry)
    with pytest.raises(ValidationError) as exc:
        actions.do_consequence_test(ppid_officer, entry, {**TEST, "conclusion": "terbuka"})
    assert "new_category" in exc.value.message_dict
    actions.do_consequence_test(ppid_officer, entry, {**TEST, "conclusion": "terbuka", "new_category": "setiap_saat"})
    entry.refresh_from_db()
    assert entry.category == DipCategory.SETIAP_SAAT and entry.consequence_tests.count() == 2
    assert actions.do_publish_dip(ppid_officer, entry).is_published


def test_it_keeps_excluded_and_draft_items_off_the_public_list(client, people, ppid_officer):
    actions.do_create_dip(ppid_officer, {"title": "Rahasia pelapor", "category": "dikecualikan", **TEST})
    actions.do_create_dip(ppid_officer, {"title": "Draf LKjIP", "category": "berkala"})
    published = actions.do_create_dip(ppid_officer, {"title": "Renstra Kominfo", "category": "berkala"})
    actions.do_publish_dip(ppid_officer, published)
    page = client.get(reverse("openinfo:dip")).content.decode()
    assert "Renstra Kominfo" in page and "Rahasia pelapor" not in page and "Draf LKjIP" not in page
    with pytest.raises(PermissionDenied):
        actions.do_create_dip(people.wati, {"title": "x", "category": "berkala"})
    client.force_login(ppid_officer)
    page = client.get(reverse("openinfo:dip")).content.decode()
    assert "Rahasia pelapor" in page and "Draf LKjIP" in page


def test_it_builds_every_figure_of_the_annual_report_from_the_registers(people, ppid_officer, request_data):
    full = actions.do_submit_request(people.wati, request_data, now=RECEIVED)
    actions.do_answer(ppid_officer, full, {"decision": "dipenuhi", "answer": "Salinan terlampir."},
                      now=wib(2026, 3, 26, 10))  # answered on working day 3 (17, 25, 26 Mar)
    refused = actions.do_submit_request(people.wati, request_data, now=RECEIVED)
    actions.do_answer(ppid_officer, refused, REFUSAL, now=wib(2026, 3, 27, 10))
    actions.do_submit_request(people.wati, request_data, now=wib(2025, 12, 30, 10))  # previous year
    obj = actions.do_file_objection(people.wati, refused, "a", "Saya keberatan atas penolakan ini.",
                                    now=wib(2026, 4, 1, 9))
    obj = actions.do_answer_objection(people.walikota, obj, "ditolak", "Penolakan sudah tepat.",
                                      now=wib(2026, 4, 8, 9))
    obj = actions.do_file_dispute(people.wati, obj, now=wib(2026, 4, 20, 9))
    actions.do_dispute_result(ppid_officer, obj, {"dispute_result": "mediasi",
                                                  "dispute_result_note": "Informasi ringkas diberikan."})
    data = report.build(2026)
    assert (data.total, data.full, data.partial, data.refused) == (2, 1, 0, 1)
    assert data.refusal_reasons == [("h. mengungkap rahasia pribadi", 1)]
    assert [t.working_days for t in data.times] == [3, 4]
    assert data.average_days == 3.5
    assert (data.objections, data.objections_rejected, data.disputes, data.lawsuits) == (1, 1, 1, 0)
    assert data.dispute_results == [("Mediasi berhasil", 1)]
    assert data.due.isoformat() == "2027-03-31"
    pdf = report.render_pdf(data, issuer="Pemerintah Kota Medan")
    assert pdf.startswith(b"%PDF")


def test_it_serves_the_report_page_and_pdf_to_the_ppid_and_atasan_only(client, people, ppid_officer):
    url = reverse("openinfo:report", args=[2026])
    client.force_login(people.wati)
    assert client.get(url).status_code == 403
    client.force_login(people.walikota)
    assert client.get(url).status_code == 200
    client.force_login(ppid_officer)
    response = client.post(url, {"policy": "Satu PPID utama dan 40 PPID pembantu.", "implementation": "",
                                 "obstacles": "", "recommendations": ""})
    assert response.status_code == 302
    assert "Satu PPID utama" in client.get(url).content.decode()
    pdf = client.get(reverse("openinfo:report-pdf", args=[2026]))
    assert pdf["Content-Type"] == "application/pdf" and pdf.content.startswith(b"%PDF")


@pytest.fixture
def portal_data(city: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    module = types.ModuleType("kotacerdas.openinfo.opendata")
    module.datasets = lambda: [spec("uji", rows=lambda: [{"nama": "=HYPERLINK(\"x\")", "jumlah": 3},
                                                         {"nama": "Babura", "jumlah": 5}])]  # type: ignore[attr-defined]
    monkeypatch.setitem(sys.modules, "kotacerdas.openinfo.opendata", module)
    catalog.refresh(force=True, only="uji")


def test_it_shows_the_portal_search_and_a_dataset_page_with_preview_and_chart(client, portal_data):
    assert "Uji" in client.get(reverse("openinfo:portal"), {"q": "uji"}).content.decode()
    assert "/data/uji/" not in client.get(reverse("openinfo:portal"), {"q": "lalu lintas"}).content.decode()
    page = client.get(reverse("openinfo:dataset", args=["uji"])).content.decode()
    assert "Babura" in page and "dataset-chart-data" in page and "CC-BY-4.0" not in page.split("Lisensi")[0]


def test_it_downloads_csv_with_the_formula_guard_and_json(client, portal_data):
    csv_text = client.get(reverse("openinfo:download", args=["uji", "csv"])).content.decode()
    assert csv_text.splitlines()[1].startswith('"\'=HYPERLINK')
    rows = client.get(reverse("openinfo:download", args=["uji", "json"])).json()
    assert rows[1] == {"nama": "Babura", "jumlah": 5}
    assert client.get(reverse("openinfo:download", args=["uji", "geojson"])).status_code == 404
    assert client.get(reverse("openinfo:download", args=["uji", "exe"])).status_code == 404


def test_it_seeds_the_demo_once(city, people):
    from django.core.management import call_command

    from kotacerdas.openinfo.models import InfoRequest, Objection

    people.wati.username = "warga"
    people.wati.save()
    call_command("seed_openinfo", stdout=None)
    counts = (InfoRequest.objects.count(), Objection.objects.count(), DipEntry.objects.count())
    assert counts == (5, 1, 7)
    call_command("seed_openinfo")
    assert (InfoRequest.objects.count(), Objection.objects.count(), DipEntry.objects.count()) == counts


def test_it_reminds_the_ppid_once_when_a_berkala_item_falls_due(people, ppid_officer):
    from kotacerdas.core.models import Notification
    from kotacerdas.openinfo import sweeps

    entry = actions.do_create_dip(ppid_officer, {"title": "Ringkasan APBD", "category": DipCategory.BERKALA})
    actions.do_publish_dip(ppid_officer, entry, now=wib(2026, 1, 10, 9))
    assert sweeps.sweep(now=wib(2026, 6, 20, 9)) == {}  # due 9 Jul: more than 14 days away
    assert sweeps.sweep(now=wib(2026, 6, 26, 9)) == {"berkala_reminder": 1}
    assert sweeps.sweep(now=wib(2026, 7, 10, 9)) == {}  # once per cycle
    assert Notification.objects.filter(user=ppid_officer, topic="openinfo.dip").exists()
    actions.do_publish_dip(ppid_officer, entry, now=wib(2026, 7, 8, 9))  # re-announced: a new cycle
    assert sweeps.sweep(now=wib(2026, 12, 25, 9)) == {"berkala_reminder": 1}
