"""Reads of the holiday schedule: the years page, one year's entries and its history (修改记录)."""

from __future__ import annotations

import datetime

from django.db.models import Count, Min, Q
from django.utils.translation import gettext_lazy as _

from core.workdays import calendar_source, package_knows

from .choices import EntryKind
from .models import CalendarEntry
from .rules import Entry

# chinesecalendar names its holidays in English.
PACKAGE_NAMES = {"New Year's Day": _("元旦"), "Spring Festival": _("春节"), "Tomb-sweeping Day": _("清明节"),
                 "Labour Day": _("劳动节"), "Dragon Boat Festival": _("端午节"), "National Day": _("国庆节"),
                 "Mid-autumn Festival": _("中秋节"), "Anti-Fascist 70th Day": _("抗战胜利70周年纪念日")}


def year_rows(today: datetime.date) -> list[dict]:
    """Every entered year, plus this year and the next: where its working days come from and its counts.
    One query."""
    counts = {row["year"]: row for row in CalendarEntry.objects.values("year").annotate(
        holidays=Count("pk", filter=Q(kind=EntryKind.HOLIDAY)), workdays=Count("pk", filter=Q(kind=EntryKind.WORKDAY)),
        first=Min("start"))}
    years = sorted(set(counts) | {today.year, today.year + 1}, reverse=True)
    rows = []
    for year in years:
        row = counts.get(year, {})
        rows.append({"year": year, "source": "entered" if year in counts else ("package" if package_knows(year) else None),
                     "holidays": row.get("holidays", 0), "workdays": row.get("workdays", 0),
                     "is_next": year == today.year + 1})
    return rows


def year_entries(year: int):
    return CalendarEntry.objects.filter(year=year).select_related("updated_by").order_by("start", "kind")


def year_history(year: int, limit: int = 50) -> list:
    """Who added, changed or deleted which entry of the year, newest first."""
    return list(CalendarEntry.history.filter(year=year).select_related("history_user")
                .order_by("-history_date", "-history_id")[:limit])


def package_days(year: int) -> dict:
    """What `chinesecalendar` says about a year it knows: holiday days and worked weekend days, by name."""
    import chinese_calendar

    if not package_knows(year):
        return {"holidays": [], "workdays": []}
    out = {"holidays": [], "workdays": []}
    for key, table in (("holidays", chinese_calendar.holidays), ("workdays", chinese_calendar.workdays)):
        days = sorted(d for d in table if d.year == year)
        groups: list[dict] = []
        for day in days:
            chinese = str(PACKAGE_NAMES.get(str(table[day]), table[day]))
            if groups and groups[-1]["name"] == chinese and (day - groups[-1]["end"]).days <= 1:
                groups[-1]["end"] = day
            else:
                groups.append({"name": chinese, "start": day, "end": day})
        out[key] = groups
    return out


def next_year_unknown(today: datetime.date) -> bool:
    """From 1 November (the State Council publishes next year's schedule in November): true when next year
    has no schedule, neither entered nor in the package."""
    return today.month >= 11 and calendar_source(today.year + 1) is None


def stored_entries(*, exclude_year: int | None = None) -> list[Entry]:
    """The stored entries as the rules see them (all years, or all but one)."""
    qs = CalendarEntry.objects.all()
    if exclude_year is not None:
        qs = qs.exclude(year=exclude_year)
    return [Entry(kind=k, name=n, start=s, end=e, pk=pk)
            for pk, k, n, s, e in qs.values_list("pk", "kind", "name", "start", "end")]
