from __future__ import annotations

from datetime import datetime

from pypdf import PdfReader

from kotacerdas.lib import pdf


def test_a_document_has_its_heading_table_qr_and_chart_and_escapes_user_text() -> None:
    import io

    story = [
        pdf.heading("Berita Acara Musrenbang"),
        pdf.paragraph("Usulan <b>warga</b> & RW 03"),
        pdf.table([["No", "Usulan", "Biaya"], ["1", "Drainase Jl. Sei Batang Hari", "Rp 150.000.000"]],
                  numeric_columns=[2]),
        pdf.qr_image("https://example.go.id/verifikasi/AK1-0001"),
        pdf.bar_chart(["Jan", "Feb"], [[3, 5]], title="Aduan per bulan"),
    ]
    data = pdf.render(story, title="Berita Acara", issuer="Pemerintah Kota Medan",
                      printed_at=datetime(2026, 12, 6, 10, 0))
    assert data.startswith(b"%PDF")
    text = "".join(page.extract_text() for page in PdfReader(io.BytesIO(data)).pages)
    assert "Berita Acara Musrenbang" in text
    assert "Usulan <b>warga</b> & RW 03" in text  # shown as typed, not interpreted as markup
    assert "Pemerintah Kota Medan" in text and "Hal. 1" in text


def test_a_card_sized_document_fits_on_one_card() -> None:
    import io

    data = pdf.render([pdf.paragraph("KARTU AK/1"), pdf.qr_image("x", size_mm=18)], title="AK/1", page_size="card")
    reader = PdfReader(io.BytesIO(data))
    assert len(reader.pages) == 1
