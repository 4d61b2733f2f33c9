"""Deputy suggestions (代表建议): sessions, suggestions, co-signers, units, 面商, replies, evaluations and
the append-only timeline. The state is written only by `suggestions.services` (and the historical import).

How the session figures come out of these tables (suggestions/selectors.py):
- total: registered suggestions of the session (``number`` not null);
- accepted (立案): ``accepted_at`` not null; concluded (办结): accepted and ``state == CONCLUDED``;
- satisfaction of each dimension: (满意 + 基本满意) / rated, where rated excludes 未表态 (``work_rating``,
  ``result_rating`` hold the lead deputy's final ratings);
- on time: ``replied_on_time`` (the first-round reply on or before its due date), null until replied;
- first-round satisfaction: ``first_work_rating`` / ``first_result_rating``, the lead deputy's round-1
  evaluation as the doors that record it copy it onto the suggestion.
"""

from __future__ import annotations

import secrets

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Exists, OuterRef, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.choices import Role
from areas.models import Area
from core.loops import LoopEvent
from core.models import SingletonSettings
from deputies.choices import Level

from .choices import (
    REPLYING_ROLES,
    Action,
    ConsultationAnswer,
    ConsultationForm,
    ConsultationLevel,
    Rating,
    RejectGround,
    ReplyClass,
    RequestKind,
    RequestStatus,
    SessionKind,
    State,
    UnitRole,
)


def _token() -> str:
    return secrets.token_urlsafe(18)


class Session(models.Model):
    """A congress session (会议, e.g. 区人大十二届一次会议) or a between-sessions year (2026年闭会期间),
    the frame in which suggestions are numbered. ``last_number`` is the session's counter: it only ever
    grows, so a number is never given twice (a withdrawn or merged suggestion keeps its number)."""

    name = models.CharField(_("会议名称"), max_length=80, unique=True)
    level = models.CharField(_("层级"), max_length=10, choices=Level.choices, default=Level.DISTRICT)
    term = models.ForeignKey("deputies.CongressTerm", verbose_name=_("届次"), null=True, blank=True,
                             on_delete=models.PROTECT, related_name="suggestion_sessions")
    kind = models.CharField(_("类型"), max_length=10, choices=SessionKind.choices, default=SessionKind.CONGRESS)
    year = models.PositiveSmallIntegerField(_("年份"))
    starts_on = models.DateField(_("开始日期"), null=True, blank=True)
    ends_on = models.DateField(_("结束日期"), null=True, blank=True)
    open_for_submissions = models.BooleanField(_("接收建议"), default=False)
    last_number = models.PositiveIntegerField(_("已用编号"), default=0, editable=False)
    # The public page (公开) is found by this opaque token, never by the id.
    public_token = models.CharField(_("公开页令牌"), max_length=40, unique=True, default=_token, editable=False)

    class Meta:
        verbose_name = _("会议")
        verbose_name_plural = _("会议")
        ordering = ["-year", "-starts_on", "name"]

    def __str__(self):
        return self.name

    def format_number(self, number: int | None) -> str:
        """第0012号 at a session; 2026年闭会期间第003号 between sessions."""
        if number is None:
            return ""
        if self.kind == SessionKind.INTERIM:
            return _("%(year)s年闭会期间第%(n)s号") % {"year": self.year, "n": f"{number:03d}"}
        return _("第%(n)s号") % {"n": f"{number:04d}"}


class Category(models.Model):
    """A category of suggestions, two levels (一级 with ``parent`` null, 二级 under it)."""

    name = models.CharField(_("名称"), max_length=40)
    parent = models.ForeignKey("self", verbose_name=_("上级类别"), null=True, blank=True,
                               on_delete=models.PROTECT, related_name="children")
    sort = models.PositiveIntegerField(_("排序"), default=0)

    class Meta:
        verbose_name = _("建议类别")
        verbose_name_plural = _("建议类别")
        ordering = ["sort", "name"]
        constraints = [
            models.UniqueConstraint(fields=["parent", "name"], name="sugg_category_unique_name"),
            models.UniqueConstraint(fields=["name"], condition=Q(parent__isnull=True),
                                    name="sugg_category_unique_top"),
        ]

    def __str__(self):
        return f"{self.parent.name}/{self.name}" if self.parent_id else self.name


