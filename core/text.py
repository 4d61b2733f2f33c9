"""Small text helpers for Chinese display, personal-data masking and control-character cleaning."""

import re

# C0 control characters other than tab, line feed and carriage return: not allowed in XML (so openpyxl
# refuses them) and never meant by a person. \x0b and \x0c are line breaks as Word writes them
# (Shift+Enter, page break) and survive copy-paste; the others are dropped.
_LINE_BREAKS = re.compile(r"[\x0b\x0c]")
_CONTROLS = re.compile(r"[\x00-\x08\x0e-\x1f]")

_DIGITS = "零一二三四五六七八九"


def cn_number(n: int) -> str:
    """1 → 一, 12 → 十二, 20 → 二十, 105 → 一百零五 (terms and sessions are small numbers)."""
    if n < 0:
        raise ValueError(n)
    if n < 10:
        return _DIGITS[n]
    if n < 20:
        return "十" + (_DIGITS[n % 10] if n % 10 else "")
    if n < 100:
        return _DIGITS[n // 10] + "十" + (_DIGITS[n % 10] if n % 10 else "")
    rest = n % 100
    if rest == 0:
        tail = ""
    elif rest < 10:
        tail = "零" + _DIGITS[rest]
    else:
        tail = ("一" if rest < 20 else "") + cn_number(rest)
    return _DIGITS[n // 100] + "百" + tail


def mask_mobile(value: str) -> str:
    """138****5678: enough to recognise, not enough to call (PIPL)."""
    value = (value or "").strip()
    if len(value) < 7:
        return "*" * len(value)
    return f"{value[:3]}****{value[-4:]}"


def mask_id_number(value: str) -> str:
    """340602********1234: region and last four only."""
    value = (value or "").strip()
    if len(value) < 10:
        return "*" * len(value)
    return f"{value[:6]}{'*' * (len(value) - 10)}{value[-4:]}"


def clean_text(value, *, single_line: bool = False):
    """`value` without C0 control characters (tab, CR, LF kept): Word's line breaks (\\x0b, \\x0c) become
    a line feed, or a space in a single-line field; the others are removed. Non-strings pass through."""
    if not isinstance(value, str):
        return value
    value = _LINE_BREAKS.sub(" " if single_line else "\n", value)
    return _CONTROLS.sub("", value)


_OOXML_ESCAPE = re.compile(r"_x([0-9A-Fa-f]{4})_")


def clean_cell(value):
    """An imported spreadsheet cell's text, cleaned as `clean_text` does. Excel stores a control
    character as an escape (\\x0b as ``_x000B_``) that openpyxl hands on verbatim: decoded first."""
    if not isinstance(value, str):
        return value
    if "_x" in value:
        value = _OOXML_ESCAPE.sub(lambda m: chr(int(m[1], 16)), value)
    return clean_text(value)
