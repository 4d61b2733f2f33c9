"""The deputy's and staff's side: the 群众来信 list, the report page and its actions (loop engine), the
masked phone and its logged reveal, the navigation badge."""

import pytest
from django.urls import reverse
from django.utils import timezone

from audit.models import SecurityEvent
from petitions.models import Item
from residents.models import Report, ReportEvent, ResidentCode
from tests.access import ViewAccessCases

pytestmark = pytest.mark.django_db


def _code(cast) -> ResidentCode:
    deputy = cast.deputy.deputy
    return ResidentCode.objects.get_or_create(kind="deputy", deputy=deputy, defaults={"area": deputy.area})[0]


def make_report(code, *, state="submitted", phone="13912345678", text="路灯坏了,晚上很黑。", category="urban",
                **extra) -> Report:
    """A confirmed report (the public path is tested in test_public.py)."""
    return Report.objects.create(code=code, area=code.area, category=category, text=text, phone=phone,
                                 name="王大妈", state=state, submitted_at=timezone.now(), **extra)


def _report(cast) -> Report:
    return Report.objects.filter(code=_code(cast)).first() or make_report(_code(cast))


class TestListAccess(ViewAccessCases):
    allowed = ("deputy", "staff", "dongshan_staff", "group_leader", "renwei_deputy")
    forbidden = ("zhujian", "leader")

    def url(self, cast):
        _report(cast)
        return reverse("residents:list")


class TestDetailAccess(ViewAccessCases):
    allowed = ("deputy", "staff", "dongshan_staff", "admin")
    out_of_scope = ("renwei_deputy", "renwei_staff", "group_leader")
    forbidden = ("zhujian", "leader")

    def url(self, cast):
        return reverse("residents:detail", args=[_report(cast).pk])


class TestAcceptAccess(ViewAccessCases):
    method = "post"
    allowed = ("deputy",)
    out_of_scope = ("renwei_deputy", "renwei_staff", "group_leader")
    forbidden = ("zhujian", "leader")

    def url(self, cast):
        return reverse("residents:action", args=[_report(cast).pk, "accept"])

    def test_it_accepts_through_the_loop(self, login, cast):
        report = _report(cast)
        login(cast.deputy).post(self.url(cast))
        report.refresh_from_db()
        assert report.state == "accepted"
        event = ReportEvent.objects.get(report=report, action="accept")
        assert event.actor == cast.deputy and event.from_state == "submitted"


class TestAnswerAccess(ViewAccessCases):
    method = "post"
    allowed = ("dongshan_staff",)
    out_of_scope = ("renwei_deputy", "renwei_staff")
    forbidden = ("zhujian", "leader")

    def url(self, cast):
        return reverse("residents:action", args=[_report(cast).pk, "answer"])

    def data(self, cast):
        return {"reply": "已联系物业,本周内修好。"}


def test_it_answers_and_the_resident_sees_the_reply(client, login, cast):
    report = make_report(_code(cast))
    empty = login(cast.deputy).post(reverse("residents:action", args=[report.pk, "answer"]), {"reply": " "})
    assert empty.status_code == 400 and Report.objects.get(pk=report.pk).state == "submitted"
    login(cast.deputy).post(reverse("residents:action", args=[report.pk, "answer"]), {"reply": "已联系物业,本周内修好。"})
    report.refresh_from_db()
    assert report.state == "answered" and report.closed_at is not None
    client.logout()
    status = client.get(report.status_url()).content.decode()
    assert "已答复" in status and "已联系物业" in status
    # A second answer (a double click) is refused and changes nothing.
    again = login(cast.deputy).post(reverse("residents:action", args=[report.pk, "answer"]), {"reply": "再答一次"})
    assert again.status_code == 400 and "已被他人处理" in again.content.decode()
    assert Report.objects.get(pk=report.pk).public_reply == "已联系物业,本周内修好。"


def test_it_rejects_only_with_a_reason(login, cast):
    report = make_report(_code(cast))
    url = reverse("residents:action", args=[report.pk, "reject"])
    assert login(cast.deputy).post(url, {"reason": ""}).status_code == 400
    login(cast.deputy).post(url, {"reason": "属于法院正在审理的案件。"})
    report.refresh_from_db()
    assert report.state == "rejected" and report.public_reply == "属于法院正在审理的案件。"


