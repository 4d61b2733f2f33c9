"""Opinion items (社情民意) and their timeline.

How the numbers leaders watch (DOMAIN.md) come out of these tables, in SQL:

- 收集数: ``Item.objects.collected()`` → ``submitted_at`` in the period, state not in
  ``NOT_COLLECTED_STATES`` (draft, withdrawn, merged). Filter the period on ``period`` (the month the
  item counts for) or on ``submitted_at``; both are stored.
- 办结数: of those, ``state == CLOSED``; ``concluded_at`` is when, ``conclusion`` says how.
- 满意率: ``satisfaction in (SATISFIED, BASIC)`` / ``evaluated_at`` not null. A deemed evaluation
  (逾期未评价视为满意) has ``satisfaction = SATISFIED`` and ``satisfaction_deemed = True``.
- 按期办结率: lead ``Assignment`` rows with ``handled_at`` not null and ``cancelled_at`` null;
  on time when ``handled_at__date <= due_date`` (``due_date`` already includes approved extensions).
- 逾期: ``state in CLOCKED_STATES`` and ``stage_due < today``; by unit through the current lead
  ``Assignment`` (``is_current``, ``cancelled_at`` null, ``handled_at`` null, ``due_date < today``).
"""

from __future__ import annotations

import datetime

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Exists, OuterRef, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.choices import Role
from areas.models import Area
from core.loops import LoopEvent, is_overdue
from core.models import SingletonSettings

from .choices import (
    NOT_COLLECTED_STATES,
    STATE_STAGE,
    Action,
    Category,
    Conclusion,
    RequestKind,
    RequestStatus,
    Satisfaction,
    Source,
    State,
    UnitRole,
)


def first_of_month(day: datetime.date | None = None) -> datetime.date:
    day = day or timezone.localdate()
    return day.replace(day=1)


def deputy_item_ids(deputy, *, group_leader: bool = False):
    """The ids of a deputy's items as ONE subquery: filed, co-signed (联名) and, for a group leader, the
    group members' — a UNION that PostgreSQL joins through the indexes on deputy, whereas the same
    conditions OR-ed in the outer WHERE send every item row through the filter (issue 16)."""
    ids = (Item.objects.filter(deputy=deputy).order_by().values("pk")
           .union(Item.co_deputies.through.objects.filter(deputy=deputy).values("item_id")))
    if group_leader:
        from groups.models import GroupMembership

        led = GroupMembership.objects.filter(deputy=deputy, role__in=GroupMembership.LEADING_ROLES)
        members = GroupMembership.objects.filter(group_id__in=led.values("group_id")).values("deputy_id")
        ids = ids.union(Item.objects.filter(deputy_id__in=members).order_by().values("pk"))
    return ids


class ItemQuerySet(models.QuerySet):
    def visible_to(self, user, *, drafts: bool = True):
        """Who may read which item: the one place this is decided (DOMAIN.md scoping).

        district staff, leaders, admin: all; area staff: items of their area subtree; a unit: items
        assigned to it; a deputy: own and co-submitted; a group leader: plus the group members'.
        Drafts are private to the deputy and to whoever entered them.

        `drafts=False` leaves drafts out altogether, for lists that never show one (the work lists and
        their navigation counts): `NOT state = 'draft'` can be read from an index on state, whereas the
        private-draft clause (`… OR entered_by = me OR deputy = me`) sends every row to the table and
        defeats an index-only count (issue 16, finding 1)."""
        if not user.is_authenticated:
            return self.none()
        if user.is_district_wide:
            q = Q()
        else:
            q = Q(pk__in=[])
            if user.has_role(Role.AREA_STAFF) and user.area_id:
                q |= Q(area__in=Area.objects.subtree(user.area))
            if user.has_role(Role.UNIT) and user.unit_id:
                q |= Q(Exists(Assignment.objects.filter(item=OuterRef("pk"), unit_id=user.unit_id)))
            deputy = user.deputy_profile
            if deputy is not None:
                q |= Q(pk__in=deputy_item_ids(deputy, group_leader=user.has_role(Role.GROUP_LEADER)))
        if not drafts:
            return self.filter(q).exclude(state=State.DRAFT)
        # Drafts: only their author sees them, whatever the role.
        mine = Q(entered_by=user)
        if user.deputy_profile is not None:
            mine |= Q(deputy=user.deputy_profile)
        return self.filter(q).filter(~Q(state=State.DRAFT) | mine)

    def collected(self):
        """收集数: submitted items, excluding drafts, withdrawn and merged-away ones."""
        return self.filter(submitted_at__isnull=False).exclude(state__in=NOT_COLLECTED_STATES)

    def concluded(self):
        return self.filter(state=State.CLOSED)


