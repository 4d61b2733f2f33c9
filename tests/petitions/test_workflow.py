"""Every allowed transition of the DOMAIN.md table, and a sample of forbidden ones per state."""

import pytest
from django.utils import timezone

from core.workdays import add_workdays
from notifications.models import Notification
from petitions import workflow
from petitions.choices import Action, Conclusion, RequestStatus, Satisfaction, State, UnitRole
from petitions.models import Assignment, Item, ItemEvent, ItemSettings

from .helpers import make, new_item, past_evaluation_window, with_request

pytestmark = pytest.mark.django_db


def events(item):
    return list(ItemEvent.objects.filter(item=item).values_list("action", "from_state", "to_state"))


def test_it_keeps_a_draft_and_submits_it_with_a_research_due_date(cast):
    item = new_item(cast, submit=False)
    assert item.state == State.DRAFT and item.submitted_at is None
    item = workflow.item_submit(item=item, actor=cast.deputy)
    assert item.state == State.SUBMITTED
    assert item.stage_due == add_workdays(timezone.localdate(), 5)
    assert item.period == timezone.localdate().replace(day=1)
    assert events(item) == [(Action.CREATE, "", State.DRAFT), (Action.SUBMIT, State.DRAFT, State.SUBMITTED)]
    # The area staff of 东山街道 must act next.
    assert Notification.objects.filter(recipient=cast.dongshan_staff, kind="item.submit").exists()


def test_it_refuses_to_submit_without_content(cast):
    item = new_item(cast, submit=False, content="", category="")
    with pytest.raises(workflow.WorkflowError, match="内容"):
        workflow.item_submit(item=item, actor=cast.deputy)
    item.refresh_from_db()
    assert item.state == State.DRAFT


def test_it_records_staff_entering_on_a_deputys_behalf(cast):
    item = workflow.item_create(actor=cast.dongshan_staff, deputy=cast.deputy.deputy,
                                data={"title": "接待日反映", "content": "x", "category": "other",
                                      "area": cast.dongshan_staff.area}, submit=True)
    assert item.on_behalf and item.entered_by == cast.dongshan_staff
    assert "代代表录入" in item.events.get(action=Action.CREATE).comment


def test_it_refuses_staff_entering_for_a_deputy_outside_their_area(cast):
    with pytest.raises(workflow.NotAllowed):
        workflow.item_create(actor=cast.renwei_staff, deputy=cast.deputy.deputy, data={"title": "x"})


def test_it_lets_the_deputy_withdraw_before_research_only(cast):
    item = workflow.item_withdraw(item=make(cast, State.SUBMITTED), actor=cast.deputy)
    assert item.state == State.WITHDRAWN
    researched = make(cast, State.RESEARCH)
    with pytest.raises(workflow.StaleState, match="请刷新"):
        workflow.item_withdraw(item=researched, actor=cast.deputy)


def test_it_returns_for_detail_and_takes_the_resubmission(cast):
    item = make(cast, State.RETURNED)
    assert Notification.objects.filter(recipient=cast.deputy, kind="item.return_for_detail").exists()
    item = workflow.item_update(item=item, actor=cast.deputy, data={"content": "补充:周庄社区3号楼前"})
    item = workflow.item_submit(item=item, actor=cast.deputy)
    assert item.state == State.SUBMITTED
    assert [e[0] for e in events(item)][-2:] == [Action.EDIT, Action.SUBMIT]


def test_it_merges_a_duplicate_and_both_deputies_see_where_it_went(cast):
    target = new_item(cast, user=cast.group_leader, title="路灯")
    item = workflow.item_merge(item=make(cast, State.RESEARCH), actor=cast.staff, into=target)
    assert item.state == State.MERGED and item.merged_into == target
    assert target.events.filter(action=Action.MERGED_IN, data__from=item.pk).exists()
    assert Notification.objects.filter(recipient=cast.deputy, kind="item.merge").exists()
    assert Notification.objects.filter(recipient=cast.group_leader, kind="item.merge").exists()


def test_it_refuses_merging_into_itself(cast):
    item = make(cast, State.RESEARCH)
    with pytest.raises(workflow.WorkflowError):
        workflow.item_merge(item=item, actor=cast.staff, into=item)


