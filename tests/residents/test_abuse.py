"""Abuse: the blocklist of numbers (same neutral message as a rate limit, no SMS), the duplicate hint,
and staff moderation of what the status page shows."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from residents.models import BlockedPhone, Report, ReportEvent
from tests.access import ViewAccessCases

from .conftest import report_data, submit_report
from .test_inbox import _code, make_report

pytestmark = pytest.mark.django_db
LIMIT_MESSAGE = "该手机号获取验证码过于频繁"


def test_a_blocked_number_gets_the_rate_limit_message_and_no_sms(client, cast, codes, sms):
    BlockedPhone.objects.create(phone="13912345678", created_by=cast.staff)
    page = client.post(f"/q/{codes['deputy'].token}/", report_data())
    assert LIMIT_MESSAGE in page.content.decode()
    assert not Report.objects.exists() and not sms.messages
    # Another number goes through; a number over its limit reads the very same words.
    submit_report(client, codes["deputy"], sms, phone="13912345679")
    again = client.post(f"/q/{codes['deputy'].token}/", report_data(phone="13912345679"))
    assert LIMIT_MESSAGE in again.content.decode()


def test_a_number_blocked_after_its_report_cannot_resend_codes(client, cast, codes, sms):
    client.post(f"/q/{codes['deputy'].token}/", report_data())
    report = Report.objects.get()
    BlockedPhone.objects.create(phone=report.phone)
    sent = len(sms.messages)
    page = client.post(f"/q/s/{report.status_token}/resend/", follow=True)
    assert LIMIT_MESSAGE in page.content.decode() and len(sms.messages) == sent


class TestBlockedListAccess(ViewAccessCases):
    allowed = ("staff", "admin")
    forbidden = ("dongshan_staff", "deputy", "zhujian", "leader")

    def url(self, cast):
        BlockedPhone.objects.get_or_create(phone="13900000000")
        return reverse("residents:blocked")

    def test_it_adds_a_number_and_masks_the_list(self, login, cast):
        client = login(cast.staff)
        assert client.post(self.url(cast), {"phone": "12", "reason": ""}).status_code == 400
        response = client.post(self.url(cast), {"phone": "13811112222", "reason": "骚扰"})
        assert response.status_code == 302
        blocked = BlockedPhone.objects.get(phone="13811112222")
        assert blocked.created_by == cast.staff and blocked.reason == "骚扰"
        page = client.get(self.url(cast)).content.decode()
        assert "138****2222" in page and "13811112222" not in page


class TestUnblockAccess(ViewAccessCases):
    method = "post"
    allowed = ("staff",)
    forbidden = ("dongshan_staff", "deputy", "leader")

    def url(self, cast):
        blocked = BlockedPhone.objects.get_or_create(phone="13900000000")[0]
        return reverse("residents:blocked_remove", args=[blocked.pk])

    def test_it_unblocks(self, login, cast):
        login(cast.staff).post(self.url(cast))
        assert not BlockedPhone.objects.exists()


class TestBlockFromReportAccess(ViewAccessCases):
    method = "post"
    allowed = ("staff",)
    forbidden = ("dongshan_staff", "deputy", "zhujian", "leader")

    def url(self, cast):
        report = Report.objects.filter(code=_code(cast)).first() or make_report(_code(cast))
        return reverse("residents:block", args=[report.pk])

    def test_it_blocks_the_reports_number_without_showing_it(self, login, cast):
        response = login(cast.staff).post(self.url(cast), follow=True)
        assert BlockedPhone.objects.filter(phone="13912345678").exists()
        assert "13912345678" not in response.content.decode()
        again = login(cast.staff).post(self.url(cast), follow=True)
        assert "已在屏蔽名单中" in again.content.decode() and BlockedPhone.objects.count() == 1


def test_the_report_page_hints_at_similar_reports_in_one_query(login, cast, django_assert_num_queries):
    code = _code(cast)
    report = make_report(code)
    same = [make_report(code, text=f"路灯又坏了 {i}") for i in range(3)]
    make_report(code, category="ecology")  # another category
    old = make_report(code)
    Report.objects.filter(pk=old.pk).update(submitted_at=timezone.now() - datetime.timedelta(days=31))
    from residents.views import _similar

    _similar(cast.deputy, report)  # the account's roles and deputy are loaded once per request anyway
    with django_assert_num_queries(1):
        rows, total = _similar(cast.deputy, report)
    assert total == 3 and {r.pk for r in rows} == {r.pk for r in same}
    page = login(cast.deputy).get(reverse("residents:detail", args=[report.pk])).content.decode()
    assert "近30天同类问题 3 件" in page
    for r in same:
        assert reverse("residents:detail", args=[r.pk]) in page
    # Out of scope nothing is counted.
    rows, total = _similar(cast.renwei_deputy, report)
    assert total == 0


class TestModerateAccess(ViewAccessCases):
    method = "post"
    allowed = ("dongshan_staff", "staff")
    out_of_scope = ("renwei_staff",)
    forbidden = ("deputy", "zhujian", "leader")

    def url(self, cast):
        report = Report.objects.filter(code=_code(cast)).first() or make_report(
            _code(cast), state="answered", public_reply="已联系物业,王大妈家门口13912345678已修好。")
        return reverse("residents:action", args=[report.pk, "moderate"])

    def data(self, cast):
        return {"public_reply": "已联系物业,已修好。"}

    def test_it_edits_and_hides_the_public_reply(self, client, login, cast):
        url = self.url(cast)
        detail = Report.objects.get(code=_code(cast)).get_absolute_url()
        assert 'data-testid="action-moderate"' in login(cast.dongshan_staff).get(detail).content.decode()
        assert 'data-testid="action-moderate"' not in login(cast.deputy).get(detail).content.decode()
        login(cast.dongshan_staff).post(url, self.data(cast))
        report = Report.objects.get(code=_code(cast))
        assert report.public_reply == "已联系物业,已修好。" and report.moderated_by == cast.dongshan_staff
        event = ReportEvent.objects.get(report=report, action="moderate")
        assert event.data["edited"] is True and event.from_state == event.to_state == "answered"
        client.logout()
        status = client.get(report.status_url()).content.decode()
        assert "已联系物业,已修好。" in status and "王大妈" not in status
        login(cast.dongshan_staff).post(url, {"public_reply": report.public_reply, "reply_hidden": "on"})
        client.logout()
        status = client.get(report.status_url()).content.decode()
        assert "已修好" not in status and 'data-testid="reply-withheld"' in status
        assert len(login(cast.dongshan_staff).post(url, {"public_reply": "长" * 2001}).content) > 0
        assert Report.objects.get(pk=report.pk).public_reply == "已联系物业,已修好。"