def item_number(pk: int | None, period) -> str:
    """The readable number of an item (SQ2026-000123: the year of the month it counts for), in one place
    for the model and the export rows that read only columns."""
    year = period.year if period else timezone.localdate().year
    return f"SQ{year}-{pk or 0:06d}"


def item_number_sql():
    """`item_number` as a database expression over an item's own columns, for the export that has
    PostgreSQL format its cells (petitions.selectors.export_rows); tests/petitions keep the two equal."""
    from django.db.models import Case, CharField, Value, When
    from django.db.models.functions import Cast, Concat, LPad

    from core.queries import ToChar

    pk = Cast("id", CharField())
    return Concat(Value("SQ"), ToChar("period", Value("YYYY")), Value("-"),
                  Case(When(id__lt=1_000_000, then=LPad(pk, 6, Value("0"))), default=pk),
                  output_field=CharField())


class Item(models.Model):
    """An opinion item (社情民意条目) reported by a deputy and carried through
    收集 → 研处 → 办理 → 反馈 → 评价 → 办结. The state is written only by `petitions.workflow`.

    Dates: ``period`` is the month it counts for (1st of the month, the monthly quota);
    ``submitted_at`` when it was (first) submitted; ``stage_due`` the due date of the current clocked
    stage (研处 or 办理), null otherwise; ``evaluation_due`` the last day the deputy may evaluate before
    it is deemed 满意; ``concluded_at`` when it reached 已办结."""

    title = models.CharField(_("标题"), max_length=200)
    content = models.TextField(_("内容"), blank=True)
    category = models.CharField(_("类别"), max_length=20, choices=Category.choices, blank=True, db_index=True)
    area = models.ForeignKey(Area, verbose_name=_("所在街道/镇"), null=True, blank=True, on_delete=models.PROTECT,
                             related_name="items")
    community = models.ForeignKey(Area, verbose_name=_("社区/村"), null=True, blank=True,
                                  on_delete=models.PROTECT, related_name="community_items")
    address = models.CharField(_("详细地址"), max_length=200, blank=True)
    source = models.CharField(_("来源"), max_length=20, choices=Source.choices, default=Source.VISIT)
    deputy = models.ForeignKey("deputies.Deputy", verbose_name=_("提交代表"), on_delete=models.PROTECT,
                               related_name="items")
    co_deputies = models.ManyToManyField("deputies.Deputy", verbose_name=_("联名代表"), blank=True,
                                         related_name="co_items")
    entered_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("录入人"), null=True, blank=True,
                                   on_delete=models.SET_NULL, related_name="entered_items")
    on_behalf = models.BooleanField(_("工作人员代为录入"), default=False)
    period = models.DateField(_("计入月份"), db_index=True,
                              help_text=_("该条目计入哪个月的报送任务(每月1日)。"))

    state = models.CharField(_("状态"), max_length=20, choices=State.choices, default=State.DRAFT,
                             db_index=True)
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)
    submitted_at = models.DateTimeField(_("提交时间"), null=True, blank=True, db_index=True)
    stage_due = models.DateField(_("本环节截止日期"), null=True, blank=True, db_index=True,
                                 help_text=_("研处或办理环节的截止日期(工作日计算)。"))
    lead_unit = models.ForeignKey("units.HandlingUnit", verbose_name=_("主办单位"), null=True, blank=True,
                                  on_delete=models.PROTECT, related_name="lead_items",
                                  help_text=_("当前主办单位(交办记录见 Assignment)。"))
    handling_round = models.PositiveSmallIntegerField(_("办理轮次"), default=0)
    merged_into = models.ForeignKey("self", verbose_name=_("并入事项"), null=True, blank=True,
                                    on_delete=models.PROTECT, related_name="merged_items")

    reply = models.TextField(_("答复内容"), blank=True,
                             help_text=_("代表收到的答复:主办单位的办理结果、直接答复或不予受理理由。"))
    replied_at = models.DateTimeField(_("答复时间"), null=True, blank=True)
    evaluation_due = models.DateField(_("评价截止日期"), null=True, blank=True)
    satisfaction = models.CharField(_("满意度"), max_length=20, choices=Satisfaction.choices, blank=True,
                                    db_index=True)
    satisfaction_deemed = models.BooleanField(_("逾期未评价视为满意"), default=False)
    evaluation_comment = models.TextField(_("评价意见"), blank=True)
    evaluated_at = models.DateTimeField(_("评价时间"), null=True, blank=True)
    dissatisfied_count = models.PositiveSmallIntegerField(_("不满意次数"), default=0)
    supervised = models.BooleanField(_("督办"), default=False, db_index=True)
    concluded_at = models.DateTimeField(_("办结时间"), null=True, blank=True, db_index=True)
    conclusion = models.CharField(_("办结方式"), max_length=20, choices=Conclusion.choices, blank=True)
    imported = models.BooleanField(_("导入/演示数据"), default=False)
    # The one-time token of the new-item form that created it: a second POST of the same form (a double
    # click, two tabs) is refused by the unique index instead of making a second item.
    submission_token = models.UUIDField(_("表单提交标识"), null=True, blank=True, unique=True, editable=False)

    objects = ItemQuerySet.as_manager()

    class Meta:
        verbose_name = _("社情民意")
        verbose_name_plural = _("社情民意")
        ordering = ["-submitted_at", "-id"]
        indexes = [
            models.Index(fields=["state", "stage_due"], name="item_state_due"),
            # Area staff's work counts (研处, 待审核, 已逾期) as index-only scans: state, area, due date.
            models.Index(fields=["state", "area", "stage_due"], name="item_state_area_due"),
        ]

    def __str__(self):
        return f"{self.number} {self.title}"

    def get_absolute_url(self):
        from django.urls import reverse

        return reverse("petitions:detail", args=[self.pk])

    @property
    def number(self) -> str:
        """A readable number, e.g. SQ2026-000123 (year of the month it counts for)."""
        return item_number(self.pk, self.period)

    @property
    def stage(self) -> str | None:
        return STATE_STAGE.get(self.state)

    def get_stage_display(self):
        from .choices import Stage

        return Stage(self.stage).label if self.stage else "—"

    def is_overdue(self, today: datetime.date | None = None) -> bool:
        from .choices import CLOCKED_STATES

        today = today or timezone.localdate()
        return self.state in CLOCKED_STATES and is_overdue(self.stage_due, today)


