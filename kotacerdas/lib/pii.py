"""Finding and masking personal data in free text: NIK (16 digits), Indonesian phone numbers, e-mail.

Citizens often paste their NIK or phone number into a complaint; the public copy must never show them
(egov-rules §9 rule 6). The same masking runs over every log line (core/logging.py).

The patterns are deliberately shaped rather than "any long run of digits": complaints are full of ordinary
numbers that must stay readable (dates "17-08-2026", years, "No. 12", "Rp 150.000", "RT 03/RW 05", plates
"BK 1234 ABC", 10-digit kelurahan codes). Where the two goals conflict, a real NIK/phone wins: a 16-digit
run is always masked, whatever it is; grouped digits must carry a plausible birth date to count as a NIK.
"""

from __future__ import annotations

import re

# NIK (and the 16-digit KK number, equally personal): 16 digits in a row, or in the groupings people type,
# with one consistent separator (space, dot or dash): 4-4-4-4, 6-6-4 (region, birth date, serial),
# 2-2-2-6-4 (province, regency, district, birth date, serial) and 8-8.
NIK_RE = re.compile(
    r"""
    (?<![\d])
    (?:
        \d{16}
      | \d{4}(?P<s1>[ .-])\d{4}(?P=s1)\d{4}(?P=s1)\d{4}
      | \d{6}(?P<s2>[ .-])\d{6}(?P=s2)\d{4}
      | \d{2}(?P<s3>[ .-])\d{2}(?P=s3)\d{2}(?P=s3)\d{6}(?P=s3)\d{4}
      | \d{8}(?P<s4>[ .-])\d{8}
    )
    (?![\d])
    """,
    re.VERBOSE,
)

# Phones. Separators (one space, dot or dash) may sit between any digits: 0812-3456-7890, 0812 345 678 90.
_SEP = r"[ .-]?"
PHONE_RE = re.compile(
    rf"""
    (?<![\w+])                           # not the tail of a word, a longer number or another "+"
    (?:
        # Mobile, national: 08 + 8-11 digits (10-13 in all), e.g. 0812-3456-7890.
        08\d(?:{_SEP}\d){{7,10}}
        # Mobile, international: +62 / 62 / (+62), optional (0), then 8 + 8-11 digits.
      | (?:\(\+62\)|\+62|62){_SEP}(?:\(0\){_SEP})?8\d(?:{_SEP}\d){{7,10}}
        # Landline, national: area code 0 + 2-3 digits (021, 061, 0711; none start 00, 01 or 08), then
        # 5-8 subscriber digits, never starting with 0: (061) 4512345, 061-4512345, 0711 123456. The
        # non-zero first digit is what keeps times like "0700-1200" and "0930-1100" out.
      | (?:\(0[2-79]\d{{1,2}}\)|0[2-79]\d{{1,2}}){_SEP}[1-9](?:{_SEP}\d){{4,7}}
        # Landline, international: only with "+", since "62 21..." without it is too often an amount.
      | \+62{_SEP}\(?[2-79]\d{{1,2}}\)?{_SEP}[1-9](?:{_SEP}\d){{4,7}}
    )
    (?!\d)
    """,
    re.VERBOSE,
)
# A candidate phone that is in fact an amount: written after "Rp"/"IDR", or grouped in thousands with dots
# (62.812.500.000). Phone numbers are grouped in 3-4 digits too, but nobody starts one with a 1-3 digit group
# and continues in dot-separated thousands.
_MONEY_BEFORE_RE = re.compile(r"(?:\brp|\bidr)\.?\s*$", re.IGNORECASE)
_THOUSANDS_RE = re.compile(r"\d{1,3}(?:\.\d{3}){2,}")

EMAIL_RE = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+")

MASKS = {"nik": "[NIK disamarkan]", "phone": "[nomor telepon disamarkan]", "email": "[e-mail disamarkan]"}


def _plausible_nik(digits: str) -> bool:
    """Digits 7-10 of a NIK are the birth day (+40 for women) and month."""
    day, month = int(digits[6:8]), int(digits[8:10])
    return (1 <= day <= 31 or 41 <= day <= 71) and 1 <= month <= 12


def _is_amount(text: str, start: int, end: int) -> bool:
    return bool(
        _MONEY_BEFORE_RE.search(text[max(0, start - 6) : start]) or _THOUSANDS_RE.fullmatch(text[start:end])
    )


_DIGIT_RE = re.compile(r"\d")
# The shortest personal number the patterns above accept is a national landline: a 3-digit area code and 5
# subscriber digits. Text with fewer digits and no "@" holds nothing to mask.
MIN_DIGITS = 8


def _may_hold_personal_data(text: str) -> bool:
    # One C-level pass instead of three pattern scans: most addresses and log lines hold a few digits at most.
    return "@" in text or len(_DIGIT_RE.findall(text)) >= MIN_DIGITS


def _spans(text: str) -> list[tuple[int, int, str]]:
    """Non-overlapping (start, end, kind) of personal data, in text order.

    E-mail first (an address may hold digits), then NIK (a 16-digit NIK also contains a phone-shaped run),
    then phone; a later kind never claims characters an earlier one took.
    """
    taken: list[tuple[int, int, str]] = []
    if not _may_hold_personal_data(text):
        return taken

    def free(start: int, end: int) -> bool:
        return all(end <= s or start >= e for s, e, _ in taken)

    for kind, pattern in (("email", EMAIL_RE), ("nik", NIK_RE), ("phone", PHONE_RE)):
        for match in pattern.finditer(text):
            start, end = match.span()
            if kind == "phone" and _is_amount(text, start, end):
                continue
            # 16 digits in a row are always masked (whatever they are, they are no one's business), but a
            # grouped run must look like a NIK, or "2023 2024 2025 2026" would be hidden as one.
            hit = match.group()
            if kind == "nik" and not hit.isdigit() and not _plausible_nik(re.sub(r"\D", "", hit)):
                continue
            if free(start, end):
                taken.append((start, end, kind))
    return sorted(taken)


def find_personal_data(text: str) -> dict[str, list[str]]:
    """Returns what would be masked, by kind (for the reporter's preview)."""
    found: dict[str, list[str]] = {}
    if not text:
        return found
    for start, end, kind in _spans(text):
        found.setdefault(kind, []).append(text[start:end])
    # Stable key order for the preview: e-mail, NIK, phone.
    return {kind: found[kind] for kind in ("email", "nik", "phone") if kind in found}


def mask_personal_data(text: str) -> str:
    """The text with every NIK, phone number and e-mail address replaced by a marker."""
    if not text:
        return text
    pieces: list[str] = []
    last = 0
    for start, end, kind in _spans(text):
        pieces.append(text[last:start])
        pieces.append(MASKS[kind])
        last = end
    pieces.append(text[last:])
    return "".join(pieces)


def mask_address(value: str) -> str:
    """For logs: keep enough of an e-mail or phone to tell messages apart, never the whole of it."""
    if "@" in value:
        local, _, domain = value.partition("@")
        return f"{local[:1]}***@{domain}"
    digits = re.sub(r"\D", "", value)
    return f"***{digits[-3:]}" if digits else "***"
