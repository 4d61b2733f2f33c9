"""Who the workflow tells what (issue 10 §4), and when a notification needs nothing more (read)."""

import pytest
from django.utils import timezone

from accounts.choices import Role
from accounts.services import user_create
from core.workdays import add_workdays
from notifications.models import Notification
from petitions import workflow
from petitions.choices import Satisfaction, State

from .helpers import make, new_item, with_request

pytestmark = pytest.mark.django_db


def inbox(user, kind=None, item=None):
    qs = Notification.objects.for_user(user)
    if kind:
        qs = qs.filter(kind=kind)
    if item is not None:
        qs = qs.filter(url=item.get_absolute_url())
    return qs


def unread(user, kind=None, item=None):
    return inbox(user, kind, item).unread()


@pytest.fixture
def second_dongshan_staff(cast):
    return user_create(username="dongshan2", password="pw-for-tests-1", full_name="钱红", roles=[Role.AREA_STAFF],
                       area=cast.dongshan_staff.area)


@pytest.fixture
def second_district_staff(cast):
    return user_create(username="staff2", password="pw-for-tests-1", full_name="孙亮", roles=[Role.DISTRICT_STAFF])


def assigned_by(cast, actor, **extra):
    """An item of 刘芳 (东山街道) assigned by `actor` to 区住建局 (lead) and 区生态环境分局 (co)."""
    item = new_item(cast, **extra)
    return workflow.item_assign(item=item, actor=actor, lead_unit=cast.zhujian.unit, co_units=[cast.huanbao.unit])


# ------------------------------------------------------------------ read when acted on or done


def test_it_marks_the_actors_notifications_about_the_item_read_when_they_act(cast):
    item = new_item(cast)
    other = new_item(cast, title="另一条")
    assert unread(cast.dongshan_staff, "item.submit", item).count() == 1
    workflow.item_start_research(item=item, actor=cast.dongshan_staff)
    assert unread(cast.dongshan_staff, "item.submit", item).count() == 0
    # A notification about another item is untouched.
    assert unread(cast.dongshan_staff, "item.submit", other).count() == 1


def test_it_marks_a_waiting_notification_read_once_a_colleague_has_assigned_it(cast, second_dongshan_staff):
    item = new_item(cast)
    assert unread(second_dongshan_staff, "item.submit", item).count() == 1
    workflow.item_start_research(item=item, actor=cast.dongshan_staff)
    # Taken up but not yet decided: the colleague's 待研处 is still to do.
    assert unread(second_dongshan_staff, "item.submit", item).count() == 1
    workflow.item_assign(item=item, actor=cast.dongshan_staff, lead_unit=cast.zhujian.unit)
    assert unread(second_dongshan_staff, "item.submit", item).count() == 0
    assert inbox(second_dongshan_staff, "item.submit", item).get().read_at is not None


def test_it_marks_a_review_notice_read_once_the_reply_is_reviewed(cast, second_district_staff):
    item = make(cast, State.REVIEW)
    assert unread(second_district_staff, "item.submit_result", item).count() == 1
    workflow.item_review_reply(item=item, actor=cast.staff, approve=True)
    assert unread(second_district_staff, "item.submit_result", item).count() == 0
    assert unread(cast.staff, "item.submit_result", item).count() == 0


def test_it_marks_a_request_notice_read_once_that_request_is_decided(cast, second_district_staff):
    item = make(cast, State.HANDLING)
    workflow.item_request_extension(item=item, actor=cast.zhujian, days=5, reason="需要协调供电公司")
    workflow.item_request_extension(item=item, actor=cast.huanbao, days=3, reason="需要现场监测")
    lead_request, co_request = item.requests.order_by("id")
    assert unread(second_district_staff, "item.request_extension", item).count() == 2
    workflow.item_decide_extension(item=item, actor=cast.staff, request=lead_request, approve=True)
    # The co-unit's request is still waiting: its notice stays unread.
    left = unread(second_district_staff, "item.request_extension", item).get()
    assert "3 个工作日" in left.title
    workflow.item_decide_extension(item=item, actor=cast.staff, request=co_request, approve=False, comment="不同意")
    assert unread(second_district_staff, "item.request_extension", item).count() == 0


