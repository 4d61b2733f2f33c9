import datetime

import pytest
from django.urls import reverse

from activities.choices import ActivityKind, AttendanceStatus
from activities.models import Activity, Attendance, ReceptionProblem
from areas.models import Area
from deputies.models import DeputyHome
from tests.access import ViewAccessCases

from .factories import activity_with

pytestmark = pytest.mark.django_db


def dongshan_activity(cast):
    return activity_with(cast.deputy.deputy, title="东山调研")


class TestListAccess(ViewAccessCases):
    allowed = ("staff", "dongshan_staff", "deputy", "group_leader", "leader")
    forbidden = ("zhujian",)

    def url(self, cast):
        return reverse("activities:list")


class TestDetailAccess(ViewAccessCases):
    allowed = ("staff", "dongshan_staff", "deputy", "leader")
    out_of_scope = ("renwei_staff", "renwei_deputy", "zhujian")

    def url(self, cast):
        return reverse("activities:detail", args=[dongshan_activity(cast).pk])


class TestCreateAccess(ViewAccessCases):
    allowed = ("staff", "dongshan_staff", "group_leader")
    forbidden = ("deputy", "leader", "zhujian")

    def url(self, cast):
        return reverse("activities:create")


class TestEditAccess(ViewAccessCases):
    allowed = ("staff", "dongshan_staff")
    out_of_scope = ("renwei_staff",)
    forbidden = ("deputy", "renwei_deputy", "leader")

    def url(self, cast):
        return reverse("activities:edit", args=[dongshan_activity(cast).pk])


class TestAttendanceAccess(ViewAccessCases):
    method = "post"
    allowed = ("staff", "dongshan_staff")
    out_of_scope = ("renwei_staff",)
    forbidden = ("deputy", "leader")

    def url(self, cast):
        return reverse("activities:attendance", args=[dongshan_activity(cast).pk])

    def data(self, cast):
        return {f"status_{cast.deputy.deputy.pk}": AttendanceStatus.LEAVE}


def reception(cast):
    home = DeputyHome.objects.create(name="东山街道代表之家", area=Area.objects.get(name="东山街道"))
    return activity_with(cast.deputy.deputy, kind=ActivityKind.RECEPTION, title="接待选民日",
                         date=datetime.date(2026, 3, 5), home=home)


class TestProblemAddAccess(ViewAccessCases):
    method = "post"
    allowed = ("staff", "dongshan_staff")
    out_of_scope = ("renwei_staff",)
    forbidden = ("deputy", "leader")

    def url(self, cast):
        return reverse("activities:problem_add", args=[reception(cast).pk])

    def data(self, cast):
        return {"deputy": cast.deputy.deputy.pk, "description": "路灯不亮"}


def test_it_lists_activities_with_counts_in_a_fixed_number_of_queries(login, cast, django_assert_max_num_queries):
    for i in range(5):
        activity_with(cast.deputy.deputy, cast.group_leader.deputy, title=f"活动{i}")
    client = login(cast.staff)
    with django_assert_max_num_queries(13):  # with the navigation's badges (群众来信 among them)
        response = client.get(reverse("activities:list"))
    assert response.status_code == 200
    assert response.content.decode().count("活动") >= 5
    assert len(response.context["page_obj"].object_list) == 5
    assert response.context["page_obj"].object_list[0].attended_count == 2


def test_it_records_an_activity_with_invited_deputies(login, cast):
    client = login(cast.dongshan_staff)
    response = client.post(reverse("activities:create"), {
        "kind": ActivityKind.TRAINING, "title": "初任代表培训", "date": "2026-04-02",
        "organiser_area": Area.objects.get(name="东山街道").pk,
        "invited": [cast.deputy.deputy.pk, cast.group_leader.deputy.pk],
    })
    activity = Activity.objects.get(title="初任代表培训")
    assert response.status_code == 302
    assert activity.attendances.count() == 2
    assert activity.created_by == cast.dongshan_staff


def test_it_refuses_an_organiser_outside_the_staff_area(login, cast):
    client = login(cast.dongshan_staff)
    response = client.post(reverse("activities:create"), {
        "kind": ActivityKind.RESEARCH, "title": "越界", "date": "2026-04-02",
        "organiser_area": Area.objects.get(name="任圩街道").pk,
    })
    assert response.status_code == 200
    assert "选择一个有效的选项" in response.content.decode() or "有效" in response.content.decode()
    assert not Activity.objects.filter(title="越界").exists()


