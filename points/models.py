"""Quarterly points (履职积分): rules as data, self-reports (自行申报), a snapshot per quarter that is
frozen once published, and correction requests (申请更正) that show in the next snapshot as 更正 lines."""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.contrib.postgres.fields import ArrayField
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from accounts.choices import Role
from activities.choices import ActivityKind
from areas.models import Area
from core.loops import LoopEvent

from .choices import (
    Basis,
    Category,
    ClaimState,
    CorrectionState,
    Quarter,
    RecordKind,
    SnapshotStatus,
)

# Who reviews self-reports and corrections: staff of the deputy's area (district staff: all).
REVIEW_ROLES = (Role.ADMIN, Role.DISTRICT_STAFF, Role.AREA_STAFF)
# Who computes and publishes a quarter: the district.
PUBLISH_ROLES = (Role.ADMIN, Role.DISTRICT_STAFF)
DEPUTY_ROLES = (Role.DEPUTY, Role.GROUP_LEADER)
READ_ROLES = (*REVIEW_ROLES, Role.LEADER, *DEPUTY_ROLES)


def _area_scope(user, field="area"):
    """Q of rows in the user's area subtree (area staff), or None when the role sees none by area."""
    if user.has_role(Role.AREA_STAFF) and user.area_id:
        return Q(**{f"{field}__in": Area.objects.subtree(user.area)})
    return None


def _led_deputies(user):
    from groups.models import GroupMembership

    deputy = user.deputy_profile
    led = GroupMembership.objects.filter(deputy=deputy, role__in=GroupMembership.LEADING_ROLES).values("group_id")
    return GroupMembership.objects.filter(group_id__in=led).values("deputy_id")


class PointRule(models.Model):
    """A points rule (积分规则): so many points per record of a basis, per category, with a cap per
    quarter and per year. Negative points are deductions (e.g. 无故缺席)."""

    name = models.CharField(_("规则名称"), max_length=80)
    category = models.CharField(_("积分类别"), max_length=20, choices=Category.choices)
    basis = models.CharField(_("积分来源"), max_length=20, choices=Basis.choices)
    activity_kind = models.CharField(_("活动类型"), max_length=20, choices=ActivityKind.choices, blank=True,
                                     help_text=_("仅“参加履职活动”“无故缺席”使用;留空表示任何活动。"))
    points = models.DecimalField(_("每条/次分值"), max_digits=6, decimal_places=2,
                                 validators=[MinValueValidator(Decimal("-100")), MaxValueValidator(Decimal("100"))],
                                 help_text=_("扣分项填负数。"))
    quarter_cap = models.DecimalField(_("每季度上限(分)"), max_digits=6, decimal_places=2, null=True, blank=True,
                                      validators=[MinValueValidator(Decimal("0"))])
    year_cap = models.DecimalField(_("每年上限(分)"), max_digits=6, decimal_places=2, null=True, blank=True,
                                   validators=[MinValueValidator(Decimal("0"))])
    sort = models.PositiveIntegerField(_("排序"), default=0)
    is_active = models.BooleanField(_("启用"), default=True)

    class Meta:
        verbose_name = _("积分规则")
        verbose_name_plural = _("积分规则")
        ordering = ["sort", "id"]

    def __str__(self):
        return self.name

    def snapshot(self) -> dict:
        return {"id": self.pk, "name": self.name, "category": self.category, "basis": self.basis,
                "activity_kind": self.activity_kind, "points": str(self.points),
                "quarter_cap": None if self.quarter_cap is None else str(self.quarter_cap),
                "year_cap": None if self.year_cap is None else str(self.year_cap)}


