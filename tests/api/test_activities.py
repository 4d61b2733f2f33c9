"""Activities over the API: the list and detail scoped as the pages (activities.selectors.activity_list,
Activity.objects.visible_to), and an invited deputy's own 签到 / 请假 through the one service
activities.services.attendance_answer."""

import datetime as dt

import pytest
from django.utils import timezone

from activities import services
from activities.choices import AttendanceStatus
from activities.models import Attendance
from core.loops import LoopError, NotAllowed, StaleState
from tests.activities.factories import activity_with

pytestmark = pytest.mark.django_db


def invited(cast, *deputies, **kwargs):
    """An activity of 东山街道 today with these deputies invited (刘芳 by default), nothing recorded yet."""
    people = deputies or (cast.deputy.deputy,)
    return activity_with(*people, status=AttendanceStatus.INVITED, date=kwargs.pop("date", timezone.localdate()),
                         **kwargs)


def status_of(activity, user):
    return Attendance.objects.get(activity=activity, deputy=user.deputy).status


def test_it_lists_the_activities_in_scope_with_my_status(api, cast, django_assert_max_num_queries):
    mine = invited(cast, title="东山路交通调研")
    theirs = invited(cast, cast.renwei_deputy.deputy, title="任圩视察", organiser_area=cast.renwei_staff.area)

    def ids(user, **params):
        response = api(user).get("/api/v1/activities", params)
        assert response.status_code == 200, response.content
        return {row["id"] for row in response.json()["results"]}

    assert ids(cast.deputy) == {mine.pk} and ids(cast.renwei_deputy) == {theirs.pk}
    assert ids(cast.staff) == ids(cast.leader) == {mine.pk, theirs.pk}
    assert ids(cast.dongshan_staff) == {mine.pk} and ids(cast.group_leader) == set()
    assert ids(cast.staff, q="任圩") == {theirs.pk} and ids(cast.staff, year=2025) == set()
    assert api(cast.zhujian).get("/api/v1/activities").status_code == 403  # the page refuses units too
    assert api(cast.staff).get("/api/v1/activities", {"year": "x"}).json()["fields"]["year"]
    row = api(cast.deputy).get("/api/v1/activities").json()["results"][0]
    assert row["my_status"] == "invited" and row["invited_count"] == 1 and row["organiser"] == "东山街道"
    assert api(cast.staff).get("/api/v1/activities").json()["results"][0]["my_status"] is None
    for n in range(6):
        invited(cast, title=f"活动{n}", date=timezone.localdate() - dt.timedelta(days=n))
    with django_assert_max_num_queries(8):
        rows = api(cast.deputy).get("/api/v1/activities", {"page_size": 3}).json()
    assert len(rows["results"]) == 3 and rows["next"]
    rest = api(cast.deputy).get(rows["next"]).json()["results"]
    assert len(rest) == 3 and {r["id"] for r in rest}.isdisjoint({r["id"] for r in rows["results"]})


def test_it_shows_an_activity_in_scope_with_the_answers_open_now(api, cast):
    activity = invited(cast, cast.deputy.deputy, cast.group_leader.deputy)
    response = api(cast.deputy).get(f"/api/v1/activities/{activity.pk}")
    assert response.status_code == 200
    data = response.json()
    assert data["actions"] == ["sign_in", "ask_leave"] and data["my_status"] == "invited"
    assert {a["deputy"]["name"] for a in data["attendances"]} == {"刘芳", "张伟"}
    assert api(cast.staff).get(f"/api/v1/activities/{activity.pk}").json()["actions"] == []
    cached = api(cast.deputy).get(f"/api/v1/activities/{activity.pk}", HTTP_IF_NONE_MATCH=response["ETag"])
    assert cached.status_code == 304
    for user in (cast.renwei_deputy, cast.renwei_staff, cast.zhujian):
        assert api(user).get(f"/api/v1/activities/{activity.pk}").status_code == 404
    tomorrow = invited(cast, date=timezone.localdate() + dt.timedelta(days=1))
    assert api(cast.deputy).get(f"/api/v1/activities/{tomorrow.pk}").json()["actions"] == ["ask_leave"]


def test_it_signs_in_an_invited_deputy_on_the_day_once(api, cast):
    activity = invited(cast)
    url = f"/api/v1/activities/{activity.pk}/actions/sign_in"
    client = api(cast.deputy)
    response = client.post(url, HTTP_IDEMPOTENCY_KEY="s-1")
    assert response.status_code == 200, response.content
    assert response.json()["message"] == "已签到。" and response.json()["activity"]["my_status"] == "attended"
    assert client.post(url, HTTP_IDEMPOTENCY_KEY="s-1")["Idempotent-Replayed"] == "true"  # a retry: the same answer
    again = client.post(url)
    assert again.status_code == 409 and again.json()["message"] == "您已签到。"
    assert status_of(activity, cast.deputy) == AttendanceStatus.ATTENDED
    assert client.post(f"/api/v1/activities/{activity.pk}/actions/ask_leave", {"reason": "出差"},
                       format="json").json()["message"] == "您已签到,不能再请假。"
    assert client.get(url).status_code == 405
    assert client.post(f"/api/v1/activities/{activity.pk}/actions/dance").status_code == 404