class SuggestionQuerySet(models.QuerySet):
    def visible_to(self, user):
        """Who may read which suggestion (issue 11 scoping): district staff, leaders, admin all; area
        staff those whose lead deputy holds a mandate in their area subtree; a unit those assigned to it;
        a deputy their own and those they co-sign. Drafts only their author and co-signers see."""
        if not user.is_authenticated:
            return self.none()
        from deputies.models import Mandate

        if user.is_district_wide:
            q = Q()
        else:
            q = Q(pk__in=[])
            if user.has_role(Role.AREA_STAFF) and user.area_id:
                q |= Q(Exists(Mandate.objects.filter(deputy_id=OuterRef("lead_deputy_id"),
                                                     area__in=Area.objects.subtree(user.area))))
            if user.has_role(Role.UNIT) and user.unit_id:
                q |= Q(Exists(SuggestionUnit.objects.filter(suggestion=OuterRef("pk"), unit_id=user.unit_id)))
            if user.deputy_profile is not None:
                q |= self._own(user.deputy_profile)
        mine = Q(entered_by=user)
        if user.deputy_profile is not None:
            mine |= self._own(user.deputy_profile)
        return self.filter(q).filter(~Q(state=State.DRAFT) | mine)

    @staticmethod
    def _own(deputy) -> Q:
        return Q(lead_deputy=deputy) | Q(Exists(CoSigner.objects.filter(suggestion=OuterRef("pk"),
                                                                      deputy_id=deputy.pk)))

    def editable_by(self, user):
        """Who may act on which suggestion at all (the transition table then decides what): district
        staff and admin every one; a unit those of its current round; a deputy their own and co-signed."""
        if not user.is_authenticated or user.is_read_only:
            return self.none()
        if user.has_role(Role.ADMIN, Role.DISTRICT_STAFF):
            return self.all()
        q = Q(pk__in=[])
        if user.has_role(Role.UNIT) and user.unit_id:
            q |= Q(Exists(SuggestionUnit.objects.filter(suggestion=OuterRef("pk"), unit_id=user.unit_id,
                                                        is_current=True, cancelled_at__isnull=True)))
        if user.deputy_profile is not None:
            q |= self._own(user.deputy_profile)
        q |= Q(entered_by=user, state=State.DRAFT)
        return self.filter(q)

    def concluded(self):
        return self.filter(state=State.CONCLUDED)


