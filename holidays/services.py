"""Everything that writes the holiday schedule (节假日安排): add, change and delete an entry, and the .xlsx
import. Each runs in one transaction under one advisory lock (two people entering the same year at once
cannot both pass the overlap check), re-checks the rules, keeps the history (django-simple-history, the
修改记录 of the year page) and tells core.workdays that the schedule changed."""

from __future__ import annotations

from django.db import connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.choices import Role
from core.workdays import calendar_changed

from .models import CalendarEntry
from .rules import Entry, entry_problems
from .selectors import stored_entries

EDIT_ROLES = frozenset({Role.ADMIN, Role.DISTRICT_STAFF})
_LOCK_KEY = 0x686F6C69  # "holi": one advisory lock for every write to the schedule


class CalendarRefused(Exception):
    """A write the rules refuse; `problems` are (field, message) pairs as rules.entry_problems gives."""

    def __init__(self, problems):
        super().__init__("; ".join(message for _field, message in problems))
        self.problems = problems


def _lock() -> None:
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_advisory_xact_lock(%s)", [_LOCK_KEY])


def _entry_of(data: dict, pk: int | None = None) -> Entry:
    return Entry(kind=data["kind"], name=data["name"].strip(), start=data["start"], end=data["end"], pk=pk)


def calendar_entry_create(*, year: int, data: dict, actor) -> CalendarEntry:
    """Add a holiday range or 调休上班 days to `year`'s schedule (data: kind, name, start, end)."""
    with transaction.atomic():
        _lock()
        problems = entry_problems(year, _entry_of(data), stored_entries())
        if problems:
            raise CalendarRefused(problems)
        entry = CalendarEntry(year=year, kind=data["kind"], name=data["name"].strip(), start=data["start"],
                              end=data["end"], updated_by=actor)
        entry._history_user = actor
        entry.save()
        calendar_changed()
    return entry


def calendar_entry_update(*, entry: CalendarEntry, data: dict, actor) -> CalendarEntry:
    with transaction.atomic():
        _lock()
        entry = CalendarEntry.objects.select_for_update().get(pk=entry.pk)
        problems = entry_problems(entry.year, _entry_of(data, entry.pk), stored_entries())
        if problems:
            raise CalendarRefused(problems)
        entry.kind, entry.name, entry.start, entry.end = data["kind"], data["name"].strip(), data["start"], data["end"]
        entry.updated_by, entry.updated_at = actor, timezone.now()
        entry._history_user = actor
        entry.save()
        calendar_changed()
    return entry


def calendar_entry_delete(*, entry: CalendarEntry, actor) -> None:
    with transaction.atomic():
        _lock()
        entry = CalendarEntry.objects.select_for_update().get(pk=entry.pk)
        entry._history_user = actor
        entry.delete()
        calendar_changed()


def calendar_year_replace(*, year: int, entries: list[dict], actor, reason: str = "") -> int:
    """Make `entries` the whole schedule of `year` (the import): the year's old entries go, the new ones
    come, all or nothing. Refuses (CalendarRefused) when any entry breaks a rule. Returns the count."""
    with transaction.atomic():
        _lock()
        others = stored_entries(exclude_year=year)
        checked: list[Entry] = []
        problems = []
        for data in entries:
            entry = _entry_of(data)
            problems += entry_problems(year, entry, others + checked)
            checked.append(entry)
        if problems:
            raise CalendarRefused(problems)
        for old in CalendarEntry.objects.filter(year=year).select_for_update():
            old._history_user = actor
            old._change_reason = reason
            old.delete()
        for data in entries:
            entry = CalendarEntry(year=year, kind=data["kind"], name=data["name"].strip(), start=data["start"],
                                  end=data["end"], updated_by=actor)
            entry._history_user = actor
            entry._change_reason = reason
            entry.save()
        calendar_changed()
        from audit.services import security_event_import

        security_event_import(what="holidays", actor=actor, detail={"year": year, "created": len(entries),
                                                                    "reason": str(reason)})
    return len(entries)


def import_reason(filename: str) -> str:
    return (_("导入 %(file)s") % {"file": filename})[:100]
