"""转交: the deputy passes a report to the area staff of the code's area, who then see it, answer,
refuse or convert it; the deputy follows it but no longer acts."""

import pytest
from django.urls import reverse

from notifications.models import Notification
from petitions.models import Item
from residents import services
from residents.models import Report, ReportEvent
from tests.access import ViewAccessCases

from .test_inbox import _code, make_report

pytestmark = pytest.mark.django_db


def _report(cast) -> Report:
    return Report.objects.filter(code=_code(cast)).first() or make_report(_code(cast))


class TestTransferAccess(ViewAccessCases):
    method = "post"
    allowed = ("deputy",)
    out_of_scope = ("renwei_deputy", "renwei_staff", "group_leader")
    forbidden = ("zhujian", "leader")

    def url(self, cast):
        return reverse("residents:action", args=[_report(cast).pk, "transfer"])

    def data(self, cast):
        return {"note": "涉及道路改造,请街道统筹。"}

    def test_it_transfers_and_notifies_the_area_staff(self, login, cast, django_capture_on_commit_callbacks):
        report = _report(cast)
        with django_capture_on_commit_callbacks(execute=True):
            login(cast.deputy).post(self.url(cast), self.data(cast))
        report.refresh_from_db()
        assert report.state == "transferred" and report.transferred_at is not None and report.accepted_at
        event = ReportEvent.objects.get(report=report, action="transfer")
        assert event.actor == cast.deputy and event.comment == "涉及道路改造,请街道统筹。"
        note = Notification.objects.get(kind="residents.transfer")
        assert note.recipient == cast.dongshan_staff and note.url == report.get_absolute_url()
        assert not Notification.objects.filter(kind="residents.transfer", recipient=cast.renwei_staff).exists()


def test_area_staff_answer_a_transferred_report_and_the_deputy_only_follows(login, cast):
    report = services.report_transfer(report=make_report(_code(cast)), actor=cast.deputy)
    deputy_page = login(cast.deputy).get(reverse("residents:detail", args=[report.pk])).content.decode()
    assert "已转交街道" in deputy_page and 'data-testid="action-answer"' not in deputy_page
    refused = login(cast.deputy).post(reverse("residents:action", args=[report.pk, "answer"]), {"reply": "我来答"})
    assert refused.status_code == 403
    # Staff transferred to see it in their list (待办 badge) and answer it.
    staff = login(cast.dongshan_staff)
    listing = staff.get(reverse("residents:list") + "?state=transferred").content.decode()
    assert listing.count('data-testid="report-row"') == 1
    from core.nav import items_for

    assert {e["key"]: e["count"] for e in items_for(cast.dongshan_staff)}["items_residents"] == 1
    staff.post(reverse("residents:action", args=[report.pk, "answer"]), {"reply": "街道已协调修复。"})
    report.refresh_from_db()
    assert report.state == "answered" and report.public_reply == "街道已协调修复。"


def test_area_staff_convert_or_refuse_a_transferred_report(login, cast):
    first = services.report_transfer(report=make_report(_code(cast)), actor=cast.deputy)
    login(cast.dongshan_staff).post(reverse("residents:action", args=[first.pk, "convert"]), {"note": ""})
    first.refresh_from_db()
    assert first.state == "converted" and Item.objects.get().deputy == cast.deputy.deputy
    second = services.report_transfer(report=make_report(_code(cast)), actor=cast.deputy)
    login(cast.dongshan_staff).post(reverse("residents:action", args=[second.pk, "reject"]), {"reason": "重复反映。"})
    assert Report.objects.get(pk=second.pk).state == "rejected"


def test_it_refuses_to_transfer_twice_or_without_area_staff(login, cast):
    report = services.report_transfer(report=make_report(_code(cast)), actor=cast.deputy)
    again = login(cast.deputy).post(reverse("residents:action", args=[report.pk, "transfer"]), {"note": ""})
    assert again.status_code == 400 and "已被他人处理" in again.content.decode()
    cast.dongshan_staff.is_active = False
    cast.dongshan_staff.save(update_fields=["is_active"])
    other = make_report(_code(cast))
    response = login(cast.deputy).post(reverse("residents:action", args=[other.pk, "transfer"]), {"note": ""})
    assert response.status_code == 400 and "无法转交" in response.content.decode()
    assert Report.objects.get(pk=other.pk).state == "submitted"
