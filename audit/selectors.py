"""Reads of the security audit log: the admins' search and its export."""

from __future__ import annotations

import datetime as dt

from django.db.models import QuerySet
from django.utils import timezone

from .models import SecurityEvent


def security_event_list(*, kind: str = "", user: str = "", ip: str = "", result: str = "",
                        start: dt.date | None = None, end: dt.date | None = None) -> QuerySet[SecurityEvent]:
    qs = SecurityEvent.objects.select_related("content_type")
    if kind:
        qs = qs.filter(kind=kind)
    if user:
        qs = qs.filter(username__icontains=user)
    if ip:
        qs = qs.filter(ip=ip)
    if result:
        qs = qs.filter(result=result)
    tz = timezone.get_current_timezone()
    if start:
        qs = qs.filter(at__gte=dt.datetime.combine(start, dt.time.min, tzinfo=tz))
    if end:
        qs = qs.filter(at__lt=dt.datetime.combine(end + dt.timedelta(days=1), dt.time.min, tzinfo=tz))
    return qs.order_by("-at", "-pk")
