"""The suggestion loop walked through its services, and every refused step: a clear Chinese message,
nothing changed."""

import datetime
import itertools

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from core.loops import LoopError, NotAllowed, StaleState
from suggestions import services
from suggestions.choices import TRANSITIONS, Action, ConsultationAnswer, Rating, State, UnitRole
from suggestions.models import CoSigner, Suggestion, SuggestionEvent, SuggestionSettings, SuggestionUnit

from .helpers import draft, make, reply_data

pytestmark = pytest.mark.django_db


def test_it_walks_the_statutory_loop_from_draft_to_the_closed_follow_up(cast):
    s = draft(cast, co=[cast.group_leader.deputy, cast.renwei_deputy.deputy])
    for user in (cast.group_leader, cast.renwei_deputy):
        services.suggestion_cosign(suggestion=s, actor=user)
    assert CoSigner.objects.filter(suggestion=s, confirmed_at__isnull=False).count() == 2
    s = services.suggestion_submit(suggestion=s, actor=cast.deputy)
    s = services.suggestion_register(suggestion=s, actor=cast.staff)
    assert s.display_number == "第0001号"
    s = services.suggestion_start_review(suggestion=s, actor=cast.staff)
    s = services.suggestion_accept(suggestion=s, actor=cast.staff)
    s = services.suggestion_assign(suggestion=s, actor=cast.staff, lead_unit=cast.zhujian.unit,
                                   co_units=[cast.huanbao.unit], lead_leader="张副区长",
                                   supervising_committee="城建环保工委", key_supervision=True)
    assert s.state == State.HANDLING and s.key_supervision
    services.suggestion_co_opinion(suggestion=s, actor=cast.huanbao, opinion="同意增设信号灯。")
    c = services.suggestion_consult(suggestion=s, actor=cast.zhujian, form="meeting",
                                    date=datetime.date(2026, 11, 25), person_name="王局长", person_level="head")
    services.suggestion_confirm_consultation(suggestion=s, actor=cast.deputy, consultation=c, agree=True)
    services.suggestion_reply(suggestion=s, actor=cast.zhujian, data=reply_data("B"))
    s.refresh_from_db()
    assert s.state == State.REVIEW and s.reply_class == "B" and s.replied_on_time is True
    s = services.suggestion_approve_reply(suggestion=s, actor=cast.staff)
    assert s.state == State.ANSWERED and s.disclose_after > datetime.date(2026, 12, 20)
    services.suggestion_evaluate(suggestion=s, actor=cast.deputy, work_rating=Rating.SATISFIED,
                                 result_rating=Rating.BASIC)
    s.refresh_from_db()
    assert s.state == State.CONCLUDED and s.tracking is True  # B: on the 跟踪 list
    s = services.suggestion_measures_done(suggestion=s, actor=cast.zhujian, comment="两处信号灯已投用。")
    assert s.tracking is False and s.measures_done_at is not None
    c.refresh_from_db()
    assert c.answer == ConsultationAnswer.CONFIRMED
    # The timeline chains: each event starts where the one before ended.
    events = list(SuggestionEvent.objects.filter(suggestion=s).order_by("created_at", "id"))
    for before, after in itertools.pairwise(events):
        assert after.from_state == before.to_state, (before.action, after.action)


def test_it_lists_an_a_answer_as_concluded_without_follow_up(cast):
    s = make(cast, State.CONCLUDED, reply_class="A")
    assert s.tracking is False


def _snapshot(s):
    s = Suggestion.objects.get(pk=s.pk)
    return (s.state, s.number, s.reply_class, s.handling_round, s.reply_due,
            SuggestionEvent.objects.filter(suggestion=s).count(), SuggestionUnit.objects.filter(suggestion=s).count())


