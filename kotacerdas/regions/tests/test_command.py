from __future__ import annotations

import os
import subprocess
import sys
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from kotacerdas.core.models import SiteSettings

ROOT = Path(__file__).resolve().parents[3]


def test_it_prints_the_counts(db) -> None:  # noqa: ANN001
    out = StringIO()

    call_command("setup_region", "12.71", stdout=out)

    lines = out.getvalue().splitlines()
    assert lines[0] == "Kota Medan: 21 kecamatan, 151 kelurahan, 0 desa, 151 batas kelurahan"
    assert "Asia/Jakarta" in lines[1] and "MDN" in lines[1]
    assert SiteSettings.load().city.code == "12.71"


def test_it_can_load_without_activating(db) -> None:  # noqa: ANN001
    out = StringIO()

    call_command("setup_region", "1105", "--no-activate", stdout=out)

    assert (
        out.getvalue().strip()
        == "Kabupaten Aceh Barat: 12 kecamatan, 0 kelurahan, 322 desa, 322 batas kelurahan"
    )
    assert SiteSettings.load().city is None


def test_it_fails_with_the_message_for_an_unknown_code(db) -> None:  # noqa: ANN001
    with pytest.raises(CommandError, match="12.99 tidak ada dalam daftar"):
        call_command("setup_region", "12.99", stdout=StringIO())


def test_it_exits_non_zero_on_a_malformed_code() -> None:
    # Validation fails before any database access, so the real command line can run here.
    env = {**os.environ, "DEMO": "1"}
    done = subprocess.run(  # noqa: S603
        [sys.executable, "manage.py", "setup_region", "12-7"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )

    assert done.returncode != 0
    assert "tidak valid" in done.stderr and "12-7" in done.stderr
    assert done.stdout == ""