class ScopedByArea(models.QuerySet):
    def visible_to(self, user):
        """District-wide roles see all; area staff their area's; a deputy their own."""
        if not user.is_authenticated:
            return self.none()
        if user.is_district_wide:
            return self.all()
        q = Q(pk__in=[])
        area = _area_scope(user)
        if area is not None:
            q |= area
        if user.deputy_profile is not None:
            q |= Q(deputy=user.deputy_profile)
        return self.filter(q)

    def reviewable_by(self, user):
        """What the user may approve or refuse: district staff all, area staff their area's."""
        if not user.is_authenticated or user.is_read_only or not user.has_role(*REVIEW_ROLES):
            return self.none()
        if user.has_role(Role.ADMIN, Role.DISTRICT_STAFF):
            return self.all()
        area = _area_scope(user)
        return self.filter(area) if area is not None else self.none()


class Claim(models.Model):
    """A self-report (自行申报) of something the records miss (a training elsewhere, a report to voters),
    with evidence; staff of the deputy's area approve or refuse it with a reason."""

    deputy = models.ForeignKey("deputies.Deputy", verbose_name=_("代表"), on_delete=models.PROTECT,
                               related_name="point_claims")
    area = models.ForeignKey(Area, verbose_name=_("所属街道/镇"), null=True, blank=True, on_delete=models.PROTECT,
                             related_name="+")
    rule = models.ForeignKey(PointRule, verbose_name=_("申报项目"), on_delete=models.PROTECT, related_name="claims")
    date = models.DateField(_("履职日期"))
    description = models.TextField(_("履职情况"), max_length=2000)
    state = models.CharField(_("状态"), max_length=20, choices=ClaimState.choices, default=ClaimState.SUBMITTED,
                             db_index=True)
    review_reason = models.TextField(_("审核意见"), blank=True)
    reviewed_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("审核人"), null=True, blank=True,
                                    on_delete=models.SET_NULL, related_name="+")
    reviewed_at = models.DateTimeField(_("审核时间"), null=True, blank=True)
    created_at = models.DateTimeField(_("申报时间"), auto_now_add=True)

    objects = ScopedByArea.as_manager()

    class Meta:
        verbose_name = _("积分自行申报")
        verbose_name_plural = _("积分自行申报")
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["state", "date"], name="claim_state_date")]

    def __str__(self):
        return f"{self.deputy} {self.rule} {self.date:%Y-%m-%d}"

    def get_absolute_url(self):
        return reverse("points:claim", args=[self.pk])


class Evidence(models.Model):
    """A file proving a self-report or a correction request (photo or PDF, content-checked)."""

    claim = models.ForeignKey(Claim, null=True, blank=True, on_delete=models.CASCADE, related_name="files")
    correction = models.ForeignKey("Correction", null=True, blank=True, on_delete=models.CASCADE, related_name="files")
    file = models.FileField(_("证明材料"), upload_to="points/%Y/%m/")
    name = models.CharField(_("文件名"), max_length=200)
    content_type = models.CharField(max_length=100)
    size = models.PositiveIntegerField(default=0)
    uploaded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("证明材料")
        verbose_name_plural = _("证明材料")
        ordering = ["id"]
        constraints = [models.CheckConstraint(condition=Q(claim__isnull=False) | Q(correction__isnull=False),
                                              name="evidence_has_owner")]

    def __str__(self):
        return self.name

    @property
    def is_image(self) -> bool:
        return self.content_type.startswith("image/")


class ClaimEvent(LoopEvent):
    claim = models.ForeignKey(Claim, on_delete=models.CASCADE, related_name="events")

    class Meta(LoopEvent.Meta):
        verbose_name = _("申报办理记录")
        verbose_name_plural = _("申报办理记录")


class SnapshotQuerySet(models.QuerySet):
    def visible_to(self, user):
        """Staff and leaders see every snapshot; deputies the published ones."""
        if not user.is_authenticated:
            return self.none()
        if user.is_district_wide or user.has_role(Role.AREA_STAFF):
            return self.all()
        if user.deputy_profile is not None:
            return self.filter(status=SnapshotStatus.PUBLISHED)
        return self.none()


