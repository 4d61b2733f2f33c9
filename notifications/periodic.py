"""Scheduled jobs that run once per period even when the broker was down at their time (issue 17, defect 6).

Celery beat advances a schedule entry before it sends the task, so a task it could not send (Redis down:
"Couldn't apply scheduled task") is simply lost. Here every crontab job is declared with `scheduled_job`:

- each run claims its period — the latest fire time of its crontab at or before now — with a unique
  `ScheduledRun(task, period)` row, so the job runs once per period however often it is sent (beat and a
  catch-up racing, a redelivered message after a worker died);
- `catch_up_missed()` runs every minute (its own beat entry, `notifications.catch_up_scheduled`, and
  `manage.py catch_up_schedules` by hand): for each enabled crontab entry whose latest period has no run,
  more than `SCHEDULE_CATCH_UP_GRACE` after its time, it runs the job now. While the broker is down that
  entry is lost too, but the first one after the broker returns catches every job up.

Only the latest period is caught up: yesterday's 逾期预警 is not worth sending once today's has gone, and a
job whose period passed entirely while the broker was down runs in the next one. The jobs are idempotent
themselves (unique notification keys, conditional updates), so a catch-up can never send anything twice.
A job called with arguments (a date given by hand) is a manual run and claims nothing."""

from __future__ import annotations

import datetime as dt
import functools
import logging

from celery import shared_task
from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone

log = logging.getLogger(__name__)

# How far back a crontab's latest fire time is looked for (a monthly job fires at least every 31 days).
LOOKBACK = dt.timedelta(days=40)
# A claimed run not finished after this long is taken to have died with its worker and may run again.
STALE_AFTER = dt.timedelta(hours=1)

_JOBS: dict[str, object] = {}  # task name → the undecorated function


def _grace() -> dt.timedelta:
    return dt.timedelta(seconds=getattr(settings, "SCHEDULE_CATCH_UP_GRACE", 120))


def latest_fire(schedule, now: dt.datetime) -> dt.datetime | None:
    """The latest time at or before `now` at which the crontab `schedule` fires (within LOOKBACK)."""
    t, last = now - LOOKBACK, None
    for _ in range(100_000):  # a crontab firing every minute needs 57,600 steps over 40 days
        start, delta, _now = schedule.remaining_delta(t)
        fire = start + delta
        if fire > now:
            return last
        last, t = fire, fire
    return last


def _crontab_entries(task: str | None = None):
    from django_celery_beat.models import PeriodicTask

    qs = PeriodicTask.objects.filter(enabled=True, crontab__isnull=False).select_related("crontab")
    return qs.filter(task=task) if task else qs.filter(task__in=list(_JOBS))


def current_period(task: str, now: dt.datetime | None = None) -> dt.datetime | None:
    """The period a run of `task` now serves: its entry's latest fire time (None without an entry)."""
    now = now or timezone.now()
    fires = [f for f in (latest_fire(e.crontab.schedule, now) for e in _crontab_entries(task)) if f]
    return max(fires) if fires else None


def _claim(task: str, period: dt.datetime, *, caught_up: bool) -> object | None:
    """The ScheduledRun row that lets this process run `task` for `period`, or None when another run has
    it (finished, or started less than STALE_AFTER ago)."""
    from .models import ScheduledRun

    now = timezone.now()
    try:
        with transaction.atomic():
            return ScheduledRun.objects.create(task=task, period=period, started_at=now, caught_up=caught_up)
    except IntegrityError:
        pass
    row = ScheduledRun.objects.filter(task=task, period=period).first()
    if row is None or row.finished_at is not None or row.skipped or row.started_at > now - STALE_AFTER:
        return None
    # A run that died with its worker: take it over with a conditional update (one taker wins).
    taken = ScheduledRun.objects.filter(pk=row.pk, started_at=row.started_at, finished_at__isnull=True).update(
        started_at=now)
    return row if taken else None


def _run(task: str, fn, period: dt.datetime, *, caught_up: bool) -> str:
    row = _claim(task, period, caught_up=caught_up)
    if row is None:
        return f"already run for {period:%Y-%m-%d %H:%M}"
    result = str(fn())
    type(row).objects.filter(pk=row.pk).update(finished_at=timezone.now(), result=result[:500])
    return result


def scheduled_job(name: str):
    """Declare a crontab job: a Celery task `name` that runs `fn` once per period of its beat entry."""

    def decorate(fn):
        _JOBS[name] = fn

        @shared_task(name=name)
        @functools.wraps(fn)
        def task(*args, **kwargs):
            if args or kwargs:  # a manual run for a given date
                return fn(*args, **kwargs)
            period = current_period(name)
            if period is None:  # no enabled crontab entry (sent by hand): nothing to claim
                return fn()
            return _run(name, fn, period, caught_up=False)

        return task

    return decorate


def catch_up_missed(now: dt.datetime | None = None) -> list[str]:
    """Run, now, every scheduled job whose latest period has no run; return their names."""
    from django.utils.module_loading import autodiscover_modules

    from .models import ScheduledRun

    autodiscover_modules("tasks")  # every app's scheduled_job declarations (a worker has them already)
    now = now or timezone.now()
    ran = []
    for entry in _crontab_entries():
        period = latest_fire(entry.crontab.schedule, now)
        if period is None or now - period < _grace():
            continue
        if not ScheduledRun.objects.filter(task=entry.task).exists():
            # First sight of this job (a new installation): start counting from here, run nothing.
            ScheduledRun.objects.get_or_create(task=entry.task, period=period, defaults={
                "started_at": now, "finished_at": now, "skipped": True})
            continue
        if ScheduledRun.objects.filter(task=entry.task, period=period).exists():
            continue
        log.warning("scheduled job %s missed its run of %s; running it now", entry.task, period)
        _run(entry.task, _JOBS[entry.task], period, caught_up=True)
        ran.append(entry.task)
    return ran
