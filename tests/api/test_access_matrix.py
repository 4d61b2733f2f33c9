"""The API's access matrix, like the pages': endpoint × persona, in and out of scope. Each write is
tried inside a savepoint that is rolled back, so every persona meets the same data."""

import pytest
from django.db import transaction

from areas.models import Area
from notifications.models import Notification
from notifications.services import notify
from petitions.choices import State
from tests.petitions.helpers import make

pytestmark = pytest.mark.django_db

EVERYONE = ("admin", "staff", "dongshan_staff", "renwei_staff", "zhujian", "huanbao", "deputy", "group_leader",
            "renwei_deputy", "leader")


def attempt(client, method, url, data=None):
    with transaction.atomic():
        response = getattr(client, method)(url, data, format="json") if method == "post" else client.get(url)
        transaction.set_rollback(True)
    return response


def check(api, cast, method, url, expected: dict, data=None):
    assert attempt(api(), method, url, data).status_code == 401
    got = {name: attempt(api(getattr(cast, name)), method, url, data).status_code for name in expected}
    assert got == expected


def test_item_detail(api, cast):
    item = make(cast, State.HANDLING)  # 东山街道, lead 区住建局, co 区生态环境分局, 刘芳 (东山 group)
    expected = dict.fromkeys(EVERYONE, 200) | {"renwei_staff": 404, "renwei_deputy": 404}
    check(api, cast, "get", f"/api/v1/items/{item.pk}", expected)


def test_item_list(api, cast):
    check(api, cast, "get", "/api/v1/items", dict.fromkeys(EVERYONE, 200))
    research = dict.fromkeys(EVERYONE, 403) | dict.fromkeys(("admin", "staff", "dongshan_staff", "renwei_staff"), 200)
    check(api, cast, "get", "/api/v1/items?box=research", research)


def test_item_create(api, cast):
    body = {"title": "路灯不亮", "content": "周庄社区路灯坏了。", "category": "urban",
            "area": Area.objects.get(name="东山街道").pk, "submit": True}
    expected = dict.fromkeys(("zhujian", "huanbao", "leader"), 403) | dict.fromkeys(
        ("deputy", "group_leader", "renwei_deputy"), 201)
    # Staff without a deputy profile enter on a deputy's behalf: the form asks which deputy (400).
    expected |= dict.fromkeys(("admin", "staff", "dongshan_staff", "renwei_staff"), 400)
    check(api, cast, "post", "/api/v1/items", expected, body)
    body["deputy"] = cast.deputy.deputy.pk
    check(api, cast, "post", "/api/v1/items", {"staff": 201, "dongshan_staff": 201, "renwei_staff": 400}, body)


def test_item_action_assign(api, cast):
    item = make(cast, State.RESEARCH)
    expected = dict.fromkeys(EVERYONE, 403) | {"admin": 200, "staff": 200, "dongshan_staff": 200, "renwei_staff": 404}
    check(api, cast, "post", f"/api/v1/items/{item.pk}/actions/assign", expected,
          {"lead_unit": cast.zhujian.unit_id})


def test_item_action_progress(api, cast):
    item = make(cast, State.HANDLING)
    expected = dict.fromkeys(EVERYONE, 403) | {"zhujian": 200, "huanbao": 200}
    check(api, cast, "post", f"/api/v1/items/{item.pk}/actions/progress", expected, {"comment": "已派人查看"})


def test_notification_read(api, cast):
    notify(key="matrix", kind="test", recipients=[cast.deputy], title="新的待办")
    pk = Notification.objects.get().pk
    expected = dict.fromkeys(EVERYONE, 404) | {"deputy": 200}  # an inbox is its owner's, even for admins
    check(api, cast, "post", f"/api/v1/notifications/{pk}/read", expected)


def test_me_and_devices(api, cast):
    check(api, cast, "get", "/api/v1/me", dict.fromkeys(EVERYONE, 200))
    check(api, cast, "get", "/api/v1/notifications", dict.fromkeys(EVERYONE, 200))
    check(api, cast, "get", "/api/v1/auth/devices", dict.fromkeys(EVERYONE, 200))