REFUSED = [
    # (state the suggestion is in, who, the call, the error class, words the message must contain)
    (State.DRAFT, "staff", lambda s, c: services.suggestion_register(suggestion=s, actor=c.staff),
     StaleState, "请刷新"),
    (State.SUBMITTED, "deputy", lambda s, c: services.suggestion_register(suggestion=s, actor=c.deputy),
     NotAllowed, "无权"),
    (State.REGISTERED, "staff", lambda s, c: services.suggestion_accept(suggestion=s, actor=c.staff),
     StaleState, "请刷新"),
    (State.REVIEWING, "staff", lambda s, c: services.suggestion_reject(suggestion=s, actor=c.staff, ground=""),
     LoopError, "请选择不予立案理由"),
    (State.REVIEWING, "staff", lambda s, c: services.suggestion_reject(suggestion=s, actor=c.staff, ground="other"),
     LoopError, "请填写不予立案说明"),
    (State.ACCEPTED, "staff", lambda s, c: services.suggestion_assign(suggestion=s, actor=c.staff),
     LoopError, "请选择主办单位"),
    (State.ACCEPTED, "staff", lambda s, c: services.suggestion_assign(
        suggestion=s, actor=c.staff, split_units=[c.zhujian.unit]), LoopError, "分办须至少选择两个单位"),
    (State.ACCEPTED, "leader", lambda s, c: services.suggestion_assign(
        suggestion=s, actor=c.leader, lead_unit=c.zhujian.unit), NotAllowed, "只能查看"),
    (State.HANDLING, "zhujian", lambda s, c: services.suggestion_reply(
        suggestion=s, actor=c.zhujian, data=reply_data("B")), LoopError, "面商"),
    (State.HANDLING, "huanbao", lambda s, c: services.suggestion_reply(
        suggestion=s, actor=c.huanbao, data=reply_data("A")), NotAllowed, "无权"),
    (State.HANDLING, "zhujian", lambda s, c: services.suggestion_consult(
        suggestion=s, actor=c.zhujian, form="visit"), LoopError, "请填写面商日期"),
    (State.HANDLING, "deputy", lambda s, c: services.suggestion_evaluate(
        suggestion=s, actor=c.deputy, work_rating="satisfied", result_rating="satisfied"), StaleState, "请刷新"),
    (State.REVIEW, "staff", lambda s, c: services.suggestion_change_class(
        suggestion=s, actor=c.staff, reply_class="D", reason="x"), LoopError, "未启用 D 类"),
    (State.REVIEW, "staff", lambda s, c: services.suggestion_send_back(suggestion=s, actor=c.staff, reason=""),
     LoopError, "请填写退回理由"),
    (State.ANSWERED, "deputy", lambda s, c: services.suggestion_evaluate(
        suggestion=s, actor=c.deputy, work_rating="satisfied", result_rating=""), LoopError, "办理结果评价"),
    (State.ANSWERED, "deputy", lambda s, c: services.suggestion_evaluate(
        suggestion=s, actor=c.deputy, work_rating="dissatisfied", result_rating="basic"), LoopError, "评价意见"),
    (State.ANSWERED, "group_leader", lambda s, c: services.suggestion_evaluate(
        suggestion=s, actor=c.group_leader, work_rating="satisfied", result_rating="satisfied"), NotAllowed,
     "未启用附议代表评价"),
    (State.ANSWERED, "renwei_deputy", lambda s, c: services.suggestion_evaluate(
        suggestion=s, actor=c.renwei_deputy, work_rating="satisfied", result_rating="satisfied"), NotAllowed, "无权"),
    (State.ANSWERED, "staff", lambda s, c: services.suggestion_expire_evaluation(suggestion=s, actor=c.staff),
     LoopError, "评价期限未到"),
    (State.CONCLUDED, "zhujian", lambda s, c: services.suggestion_evaluate(
        suggestion=s, actor=c.deputy, work_rating="satisfied", result_rating="satisfied"), StaleState, "已办结"),
]


@pytest.mark.parametrize("state,who,call,error,words", REFUSED,
                         ids=[f"{r[0]}-{i}" for i, r in enumerate(REFUSED)])
