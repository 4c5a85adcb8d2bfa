"""Indonesian complaint texts for the demo, from the templates in data/texts.json.

Citizens do not write like a form: some are formal ("Yth. Bapak Wali Kota"), some chat ("lapor min, tdk
diangkut"), some shout, some write one line. The generator varies tone and length, and now and then pastes a
NIK or phone number into the text (people do), so the public copy's masking has something to show.
"""

from __future__ import annotations

import json
import random
import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

DATA = Path(__file__).resolve().parent / "data"

# Share of texts with a NIK or phone number pasted in (invented; enough to see masking on every list page).
PII_SHARE = 0.07

_SLOT = re.compile(r"\{(\w+)\}")
# Chat-style abbreviations Medan residents use in WhatsApp and social-media complaints.
_CASUAL = (("yang", "yg"), ("tidak", "tdk"), ("sudah", "udh"), ("sekali", "kali"), ("dengan", "dgn"),
           ("karena", "krn"), ("tolong", "tlg"), ("jalan", "jln"))


@lru_cache(maxsize=1)
def templates() -> dict[str, Any]:
    with open(DATA / "texts.json", encoding="utf-8") as fh:
        return json.load(fh)


@dataclass(frozen=True)
class Text:
    title: str
    description: str
    has_pii: bool = False


def fake_nik(rng: random.Random) -> str:
    # Medan's region digits (12 71 kk) + a plausible birth date + serial: shaped like a real NIK, belongs to no one.
    day = rng.randint(1, 28) + (40 if rng.random() < 0.5 else 0)
    return f"1271{rng.randint(1, 21):02d}{day:02d}{rng.randint(1, 12):02d}{rng.randint(60, 99):02d}" \
           f"{rng.randint(1, 9999):04d}"


def fake_phone(rng: random.Random) -> str:
    return f"08{rng.choice('1235789')}{rng.randint(1, 9)}{rng.randint(1000000, 99999999)}"


class TextGenerator:
    def __init__(self, rng: random.Random) -> None:
        self.rng = rng
        self.data = templates()

    def fill(self, template: str, place: dict[str, str], category: str | None = None) -> str:
        slots: dict[str, list[str]] = self.data["slots"]
        akibat = self.data["categories"][category]["akibat"] if category else []

        def value(match: re.Match[str]) -> str:
            name = match.group(1)
            if name in place:
                return place[name]
            if name == "akibat":
                return self.rng.choice(akibat) if akibat else ""
            return self.rng.choice(slots[name]) if name in slots else match.group(0)

        return re.sub(r"\s+", " ", _SLOT.sub(value, template)).strip()

    def complaint(self, category: str, place: dict[str, str]) -> Text:
        """A title and description for `category`; `place` fills {kel} and {kec} with the point's names."""
        rng = self.rng
        spec = self.data["categories"][category]
        slots = self.data["slots"]
        # One street and landmark per complaint, so title and text agree about where it is.
        place = {"jalan": rng.choice(slots["jalan"]), "patokan": rng.choice(slots["patokan"]), **place}
        title = self.fill(rng.choice(spec["titles"]), place, category)
        body = self.fill(rng.choice(spec["bodies"]), place, category)
        tone = rng.choices(("formal", "casual", "angry", "short"), weights=(40, 30, 12, 18))[0]
        parts: list[str] = []
        if tone == "short":
            parts.append(body.split(". ")[0].rstrip(".") + ".")
        else:
            opener = self.fill(rng.choice(slots["opener"]), place)
            if tone == "formal" and not opener:
                opener = "Dengan hormat,"
            parts += [opener, body]
            if rng.random() < 0.35:
                parts.append(self.fill("{akibat}", place, category))
            parts.append(self.fill(rng.choice(slots["closer"]), place))
        has_pii = rng.random() < PII_SHARE
        if has_pii:
            parts.append(rng.choice((
                f"NIK saya {fake_nik(rng)}.",
                f"Bisa hubungi saya di {fake_phone(rng)}.",
                f"WA saya {fake_phone(rng)} kalau petugas perlu info lokasi.",
                f"Ini NIK saya {fake_nik(rng)} dan HP {fake_phone(rng)}.",
            )))
        description = " ".join(p for p in parts if p)
        if tone == "casual":
            for word, short in _CASUAL:
                if rng.random() < 0.6:
                    description = re.sub(rf"\b{word}\b", short, description)
            description = description.replace("Mohon", "Mhn") if rng.random() < 0.3 else description
        elif tone == "angry":
            description = description.rstrip(".") + "!!! " + rng.choice(
                ("SUDAH BERKALI-KALI LAPOR!", "Mana tanggung jawab Pemko?", "Jangan diam saja!", "Parah!"))
            title = title.upper() if rng.random() < 0.5 else title + "!!"
        if len(description) < 20:  # the intake form asks for at least 15 characters
            description = f"{description} {body}"
        return Text(title=title[:150], description=description[:5000], has_pii=has_pii)

    def line(self, key: str, place: dict[str, str] | None = None) -> str:
        """One lifecycle sentence (response, reason, comment) from data/texts.json "lifecycle"."""
        return self.fill(self.rng.choice(self.data["lifecycle"][key]), place or {})

    def resolution(self, category: str, place: dict[str, str]) -> str:
        options = self.data["categories"][category]["resolved"]
        return self.fill(self.rng.choice(options), place) if options else "Aduan sudah ditindaklanjuti."

    def reporter_name(self) -> str:
        return self.rng.choice(self.data["lifecycle"]["names"])
