"""The resident rates the answer from the tokened status page: 满意 / 基本满意 → 已办结; one 不满意
reopens it; a second goes to staff review (待复核), which staff close with a note."""

import pytest
from django.test import Client
from django.urls import reverse

from notifications.models import Notification
from residents import services
from residents.models import Report, ReportEvent
from tests.access import ViewAccessCases

from .conftest import conclude_item
from .test_inbox import _code, make_report

pytestmark = pytest.mark.django_db


def _answered(cast, reply="已联系物业,本周内修好。") -> Report:
    report = make_report(_code(cast))
    return services.report_answer(report=report, actor=cast.deputy, reply=reply)


def _rate(client, report, satisfaction, comment=""):
    return client.post(reverse("residents_public:rate", args=[report.status_token]),
                       {"satisfaction": satisfaction, "comment": comment})


def test_it_closes_on_satisfied(client, cast):
    report = _answered(cast)
    page = client.get(report.status_url()).content.decode()
    assert 'data-testid="rate-form"' in page
    response = _rate(client, report, "basic")
    assert response.status_code == 302
    report.refresh_from_db()
    assert report.state == "closed" and report.satisfaction == "basic" and report.rated_at is not None
    event = ReportEvent.objects.get(report=report, action="rate")
    assert event.actor is None and event.from_state == "answered" and event.data == {"satisfaction": "basic"}
    page = client.get(report.status_url()).content.decode()
    assert "已办结" in page and "基本满意" in page and 'data-testid="rate-form"' not in page
    # Rating again is refused and changes nothing.
    again = _rate(client, report, "dissatisfied", "再评一次")
    assert again.status_code == 400 and "已经评价过了" in again.content.decode()
    assert Report.objects.get(pk=report.pk).satisfaction == "basic"


def test_one_dissatisfied_reopens_it_and_a_second_goes_to_staff_review(client, login, cast):
    report = _answered(cast)
    no_reason = _rate(client, report, "dissatisfied")
    assert no_reason.status_code == 400 and "不满意的原因" in no_reason.content.decode()
    _rate(client, report, "dissatisfied", "路灯还是不亮")
    report.refresh_from_db()
    assert report.state == "accepted" and report.dissatisfied_count == 1 and report.public_reply == ""
    assert report.closed_at is None
    note = Notification.objects.get(recipient=cast.deputy, kind="residents.rated")
    assert "不满意" in note.title and note.body == "路灯还是不亮"
    page = login(cast.deputy).get(reverse("residents:detail", args=[report.pk])).content.decode()
    assert "路灯还是不亮" in page and 'data-testid="action-answer"' in page

    services.report_answer(report=report, actor=cast.deputy, reply="已更换灯具。")
    client.logout()
    _rate(client, report, "dissatisfied", "换了还是坏")
    report.refresh_from_db()
    assert report.state == "review" and report.dissatisfied_count == 2
    assert Notification.objects.filter(recipient=cast.dongshan_staff, kind="residents.rated", task="review").exists()
    # Staff see it in their list under 待复核 and close it with a note.
    staff = login(cast.dongshan_staff)
    listing = staff.get(reverse("residents:list") + "?state=review").content.decode()
    assert listing.count('data-testid="report-row"') == 1
    url = reverse("residents:action", args=[report.pk, "review_close"])
    assert staff.post(url, {"note": ""}).status_code == 400
    staff.post(url, {"note": "已现场核实,路灯正常,群众诉求超出范围。"})
    report.refresh_from_db()
    assert report.state == "closed"
    client.logout()
    assert "已现场核实" not in client.get(report.status_url()).content.decode()  # the note is internal


def test_a_transferred_report_reopens_to_the_area_staff(client, login, cast):
    report = make_report(_code(cast))
    services.report_transfer(report=report, actor=cast.deputy)
    services.report_answer(report=report, actor=cast.dongshan_staff, reply="街道已处理。")
    _rate(client, report, "dissatisfied", "没有处理")
    report.refresh_from_db()
    assert report.state == "transferred"
    assert Notification.objects.filter(recipient=cast.dongshan_staff, kind="residents.rated").exists()