def test_it_refuses_a_step_with_a_chinese_message_and_changes_nothing(cast, state, who, call, error, words):
    s = make(cast, state)
    before = _snapshot(s)
    with pytest.raises(error) as exc:
        call(s, cast)
    assert words in exc.value.message
    assert any("\u4e00" <= ch <= "\u9fff" for ch in exc.value.message)
    assert _snapshot(s) == before


@pytest.mark.parametrize("reply_class,missing,words", [
    ("B", {"planned_measures": ""}, "计划措施"),
    ("B", {"planned_date": None}, "计划完成日期"),
    ("C", {"not_adopted_reason": ""}, "未采纳理由"),
    ("A", {"doc_number": ""}, "文号"),
    ("A", {"co_opinions": ""}, "协办单位的意见"),
])
def test_it_refuses_an_incomplete_reply_and_keeps_it_in_handling(cast, reply_class, missing, words):
    s = make(cast, State.HANDLING)
    services.suggestion_consult(suggestion=s, actor=cast.zhujian, form="none")
    before = _snapshot(s)
    with pytest.raises(LoopError) as exc:
        services.suggestion_reply(suggestion=s, actor=cast.zhujian, data=reply_data(reply_class, **missing))
    assert words in exc.value.message
    assert _snapshot(s) == before


def test_it_refuses_a_signed_reply_that_is_not_a_pdf(cast):
    s = make(cast, State.HANDLING)
    services.suggestion_consult(suggestion=s, actor=cast.zhujian, form="phone", date=datetime.date(2026, 11, 24),
                                person_name="李科长", person_level="section")
    upload = SimpleUploadedFile("reply.pdf", b"not a pdf", content_type="application/pdf")
    with pytest.raises(LoopError, match="PDF"):
        services.suggestion_reply(suggestion=s, actor=cast.zhujian, data=reply_data("A"), signed_pdf=upload)
    assert Suggestion.objects.get(pk=s.pk).state == State.HANDLING


def test_it_waits_for_every_split_unit_before_review(cast):
    s = make(cast, State.ACCEPTED)
    s = services.suggestion_assign(suggestion=s, actor=cast.staff, split_units=[cast.zhujian.unit, cast.huanbao.unit])
    assert set(SuggestionUnit.objects.filter(suggestion=s).values_list("role", flat=True)) == {UnitRole.SPLIT}
    for i, unit_user in enumerate((cast.zhujian, cast.huanbao)):
        services.suggestion_consult(suggestion=s, actor=unit_user, form="none")
        services.suggestion_reply(suggestion=s, actor=unit_user, data=reply_data("A", co_opinions=""))
        s.refresh_from_db()
        assert s.state == (State.HANDLING if i == 0 else State.REVIEW)


def test_it_sends_a_reply_back_and_lets_the_unit_answer_again(cast):
    s = make(cast, State.REVIEW)
    s = services.suggestion_send_back(suggestion=s, actor=cast.staff, reason="计划措施不具体")
    assert s.state == State.HANDLING
    services.suggestion_reply(suggestion=s, actor=cast.zhujian, data=reply_data("A"))
    s.refresh_from_db()
    assert s.state == State.REVIEW and s.reply_class == "A"


def test_it_lets_staff_change_the_class_in_review(cast):
    s = make(cast, State.REVIEW, reply_class="A")
    s = services.suggestion_change_class(suggestion=s, actor=cast.staff, reply_class="B", reason="尚未解决")
    assert s.reply_class == "B"


def test_it_rejects_with_a_statutory_ground(cast):
    s = make(cast, State.REVIEWING)
    s = services.suggestion_reject(suggestion=s, actor=cast.staff, ground="no_content")
    assert s.state == State.NOT_ACCEPTED and s.reject_ground == "no_content"


def test_it_merges_into_a_master_of_the_same_session(cast):
    master = make(cast, State.ACCEPTED)
    s = make(cast, State.REVIEWING)
    s = services.suggestion_merge(suggestion=s, actor=cast.staff, master=master)
    assert s.state == State.MERGED and s.merged_into == master