def test_it_converts_to_an_opinion_item_through_the_petitions_door(client, login, cast):
    report = make_report(_code(cast), address="周庄社区3号楼")
    login(cast.deputy).post(reverse("residents:action", args=[report.pk, "accept"]))
    response = login(cast.deputy).post(reverse("residents:action", args=[report.pk, "convert"]), {"note": "建议统一检修"})
    assert response.status_code == 302
    report.refresh_from_db()
    item = Item.objects.get()
    assert report.state == "converted" and report.item == item and item.resident_report == report
    assert item.source == "online" and item.deputy == cast.deputy.deputy and item.state == "submitted"
    assert "路灯坏了" in item.content and "13912345678" not in item.content and "王大妈" not in item.content
    assert item.events.filter(action="create").exists()  # written by item_create, with its own timeline
    client.logout()
    status = client.get(report.status_url()).content.decode()
    assert item.number in status and 'data-testid="item-state"' in status


def test_a_station_report_is_converted_for_the_deputy_on_duty(login, cast):
    from deputies.models import DeputyHome

    home = DeputyHome.objects.create(name="周庄社区代表联络站", kind="station", area=cast.deputy.deputy.area)
    station = ResidentCode.objects.create(kind="station", home=home, area=home.area)
    report = make_report(station)
    # Nobody on duty: the area staff cannot convert it and are told why.
    refused = login(cast.dongshan_staff).post(reverse("residents:action", args=[report.pk, "convert"]), {"note": ""})
    assert refused.status_code == 400 and "没有值班代表" in refused.content.decode() and not Item.objects.exists()
    station.on_duty.add(cast.group_leader.deputy)
    assert login(cast.deputy).get(reverse("residents:detail", args=[report.pk])).status_code == 404
    login(cast.group_leader).post(reverse("residents:action", args=[report.pk, "convert"]), {"note": ""})
    assert Item.objects.get().deputy == cast.group_leader.deputy


def test_the_list_masks_phones_and_keeps_its_query_budget(login, cast, django_assert_max_num_queries):
    code = _code(cast)
    for i in range(8):
        make_report(code, phone=f"1391234{i:04d}")
    make_report(code, state="pending", phone="13800000000")  # unconfirmed: not listed
    client = login(cast.deputy)
    client.get(reverse("residents:list"))  # warm the session
    with django_assert_max_num_queries(12):
        page = client.get(reverse("residents:list")).content.decode()
    assert page.count('data-testid="report-row"') == 8
    assert "139****0003" in page and "13912340003" not in page and "13800000000" not in page
    staff = login(cast.staff)
    staff.get(reverse("residents:list"))
    with django_assert_max_num_queries(15):
        staff_page = staff.get(reverse("residents:list"))
    assert staff_page.content.decode().count('data-testid="report-row"') == 8
    assert login(cast.renwei_deputy).get(reverse("residents:list")).content.decode().count('data-testid="report-row"') == 0


def test_the_full_phone_only_through_a_logged_reveal(login, cast):
    report = make_report(_code(cast))
    url = reverse("privacy:reveal", args=["residents.report.phone", report.pk])
    page = login(cast.deputy).get(reverse("residents:detail", args=[report.pk])).content.decode()
    assert "139****5678" in page and "13912345678" not in page and 'data-testid="reveal-phone"' not in page
    assert "(未公开)" in page and "王大妈" not in page  # the name is hidden unless the resident chose to show it
    assert login(cast.deputy).post(url).status_code == 403
    assert login(cast.renwei_staff).post(url).status_code == 404
    staff_page = login(cast.staff).get(reverse("residents:detail", args=[report.pk])).content.decode()
    assert 'data-testid="reveal-phone"' in staff_page and "13912345678" not in staff_page
    response = login(cast.staff).post(url)
    assert "13912345678" in response.content.decode()
    event = SecurityEvent.objects.filter(kind="personal_data_view", user=cast.staff).get()
    assert event.object_id == str(report.pk) and event.detail["field"] == "residents.report.phone"


def test_the_nav_counts_new_reports_in_scope(login, cast):
    code = _code(cast)
    make_report(code)
    make_report(code)
    make_report(code, state="accepted")
    page = login(cast.deputy).get(reverse("residents:list")).content.decode()
    assert reverse("residents:list") in page
    from core.nav import items_for

    counts = {e["key"]: e["count"] for e in items_for(cast.deputy)}
    assert counts["items_residents"] == 2
    assert {e["key"]: e["count"] for e in items_for(cast.renwei_deputy)}["items_residents"] == 0
    assert "items_resident_codes" not in counts
    assert {e["key"]: e["count"] for e in items_for(cast.dongshan_staff)}["items_residents"] == 2
