"""Choices of opinion items (社情民意) and the one transition table of their workflow.

`TRANSITIONS` is the single source of truth for which action may happen from which state and by
whom. `petitions/workflow.py` has one function per action and checks every call against it through
the loop engine (core.loops), whose `Transition` rows the table is made of.
"""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from core.loops import Transition, transition


class State(models.TextChoices):
    """Where an item is in the loop 收集 → 研处 → 办理 → 反馈 → 评价 → 办结 (DOMAIN.md)."""

    DRAFT = "draft", _("草稿")
    SUBMITTED = "submitted", _("已提交")
    RETURNED = "returned", _("退回补充")
    RESEARCH = "research", _("研处中")
    HANDLING = "handling", _("办理中")
    REVIEW = "review", _("待审核")
    EVALUATION = "evaluation", _("待评价")  # 已反馈: the reply has reached the deputy
    SUPERVISION = "supervision", _("待督办办结")  # second 不满意: staff close it flagged for 督办
    CLOSED = "closed", _("已办结")
    WITHDRAWN = "withdrawn", _("已撤回")
    MERGED = "merged", _("已合并")


class Stage(models.TextChoices):
    """The stage (环节) of the loop a state belongs to."""

    COLLECT = "collect", _("收集")
    RESEARCH = "research", _("研处")
    HANDLE = "handle", _("办理")
    FEEDBACK = "feedback", _("反馈")
    EVALUATE = "evaluate", _("评价")
    CLOSED = "closed", _("办结")


STAGE_STATES: dict[str, tuple[str, ...]] = {
    Stage.COLLECT: (State.DRAFT, State.RETURNED),
    Stage.RESEARCH: (State.SUBMITTED, State.RESEARCH),
    Stage.HANDLE: (State.HANDLING,),
    Stage.FEEDBACK: (State.REVIEW,),
    Stage.EVALUATE: (State.EVALUATION, State.SUPERVISION),
    Stage.CLOSED: (State.CLOSED,),
}
STATE_STAGE: dict[str, str] = {s: stage for stage, states in STAGE_STATES.items() for s in states}

# Items that count as collected (收集数): submitted at some point and not withdrawn or merged away.
NOT_COLLECTED_STATES = (State.DRAFT, State.WITHDRAWN, State.MERGED)
# Open stages that have a due date and can be overdue (逾期).
CLOCKED_STATES = (State.SUBMITTED, State.RESEARCH, State.HANDLING)
# States in which the item is still moving (not final).
OPEN_STATES = (State.SUBMITTED, State.RETURNED, State.RESEARCH, State.HANDLING, State.REVIEW,
               State.EVALUATION, State.SUPERVISION)


class Category(models.TextChoices):
    ECONOMY = "economy", _("经济发展")
    ECOLOGY = "ecology", _("生态环境")
    URBAN = "urban", _("城乡建设")
    LIVELIHOOD = "livelihood", _("民生保障")
    GOVERNANCE = "governance", _("社会治理")
    OTHER = "other", _("其他")


class Source(models.TextChoices):
    VISIT = "visit", _("走访选民")
    RECEPTION = "reception", _("接待选民日")
    GROUP = "group", _("代表小组活动")
    ONLINE = "online", _("线上")
    OTHER = "other", _("其他")


class UnitRole(models.TextChoices):
    LEAD = "lead", _("主办")
    CO = "co", _("协办")


class Satisfaction(models.TextChoices):
    SATISFIED = "satisfied", _("满意")
    BASIC = "basic", _("基本满意")
    DISSATISFIED = "dissatisfied", _("不满意")


class Conclusion(models.TextChoices):
    """How an item reached 已办结 (all count as concluded, 办结数)."""

    EVALUATED = "evaluated", _("代表评价")
    DEEMED = "deemed", _("逾期未评价视为满意")
    REJECTED = "rejected", _("不予受理")
    SUPERVISED = "supervised", _("督办办结")


class RequestKind(models.TextChoices):
    EXTENSION = "extension", _("申请延期")
    RETURN = "return", _("申请退回")


class RequestStatus(models.TextChoices):
    PENDING = "pending", _("待审批")
    APPROVED = "approved", _("已同意")
    REFUSED = "refused", _("不同意")
    VOID = "void", _("已失效")