def test_it_lets_staff_record_a_paper_signature_but_not_a_cosigner_twice(cast):
    s = draft(cast)
    services.suggestion_cosign(suggestion=s, actor=cast.staff, deputy=cast.group_leader.deputy, on_paper=True)
    assert CoSigner.objects.get(suggestion=s).on_paper
    with pytest.raises(StaleState, match="已确认附议"):
        services.suggestion_cosign(suggestion=s, actor=cast.group_leader)


def test_it_lets_staff_rate_for_a_deputy_without_a_login_marked_as_proxy(cast):
    s = make(cast, State.ANSWERED)
    with pytest.raises(NotAllowed):  # while the deputy has a login, they rate themselves
        services.suggestion_evaluate(suggestion=s, actor=cast.staff, work_rating=Rating.SATISFIED,
                                     result_rating=Rating.SATISFIED)
    person = s.lead_deputy
    person.user = None
    person.save(update_fields=["user"])
    row = services.suggestion_evaluate(suggestion=s, actor=cast.staff, work_rating=Rating.SATISFIED,
                                       result_rating=Rating.SATISFIED)
    assert row.proxy is True and row.entered_by == cast.staff


def test_every_action_of_the_table_has_a_service():
    for action in TRANSITIONS:
        assert hasattr(services, f"suggestion_{Action(action).value}") or action in (
            Action.DECIDE_RETURN, Action.DECIDE_EXTENSION, Action.REQUEST_RETURN, Action.REQUEST_EXTENSION), action


def test_it_does_not_accept_class_d_unless_the_district_enables_it(cast):
    s = make(cast, State.REVIEW, reply_class="A")
    cfg = SuggestionSettings.load()
    cfg.class_d_enabled = True
    cfg.save()
    s = services.suggestion_change_class(suggestion=s, actor=cast.staff, reply_class="D", reason="其他情形")
    assert s.reply_class == "D"


def test_it_lets_confirmed_cosigners_rate_where_enabled_without_moving_the_suggestion(cast):
    cfg = SuggestionSettings.load()
    cfg.cosigners_evaluate = True
    cfg.save()
    unconfirmed = make(cast, State.ANSWERED)
    with pytest.raises(NotAllowed, match="未确认附议"):
        services.suggestion_evaluate(suggestion=unconfirmed, actor=cast.group_leader, work_rating=Rating.SATISFIED,
                                     result_rating=Rating.SATISFIED)
    s = make(cast, State.ANSWERED, confirmed=True)
    row = services.suggestion_evaluate(suggestion=s, actor=cast.group_leader, work_rating=Rating.BASIC,
                                       result_rating=Rating.DISSATISFIED, comment="进度偏慢")
    s.refresh_from_db()
    assert row.deputy == cast.group_leader.deputy and s.state == State.ANSWERED and s.work_rating == ""
    with pytest.raises(StaleState, match="已评价过"):
        services.suggestion_evaluate(suggestion=s, actor=cast.group_leader, work_rating=Rating.BASIC,
                                     result_rating=Rating.BASIC)


def test_it_offers_each_person_only_the_actions_the_table_gives_them(cast):
    s = make(cast, State.HANDLING)
    assert services.suggestion_actions(cast.zhujian, s) == {
        Action.REQUEST_RETURN, Action.REQUEST_EXTENSION, Action.CONSULT, Action.REPLY}
    assert services.suggestion_actions(cast.huanbao, s) == {Action.CO_OPINION}
    assert services.suggestion_actions(cast.staff, s) == {Action.DECIDE_RETURN, Action.DECIDE_EXTENSION}
    assert services.suggestion_actions(cast.deputy, s) == {Action.CONFIRM_CONSULTATION}
    assert services.suggestion_actions(cast.leader, s) == set()
    assert services.suggestion_actions(cast.renwei_staff, s) == set()