class Assignment(models.Model):
    """One unit's part in handling an item (交办记录): the lead unit (主办) or a co-unit (协办), in one
    handling round (a 不满意 opens a new round with new rows).

    ``assigned_at`` when it was assigned; ``due_date`` the last working day to finish, including any
    approved extension (``extension_days`` added so far); ``handled_at`` when the unit submitted its
    result (for the lead unit this ends 办理; cleared again when staff send the reply back);
    ``cancelled_at`` set when the assignment was withdrawn (recalled, returned as wrongly assigned).
    ``is_current`` marks the rows of the item's current round."""

    item = models.ForeignKey(Item, verbose_name=_("事项"), on_delete=models.CASCADE, related_name="assignments")
    unit = models.ForeignKey("units.HandlingUnit", verbose_name=_("承办单位"), on_delete=models.PROTECT,
                             related_name="assignments")
    role = models.CharField(_("承办方式"), max_length=10, choices=UnitRole.choices, default=UnitRole.LEAD)
    round = models.PositiveSmallIntegerField(_("办理轮次"), default=1)
    assigned_at = models.DateTimeField(_("交办时间"), default=timezone.now)
    assigned_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("交办人"), null=True, blank=True,
                                    on_delete=models.SET_NULL, related_name="+")
    due_date = models.DateField(_("办理期限"), db_index=True)
    extension_days = models.PositiveSmallIntegerField(_("已延期工作日"), default=0)
    handled_at = models.DateTimeField(_("办结提交时间"), null=True, blank=True)
    result = models.TextField(_("办理结果/意见"), blank=True)
    cancelled_at = models.DateTimeField(_("撤销时间"), null=True, blank=True)
    is_current = models.BooleanField(_("当前轮次"), default=True, db_index=True)

    class Meta:
        verbose_name = _("交办记录")
        verbose_name_plural = _("交办记录")
        ordering = ["item", "-round", "role", "id"]
        indexes = [models.Index(fields=["unit", "is_current", "handled_at"], name="assign_unit_open")]

    def __str__(self):
        return f"{self.item_id} {self.unit} {self.get_role_display()}"

    @property
    def is_open(self) -> bool:
        return self.is_current and self.cancelled_at is None and self.handled_at is None

    @property
    def on_time(self) -> bool | None:
        if self.handled_at is None:
            return None
        return timezone.localtime(self.handled_at).date() <= self.due_date