class Suggestion(models.Model):
    """A deputy suggestion (代表建议) with its lead deputy (领衔) and co-signers (附议), carried through
    the statutory loop of `choices.TRANSITIONS`.

    Dates: ``assigned_at`` when it was assigned (交办) in the first round; ``reply_due`` the last day of the
    current round's reply (3 months, more with an approved extension, 1 month after 不满意);
    ``first_replied_at`` the first-round reply (on-time rate); ``answered_at`` when the reply reached the
    deputy (审核通过); ``evaluation_due`` the last day to rate; ``disclose_after`` when the reply becomes
    public (20 working days after the deputy received it)."""

    session = models.ForeignKey(Session, verbose_name=_("会议"), on_delete=models.PROTECT,
                                related_name="suggestions")
    number = models.PositiveIntegerField(_("编号"), null=True, blank=True)
    title = models.CharField(_("案由"), max_length=200, help_text=_("如:关于……的建议"))
    body = models.TextField(_("内容"), blank=True)
    category = models.ForeignKey(Category, verbose_name=_("类别"), null=True, blank=True,
                                 on_delete=models.PROTECT, related_name="suggestions")
    consent_public = models.BooleanField(_("同意公开"), default=True)
    withheld_by_staff = models.BooleanField(_("不公开"), default=False,
                                            help_text=_("工作人员标记为不公开(如涉密内容)。"))
    lead_deputy = models.ForeignKey("deputies.Deputy", verbose_name=_("领衔代表"), on_delete=models.PROTECT,
                                    related_name="led_suggestions")
    entered_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("录入人"), null=True, blank=True,
                                   on_delete=models.SET_NULL, related_name="entered_suggestions")
    from_motion = models.BooleanField(_("由议案转为建议"), default=False)

    state = models.CharField(_("状态"), max_length=20, choices=State.choices, default=State.DRAFT,
                             db_index=True)
    merged_into = models.ForeignKey("self", verbose_name=_("并入建议"), null=True, blank=True,
                                    on_delete=models.PROTECT, related_name="merged")
    reject_ground = models.CharField(_("不予立案理由"), max_length=20, choices=RejectGround.choices, blank=True)
    reject_reason = models.TextField(_("不予立案说明"), blank=True)

    lead_leader = models.CharField(_("领办领导"), max_length=50, blank=True)
    supervising_committee = models.CharField(_("督办工委"), max_length=50, blank=True)
    key_supervision = models.BooleanField(_("重点督办"), default=False, db_index=True)
    supervised = models.BooleanField(_("转督办"), default=False, db_index=True,
                                     help_text=_("两次不满意,转督办并列入会议报告。"))

    handling_round = models.PositiveSmallIntegerField(_("办理轮次"), default=0)
    reply_class = models.CharField(_("答复类别"), max_length=1, choices=ReplyClass.choices, blank=True,
                                   db_index=True)
    tracking = models.BooleanField(_("跟踪落实"), default=False, db_index=True,
                                   help_text=_("B/C 类答复:计划措施落实前列入跟踪清单。"))
    work_rating = models.CharField(_("办理工作评价"), max_length=20, choices=Rating.choices, blank=True)
    result_rating = models.CharField(_("办理结果评价"), max_length=20, choices=Rating.choices, blank=True)
    # The lead deputy's first-round ratings (their round-1 Evaluation, blank until it exists), copied by
    # the doors that record an evaluation: the report's 首轮满意率 without joining the evaluations.
    first_work_rating = models.CharField(_("首轮办理工作评价"), max_length=20, choices=Rating.choices, blank=True,
                                         editable=False)
    first_result_rating = models.CharField(_("首轮办理结果评价"), max_length=20, choices=Rating.choices, blank=True,
                                           editable=False)
    dissatisfied_count = models.PositiveSmallIntegerField(_("不满意次数"), default=0)

    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)
    submitted_at = models.DateTimeField(_("提交时间"), null=True, blank=True)
    registered_at = models.DateTimeField(_("登记时间"), null=True, blank=True)
    accepted_at = models.DateTimeField(_("立案时间"), null=True, blank=True)
    assigned_at = models.DateTimeField(_("交办时间"), null=True, blank=True)
    reply_due = models.DateField(_("答复期限"), null=True, blank=True, db_index=True)
    extension_months = models.PositiveSmallIntegerField(_("已延期(月)"), default=0)
    first_replied_at = models.DateTimeField(_("首次答复时间"), null=True, blank=True)
    replied_on_time = models.BooleanField(_("按期答复"), null=True, blank=True,
                                          help_text=_("首次答复是否在答复期限内(未答复为空)。"))
    answered_at = models.DateTimeField(_("答复代表时间"), null=True, blank=True)
    evaluation_due = models.DateField(_("评价截止日期"), null=True, blank=True)
    evaluated_at = models.DateTimeField(_("评价时间"), null=True, blank=True)
    concluded_at = models.DateTimeField(_("办结时间"), null=True, blank=True)
    measures_done_at = models.DateTimeField(_("计划措施落实时间"), null=True, blank=True)
    disclose_after = models.DateField(_("公开日期"), null=True, blank=True)
    public_token = models.CharField(_("公开链接令牌"), max_length=40, unique=True, default=_token,
                                    editable=False)
    imported = models.BooleanField(_("导入数据"), default=False)
    # The new-suggestion form's one-time token (issue 17 defect 7): a form sent twice creates one.
    submission_token = models.UUIDField(_("表单提交标识"), null=True, blank=True, unique=True, editable=False)

    co_deputies = models.ManyToManyField("deputies.Deputy", through="CoSigner", related_name="cosigned_suggestions",
                                         verbose_name=_("附议代表"), blank=True)

    objects = SuggestionQuerySet.as_manager()

    class Meta:
        verbose_name = _("代表建议")
        verbose_name_plural = _("代表建议")
        ordering = ["session", "number", "id"]
        constraints = [
            models.UniqueConstraint(fields=["session", "number"], name="suggestion_unique_session_number"),
        ]
        indexes = [models.Index(fields=["session", "state"], name="suggestion_session_state")]

    def __str__(self):
        return f"{self.display_number} {self.title}".strip()

    def get_absolute_url(self):
        return reverse("suggestions:detail", args=[self.pk])

    @property
    def display_number(self) -> str:
        return self.session.format_number(self.number)