class Action(models.TextChoices):
    """Every event on the timeline (ItemEvent.action). One workflow function per action."""

    CREATE = "create", _("创建草稿")
    EDIT = "edit", _("修改")
    SUBMIT = "submit", _("提交")
    WITHDRAW = "withdraw", _("撤回")
    START_RESEARCH = "start_research", _("开始研处")
    RETURN_FOR_DETAIL = "return_for_detail", _("退回补充")
    MERGE = "merge", _("合并")
    MERGED_IN = "merged_in", _("并入重复事项")
    ANSWER_DIRECTLY = "answer_directly", _("直接答复")
    REJECT = "reject", _("不予受理")
    ASSIGN = "assign", _("交办")
    RECALL = "recall", _("撤回交办")
    PROGRESS = "progress", _("办理进展")
    REQUEST_RETURN = "request_return", _("申请退回")
    DECIDE_RETURN = "decide_return", _("审批退回申请")
    REQUEST_EXTENSION = "request_extension", _("申请延期")
    DECIDE_EXTENSION = "decide_extension", _("审批延期申请")
    SUBMIT_PART = "submit_part", _("提交协办意见")
    SUBMIT_RESULT = "submit_result", _("提交办理结果")
    SEND_BACK = "send_back", _("退回重办")
    PASS_ON = "pass_on", _("反馈代表")
    EVALUATE = "evaluate", _("评价")
    DEEM_SATISFIED = "deem_satisfied", _("逾期未评价视为满意")
    CLOSE_SUPERVISED = "close_supervised", _("督办办结")


class Actor(models.TextChoices):
    """Who may act (checked together with the data scope in workflow.py)."""

    DEPUTY = "deputy", _("提交代表")  # the submitting deputy
    OWNER = "owner", _("提交人")  # the submitting deputy, or the staff member who entered it for them
    STAFF = "staff", _("人大工作人员")  # district staff/admin; area staff of the item's area
    LEAD_UNIT = "lead_unit", _("主办单位")
    UNIT = "unit", _("承办单位")  # lead or co-unit of the current round
    # Staff in scope recording the evaluation of a deputy who has no login (by phone, on a visit):
    # many deputies never log in, and their replies must not all end as 逾期视为满意.
    PROXY = "proxy", _("代为评价的工作人员")
    SYSTEM = "system", _("系统")


_RESEARCHABLE = (State.SUBMITTED, State.RESEARCH)

# A target of None: the state after the action depends on the call (see the workflow function).
TRANSITIONS: dict[str, Transition] = {
    Action.EDIT: transition((State.DRAFT, State.RETURNED), (Actor.OWNER,), None),
    Action.SUBMIT: transition((State.DRAFT, State.RETURNED), (Actor.OWNER,), State.SUBMITTED),
    Action.WITHDRAW: transition((State.DRAFT, State.SUBMITTED, State.RETURNED), (Actor.OWNER,), State.WITHDRAWN),
    Action.START_RESEARCH: transition((State.SUBMITTED,), (Actor.STAFF,), State.RESEARCH),
    Action.RETURN_FOR_DETAIL: transition(_RESEARCHABLE, (Actor.STAFF,), State.RETURNED),
    Action.MERGE: transition(_RESEARCHABLE, (Actor.STAFF,), State.MERGED),
    Action.ANSWER_DIRECTLY: transition(_RESEARCHABLE, (Actor.STAFF,), State.EVALUATION),
    Action.REJECT: transition(_RESEARCHABLE, (Actor.STAFF,), State.CLOSED),
    Action.ASSIGN: transition(_RESEARCHABLE, (Actor.STAFF,), State.HANDLING),
    Action.RECALL: transition((State.HANDLING,), (Actor.STAFF,), State.RESEARCH),
    Action.PROGRESS: transition((State.HANDLING,), (Actor.UNIT,), State.HANDLING),
    Action.REQUEST_RETURN: transition((State.HANDLING,), (Actor.LEAD_UNIT,), State.HANDLING),
    Action.DECIDE_RETURN: transition((State.HANDLING,), (Actor.STAFF,), None),  # approve → 研处中
    Action.REQUEST_EXTENSION: transition((State.HANDLING,), (Actor.UNIT,), State.HANDLING),
    Action.DECIDE_EXTENSION: transition((State.HANDLING,), (Actor.STAFF,), State.HANDLING),
    Action.SUBMIT_PART: transition((State.HANDLING,), (Actor.UNIT,), State.HANDLING),
    Action.SUBMIT_RESULT: transition((State.HANDLING,), (Actor.LEAD_UNIT,), State.REVIEW),
    Action.SEND_BACK: transition((State.REVIEW,), (Actor.STAFF,), State.HANDLING),
    Action.PASS_ON: transition((State.REVIEW,), (Actor.STAFF,), State.EVALUATION),
    # 满意/基本满意 → 已办结; 不满意 → 办理中 again (研处中 for a direct answer); second 不满意 → 待督办办结.
    Action.EVALUATE: transition((State.EVALUATION,), (Actor.DEPUTY, Actor.PROXY), None),
    Action.DEEM_SATISFIED: transition((State.EVALUATION,), (Actor.SYSTEM, Actor.STAFF), State.CLOSED),
    Action.CLOSE_SUPERVISED: transition((State.SUPERVISION,), (Actor.STAFF,), State.CLOSED),
}
