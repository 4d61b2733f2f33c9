"""Choices of deputy suggestions (代表建议) and the one transition table of their loop.

`TRANSITIONS` is the single source of truth for which action may happen from which state and by whom;
`suggestions/services.py` has one function per action and checks every call against it through
`core.loops.lock`. The statutory path (DOMAIN.md "Deputy suggestions", issue 11):

草稿 → 已提交 → 已登记 (numbered) → 审查中 → 已立案 / 已并案 / 不予立案 → 办理中 (交办) → 待审核 (答复)
→ 已答复 → 已办结 (评价, or 未表态 when the window passes); a 不满意 sends it back to 办理中 for one month,
a second 不满意 to 督办中. B/C answers stay on the 跟踪 list (`Suggestion.tracking`) after 办结 until the
unit reports the planned measures done.
"""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from core.loops import Transition, transition


class SessionKind(models.TextChoices):
    CONGRESS = "congress", _("大会")  # 区人大十二届一次会议
    INTERIM = "interim", _("闭会期间")  # 2026年闭会期间


class State(models.TextChoices):
    DRAFT = "draft", _("草稿")
    SUBMITTED = "submitted", _("已提交")
    WITHDRAWN = "withdrawn", _("已撤回")
    REGISTERED = "registered", _("已登记")
    REVIEWING = "reviewing", _("审查中")
    ACCEPTED = "accepted", _("已立案")
    MERGED = "merged", _("已并案")
    NOT_ACCEPTED = "not_accepted", _("不予立案")
    HANDLING = "handling", _("办理中")
    REVIEW = "review", _("答复待审核")
    ANSWERED = "answered", _("已答复")
    SUPERVISION = "supervision", _("督办中")
    CONCLUDED = "concluded", _("已办结")


# Accepted (立案) at some point: the base of 办结率.
ACCEPTED_STATES = (State.ACCEPTED, State.HANDLING, State.REVIEW, State.ANSWERED, State.SUPERVISION,
                   State.CONCLUDED)
# The reply clock runs (can be overdue).
CLOCKED_STATES = (State.HANDLING,)


class UnitRole(models.TextChoices):
    LEAD = "lead", _("主办")
    CO = "co", _("协办")
    SPLIT = "split", _("分办")  # each unit answers separately


# Roles whose unit writes a reply of its own.
REPLYING_ROLES = (UnitRole.LEAD, UnitRole.SPLIT)


class RejectGround(models.TextChoices):
    """不予立案 grounds: the five statutory ones, or other (with a reason)."""

    NOT_DUTY = "not_duty", _("不属于本级人民代表大会及其常务委员会职权范围")
    JUDICIAL = "judicial", _("涉及解决代表本人及其亲属个人问题")
    LITIGATION = "litigation", _("属于正在进行的诉讼、仲裁等法定程序中的问题")
    NO_CONTENT = "no_content", _("没有具体内容、只列出题目")
    PUBLICITY = "publicity", _("属于学术探讨、产品推介或代转来信")
    OTHER = "other", _("其他")


class ReplyClass(models.TextChoices):
    A = "A", _("A 已解决或采纳")
    B = "B", _("B 正在解决或列入计划")
    C = "C", _("C 因条件限制留作参考")
    D = "D", _("D 其他")


# Classes whose reply must carry planned measures with a date, and which stay on the 跟踪 list.
PLANNED_CLASSES = (ReplyClass.B, ReplyClass.C)
# Classes whose reply must say why it is not adopted.
NOT_ADOPTED_CLASSES = (ReplyClass.C, ReplyClass.D)


class Rating(models.TextChoices):
    SATISFIED = "satisfied", _("满意")
    BASIC = "basic", _("基本满意")
    DISSATISFIED = "dissatisfied", _("不满意")
    NO_ANSWER = "no_answer", _("未表态")  # NOT deemed satisfied; reported apart


GIVEN_RATINGS = (Rating.SATISFIED, Rating.BASIC, Rating.DISSATISFIED)
GOOD_RATINGS = (Rating.SATISFIED, Rating.BASIC)


class ConsultationForm(models.TextChoices):
    MEETING = "meeting", _("座谈会")
    VISIT = "visit", _("上门")
    PHONE = "phone", _("电话")
    OTHER = "other", _("其他")
    NONE = "none", _("未沟通")


class ConsultationLevel(models.TextChoices):
    HEAD = "head", _("一把手")
    DEPUTY_HEAD = "deputy_head", _("分管领导")
    SECTION = "section", _("科室")
    STAFF = "staff", _("一般干部")


class ConsultationAnswer(models.TextChoices):
    PENDING = "pending", _("待代表确认")
    CONFIRMED = "confirmed", _("代表确认")
    DISPUTED = "disputed", _("代表有异议")


class RequestKind(models.TextChoices):
    RETURN = "return", _("申请退回")
    EXTENSION = "extension", _("申请延期")


class RequestStatus(models.TextChoices):
    PENDING = "pending", _("待审批")
    APPROVED = "approved", _("已同意")
    REFUSED = "refused", _("不同意")


