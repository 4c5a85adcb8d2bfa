"""Text similarity for "is this complaint a duplicate?" suggestions. Pure Python, no models.

Two citizens reporting the same broken street light rarely write the same sentence: they reorder words, add
"mohon segera", abbreviate ("jln", "yg") or write one word glued to "-nya". So we compare normalised content
words, not raw strings:

similarity(a, b) = 0.5 * token_set_ratio + 0.25 * bigram_jaccard + 0.25 * trigram_jaccard, where
- token_set_ratio is the fuzzywuzzy-style ratio on word sets (difflib): 1.0 when one text's words are a
  subset of the other's, so a short report still matches a longer one about the same thing;
- bigram_jaccard is Jaccard over word bigrams: rewards the same phrases ("lampu jalan", "jalan rusak"), which
  a bag of words alone cannot tell from the same words in unrelated roles;
- trigram_jaccard is Jaccard over character trigrams of the words: tolerant to typos and spelling variants
  ("berlubang"/"brlubang").
Each part is in 0..1, so the blend is too. The result only ranks suggestions for a human; it decides nothing.
"""

from __future__ import annotations

import re
import unicodedata
from difflib import SequenceMatcher

from kotacerdas.lib.pii import MASKS

# Scores at or above this are offered as likely duplicates. Chosen from the cases in tests/test_textsim.py:
# reworded reports of the same problem score 0.70-0.90, different problems (even on the same street, which
# the geographic prefilter makes the usual case) 0.12-0.55.
VERY_SIMILAR = 0.6

# Function words and politeness that every complaint contains; they carry no information about *what* is
# reported and would make any two complaints look alike. Kept small on purpose: "rusak", "mati", "banjir"
# and the like are the content.
STOPWORDS = frozenset(
    {
        "yang", "di", "ke", "dari", "dan", "atau", "ini", "itu", "ada", "sudah", "belum", "tidak", "dengan",
        "untuk", "pada", "kami", "saya", "kita", "mohon", "tolong", "pak", "bu", "ibu", "bapak", "juga",
        "akan", "sedang", "masih", "telah", "agar", "supaya", "karena", "sangat", "sekali", "lagi", "saja",
        "hanya", "bisa", "dapat", "harap", "segera", "terima", "kasih", "dalam", "oleh", "bagi", "para",
        "nya", "pun", "lah", "kah", "adalah", "ialah", "yaitu", "tersebut", "sini", "situ", "sana", "sejak",
        "sampai", "hingga", "sehingga", "namun", "tetapi", "tapi", "jadi", "maka", "kalau", "jika",
        "apabila", "kepada", "terhadap", "atas", "bahwa", "seperti", "mau", "minta", "banyak", "udah",
        "kok", "sih", "dong", "ya", "min", "admin", "warga", "kak",
    }
)

# Common chat abbreviations mapped to the full word, so "jln" and "jalan" count as the same content word,
# and "yg"/"dgn"/"tdk" fall into the stopword list.
ABBREVIATIONS = {
    "jl": "jalan",
    "jln": "jalan",
    "gg": "gang",
    "kel": "kelurahan",
    "kec": "kecamatan",
    "yg": "yang",
    "dgn": "dengan",
    "dg": "dengan",
    "utk": "untuk",
    "tdk": "tidak",
    "gak": "tidak",
    "ga": "tidak",
    "nggak": "tidak",
    "ngga": "tidak",
    "tak": "tidak",
    "blm": "belum",
    "sdh": "sudah",
    "udh": "sudah",
    "krn": "karena",
    "sy": "saya",
    "kmi": "kami",
    "dr": "dari",
    "dlm": "dalam",
    "pju": "lampu",  # penerangan jalan umum: residents say "lampu jalan"
}

_NON_WORD_RE = re.compile(r"[^\w]+|_+")
# Public copies carry "[NIK disamarkan]"-style markers; two complaints that both had a phone number masked
# are not alike for that, so the markers are dropped before comparing.
_MASK_RE = re.compile("|".join(re.escape(marker) for marker in MASKS.values()), re.IGNORECASE)


def _stem(word: str) -> str:
    # Only the possessive/definite "-nya" ("jalannya", "lampunya"): stripping real affixes (me-, ber-, -kan)
    # without a dictionary would merge unrelated words, and "-nya" alone accounts for most variants we see.
    if len(word) > 5 and word.endswith("nya"):
        return word[:-3]
    return word


def _tokens(text: str) -> list[str]:
    # NFKC folds full-width and compatibility characters; accents are kept (Indonesian rarely uses them).
    text = unicodedata.normalize("NFKC", _MASK_RE.sub(" ", text or "")).lower()
    words = []
    for raw in _NON_WORD_RE.sub(" ", text).split():
        word = _stem(ABBREVIATIONS.get(raw, raw))
        if word not in STOPWORDS:
            words.append(word)
    return words


def normalize(text: str) -> str:
    """Lower-case content words: punctuation gone, spaces collapsed, abbreviations expanded, stopwords out."""
    return " ".join(_tokens(text))


def _jaccard(a: set[str] | set[tuple[str, str]], b: set[str] | set[tuple[str, str]]) -> float:
    if not a and not b:
        return 0.0
    return len(a & b) / len(a | b)


def _token_set_ratio(a: set[str], b: set[str]) -> float:
    common = " ".join(sorted(a & b))
    only_a = " ".join(sorted(a - b))
    only_b = " ".join(sorted(b - a))
    with_a = f"{common} {only_a}".strip()
    with_b = f"{common} {only_b}".strip()
    pairs = [(with_a, with_b)]
    if common:  # comparing "" with a text would only add a 0
        pairs += [(common, with_a), (common, with_b)]
    return max(SequenceMatcher(None, x, y, autojunk=False).ratio() for x, y in pairs)


def _bigrams(words: list[str]) -> set[tuple[str, str]]:
    # A single-word text has no bigram; use the word itself so it can still match.
    if len(words) == 1:
        return {(words[0], "")}
    return set(zip(words, words[1:], strict=False))


def _char_trigrams(words: list[str]) -> set[str]:
    grams: set[str] = set()
    for word in words:
        padded = f" {word} "
        grams.update(padded[i : i + 3] for i in range(len(padded) - 2))
    return grams


def similarity(a: str, b: str) -> float:
    """How alike two complaint texts are, 0.0 (nothing in common) to 1.0 (same content words)."""
    words_a, words_b = _tokens(a), _tokens(b)
    if not words_a or not words_b:
        # An empty or stopword-only text says nothing about the problem: never a duplicate.
        return 0.0
    set_a, set_b = set(words_a), set(words_b)
    score = (
        0.5 * _token_set_ratio(set_a, set_b)
        + 0.25 * _jaccard(_bigrams(words_a), _bigrams(words_b))
        + 0.25 * _jaccard(_char_trigrams(words_a), _char_trigrams(words_b))
    )
    return round(min(1.0, max(0.0, score)), 4)
