"""Celery tasks: thin wrappers that take ids or dates and call a service (STYLE.md).

Late acks (settings) mean a task whose worker died runs again; every service here is idempotent,
so running again sends nothing twice and loses nothing."""

from __future__ import annotations

import datetime as dt

from celery import shared_task
from django.utils import timezone

from .services import delivery, jobs


def _day(value: str | None) -> dt.date:
    return dt.date.fromisoformat(value) if value else timezone.localdate()


@shared_task(name="notifications.deliver_notifications")
def deliver_notifications(notification_ids: list[int]) -> str:
    """Deliver these notifications now (queued after the transaction that wrote them commits)."""
    return str(delivery.deliver_pending(notification_ids=list(notification_ids)))


@shared_task(name="notifications.sweep_deliveries")
def sweep_deliveries() -> str:
    """Every minute: anything still pending (broker was down, retry is due, a worker died)."""
    return str(delivery.deliver_pending(max_rows=20000))


@shared_task(name="notifications.send_monthly_reminders")
def send_monthly_reminders(month: str | None = None) -> str:
    """`month` as YYYY-MM; default the current month."""
    day = dt.date.fromisoformat(f"{month}-01") if month else timezone.localdate()
    return str(jobs.send_monthly_reminders(month=day))


@shared_task(name="notifications.send_overdue_alerts")
def send_overdue_alerts(date: str | None = None) -> str:
    return str(jobs.send_overdue_alerts(today=_day(date)))


@shared_task(name="notifications.close_unevaluated")
def close_unevaluated(date: str | None = None) -> str:
    return str(jobs.close_unevaluated(today=_day(date)))


@shared_task(name="notifications.send_weekly_digest")
def send_weekly_digest(date: str | None = None) -> str:
    return str(jobs.send_weekly_digest(today=_day(date)))