class Action(models.TextChoices):
    """Every event on a suggestion's timeline; one service per action."""

    CREATE = "create", _("创建草稿")
    EDIT = "edit", _("修改")
    COSIGN = "cosign", _("确认附议")
    SUBMIT = "submit", _("提交")
    WITHDRAW = "withdraw", _("撤回")
    REGISTER = "register", _("登记")
    START_REVIEW = "start_review", _("审查")
    ACCEPT = "accept", _("立案")
    MERGE = "merge", _("并案")
    REJECT = "reject", _("不予立案")
    ASSIGN = "assign", _("交办")
    REQUEST_RETURN = "request_return", _("申请退回")
    DECIDE_RETURN = "decide_return", _("审批退回申请")
    REQUEST_EXTENSION = "request_extension", _("申请延期")
    DECIDE_EXTENSION = "decide_extension", _("审批延期申请")
    CO_OPINION = "co_opinion", _("提交协办意见")
    CONSULT = "consult", _("记录面商")
    CONFIRM_CONSULTATION = "confirm_consultation", _("代表确认面商")
    REPLY = "reply", _("答复")
    SEND_BACK = "send_back", _("退回重新答复")
    CHANGE_CLASS = "change_class", _("调整答复类别")
    APPROVE_REPLY = "approve_reply", _("审核通过")
    EVALUATE = "evaluate", _("评价")
    EXPIRE_EVALUATION = "expire_evaluation", _("逾期未表态")
    CLOSE_SUPERVISED = "close_supervised", _("督办办结")
    MEASURES_DONE = "measures_done", _("计划措施已落实")


class Actor(models.TextChoices):
    OWNER = "owner", _("领衔代表或录入人")
    DEPUTY = "deputy", _("领衔代表")
    COSIGNER = "cosigner", _("附议代表")
    STAFF = "staff", _("人大工作人员")
    LEAD_UNIT = "lead_unit", _("主办单位")  # a unit that writes a reply: the lead or a 分办 unit
    CO_UNIT = "co_unit", _("协办单位")
    PROXY = "proxy", _("代为评价的工作人员")  # staff rating for a deputy without a login
    SYSTEM = "system", _("系统")


_ANSWERED_ON = (State.HANDLING, State.REVIEW, State.ANSWERED, State.SUPERVISION, State.CONCLUDED)

TRANSITIONS: dict[str, Transition] = {
    Action.EDIT: transition((State.DRAFT,), (Actor.OWNER,), None),
    # Co-signers confirm in the product, or staff record a paper signature, until it is registered.
    Action.COSIGN: transition((State.DRAFT, State.SUBMITTED), (Actor.COSIGNER, Actor.STAFF), None),
    Action.SUBMIT: transition((State.DRAFT,), (Actor.OWNER,), State.SUBMITTED),
    Action.WITHDRAW: transition((State.DRAFT, State.SUBMITTED), (Actor.OWNER,), State.WITHDRAWN),
    Action.REGISTER: transition((State.SUBMITTED,), (Actor.STAFF,), State.REGISTERED),
    Action.START_REVIEW: transition((State.REGISTERED,), (Actor.STAFF,), State.REVIEWING),
    Action.ACCEPT: transition((State.REVIEWING,), (Actor.STAFF,), State.ACCEPTED),
    Action.MERGE: transition((State.REVIEWING,), (Actor.STAFF,), State.MERGED),
    Action.REJECT: transition((State.REVIEWING,), (Actor.STAFF,), State.NOT_ACCEPTED),
    Action.ASSIGN: transition((State.ACCEPTED,), (Actor.STAFF,), State.HANDLING),
    Action.REQUEST_RETURN: transition((State.HANDLING,), (Actor.LEAD_UNIT,), State.HANDLING),
    Action.DECIDE_RETURN: transition((State.HANDLING,), (Actor.STAFF,), None),  # approved → 已立案
    Action.REQUEST_EXTENSION: transition((State.HANDLING,), (Actor.LEAD_UNIT,), State.HANDLING),
    Action.DECIDE_EXTENSION: transition((State.HANDLING,), (Actor.STAFF,), State.HANDLING),
    Action.CO_OPINION: transition((State.HANDLING,), (Actor.CO_UNIT,), State.HANDLING),
    Action.CONSULT: transition((State.HANDLING,), (Actor.LEAD_UNIT,), State.HANDLING),
    Action.CONFIRM_CONSULTATION: transition(_ANSWERED_ON, (Actor.DEPUTY,), None),
    # The last replying unit's answer moves it to 待审核; with 分办 the others keep it 办理中.
    Action.REPLY: transition((State.HANDLING,), (Actor.LEAD_UNIT,), None),
    Action.SEND_BACK: transition((State.REVIEW,), (Actor.STAFF,), State.HANDLING),
    Action.CHANGE_CLASS: transition((State.REVIEW,), (Actor.STAFF,), State.REVIEW),
    Action.APPROVE_REPLY: transition((State.REVIEW,), (Actor.STAFF,), State.ANSWERED),
    # Both 满意/基本满意 → 已办结; a 不满意 → 办理中 (one month); a second 不满意 → 督办中.
    # Co-signers rate too where the district enables it (SuggestionSettings.cosigners_evaluate).
    Action.EVALUATE: transition((State.ANSWERED,), (Actor.DEPUTY, Actor.PROXY, Actor.COSIGNER), None),
    Action.EXPIRE_EVALUATION: transition((State.ANSWERED,), (Actor.SYSTEM, Actor.STAFF), State.CONCLUDED),
    Action.CLOSE_SUPERVISED: transition((State.SUPERVISION,), (Actor.STAFF,), State.CONCLUDED),
    Action.MEASURES_DONE: transition((State.CONCLUDED,), (Actor.LEAD_UNIT, Actor.STAFF), State.CONCLUDED),
}
