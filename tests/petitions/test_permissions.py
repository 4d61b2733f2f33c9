"""Scoping (visible_to) and the permission matrix: every role against every item action, over HTTP.

Expected per persona: "ok" (the action happened), 403 (wrong role, or in scope but not theirs to do),
404 (the item is outside their scope). Refused calls leave the item unchanged."""

import pytest
from django.urls import reverse

from petitions.choices import Action, State
from petitions.models import Item, ItemEvent

from .helpers import make, new_item, past_evaluation_window, with_request

pytestmark = pytest.mark.django_db

PERSONAS = ("admin", "staff", "dongshan_staff", "renwei_staff", "zhujian", "huanbao", "deputy", "group_leader",
            "renwei_deputy", "leader")


def test_it_scopes_reading_by_role(cast):
    dongshan_item = make(cast, State.HANDLING)  # 东山, assigned to 区住建局 (lead) and 区生态环境分局 (co)
    renwei_item = new_item(cast, user=cast.renwei_deputy, area=cast.renwei_staff.area)
    draft = new_item(cast, submit=False)
    sees = {name: set(Item.objects.visible_to(getattr(cast, name)).values_list("pk", flat=True))
            for name in PERSONAS}
    everything = {dongshan_item.pk, renwei_item.pk}
    assert sees["staff"] == sees["admin"] == sees["leader"] == everything
    assert sees["dongshan_staff"] == {dongshan_item.pk}
    assert sees["renwei_staff"] == {renwei_item.pk}
    assert sees["zhujian"] == sees["huanbao"] == {dongshan_item.pk}
    assert sees["deputy"] == {dongshan_item.pk, draft.pk}  # own draft too
    assert sees["group_leader"] == {dongshan_item.pk}  # a group member's item, not the member's draft
    assert sees["renwei_deputy"] == {renwei_item.pk}


def test_it_shows_co_submitted_items_to_the_co_submitter(cast):
    item = new_item(cast, user=cast.renwei_deputy, area=cast.renwei_staff.area)
    item.co_deputies.add(cast.deputy.deputy)
    assert Item.objects.visible_to(cast.deputy).filter(pk=item.pk).exists()


def test_it_hides_items_of_other_units(cast, login):
    from tests.factories import HandlingUnitFactory, UserFactory

    item = make(cast, State.HANDLING)
    other = UserFactory(username="jiaotong", unit=HandlingUnitFactory(name="相山区交通运输局"))
    from django.contrib.auth.models import Group

    from accounts.services import roles_install

    roles_install()
    other.groups.add(Group.objects.get(name="unit"))
    response = login(other).get(reverse("petitions:detail", args=[item.pk]))
    assert response.status_code == 404


# action slug → (state to build, POST data, {persona: expected}); unlisted personas expect 403.
def _req(kind):
    def build(cast):
        item, request = with_request(cast, kind)
        return item, {"request": request.pk, "approve": "1", "comment": "同意"}

    return build


STAFF_OK = {"admin": "ok", "staff": "ok", "dongshan_staff": "ok", "renwei_staff": 404}