def test_it_answers_directly_and_the_deputy_evaluates(cast):
    item = workflow.item_answer_directly(item=make(cast, State.RESEARCH), actor=cast.staff, reply="已纳入明年计划")
    assert item.state == State.EVALUATION and item.reply == "已纳入明年计划"
    assert item.evaluation_due == timezone.localdate() + timezone.timedelta(days=7)
    item = workflow.item_evaluate(item=item, actor=cast.deputy, satisfaction=Satisfaction.BASIC)
    assert item.state == State.CLOSED and item.conclusion == Conclusion.EVALUATED


def test_it_sends_a_dissatisfied_direct_answer_back_to_research(cast):
    item = workflow.item_answer_directly(item=make(cast, State.RESEARCH), actor=cast.staff, reply="答复")
    item = workflow.item_evaluate(item=item, actor=cast.deputy, satisfaction=Satisfaction.DISSATISFIED, comment="不行")
    assert item.state == State.RESEARCH and item.stage_due is not None


def test_it_rejects_with_a_reason_and_counts_it_concluded(cast):
    item = workflow.item_reject(item=make(cast, State.SUBMITTED), actor=cast.dongshan_staff, reason="不属于人大职权")
    assert item.state == State.CLOSED and item.conclusion == Conclusion.REJECTED
    assert item.reply == "不属于人大职权" and item.concluded_at
    assert Item.objects.collected().concluded().filter(pk=item.pk).exists()


def test_it_needs_a_reason_to_reject(cast):
    item = make(cast, State.RESEARCH)
    with pytest.raises(workflow.WorkflowError):
        workflow.item_reject(item=item, actor=cast.staff, reason="   ")
    item.refresh_from_db()
    assert item.state == State.RESEARCH


def test_it_assigns_a_lead_and_co_units_with_a_working_day_due_date(cast):
    item = make(cast, State.HANDLING)
    lead = Assignment.objects.get(item=item, role=UnitRole.LEAD)
    co = Assignment.objects.get(item=item, role=UnitRole.CO)
    assert lead.unit == cast.zhujian.unit and co.unit == cast.huanbao.unit
    assert lead.due_date == add_workdays(timezone.localdate(), 15) == item.stage_due
    assert item.lead_unit == cast.zhujian.unit
    assert Notification.objects.filter(recipient=cast.zhujian, kind="item.assign").exists()
    assert Notification.objects.filter(recipient=cast.huanbao, kind="item.assign").exists()


def test_it_bulk_assigns_and_reports_those_it_could_not(cast):
    a, b = make(cast, State.SUBMITTED), make(cast, State.RESEARCH)
    withdrawn = make(cast, State.WITHDRAWN)
    done, refused = workflow.item_bulk_assign(items=[a, b, withdrawn], actor=cast.staff, lead_unit=cast.zhujian.unit)
    assert {i.pk for i in done} == {a.pk, b.pk}
    assert [i.pk for i, _m in refused] == [withdrawn.pk]


def test_it_recalls_an_assignment_back_to_research(cast):
    item = workflow.item_recall(item=make(cast, State.HANDLING), actor=cast.staff, comment="交办单位有误")
    assert item.state == State.RESEARCH and item.lead_unit is None
    assert not Assignment.objects.filter(item=item, cancelled_at__isnull=True).exists()


def test_it_records_progress_from_either_unit(cast):
    item = make(cast, State.HANDLING)
    workflow.item_add_progress(item=item, actor=cast.huanbao, comment="已现场勘查")
    event = item.events.get(action=Action.PROGRESS)
    assert event.actor_unit == cast.huanbao.unit and event.from_state == event.to_state == State.HANDLING


def test_it_returns_a_wrongly_assigned_item_when_staff_approve(cast):
    item, request = with_request(cast, "return")
    item = workflow.item_decide_return(item=item, actor=cast.staff, request=request, approve=True)
    request.refresh_from_db()
    assert item.state == State.RESEARCH and request.status == RequestStatus.APPROVED


def test_it_keeps_the_unit_on_it_when_staff_refuse_the_return(cast):
    item, request = with_request(cast, "return")
    item = workflow.item_decide_return(item=item, actor=cast.staff, request=request, approve=False, comment="属住建职责")
    assert item.state == State.HANDLING


def test_it_allows_a_return_request_only_within_the_window(cast):
    item = make(cast, State.HANDLING)
    late = add_workdays(timezone.localdate(), 8)
    with pytest.raises(workflow.WorkflowError, match="7 个工作日"):
        workflow.item_request_return(item=item, actor=cast.zhujian, reason="不归我们", today=late)


