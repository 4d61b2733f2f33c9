"""The rules a holiday schedule (节假日安排) obeys, as pure functions: the entry forms, the .xlsx import and
the services all check through `entry_problems`, so a rule is written once and says the same thing
wherever it refuses. No database access here: callers pass the entries already stored."""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.utils.translation import gettext as _

from .choices import EntryKind

MIN_YEAR, MAX_YEAR = 2000, 2100
MAX_HOLIDAY_DAYS = 15
WEEKDAYS = "一二三四五六日"


@dataclass(frozen=True)
class Entry:
    """An entry as the rules see it (a stored row, a form's data or an imported row)."""

    kind: str
    name: str
    start: datetime.date
    end: datetime.date
    pk: int | None = None


def year_bounds(year: int) -> tuple[datetime.date, datetime.date]:
    """The days a year's schedule may cover: the year itself, and the December before (元旦 holidays and
    their 调休 may start in the old year, e.g. 2023-12-30 to 2024-01-01)."""
    return datetime.date(year - 1, 12, 1), datetime.date(year, 12, 31)


def _d(day: datetime.date) -> str:
    return f"{day:%Y-%m-%d}"


def _span(entry: Entry) -> str:
    if entry.start == entry.end:
        return _d(entry.start)
    return _("%(start)s 至 %(end)s") % {"start": _d(entry.start), "end": _d(entry.end)}


def entry_problems(year: int, entry: Entry, others: list[Entry]) -> list[tuple[str | None, str]]:
    """Why `entry` cannot be part of `year`'s schedule beside `others` (the other stored entries, any
    year): a list of (field, message), field one of kind, name, start, end or None; empty when fine."""
    problems: list[tuple[str | None, str]] = []
    if not MIN_YEAR <= year <= MAX_YEAR:
        return [(None, _("年份应在 %(a)d 至 %(b)d 之间") % {"a": MIN_YEAR, "b": MAX_YEAR})]
    if entry.kind not in EntryKind.values:
        problems.append(("kind", _("类型只能是“节假日”或“调休上班”")))
    if not entry.name.strip():
        problems.append(("name", _("请填写名称,如 元旦、春节")))
    elif len(entry.name.strip()) > 30:
        problems.append(("name", _("名称最多 30 个字")))
    if entry.end < entry.start:
        problems.append(("end", _("结束日期 %(end)s 早于开始日期 %(start)s") % {
            "end": _d(entry.end), "start": _d(entry.start)}))
        return problems
    first, last = year_bounds(year)
    if entry.start < first or entry.end > last:
        field = "start" if entry.start < first or entry.start > last else "end"
        problems.append((field, _("日期不属于 %(year)d 年的安排:应在 %(year)d 年内(元旦假期可从 %(prev)d 年 12 月开始)") % {
            "year": year, "prev": year - 1}))
        return problems
    if entry.kind == EntryKind.HOLIDAY and (entry.end - entry.start).days + 1 > MAX_HOLIDAY_DAYS:
        problems.append(("end", _("假期长达 %(n)d 天,超过 %(max)d 天,请检查起止日期") % {
            "n": (entry.end - entry.start).days + 1, "max": MAX_HOLIDAY_DAYS}))
    if entry.kind == EntryKind.WORKDAY:
        day = entry.start
        while day <= entry.end:
            if day.weekday() < 5:
                problems.append(("start" if day == entry.start else "end", _(
                    "%(day)s 是星期%(wd)s,本来就是工作日;调休上班只登记周六、周日") % {
                    "day": _d(day), "wd": WEEKDAYS[day.weekday()]}))
                break
            day += datetime.timedelta(days=1)
    for other in others:
        if other.pk is not None and other.pk == entry.pk:
            continue
        if other.start > entry.end or other.end < entry.start:
            continue
        values = {"name": other.name, "span": _span(other)}
        if entry.kind == other.kind == EntryKind.HOLIDAY:
            message = _("与节假日“%(name)s”(%(span)s)的日期重叠") % values
        elif entry.kind == other.kind:
            message = _("与已登记的调休上班“%(name)s”(%(span)s)重复") % values
        elif entry.kind == EntryKind.WORKDAY:
            message = _("调休上班日落在节假日“%(name)s”(%(span)s)期间") % values
        else:
            message = _("节假日包含已登记的调休上班日“%(name)s”(%(span)s)") % values
        problems.append((None, message))
    return problems