class ItemEvent(LoopEvent):
    """One row of an item's timeline (append-only, never edited or deleted; core.loops.LoopEvent):
    who did what, when, from which state to which, with a comment, the acting unit and any data
    (units, due dates, satisfaction). ``actor`` null means the system (a scheduled job)."""

    item = models.ForeignKey(Item, verbose_name=_("事项"), on_delete=models.CASCADE, related_name="events")
    # Redeclared from LoopEvent for the item's choices and the user's reverse name (same columns).
    action = models.CharField(_("操作"), max_length=30, choices=Action.choices)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("操作人"), null=True, blank=True,
                              on_delete=models.SET_NULL, related_name="item_events")
    actor_unit = models.ForeignKey("units.HandlingUnit", verbose_name=_("操作单位"), null=True, blank=True,
                                   on_delete=models.SET_NULL, related_name="+")
    from_state = models.CharField(_("原状态"), max_length=20, choices=State.choices, blank=True)
    to_state = models.CharField(_("新状态"), max_length=20, choices=State.choices, blank=True)

    class Meta(LoopEvent.Meta):
        verbose_name = _("办理记录")
        verbose_name_plural = _("办理记录")
        ordering = ["created_at", "id"]
        indexes = [models.Index(fields=["item", "created_at"], name="event_item_time")]

    def __str__(self):
        return f"{self.item_id} {self.get_action_display()}"

    @property
    def actor_label(self) -> str:
        if self.actor_id is None:
            return str(_("系统"))
        name = str(self.actor)
        return f"{name}({self.actor_unit})" if self.actor_unit_id else name


def attachment_path(instance, filename):
    # The original name is kept in the row; the stored name is random (no path tricks, no guessing).
    import uuid

    ext = filename.rsplit(".", 1)[-1].lower()[:8] if "." in filename else "bin"
    today = timezone.localdate()
    return f"items/{today:%Y/%m}/{uuid.uuid4().hex}.{ext}"