class CoSigner(models.Model):
    """A co-signing deputy (附议). Counts once confirmed: in the product by the deputy, or by staff who
    hold the paper signature (``on_paper``)."""

    suggestion = models.ForeignKey(Suggestion, on_delete=models.CASCADE, related_name="cosigners")
    deputy = models.ForeignKey("deputies.Deputy", verbose_name=_("附议代表"), on_delete=models.PROTECT,
                               related_name="cosignatures")
    confirmed_at = models.DateTimeField(_("确认时间"), null=True, blank=True)
    on_paper = models.BooleanField(_("纸质签名(工作人员录入)"), default=False)
    confirmed_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("确认人"), null=True, blank=True,
                                     on_delete=models.SET_NULL, related_name="+")

    class Meta:
        verbose_name = _("附议代表")
        verbose_name_plural = _("附议代表")
        ordering = ["suggestion", "id"]
        constraints = [models.UniqueConstraint(fields=["suggestion", "deputy"], name="cosigner_unique")]

    def __str__(self):
        return str(self.deputy)


class SuggestionUnit(models.Model):
    """One unit's part in one handling round (交办): lead (主办), co-unit (协办, sends its opinion to the
    lead unit within a month) or 分办 (answers separately). A new round (after 不满意) keeps the old rows
    with ``is_current`` false."""

    suggestion = models.ForeignKey(Suggestion, on_delete=models.CASCADE, related_name="units")
    # The suggestion's session, copied onto the row by the doors that create rows (a suggestion never
    # changes session): the session report reads one session's rows through `sugg_unit_session_replying`
    # instead of joining every session's rows to the suggestions.
    session = models.ForeignKey(Session, verbose_name=_("会议"), on_delete=models.PROTECT, related_name="+",
                                editable=False, db_index=False)
    unit = models.ForeignKey("units.HandlingUnit", verbose_name=_("承办单位"), on_delete=models.PROTECT,
                             related_name="suggestion_parts")
    role = models.CharField(_("承办方式"), max_length=10, choices=UnitRole.choices, default=UnitRole.LEAD)
    round = models.PositiveSmallIntegerField(_("办理轮次"), default=1)
    assigned_at = models.DateTimeField(_("交办时间"), default=timezone.now)
    due_date = models.DateField(_("期限"))
    opinion = models.TextField(_("协办意见"), blank=True)
    done_at = models.DateTimeField(_("完成时间"), null=True, blank=True,
                                   help_text=_("主办/分办:答复时间;协办:提交意见时间。"))
    cancelled_at = models.DateTimeField(_("撤销时间"), null=True, blank=True)
    is_current = models.BooleanField(_("当前轮次"), default=True, db_index=True)

    class Meta:
        verbose_name = _("承办单位(建议)")
        verbose_name_plural = _("承办单位(建议)")
        ordering = ["suggestion", "-round", "role", "id"]
        indexes = [models.Index(fields=["unit", "is_current"], name="sugg_unit_current"),
                   # The report's unit table: a session's replying rows (lead or 分办, not cancelled), read
                   # from the index alone.
                   models.Index(fields=["session", "unit", "suggestion"], name="sugg_unit_session_replying",
                                condition=Q(cancelled_at__isnull=True, role__in=REPLYING_ROLES))]

    def __str__(self):
        return f"{self.unit} {self.get_role_display()}"


