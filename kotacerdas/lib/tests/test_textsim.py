from __future__ import annotations

import pytest

from kotacerdas.lib.pii import mask_personal_data
from kotacerdas.lib.textsim import VERY_SIMILAR, normalize, similarity

# Reworded reports of one problem, as different residents write them.
SAME_PROBLEM = [
    (
        "Lampu jalan di Jl. Gatot Subroto depan Indomaret mati sudah 3 hari, mohon diperbaiki.",
        "Lampu PJU mati di jalan Gatot Subroto dekat Indomaret, tolong segera diperbaiki pak",
    ),
    (
        "Jalan berlubang besar di Jl. Sisingamangaraja km 7, sudah banyak pengendara jatuh.",
        "Ada lubang besar di jalan Sisingamangaraja km 7, banyak pengendara motor jatuh",
    ),
    (
        "Sampah menumpuk di TPS Pasar Sambu tidak diangkut seminggu, bau sekali.",
        "Sampah di TPS pasar sambu menumpuk sudah seminggu belum diangkut",
    ),
    (
        "Drainase tersumbat di Gg. Mawar RT 03 sehingga banjir setiap hujan",
        "Banjir setiap hujan di gang Mawar RT 03 karena drainase tersumbat",
    ),
    ("Lampu jalan mati", "lampu jalannya mati di depan rumah kami sejak kemarin"),
    ("Pohon tumbang menutup jalan Juanda", "pohon tumbang tutup jalan juanda, tolong"),
]

# Different problems, several of them at the same place (the usual case after the distance prefilter).
DIFFERENT_PROBLEMS = [
    (
        "Lampu jalan di Jl. Gatot Subroto depan Indomaret mati sudah 3 hari, mohon diperbaiki.",
        "Jalan berlubang besar di Jl. Sisingamangaraja km 7, sudah banyak pengendara jatuh.",
    ),
    (
        "Sampah menumpuk di TPS Pasar Sambu tidak diangkut seminggu, bau sekali.",
        "Pelayanan KTP di kantor camat lambat, antre dari pagi belum selesai",
    ),
    ("Lampu jalan mati di jalan Gatot Subroto", "Jalan Gatot Subroto macet parah karena parkir liar"),
    ("Drainase tersumbat di Gg. Mawar sehingga banjir", "Pungutan liar di pasar oleh oknum petugas"),
    ("Pohon tumbang menutup jalan Juanda", "Lampu lalu lintas di simpang Juanda mati"),
    ("Air PDAM tidak mengalir tiga hari di Perumnas Mandala", "Listrik padam di Perumnas Mandala sejak pagi"),
]


def test_it_normalizes_case_punctuation_spaces_and_stopwords():
    assert normalize("  Mohon, Pak!!  Jalan di   depan sekolah RUSAK… sudah 2 minggu.  ") == (
        "jalan depan sekolah rusak 2 minggu"
    )


def test_it_expands_chat_abbreviations_and_drops_the_nya_suffix():
    assert normalize("Jln. Kenanga yg lampunya tdk nyala") == "jalan kenanga lampu nyala"


def test_it_ignores_personal_data_markers_of_masked_public_copies():
    a = mask_personal_data("Pohon tumbang, hubungi 0812 3456 7890 atau budi@contoh.id, NIK 1271010101010001")
    b = mask_personal_data("Pungli parkir, hubungi 0813 9999 8888 atau siti@contoh.id, NIK 1271015101900002")

    assert normalize(a) == "pohon tumbang hubungi nik"
    assert similarity(a, b) < VERY_SIMILAR


def test_it_normalizes_empty_and_stopword_only_text_to_nothing():
    assert normalize("") == ""
    assert normalize("Mohon pak, tolong ya!") == ""


@pytest.mark.parametrize(("a", "b"), SAME_PROBLEM)
def test_it_scores_reworded_reports_of_one_problem_as_very_similar(a, b):
    assert similarity(a, b) >= VERY_SIMILAR


@pytest.mark.parametrize(("a", "b"), DIFFERENT_PROBLEMS)
def test_it_scores_different_problems_below_the_threshold(a, b):
    assert similarity(a, b) < VERY_SIMILAR


def test_it_ranks_the_duplicate_above_a_same_street_report_about_something_else():
    new = "Lampu jalan Gatot Subroto mati, gelap sekali malam hari"
    duplicate = "PJU di Jl. Gatot Subroto padam, jalan gelap malam hari"
    other = "Jalan Gatot Subroto macet parah karena parkir liar"

    assert similarity(new, duplicate) > similarity(new, other)


def test_it_scores_identical_content_as_one_and_is_symmetric():
    a, b = SAME_PROBLEM[0]
    assert similarity(a, a.upper() + "!!") == 1.0
    assert similarity(a, b) == similarity(b, a)


def test_it_scores_nothing_in_common_as_zero_or_near():
    assert similarity("banjir rob", "pungli parkir") < 0.2


def test_it_never_calls_empty_text_a_duplicate():
    assert similarity("", "") == 0.0
    assert similarity("mohon tolong pak", "mohon tolong pak") == 0.0
    assert similarity("Jalan rusak", "") == 0.0


def test_it_stays_within_zero_and_one():
    texts = [t for pair in SAME_PROBLEM + DIFFERENT_PROBLEMS for t in pair]
    scores = [similarity(a, b) for a in texts for b in texts]
    assert all(0.0 <= score <= 1.0 for score in scores)