def test_it_marks_the_units_notice_read_when_the_unit_acts_and_keeps_the_other_units(cast):
    item = make(cast, State.HANDLING)
    workflow.item_add_progress(item=item, actor=cast.zhujian, comment="已现场勘查")
    assert unread(cast.zhujian, "item.assign", item).count() == 0
    # The co-unit has not acted and its part is still to do.
    assert unread(cast.huanbao, "item.assign", item).count() == 1
    workflow.item_submit_result(item=item, actor=cast.zhujian, result="已更换灯具。")
    # 办理 is over: nothing is asked of the co-unit any more.
    assert unread(cast.huanbao, "item.assign", item).count() == 0


def test_it_keeps_a_message_that_asks_nothing_unread_until_read(cast):
    item = make(cast, State.HANDLING)
    workflow.item_add_progress(item=item, actor=cast.zhujian, comment="已现场勘查")
    workflow.item_submit_result(item=item, actor=cast.zhujian, result="已更换灯具。")
    workflow.item_review_reply(item=item, actor=cast.staff, approve=True)
    assert unread(cast.deputy, "item.progress", item).count() == 1


def test_it_marks_the_deputys_evaluation_request_read_when_they_evaluate(cast):
    item = make(cast, State.EVALUATION)
    assert unread(cast.deputy, "item.pass_on", item).count() == 1
    workflow.item_evaluate(item=item, actor=cast.deputy, satisfaction=Satisfaction.SATISFIED)
    assert unread(cast.deputy, "item.pass_on", item).count() == 0


def test_it_marks_the_evaluation_request_read_when_staff_record_it_for_the_deputy(cast):
    from deputies.models import Deputy

    item = make(cast, State.EVALUATION)
    Deputy.objects.filter(pk=cast.deputy.deputy.pk).update(user=None)  # the deputy has no login any more
    workflow.item_evaluate(item=item, actor=cast.staff, satisfaction=Satisfaction.SATISFIED)
    # Closed: nothing is asked of anyone, whoever acted.
    assert unread(cast.deputy, "item.pass_on", item).count() == 0


def test_it_marks_read_in_the_actions_own_transaction(cast, monkeypatch):
    item = new_item(cast)

    def broken(*args, **kwargs):
        raise RuntimeError("notification failed")

    monkeypatch.setattr(workflow, "_notify", broken)
    with pytest.raises(RuntimeError):
        workflow.item_assign(item=item, actor=cast.dongshan_staff, lead_unit=cast.zhujian.unit)
    item.refresh_from_db()
    assert item.state == State.SUBMITTED
    assert unread(cast.dongshan_staff, "item.submit", item).count() == 1


def test_it_changes_no_read_mark_when_the_action_is_refused(cast, second_dongshan_staff):
    item = make(cast, State.HANDLING)
    with pytest.raises(workflow.StaleState):
        workflow.item_start_research(item=item, actor=cast.staff)
    with pytest.raises(workflow.NotAllowed):
        workflow.item_request_return(item=item, actor=cast.huanbao, reason="不归我们")
    assert unread(cast.zhujian, "item.assign", item).count() == 1
    assert unread(cast.huanbao, "item.assign", item).count() == 1


# ------------------------------------------------------------------ review requests to the holding level


@pytest.mark.parametrize("holder", ["dongshan_staff", "staff"])
def test_it_sends_review_requests_to_the_staff_of_the_level_that_holds_the_item(cast, holder):
    actor = getattr(cast, holder)
    other = cast.staff if holder == "dongshan_staff" else cast.dongshan_staff
    item = assigned_by(cast, actor)
    workflow.item_request_extension(item=item, actor=cast.zhujian, days=5, reason="需要协调供电公司")
    workflow.item_request_return(item=item, actor=cast.zhujian, reason="路灯归城管局管理")
    workflow.item_submit_result(item=item, actor=cast.zhujian, result="已更换灯具。")
    for kind in ("item.request_extension", "item.request_return", "item.submit_result"):
        assert inbox(actor, kind, item).count() == 1, kind
        assert inbox(other, kind, item).count() == 0, kind
    # Another area's staff never hear of it.
    assert not inbox(cast.renwei_staff, item=item).exists()