class Snapshot(models.Model):
    """The points of one quarter. Recomputed from the records while 未发布; once 已发布 its lines and
    totals never change (later corrections show in the next snapshot as 更正 lines)."""

    year = models.PositiveSmallIntegerField(_("年度"), validators=[MinValueValidator(2000), MaxValueValidator(2100)])
    quarter = models.PositiveSmallIntegerField(_("季度"), choices=Quarter.choices)
    status = models.CharField(_("状态"), max_length=20, choices=SnapshotStatus.choices, default=SnapshotStatus.DRAFT)
    rules = models.JSONField(_("积分规则快照"), default=list, blank=True)
    deputy_count = models.PositiveIntegerField(_("代表人数"), default=0)
    computed_at = models.DateTimeField(_("计算时间"), null=True, blank=True)
    computed_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("计算人"), null=True, blank=True,
                                    on_delete=models.SET_NULL, related_name="+")
    published_at = models.DateTimeField(_("发布时间"), null=True, blank=True)
    published_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("发布人"), null=True, blank=True,
                                     on_delete=models.SET_NULL, related_name="+")
    correction_due = models.DateField(_("申请更正截止日期"), null=True, blank=True)

    objects = SnapshotQuerySet.as_manager()

    class Meta:
        verbose_name = _("季度积分")
        verbose_name_plural = _("季度积分")
        ordering = ["-year", "-quarter"]
        constraints = [models.UniqueConstraint(fields=["year", "quarter"], name="snapshot_unique_quarter")]

    def __str__(self):
        return _("%(year)s年%(q)s积分") % {"year": self.year, "q": self.get_quarter_display()}

    def get_absolute_url(self):
        return reverse("points:snapshot", args=[self.pk])

    @property
    def is_published(self) -> bool:
        return self.status == SnapshotStatus.PUBLISHED


class TotalQuerySet(models.QuerySet):
    def visible_to(self, user):
        """Whose breakdown a user may open: district-wide all; area staff their area's; a deputy their own
        and, as a group leader, the group's members — deputies only in published snapshots."""
        if not user.is_authenticated:
            return self.none()
        if user.is_district_wide:
            return self.all()
        q = Q(pk__in=[])
        area = _area_scope(user)
        if area is not None:
            q |= area
        deputy = user.deputy_profile
        if deputy is not None:
            mine = Q(deputy=deputy)
            if user.has_role(Role.GROUP_LEADER):
                mine |= Q(deputy_id__in=_led_deputies(user))
            q |= mine & Q(snapshot__status=SnapshotStatus.PUBLISHED)
        return self.filter(q)


class Total(models.Model):
    """One deputy's points in a snapshot, with their rank overall and in their group; name, area and
    group as they were."""

    snapshot = models.ForeignKey(Snapshot, on_delete=models.CASCADE, related_name="totals")
    deputy = models.ForeignKey("deputies.Deputy", verbose_name=_("代表"), on_delete=models.PROTECT, related_name="+")
    deputy_name = models.CharField(_("姓名"), max_length=30)
    area = models.ForeignKey(Area, verbose_name=_("所属街道/镇"), null=True, blank=True, on_delete=models.PROTECT,
                             related_name="+")
    group = models.ForeignKey("deputy_groups.DeputyGroup", verbose_name=_("代表小组"), null=True, blank=True,
                              on_delete=models.SET_NULL, related_name="+")
    group_name = models.CharField(_("代表小组"), max_length=80, blank=True)
    total = models.DecimalField(_("季度积分"), max_digits=8, decimal_places=2, default=0)
    rank = models.PositiveIntegerField(_("名次"), default=0)
    group_rank = models.PositiveIntegerField(_("组内名次"), default=0)

    objects = TotalQuerySet.as_manager()

    class Meta:
        verbose_name = _("代表季度积分")
        verbose_name_plural = _("代表季度积分")
        ordering = ["rank", "deputy_name", "id"]
        constraints = [models.UniqueConstraint(fields=["snapshot", "deputy"], name="points_total_unique")]
        indexes = [models.Index(fields=["snapshot", "group", "group_rank"], name="points_total_group")]

    def __str__(self):
        return f"{self.snapshot} {self.deputy_name} {self.total}"


