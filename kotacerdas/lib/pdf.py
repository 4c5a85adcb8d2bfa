"""Printable PDF documents (AK/1 card, berita acara, PPID annual report, monthly performance report) with reportlab.

One look for every document the platform prints: A4 (or a card size), the issuing government's name in the
header, page numbers and the print time in the footer, Indonesian-first labels. Callers build a list of reportlab
flowables from the helpers here (`heading`, `paragraph`, `table`, `qr_image`, `bar_chart`) and call `render`.

    from kotacerdas.lib import pdf
    story = [pdf.heading("Berita Acara"), pdf.table([["No", "Usulan"], ["1", "Drainase"]])]
    data: bytes = pdf.render(story, title="Berita Acara", issuer="Pemerintah Kota Medan")

Pure: no Django imports, so it is testable without a database and usable from commands and tasks alike.
"""

from __future__ import annotations

import io
from collections.abc import Sequence
from datetime import datetime
from typing import Any
from xml.sax.saxutils import escape

import segno
from reportlab.graphics.charts.barcharts import VerticalBarChart
from reportlab.graphics.shapes import Drawing, String
from reportlab.lib import colors
from reportlab.lib.pagesizes import A4, landscape
from reportlab.lib.styles import ParagraphStyle, getSampleStyleSheet
from reportlab.lib.units import mm
from reportlab.platypus import Image, Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

PAGE_SIZES = {"A4": A4, "A4-landscape": landscape(A4), "card": (85.6 * mm, 54 * mm)}
BRAND = colors.HexColor("#1d4f91")

_styles = getSampleStyleSheet()
STYLES = {
    "title": ParagraphStyle("kc-title", parent=_styles["Title"], fontSize=16, leading=20, spaceAfter=6),
    "h2": ParagraphStyle("kc-h2", parent=_styles["Heading2"], fontSize=12, leading=15, spaceBefore=8, spaceAfter=4),
    "body": ParagraphStyle("kc-body", parent=_styles["BodyText"], fontSize=9.5, leading=12.5),
    "small": ParagraphStyle("kc-small", parent=_styles["BodyText"], fontSize=7.5, leading=9.5,
                            textColor=colors.HexColor("#555555")),
    "cell": ParagraphStyle("kc-cell", parent=_styles["BodyText"], fontSize=8.5, leading=10.5),
}


def paragraph(text: str, style: str = "body") -> Paragraph:
    """Plain text (escaped: user input never becomes reportlab markup); newlines are kept."""
    return Paragraph(escape(str(text)).replace("\n", "<br/>"), STYLES[style])


def heading(text: str, level: int = 1) -> Paragraph:
    return paragraph(text, "title" if level == 1 else "h2")


def spacer(height_mm: float = 4) -> Spacer:
    return Spacer(1, height_mm * mm)


def table(rows: Sequence[Sequence[Any]], col_widths: Sequence[float] | None = None, header: bool = True,
          numeric_columns: Sequence[int] = ()) -> Table:
    """A grid; cells are text (wrapped), the first row is a header unless `header=False`.

    `col_widths` in mm; `numeric_columns` are right-aligned (money, counts)."""
    body = [[c if hasattr(c, "wrap") else paragraph("" if c is None else c, "cell") for c in row] for row in rows]
    widths = [w * mm for w in col_widths] if col_widths else None
    t = Table(body, colWidths=widths, repeatRows=1 if header else 0)
    style = [
        ("GRID", (0, 0), (-1, -1), 0.4, colors.HexColor("#b8c2cc")),
        ("VALIGN", (0, 0), (-1, -1), "TOP"),
        ("LEFTPADDING", (0, 0), (-1, -1), 3),
        ("RIGHTPADDING", (0, 0), (-1, -1), 3),
    ]
    if header and rows:
        style += [("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#e8eef6"))]
    for col in numeric_columns:
        style.append(("ALIGN", (col, 0), (col, -1), "RIGHT"))
    t.setStyle(TableStyle(style))
    return t


