"""Deadlines of a loop, through one calendar (STYLE.md: no module does its own date arithmetic for a
due date): working days with the staff-maintained holidays (core.workdays), calendar days, or
calendar months where the law counts months (代表建议: 三个月内答复)."""

from __future__ import annotations

import calendar
import datetime

from django.db.models import Q

from core.workdays import add_workdays


def _day(value) -> datetime.date:
    return value.date() if isinstance(value, datetime.datetime) else value


def due_in_workdays(start: datetime.date, n: int) -> datetime.date:
    """The n-th working day after `start` (start not counted; n=0: start or the next working day)."""
    return add_workdays(_day(start), n)


def due_in_days(start: datetime.date, n: int) -> datetime.date:
    """`n` calendar days after `start` (a window counted in plain days, e.g. 评价期限)."""
    return _day(start) + datetime.timedelta(days=n)


def due_in_months(start: datetime.date, n: int) -> datetime.date:
    """The same day `n` calendar months after `start`, clamped to the month's end
    (2026-11-30 + 3 → 2027-02-28)."""
    start = _day(start)
    index = start.month - 1 + n
    year, month = start.year + index // 12, index % 12 + 1
    return datetime.date(year, month, min(start.day, calendar.monthrange(year, month)[1]))


def is_overdue(due: datetime.date | None, today: datetime.date) -> bool:
    """Past its due date (逾期): the due day itself is still on time."""
    return due is not None and due < today


def due_soon_limit(today: datetime.date, *, workdays: int = 3) -> datetime.date:
    """The last due date that counts as due soon (即将逾期) on `today`."""
    return due_in_workdays(today, workdays)


def is_due_soon(due: datetime.date | None, today: datetime.date, *, workdays: int = 3) -> bool:
    """Due today or within the next `workdays` working days (即将逾期), not yet overdue."""
    return due is not None and today <= due <= due_soon_limit(today, workdays=workdays)


def overdue_q(field: str, today: datetime.date) -> Q:
    """The filter for `is_overdue` on a date field (any lookup path, e.g. "assignments__due_date")."""
    return Q(**{f"{field}__lt": today})


def due_soon_q(field: str, today: datetime.date, *, workdays: int = 3) -> Q:
    """The filter for `is_due_soon` on a date field."""
    return Q(**{f"{field}__gte": today, f"{field}__lte": due_soon_limit(today, workdays=workdays)})
