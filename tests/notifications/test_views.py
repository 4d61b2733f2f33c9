"""The notification centre, settings and the staff delivery monitor."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from notifications.choices import Channel, DeliveryStatus
from notifications.models import Delivery, Notification, NotificationPreference
from notifications.services import notify
from tests.access import ViewAccessCases

pytestmark = pytest.mark.django_db


def to_deputy(cast, key="t:1", url="/items/1/"):
    notify(key=key, kind="test", recipients=[cast.deputy], title="社情民意已答复,请评价", body="正文", url=url)
    return Notification.objects.get(key=f"{key}:u{cast.deputy.pk}")


class TestList(ViewAccessCases):
    allowed = ("deputy", "staff", "zhujian", "leader", "admin", "group_leader")

    def url(self, cast):
        return reverse("notifications:list")


class TestDetail(ViewAccessCases):
    allowed = ("deputy", "staff", "admin")
    out_of_scope = ("group_leader", "zhujian", "leader", "dongshan_staff")

    def url(self, cast):
        return reverse("notifications:detail", args=[to_deputy(cast).pk])


class TestOpen(ViewAccessCases):
    method = "post"
    allowed = ("deputy",)
    out_of_scope = ("group_leader", "zhujian", "staff")

    def url(self, cast):
        return reverse("notifications:open", args=[to_deputy(cast).pk])


class TestMarkRead(ViewAccessCases):
    method = "post"
    allowed = ("deputy", "zhujian", "leader")

    def url(self, cast):
        return reverse("notifications:mark_read")


class TestPreferences(ViewAccessCases):
    allowed = ("deputy", "zhujian", "leader", "staff")

    def url(self, cast):
        return reverse("notifications:preferences")


class TestMonitor(ViewAccessCases):
    allowed = ("staff", "admin")
    forbidden = ("deputy", "zhujian", "leader", "dongshan_staff", "group_leader")

    def url(self, cast):
        return reverse("notifications:monitor")


class TestRetry(ViewAccessCases):
    method = "post"
    allowed = ("staff", "admin")
    forbidden = ("deputy", "zhujian", "leader", "dongshan_staff")

    def url(self, cast):
        return reverse("notifications:retry", args=[to_deputy(cast).pk])


def test_it_shows_the_unread_count_in_the_navigation(cast, login):
    to_deputy(cast, "t:1")
    to_deputy(cast, "t:2")
    html = login(cast.deputy).get(reverse("home")).content.decode()
    assert 'data-nav="notifications"' in html
    nav = html.split('data-nav="notifications"')[1].split("</a>")[0]
    assert ">2</span>" in nav


def test_it_lists_only_my_notifications_in_constant_queries(cast, login):
    client = login(cast.deputy)
    url = reverse("notifications:list")
    to_deputy(cast, "t:0")
    client.get(url)  # warm up sessions and caches
    with CaptureQueriesContext(connection) as few:
        assert client.get(url).status_code == 200
    for i in range(1, 15):
        to_deputy(cast, f"t:{i}")
    notify(key="other", kind="test", recipients=[cast.group_leader], title="别人的通知")
    with CaptureQueriesContext(connection) as many:
        response = client.get(url)
    assert len(many) == len(few) <= 12, [q["sql"] for q in many.captured_queries]
    body = response.content.decode()
    assert body.count("data-notification=") == 15 and "别人的通知" not in body


def test_it_marks_read_and_goes_to_the_item(cast, login):
    n = to_deputy(cast, url="/items/42/")
    response = login(cast.deputy).post(reverse("notifications:open", args=[n.pk]))
    assert response.status_code == 302 and response["Location"] == "/items/42/"
    n.refresh_from_db()
    assert n.read_at is not None


def test_it_does_not_follow_an_outside_link(cast, login):
    n = to_deputy(cast, url="https://evil.example/")
    response = login(cast.deputy).post(reverse("notifications:open", args=[n.pk]))
    assert response["Location"] == reverse("notifications:detail", args=[n.pk])


def test_it_marks_all_read(cast, login):
    to_deputy(cast, "t:1")
    to_deputy(cast, "t:2")
    login(cast.deputy).post(reverse("notifications:mark_read"))
    assert not Notification.objects.for_user(cast.deputy).unread().exists()


def test_it_saves_the_channels_a_person_chooses(cast, login):
    login(cast.deputy).post(reverse("notifications:preferences"), {"channels": ["email", "dingtalk"]})
    assert NotificationPreference.objects.get(user=cast.deputy).channels == ["email", "dingtalk"]


def test_it_shows_staff_each_channel_and_lets_them_retry_a_failure(cast, login):
    n = to_deputy(cast)
    sms = n.deliveries.get(channel=Channel.SMS)
    Delivery.objects.filter(pk=sms.pk).update(status=DeliveryStatus.FAILED, last_error="网关超时", attempts=6)
    client = login(cast.staff)
    page = client.get(reverse("notifications:detail", args=[n.pk])).content.decode()
    assert 'data-delivery="sms:failed"' in page and "网关超时" in page and 'data-delivery="in_app:sent"' in page
    client.post(reverse("notifications:retry", args=[n.pk]))
    sms.refresh_from_db()
    assert sms.status == DeliveryStatus.PENDING and sms.attempts == 0


def test_it_lists_undeliverable_notifications_for_staff(cast, login):
    from tests import factories

    person = factories.DeputyFactory(name="孙无号", mobile="")
    notify(key="t:x", kind="test", recipients=[person], title="无法送达的提醒")
    to_deputy(cast)
    page = login(cast.staff).get(reverse("notifications:monitor") + "?status=undeliverable").content.decode()
    assert "无法送达的提醒" in page and "社情民意已答复" not in page
    assert "无法送达 1 条" in page


def test_it_keeps_the_monitor_in_constant_queries(cast, login):
    client = login(cast.staff)
    url = reverse("notifications:monitor")
    to_deputy(cast, "t:0")
    client.get(url)
    with CaptureQueriesContext(connection) as few:
        client.get(url)
    for i in range(1, 10):
        to_deputy(cast, f"t:{i}")
    with CaptureQueriesContext(connection) as many:
        client.get(url)
    assert len(many) == len(few)