def qr_image(data: str, size_mm: float = 28) -> Image:
    """A QR code (segno, error correction M) as an image flowable, e.g. a verification URL."""
    buf = io.BytesIO()
    segno.make(data, error="m").save(buf, kind="png", scale=8, border=2)
    buf.seek(0)
    return Image(buf, width=size_mm * mm, height=size_mm * mm)


def bar_chart(labels: Sequence[str], series: Sequence[Sequence[float]], title: str = "",
              width_mm: float = 170, height_mm: float = 60, legend: Sequence[str] = ()) -> Drawing:
    """A vertical bar chart (one or more series) for reports that people read on paper."""
    drawing = Drawing(width_mm * mm, height_mm * mm)
    chart = VerticalBarChart()
    chart.x, chart.y = 30, 25
    chart.width, chart.height = width_mm * mm - 45, height_mm * mm - 45
    chart.data = [list(s) for s in series] or [[0]]
    chart.categoryAxis.categoryNames = [str(label)[:14] for label in labels]
    chart.categoryAxis.labels.fontSize = 6.5
    chart.categoryAxis.labels.angle = 30 if len(labels) > 8 else 0
    chart.categoryAxis.labels.boxAnchor = "ne" if len(labels) > 8 else "n"
    chart.valueAxis.valueMin = 0
    chart.valueAxis.labels.fontSize = 7
    palette = [BRAND, colors.HexColor("#f59f00"), colors.HexColor("#2fb344"), colors.HexColor("#d63939")]
    for i in range(len(chart.data)):
        chart.bars[i].fillColor = palette[i % len(palette)]
    drawing.add(chart)
    if title:
        drawing.add(String(4, height_mm * mm - 12, title, fontSize=9, fillColor=colors.black))
    for i, name in enumerate(legend):
        drawing.add(String(width_mm * mm - 120, height_mm * mm - 12 - i * 9, f"\u25a0 {name}", fontSize=7,
                           fillColor=palette[i % len(palette)]))
    return drawing


def render(story: list[Any], *, title: str, issuer: str = "", page_size: str = "A4",
           printed_at: datetime | None = None, footer_note: str = "") -> bytes:
    """Builds the PDF. `issuer` (e.g. "Pemerintah Kota Medan") heads every page; the footer has the page number,
    the print time and `footer_note` (e.g. a verification URL)."""
    buf = io.BytesIO()
    size = PAGE_SIZES[page_size]
    small = page_size == "card"
    margin = 4 * mm if small else 16 * mm
    doc = SimpleDocTemplate(buf, pagesize=size, title=title, author=issuer or "Kota Cerdas",
                            leftMargin=margin, rightMargin=margin,
                            topMargin=margin + (0 if small else 8 * mm), bottomMargin=margin + (0 if small else 6 * mm))
    stamp = printed_at.strftime("%d-%m-%Y %H:%M") if printed_at else ""

    def decorate(canvas: Any, document: Any) -> None:
        if small:
            return
        canvas.saveState()
        width, height = size
        canvas.setFillColor(BRAND)
        canvas.setFont("Helvetica-Bold", 9)
        canvas.drawString(margin, height - margin - 2 * mm, issuer or "Kota Cerdas")
        canvas.setStrokeColor(BRAND)
        canvas.line(margin, height - margin - 4 * mm, width - margin, height - margin - 4 * mm)
        canvas.setFillColor(colors.HexColor("#555555"))
        canvas.setFont("Helvetica", 7)
        canvas.drawString(margin, margin - 2 * mm, f"{title} \u00b7 {stamp} {footer_note}".strip())
        canvas.drawRightString(width - margin, margin - 2 * mm, f"Hal. {document.page}")
        canvas.restoreState()

    doc.build(list(story), onFirstPage=decorate, onLaterPages=decorate)
    return buf.getvalue()
