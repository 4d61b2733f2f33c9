"""Celery tasks of background jobs: thin wrappers around jobs/services.py (STYLE.md)."""

from celery import shared_task

from notifications.periodic import scheduled_job

from .services import job_run, jobs_purge


@shared_task(name="jobs.run_job")
def run_job(job_id: int) -> str:
    return job_run(job_id=job_id)


@scheduled_job("jobs.purge_old_jobs")
def purge_old_jobs() -> str:
    """Hourly: remove the files of jobs finished more than JOB_KEEP_HOURS ago (once per period even if
    the broker was down at its time, notifications/periodic.py); `manage.py purge_jobs` by hand."""
    return str(jobs_purge())