def test_it_refuses_a_return_request_from_a_co_unit(cast):
    item = make(cast, State.HANDLING)
    with pytest.raises(workflow.NotAllowed):
        workflow.item_request_return(item=item, actor=cast.huanbao, reason="x")


def test_it_extends_the_due_date_by_working_days_when_approved(cast):
    item, request = with_request(cast, "extension")
    old = item.stage_due
    item = workflow.item_decide_extension(item=item, actor=cast.staff, request=request, approve=True)
    assert item.stage_due == add_workdays(old, 5)
    assert Assignment.objects.get(item=item, role=UnitRole.LEAD).extension_days == 5


def test_it_caps_extensions_at_the_configured_maximum(cast):
    item = make(cast, State.HANDLING)
    with pytest.raises(workflow.WorkflowError, match="1 到 15"):
        workflow.item_request_extension(item=item, actor=cast.zhujian, days=16, reason="太忙")


def test_it_refuses_an_extension_and_leaves_the_due_date(cast):
    item, request = with_request(cast, "extension")
    old = item.stage_due
    item = workflow.item_decide_extension(item=item, actor=cast.staff, request=request, approve=False, comment="不同意")
    assert item.stage_due == old


def test_it_takes_a_co_units_part_without_moving_the_item(cast):
    item = workflow.item_submit_result(item=make(cast, State.HANDLING), actor=cast.huanbao, result="环保部分已核实")
    assert item.state == State.HANDLING
    assert item.events.filter(action=Action.SUBMIT_PART).exists()
    assert Notification.objects.filter(recipient=cast.zhujian, kind="item.submit_part").exists()
    with pytest.raises(workflow.StaleState):
        workflow.item_submit_result(item=item, actor=cast.huanbao, result="again")


def test_it_sends_the_lead_units_result_to_review(cast):
    item = make(cast, State.REVIEW)
    assert item.reply == "已更换灯具,恢复照明。"
    assert Assignment.objects.get(item=item, role=UnitRole.LEAD).handled_at is not None
    # District staff assigned it (make() does), so the district holds it and reviews it.
    assert Notification.objects.filter(recipient=cast.staff, kind="item.submit_result").exists()
    assert not Notification.objects.filter(recipient=cast.dongshan_staff, kind="item.submit_result").exists()


def test_it_sends_a_reply_back_to_the_unit(cast):
    item = workflow.item_review_reply(item=make(cast, State.REVIEW), actor=cast.staff, approve=False,
                                      comment="答复过于简单")
    assert item.state == State.HANDLING
    assert Assignment.objects.get(item=item, role=UnitRole.LEAD).handled_at is None


def test_it_passes_a_reply_on_to_the_deputy(cast):
    item = make(cast, State.EVALUATION)
    assert Notification.objects.filter(recipient=cast.deputy, kind="item.pass_on").exists()
    assert item.evaluation_due is not None


@pytest.mark.parametrize("satisfaction", [Satisfaction.SATISFIED, Satisfaction.BASIC])
def test_it_concludes_on_a_satisfied_evaluation(cast, satisfaction):
    item = workflow.item_evaluate(item=make(cast, State.EVALUATION), actor=cast.deputy, satisfaction=satisfaction)
    assert item.state == State.CLOSED and item.satisfaction == satisfaction and item.concluded_at


def test_it_reopens_handling_on_the_first_dissatisfied(cast):
    item = workflow.item_evaluate(item=make(cast, State.EVALUATION), actor=cast.deputy,
                                  satisfaction=Satisfaction.DISSATISFIED, comment="没修好")
    assert item.state == State.HANDLING and item.handling_round == 2
    current = Assignment.objects.filter(item=item, is_current=True)
    assert {a.unit_id for a in current} == {cast.zhujian.unit.pk, cast.huanbao.unit.pk}
    assert all(a.round == 2 and a.handled_at is None for a in current)


def test_it_needs_a_reason_for_dissatisfied(cast):
    item = make(cast, State.EVALUATION)
    with pytest.raises(workflow.WorkflowError):
        workflow.item_evaluate(item=item, actor=cast.deputy, satisfaction=Satisfaction.DISSATISFIED)


def test_it_flags_supervision_after_the_second_dissatisfied_and_staff_close_it(cast):
    item = make(cast, State.SUPERVISION)
    assert item.dissatisfied_count == 2 and item.supervised
    item = workflow.item_close_supervised(item=item, actor=cast.staff, comment="列入督办,通报")
    assert item.state == State.CLOSED and item.conclusion == Conclusion.SUPERVISED


