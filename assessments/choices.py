from django.db import models
from django.utils.translation import gettext_lazy as _


class RuleBasis(models.TextChoices):
    """What a scoring rule (计分规则) counts for a deputy in the assessed year."""

    ITEM_SUBMITTED = "item_submitted", _("提交社情民意(条)")
    ITEM_SATISFIED = "item_satisfied", _("社情民意办结且满意(条)")
    ACTIVITY = "activity", _("参加履职活动(次)")
    ABSENCE = "absence", _("无故缺席活动(次)")


class AssessmentStatus(models.TextChoices):
    DRAFT = "draft", _("未发布")
    PUBLISHED = "published", _("已发布")


class Half(models.IntegerChoices):
    FIRST = 1, _("上半年")
    SECOND = 2, _("下半年")
