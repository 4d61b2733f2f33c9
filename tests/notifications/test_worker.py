"""End to end with the real parts: a Celery worker process on the real Redis, the real database."""

import subprocess
import time
import uuid
from pathlib import Path

import pytest
from django.utils import timezone

from notifications.choices import Channel, DeliveryStatus
from notifications.models import Delivery
from tests import factories
from tests.subprocess_env import celery_worker

ROOT = Path(__file__).resolve().parents[2]

pytestmark = [pytest.mark.worker, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def worker(transactional_db, settings):
    """A real `celery -A xiangshan worker` on its own queue, so no other worker takes our tasks."""
    queue = f"test-notify-{uuid.uuid4().hex[:8]}"
    settings.NOTIFY_CELERY_QUEUE = queue
    log = open(ROOT / "var" / f"{queue}.log", "w+") if (ROOT / "var").is_dir() else subprocess.DEVNULL
    with celery_worker(queue, broker_url=settings.CELERY_BROKER_URL, stdout=log, level="info") as proc:
        yield proc
    if log is not subprocess.DEVNULL:
        log.close()
        Path(log.name).unlink(missing_ok=True)


def wait_for(predicate, timeout=60):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(0.3)
    return False


def test_it_delivers_a_monthly_reminder_through_a_real_worker(worker):
    from notifications.services import send_monthly_reminders

    factories.MandateFactory.create(deputy=factories.DeputyFactory(name="钱进", mobile="13811112222"),
                                    area=_area())
    send_monthly_reminders(month=timezone.localdate())
    sms = Delivery.objects.get(channel=Channel.SMS)
    assert wait_for(lambda: Delivery.objects.filter(pk=sms.pk, status=DeliveryStatus.SENT).exists()), _log(worker)
    sms.refresh_from_db()
    assert sms.sent_at is not None and sms.attempts == 1


def test_it_delivers_the_notification_of_a_submitted_item_through_a_real_worker(worker):
    from petitions import workflow
    from tests import personas

    cast = personas.build()
    cast.dongshan_staff.email = "zhoumin@example.cn"
    cast.dongshan_staff.save()
    item = workflow.item_create(actor=cast.deputy, deputy=cast.deputy.deputy, submit=True,
                                data={"title": "路灯不亮", "content": "周庄社区路灯坏了", "area": _area(),
                                      "category": "urban", "source": "visit"})
    email = Delivery.objects.get(notification__recipient=cast.dongshan_staff, channel=Channel.EMAIL)
    assert item.state == "submitted"
    assert wait_for(lambda: Delivery.objects.filter(pk=email.pk, status=DeliveryStatus.SENT).exists()), _log(worker)


def _area():
    from tests.personas import load_areas

    load_areas()
    from areas.models import Area

    return Area.objects.get(name="东山街道")


def _log(proc) -> str:
    return f"worker exited={proc.poll()}"
