"""Writes of the security audit log: recording an event, and the retention job."""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.db import connection, transaction
from django.utils import timezone

from .choices import EventKind, EventResult
from .context import client_ip, current_request
from .models import SecurityEvent

# The trigger's own floor (migration 0001): no setting can make the purge remove younger rows.
RETENTION_FLOOR_DAYS = 180


def retention_days() -> int:
    return max(int(getattr(settings, "AUDIT_RETENTION_DAYS", RETENTION_FLOOR_DAYS)), RETENTION_FLOOR_DAYS)


def security_event_record(*, kind: str, user=None, username: str = "", request=None, ip: str | None = None,
                          obj=None, result: str = EventResult.SUCCESS, detail: dict | None = None) -> SecurityEvent:
    """Append one event. `request` defaults to the request being served (audit.middleware), for the IP
    and the user; `obj` any model instance (content type, id and text are kept)."""
    request = request if request is not None else current_request.get()
    if user is None and request is not None:
        candidate = getattr(request, "user", None)
        if candidate is not None and candidate.is_authenticated:
            user = candidate
    if user is not None and not getattr(user, "is_authenticated", False):
        user = None
    fields = {}
    if obj is not None:
        fields = {"content_type": ContentType.objects.get_for_model(obj), "object_id": str(obj.pk),
                  "object_repr": str(obj)[:200]}
    return SecurityEvent.objects.create(
        kind=kind, user=user, username=(user.get_username() if user is not None else username)[:150],
        ip=ip or client_ip(request), result=result, detail=detail or {}, **fields)


def security_event_import(*, what: str, actor=None, filename: str = "", report=None, obj=None,
                          detail: dict | None = None) -> SecurityEvent:
    """The one call every import makes when it writes (not on a dry run): what was imported, from which
    file, by whom, and the counts of its report."""
    info = {"what": str(what), "filename": filename}
    if report is not None:
        for name in ("created", "updated", "skipped", "unchanged", "errors", "total", "rows"):
            value = getattr(report, name, None)
            if isinstance(value, (int, list, tuple)):
                info[name] = value if isinstance(value, int) else len(value)
    info.update(detail or {})
    return security_event_record(kind=EventKind.IMPORT, user=actor, obj=obj, detail=info)


def security_events_purge(*, now: dt.datetime | None = None) -> int:
    """Delete the events older than the retention (AUDIT_RETENTION_DAYS, at least 180 days) and record
    that it ran. The only delete the database trigger allows: it needs ``audit.purge = 'on'`` in this
    transaction and checks each row's age itself."""
    days = retention_days()
    cutoff = (now or timezone.now()) - dt.timedelta(days=days)
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("SELECT set_config('audit.purge', 'on', true), "
                       "set_config('audit.retention_days', %s, true)", [str(days)])
        cursor.execute(f"DELETE FROM {SecurityEvent._meta.db_table} WHERE at < %s", [cutoff])
        removed = cursor.rowcount
        cursor.execute("SELECT set_config('audit.purge', 'off', true)")
    security_event_record(kind=EventKind.AUDIT_PURGE, username="system",
                          detail={"removed": removed, "retention_days": days, "cutoff": cutoff.isoformat()})
    return removed