def test_it_requires_the_5th_or_25th_for_a_reception_day_unless_rescheduled(login, cast):
    home = DeputyHome.objects.create(name="东山街道代表之家", area=Area.objects.get(name="东山街道"))
    client = login(cast.staff)
    data = {"kind": ActivityKind.RECEPTION, "title": "接待选民日", "date": "2026-04-06",
            "organiser_area": Area.objects.get(name="东山街道").pk, "home": home.pk, "voters_received": 12}
    response = client.post(reverse("activities:create"), data)
    assert "每月5日或25日" in response.content.decode()
    response = client.post(reverse("activities:create"), {**data, "rescheduled": "on"})
    assert response.status_code == 302
    assert Activity.objects.get(title="接待选民日").voters_received == 12


def test_it_says_in_chinese_when_nothing_is_filled_in(login, cast):
    response = login(cast.staff).post(reverse("activities:create"), {"voters_received": "abc"})
    body = response.content.decode()
    assert response.status_code == 200
    assert "这个字段是必填项" in body and "请选择组织小组或组织区划" in body


def test_it_records_attendance_and_leave(login, cast):
    activity = activity_with(cast.deputy.deputy, cast.group_leader.deputy, status=AttendanceStatus.INVITED)
    login(cast.staff).post(reverse("activities:attendance", args=[activity.pk]), {
        f"status_{cast.deputy.deputy.pk}": AttendanceStatus.LEAVE, f"note_{cast.deputy.deputy.pk}": "出差",
        f"status_{cast.group_leader.deputy.pk}": AttendanceStatus.ATTENDED,
    })
    rows = dict(Attendance.objects.filter(activity=activity).values_list("deputy__name", "status"))
    assert rows == {"刘芳": AttendanceStatus.LEAVE, "张伟": AttendanceStatus.ATTENDED}


def test_it_counts_problems_raised_and_solved_on_a_reception_day(login, cast):
    activity = reception(cast)
    client = login(cast.dongshan_staff)
    for text, solved in (("路灯不亮", "on"), ("垃圾清运不及时", "")):
        client.post(reverse("activities:problem_add", args=[activity.pk]),
                    {"deputy": cast.deputy.deputy.pk, "description": text, "solved_on_site": solved})
    response = client.get(reverse("activities:detail", args=[activity.pk]))
    assert response.context["reception"] == {"raised": 2, "solved": 1}
    assert ReceptionProblem.objects.filter(activity=activity).count() == 2


def test_it_lets_a_deputy_see_only_activities_they_were_invited_to(login, cast):
    mine = activity_with(cast.deputy.deputy, title="我的活动")
    activity_with(cast.renwei_deputy.deputy, title="别人的活动", organiser_area=Area.objects.get(name="任圩街道"))
    response = login(cast.deputy).get(reverse("activities:list"))
    assert [a.pk for a in response.context["page_obj"].object_list] == [mine.pk]


def test_a_refused_problem_keeps_what_was_typed(login, cast):
    activity = reception(cast)
    text = "小区东门外路灯已坏三个月,夜间老人出行摔倒两次,希望尽快修复并加装监控。"
    response = login(cast.dongshan_staff).post(reverse("activities:problem_add", args=[activity.pk]),
                                               {"deputy": "", "voter_name": "王大爷", "description": text})
    body = response.content.decode()
    assert response.status_code == 400 and "这个字段是必填项" in body  # the page again, not a redirect
    assert text in body and 'value="王大爷"' in body
    assert not ReceptionProblem.objects.filter(activity=activity).exists()


def test_a_refused_link_keeps_the_number_typed(login, cast):
    activity = dongshan_activity(cast)
    response = login(cast.staff).post(reverse("activities:link_item", args=[activity.pk]), {"item": "SQ2026-999999"})
    body = response.content.decode()
    assert response.status_code == 400 and "找不到该社情民意" in body and 'value="SQ2026-999999"' in body


def test_refused_attendance_keeps_what_was_typed(login, cast):
    activity = activity_with(cast.deputy.deputy, cast.group_leader.deputy, status=AttendanceStatus.INVITED)
    deputy = cast.deputy.deputy.pk
    response = login(cast.staff).post(reverse("activities:attendance", args=[activity.pk]), {
        f"status_{deputy}": "nonsense", f"note_{deputy}": "在外地参加培训,下周返回",
        f"status_{cast.group_leader.deputy.pk}": AttendanceStatus.ATTENDED,
    })
    body = response.content.decode()
    assert response.status_code == 400 and "出席情况填写有误" in body and "在外地参加培训,下周返回" in body
    assert not Attendance.objects.filter(activity=activity, status=AttendanceStatus.ATTENDED).exists()
