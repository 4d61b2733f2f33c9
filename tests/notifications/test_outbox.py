"""notify(): one row per recipient, delivery rows per reachable channel, queued only after commit."""

import pytest
from django.db import transaction

from notifications.choices import Channel, DeliveryStatus
from notifications.models import Delivery, Notification
from notifications.services import deliver_pending, notify, preference_set
from notifications.tasks import deliver_notifications
from tests import factories

pytestmark = pytest.mark.django_db


def channels(notification):
    return {d.channel: d.status for d in notification.deliveries.all()}


def test_it_reaches_an_account_in_app_and_on_default_channels(cast, settings):
    settings.NOTIFY_DEFAULT_CHANNELS = ["sms", "email"]
    cast.staff.email, cast.staff.mobile = "liming@example.cn", "13900000001"
    cast.staff.save()
    assert notify(key="t:1", kind="test", recipients=[cast.staff], title="标题") == 1
    n = Notification.objects.get(recipient=cast.staff)
    assert channels(n) == {Channel.IN_APP: DeliveryStatus.SENT, Channel.EMAIL: DeliveryStatus.PENDING,
                           Channel.SMS: DeliveryStatus.PENDING}


def test_it_follows_the_channels_a_person_chose(cast):
    cast.staff.email, cast.staff.mobile = "liming@example.cn", "13900000001"
    cast.staff.save()
    preference_set(user=cast.staff, channels=[Channel.WECOM, "bogus"])
    notify(key="t:1", kind="test", recipients=[cast.staff], title="标题")
    n = Notification.objects.get(recipient=cast.staff)
    assert channels(n) == {Channel.IN_APP: DeliveryStatus.SENT, Channel.WECOM: DeliveryStatus.PENDING}
    assert n.deliveries.get(channel=Channel.WECOM).address == "13900000001"


def test_it_texts_a_deputy_without_a_login_at_the_number_on_file(cast):
    person = factories.DeputyFactory(name="钱进", mobile="13811112222")
    notify(key="t:1", kind="test", recipients=[person], title="标题")
    n = Notification.objects.get(recipient_deputy=person)
    assert channels(n) == {Channel.SMS: DeliveryStatus.PENDING}
    assert n.deliveries.get().address == "13811112222"


def test_it_reaches_a_deputy_with_a_login_through_the_account_and_the_deputy_mobile(cast, settings):
    settings.NOTIFY_DEFAULT_CHANNELS = ["sms"]
    deputy = cast.deputy.deputy  # no mobile on the account, one on the roster
    assert not cast.deputy.mobile
    notify(key="t:1", kind="test", recipients=[deputy], title="标题")
    n = Notification.objects.get(recipient=cast.deputy)
    assert n.deliveries.get(channel=Channel.SMS).address == deputy.mobile


def test_it_records_an_undeliverable_notification_for_staff_to_see(cast):
    person = factories.DeputyFactory(name="孙无号", mobile="")
    notify(key="t:1", kind="test", recipients=[person], title="标题")
    n = Notification.objects.get(recipient_deputy=person)
    assert channels(n) == {Channel.SMS: DeliveryStatus.UNDELIVERABLE}
    assert list(Notification.objects.undeliverable()) == [n]


def test_it_sends_a_unit_alert_to_its_users_in_app_and_its_contact_by_sms(cast):
    unit = cast.zhujian.unit
    unit.contact_phone = "05613000000"
    unit.save()
    notify(key="t:1", kind="test", recipients=[unit], title="逾期")
    n = Notification.objects.get(recipient_unit=unit)
    assert channels(n) == {Channel.IN_APP: DeliveryStatus.SENT, Channel.SMS: DeliveryStatus.PENDING}
    assert list(Notification.objects.for_user(cast.zhujian)) == [n]
    assert not Notification.objects.for_user(cast.huanbao).exists()


def test_it_writes_nothing_twice_for_the_same_key(cast):
    assert notify(key="t:1", kind="test", recipients=[cast.staff, cast.leader], title="a") == 2
    assert notify(key="t:1", kind="test", recipients=[cast.staff, cast.leader, cast.admin], title="a") == 1
    assert Notification.objects.count() == 3
    assert Delivery.objects.filter(channel=Channel.IN_APP).count() == 3


def test_it_queues_delivery_only_after_commit(cast, django_capture_on_commit_callbacks, monkeypatch):
    calls = []
    monkeypatch.setattr(deliver_notifications, "apply_async", lambda args, **kw: calls.append(args))
    person = factories.DeputyFactory(name="钱进", mobile="13811112222")
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        with transaction.atomic():
            notify(key="t:1", kind="test", recipients=[person], title="标题")
        assert calls == []
    assert len(callbacks) == 1
    callbacks[0]()
    assert calls == [[[Notification.objects.get().pk]]]


def test_it_queues_nothing_when_every_channel_is_already_done(cast, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks() as callbacks:
        preference_set(user=cast.staff, channels=[])
        notify(key="t:1", kind="test", recipients=[cast.staff], title="标题")
    assert callbacks == []


def test_it_keeps_the_write_when_redis_is_down_and_the_sweep_sends_later(cast, dead_broker, outbox,
                                                                         django_capture_on_commit_callbacks):
    person = factories.DeputyFactory(name="钱进", mobile="13811112222")
    with django_capture_on_commit_callbacks(execute=True):
        with transaction.atomic():
            factories.DeputyFactory(name="新代表")  # the change the request made
            notify(key="t:1", kind="test", recipients=[person], title="标题")
    # The request went through: the change and the outbox row exist; nothing was sent.
    assert Notification.objects.count() == 1
    assert Delivery.objects.get().status == DeliveryStatus.PENDING
    assert outbox == []
    # The broker is back; the periodic sweep delivers the row, once.
    assert deliver_pending().sent == 1
    assert deliver_pending().sent == 0
    assert [m.address for m in outbox] == ["13811112222"]
