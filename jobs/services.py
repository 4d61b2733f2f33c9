"""Writes of background jobs: create (queued after commit), run (claim → runner → result), progress, purge.

Progress is kept in Redis while a job runs, not in its row: an import writes all or nothing inside one
transaction, and a row updated from inside it would show nothing until the end."""

from __future__ import annotations

import datetime as dt
import logging
from pathlib import Path

from django.conf import settings
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from .choices import JobKind, JobState
from .models import Job

log = logging.getLogger(__name__)

# A running job whose worker died (killed, machine restarted) may be claimed again after this long.
STALE_AFTER = dt.timedelta(hours=1)
# A job still queued after this long (the broker was down when it was created) is queued again by the purge.
REQUEUE_AFTER = dt.timedelta(minutes=10)
PROGRESS_TTL = 24 * 3600


class JobError(Exception):
    """A refusal a runner explains to the owner (in Chinese); the job fails with this message."""

    def __init__(self, message: str):
        super().__init__(message)
        self.message = str(message)


def job_directory() -> Path:
    path = Path(settings.MEDIA_ROOT) / "jobs"
    path.mkdir(parents=True, exist_ok=True)
    return path


def job_file(job: Job, suffix: str = ".xlsx") -> Path:
    return job_directory() / f"{job.token}{suffix}"


def _redis():
    import redis

    return redis.Redis.from_url(settings.REDIS_URL, socket_connect_timeout=2, socket_timeout=2)


def _progress_key(job_id: int) -> str:
    return f"xs:job-progress:{job_id}"


def job_progress(*, job: Job, done: int, total: int | None = None) -> None:
    """Record how far `job` is (rows done of total); never fails the job over Redis."""
    mapping = {"done": int(done)}
    if total is not None:
        mapping["total"] = int(total)
    try:
        r = _redis()
        r.hset(_progress_key(job.pk), mapping=mapping)
        r.expire(_progress_key(job.pk), PROGRESS_TTL)
    except Exception as exc:  # progress is a courtesy; the job goes on
        log.warning("job %s: progress not recorded: %s", job.pk, exc)


def progress_of(job: Job) -> tuple[int, int]:
    """(done, total) of `job`: the live figures while it runs, its row's once finished."""
    if job.state == JobState.RUNNING:
        try:
            data = _redis().hgetall(_progress_key(job.pk))
        except Exception:
            data = {}
        if data:
            return int(data.get(b"done", 0)), int(data.get(b"total", job.total or 0))
    return job.done, job.total


def job_create(*, owner, kind: str, params: dict, total: int = 0) -> Job:
    """A new job for `owner`, queued for the worker once the transaction commits — or the owner's same job
    (kind and parameters) still waiting or running: a reload of an export link, a second click or a
    browser's prefetch of the GET starts no second export."""
    from accounts.models import User

    with transaction.atomic():
        # One owner's requests one after another, so two parallel GETs cannot both miss the first job.
        User.objects.select_for_update().filter(pk=owner.pk).values_list("pk", flat=True).first()
        same = (Job.objects.filter(owner=owner, kind=kind, params=params, state__in=(JobState.PENDING,
                                                                                       JobState.RUNNING))
                .order_by("-created_at").first())
        if same is not None:
            return same
        job = Job.objects.create(owner=owner, kind=JobKind(kind), params=params, total=total)
        transaction.on_commit(lambda: job_enqueue(job_id=job.pk))
    return job


def job_enqueue(*, job_id: int) -> bool:
    """Send the job to the worker. A broker that is down fails nothing: the job stays queued and the hourly
    purge (purge_jobs) sends it again."""
    from .tasks import run_job

    try:
        with run_job.app.connection_for_write() as conn:
            conn.ensure_connection(max_retries=1, interval_start=0, interval_step=0.2, timeout=2)
            run_job.apply_async(args=[job_id], connection=conn, retry=False,
                                queue=getattr(settings, "JOBS_CELERY_QUEUE", None) or None)
    except Exception as exc:
        log.warning("后台任务入队失败,稍后重试 (job %s): %s", job_id, exc)
        return False
    return True