def test_it_deems_an_unevaluated_reply_satisfied_after_the_window(cast):
    item = make(cast, State.EVALUATION)
    with pytest.raises(workflow.WorkflowError, match="评价期限未到"):
        workflow.item_deem_satisfied(item=item, actor=None)
    item = past_evaluation_window(item)
    item = workflow.item_deem_satisfied(item=item, actor=None)
    assert item.state == State.CLOSED and item.satisfaction == Satisfaction.SATISFIED and item.satisfaction_deemed
    event = item.events.get(action=Action.DEEM_SATISFIED)
    assert event.actor is None and event.actor_label == "系统"


def test_it_deems_in_bulk_once(cast):
    item = past_evaluation_window(make(cast, State.EVALUATION))
    assert workflow.items_deem_satisfied_due() == 1
    assert workflow.items_deem_satisfied_due() == 0
    assert item.events.filter(action=Action.DEEM_SATISFIED).count() == 1


def test_it_reads_deadlines_from_settings_at_call_time(cast):
    ItemSettings.objects.update_or_create(pk=1, defaults={"research_workdays": 2, "handling_workdays": 3})
    item = make(cast, State.HANDLING)
    assert item.stage_due == add_workdays(timezone.localdate(), 3)


# ---- forbidden: a sample per state, each leaves the item unchanged --------------------------------

FORBIDDEN = [
    (State.DRAFT, lambda c, i: workflow.item_assign(item=i, actor=c.staff, lead_unit=c.zhujian.unit)),
    (State.DRAFT, lambda c, i: workflow.item_evaluate(item=i, actor=c.deputy, satisfaction="satisfied")),
    (State.SUBMITTED, lambda c, i: workflow.item_submit_result(item=i, actor=c.zhujian, result="x")),
    (State.SUBMITTED, lambda c, i: workflow.item_assign(item=i, actor=c.deputy, lead_unit=c.zhujian.unit)),
    (State.RESEARCH, lambda c, i: workflow.item_withdraw(item=i, actor=c.deputy)),
    (State.RESEARCH, lambda c, i: workflow.item_assign(item=i, actor=c.renwei_staff, lead_unit=c.zhujian.unit)),
    (State.RETURNED, lambda c, i: workflow.item_assign(item=i, actor=c.staff, lead_unit=c.zhujian.unit)),
    (State.HANDLING, lambda c, i: workflow.item_assign(item=i, actor=c.staff, lead_unit=c.zhujian.unit)),
    (State.HANDLING, lambda c, i: workflow.item_evaluate(item=i, actor=c.deputy, satisfaction="satisfied")),
    (State.HANDLING, lambda c, i: workflow.item_submit_result(item=i, actor=c.leader, result="x")),
    (State.REVIEW, lambda c, i: workflow.item_submit_result(item=i, actor=c.zhujian, result="again")),
    (State.REVIEW, lambda c, i: workflow.item_review_reply(item=i, actor=c.zhujian, approve=True)),
    (State.EVALUATION, lambda c, i: workflow.item_evaluate(item=i, actor=c.group_leader, satisfaction="satisfied")),
    (State.EVALUATION, lambda c, i: workflow.item_evaluate(item=i, actor=c.staff, satisfaction="satisfied")),
    (State.EVALUATION, lambda c, i: workflow.item_close_supervised(item=i, actor=c.staff, comment="x")),
    (State.SUPERVISION, lambda c, i: workflow.item_evaluate(item=i, actor=c.deputy, satisfaction="satisfied")),
    (State.CLOSED, lambda c, i: workflow.item_evaluate(item=i, actor=c.deputy, satisfaction="dissatisfied",
                                                       comment="x")),
    (State.CLOSED, lambda c, i: workflow.item_recall(item=i, actor=c.staff, comment="x")),
    (State.WITHDRAWN, lambda c, i: workflow.item_submit(item=i, actor=c.deputy)),
    (State.MERGED, lambda c, i: workflow.item_assign(item=i, actor=c.staff, lead_unit=c.zhujian.unit)),
]


@pytest.mark.parametrize(("state", "call"), FORBIDDEN)
def test_it_refuses_forbidden_transitions_and_changes_nothing(cast, state, call):
    item = make(cast, state)
    before = (item.state, item.events.count(), Assignment.objects.filter(item=item).count())
    with pytest.raises(workflow.WorkflowError):
        call(cast, item)
    item.refresh_from_db()
    assert (item.state, item.events.count(), Assignment.objects.filter(item=item).count()) == before

