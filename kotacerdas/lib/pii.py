"""Finding and masking personal data in free text: NIK (16 digits), Indonesian phone numbers, e-mail addresses.

Citizens often paste their NIK or phone number into a complaint; the public copy must never show them
(egov-rules §9 rule 6).
"""

from __future__ import annotations

import re

# NIK: 16 digits, possibly written in groups (e.g. 1271 0101 0101 0001). The first 6 are the region code.
NIK_RE = re.compile(r"(?<!\d)(?:\d[\s.-]?){15}\d(?!\d)")
# Phone: +62 / 62 / 0 followed by 8-13 digits, separators allowed (0812-3456-7890, +62 812 3456 7890, (061) 451...).
PHONE_RE = re.compile(r"(?<![\w+])(?:\+?62|0)[\s.-]?\(?\d{2,4}\)?(?:[\s.-]?\d){6,10}(?!\d)")
EMAIL_RE = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+")

MASKS = {"nik": "[NIK disamarkan]", "phone": "[nomor telepon disamarkan]", "email": "[e-mail disamarkan]"}


def find_personal_data(text: str) -> dict[str, list[str]]:
    """Returns what would be masked, by kind (for the reporter's preview)."""
    found: dict[str, list[str]] = {}
    rest = text
    for kind, pattern in (("email", EMAIL_RE), ("nik", NIK_RE), ("phone", PHONE_RE)):
        hits = pattern.findall(rest)
        if hits:
            found[kind] = hits
            rest = pattern.sub(" ", rest)
    return found


def mask_personal_data(text: str) -> str:
    """The text with every NIK, phone number and e-mail address replaced by a marker."""
    if not text:
        return text
    # E-mail first (it may contain digits), then NIK (16 digits) before phone (which would eat part of a NIK).
    text = EMAIL_RE.sub(MASKS["email"], text)
    text = NIK_RE.sub(MASKS["nik"], text)
    return PHONE_RE.sub(MASKS["phone"], text)


def mask_address(value: str) -> str:
    """For logs: keep enough of an e-mail or phone to tell messages apart, never the whole of it."""
    if "@" in value:
        local, _, domain = value.partition("@")
        return f"{local[:1]}***@{domain}"
    digits = re.sub(r"\D", "", value)
    return f"***{digits[-3:]}" if digits else "***"