class Attachment(models.Model):
    """A file on an item (附件): photos, PDF or Office documents, checked by content on upload,
    stored under MEDIA_ROOT (never served directly) and downloaded through a scoped view."""

    item = models.ForeignKey(Item, verbose_name=_("事项"), on_delete=models.CASCADE, related_name="attachments")
    event = models.ForeignKey(ItemEvent, verbose_name=_("所属记录"), null=True, blank=True,
                              on_delete=models.SET_NULL, related_name="attachments")
    file = models.FileField(_("文件"), upload_to=attachment_path, max_length=200)
    name = models.CharField(_("文件名"), max_length=200)
    content_type = models.CharField(_("类型"), max_length=100)
    size = models.PositiveBigIntegerField(_("大小"))
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("上传人"), null=True, blank=True,
                                    on_delete=models.SET_NULL, related_name="+")
    uploaded_at = models.DateTimeField(_("上传时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("附件")
        verbose_name_plural = _("附件")
        ordering = ["uploaded_at", "id"]

    def __str__(self):
        return self.name

    @property
    def is_image(self) -> bool:
        return self.content_type.startswith("image/")


class HandlingRequest(models.Model):
    """A unit's request to staff (延期/退回申请): an extension of the due date, or returning a
    wrongly assigned item to 研处. Staff approve or refuse it through the workflow."""

    item = models.ForeignKey(Item, verbose_name=_("事项"), on_delete=models.CASCADE, related_name="requests")
    assignment = models.ForeignKey(Assignment, verbose_name=_("交办记录"), on_delete=models.CASCADE,
                                   related_name="requests")
    kind = models.CharField(_("申请类型"), max_length=20, choices=RequestKind.choices)
    reason = models.TextField(_("理由"))
    days = models.PositiveSmallIntegerField(_("延期工作日"), default=0)
    status = models.CharField(_("状态"), max_length=20, choices=RequestStatus.choices,
                              default=RequestStatus.PENDING, db_index=True)
    requested_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("申请人"), null=True,
                                     on_delete=models.SET_NULL, related_name="+")
    requested_at = models.DateTimeField(_("申请时间"), default=timezone.now)
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("审批人"), null=True, blank=True,
                                   on_delete=models.SET_NULL, related_name="+")
    decided_at = models.DateTimeField(_("审批时间"), null=True, blank=True)
    decision_comment = models.TextField(_("审批意见"), blank=True)

    class Meta:
        verbose_name = _("延期/退回申请")
        verbose_name_plural = _("延期/退回申请")
        ordering = ["-requested_at", "-id"]

    def __str__(self):
        return f"{self.get_kind_display()} {self.item_id}"


class ItemSettings(SingletonSettings):
    """Deadlines of the loop (办理时限), one row, editable by staff and admin; read at call time
    through `ItemSettings.load()`. Defaults are DOMAIN.md's."""

    research_workdays = models.PositiveSmallIntegerField(
        _("研处时限(工作日)"), default=5, validators=[MinValueValidator(1), MaxValueValidator(60)])
    handling_workdays = models.PositiveSmallIntegerField(
        _("办理时限(工作日)"), default=15, validators=[MinValueValidator(1), MaxValueValidator(120)])
    extension_max_workdays = models.PositiveSmallIntegerField(
        _("延期上限(工作日)"), default=15, validators=[MinValueValidator(1), MaxValueValidator(120)])
    evaluation_days = models.PositiveSmallIntegerField(
        _("评价期限(自然日)"), default=7, validators=[MinValueValidator(1), MaxValueValidator(60)],
        help_text=_("超过期限未评价的,视为满意并自动办结。"))
    return_window_workdays = models.PositiveSmallIntegerField(
        _("申请退回时限(工作日)"), default=7, validators=[MinValueValidator(1), MaxValueValidator(60)],
        help_text=_("承办单位只能在交办后该期限内申请退回。"))
    due_soon_workdays = models.PositiveSmallIntegerField(
        _("即将逾期提醒(工作日)"), default=2, validators=[MinValueValidator(0), MaxValueValidator(30)])
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)
    updated_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("更新人"), null=True, blank=True,
                                   on_delete=models.SET_NULL, related_name="+")

    class Meta:
        verbose_name = _("办理时限设置")
        verbose_name_plural = _("办理时限设置")

    def __str__(self):
        return str(_("办理时限设置"))

