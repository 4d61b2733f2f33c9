"""Pinyin for searching Chinese names: typing "zw" or "zhw" finds 张伟."""

from pypinyin import Style, lazy_pinyin


def pinyin_initials(text: str) -> str:
    return "".join(lazy_pinyin(text or "", style=Style.FIRST_LETTER)).lower()