def test_it_sends_the_evaluation_to_the_holding_level(cast):
    item = assigned_by(cast, cast.staff)
    workflow.item_submit_result(item=item, actor=cast.zhujian, result="已更换灯具。")
    workflow.item_review_reply(item=item, actor=cast.staff, approve=True)
    workflow.item_evaluate(item=item, actor=cast.deputy, satisfaction=Satisfaction.BASIC)
    assert inbox(cast.staff, "item.evaluate", item).count() == 1
    assert inbox(cast.dongshan_staff, "item.evaluate", item).count() == 0


# ------------------------------------------------------------------ the deputy follows the item


def test_it_tells_the_deputy_when_the_item_is_assigned_without_the_internal_note(cast):
    item = workflow.item_assign(item=new_item(cast), actor=cast.staff, lead_unit=cast.zhujian.unit,
                                co_units=[cast.huanbao.unit], comment="内部意见:请住建局牵头")
    told = inbox(cast.deputy, "item.assign", item).get()
    due = add_workdays(timezone.localdate(), 15)
    assert item.stage_due == due
    assert "已交办区住建局办理" in told.title and due.isoformat() in told.title
    assert "相山区住房和城乡建设局" in told.body and "淮北市相山区生态环境分局" in told.body
    assert "内部意见" not in told.body
    # The units still get theirs.
    assert inbox(cast.zhujian, "item.assign", item).count() == 1


def test_it_tells_the_deputy_the_new_due_date_when_an_extension_is_granted(cast):
    item, request = with_request(cast, "extension")
    item = workflow.item_decide_extension(item=item, actor=cast.staff, request=request, approve=True,
                                          comment="同意,内部备注")
    told = inbox(cast.deputy, "item.decide_extension", item).get()
    assert "延期获批" in told.title and item.stage_due.isoformat() in told.title
    assert item.stage_due.isoformat() in told.body and "5 个工作日" in told.body
    assert "内部备注" not in told.body


def test_it_does_not_tell_the_deputy_of_a_refused_extension(cast):
    item, request = with_request(cast, "extension")
    workflow.item_decide_extension(item=item, actor=cast.staff, request=request, approve=False, comment="不同意")
    assert not inbox(cast.deputy, "item.decide_extension", item).exists()
    assert inbox(cast.zhujian, "item.decide_extension", item).count() == 1


def test_it_does_not_show_the_deputy_the_reviewers_note_when_the_reply_is_passed_on(cast):
    item = make(cast, State.REVIEW)
    workflow.item_review_reply(item=item, actor=cast.staff, approve=True, comment="内部审核意见")
    told = inbox(cast.deputy, "item.pass_on", item).get()
    assert "内部审核意见" not in told.body and "已更换灯具" in told.body


# ------------------------------------------------------------------ the lead unit hears the evaluation


@pytest.mark.parametrize("satisfaction,label", [(Satisfaction.SATISFIED, "满意"), (Satisfaction.BASIC, "基本满意"),
                                                (Satisfaction.DISSATISFIED, "不满意")])
def test_it_tells_the_lead_unit_the_evaluation_and_its_comment(cast, satisfaction, label):
    item = make(cast, State.EVALUATION)
    workflow.item_evaluate(item=item, actor=cast.deputy, satisfaction=satisfaction, comment="路灯亮了但偏暗")
    told = inbox(cast.zhujian, "item.evaluate", item).get()
    assert label in told.title
    assert f"评价结果:{label}" in told.body and "路灯亮了但偏暗" in told.body


def test_it_tells_the_lead_unit_the_second_dissatisfied_evaluation(cast):
    item = make(cast, State.SUPERVISION)
    titles = list(inbox(cast.zhujian, "item.evaluate", item).order_by("id").values_list("title", flat=True))
    assert len(titles) == 2 and "转督办办结" in titles[1]