def test_it_refuses_answers_by_role_scope_and_date(api, cast):
    activity = invited(cast)
    url = f"/api/v1/activities/{activity.pk}/actions/sign_in"
    assert api().post(url).status_code == 401
    for user in (cast.staff, cast.leader, cast.zhujian):
        assert api(user).post(url).status_code == 403, user
    assert api(cast.renwei_deputy).post(url).status_code == 404
    led = invited(cast, cast.renwei_deputy.deputy, organiser_group=cast.group_leader.deputy.memberships.get().group)
    refused = api(cast.group_leader).post(f"/api/v1/activities/{led.pk}/actions/sign_in")  # sees it, not invited
    assert refused.status_code == 403 and refused.json()["message"] == "您不在该活动的邀请名单中。"
    past = invited(cast, date=timezone.localdate() - dt.timedelta(days=1))
    response = api(cast.deputy).post(f"/api/v1/activities/{past.pk}/actions/sign_in")
    assert response.status_code == 409 and "只能在活动当天" in response.json()["message"]
    response = api(cast.deputy).post(f"/api/v1/activities/{past.pk}/actions/ask_leave", {"reason": "出差"},
                                     format="json")
    assert response.status_code == 409 and "活动已经结束" in response.json()["message"]
    assert status_of(past, cast.deputy) == status_of(activity, cast.deputy) == AttendanceStatus.INVITED


def test_it_takes_a_leave_with_its_reason_until_the_day(api, cast):
    activity = invited(cast, date=timezone.localdate() + dt.timedelta(days=3))
    url = f"/api/v1/activities/{activity.pk}/actions/ask_leave"
    client = api(cast.deputy)
    response = client.post(url, {}, format="json")
    assert response.status_code == 400 and response.json()["fields"]["reason"] == ["这个字段是必填项。"]
    response = client.post(url, {"reason": "参加市人大培训"}, format="json")
    assert response.status_code == 200 and response.json()["activity"]["my_status"] == "leave"
    row = Attendance.objects.get(activity=activity, deputy=cast.deputy.deputy)
    assert (row.status, row.note) == (AttendanceStatus.LEAVE, "参加市人大培训")
    assert client.post(url, {"reason": "再请一次"}, format="json").status_code == 409


def test_the_service_keeps_absences_to_staff(cast):
    activity = invited(cast)
    services.attendance_record(activity=activity, actor=cast.staff,
                               statuses={cast.deputy.deputy.pk: (AttendanceStatus.ABSENT, "")})
    with pytest.raises(LoopError, match="缺席"):
        services.attendance_answer(activity=activity, actor=cast.deputy, status=AttendanceStatus.LEAVE, note="补请假")
    with pytest.raises(NotAllowed):
        services.attendance_answer(activity=activity, actor=cast.staff, status=AttendanceStatus.ATTENDED)
    came = invited(cast)
    services.attendance_answer(activity=came, actor=cast.deputy, status=AttendanceStatus.LEAVE, note="出差")
    # Asked for leave, then came after all: 签到 replaces the leave, and the reason stays on the record.
    row = services.attendance_answer(activity=came, actor=cast.deputy, status=AttendanceStatus.ATTENDED)
    assert (row.status, row.note) == (AttendanceStatus.ATTENDED, "出差")
    with pytest.raises(StaleState):
        services.attendance_answer(activity=came, actor=cast.deputy, status=AttendanceStatus.ATTENDED)
    with pytest.raises(ValueError):
        services.attendance_answer(activity=came, actor=cast.deputy, status=AttendanceStatus.ABSENT)


def test_the_detail_keeps_its_queries_as_the_invited_grow(api, cast):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from tests.factories import MandateFactory

    few = invited(cast, cast.deputy.deputy, cast.group_leader.deputy)
    many = invited(cast, cast.deputy.deputy, *[MandateFactory().deputy for _ in range(12)])
    client = api(cast.deputy)
    client.get(f"/api/v1/activities/{few.pk}")  # the token's device row is touched once, on the first call
    counts = []
    for activity in (few, many):
        with CaptureQueriesContext(connection) as queries:
            assert client.get(f"/api/v1/activities/{activity.pk}").status_code == 200
        counts.append(len(queries))
    assert counts[0] == counts[1] <= 10, counts
