"""Cells for CSV/XLSX exports that a spreadsheet will not run as formulas (CSV injection, OWASP)."""

from __future__ import annotations

from typing import Any

FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def safe_cell(value: Any) -> Any:
    """Text a spreadsheet would read as a formula gets a leading apostrophe; anything else is returned as it is."""
    if isinstance(value, str) and value.startswith(FORMULA_START):
        return "'" + value
    return value
