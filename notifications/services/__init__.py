"""Writes for notifications (HackSoft-style services), split by concern:

- `outbox`:   notify / notify_many (the only way rows are created), read marks, preferences
- `delivery`: claim, send and mark delivery rows; retries
- `jobs`:     the scheduled jobs (monthly reminders, overdue alerts, auto-close, weekly digest)
"""

from .delivery import DeliveryReport, deliver_pending, delivery_retry
from .jobs import JobResult, close_unevaluated, send_monthly_reminders, send_overdue_alerts, send_weekly_digest
from .outbox import (
    enqueue_delivery,
    notification_mark_done,
    notification_mark_read,
    notify,
    notify_many,
    preference_get,
    preference_set,
)

__all__ = [
    "DeliveryReport", "JobResult", "close_unevaluated", "deliver_pending", "delivery_retry", "enqueue_delivery",
    "notification_mark_done", "notification_mark_read", "notify", "notify_many", "preference_get", "preference_set",
    "send_monthly_reminders", "send_overdue_alerts", "send_weekly_digest",
]
