"""Annual assessment (年度履职考核): rules and grades are data staff edit; a computed assessment is a
set of rows per deputy and rule (AssessmentScore, ScorePart) that is recomputed from the records
until it is published, and frozen afterwards."""

from decimal import Decimal

from django.conf import settings
from django.contrib.postgres.fields import ArrayField
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from accounts.choices import Role
from activities.choices import ActivityKind
from areas.models import Area

from .choices import AssessmentStatus, RuleBasis


class AssessmentRule(models.Model):
    """A scoring rule (计分规则): so many points per record counted, with a cap on how many records
    count (e.g. 12 items a year) and a cap on the points. Negative points are deductions (扣分)."""

    name = models.CharField(_("规则名称"), max_length=80)
    basis = models.CharField(_("计分依据"), max_length=20, choices=RuleBasis.choices)
    activity_kind = models.CharField(_("活动类型"), max_length=20, choices=ActivityKind.choices, blank=True,
                                     help_text=_("“参加履职活动”必填;“无故缺席”留空表示任何活动。"))
    points = models.DecimalField(_("每条/次分值"), max_digits=6, decimal_places=2,
                                 help_text=_("扣分项填负数。"))
    max_count = models.PositiveIntegerField(_("计分条/次数上限"), null=True, blank=True,
                                            help_text=_("例如社情民意每年最多计 12 条;留空不限。"))
    max_points = models.DecimalField(_("分值上限"), max_digits=6, decimal_places=2, null=True, blank=True,
                                     validators=[MinValueValidator(Decimal("0"))],
                                     help_text=_("本规则最多得(或扣)多少分;留空不限。"))
    sort = models.PositiveIntegerField(_("排序"), default=0)
    is_active = models.BooleanField(_("启用"), default=True)

    class Meta:
        verbose_name = _("计分规则")
        verbose_name_plural = _("计分规则")
        ordering = ["sort", "id"]

    def __str__(self):
        return self.name

    def score(self, count: int) -> tuple[int, Decimal]:
        """(records counted, points) for `count` records, with both caps applied."""
        counted = min(count, self.max_count) if self.max_count is not None else count
        points = self.points * counted
        if self.max_points is not None:
            cap = abs(self.max_points)
            points = max(min(points, cap), -cap)
        return counted, points

    def snapshot(self) -> dict:
        return {"id": self.pk, "name": self.name, "basis": self.basis, "activity_kind": self.activity_kind,
                "points": str(self.points), "max_count": self.max_count,
                "max_points": None if self.max_points is None else str(self.max_points)}


class GradeLevel(models.Model):
    """A grade (等次), e.g. 优秀 / 称职 / 基本称职 / 不称职 (or 优秀 / 良好 / 合格 / 不合格): a deputy gets
    the best grade whose minimum score they reach; the last grade is the floor."""

    name = models.CharField(_("等次名称"), max_length=20)
    min_score = models.DecimalField(_("最低分"), max_digits=6, decimal_places=2)
    sort = models.PositiveIntegerField(_("排序(0 为最高等次)"), default=0)
    is_capped = models.BooleanField(_("受比例上限限制"), default=False,
                                    help_text=_("通常为“优秀”:人数不超过考核人数的一定比例。"))

    class Meta:
        verbose_name = _("考核等次")
        verbose_name_plural = _("考核等次")
        ordering = ["sort", "-min_score"]

    def __str__(self):
        return self.name


class AssessmentQuerySet(models.QuerySet):
    def visible_to(self, user):
        """Staff and leaders see every assessment; deputies only published ones (their own row)."""
        if not user.is_authenticated:
            return self.none()
        if user.is_district_wide or user.has_role(Role.AREA_STAFF):
            return self.all()
        if user.deputy_profile is not None:
            return self.filter(status=AssessmentStatus.PUBLISHED)
        return self.none()


