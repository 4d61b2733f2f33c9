"""Scheduled jobs run once per period even when the broker was down at their time (issue 17, defect 6):
notifications/periodic.py claims each period with a ScheduledRun row and catches up missed periods."""

import datetime as dt
import zoneinfo

import pytest
import time_machine
from django.core.management import call_command
from django_celery_beat.models import CrontabSchedule, PeriodicTask

from notifications import tasks
from notifications.models import Notification, ScheduledRun
from notifications.periodic import catch_up_missed, latest_fire
from notifications.schedules import install
from tests import factories

pytestmark = pytest.mark.django_db

TZ = zoneinfo.ZoneInfo("Asia/Shanghai")
MONTHLY = "notifications.send_monthly_reminders"


def at(*args) -> dt.datetime:
    return dt.datetime(*args, tzinfo=TZ)


def cron(**kw):
    fields = {"minute": "*", "hour": "*", "day_of_week": "*", "day_of_month": "*", "month_of_year": "*", **kw}
    return CrontabSchedule(timezone="Asia/Shanghai", **fields).schedule


def test_latest_fire_is_the_last_time_the_crontab_fired_at_or_before_now():
    daily = cron(minute="30", hour="8")
    assert latest_fire(daily, at(2026, 12, 2, 8, 29)) == at(2026, 12, 1, 8, 30)
    assert latest_fire(daily, at(2026, 12, 2, 8, 30)) == at(2026, 12, 2, 8, 30)
    assert latest_fire(daily, at(2026, 12, 2, 23, 0)) == at(2026, 12, 2, 8, 30)
    monthly = cron(minute="0", hour="9", day_of_month="20")
    assert latest_fire(monthly, at(2026, 12, 2, 10, 0)) == at(2026, 11, 20, 9, 0)
    assert latest_fire(monthly, at(2026, 12, 20, 9, 5)) == at(2026, 12, 20, 9, 0)
    weekly = cron(minute="0", hour="8", day_of_week="1")  # Mondays
    assert latest_fire(weekly, at(2026, 12, 6, 12, 0)) == at(2026, 11, 30, 8, 0)
    # Nothing within the lookback (a yearly date long past): None, not a guess.
    assert latest_fire(cron(minute="0", hour="0", day_of_month="1", month_of_year="1"), at(2026, 12, 2)) is None


@pytest.fixture
def schedules():
    PeriodicTask.objects.all().delete()
    install()
    return PeriodicTask.objects.get(task=MONTHLY)


@pytest.fixture
def deputy_without_items():
    from areas.models import Area
    from tests.personas import load_areas

    load_areas()
    return factories.MandateFactory.create(deputy=factories.DeputyFactory(name="钱进", mobile="13811112222"),
                                           area=Area.objects.get(name="东山街道")).deputy


def test_a_job_sent_twice_in_one_period_runs_once(schedules, deputy_without_items):
    with time_machine.travel(at(2026, 11, 20, 9, 0, 2), tick=False):
        first = tasks.send_monthly_reminders()
        second = tasks.send_monthly_reminders()
    assert first != second and second.startswith("already run")
    run = ScheduledRun.objects.get(task=MONTHLY)
    assert run.period == at(2026, 11, 20, 9, 0) and run.finished_at is not None and not run.caught_up
    assert Notification.objects.exists()


def test_a_manual_run_with_a_date_claims_nothing(schedules, deputy_without_items):
    tasks.send_overdue_alerts("2026-11-20")
    assert not ScheduledRun.objects.exists()


def test_a_new_installation_starts_counting_and_runs_nothing_from_the_past(schedules, deputy_without_items):
    with time_machine.travel(at(2026, 12, 2, 10, 0), tick=False):
        assert catch_up_missed() == []
    baseline = ScheduledRun.objects.get(task=MONTHLY)
    assert baseline.skipped and baseline.period == at(2026, 11, 20, 9, 0)
    assert not Notification.objects.exists()


def test_a_period_missed_while_the_broker_was_down_is_caught_up_once(schedules, deputy_without_items):
    with time_machine.travel(at(2026, 11, 20, 9, 0, 1), tick=False):
        tasks.send_monthly_reminders()  # November's run went through
    Notification.objects.all().delete()
    # 20 December 09:00: beat could not send the task (Redis down); the broker is back at 09:40.
    with time_machine.travel(at(2026, 12, 20, 9, 1), tick=False):
        assert MONTHLY not in catch_up_missed()  # within the grace: beat may still be delivering it
    with time_machine.travel(at(2026, 12, 20, 9, 40), tick=False):
        assert MONTHLY in catch_up_missed()
        assert MONTHLY not in catch_up_missed()  # once
        assert tasks.send_monthly_reminders().startswith("already run")  # beat's late message: nothing
    run = ScheduledRun.objects.get(task=MONTHLY, period=at(2026, 12, 20, 9, 0))
    assert run.caught_up and run.finished_at is not None
    assert Notification.objects.exists()


def test_a_disabled_entry_is_not_caught_up(schedules, deputy_without_items):
    with time_machine.travel(at(2026, 11, 20, 9, 0, 1), tick=False):
        tasks.send_monthly_reminders()
    PeriodicTask.objects.filter(task=MONTHLY).update(enabled=False)
    with time_machine.travel(at(2026, 12, 20, 9, 40), tick=False):
        assert MONTHLY not in catch_up_missed()


def test_a_run_that_died_with_its_worker_may_run_again_after_an_hour(schedules, deputy_without_items):
    ScheduledRun.objects.create(task=MONTHLY, period=at(2026, 12, 20, 9, 0), started_at=at(2026, 12, 20, 9, 0))
    with time_machine.travel(at(2026, 12, 20, 9, 30), tick=False):
        assert tasks.send_monthly_reminders().startswith("already run")  # maybe still running
    with time_machine.travel(at(2026, 12, 20, 10, 5), tick=False):
        assert not tasks.send_monthly_reminders().startswith("already run")  # the redelivered message
    assert ScheduledRun.objects.get(task=MONTHLY).finished_at is not None


def test_the_catch_up_is_itself_scheduled_every_minute_and_has_a_command(schedules, capsys):
    entry = PeriodicTask.objects.get(task="notifications.catch_up_scheduled")
    assert entry.enabled and entry.interval.every == 1 and entry.interval.period == "minutes"
    call_command("catch_up_schedules")
    assert "定时任务" in capsys.readouterr().out


def test_every_crontab_job_of_the_schedule_is_a_scheduled_job():
    from django.utils.module_loading import autodiscover_modules

    from notifications.periodic import _JOBS
    from notifications.schedules import DEFAULT_SCHEDULES

    autodiscover_modules("tasks")
    crontab_tasks = {task for _name, task, when, _d in DEFAULT_SCHEDULES if "crontab" in when}
    assert crontab_tasks and crontab_tasks <= set(_JOBS)