class HandlingRequest(models.Model):
    """A unit's request to staff: send it back as wrongly assigned (within 7 working days of 交办), or
    an extension (at most to 6 months in all, with a written explanation to the deputy)."""

    suggestion = models.ForeignKey(Suggestion, on_delete=models.CASCADE, related_name="requests")
    unit = models.ForeignKey("units.HandlingUnit", verbose_name=_("申请单位"), on_delete=models.PROTECT,
                             related_name="+")
    kind = models.CharField(_("申请类型"), max_length=20, choices=RequestKind.choices)
    reason = models.TextField(_("理由/书面说明"))
    months = models.PositiveSmallIntegerField(_("延期(月)"), default=0)
    status = models.CharField(_("状态"), max_length=20, choices=RequestStatus.choices,
                              default=RequestStatus.PENDING, db_index=True)
    requested_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL,
                                     related_name="+")
    requested_at = models.DateTimeField(_("申请时间"), default=timezone.now)
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                   related_name="+")
    decided_at = models.DateTimeField(_("审批时间"), null=True, blank=True)
    decision_comment = models.TextField(_("审批意见"), blank=True)

    class Meta:
        verbose_name = _("退回/延期申请(建议)")
        verbose_name_plural = _("退回/延期申请(建议)")
        ordering = ["-requested_at", "-id"]

    def __str__(self):
        return f"{self.get_kind_display()} {self.suggestion_id}"


class Consultation(models.Model):
    """The 面商 record: how and at what level the unit consulted the deputy before replying; the deputy
    confirms or disputes it."""

    suggestion = models.ForeignKey(Suggestion, on_delete=models.CASCADE, related_name="consultations")
    # The suggestion's session, copied by the door that records 面商 (as on SuggestionUnit): 见面率 reads
    # one session's records through `sugg_consult_met`.
    session = models.ForeignKey(Session, verbose_name=_("会议"), on_delete=models.PROTECT, related_name="+",
                                editable=False, db_index=False)
    unit = models.ForeignKey("units.HandlingUnit", verbose_name=_("承办单位"), on_delete=models.PROTECT,
                             related_name="+")
    round = models.PositiveSmallIntegerField(_("办理轮次"), default=1)
    form = models.CharField(_("面商形式"), max_length=10, choices=ConsultationForm.choices)
    date = models.DateField(_("面商日期"), null=True, blank=True)
    person_name = models.CharField(_("单位人员"), max_length=30, blank=True)
    person_level = models.CharField(_("人员层级"), max_length=20, choices=ConsultationLevel.choices, blank=True)
    note = models.TextField(_("情况"), blank=True)
    answer = models.CharField(_("代表确认"), max_length=10, choices=ConsultationAnswer.choices,
                              default=ConsultationAnswer.PENDING)
    answer_comment = models.TextField(_("代表意见"), blank=True)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL,
                                    related_name="+")
    recorded_at = models.DateTimeField(_("记录时间"), default=timezone.now)

    class Meta:
        verbose_name = _("面商记录")
        verbose_name_plural = _("面商记录")
        ordering = ["suggestion", "-round", "-recorded_at"]
        # 见面率: whether a suggestion of the session (or a unit's part of it) had a 面商 other than 未沟通,
        # from the session's entries of the index alone.
        indexes = [models.Index(fields=["session", "suggestion", "unit"], name="sugg_consult_met",
                                condition=~Q(form=ConsultationForm.NONE))]

    def __str__(self):
        return f"{self.get_form_display()} {self.suggestion_id}"