class Assessment(models.Model):
    """The annual assessment (年度履职考核) of one year. `rules` and `grades` keep the rules and
    grades it was computed with, so a published assessment reads the same after rules change."""

    year = models.PositiveSmallIntegerField(_("考核年度"), unique=True,
                                            validators=[MinValueValidator(2000), MaxValueValidator(2100)])
    status = models.CharField(_("状态"), max_length=20, choices=AssessmentStatus.choices,
                              default=AssessmentStatus.DRAFT, db_index=True)
    top_share_percent = models.PositiveSmallIntegerField(
        _("优秀比例上限(%)"), null=True, blank=True, validators=[MaxValueValidator(100)],
        help_text=_("例如 15 表示优秀不超过考核人数的 15%;留空不限。"))
    near_margin = models.DecimalField(_("临界分差"), max_digits=5, decimal_places=2, default=Decimal("2"),
                                      help_text=_("离等次分数线在此分差以内的代表标为“临界”。"))
    rules = models.JSONField(_("计分规则快照"), default=list, blank=True)
    grades = models.JSONField(_("等次快照"), default=list, blank=True)
    computed_at = models.DateTimeField(_("计算时间"), null=True, blank=True)
    computed_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("计算人"), null=True, blank=True,
                                    on_delete=models.SET_NULL, related_name="+")
    published_at = models.DateTimeField(_("发布时间"), null=True, blank=True)
    published_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("发布人"), null=True, blank=True,
                                     on_delete=models.SET_NULL, related_name="+")

    objects = AssessmentQuerySet.as_manager()

    class Meta:
        verbose_name = _("年度履职考核")
        verbose_name_plural = _("年度履职考核")
        ordering = ["-year"]

    def __str__(self):
        return _("%(year)s年度履职考核") % {"year": self.year}

    @property
    def is_published(self) -> bool:
        return self.status == AssessmentStatus.PUBLISHED


class ScoreQuerySet(models.QuerySet):
    def visible_to(self, user):
        """District-wide roles see every score; area staff their area's; a deputy only their own, and
        only once published."""
        if not user.is_authenticated:
            return self.none()
        if user.is_district_wide:
            return self.all()
        q = Q(pk__in=[])
        if user.has_role(Role.AREA_STAFF) and user.area_id:
            q |= Q(area__in=Area.objects.subtree(user.area))
        deputy = user.deputy_profile
        if deputy is not None:
            q |= Q(deputy=deputy, assessment__status=AssessmentStatus.PUBLISHED)
        return self.filter(q)


class AssessmentScore(models.Model):
    """One deputy's result in an assessment: points from the rules (`raw_score`), staff adjustments,
    the total, the grade and the rank. `area` and `deputy_name` are kept as they were."""

    assessment = models.ForeignKey(Assessment, verbose_name=_("考核"), on_delete=models.CASCADE,
                                   related_name="scores")
    deputy = models.ForeignKey("deputies.Deputy", verbose_name=_("代表"), on_delete=models.PROTECT,
                               related_name="assessment_scores")
    deputy_name = models.CharField(_("姓名"), max_length=30)
    area = models.ForeignKey(Area, verbose_name=_("所属街道/镇"), null=True, blank=True, on_delete=models.PROTECT,
                             related_name="+")
    raw_score = models.DecimalField(_("计分"), max_digits=7, decimal_places=2, default=0)
    adjustment = models.DecimalField(_("调整分"), max_digits=7, decimal_places=2, default=0)
    total = models.DecimalField(_("总分"), max_digits=7, decimal_places=2, default=0, db_index=True)
    grade = models.CharField(_("等次"), max_length=20, blank=True)
    grade_sort = models.PositiveIntegerField(_("等次排序"), default=0)
    capped = models.BooleanField(_("因优秀比例上限降等"), default=False)
    rank = models.PositiveIntegerField(_("名次"), default=0)

    objects = ScoreQuerySet.as_manager()

    class Meta:
        verbose_name = _("代表考核得分")
        verbose_name_plural = _("代表考核得分")
        ordering = ["rank", "deputy_name", "id"]
        constraints = [models.UniqueConstraint(fields=["assessment", "deputy"], name="score_unique_deputy")]

    def __str__(self):
        return f"{self.assessment} {self.deputy_name} {self.total}"


