from __future__ import annotations

import pytest

from kotacerdas.lib.pii import MASKS, find_personal_data, mask_address, mask_personal_data

NIK_MASK, PHONE_MASK, EMAIL_MASK = MASKS["nik"], MASKS["phone"], MASKS["email"]


@pytest.mark.parametrize(
    "nik",
    [
        "1271010101010001",
        "1271 0101 0101 0001",
        "1271.0101.0101.0001",
        "1271-0101-0101-0001",
        "127101 010101 0001",
        "12.71.01.010101.0001",
        "12710101 01010001",
        "3171 0152 0590 0002",  # a woman's NIK: birth day + 40
    ],
)
def test_it_masks_a_nik_however_it_is_grouped(nik):
    text = f"Saya warga dengan NIK {nik}, mohon ditindaklanjuti."

    assert mask_personal_data(text) == f"Saya warga dengan NIK {NIK_MASK}, mohon ditindaklanjuti."
    assert find_personal_data(text) == {"nik": [nik]}


def test_it_masks_any_sixteen_digit_run_even_without_a_birth_date():
    # Bank account or card numbers pasted in full are just as private; only grouped runs are checked.
    assert mask_personal_data("rekening 9999999999999999") == f"rekening {NIK_MASK}"


def test_it_does_not_take_a_nik_out_of_a_longer_number():
    assert mask_personal_data("resi 12710101010100019") == "resi 12710101010100019"


def test_it_stops_a_grouped_nik_before_a_following_year():
    assert mask_personal_data("NIK 1271 0101 0101 0001 2024") == f"NIK {NIK_MASK} 2024"


@pytest.mark.parametrize(
    "phone",
    [
        "081234567890",
        "0812-3456-7890",
        "0812 3456 7890",
        "0812.3456.789",
        "0852 1234 567",
        "+62 812 3456 7890",
        "+6281234567890",
        "+62-812-3456-7890",
        "62 812-3456-7890",
        "6281234567890",
        "(+62) 812 3456 7890",
        "+62 (0)812 3456 7890",
    ],
)
def test_it_masks_mobile_numbers(phone):
    text = f"Hubungi saya di {phone} ya."

    assert mask_personal_data(text) == f"Hubungi saya di {PHONE_MASK} ya."
    assert find_personal_data(text) == {"phone": [phone]}


@pytest.mark.parametrize(
    "phone",
    [
        "(061) 4512345",
        "061-4512345",
        "061 4512345",
        "021-555-1234",
        "(021) 5551234",
        "0711 123456",
        "+62 61 4512345",
    ],
)
def test_it_masks_landline_numbers(phone):
    assert mask_personal_data(f"telp kantor {phone}.") == f"telp kantor {PHONE_MASK}."


@pytest.mark.parametrize(
    "email", ["budi@example.com", "budi.santoso+lapor@mail.co.id", "warga_01@medan.go.id"]
)
def test_it_masks_email_addresses_without_the_full_stop_after_them(email):
    text = f"Balas ke {email}."

    assert mask_personal_data(text) == f"Balas ke {EMAIL_MASK}."
    assert find_personal_data(text) == {"email": [email]}


@pytest.mark.parametrize(
    "text",
    [
        "Kejadian tanggal 17-08-2026 jam 08.30 WIB",
        "tanggal 08-09-2025 dan 17/08/2026",
        "17.08.2026",
        "Jalan ini rusak sejak 2019, diperbaiki 2021, rusak lagi 2026",
        "tahun 2023 2024 2025 2026",
        "1990 1991 1992 1993",
        "Jl. Merdeka No. 12, depan rumah No. 081",
        "diminta bayar Rp 150.000 oleh petugas",
        "Rp 1.500.000 dan Rp. 2.750.000,00",
        "anggaran Rp 62.812.500.000 tidak jelas",
        "IDR 628125000000",
        "nilai 62.812.500.000 rupiah",
        "Rp 1.500.000.000.000.000",
        "RT 03/RW 05 Kelurahan Sei Sikambing",
        "RT 003 RW 005",
        "truk plat BK 1234 ABC parkir sembarangan",
        "mobil B 6212 XYZ",
        "kode kelurahan 1271011001",
        "kode wilayah 6271011001",
        "12.71.01.1001",
        "sudah 3 hari, 2 minggu, 45 menit",
        "buka jam 07.30-09.00",
        "pukul 0930-1100 dan 0700-1200",
        "2026-08-17 08:30:12 request id 42",
        "nomor tiket 08",
    ],
)
def test_it_leaves_ordinary_numbers_alone(text):
    assert mask_personal_data(text) == text
    assert find_personal_data(text) == {}


def test_it_masks_several_kinds_in_one_text_and_reports_them_by_kind():
    text = (
        "NIK 3171 0152 0590 0002, hp 0812 3456 7890 atau 021-5551234, e-mail siti@contoh.id. "
        "Lokasi RT 03/RW 05 No. 12 sejak 17-08-2026."
    )

    assert mask_personal_data(text) == (
        f"NIK {NIK_MASK}, hp {PHONE_MASK} atau {PHONE_MASK}, e-mail {EMAIL_MASK}. "
        "Lokasi RT 03/RW 05 No. 12 sejak 17-08-2026."
    )
    assert find_personal_data(text) == {
        "email": ["siti@contoh.id"],
        "nik": ["3171 0152 0590 0002"],
        "phone": ["0812 3456 7890", "021-5551234"],
    }


def test_it_does_not_mask_the_digits_inside_an_email_as_a_phone():
    assert mask_personal_data("08123456789@gmail.com") == EMAIL_MASK


def test_it_returns_empty_input_unchanged():
    assert mask_personal_data("") == ""
    assert find_personal_data("") == {}


def test_it_masks_addresses_for_logs_keeping_a_hint():
    assert mask_address("budi@example.com") == "b***@example.com"
    assert mask_address("+62 812-3456-7890") == "***890"
    assert mask_address("") == "***"


def test_the_shortest_landline_is_still_masked_past_the_digit_count_shortcut():
    # 8 digits: the least any pattern accepts; text with fewer digits and no "@" skips the scans.
    assert mask_personal_data("Telp (061) 45123 kantor lurah") == "Telp [nomor telepon disamarkan] kantor lurah"
    assert mask_personal_data("Jl. Gatot Subroto No. 12, RT 03/RW 05, Medan 20112") == (
        "Jl. Gatot Subroto No. 12, RT 03/RW 05, Medan 20112")
    assert mask_personal_data("kirim ke a@b.co") == "kirim ke [e-mail disamarkan]"
