"""Siduta in a browser: a job seeker registers (bad input first), uploads a CV, asks for the AK/1 card which a
Disnaker officer issues, prints it and applies; a company registers, Disnaker verifies it, it posts a vacancy that
Disnaker approves, and it screens an applicant through interview to placement, after which the seeker leaves the
active count.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import expect

from conftest import PASSWORD
from tests.e2e.helpers import disable_browser_validation, persona_page

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def _disnaker() -> Any:
    from kotacerdas.accounts.models import Role, User

    return User.objects.create_user(username="dina", password=PASSWORD, role=Role.DISNAKER, first_name="Dina",
                                    last_name="Pengantar Kerja", email="dina@disnaker.id")


def _company_with_vacancy(dina: Any) -> Any:
    from kotacerdas.accounts.models import Role, User
    from kotacerdas.jobs import actions
    from kotacerdas.jobs.models import Company, CompanyMember, CompanyStatus
    from kotacerdas.jobs.tests.conftest import vacancy_data

    company = Company.objects.create(name="Alfamidi", sector="G", address="Jl. Thamrin",
                                     status=CompanyStatus.TERVERIFIKASI)
    hr = User.objects.create_user(username="hrd", password=PASSWORD, role=Role.PERUSAHAAN, email="hrd@alfamidi.id")
    CompanyMember.objects.create(company=company, user=hr, is_admin=True)
    vacancy = actions.do_create_vacancy(hr, actions.check_vacancy(hr, vacancy_data(title="Kasir toko")))
    actions.do_moderate(dina, vacancy, True)
    return vacancy


@pytest.mark.usefixtures("media_root")
@pytest.mark.django_db(transaction=True)
def test_a_seeker_registers_gets_the_ak1_card_and_applies(
        city: Any, browser: Any, browser_context_args: dict[str, Any], live_server: Any,
        login: Callable[..., None], screenshot: Callable[[Any, str], Path], tmp_path: Path) -> None:
    dina = _disnaker()
    vacancy = _company_with_vacancy(dina)
    cv = tmp_path / "cv.pdf"
    cv.write_bytes(PDF)
    with persona_page(browser, browser_context_args) as page:
        page.goto(live_server.url + "/kerja/")
        page.get_by_role("link", name="Daftar pencari kerja").click()
        disable_browser_validation(page)
        page.get_by_label("NIK").fill("12345")
        page.get_by_role("button", name="Daftar").click()
        expect(page.locator("#id_nik_error")).to_have_text("NIK harus 16 angka (sesuai KTP).")
        expect(page.locator("#id_full_name_error")).to_contain_text("Nama wajib diisi")
        screenshot(page, "jobs-01-register-errors")
        page.get_by_label("Nama lengkap (sesuai KTP)").fill("Sari Lubis")
        page.get_by_label("E-mail").fill("sari@contoh.id")
        page.get_by_label("Nomor HP").fill("0812-3456-0001")
        page.get_by_label("Kata sandi", exact=True).fill("rahasia-uji-123")
        page.get_by_label("Ulangi kata sandi").fill("rahasia-uji-123")
        page.get_by_label("NIK").fill("1271014107950003")
        page.get_by_label("Tempat lahir").fill("Medan")
        page.get_by_label("Tanggal lahir").fill("1995-07-02")  # does not match the NIK
        page.get_by_label("Jenis kelamin").select_option(label="Perempuan")
        page.get_by_label("Status perkawinan").select_option(label="Belum kawin")
        page.get_by_label("Agama").select_option(label="Islam")
        page.get_by_label("Alamat (sesuai KTP)").fill("Jl. Pasar Baru 1")
        page.get_by_label("Kecamatan").select_option(label="Medan Kota")
        page.get_by_label("Pendidikan terakhir").select_option(label="SMA/SMK/sederajat")
        page.get_by_label("Keterampilan").fill("kasir, microsoft excel")
        page.get_by_label("Pengalaman kerja (tahun)").fill("2")
        page.get_by_role("button", name="Daftar").click()
        expect(page.locator("#id_birth_date_error")).to_contain_text("tidak sesuai dengan NIK")
        page.get_by_label("Kata sandi", exact=True).fill("rahasia-uji-123")
        page.get_by_label("Ulangi kata sandi").fill("rahasia-uji-123")
        page.get_by_label("Tanggal lahir").fill("1995-07-01")
        page.get_by_role("button", name="Daftar").click()
        expect(page.get_by_text("Pendaftaran pencari kerja berhasil")).to_be_visible()

        page.get_by_role("link", name="Ubah profil dan CV").click()
        page.locator("#id_cv").set_input_files(str(cv))
        page.get_by_role("button", name="Unggah CV").click()
        expect(page.get_by_text("CV tersimpan.")).to_be_visible()
        page.get_by_role("link", name="Halaman saya").click()
        page.get_by_role("button", name="Ajukan kartu AK/1").click()
        expect(page.get_by_text("Menunggu penerbitan")).to_be_visible()

        with persona_page(browser, browser_context_args) as officer:
            login(officer, live_server, "dina")
            officer.goto(live_server.url + "/kerja/disnaker/")
            card_row = officer.locator("#pending-cards li", has_text="Sari Lubis")
            card_row.get_by_role("button", name="Terbitkan").click()
            expect(officer.get_by_text("Kartu AK/1 1271-")).to_be_visible()
            screenshot(officer, "jobs-02-disnaker-desk")

        page.reload()
        expect(page.locator("#ak1-number")).to_contain_text("1271-")
        pdf = page.request.get(live_server.url + page.locator("#ak1-print").get_attribute("href"))
        assert pdf.ok and pdf.body().startswith(b"%PDF-")
        screenshot(page, "jobs-03-seeker-page")

        page.goto(live_server.url + "/kerja/?q=kasir")
        page.locator(".kc-vacancy").first.get_by_role("link", name="Kasir toko").click()
        expect(page.locator("#match-box")).to_contain_text("Keterampilan cocok: kasir, microsoft excel")
        page.get_by_label("Surat lamaran singkat (boleh kosong)").fill("Saya berpengalaman dua tahun sebagai kasir.")
        page.get_by_role("button", name="Kirim lamaran").click()
        expect(page.get_by_text("Lamaran Anda untuk Kasir toko sudah terkirim.")).to_be_visible()
        screenshot(page, "jobs-04-applied")

    from kotacerdas.jobs.models import Application

    assert Application.objects.get(vacancy=vacancy).seeker.user.username.startswith("sari")


@pytest.mark.usefixtures("media_root")
@pytest.mark.django_db(transaction=True)
def test_an_employer_registers_posts_is_moderated_screens_and_places(
        city: Any, browser: Any, browser_context_args: dict[str, Any], live_server: Any,
        login: Callable[..., None], screenshot: Callable[[Any, str], Path]) -> None:
    from kotacerdas.jobs import actions, selectors
    from kotacerdas.jobs.models import Placement
    from kotacerdas.jobs.tests.conftest import make_seeker

    dina = _disnaker()
    closes = (selectors.today() + timedelta(days=20)).isoformat()
    with persona_page(browser, browser_context_args) as page, persona_page(browser, browser_context_args) as officer:
        page.goto(live_server.url + "/kerja/daftar/perusahaan/")
        page.get_by_label("Nama perusahaan").fill("RSU Bunda Thamrin")
        page.get_by_label("Sektor (KBLI)").select_option(value="Q")
        page.get_by_label("Alamat kantor").fill("Jl. Sei Batang Hari 2")
        page.get_by_label("Nama penanggung jawab").fill("Rina HRD")
        page.get_by_label("E-mail").fill("rina@bundathamrin.id")
        page.get_by_label("Nomor HP").fill("081299900001")
        page.get_by_label("Kata sandi", exact=True).fill("rahasia-uji-123")
        page.get_by_label("Ulangi kata sandi").fill("rahasia-uji-123")
        page.get_by_role("button", name="Daftarkan perusahaan").click()
        expect(page.locator("#company-status")).to_contain_text("menunggu verifikasi")

        login(officer, live_server, "dina")
        officer.goto(live_server.url + "/kerja/disnaker/")
        officer.locator("#pending-companies li", has_text="RSU Bunda Thamrin").get_by_role(
            "button", name="Verifikasi").click()
        expect(officer.get_by_text("RSU Bunda Thamrin: Terverifikasi.")).to_be_visible()

        page.reload()
        page.get_by_role("link", name="Pasang lowongan").click()
        disable_browser_validation(page)
        page.get_by_label("Posisi").fill("Perawat")
        page.get_by_label("Deskripsi pekerjaan").fill("Merawat pasien rawat inap, shift bergilir.")
        page.get_by_label("Pendidikan minimal").select_option(label="Diploma (D1-D3)")
        page.get_by_label("Keterampilan yang dibutuhkan").fill("keperawatan, str perawat")
        page.get_by_label("Lokasi kerja (kecamatan)").select_option(label="Medan Kota")
        page.get_by_label("Gaji minimal (Rp/bulan)").fill("4000000")
        page.get_by_label("Gaji maksimal (Rp/bulan)").fill("3000000")
        page.get_by_label("Kuota (orang)").fill("2")
        page.get_by_label("Batas lamaran").fill(closes)
        page.get_by_role("button", name="Kirim untuk moderasi").click()
        expect(page.locator("#id_salary_max_error")).to_have_text(
            "Gaji maksimal tidak boleh lebih kecil dari gaji minimal.")
        page.get_by_label("Gaji maksimal (Rp/bulan)").fill("5000000")
        page.get_by_role("button", name="Kirim untuk moderasi").click()
        expect(page.get_by_text("menunggu moderasi Disnaker")).to_be_visible()

        officer.goto(live_server.url + "/kerja/disnaker/")
        officer.locator("#pending-vacancies li", has_text="Perawat").get_by_role("button", name="Terbitkan").click()
        expect(officer.get_by_text("Lowongan Perawat: Terbit.")).to_be_visible()

        nurse = make_seeker("wulan", "1271015203970002", card=True, dina=dina, birth_date="1997-03-12", gender="P",
                            email="wulan@contoh.id", full_name="Wulan Sembiring", education="d3",
                            skills="keperawatan, str perawat")
        from kotacerdas.jobs.models import Vacancy

        vacancy = Vacancy.objects.get(title="Perawat")
        actions.do_apply(nurse.user, vacancy)
        assert nurse in selectors.active_seekers()

        page.goto(live_server.url + f"/kerja/perusahaan/lowongan/{vacancy.pk}/")
        row = page.locator(".kc-applicant").first
        expect(row).to_contain_text("wulan@contoh.id")
        row.locator("select[name=stage]").select_option(label="Diterima (berkas lengkap)")
        row.get_by_role("button", name="Simpan").click()
        expect(page.get_by_text("dipindahkan ke tahap Diterima")).to_be_visible()
        row = page.locator(".kc-applicant").first
        row.locator("select[name=stage]").select_option(label="Wawancara")
        row.locator("input[name=note]").fill("Wawancara Senin pukul 09.00")
        row.get_by_role("button", name="Simpan").click()
        row = page.locator(".kc-applicant").first
        expect(row).to_have_attribute("data-stage", "wawancara")
        row.locator("select[name=stage]").select_option(label="Ditempatkan")
        row.get_by_role("button", name="Simpan").click()
        expect(page.locator(".kc-applicant").first).to_have_attribute("data-stage", "ditempatkan")
        screenshot(page, "jobs-05-employer-placed")

        officer.goto(live_server.url + "/kerja/statistik/")
        expect(officer.locator("#stat-placed")).to_have_text("1")
        expect(officer.locator("#stat-active")).to_have_text("0")
        screenshot(officer, "jobs-06-statistics")

    placement = Placement.objects.get(seeker=nurse)
    assert (placement.company.name, placement.position) == ("RSU Bunda Thamrin", "Perawat")