def test_a_converted_report_is_rated_once_its_item_is_concluded(client, login, cast):
    report = make_report(_code(cast))
    report = services.report_convert(report=report, actor=cast.deputy)
    page = client.get(report.status_url()).content.decode()
    assert 'data-testid="rate-form"' not in page and "已提交" in page  # the item's state
    early = _rate(client, report, "satisfied")
    assert early.status_code == 400 and "办结后才能评价" in early.content.decode()
    assert Report.objects.get(pk=report.pk).state == "converted"
    conclude_item(cast, report.item)
    page = client.get(report.status_url()).content.decode()
    assert 'data-testid="rate-form"' in page and "已办结" in page
    _rate(client, report, "satisfied")
    report.refresh_from_db()
    assert report.state == "closed" and report.satisfaction == "satisfied"


def test_a_reopened_converted_report_is_not_converted_twice(client, login, cast):
    report = services.report_convert(report=make_report(_code(cast)), actor=cast.deputy)
    conclude_item(cast, report.item)
    _rate(client, report, "dissatisfied", "没解决")
    report.refresh_from_db()
    assert report.state == "accepted" and report.item_id
    page = login(cast.deputy).get(reverse("residents:detail", args=[report.pk])).content.decode()
    assert 'data-testid="action-convert"' not in page and 'data-testid="action-answer"' in page
    refused = login(cast.deputy).post(reverse("residents:action", args=[report.pk, "convert"]), {"note": ""})
    assert refused.status_code == 400 and "不能再次转换" in refused.content.decode()


def test_the_rating_endpoint_is_post_only_csrf_checked_and_bounded(client, cast):
    report = _answered(cast)
    url = reverse("residents_public:rate", args=[report.status_token])
    assert client.get(url).status_code == 405
    assert Client(enforce_csrf_checks=True).post(url, {"satisfaction": "satisfied"}).status_code == 403
    for bad in ({"satisfaction": "excellent"}, {"satisfaction": "<script>"}, {},
                {"satisfaction": "dissatisfied", "comment": "长" * 501}):
        response = client.post(url, bad)
        assert response.status_code == 400, bad
        assert "<script>" not in response.content.decode()
    script = _rate(client, report, "dissatisfied", "<script>alert(1)</script>没修好")
    assert script.status_code == 302
    report.refresh_from_db()
    assert report.state == "accepted"
    # Guessed tokens rate nothing.
    for token in ("A" * 24, report.receipt_no, str(report.pk), report.code.token):
        assert client.post(f"/q/s/{token}/rate/", {"satisfaction": "satisfied"}).status_code == 404


def test_ratings_are_rate_limited_per_ip(client, cast, settings):
    settings.RESIDENT_RATE_LIMITS = (1, 20)
    first, second = _answered(cast), _answered(cast, reply="第二封的答复。")
    assert _rate(client, first, "satisfied").status_code == 302
    response = _rate(client, second, "satisfied")
    assert response.status_code == 400 and "过于频繁" in response.content.decode()
    assert Report.objects.get(pk=second.pk).state == "answered"


class TestReviewCloseAccess(ViewAccessCases):
    method = "post"
    allowed = ("dongshan_staff",)
    out_of_scope = ("renwei_staff",)
    forbidden = ("zhujian", "leader", "deputy", "renwei_deputy")

    def url(self, cast):
        report = Report.objects.filter(code=_code(cast), state="review").first()
        if report is None:
            report = make_report(_code(cast), state="review", dissatisfied_count=2)
        return reverse("residents:action", args=[report.pk, "review_close"])

    def data(self, cast):
        return {"note": "已复核。"}

    def test_it_closes_after_review(self, login, cast):
        url = self.url(cast)
        login(cast.dongshan_staff).post(url, self.data(cast))
        report = Report.objects.get(code=_code(cast))
        assert report.state == "closed"
        assert ReportEvent.objects.get(report=report, action="review_close").actor == cast.dongshan_staff
