"""The printable AK/1 card (kotacerdas.lib.pdf) with every field of egov-rules §5.2 / rule 35 and a QR code of
the public verification URL (which shows validity only, never personal data)."""

from __future__ import annotations

from django.conf import settings
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from kotacerdas.core.deadlines import to_local
from kotacerdas.jobs import rules
from kotacerdas.jobs.models import Ak1Card
from kotacerdas.lib import pdf


def verify_url(card: Ak1Card) -> str:
    return settings.SITE_ROOT + reverse("jobs:ak1-verify", args=[card.token])


def _d(value: object) -> str:
    return value.strftime("%d-%m-%Y") if value else "-"


def ak1_pdf(card: Ak1Card) -> bytes:
    from kotacerdas.regions.selectors import active_city

    seeker = card.seeker
    city = active_city()
    issuer = _("Dinas Tenaga Kerja %(city)s") % {"city": city.name if city else ""}
    reports = {r.sequence: r for r in card.reports.all()}
    report_rows = [[_("Lapor ke-"), _("Batas lapor"), _("Tanggal lapor"), _("Paraf petugas")]]
    for n, due in enumerate(rules.report_dates(card.issued_on), start=1):
        done = reports.get(n)
        report_rows.append([str(n), _d(due), _d(done.reported_on) if done else "", ""])
    photo_cell: object = pdf.paragraph(_("Pas foto 3x4"), "small")
    if seeker.photo:
        from reportlab.lib.units import mm
        from reportlab.platypus import Image

        try:
            photo_cell = Image(seeker.photo.path, width=30 * mm, height=40 * mm)
        except Exception:  # noqa: BLE001 - a missing photo file must not stop the card from printing
            photo_cell = pdf.paragraph(_("Pas foto 3x4"), "small")
    page1 = pdf.table([
        [_("Nomor pencari kerja"), card.number or "-", photo_cell],
        [_("NIK"), seeker.nik, ""],
        [_("Berlaku"), f"{_d(card.issued_on)} s.d. {_d(card.valid_until)}", ""],
        [_("Tanda tangan pencari kerja"), "\n\n", ""],
    ], col_widths=[50, 70, 40], header=False)
    page2 = pdf.table([
        [_("Nama"), seeker.user.display_name],
        [_("Tempat/tanggal lahir"), f"{seeker.birth_place}, {_d(seeker.birth_date)}"],
        [_("Jenis kelamin"), seeker.get_gender_display()],
        [_("Status"), seeker.get_marital_status_display()],
        [_("Agama"), seeker.get_religion_display()],
        [_("Alamat"), seeker.address],
        [_("Pendidikan formal"), f"{seeker.get_education_display()} {seeker.education_major}".strip()],
        [_("Pendidikan non-formal"), seeker.nonformal_education or "-"],
        [_("Keterampilan"), ", ".join(seeker.skills or []) or "-"],
    ], col_widths=[50, 110], header=False)
    story = [
        pdf.heading(_("Kartu Tanda Bukti Pendaftaran Pencari Kerja (AK/1)")),
        pdf.paragraph(_("Permenaker 39/2016. Berlaku %(years)d tahun di seluruh Indonesia; wajib lapor setiap "
                        "%(months)d bulan (4 kali dalam 2 tahun).")
                      % {"years": rules.ak1_valid_years(), "months": rules.ak1_report_months()}, "small"),
        pdf.spacer(3), page1, pdf.spacer(3),
        pdf.heading(_("Wajib lapor"), 2), pdf.table(report_rows, col_widths=[25, 45, 45, 45]),
        pdf.heading(_("Data pencari kerja"), 2), page2, pdf.spacer(4),
        pdf.table([[pdf.qr_image(verify_url(card), 28),
                    pdf.paragraph(_("Pengantar kerja: %(name)s\n\n\n(tanda tangan dan cap)\n\nPindai kode QR untuk "
                                    "memeriksa keabsahan kartu.") % {"name": card.officer_name or "-"})]],
                  col_widths=[35, 125], header=False),
    ]
    return pdf.render(story, title=_("Kartu AK/1 %(no)s") % {"no": card.number or ""}, issuer=issuer,
                      printed_at=to_local(timezone.now()), footer_note=verify_url(card))
