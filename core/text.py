"""Small text helpers for Chinese display and personal-data masking."""

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
