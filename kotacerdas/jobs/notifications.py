"""Who hears about Siduta changes. Rows are written in the action's transaction (kotacerdas.core.notify); texts
never carry a NIK, phone or e-mail, only names of positions and companies and links."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.urls import reverse
from django.utils.translation import gettext as _

from kotacerdas.accounts.models import Role, User
from kotacerdas.core import notify
from kotacerdas.jobs.models import Application, Company, Vacancy


def _url(name: str, *args: Any) -> str:
    return settings.SITE_ROOT + reverse(name, args=args)


def _company_users(company: Company) -> list[Any]:
    return [m.user for m in company.members.select_related("user") if m.user.is_active]


def _disnaker_staff() -> list[Any]:
    return list(User.objects.filter(role=Role.DISNAKER, is_active=True))


def company_registered(company: Company) -> None:
    notify.queue_many(_disnaker_staff(), subject=_("Perusahaan baru menunggu verifikasi"),
                      body=_("%(name)s mendaftar sebagai perusahaan mitra.\n%(url)s")
                      % {"name": company.name, "url": _url("jobs:disnaker")}, topic="jobs.company")


def company_verified(company: Company) -> None:
    if company.status == "terverifikasi":
        body = _("%(name)s sudah diverifikasi Disnaker. Anda dapat memasang lowongan.") % {"name": company.name}
    else:
        body = _("Pendaftaran %(name)s ditolak: %(note)s") % {"name": company.name, "note": company.review_note}
    notify.queue_many(_company_users(company), subject=_("Hasil verifikasi perusahaan"),
                      body=f"{body}\n{_url('jobs:company')}", topic="jobs.company")


def vacancy_submitted(vacancy: Vacancy) -> None:
    notify.queue_many(_disnaker_staff(), subject=_("Lowongan menunggu moderasi"),
                      body=_("%(title)s — %(company)s\n%(url)s")
                      % {"title": vacancy.title, "company": vacancy.company.name, "url": _url("jobs:disnaker")},
                      topic="jobs.vacancy")


def vacancy_moderated(vacancy: Vacancy) -> None:
    if vacancy.status == "terbit":
        body = _("Lowongan %(title)s sudah terbit.") % {"title": vacancy.title}
    else:
        body = _("Lowongan %(title)s ditolak: %(note)s") % {"title": vacancy.title, "note": vacancy.moderation_note}
    notify.queue_many(_company_users(vacancy.company), subject=_("Hasil moderasi lowongan"),
                      body=f"{body}\n{_url('jobs:company-vacancy', vacancy.pk)}", topic="jobs.vacancy")


def application_submitted(application: Application) -> None:
    vacancy = application.vacancy
    notify.queue_many(_company_users(vacancy.company), subject=_("Lamaran baru: %(title)s") % {"title": vacancy.title},
                      body=_("Ada lamaran baru untuk %(title)s.\n%(url)s")
                      % {"title": vacancy.title, "url": _url("jobs:company-vacancy", vacancy.pk)},
                      topic="jobs.application")
    notify.queue(user=application.seeker.user, subject=_("Lamaran terkirim"),
                 body=_("Lamaran Anda untuk %(title)s di %(company)s sudah terkirim.\n%(url)s")
                 % {"title": vacancy.title, "company": vacancy.company.name, "url": _url("jobs:me")},
                 topic="jobs.application")


def stage_changed(application: Application, note: str = "") -> None:
    vacancy = application.vacancy
    text = _("Lamaran Anda untuk %(title)s di %(company)s kini pada tahap: %(stage)s.") % {
        "title": vacancy.title, "company": vacancy.company.name, "stage": application.get_stage_display()}
    if note:
        text += "\n" + note
    notify.queue(user=application.seeker.user, subject=_("Perkembangan lamaran"),
                 body=f"{text}\n{_url('jobs:me')}", topic="jobs.application")
    notify.queue_many(_company_users(vacancy.company), subject=_("Tahap lamaran diubah"),
                      body=_("Lamaran %(name)s untuk %(title)s: %(stage)s.\n%(url)s")
                      % {"name": application.seeker.user.display_name, "title": vacancy.title,
                         "stage": application.get_stage_display(),
                         "url": _url("jobs:company-vacancy", vacancy.pk)},
                      topic="jobs.application")


def card_issued(card: Any) -> None:
    notify.queue(user=card.seeker.user, subject=_("Kartu AK/1 terbit"),
                 body=_("Kartu AK/1 Anda nomor %(no)s berlaku sampai %(until)s. Laporkan keadaan Anda paling lambat "
                        "%(due)s.\n%(url)s") % {"no": card.number, "until": card.valid_until.strftime("%d-%m-%Y"),
                                               "due": card.next_report_due.strftime("%d-%m-%Y"),
                                               "url": _url("jobs:me")},
                 topic="jobs.ak1")


def card_inactive(card: Any) -> None:
    notify.queue(user=card.seeker.user, subject=_("Kartu AK/1 nonaktif"),
                 body=_("Kartu AK/1 %(no)s nonaktif karena laporan enam bulanan tidak disampaikan. Datang ke Disnaker "
                        "untuk memperpanjang.") % {"no": card.number}, topic="jobs.ak1")
