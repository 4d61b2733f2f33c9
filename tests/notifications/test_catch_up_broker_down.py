"""The real thing for issue 17 defect 6: celery beat and a worker on a Redis that is stopped when a job is
due. Beat logs "Couldn't apply scheduled task"; once Redis is back, the job runs for that period, once."""

import datetime as dt
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest
from django.utils import timezone
from django_celery_beat.models import CrontabSchedule, IntervalSchedule, PeriodicTask

from notifications.models import Notification, ScheduledRun
from tests import factories
from tests.subprocess_env import child_env

ROOT = Path(__file__).resolve().parents[2]
CELERY = Path(sys.executable).with_name("celery")
MONTHLY = "notifications.send_monthly_reminders"

pytestmark = [pytest.mark.worker, pytest.mark.django_db(transaction=True)]


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _redis(port: int) -> subprocess.Popen:
    proc = subprocess.Popen(["redis-server", "--port", str(port), "--bind", "127.0.0.1", "--save", "",
                             "--appendonly", "no"], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
            return proc
        except OSError:
            time.sleep(0.1)
    proc.kill()
    raise RuntimeError("redis-server did not start")


def _stop(proc: subprocess.Popen):
    proc.terminate()
    try:
        proc.wait(timeout=20)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait()


def wait_for(predicate, timeout) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(0.5)
    return False


@pytest.mark.skipif(subprocess.run(["which", "redis-server"], capture_output=True).returncode != 0,
                    reason="redis-server binary not installed")
def test_a_job_due_while_redis_is_down_runs_when_it_returns(tmp_path):
    from areas.models import Area
    from tests.personas import load_areas

    load_areas()
    factories.MandateFactory.create(deputy=factories.DeputyFactory(name="钱进", mobile="13811112222"),
                                    area=Area.objects.get(name="东山街道"))
    # The job is due at the next minute at least 15 s away (local time, as the schedule's crontab).
    now = timezone.localtime()
    fire = (now + dt.timedelta(minutes=1)).replace(second=0, microsecond=0)
    if (fire - now).total_seconds() < 15:
        fire += dt.timedelta(minutes=1)
    PeriodicTask.objects.all().delete()
    PeriodicTask.objects.create(name="月度提醒", task=MONTHLY, crontab=CrontabSchedule.objects.create(
        minute=str(fire.minute), hour=str(fire.hour), timezone="Asia/Shanghai"))
    PeriodicTask.objects.create(name="补运行", task="notifications.catch_up_scheduled",
                                interval=IntervalSchedule.objects.create(every=3, period="seconds"))
    # The job ran yesterday, so it is known (a new installation would only start counting).
    ScheduledRun.objects.create(task=MONTHLY, period=fire - dt.timedelta(days=1), started_at=fire,
                                finished_at=fire)

    port = _free_port()
    redis = _redis(port)
    env = child_env(REDIS_URL=f"redis://127.0.0.1:{port}/0", SCHEDULE_CATCH_UP_GRACE="5")
    beat_log, worker_log = tmp_path / "beat.log", tmp_path / "worker.log"
    procs = []
    try:
        with open(beat_log, "w") as blog, open(worker_log, "w") as wlog:
            procs.append(subprocess.Popen(
                [str(CELERY), "-A", "xiangshan", "worker", "-P", "solo", "-l", "info", "--without-gossip",
                 "--without-mingle", "--without-heartbeat"], cwd=ROOT, env=env, stdout=wlog,
                stderr=subprocess.STDOUT))
            procs.append(subprocess.Popen(
                [str(CELERY), "-A", "xiangshan", "beat", "-l", "info", "--max-interval", "2",
                 "--pidfile=", "-s", str(tmp_path / "beat-schedule")], cwd=ROOT, env=env, stdout=blog,
                stderr=subprocess.STDOUT))
            # Beat and worker are up: the catch-up runs every 3 s (and finds nothing missed).
            assert wait_for(lambda: "catch_up_scheduled[" in worker_log.read_text(), 60), worker_log.read_text()
            _stop(redis)  # Redis goes down before the job is due ...
            wait_for(lambda: timezone.localtime() > fire + dt.timedelta(seconds=8), 120)
            assert "Couldn't apply scheduled task" in beat_log.read_text() or \
                "Message Error" in beat_log.read_text(), beat_log.read_text()[-3000:]
            assert not Notification.objects.exists()  # ... so the month's reminders were not created
            redis = _redis(port)  # ... and comes back
            assert wait_for(lambda: ScheduledRun.objects.filter(task=MONTHLY, period=fire, caught_up=True,
                                                                finished_at__isnull=False).exists(), 120), \
                worker_log.read_text()[-3000:]
            assert Notification.objects.exists()
            time.sleep(4)  # another catch-up tick runs nothing more
            assert ScheduledRun.objects.filter(task=MONTHLY, period=fire).count() == 1
    finally:
        for p in procs:
            _stop(p)
        _stop(redis)