class Line(models.Model):
    """One line of a deputy's points: a rule's points in the quarter with the records behind them, or
    a 更正 (correction) line with the request it settles."""

    snapshot = models.ForeignKey(Snapshot, on_delete=models.CASCADE, related_name="lines")
    deputy = models.ForeignKey("deputies.Deputy", on_delete=models.PROTECT, related_name="+")
    rule = models.ForeignKey(PointRule, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    rule_name = models.CharField(_("项目"), max_length=80)
    category = models.CharField(_("积分类别"), max_length=20, choices=Category.choices)
    record_kind = models.CharField(max_length=20, choices=RecordKind.choices)
    record_ids = ArrayField(models.BigIntegerField(), default=list, blank=True)
    count = models.PositiveIntegerField(_("条/次数"), default=0)
    points = models.DecimalField(_("积分"), max_digits=8, decimal_places=2, default=0)
    capped = models.BooleanField(_("受上限限制"), default=False)
    correction = models.ForeignKey("Correction", null=True, blank=True, on_delete=models.PROTECT,
                                   related_name="lines")
    sort = models.PositiveIntegerField(default=0)

    class Meta:
        verbose_name = _("积分明细")
        verbose_name_plural = _("积分明细")
        ordering = ["sort", "id"]
        indexes = [models.Index(fields=["snapshot", "deputy"], name="points_line_deputy")]

    def __str__(self):
        return f"{self.rule_name} {self.points}"

    @property
    def is_correction(self) -> bool:
        return self.correction_id is not None


class Correction(models.Model):
    """申请更正: a deputy points at a line of a published snapshot, or at a record the points miss, with a
    reason and evidence, within the window after publication. Staff accept it with an adjustment (which
    shows in the next snapshot as a 更正 line) or refuse it with a reason."""

    deputy = models.ForeignKey("deputies.Deputy", verbose_name=_("代表"), on_delete=models.PROTECT,
                               related_name="point_corrections")
    area = models.ForeignKey(Area, verbose_name=_("所属街道/镇"), null=True, blank=True, on_delete=models.PROTECT,
                             related_name="+")
    snapshot = models.ForeignKey(Snapshot, verbose_name=_("季度"), on_delete=models.PROTECT, related_name="corrections")
    line = models.ForeignKey(Line, verbose_name=_("所指明细"), null=True, blank=True, on_delete=models.PROTECT,
                             related_name="corrections")
    missing = models.CharField(_("遗漏的履职记录"), max_length=200, blank=True)
    reason = models.TextField(_("理由"), max_length=2000)
    state = models.CharField(_("状态"), max_length=20, choices=CorrectionState.choices,
                             default=CorrectionState.REQUESTED, db_index=True)
    delta = models.DecimalField(_("更正分值"), max_digits=6, decimal_places=2, null=True, blank=True)
    answer = models.TextField(_("处理意见"), blank=True)
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("处理人"), null=True, blank=True,
                                   on_delete=models.SET_NULL, related_name="+")
    decided_at = models.DateTimeField(_("处理时间"), null=True, blank=True)
    applied_in = models.ForeignKey(Snapshot, verbose_name=_("计入季度"), null=True, blank=True,
                                   on_delete=models.SET_NULL, related_name="applied_corrections")
    created_at = models.DateTimeField(_("申请时间"), auto_now_add=True)

    objects = ScopedByArea.as_manager()

    class Meta:
        verbose_name = _("积分更正申请")
        verbose_name_plural = _("积分更正申请")
        ordering = ["-created_at", "-id"]

    def __str__(self):
        return _("更正申请 %(n)s") % {"n": self.pk}

    def get_absolute_url(self):
        return reverse("points:correction", args=[self.pk])

    @property
    def subject(self) -> str:
        return self.line.rule_name if self.line_id else self.missing


class CorrectionEvent(LoopEvent):
    correction = models.ForeignKey(Correction, on_delete=models.CASCADE, related_name="events")

    class Meta(LoopEvent.Meta):
        verbose_name = _("更正办理记录")
        verbose_name_plural = _("更正办理记录")
