"""A background export end to end with a real `celery worker` process on the real Redis and database:
the page queues it, the worker writes the file, the owner downloads it (issue 16: the job path)."""

import io
import time
import uuid

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from jobs.choices import JobState
from jobs.models import Job
from petitions.choices import State
from tests.petitions.helpers import make
from tests.subprocess_env import celery_worker

pytestmark = [pytest.mark.worker, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def worker(transactional_db, settings):
    """A real worker on its own queue, so no other worker takes our job."""
    queue = f"test-jobs-{uuid.uuid4().hex[:8]}"
    settings.JOBS_CELERY_QUEUE = queue
    with celery_worker(queue, broker_url=settings.CELERY_BROKER_URL) as proc:
        yield proc


def test_it_runs_a_large_export_in_a_real_worker(cast, login, settings, worker):
    settings.JOB_EXPORT_ROWS = 1
    for _ in range(3):
        make(cast, State.SUBMITTED)
    client = login(cast.staff)
    response = client.get(reverse("petitions:list"), {"export": "xlsx"})
    job = Job.objects.get()
    assert response.url == reverse("jobs:detail", args=[job.token])
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline and not Job.objects.filter(pk=job.pk, state=JobState.DONE).exists():
        assert worker.poll() is None, "the worker exited"
        time.sleep(0.3)
    job.refresh_from_db()
    assert job.state == JobState.DONE, (job.state, job.error)
    assert client.get(reverse("jobs:status", args=[job.token])).json()["percent"] == 100
    download = client.get(reverse("jobs:download", args=[job.token]))
    rows = list(load_workbook(io.BytesIO(b"".join(download.streaming_content))).active.values)
    assert len(rows) == 4
