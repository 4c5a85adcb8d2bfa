"""A small Indonesian affix stripper for full-text search where PostgreSQL's `indonesian` configuration is missing
(SQLite, the default engine).

Indonesian builds words from a root with particles (-lah, -kah, -tah, -pun), possessives (-ku, -mu, -nya),
derivational suffixes (-i, -kan, -an) and prefixes (di-, ke-, se-, ber-, ter-, per-, meN-, peN-), where meN-/peN-
change the root's first sound (menulis <- tulis, memukul <- pukul, menyapu <- sapu, mengirim <- kirim). This is
the order of removal in Nazief & Adriani's algorithm (Adriani et al., "Stemming Indonesian", ACM TALIP 6(4), 2007),
without its full root dictionary: `ROOTS` only breaks the ties that matter for job texts (pengemudi -> kemudi,
not emudi). Search only needs the document and the query to be stemmed the same way, so an imperfect root is
harmless as long as it is consistent; over-stemming is limited by never cutting a word below `MIN_STEM` letters.

Pure: no Django imports.
"""

from __future__ import annotations

import re
import unicodedata

MIN_STEM = 3
_VOWELS = set("aeiou")
_WORD_RE = re.compile(r"[a-z0-9]+")

# Roots that decide an ambiguous meN-/peN-/ber-/per- split, and words that look derived but are roots.
ROOTS = frozenset({
    "kemudi", "kelola", "kirim", "kerja", "karya", "karyawan", "kasir", "kantor", "kebun", "kendara", "kemas",
    "ketik", "kuasa", "kurir", "rawat", "ramal", "ajar", "olah", "ambil", "antar", "atur", "asuh", "jual", "beli",
    "layan", "tulis", "pasar", "masak", "teknisi", "sekretaris", "satpam", "administrasi", "akuntansi", "bengkel",
    "bangun", "gudang", "minum", "makan", "teman", "tekan", "tani", "usaha", "uang", "sehat", "didik", "ikan",
    "latih", "alam", "terampil", "butuh", "lamar", "tenaga", "kasih", "lari", "sopir", "montir", "koki",
})
# Frequent function words dropped from the search text (they match everything).
STOPWORDS = frozenset({
    "dan", "atau", "di", "ke", "dari", "yang", "untuk", "dengan", "pada", "dalam", "ini", "itu", "sebagai", "oleh",
    "para", "serta", "juga", "akan", "adalah", "kami", "kita", "anda", "the", "and", "of",
})

_PARTICLES = ("lah", "kah", "tah", "pun")
_POSSESSIVES = ("nya", "ku", "mu")
_SUFFIXES = ("kan", "an", "i")


def _fold(text: str) -> str:
    """Lower case without diacritics (é -> e), so "Kafé" and "kafe" meet."""
    decomposed = unicodedata.normalize("NFKD", text.lower())
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch))


def _prefer_root(*candidates: str) -> str:
    """The first candidate that is a known root, else the first one (the most frequent recoding)."""
    for candidate in candidates:
        if candidate in ROOTS:
            return candidate
    return candidates[0]


def _strip_prefix(word: str) -> str:
    """One derivational prefix, with the meN-/peN- sound change undone."""
    for nasal in ("me", "pe"):
        if not word.startswith(nasal) or len(word) < MIN_STEM + 2:
            continue
        rest = word[2:]
        if rest.startswith("ny") and len(rest) > 2 and rest[2] in _VOWELS:
            return "s" + rest[2:]                                  # menyapu -> sapu
        if rest.startswith("ng"):
            tail = rest[2:]
            if tail[:1] in _VOWELS:
                return _prefer_root(tail, "k" + tail)               # mengajar -> ajar, pengemudi -> kemudi
            return tail                                            # menggambar -> gambar
        if rest.startswith("m"):
            tail = rest[1:]
            if tail[:1] in _VOWELS:
                return _prefer_root("p" + tail, tail)               # memukul -> pukul
            return tail                                            # membantu -> bantu
        if rest.startswith("n"):
            tail = rest[1:]
            if tail[:1] in _VOWELS:
                return _prefer_root("t" + tail, tail)               # menulis -> tulis
            return tail                                            # mendaftar -> daftar
        if nasal == "pe" and rest.startswith("r") and rest[1:2] in _VOWELS:
            return _prefer_root(rest, rest[1:])                    # perawat -> rawat, perusahaan -> usaha
        if rest[:1] in ("l", "r", "w", "y"):
            return rest                                            # melamar -> lamar, pelayan -> layan
        if nasal == "pe":
            return rest                                            # pekerja -> kerja
        return word
    for prefix in ("ber", "ter"):
        if word.startswith(prefix) and len(word) - 3 >= MIN_STEM:
            return word[3:]                                        # bertani -> tani
    if word.startswith("be") and len(word) > 5 and word[2] not in _VOWELS and word[3:5] == "er":
        return word[2:]                                            # bekerja -> kerja
    for prefix in ("di", "ke", "se"):
        if word.startswith(prefix) and len(word) - 2 >= MIN_STEM + 1:
            return word[2:]
    return word


def _suffix_forms(word: str) -> list[str]:
    """The word with 0, 1, 2 or 3 suffix layers removed (particle, possessive, derivational), most stripped last."""
    forms = [word]
    current = word
    for group in (_PARTICLES, _POSSESSIVES, _SUFFIXES):
        for suffix in group:
            if suffix == "i" and (len(current) < 2 or current[-2] in _VOWELS or current[-2] == "s"):
                continue  # "-i" only after a consonant other than "s": "kasi", "lari", "kursi" are roots
            if current.endswith(suffix) and len(current) - len(suffix) >= MIN_STEM + 1:
                current = current[: -len(suffix)]
                forms.append(current)
                break
    return forms


def _prefix_chain(word: str) -> list[str]:
    """The word and the results of removing up to two prefixes (memper-, diper-, keber-)."""
    chain = [word]
    for _ in range(2):
        stripped = _strip_prefix(chain[-1])
        if stripped == chain[-1] or len(stripped) < MIN_STEM:
            break
        chain.append(stripped)
    return chain


def stem(word: str) -> str:
    """The root-ish form of one word (lower case, diacritics folded); numbers and short words are kept.

    Like Nazief & Adriani: suffixes first, then prefixes, checking the root list after each step and backing
    off (restoring suffixes) when the fully stripped form is not a known root; without a known root the fully
    stripped form wins.
    """
    word = _fold(word)
    if len(word) <= MIN_STEM + 1 or not word.isalpha() or word in ROOTS:
        return word
    forms = _suffix_forms(word)
    for form in reversed(forms):
        for candidate in _prefix_chain(form):
            if candidate in ROOTS:
                return candidate
    result = _prefix_chain(forms[-1])[-1]
    return result if len(result) >= MIN_STEM else word


def tokens(text: str) -> list[str]:
    """Stemmed search tokens of a text, stopwords dropped, in order (duplicates kept)."""
    return [stem(w) for w in _WORD_RE.findall(_fold(text or "")) if w not in STOPWORDS]


def normalise(text: str) -> str:
    """The search column value: distinct stems, space-separated and padded (" las listrik "), so a token test
    is `search_text LIKE '% las %'` and never matches inside another word."""
    seen: dict[str, None] = {}
    for tok in tokens(text):
        seen.setdefault(tok, None)
    return " " + " ".join(seen) + " " if seen else ""