MATRIX = {
    "submit": (State.DRAFT, {}, {"deputy": "ok", "admin": 404, "staff": 404, "dongshan_staff": 404,
                                 "renwei_staff": 404, "group_leader": 404, "renwei_deputy": 404}),
    "withdraw": (State.SUBMITTED, {}, {"deputy": "ok", "renwei_staff": 404, "renwei_deputy": 404}),
    "start_research": (State.SUBMITTED, {}, STAFF_OK),
    "return_for_detail": (State.RESEARCH, {"comment": "请补充"}, STAFF_OK),
    "merge": (State.RESEARCH, None, STAFF_OK),
    "answer": (State.RESEARCH, {"reply": "直接答复"}, STAFF_OK),
    "reject": (State.RESEARCH, {"comment": "不予受理理由"}, STAFF_OK),
    "assign": (State.RESEARCH, None, STAFF_OK),
    "recall": (State.HANDLING, {"comment": "交办有误"}, STAFF_OK),
    "progress": (State.HANDLING, {"comment": "已勘查"}, {"zhujian": "ok", "huanbao": "ok"}),
    "request_return": (State.HANDLING, {"comment": "非本单位职责"}, {"zhujian": "ok"}),
    "request_extension": (State.HANDLING, {"days": "5", "reason": "协调中"}, {"zhujian": "ok", "huanbao": "ok"}),
    "submit_result": (State.HANDLING, {"result": "已办结"}, {"zhujian": "ok", "huanbao": "ok"}),
    "decide_extension": (_req("extension"), None, STAFF_OK),
    "decide_return": (_req("return"), None, STAFF_OK),
    "review": (State.REVIEW, {"approve": "1"}, STAFF_OK),
    # Staff may evaluate only for a deputy without a login (代为评价, test_proxy_evaluation.py): 403 here.
    "evaluate": (State.EVALUATION, {"satisfaction": "satisfied"},
                 {"deputy": "ok", "renwei_deputy": 404, "renwei_staff": 404}),
    "deem_satisfied": (State.EVALUATION, {}, STAFF_OK),
    "close_supervised": (State.SUPERVISION, {"comment": "督办"}, STAFF_OK),
}


def _setup(cast, action):
    state, data, _expected = MATRIX[action]
    if callable(state):
        return state(cast)
    item = make(cast, state)
    if action == "deem_satisfied":
        item = past_evaluation_window(item)
    if action == "merge":
        data = {"into": str(new_item(cast, title="重复").pk)}
    if action == "assign":
        data = {"lead_unit": cast.zhujian.unit.pk}
    return item, data


def _snapshot(item):
    item.refresh_from_db()
    return (item.state, ItemEvent.objects.filter(item=item).count(), item.updated_at)


@pytest.mark.parametrize("action", list(MATRIX))
def test_it_enforces_the_permission_matrix(cast, client, action):
    expected = MATRIX[action][2]
    for name in PERSONAS:
        want = expected.get(name, 403)
        item, data = _setup(cast, action)
        before = _snapshot(item)
        client.force_login(getattr(cast, name), backend="django.contrib.auth.backends.ModelBackend")
        response = client.post(reverse("petitions:action", args=[item.pk, action]), data)
        after = _snapshot(item)
        if want == "ok":
            assert response.status_code == 302, f"{action}/{name}: {response.status_code}"
            assert after[1] > before[1], f"{action}/{name}: no event written"
        else:
            assert response.status_code == want, f"{action}/{name}: want {want}, got {response.status_code}"
            assert after == before, f"{action}/{name}: item changed"


def test_it_lists_the_actions_each_role_may_take_on_the_item_page(cast, login):
    item = make(cast, State.HANDLING)
    page = login(cast.zhujian).get(reverse("petitions:detail", args=[item.pk])).content.decode()
    assert 'data-testid="do-request_return"' in page and 'data-testid="do-assign"' not in page
    page = login(cast.huanbao).get(reverse("petitions:detail", args=[item.pk])).content.decode()
    assert 'data-testid="do-request_return"' not in page and "提交协办意见" in page
    page = login(cast.leader).get(reverse("petitions:detail", args=[item.pk])).content.decode()
    assert 'data-testid="actions"' not in page


def test_it_answers_a_double_click_with_a_clear_message(cast, login):
    item = make(cast, State.RESEARCH)
    client = login(cast.staff)
    url = reverse("petitions:action", args=[item.pk, "assign"])
    first = client.post(url, {"lead_unit": cast.zhujian.unit.pk})
    second = client.post(url, {"lead_unit": cast.huanbao.unit.pk}, follow=True)
    assert first.status_code == 302 and second.status_code == 200
    assert "该事项已被" in second.content.decode() and "请刷新" in second.content.decode()
    item.refresh_from_db()
    assert item.lead_unit == cast.zhujian.unit
    assert item.events.filter(action=Action.ASSIGN).count() == 1