# ---- activities ---------------------------------------------------------------------------------

DEPUTY_ONLY = dict.fromkeys(EVERYONE, 403) | {"deputy": 200, "group_leader": 404, "renwei_deputy": 404}


def _activity(cast):
    from django.utils import timezone

    from activities.choices import AttendanceStatus
    from tests.activities.factories import activity_with

    # 东山街道's, today, 刘芳 invited (张伟 and 赵强 not).
    return activity_with(cast.deputy.deputy, status=AttendanceStatus.INVITED, date=timezone.localdate())


def test_activity_list_and_detail(api, cast):
    activity = _activity(cast)
    check(api, cast, "get", "/api/v1/activities", dict.fromkeys(EVERYONE, 200) | {"zhujian": 403, "huanbao": 403})
    expected = dict.fromkeys(EVERYONE, 404) | dict.fromkeys(("admin", "staff", "dongshan_staff", "leader", "deputy"), 200)
    check(api, cast, "get", f"/api/v1/activities/{activity.pk}", expected)


def test_activity_sign_in_and_ask_leave(api, cast):
    from activities.models import Attendance

    activity = _activity(cast)
    url = f"/api/v1/activities/{activity.pk}/actions/"
    check(api, cast, "post", url + "sign_in", DEPUTY_ONLY)
    check(api, cast, "post", url + "ask_leave", DEPUTY_ONLY, {"reason": "出差"})
    assert Attendance.objects.get(activity=activity).status == "invited"  # every try was rolled back
    assert api(cast.deputy).post(url + "sign_in").status_code == 200
    assert Attendance.objects.get(activity=activity).status == "attended"  # in scope: the effect


# ---- suggestions (writes) -----------------------------------------------------------------------


def test_suggestion_create(api, cast):
    from suggestions.models import Suggestion
    from tests.suggestions.helpers import session

    session()
    body = {"title": "关于增设信号灯的建议", "body": "东山路口拥堵。", "submit": True}
    expected = dict.fromkeys(EVERYONE, 403) | dict.fromkeys(("deputy", "group_leader", "renwei_deputy"), 201)
    expected |= {"admin": 400, "staff": 400}  # staff entry: the form asks whose suggestion it is
    check(api, cast, "post", "/api/v1/suggestions", expected, body)
    assert api(cast.deputy).post("/api/v1/suggestions", body, format="json").status_code == 201
    assert Suggestion.objects.get().state == "submitted"


def test_suggestion_cosign(api, cast):
    from tests.suggestions.helpers import draft

    s = draft(cast)  # 刘芳's draft, 张伟 to co-sign: a draft is its deputies' only
    expected = dict.fromkeys(EVERYONE, 403) | {"admin": 404, "staff": 404, "renwei_deputy": 404, "group_leader": 200}
    check(api, cast, "post", f"/api/v1/suggestions/{s.pk}/actions/cosign", expected)
    assert api(cast.group_leader).post(f"/api/v1/suggestions/{s.pk}/actions/cosign").status_code == 200
    assert s.cosigners.get().confirmed_at is not None


def test_suggestion_evaluate(api, cast):
    from suggestions.choices import State as SuggestionState
    from tests.suggestions.helpers import make as make_suggestion

    s = make_suggestion(cast, SuggestionState.ANSWERED)
    body = {"work_rating": "satisfied", "result_rating": "basic"}
    expected = dict.fromkeys(EVERYONE, 403) | {"deputy": 200, "renwei_deputy": 404}
    check(api, cast, "post", f"/api/v1/suggestions/{s.pk}/actions/evaluate", expected, body)
    assert api(cast.deputy).post(f"/api/v1/suggestions/{s.pk}/actions/evaluate", body, format="json").status_code == 200
    s.refresh_from_db()
    assert s.state == SuggestionState.CONCLUDED
