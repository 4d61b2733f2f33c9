"""Celery tasks of suggestions: thin wrappers that take a date and call a service (STYLE.md)."""

from __future__ import annotations

import datetime as dt

from notifications.periodic import scheduled_job

from .services import expire_due_evaluations, send_suggestion_alerts


@scheduled_job("suggestions.expire_evaluations")
def expire_evaluations(date: str | None = None) -> str:
    """Every night: answered suggestions past their evaluation window become 未表态 (idempotent)."""
    return str(expire_due_evaluations(today=dt.date.fromisoformat(date) if date else None))


@scheduled_job("suggestions.send_alerts")
def send_alerts(date: str | None = None) -> str:
    """Every working morning: units their overdue and due-soon suggestions; staff and leaders the late ones."""
    return str(send_suggestion_alerts(today=dt.date.fromisoformat(date) if date else None))
