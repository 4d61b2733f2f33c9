"""Name search for the roster: Chinese characters, full pinyin, and pinyin initials.

Typing "zw" or "zhw" finds 张伟: the initials of 张 are both "z" and "zh" (zh/ch/sh are one
initial in pinyin, and people type either). Every spelling is stored in `Deputy.name_search`,
each preceded by a space, so a prefix match on any spelling is one `LIKE '% zhw%'`.
"""

from itertools import product

from django.db.models import Q
from pypinyin import Style, lazy_pinyin

_TWO_LETTER = ("zh", "ch", "sh")
# Names are short; cap the spellings so a long odd name cannot blow up the column.
_MAX_VARIANTS = 16


def _char_abbrs(syllable: str) -> list[str]:
    syllable = syllable.lower()
    if not syllable or not syllable.isalpha():
        return [syllable] if syllable else []
    out = [syllable[0]]
    if syllable[:2] in _TWO_LETTER:
        out.append(syllable[:2])
    return out


def name_search_text(name: str, *, syllables: list[str] | None = None) -> str:
    """' zhangwei zw zhw' for 张伟: the full pinyin, then every initials spelling. `syllables`:
    `lazy_pinyin(name)` when the caller already has it (pypinyin is the costly part of an import)."""
    if syllables is None:
        syllables = lazy_pinyin(name or "", style=Style.NORMAL)
    syllables = [s for s in syllables if s.strip()]
    full = "".join(syllables).lower()
    variants: list[str] = [full] if full else []
    choices = [_char_abbrs(s) for s in syllables]
    for combo in product(*choices):
        abbr = "".join(combo)
        if abbr and abbr not in variants:
            variants.append(abbr)
        if len(variants) >= _MAX_VARIANTS:
            break
    return "".join(f" {v}" for v in variants)[:255]


def name_query(q: str) -> Q:
    """The filter for a search box: name, pinyin spellings or workplace."""
    q = (q or "").strip()
    if not q:
        return Q()
    # icontains is UPPER(column) LIKE UPPER(…) on every row, half the cost of the scan; a query without
    # letters that have a case (张伟, 人民医院) finds the same rows with a plain LIKE.
    lookup = "icontains" if q.lower() != q.upper() else "contains"
    cond = Q(**{f"name__{lookup}": q}) | Q(**{f"workplace__{lookup}": q})
    latin = q.replace(" ", "").lower()
    if latin.isascii() and latin.isalpha():
        cond |= Q(name_search__contains=f" {latin}")
    return cond
