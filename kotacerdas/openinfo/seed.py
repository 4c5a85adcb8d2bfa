"""Demo PPID data: the `ppid` officer account, a DIP in every category, requests in several states (one answered
in full, one extended, one refused with a keberatan answered by the Sekda, one overdue, one fresh) and the
open-data catalogue generated once. Idempotent: rows are matched by title / a demo marker, and requests are
only created when no demo request exists yet.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from django.db import transaction
from django.utils import timezone

from kotacerdas.accounts.models import Role, User
from kotacerdas.agencies.models import Agency
from kotacerdas.core import deadlines
from kotacerdas.openinfo import actions, catalog, selectors, sweeps
from kotacerdas.openinfo.models import Conclusion, DipCategory, DipEntry, InfoRequest, Objection

PASSWORD = "demo12345"

DIP = [
    ("Laporan Keuangan Pemerintah Kota (ringkasan APBD)", DipCategory.BERKALA,
     "badan-keuangan-dan-aset-daerah",
     "Ringkasan realisasi APBD semester berjalan.", 200),
    ("Laporan Kinerja Instansi Pemerintah (LKjIP)", DipCategory.BERKALA, "", "LKjIP tahun sebelumnya.", 60),
    ("Rencana Strategis Dinas Komunikasi dan Informatika", DipCategory.BERKALA, "dinas-kominfo",
     "Renstra 2025-2029.", 20),
    ("Peringatan dini banjir dan titik genangan", DipCategory.SERTA_MERTA, "", "Diumumkan segera saat hujan lebat.",
     3),
    ("Standar Operasional Prosedur layanan informasi", DipCategory.SETIAP_SAAT, "dinas-kominfo",
     "SOP permohonan, keberatan dan uji konsekuensi.", 90),
    ("Perjanjian kerja sama e-parking dengan operator", DipCategory.SETIAP_SAAT, "dinas-perhubungan",
     "Perjanjian dengan pihak ketiga (Pasal 11).", 30),
]
EXCLUDED = ("Identitas pelapor aduan warga", "h")


# `ppid`; an existing account of another role is never taken over (a city's own demo may have used the name), the
# next name is used instead.
USERNAMES = ("ppid", "petugas_ppid")


def _account() -> User:
    agency = Agency.objects.filter(code="dinas-kominfo").first()
    for username in USERNAMES:
        user = User.objects.filter(username=username).first()
        if user is not None and user.role == Role.PPID:
            return user
        if user is None:
            user = User(username=username, role=Role.PPID, first_name="Petugas", last_name="PPID", is_demo=True,
                        email=f"{username}@demo.medan.go.id", position="Petugas PPID Utama", agency=agency)
            user.set_password(PASSWORD)
            user.save()
            return user
    raise RuntimeError(f"no free username for the demo PPID officer among {USERNAMES}")


def _when(days_ago: int, hour: int = 9) -> datetime:
    local = deadlines.to_local(timezone.now() - timedelta(days=days_ago))
    return local.replace(hour=hour, minute=15, second=0, microsecond=0)


def _dip(officer: User) -> int:
    created = 0
    for title, category, agency_code, summary, days_ago in DIP:
        if DipEntry.objects.filter(title=title).exists():
            continue
        entry = actions.do_create_dip(officer, {"title": title, "category": category, "summary": summary,
                                                "agency": Agency.objects.filter(code=agency_code).first()},
                                      is_demo=True)
        actions.do_publish_dip(officer, entry, now=_when(days_ago))
        created += 1
    title, exception = EXCLUDED
    if not DipEntry.objects.filter(title=title).exists():
        actions.do_create_dip(officer, {
            "title": title, "category": DipCategory.DIKECUALIKAN, "exception": exception,
            "harm": "Membuka identitas pelapor dapat membahayakan pelapor dan membuat warga enggan melapor.",
            "public_interest": "Kepentingan publik terpenuhi oleh statistik aduan tanpa identitas.",
            "period": "Selama data disimpan", "conclusion": Conclusion.DIKECUALIKAN}, is_demo=True)
        created += 1
    return created


def _requests(officer: User) -> int:
    if InfoRequest.objects.filter(is_demo=True).exists():
        return 0
    warga = User.objects.filter(username="warga").first()
    atasan = selectors.atasan_users().order_by("-username").first()  # "sekda" before "walikota"
    base = {"address": "Jl. Brigjend Katamso No. 10, Medan", "occupation": "Mahasiswa", "format": "softcopy",
            "delivery": "email", "email": "warga@demo.medan.go.id"}

    def file(info: str, days_ago: int, **extra: Any) -> InfoRequest:
        who = warga if warga is not None and not extra.get("walk_in") else officer
        data = {**base, "name": warga.display_name if warga else "Rudi Hartono", "nik": "1271010101900001",
                "information": info, "purpose": "Penelitian tugas akhir tentang pelayanan publik kota."}
        if who is officer:
            data.update(channel="langsung", name="Rudi Hartono")
        return actions.do_submit_request(who, data, now=_when(days_ago), is_demo=True)

    done = file("Salinan Perwal tentang tarif parkir berlangganan dan ringkasan pendapatan parkir 2025.", 40)
    actions.do_answer(officer, done, {"decision": "dipenuhi", "answer": "Salinan terlampir dikirim melalui e-mail.",
                                      "copy_cost": 0, "delivery_cost": 0}, now=_when(33, 14))
    extended = file("Data jumlah aduan per OPD dan waktu penyelesaiannya selama 2025.", 12)
    actions.do_extend(officer, extended, "Data masih dihimpun dari 40 OPD; diperlukan waktu tambahan.",
                      now=_when(5, 10))
    refused = file("Daftar nama dan NIK pelapor aduan sampah di Kecamatan Medan Kota.", 30, walk_in=True)
    actions.do_answer(officer, refused, {
        "decision": "ditolak", "answer": "Informasi yang diminta memuat data pribadi pelapor.",
        "exception": "h", "harm": "Membuka nama dan NIK pelapor mengungkap rahasia pribadi mereka.",
        "public_interest": "Statistik aduan per kelurahan tersedia di portal data terbuka."}, now=_when(25, 11))
    if atasan is not None:
        objection = actions.do_file_objection(officer, refused, "a", "Saya memerlukan data ini untuk verifikasi.",
                                              now=_when(20, 10))
        actions.do_answer_objection(atasan, objection, "ditolak",
                                    "Keberatan ditolak: penolakan PPID sesuai Pasal 17 huruf h.", now=_when(10, 15))
    file("Dokumen AMDAL pembangunan pasar tradisional di Medan Baru.", 21)  # overdue: red in the register
    file("Jadwal dan lokasi Musrenbang kelurahan tahun ini.", 1)
    return InfoRequest.objects.filter(is_demo=True).count()


@transaction.atomic
def _ppid() -> tuple[int, int]:
    officer = _account()
    return _dip(officer), _requests(officer)


def seed() -> str:
    dip, requests = _ppid()
    sweeps.sweep()  # reminders and red marks for the demo requests, as the periodic task would
    # Only what is due: a second run regenerates nothing (the hourly task keeps the catalogue fresh).
    result = catalog.refresh()
    objections = Objection.objects.filter(request__is_demo=True).count()
    officer = User.objects.filter(username__in=USERNAMES, role=Role.PPID).first()
    return (f"akun PPID {officer.username if officer else '-'} / {PASSWORD}; DIP +{dip}, permohonan baru "
            f"{requests}, keberatan {objections}, dataset dibuat "
            f"{len(result['generated'])}, gagal {len(result['failed'])}")
