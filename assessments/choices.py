from django.db import models
from django.utils.translation import gettext_lazy as _


class RuleBasis(models.TextChoices):
    """What a scoring rule (计分规则) counts for a deputy in the assessed year."""

    ITEM_SUBMITTED = "item_submitted", _("提交社情民意(条)")
    ITEM_SATISFIED = "item_satisfied", _("社情民意办结且满意(条)")
    ACTIVITY = "activity", _("参加履职活动(次)")
    ABSENCE = "absence", _("无故缺席活动(次)")
    # 代表建议 registered (登记) in the year (issue 11).
    SUGGESTION_LED = "suggestion_led", _("领衔提出代表建议(件)")
    SUGGESTION_COSIGNED = "suggestion_cosigned", _("附议代表建议(件)")
    SUGGESTION_A = "suggestion_a", _("领衔建议答复为 A 类(件)")
    SUGGESTION_B = "suggestion_b", _("领衔建议答复为 B 类(件)")
    # 群众来信 to the deputy's own code answered or turned into an opinion item in the year (issue 13).
    RESIDENT_ANSWERED = "resident_answered", _("答复群众来信(件)")
    # The year's published quarterly points (points app): "points" is then per point, not per record.
    POINTS_YEAR = "points_year", _("年度履职积分(每分)")


# Bases that count suggestions (their records are suggestions, no activity kind).
SUGGESTION_BASES = (RuleBasis.SUGGESTION_LED, RuleBasis.SUGGESTION_COSIGNED, RuleBasis.SUGGESTION_A,
                    RuleBasis.SUGGESTION_B)


class AssessmentStatus(models.TextChoices):
    DRAFT = "draft", _("未发布")
    PUBLISHED = "published", _("已发布")


class Half(models.IntegerChoices):
    FIRST = 1, _("上半年")
    SECOND = 2, _("下半年")
