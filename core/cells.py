"""Reading spreadsheet cells in imports: a cell's text and a date however a district typed it."""

from __future__ import annotations

import datetime
import re

from .text import clean_cell

_DATE = re.compile(r"(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*日?")


def cell_text(value) -> str:
    """The cell's text, stripped and cleaned of control characters; 12.0 (how Excel keeps 12) → "12"."""
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return str(clean_cell(value)).strip()


def cell_date(value) -> datetime.date | None:
    """A date cell, or text such as 2026-11-26, 2026/11/26, 2026.11.26, 2026年11月26日; None when empty.
    Anything else raises ValueError carrying the cell's text (never Python's own wording)."""
    if value in (None, ""):
        return None
    if isinstance(value, datetime.datetime):
        return value.date()
    if isinstance(value, datetime.date):
        return value
    text = cell_text(value)
    m = _DATE.fullmatch(text)
    if not m:
        raise ValueError(text)
    try:
        return datetime.date(int(m[1]), int(m[2]), int(m[3]))
    except ValueError:  # 2022-02-30
        raise ValueError(text) from None
