"""Working days (工作日): China's statutory holidays and adjusted working weekends (调休).

Three sources, in order (DOMAIN.md, 节假日安排):
1. the schedule district staff entered (holidays.CalendarEntry): a year with any entry is that year's
   whole truth, the package is not asked about it; an entered range also decides its own days when it
   reaches into the neighbouring year (元旦 from 30 December);
2. the maintained `chinesecalendar` package for the years it knows;
3. Monday–Friday for any other year, logged once per year (and marked 暂按周一至周五计算 on item pages).

Due dates are computed often (lists, nav badges, bulk jobs), so the entered schedule is read from the
database once per process and kept in memory. Every change bumps a version number in Redis
(`calendar_changed`, after commit); a process re-reads the table when the version it sees differs from
the one it loaded, checking at most once a second. That check is a Redis GET, never a database query,
so page query counts do not depend on the calendar. When Redis cannot be reached, it is not asked again
for 30 seconds and the table is re-read at most every 30 seconds instead.
"""

from __future__ import annotations

import datetime
import logging
import threading
import time
from dataclasses import dataclass, field
from functools import lru_cache

import chinese_calendar

logger = logging.getLogger(__name__)

VERSION_KEY = "xiangshan:calendar:version"
CHECK_EVERY = 1.0  # seconds between two version checks in one process
REDIS_DOWN_RELOAD = 30.0  # seconds: how stale the schedule may get while Redis is unreachable


@dataclass(frozen=True)
class Entered:
    """The entered schedule of every year, as sets of days."""

    years: frozenset = frozenset()
    off: frozenset = frozenset()  # days in an entered holiday range
    worked: frozenset = frozenset()  # entered 调休上班 days


@dataclass
class _Cache:
    data: Entered | None = None
    version: str | None = None
    loaded_at: float = 0.0
    checked_at: float = 0.0
    redis_down_until: float = 0.0  # after a failed read, do not ask Redis again for a while
    lock: threading.Lock = field(default_factory=threading.Lock)


_cache = _Cache()


def _redis():
    import redis
    from django.conf import settings

    return redis.Redis.from_url(settings.REDIS_URL, socket_connect_timeout=0.5, socket_timeout=0.5)


def _shared_version() -> str | None:
    """The calendar's version as every process sees it; None when Redis cannot be reached."""
    try:
        value = _redis().get(VERSION_KEY)
    except Exception as exc:  # Redis down must not stop due dates: fall back to a time limit
        logger.warning("工作日历版本号读取失败(Redis 不可用),改为定时重新读取:%s", exc)
        return None
    return value.decode() if value else "0"


def _load() -> Entered:
    from holidays.choices import EntryKind
    from holidays.models import CalendarEntry

    years, off, worked = set(), set(), set()
    for year, kind, start, end in CalendarEntry.objects.values_list("year", "kind", "start", "end"):
        years.add(year)
        target = off if kind == EntryKind.HOLIDAY else worked
        day = start
        while day <= end:
            target.add(day)
            day += datetime.timedelta(days=1)
    return Entered(years=frozenset(years), off=frozenset(off), worked=frozenset(worked))


def entered() -> Entered:
    """The entered schedule, from this process's memory unless it changed (see the module docstring)."""
    now = time.monotonic()
    cache = _cache
    if cache.data is not None and now - cache.checked_at < CHECK_EVERY:
        return cache.data
    with cache.lock:
        version = None if now < cache.redis_down_until else _shared_version()
        if version is None and now >= cache.redis_down_until:
            cache.redis_down_until = now + REDIS_DOWN_RELOAD
        cache.checked_at = time.monotonic()
        stale = (cache.data is None or version != cache.version
                 or (version is None and now - cache.loaded_at > REDIS_DOWN_RELOAD))
        if stale:
            cache.data = _load()
            cache.version = version
            cache.loaded_at = time.monotonic()
        return cache.data


