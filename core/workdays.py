"""Working days (工作日): China's statutory holidays and adjusted working weekends (调休),
from the maintained `chinesecalendar` package. For a year the package does not know yet we fall
back to Monday–Friday and log a warning once per year, rather than crash."""

from __future__ import annotations

import datetime
import logging
from functools import lru_cache

import chinese_calendar

logger = logging.getLogger(__name__)


@lru_cache(maxsize=64)
def calendar_known(year: int) -> bool:
    try:
        chinese_calendar.is_workday(datetime.date(year, 6, 1))
    except NotImplementedError:
        logger.warning(
            "工作日历未包含 %s 年的法定节假日与调休安排,暂按周一至周五计算;请升级 chinesecalendar。", year)
        return False
    return True


def is_workday(day: datetime.date) -> bool:
    if isinstance(day, datetime.datetime):
        day = day.date()
    if calendar_known(day.year):
        return chinese_calendar.is_workday(day)
    return day.weekday() < 5


def add_workdays(start: datetime.date, days: int) -> datetime.date:
    """The `days`-th working day after `start` (start itself not counted).
    add_workdays(d, 0) is d if d is a working day, else the next working day."""
    if isinstance(start, datetime.datetime):
        start = start.date()
    day = start
    if days <= 0:
        while not is_workday(day):
            day += datetime.timedelta(days=1)
        return day
    remaining = days
    while remaining:
        day += datetime.timedelta(days=1)
        if is_workday(day):
            remaining -= 1
    return day


def workdays_between(start: datetime.date, end: datetime.date) -> int:
    """Working days in (start, end]; negative when end is before start."""
    if end < start:
        return -workdays_between(end, start)
    count, day = 0, start
    while day < end:
        day += datetime.timedelta(days=1)
        count += is_workday(day)
    return count


def unknown_years(years) -> list[int]:
    """Years for which the fallback applies, for the admin to show."""
    return [y for y in years if not calendar_known(y)]
