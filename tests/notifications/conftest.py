"""Fixtures for the notification tests: a memory sender on every channel, a dead broker, and small
builders for opinion items (rows written directly: these tests are about alerts, not the workflow)."""

from __future__ import annotations

import datetime as dt
import itertools

import pytest
from django.utils import timezone

from notifications.senders import MemorySender

_counter = itertools.count(1)


@pytest.fixture
def outbox(settings):
    """Every channel goes to a list we can read; e-mail too."""
    for name in ("NOTIFY_EMAIL_BACKEND", "NOTIFY_SMS_BACKEND", "NOTIFY_WECOM_BACKEND", "NOTIFY_DINGTALK_BACKEND"):
        setattr(settings, name, "notifications.senders.MemorySender")
    MemorySender.outbox = []
    yield MemorySender.outbox
    MemorySender.outbox = []


@pytest.fixture
def dead_broker():
    """Point the Celery app at a port where nothing listens, as when Redis is down."""
    from xiangshan.celery import app

    saved = (app.conf.broker_url, app.conf.broker_write_url)
    app.conf.broker_url = app.conf.broker_write_url = "redis://127.0.0.1:1/0"
    yield
    app.conf.broker_url, app.conf.broker_write_url = saved


def make_item(deputy, *, state="handling", period=None, submitted=True, stage_due=None, **fields):
    from petitions.models import Item

    period = period or timezone.localdate().replace(day=1)
    return Item.objects.create(
        title=fields.pop("title", f"测试事项{next(_counter)}"), deputy=deputy, period=period, state=state,
        submitted_at=timezone.now() if submitted else None, stage_due=stage_due, **fields)


def assign(item, unit, due: dt.date, *, role="lead", **fields):
    from petitions.models import Assignment

    if role == "lead" and item.lead_unit_id is None:
        item.lead_unit = unit
        item.save(update_fields=["lead_unit"])
    return Assignment.objects.create(item=item, unit=unit, role=role, due_date=due, **fields)
