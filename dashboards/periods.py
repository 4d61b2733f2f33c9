"""The period (统计期间) and scope (统计范围) a dashboard is computed over.

A period is a closed range of calendar days [start, end]; items are selected by the day they were
submitted (``Item.submitted_at`` in local time), both ends included. A scope narrows the items to
an area subtree, a deputy group, a handling unit (its current lead assignments) and/or a deputy;
several given at once intersect.
"""

from __future__ import annotations

import calendar
import datetime
from dataclasses import dataclass, field

from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy


class PeriodKind:
    MONTH = "month"
    QUARTER = "quarter"
    YEAR = "year"
    TERM = "term"
    RANGE = "range"

    CHOICES = ((MONTH, _lazy("月度")), (QUARTER, _lazy("季度")), (YEAR, _lazy("年度")), (TERM, _lazy("本届")),
               (RANGE, _lazy("自定义")))


def month_end(day: datetime.date) -> datetime.date:
    return day.replace(day=calendar.monthrange(day.year, day.month)[1])


def add_months(day: datetime.date, months: int) -> datetime.date:
    """The first of the month `months` after (or before) the month of `day`."""
    index = day.year * 12 + day.month - 1 + months
    return datetime.date(index // 12, index % 12 + 1, 1)


@dataclass(frozen=True)
class Period:
    """A closed range of days, with a label and the kind it was chosen as."""

    start: datetime.date
    end: datetime.date
    kind: str = PeriodKind.RANGE
    label: str = ""

    def __post_init__(self):
        if self.end < self.start:
            raise ValueError("period end before start")
        if not self.label:
            object.__setattr__(self, "label", _("%(start)s至%(end)s") % {
                "start": f"{self.start:%Y-%m-%d}", "end": f"{self.end:%Y-%m-%d}"})

    @classmethod
    def month(cls, year: int, month: int) -> Period:
        start = datetime.date(year, month, 1)
        return cls(start, month_end(start), PeriodKind.MONTH,
                   _("%(year)s年%(month)s月") % {"year": year, "month": month})

    @classmethod
    def quarter(cls, year: int, quarter: int) -> Period:
        start = datetime.date(year, 3 * (quarter - 1) + 1, 1)
        return cls(start, month_end(add_months(start, 2)), PeriodKind.QUARTER,
                   _("%(year)s年第%(quarter)s季度") % {"year": year, "quarter": quarter})

    @classmethod
    def year(cls, year: int) -> Period:
        return cls(datetime.date(year, 1, 1), datetime.date(year, 12, 31), PeriodKind.YEAR,
                   _("%(year)s年") % {"year": year})

    @classmethod
    def term(cls, start_year: int, end_year: int, label: str = "") -> Period:
        return cls(datetime.date(start_year, 1, 1), datetime.date(end_year, 12, 31), PeriodKind.TERM,
                   label or _("%(start)s—%(end)s年") % {"start": start_year, "end": end_year})

    def previous(self) -> Period:
        """The period just before, of the same kind and length (for the 环比/同比 change)."""
        if self.kind == PeriodKind.MONTH:
            prev = add_months(self.start, -1)
            return Period.month(prev.year, prev.month)
        if self.kind == PeriodKind.QUARTER:
            prev = add_months(self.start, -3)
            return Period.quarter(prev.year, (prev.month - 1) // 3 + 1)
        if self.kind in (PeriodKind.YEAR, PeriodKind.TERM):
            years = self.end.year - self.start.year + 1
            if self.kind == PeriodKind.YEAR:
                return Period.year(self.start.year - 1)
            return Period.term(self.start.year - years, self.end.year - years, _("上一届"))
        days = (self.end - self.start).days + 1
        return Period(self.start - datetime.timedelta(days=days), self.start - datetime.timedelta(days=1))

    def bounds(self) -> tuple[datetime.datetime, datetime.datetime]:
        """[start 00:00, day after end 00:00) in the local time zone, for an index range scan."""
        tz = timezone.get_current_timezone()
        lo = datetime.datetime.combine(self.start, datetime.time.min, tzinfo=tz)
        hi = datetime.datetime.combine(self.end + datetime.timedelta(days=1), datetime.time.min, tzinfo=tz)
        return lo, hi

    def months(self, until: datetime.date | None = None) -> list[datetime.date]:
        """First days of the months the period touches, not past the month of `until`."""
        last = self.end if until is None else min(self.end, until)
        out, m = [], self.start.replace(day=1)
        while m <= last:
            out.append(m)
            m = add_months(m, 1)
        return out

    def params(self) -> dict:
        return {"from": self.start.isoformat(), "to": self.end.isoformat()}


@dataclass(frozen=True)
class Scope:
    """Which items: any of area (its subtree), group, unit, deputy; None everywhere is the district."""

    area: object = None
    group: object = None
    unit: object = None
    deputy: object = None
    locked: frozenset = field(default_factory=frozenset)  # parts the user may not widen

    @property
    def label(self) -> str:
        parts = [str(x) for x in (self.area, self.group, self.unit, self.deputy) if x is not None]
        return "·".join(parts) if parts else _("全区")

    def params(self) -> dict:
        return {k: getattr(self, k).pk for k in ("area", "group", "unit", "deputy") if getattr(self, k) is not None}
