"""Celery tasks of livelihood projects: thin wrappers that take a date and call a service (STYLE.md)."""

from __future__ import annotations

import datetime as dt

from notifications.periodic import scheduled_job

from .services import send_milestone_alerts


@scheduled_job("projects.send_milestone_alerts")
def milestone_alerts(date: str | None = None) -> str:
    """Every working morning: each responsible unit its overdue and due-soon milestones (idempotent)."""
    return str(send_milestone_alerts(today=dt.date.fromisoformat(date) if date else None))
