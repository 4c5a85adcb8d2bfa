from __future__ import annotations

import pytest

from kotacerdas.lib import stemmer_id


@pytest.mark.parametrize(("word", "root"), [
    ("menulis", "tulis"), ("memukul", "pukul"), ("menyapu", "sapu"), ("mengirim", "kirim"), ("mengajar", "ajar"),
    ("pengemudi", "kemudi"), ("mengemudikan", "kemudi"), ("pekerjaan", "kerja"), ("bekerja", "kerja"),
    ("perawat", "rawat"), ("pelayanan", "layan"), ("penjualan", "jual"), ("membantu", "bantu"),
    ("mendaftar", "daftar"), ("melamar", "lamar"), ("bertani", "tani"), ("keuangan", "uang"),
    ("pemasaran", "pasar"), ("gudangnya", "gudang"), ("dibutuhkan", "butuh"), ("pelatihan", "latih"),
    ("pengelolaan", "kelola"), ("perusahaan", "usaha"),
])
def test_it_strips_indonesian_affixes_to_the_root(word: str, root: str) -> None:
    assert stemmer_id.stem(word) == root


@pytest.mark.parametrize("word", ["kasir", "teknisi", "kursi", "las", "2025", "terampil", "karyawan"])
def test_it_keeps_roots_short_words_and_numbers(word: str) -> None:
    assert stemmer_id.stem(word) == word


def test_it_folds_case_and_diacritics() -> None:
    assert stemmer_id.stem("Kafé") == stemmer_id.stem("kafe")
    assert stemmer_id.stem("MENULIS") == "tulis"


def test_it_normalises_text_to_padded_distinct_stems_without_stopwords() -> None:
    text = "Dibutuhkan pengemudi dan pengemudi berpengalaman untuk pengiriman"
    assert stemmer_id.normalise(text) == " butuh kemudi alam kirim "
    assert stemmer_id.normalise("") == ""
    assert stemmer_id.normalise("dan yang") == ""


def test_it_stems_query_and_document_alike_so_derived_forms_meet() -> None:
    doc = stemmer_id.normalise("Lowongan perawat untuk pelayanan pasien")
    for query in ("merawat", "rawat", "layanan", "melayani"):
        assert all(f" {t} " in doc for t in stemmer_id.tokens(query)), query
