"""deliver_pending: claim with a conditional UPDATE, send, mark; retries with backoff; nothing twice."""

import datetime as dt

import pytest
import time_machine
from django.utils import timezone

from notifications.choices import Channel, DeliveryStatus
from notifications.models import Delivery, Notification
from notifications.services import deliver_pending, delivery_retry, notify, preference_set
from notifications.services.delivery import _claim, backoff
from tests import factories

pytestmark = pytest.mark.django_db


@pytest.fixture
def two_people(cast):
    a = factories.DeputyFactory(name="钱进", mobile="13811110001")
    b = factories.DeputyFactory(name="李响", mobile="13811110002")
    notify(key="t:1", kind="test", recipients=[a, b], title="标题")
    return a, b


def test_it_sends_each_pending_delivery_once(two_people, outbox):
    report = deliver_pending()
    assert (report.sent, report.retrying, report.failed) == (2, 0, 0)
    assert deliver_pending().sent == 0
    assert sorted(m.address for m in outbox) == ["13811110001", "13811110002"]
    d = Delivery.objects.first()
    assert d.status == DeliveryStatus.SENT and d.sent_at and d.attempts == 1


def test_it_retries_a_failing_channel_with_backoff_without_blocking_the_others(cast, outbox, settings):
    settings.NOTIFY_EMAIL_BACKEND = "notifications.senders.FailingSender"  # SMTP is down
    cast.staff.email, cast.staff.mobile = "liming@example.cn", "13900000001"
    cast.staff.save()
    preference_set(user=cast.staff, channels=[Channel.EMAIL, Channel.SMS])
    other = factories.DeputyFactory(name="钱进", mobile="13811110001")
    t0 = timezone.now().replace(microsecond=0) + dt.timedelta(seconds=1)
    with time_machine.travel(t0, tick=False):
        notify(key="t:1", kind="test", recipients=[cast.staff, other], title="标题")
        report = deliver_pending()
        assert (report.sent, report.retrying) == (2, 1)
        email = Delivery.objects.get(channel=Channel.EMAIL)
        assert email.status == DeliveryStatus.PENDING and "channel down" in email.last_error
        assert email.next_attempt_at == timezone.now() + dt.timedelta(seconds=60)
        assert deliver_pending().retrying == 0  # not due yet
    assert sorted(m.address for m in outbox) == ["13811110001", "13900000001"]
    # Backoff doubles: 60 s, 120 s, 240 s …
    assert [backoff(n).seconds for n in (1, 2, 3)] == [60, 120, 240]
    with time_machine.travel(t0 + dt.timedelta(seconds=61), tick=False):
        assert deliver_pending().retrying == 1
    email.refresh_from_db()
    assert email.attempts == 2
    assert email.next_attempt_at == t0 + dt.timedelta(seconds=61 + 120)


def test_it_gives_up_after_the_last_attempt_and_staff_can_retry(cast, outbox, settings):
    settings.NOTIFY_SMS_BACKEND = "notifications.senders.FailingSender"
    settings.NOTIFY_MAX_ATTEMPTS = 2
    settings.NOTIFY_RETRY_BASE_SECONDS = 0
    person = factories.DeputyFactory(name="钱进", mobile="13811110001")
    notify(key="t:1", kind="test", recipients=[person], title="标题")
    report = deliver_pending()  # no backoff here: tried twice in one run, then given up
    assert (report.retrying, report.failed) == (1, 1)
    n = Notification.objects.get()
    assert n.deliveries.get().status == DeliveryStatus.FAILED
    assert list(Notification.objects.undeliverable()) == [n]
    settings.NOTIFY_SMS_BACKEND = "notifications.senders.MemorySender"
    assert delivery_retry(notification=n) == 1
    assert deliver_pending().sent == 1
    assert not Notification.objects.undeliverable().exists()
    assert len(outbox) == 1


def test_it_redelivers_a_row_a_killed_worker_had_claimed_once_the_claim_expires(two_people, outbox, settings):
    settings.NOTIFY_CLAIM_SECONDS = 300
    t0 = timezone.now()
    # A worker claims both rows, sends neither, and is killed (nothing marks them).
    claimed = _claim(now=t0, limit=10, notification_ids=None)
    assert len(claimed) == 2
    assert Delivery.objects.filter(status=DeliveryStatus.SENDING).count() == 2
    with time_machine.travel(t0 + dt.timedelta(minutes=4), tick=False):
        # While the claim holds, another worker's sweep leaves them alone.
        assert deliver_pending().sent == 0
    with time_machine.travel(t0 + dt.timedelta(minutes=5, seconds=1), tick=False):
        assert deliver_pending().sent == 2
    with time_machine.travel(t0 + dt.timedelta(hours=1), tick=False):
        assert deliver_pending().sent == 0  # marked sent: never again
    assert len(outbox) == 2
    assert set(Delivery.objects.values_list("attempts", flat=True)) == {2}


@pytest.mark.django_db(transaction=True)
def test_it_skips_rows_locked_by_a_concurrent_claim(two_people, outbox):
    """Two workers claiming at once take different rows (FOR UPDATE SKIP LOCKED), never the same one."""
    import threading

    from django.db import connection, connections

    first = Delivery.objects.order_by("pk").first()
    locked, release, taken = threading.Event(), threading.Event(), {}

    def other_worker():
        conn = connections.create_connection("default")
        try:
            with conn.cursor() as cursor:
                cursor.execute("BEGIN")
                cursor.execute("SELECT id FROM notifications_delivery WHERE id = %s FOR UPDATE", [first.pk])
                locked.set()
                release.wait(10)
                cursor.execute("ROLLBACK")
        finally:
            conn.close()

    assert not connection.in_atomic_block
    thread = threading.Thread(target=other_worker)
    thread.start()
    locked.wait(10)
    taken["ids"] = _claim(now=timezone.now(), limit=10, notification_ids=None)
    release.set()
    thread.join()
    assert first.pk not in taken["ids"] and len(taken["ids"]) == 1