def _claim(job_id: int) -> bool:
    now = timezone.now()
    return Job.objects.filter(
        Q(state=JobState.PENDING) | Q(state=JobState.RUNNING, started_at__lt=now - STALE_AFTER), pk=job_id,
    ).update(state=JobState.RUNNING, started_at=now) == 1


def job_run(*, job_id: int) -> str:
    """Run one job (the Celery task calls this): claim it, call its runner, keep the result or the error,
    tell the owner. A job already claimed or finished is left alone."""
    from .runners import RUNNERS

    if not _claim(job_id):
        return "not claimed"
    job = Job.objects.select_related("owner").get(pk=job_id)
    try:
        outcome = RUNNERS[job.kind](job, lambda done, total=None: job_progress(job=job, done=done, total=total))
    except JobError as exc:
        job_file(job).unlink(missing_ok=True)  # no half-written file is left behind
        return _finish(job, state=JobState.FAILED, error=exc.message)
    except Exception:
        log.exception("background job %s (%s) failed", job.pk, job.kind)
        job_file(job).unlink(missing_ok=True)
        return _finish(job, state=JobState.FAILED, error=_("任务执行出错,请稍后重试;仍不成功请联系系统管理员。"))
    return _finish(job, state=JobState.DONE, **outcome)


def _finish(job: Job, *, state: str, error: str = "", message: str = "", file: str = "", name: str = "",
            done: int | None = None, total: int | None = None) -> str:
    fields = {"state": state, "finished_at": timezone.now(), "error": error[:500], "message": str(message)[:500],
              "result_file": file, "result_name": name[:200]}
    if total is not None:
        fields["total"] = total
    if done is not None:
        fields["done"] = done
    with transaction.atomic():
        if not Job.objects.filter(pk=job.pk, state=JobState.RUNNING).update(**fields):
            return "lost its claim"
        _notify(job, state=state, message=fields["message"] or fields["error"])
    try:
        _redis().delete(_progress_key(job.pk))
    except Exception:
        pass
    return state


def _notify(job: Job, *, state: str, message: str) -> None:
    """后台任务完成 / 失败: an in-app notification (and the owner's channels) with the link to the job page,
    where the file is downloaded — only by the owner."""
    from notifications.services import notify

    title = (_("%(kind)s已完成") if state == JobState.DONE else _("%(kind)s未完成")) % {"kind": job.get_kind_display()}
    notify(key=f"job:{job.pk}:{state}", kind="job_finished", recipients=[job.owner], title=title,
           body=message, url=job.get_absolute_url())


def jobs_purge(*, now: dt.datetime | None = None) -> int:
    """Hourly: the files of jobs finished more than JOB_KEEP_HOURS ago are deleted and the jobs marked
    已过期 (a conditional update each, so two runs remove nothing twice); jobs stuck in the queue, or
    running for more than STALE_AFTER (their worker died), are sent again (the claim lets one run).
    Returns how many jobs expired."""
    now = now or timezone.now()
    cutoff = now - dt.timedelta(hours=settings.JOB_KEEP_HOURS)
    expired = 0
    old = Job.objects.filter(state__in=[JobState.DONE, JobState.FAILED], finished_at__lt=cutoff)
    for pk, state, name in old.values_list("pk", "state", "result_file").iterator():
        if Job.objects.filter(pk=pk, state=state).update(state=JobState.EXPIRED, result_file="") != 1:
            continue
        if name:
            (job_directory() / Path(name).name).unlink(missing_ok=True)
        expired += 1
    stuck = Job.objects.filter(Q(state=JobState.PENDING, created_at__lt=now - REQUEUE_AFTER)
                               | Q(state=JobState.RUNNING, started_at__lt=now - STALE_AFTER))
    for pk in stuck.values_list("pk", flat=True):  # queued while the broker was down, or its worker died
        job_enqueue(job_id=pk)
    return expired
