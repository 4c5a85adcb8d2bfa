"""Who hears about each complaint change, and what they read. Rows are written in the action's transaction.

Texts never carry NIK, phone or e-mail: they quote the masked public copy, and links use the tracking number.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.urls import reverse
from django.utils.translation import gettext as _

from kotacerdas.accounts import selectors as people
from kotacerdas.complaints.models import Complaint
from kotacerdas.core import notify


def tracking_url(complaint: Complaint, with_token: bool = False) -> str:
    url = settings.SITE_ROOT + reverse("complaints:track", args=[complaint.tracking_no])
    return f"{url}?t={complaint.access_token}" if with_token and complaint.access_token else url


def staff_url(complaint: Complaint) -> str:
    return settings.SITE_ROOT + reverse("complaints:case", args=[complaint.pk])


def _reporter_kwargs(complaint: Complaint) -> dict[str, Any] | None:
    if complaint.reporter_id:
        return {"user": complaint.reporter}
    if complaint.reporter_email or complaint.reporter_phone:
        return {"email": complaint.reporter_email, "phone": complaint.reporter_phone}
    return None


def to_reporter(complaint: Complaint, subject: str, body: str, with_token: bool = False) -> None:
    """The reporter, plus every subscriber (supporters, merged duplicates)."""
    subject = subject % {"no": complaint.tracking_no} if "%(no)s" in subject else subject
    text = f"{body}\n\n{_('Lihat perkembangan')}: {tracking_url(complaint)}"
    reporter = _reporter_kwargs(complaint)
    if reporter:
        reporter_text = f"{body}\n\n{_('Lihat perkembangan')}: {tracking_url(complaint, with_token)}"
        notify.queue(subject=subject, body=reporter_text, topic="complaint.reporter", **reporter)
    for sub in complaint.subscriptions.filter(is_supporter=True).select_related("user"):
        if sub.user_id:
            notify.queue(user=sub.user, subject=subject, body=text, topic="complaint.subscriber")
        else:
            notify.queue(email=sub.email, phone=sub.phone, subject=subject, body=text, topic="complaint.subscriber")


def submitted(complaint: Complaint) -> None:
    to_reporter(
        complaint, _("Aduan %(no)s diterima"),
        _("Terima kasih. Aduan Anda \"%(title)s\" kami terima dengan nomor %(no)s dan akan diverifikasi "
          "paling lambat %(due)s.") % {"title": complaint.public_title, "no": complaint.tracking_no,
                                       "due": _fmt(complaint.stage_due_at)},
        with_token=True,
    )


def dispositioned(complaint: Complaint) -> None:
    agency = complaint.agency
    notify.queue_many(
        people.staff_for_agency(agency),
        subject=_("Disposisi aduan %(no)s") % {"no": complaint.tracking_no},
        body=_("Aduan \"%(title)s\" diteruskan ke %(opd)s. Tindak lanjut paling lambat %(due)s.\n%(url)s")
        % {"title": complaint.public_title, "opd": agency.name, "due": _fmt(complaint.stage_due_at),
           "url": staff_url(complaint)},
        topic="complaint.disposisi",
    )
    to_reporter(complaint, _("Aduan %(no)s diteruskan ke OPD"),
                _("Aduan Anda telah diverifikasi dan diteruskan ke %(opd)s.") % {"opd": agency.name})


def assigned(complaint: Complaint, officer: Any) -> None:
    notify.queue(user=officer, subject=_("Tugas lapangan: aduan %(no)s") % {"no": complaint.tracking_no},
                 body=f"{complaint.public_title}\n{complaint.address}\n{staff_url(complaint)}",
                 topic="complaint.assigned")


def responded(complaint: Complaint, message: str) -> None:
    from kotacerdas.lib.pii import mask_personal_data

    to_reporter(complaint, _("Tanggapan untuk aduan %(no)s"), mask_personal_data(message))


def resolved(complaint: Complaint, message: str) -> None:
    from kotacerdas.lib.pii import mask_personal_data

    to_reporter(
        complaint, _("Aduan %(no)s dinyatakan selesai"),
        _("%(opd)s menyatakan aduan Anda selesai: %(msg)s\n\nMohon konfirmasi dan beri nilai, atau buka kembali "
          "bila belum tuntas, paling lambat %(due)s. Tanpa jawaban, aduan ditutup otomatis.")
        % {"opd": complaint.agency.name if complaint.agency_id else "OPD", "msg": mask_personal_data(message),
           "due": _fmt(complaint.stage_due_at)},
        with_token=True,
    )


def reopened(complaint: Complaint, reason: str) -> None:
    if complaint.agency_id:
        notify.queue_many(people.staff_for_agency(complaint.agency),
                          subject=_("Aduan %(no)s dibuka kembali oleh pelapor") % {"no": complaint.tracking_no},
                          body=f"{reason}\n{staff_url(complaint)}", topic="complaint.reopened")


def closed(complaint: Complaint) -> None:
    to_reporter(complaint, _("Aduan %(no)s ditutup"),
                _("Aduan Anda ditutup dengan status: %(status)s. Terima kasih atas partisipasi Anda.")
                % {"status": complaint.get_status_display()})


def escalated(complaint: Complaint, recipients: list[Any], level_label: str) -> None:
    notify.queue_many(
        recipients,
        subject=_("Eskalasi: aduan %(no)s melewati tenggat") % {"no": complaint.tracking_no},
        body=_("Aduan \"%(title)s\" (%(opd)s) melewati tenggat %(due)s dan dieskalasi ke %(level)s.\n%(url)s")
        % {"title": complaint.public_title, "opd": complaint.agency.name if complaint.agency_id else "-",
           "due": _fmt(complaint.stage_due_at), "level": level_label, "url": staff_url(complaint)},
        topic="complaint.escalated",
    )


def sla_warning(complaint: Complaint, recipients: list[Any], level: int) -> None:
    notify.queue_many(
        recipients,
        subject=_("Peringatan tenggat %(level)d%%: aduan %(no)s") % {"level": level, "no": complaint.tracking_no},
        body=_("Sudah %(level)d%% dari waktu yang tersedia terpakai. Tenggat: %(due)s.\n%(url)s")
        % {"level": level, "due": _fmt(complaint.stage_due_at), "url": staff_url(complaint)},
        topic="complaint.sla_warning",
    )


def _fmt(dt: Any) -> str:
    """Deadlines in messages: always Indonesian month names (the reporter's language is not known here)."""
    if dt is None:
        return "-"
    from kotacerdas.core.deadlines import to_local

    local = to_local(dt)
    months = ["Januari", "Februari", "Maret", "April", "Mei", "Juni", "Juli", "Agustus", "September",
              "Oktober", "November", "Desember"]
    return f"{local.day} {months[local.month - 1]} {local.year} {local:%H.%M}"
