"""The monthly report for the pimpinan: printable page and PDF with the figures and charts."""

from __future__ import annotations

import io
from datetime import date, timedelta

import pytest
from django.urls import reverse
from pypdf import PdfReader

from conftest import PASSWORD
from kotacerdas.command_center import performance, selectors
from kotacerdas.command_center import performance_report as report
from kotacerdas.command_center.tests.conftest import MON


@pytest.mark.django_db
def test_it_prints_the_monthly_report_as_a_page_and_a_pdf(client, people, cases):
    cases.handled(MON)
    cases.handled(MON, respond_after=timedelta(days=8), resolve_after=timedelta(days=9))
    assert client.login(username="walikota", password=PASSWORD)
    page = client.get(reverse("command_center:report"), {"bulan": "2026-11"})
    html = page.content.decode()
    assert page.status_code == 200 and "November 2026" in html and "DLH" in html
    pdf = client.get(reverse("command_center:report-pdf"), {"bulan": "2026-11"})
    assert pdf.status_code == 200 and pdf["Content-Type"] == "application/pdf"
    reader = PdfReader(io.BytesIO(pdf.content))
    text = "\n".join(p.extract_text() for p in reader.pages)
    assert "Laporan Kinerja Aparatur" in text and "November 2026" in text
    assert "Peringkat OPD" in text and "DLH" in text
    assert "Pemerintah Kota Medan" in text
    assert "50,0%" in text  # one of two DLH cases on time


@pytest.mark.django_db
def test_it_scopes_the_report_to_the_reader(people, cases, city):
    cases.handled(MON)
    cases.handled(MON, where=city.inside_baru)
    performance.sync()
    r = report.monthly(selectors.performance_scope(people.camat), date(2026, 11, 1))
    assert r.total["received"] == 1
    assert [row["label"] for row in r.areas] == ["Pasar Baru"]
