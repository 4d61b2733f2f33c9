"""Choices and the two small loops of the points app (履职积分): self-reports and correction requests."""

from django.db import models
from django.utils.translation import gettext_lazy as _

from core.loops import transition


class Category(models.TextChoices):
    """The point categories districts publish (一类一栏)."""

    MEETING = "meeting", _("会议履职")
    BETWEEN = "between", _("闭会活动")
    CONTACT = "contact", _("联系群众")
    OPINION = "opinion", _("建议与社情民意")
    TRAINING = "training", _("学习培训")
    REPORT = "report", _("向选民述职")
    DEDUCTION = "deduction", _("扣分")


class Basis(models.TextChoices):
    """Where a rule's lines come from: a kind of record counted automatically, or 自行申报."""

    ITEM_SUBMITTED = "item_submitted", _("提交社情民意(条)")
    ITEM_CONCLUDED = "item_concluded", _("社情民意办结(条)")
    SUGGESTION_LED = "suggestion_led", _("领衔提出代表建议(件)")
    SUGGESTION_COSIGNED = "suggestion_cosigned", _("附议代表建议(件)")
    SUGGESTION_A = "suggestion_a", _("领衔建议答复为 A 类(件)")
    SUGGESTION_B = "suggestion_b", _("领衔建议答复为 B 类(件)")
    ACTIVITY = "activity", _("参加履职活动(次)")
    ABSENCE = "absence", _("无故缺席活动(次)")
    RESIDENT_ANSWERED = "resident_answered", _("答复群众来信(件)")
    PUBLICITY = "publicity", _("信息宣传被采用(篇)")
    SELF_REPORT = "self_report", _("自行申报(经审核)")


class RecordKind(models.TextChoices):
    """What the record ids of a line point at (the breakdown links each one)."""

    ITEM = "item", _("社情民意")
    SUGGESTION = "suggestion", _("代表建议")
    ACTIVITY = "activity", _("履职活动")
    RESIDENT = "resident", _("群众来信")
    PUBLICITY = "publicity", _("信息宣传")
    SELF_REPORT = "self_report", _("自行申报")
    CORRECTION = "correction", _("更正")


class SnapshotStatus(models.TextChoices):
    DRAFT = "draft", _("未发布")
    PUBLISHED = "published", _("已发布")


class Quarter(models.IntegerChoices):
    Q1 = 1, _("第一季度")
    Q2 = 2, _("第二季度")
    Q3 = 3, _("第三季度")
    Q4 = 4, _("第四季度")


class Actor(models.TextChoices):
    DEPUTY = "deputy", _("代表本人")
    STAFF = "staff", _("工作人员")


# --- 自行申报 ------------------------------------------------------------------------------------

class ClaimState(models.TextChoices):
    SUBMITTED = "submitted", _("待审核")
    APPROVED = "approved", _("已通过")
    REFUSED = "refused", _("未通过")


class ClaimAction(models.TextChoices):
    SUBMIT = "submit", _("申报")
    APPROVE = "approve", _("审核通过")
    REFUSE = "refuse", _("不予通过")


CLAIM_TRANSITIONS = {
    ClaimAction.APPROVE: transition([ClaimState.SUBMITTED], [Actor.STAFF], ClaimState.APPROVED),
    ClaimAction.REFUSE: transition([ClaimState.SUBMITTED], [Actor.STAFF], ClaimState.REFUSED),
}


# --- 申请更正 ------------------------------------------------------------------------------------

class CorrectionState(models.TextChoices):
    REQUESTED = "requested", _("待处理")
    ACCEPTED = "accepted", _("已更正")
    REFUSED = "refused", _("不予更正")


class CorrectionAction(models.TextChoices):
    REQUEST = "request", _("申请更正")
    ACCEPT = "accept", _("同意更正")
    REFUSE = "refuse", _("不予更正")
    APPLY = "apply", _("计入季度积分")


CORRECTION_TRANSITIONS = {
    CorrectionAction.ACCEPT: transition([CorrectionState.REQUESTED], [Actor.STAFF], CorrectionState.ACCEPTED),
    CorrectionAction.REFUSE: transition([CorrectionState.REQUESTED], [Actor.STAFF], CorrectionState.REFUSED),
}
