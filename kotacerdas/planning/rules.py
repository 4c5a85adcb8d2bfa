"""The planning rules as data, each with its source in /work/shared/reference/egov-rules.md (copied here, not read).

- STAGES: the ordered stages of rule 20 (§1.2): rembuk warga → Musrenbang kelurahan → Musrenbang kecamatan →
  Forum OPD → Musrenbang RKPD kota → verifikasi Renja → penetapan RKPD (Perwal).
- ENTRY_STAGE: where each source enters (rule 20). Pokir DPRD and OPD proposals enter at the Forum OPD: Pokir are
  verified like other usulan by the Bappeda partner and the OPD (§1.4, Lahat [S17], [P]); that they join at the
  Forum OPD rather than the kecamatan is our design choice [U].
- DEFAULT_CALENDAR: rule 26 and §1.2 (Medan's cycle for RKPD 2023 [S9], DKI pra-musrenbang [S10]); dates are
  (month, day) in the calendar year before the plan year (the RKPD for year N is drafted in N-1). [P] — every
  planning year copies them into its own editable windows, so each city sets its own calendar.
- DEFAULT_WEIGHTS: rule 28 [U]: advisory scoring only; the forum's rank (rule 23) is what counts.
"""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class Stage(models.TextChoices):
    REMBUK = "rembuk", _("Rembuk warga (pra-musrenbang)")
    KELURAHAN = "kelurahan", _("Musrenbang kelurahan")
    KECAMATAN = "kecamatan", _("Musrenbang kecamatan")
    FORUM_OPD = "forum_opd", _("Forum Perangkat Daerah")
    KOTA = "kota", _("Musrenbang RKPD kota")
    RENJA = "renja", _("Verifikasi Renja")
    RKPD = "rkpd", _("Penetapan RKPD (Perwal)")


STAGE_ORDER: list[str] = [s.value for s in Stage]


class Source(models.TextChoices):
    WARGA = "warga", _("Warga / RW (rembuk warga)")
    KELURAHAN = "kelurahan", _("Kelurahan")
    KECAMATAN = "kecamatan", _("Usulan tambahan kecamatan")
    POKIR = "pokir", _("Pokok pikiran DPRD")
    OPD = "opd", _("Perangkat Daerah (OPD)")


ENTRY_STAGE: dict[str, str] = {
    Source.WARGA: Stage.REMBUK,
    Source.KELURAHAN: Stage.KELURAHAN,
    Source.KECAMATAN: Stage.KECAMATAN,
    Source.POKIR: Stage.FORUM_OPD,
    Source.OPD: Stage.FORUM_OPD,
}

# Who holds each forum (rule 22 "the deciding body"; §1.2 "Who runs"): the forum is keyed by a kelurahan, a
# kecamatan, an OPD, or the city as a whole.
FORUM_SCOPE: dict[str, str] = {
    Stage.REMBUK: "kelurahan",   # one daftar panjang per RW, entered and decided with the kelurahan (no RW accounts)
    Stage.KELURAHAN: "kelurahan",
    Stage.KECAMATAN: "kecamatan",
    Stage.FORUM_OPD: "opd",
    Stage.KOTA: "kota",
    Stage.RENJA: "opd",
    Stage.RKPD: "kota",
}

# Default windows: (stage, (start month, day), (end month, day), source). Rule 26; §1.2.
DEFAULT_CALENDAR: list[tuple[str, tuple[int, int], tuple[int, int], str]] = [
    (Stage.REMBUK, (1, 20), (1, 31), "egov-rules §1.2 baris 0: DKI pra-musrenbang minggu 4–5 Januari [S10] [P]"),
    (Stage.KELURAHAN, (2, 1), (2, 14), "egov-rules rule 26 dan §1.2 baris 3: awal Februari [S9, S10] [P]"),
    (Stage.KECAMATAN, (2, 20), (3, 7), "egov-rules rule 26 dan §1.2 baris 4: akhir Februari – awal Maret [S5, S9] [P]"),
    (Stage.FORUM_OPD, (3, 8), (3, 20), "egov-rules rule 26 dan §1.2 baris 5: Maret [S14] [P]"),
    (Stage.KOTA, (3, 21), (3, 31), "egov-rules rule 26 dan §1.2 baris 6: Medan 23 Maret 2022 [S9] [P]"),
    (Stage.RENJA, (4, 1), (4, 30), "egov-rules rule 26 dan §1.2 baris 7: April [S9] [P]"),
    (Stage.RKPD, (6, 1), (6, 30), "egov-rules rule 26 dan §1.2 baris 10: Juni (batas akhir Juni [U]) [S9]"),
]


class Decision(models.TextChoices):
    DITERIMA = "diterima", _("Diterima")
    DITOLAK = "ditolak", _("Ditolak")
    BELUM = "belum_disepakati", _("Belum disepakati")


class Rumpun(models.TextChoices):
    """Medan's three rumpun of usulan (egov-rules §1.4 [S9], [P])."""

    EKONOMI = "ekonomi", _("Ekonomi dan sumber daya alam")
    INFRASTRUKTUR = "infrastruktur", _("Infrastruktur dan kewilayahan")
    SOSIAL = "sosial", _("Sosial budaya, pemerintahan dan pembangunan")


class Alignment(models.IntegerChoices):
    NONE = 0, _("Tidak terkait sasaran")
    RENSTRA = 1, _("Mendukung sasaran Renstra OPD")
    RPJMD = 2, _("Mendukung sasaran RPJMD")


# Rule 28 [U]: advisory, configurable per planning year (ScoringWeight rows); these are only the starting values.
DEFAULT_WEIGHTS: dict[str, float] = {"urgency": 0.4, "beneficiaries": 0.3, "alignment": 0.3}
# Beneficiaries are scored on a log scale up to this many people (a whole kelurahan is ~10-30 thousand).
BENEFICIARIES_FULL_SCORE = 10_000

# Perpres 33/2020 (egov-rules §2, rules 30-31): Lampiran I is a hard ceiling in planning and execution;
# Lampiran II is a ceiling in planning and an estimate in execution (may be exceeded with a recorded reason).
LAMPIRAN_I = "I"
LAMPIRAN_II = "II"


def next_stage(stage: str) -> str | None:
    i = STAGE_ORDER.index(stage)
    return STAGE_ORDER[i + 1] if i + 1 < len(STAGE_ORDER) else None


def stage_index(stage: str) -> int:
    return STAGE_ORDER.index(stage)