def forget() -> None:
    """Drop this process's copy of the entered schedule (it is read again on next use)."""
    _cache.data = None
    _cache.version = None
    _cache.redis_down_until = 0.0


def calendar_changed() -> None:
    """Call after the entered schedule changed: this process re-reads it now, the others within a second
    (the version bump runs after commit, so they never read a schedule that is rolled back)."""
    from django.db import transaction

    forget()

    def bump():
        forget()
        try:
            _redis().incr(VERSION_KEY)
        except Exception as exc:
            logger.error("工作日历版本号更新失败(Redis 不可用),其他进程最迟 %s 秒后读取新安排:%s",
                         int(REDIS_DOWN_RELOAD), exc)

    transaction.on_commit(bump)


@lru_cache(maxsize=256)
def package_knows(year: int) -> bool:
    """Whether `chinesecalendar` has the State Council's schedule for `year`."""
    try:
        chinese_calendar.is_workday(datetime.date(year, 6, 1))
    except NotImplementedError:
        return False
    return True


def calendar_source(year: int) -> str | None:
    """Where a year's working days come from: "entered", "package", or None (Monday–Friday)."""
    if year in entered().years:
        return "entered"
    if package_knows(year):
        return "package"
    return None


@lru_cache(maxsize=64)
def _warn_unknown(year: int) -> None:
    logger.warning("工作日历未包含 %s 年的法定节假日与调休安排,暂按周一至周五计算;请在“节假日安排”中录入。", year)


def calendar_known(year: int) -> bool:
    """Whether a year's holidays are known (entered or in the package); logs once for a year that is not."""
    if calendar_source(year) is not None:
        return True
    _warn_unknown(year)
    return False


def clear_caches() -> None:
    """Forget everything this module keeps in memory (tests; a package upgrade needs a restart anyway)."""
    forget()
    package_knows.cache_clear()
    _warn_unknown.cache_clear()
    _is_workday.cache_clear()


@lru_cache(maxsize=16384)
def _is_workday(day: datetime.date, data: Entered) -> bool:
    # Memoized on (day, schedule): a reload gives a new Entered, so an edited calendar is never read stale.
    if day in data.off:
        return False
    if day in data.worked:
        return True
    if day.year in data.years:
        return day.weekday() < 5
    if package_knows(day.year):
        return chinese_calendar.is_workday(day)
    _warn_unknown(day.year)
    return day.weekday() < 5


def is_workday(day: datetime.date) -> bool:
    if isinstance(day, datetime.datetime):
        day = day.date()
    return _is_workday(day, entered())


class DateOutOfRange(ValueError):
    """A working-day count that would run past the last date there is (9999-12-31)."""


def add_workdays(start: datetime.date, days: int) -> datetime.date:
    """The `days`-th working day after `start` (start itself not counted).
    add_workdays(d, 0) is d if d is a working day, else the next working day.
    Raises DateOutOfRange (a ValueError) past 9999-12-31 instead of Python's OverflowError."""
    if isinstance(start, datetime.datetime):
        start = start.date()
    data = entered()
    day = start
    try:
        if days <= 0:
            while not _is_workday(day, data):
                day += datetime.timedelta(days=1)
            return day
        remaining = days
        while remaining:
            day += datetime.timedelta(days=1)
            if _is_workday(day, data):
                remaining -= 1
    except OverflowError:  # past 9999-12-31: a nonsense start date, never a real deadline
        raise DateOutOfRange(f"{days} working days after {start} is past the last date") from None
    return day


def workdays_between(start: datetime.date, end: datetime.date) -> int:
    """Working days in (start, end]; negative when end is before start."""
    if end < start:
        return -workdays_between(end, start)
    data = entered()
    count, day = 0, start
    while day < end:
        day += datetime.timedelta(days=1)
        count += _is_workday(day, data)
    return count


def unknown_years(years) -> list[int]:
    """Years for which the Monday–Friday fallback applies (neither entered nor in the package)."""
    return [y for y in years if not calendar_known(y)]