class ScorePart(models.Model):
    """The points one rule gave one deputy, with the ids of the records behind them (items or
    activities), so that each part can be opened and recounted."""

    score = models.ForeignKey(AssessmentScore, verbose_name=_("得分"), on_delete=models.CASCADE,
                              related_name="parts")
    rule = models.ForeignKey(AssessmentRule, verbose_name=_("规则"), null=True, blank=True,
                             on_delete=models.SET_NULL, related_name="+")
    rule_name = models.CharField(_("规则名称"), max_length=80)
    basis = models.CharField(_("计分依据"), max_length=20, choices=RuleBasis.choices)
    activity_kind = models.CharField(_("活动类型"), max_length=20, choices=ActivityKind.choices, blank=True)
    count = models.PositiveIntegerField(_("条/次数"), default=0)
    counted = models.PositiveIntegerField(_("计分条/次数"), default=0)
    points = models.DecimalField(_("得分"), max_digits=7, decimal_places=2, default=0)
    record_ids = ArrayField(models.BigIntegerField(), verbose_name=_("记录"), default=list, blank=True)
    sort = models.PositiveIntegerField(_("排序"), default=0)

    class Meta:
        verbose_name = _("得分明细")
        verbose_name_plural = _("得分明细")
        ordering = ["sort", "id"]

    def __str__(self):
        return f"{self.rule_name} {self.points}"


class ScoreAdjustment(models.Model):
    """A staff adjustment of a deputy's score (调整分) with a written reason, who and when. Kept per
    assessment and deputy, so it survives a recomputation; append-only."""

    assessment = models.ForeignKey(Assessment, verbose_name=_("考核"), on_delete=models.CASCADE,
                                   related_name="adjustments")
    deputy = models.ForeignKey("deputies.Deputy", verbose_name=_("代表"), on_delete=models.PROTECT,
                               related_name="assessment_adjustments")
    delta = models.DecimalField(_("调整分值"), max_digits=6, decimal_places=2)
    reason = models.TextField(_("调整理由"))
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("调整人"), null=True,
                                   on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(_("调整时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("分数调整")
        verbose_name_plural = _("分数调整")
        ordering = ["created_at", "id"]

    def __str__(self):
        return f"{self.deputy} {self.delta:+}"


class GroupScore(models.Model):
    """A deputy group's assessment (代表小组考核) for the year: activities organised, members'
    monthly submission rate (月度报送率) and items concluded."""

    assessment = models.ForeignKey(Assessment, verbose_name=_("考核"), on_delete=models.CASCADE,
                                   related_name="group_scores")
    group = models.ForeignKey("deputy_groups.DeputyGroup", verbose_name=_("代表小组"), on_delete=models.PROTECT,
                              related_name="assessment_scores")
    group_name = models.CharField(_("小组名称"), max_length=80)
    area = models.ForeignKey(Area, verbose_name=_("所属区划"), null=True, blank=True, on_delete=models.PROTECT,
                             related_name="+")
    member_count = models.PositiveIntegerField(_("成员数"), default=0)
    activity_count = models.PositiveIntegerField(_("开展活动"), default=0)
    items_submitted = models.PositiveIntegerField(_("提交社情民意"), default=0)
    items_concluded = models.PositiveIntegerField(_("办结"), default=0)
    member_months = models.PositiveIntegerField(_("按月报送人次"), default=0)
    submission_rate = models.DecimalField(_("月度报送率(%)"), max_digits=5, decimal_places=1, null=True)

    class Meta:
        verbose_name = _("代表小组考核")
        verbose_name_plural = _("代表小组考核")
        ordering = ["-submission_rate", "group_name"]
        constraints = [models.UniqueConstraint(fields=["assessment", "group"], name="group_score_unique")]

    def __str__(self):
        return f"{self.assessment} {self.group_name}"
