"""Celery tasks: thin wrappers that take ids or dates and call a service (STYLE.md).

Late acks (settings) mean a task whose worker died runs again; every service here is idempotent,
so running again sends nothing twice and loses nothing."""

from __future__ import annotations

import datetime as dt

from celery import shared_task
from django.utils import timezone

from .periodic import catch_up_missed, scheduled_job
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


@scheduled_job("notifications.send_monthly_reminders")
def send_monthly_reminders(month: str | None = None) -> str:
    """`month` as YYYY-MM; default the current month."""
    day = dt.date.fromisoformat(f"{month}-01") if month else timezone.localdate()
    return str(jobs.send_monthly_reminders(month=day))


@scheduled_job("notifications.send_overdue_alerts")
def send_overdue_alerts(date: str | None = None) -> str:
    return str(jobs.send_overdue_alerts(today=_day(date)))


@scheduled_job("notifications.close_unevaluated")
def close_unevaluated(date: str | None = None) -> str:
    return str(jobs.close_unevaluated(today=_day(date)))


@scheduled_job("notifications.send_weekly_digest")
def send_weekly_digest(date: str | None = None) -> str:
    return str(jobs.send_weekly_digest(today=_day(date)))


@shared_task(name="notifications.catch_up_scheduled")
def catch_up_scheduled() -> str:
    """Every minute: run now any scheduled job whose latest period has no run (the broker was down)."""
    return ",".join(catch_up_missed()) or "none missed"
