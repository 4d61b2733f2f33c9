"""The receipt SMS of a confirmed report sent by a real Celery worker process (issue 13, the residents'
burst): the confirmation answers without waiting for the gateway; the worker, on its own queue, sends the
回执号 and the status link to the fake SMS gateway over HTTP, once."""

import time
import uuid

import pytest

from residents import services
from residents.models import Report
from tests.subprocess_env import celery_worker

from .conftest import report_data

pytestmark = [pytest.mark.worker, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def worker(transactional_db, settings, gateway):
    queue = f"test-residents-{uuid.uuid4().hex[:8]}"
    settings.RESIDENT_CELERY_QUEUE = queue
    with celery_worker(queue, broker_url=settings.CELERY_BROKER_URL) as proc:
        yield proc


def _wait(worker, predicate, timeout=60):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        assert worker.poll() is None, "the worker exited"
        if predicate():
            return True
        time.sleep(0.2)
    return False


def _receipts(gateway, report):
    return [m for m in gateway.messages if report.receipt_no in m["text"]]


def test_the_worker_sends_the_receipt_once_after_the_confirmation(client, codes, gateway, worker):
    code = codes["deputy"]
    response = client.post(f"/q/{code.token}/", report_data())
    report = Report.objects.get()
    assert response["Location"] == f"/q/s/{report.status_token}/verify/"
    ok = client.post(f"/q/s/{report.status_token}/verify/", {"code": gateway.last_code("13912345678")})
    assert ok["Location"] == f"/q/s/{report.status_token}/?new=1"

    assert _wait(worker, lambda: _receipts(gateway, report)), "no receipt SMS"
    [receipt] = _receipts(gateway, report)
    assert receipt["phone"] == "13912345678" and f"/q/s/{report.status_token}/" in receipt["text"]
    assert "回执号" in receipt["text"]
    report.refresh_from_db()
    assert report.receipt_sent_at is not None

    # The task delivered twice (a worker killed before its acknowledgement) sends nothing twice.
    assert services.receipt_enqueue(report_id=report.pk)
    time.sleep(2)
    assert len(_receipts(gateway, report)) == 1


def test_the_worker_sends_no_receipt_for_a_report_not_confirmed_or_erased(client, codes, gateway, worker):
    client.post(f"/q/{codes['deputy'].token}/", report_data())
    pending = Report.objects.get()
    erased = Report.objects.create(code=codes["deputy"], area=codes["deputy"].area, category="urban",
                                   text="已删除个人信息的来信", phone="", state="submitted")
    assert services.receipt_enqueue(report_id=pending.pk) and services.receipt_enqueue(report_id=erased.pk)
    time.sleep(3)
    assert worker.poll() is None
    assert [m["phone"] for m in gateway.messages] == ["13912345678"]  # the code only
    assert not Report.objects.filter(receipt_sent_at__isnull=False).exists()


def test_a_refused_receipt_is_not_marked_sent(codes, gateway, settings):
    # The worker's half, run here: the gateway refuses, the mark is cleared, nothing is raised.
    report = Report.objects.create(code=codes["deputy"], area=codes["deputy"].area, category="urban",
                                   text="小区门口路灯坏了两个月。", phone="13912345678", state="submitted")
    gateway.fail = True
    assert services.receipt_send(report_id=report.pk) == "sms failed"
    report.refresh_from_db()
    assert report.receipt_sent_at is None
    gateway.fail = False
    assert services.receipt_send(report_id=report.pk) == "sent"
    assert services.receipt_send(report_id=report.pk) == "stale"
    assert len(_receipts(gateway, report)) == 1