def attachment_path(instance, filename):
    import uuid

    ext = filename.rsplit(".", 1)[-1].lower()[:8] if "." in filename else "bin"
    return f"suggestions/{timezone.localdate():%Y/%m}/{uuid.uuid4().hex}.{ext}"


class SuggestionAttachment(models.Model):
    """A file on a suggestion (the deputy's attachments, a reply's signed PDF), checked by content
    (petitions.files.validate_attachment) and downloaded through a scoped view, never served directly."""

    suggestion = models.ForeignKey(Suggestion, on_delete=models.CASCADE, related_name="attachments")
    file = models.FileField(_("文件"), upload_to=attachment_path, max_length=200)
    name = models.CharField(_("文件名"), max_length=200)
    content_type = models.CharField(_("类型"), max_length=100)
    size = models.PositiveBigIntegerField(_("大小"))
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                    related_name="+")
    uploaded_at = models.DateTimeField(_("上传时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("附件(建议)")
        verbose_name_plural = _("附件(建议)")
        ordering = ["uploaded_at", "id"]

    def __str__(self):
        return self.name


class Reply(models.Model):
    """A unit's reply (答复) in one round: the form of issue 11. The lead unit's reply states the
    co-units' opinions (``co_opinions``); a 分办 unit writes its own."""

    suggestion = models.ForeignKey(Suggestion, on_delete=models.CASCADE, related_name="replies")
    unit = models.ForeignKey("units.HandlingUnit", verbose_name=_("答复单位"), on_delete=models.PROTECT,
                             related_name="suggestion_replies")
    round = models.PositiveSmallIntegerField(_("办理轮次"), default=1)
    doc_number = models.CharField(_("文号"), max_length=60, blank=True)
    signer = models.CharField(_("签发人"), max_length=30, blank=True)
    contact_name = models.CharField(_("联系人"), max_length=30, blank=True)
    contact_phone = models.CharField(_("联系电话"), max_length=20, blank=True)
    reply_class = models.CharField(_("答复类别"), max_length=1, choices=ReplyClass.choices)
    body = models.TextField(_("答复内容"), blank=True)
    adoption = models.TextField(_("采纳情况"), blank=True)
    measures_done = models.TextField(_("已采取措施"), blank=True)
    planned_measures = models.TextField(_("计划措施"), blank=True)
    planned_date = models.DateField(_("计划完成日期"), null=True, blank=True)
    not_adopted_reason = models.TextField(_("未采纳理由"), blank=True)
    co_opinions = models.TextField(_("协办单位意见"), blank=True)
    signed_pdf = models.ForeignKey(SuggestionAttachment, verbose_name=_("签发件(PDF)"), null=True, blank=True,
                                   on_delete=models.SET_NULL, related_name="+")
    submitted_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL,
                                     related_name="+")
    submitted_at = models.DateTimeField(_("答复时间"), default=timezone.now)
    sent_back_at = models.DateTimeField(_("退回时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("答复")
        verbose_name_plural = _("答复")
        ordering = ["suggestion", "-round", "-submitted_at"]

    def __str__(self):
        return f"{self.unit} {self.reply_class}"


class Evaluation(models.Model):
    """A deputy's evaluation (评价) of one round: 办理工作 and 办理结果 separately. ``NO_ANSWER`` (未表态)
    when the window passed, which is NOT counted as satisfied. ``proxy``: staff entered it for a
    deputy without a login."""

    suggestion = models.ForeignKey(Suggestion, on_delete=models.CASCADE, related_name="evaluations")
    deputy = models.ForeignKey("deputies.Deputy", verbose_name=_("评价代表"), on_delete=models.PROTECT,
                               related_name="suggestion_evaluations")
    round = models.PositiveSmallIntegerField(_("办理轮次"), default=1)
    work_rating = models.CharField(_("办理工作"), max_length=20, choices=Rating.choices)
    result_rating = models.CharField(_("办理结果"), max_length=20, choices=Rating.choices)
    comment = models.TextField(_("意见"), blank=True)
    proxy = models.BooleanField(_("工作人员代为录入"), default=False)
    entered_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                   related_name="+")
    evaluated_at = models.DateTimeField(_("评价时间"), default=timezone.now)

    class Meta:
        verbose_name = _("评价")
        verbose_name_plural = _("评价")
        ordering = ["suggestion", "round", "id"]
        constraints = [models.UniqueConstraint(fields=["suggestion", "deputy", "round"],
                                               name="evaluation_unique_round")]

    def __str__(self):
        return f"{self.deputy} {self.get_work_rating_display()}/{self.get_result_rating_display()}"


class SuggestionEvent(LoopEvent):
    """One row of a suggestion's timeline (append-only, core.loops.LoopEvent)."""

    suggestion = models.ForeignKey(Suggestion, verbose_name=_("代表建议"), on_delete=models.CASCADE,
                                   related_name="events")
    actor_unit = models.ForeignKey("units.HandlingUnit", verbose_name=_("操作单位"), null=True, blank=True,
                                   on_delete=models.SET_NULL, related_name="+")

    class Meta(LoopEvent.Meta):
        verbose_name = _("办理记录(建议)")
        verbose_name_plural = _("办理记录(建议)")
        ordering = ["created_at", "id"]
        indexes = [models.Index(fields=["suggestion", "created_at"], name="sugg_event_time")]

    def __str__(self):
        return f"{self.suggestion_id} {Action(self.action).label if self.action in Action.values else self.action}"


class SuggestionSettings(SingletonSettings):
    """Deadlines of the suggestion loop (calendar months where the law counts months), one row,
    read at call time through `SuggestionSettings.load()`. Defaults are issue 11's."""

    reply_months = models.PositiveSmallIntegerField(
        _("答复期限(月)"), default=3, validators=[MinValueValidator(1), MaxValueValidator(12)])
    extension_max_months = models.PositiveSmallIntegerField(
        _("延期后最长期限(月)"), default=6, validators=[MinValueValidator(1), MaxValueValidator(12)],
        help_text=_("自交办起算,延期须书面说明并经工作人员同意。"))
    rehandle_months = models.PositiveSmallIntegerField(
        _("不满意重新办理期限(月)"), default=1, validators=[MinValueValidator(1), MaxValueValidator(6)])
    co_opinion_months = models.PositiveSmallIntegerField(
        _("协办意见期限(月)"), default=1, validators=[MinValueValidator(1), MaxValueValidator(6)])
    return_window_workdays = models.PositiveSmallIntegerField(
        _("申请退回时限(工作日)"), default=7, validators=[MinValueValidator(1), MaxValueValidator(60)])
    evaluation_days = models.PositiveSmallIntegerField(
        _("评价期限(自然日)"), default=30, validators=[MinValueValidator(1), MaxValueValidator(120)],
        help_text=_("期限内未评价的记为“未表态”,不视为满意。"))
    disclosure_workdays = models.PositiveSmallIntegerField(
        _("答复公开时限(工作日)"), default=20, validators=[MinValueValidator(1), MaxValueValidator(60)])
    due_soon_workdays = models.PositiveSmallIntegerField(
        _("即将逾期提醒(工作日)"), default=10, validators=[MinValueValidator(0), MaxValueValidator(60)])
    escalate_after_days = models.PositiveSmallIntegerField(
        _("逾期升级至领导(自然日)"), default=30, validators=[MinValueValidator(1), MaxValueValidator(365)],
        help_text=_("答复逾期超过该天数的建议列入领导的预警。"))
    class_d_enabled = models.BooleanField(_("启用 D 类答复"), default=False)
    cosigners_evaluate = models.BooleanField(_("附议代表也参与评价"), default=False)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)

    class Meta:
        verbose_name = _("建议办理时限设置")
        verbose_name_plural = _("建议办理时限设置")

    def __str__(self):
        return str(_("建议办理时限设置"))

