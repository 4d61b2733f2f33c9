"""Livelihood projects by deputy vote (民生实事项目票决, issue 12): the electorate (a town congress or a
sub-district residents' representative meeting), the yearly vote round with its call for ideas (征集),
candidates (候选项目), paper ballot boxes and per-deputy electronic ballots, and the passed projects
(民生实事项目) with the responsible unit's progress reports and the deputies' year-end ratings.

The round's and the project's state are written only by `projects.services` on the loop engine."""

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
from deputies.choices import Level, MandateStatus

from .choices import (
    Choice,
    ElectorateKind,
    GroupRole,
    IdeaSource,
    IssueState,
    Outcome,
    ProjectState,
    Rating,
    RoundState,
    VoteMethod,
)


def _token() -> str:
    return secrets.token_urlsafe(18)


def _town_mandates(deputy_ref, area_ref):
    """In-office town-level mandates of `deputy_ref` held in the area `area_ref` or below it."""
    from deputies.models import Mandate

    return Mandate.objects.filter(deputy_id=deputy_ref, term__level=Level.TOWN, status=MandateStatus.IN_OFFICE).filter(
        Q(area_id=area_ref) | Q(area__parent_id=area_ref) | Q(area__parent__parent_id=area_ref))


def member_q(deputy, electorate_path: str = "") -> Q:
    """The electorates (through `electorate_path`, e.g. "electorate__" or "round__electorate__") that
    `deputy` votes in: a town congress through an in-office town mandate in its area, a residents'
    meeting through an active membership row."""
    p = electorate_path
    return (Q(**{f"{p}kind": ElectorateKind.TOWN_CONGRESS}) & Q(Exists(_town_mandates(deputy.pk, OuterRef(f"{p}area_id"))))
            | Q(**{f"{p}kind": ElectorateKind.RESIDENTS_MEETING})
            & Q(Exists(ElectorateMember.objects.filter(electorate_id=OuterRef(f"{p}pk" if p else "pk"),
                                                       deputy_id=deputy.pk, active=True))))


def scope_q(user, electorate_path: str = "") -> Q | None:
    """Who sees which electorate's data, written once: district-wide roles everything (None: no filter);
    area staff their own area's electorate; a deputy the electorates they vote in."""
    if user.is_district_wide:
        return None
    q = Q(pk__in=[])
    if user.has_role(Role.AREA_STAFF) and user.area_id:
        q |= Q(**{f"{electorate_path}area_id": user.area_id})
    if user.deputy_profile is not None:
        q |= member_q(user.deputy_profile, electorate_path)
    return q


class ElectorateQuerySet(models.QuerySet):
    def visible_to(self, user):
        if not user.is_authenticated:
            return self.none()
        q = scope_q(user)
        return self.all() if q is None else self.filter(q)

    def managed_by(self, user):
        """Electorates whose rounds the user may keep (征集, candidates): admin and district staff all,
        area staff their own area's."""
        if not user.is_authenticated or user.is_read_only:
            return self.none()
        if user.has_role(Role.ADMIN, Role.DISTRICT_STAFF):
            return self.all()
        if user.has_role(Role.AREA_STAFF) and user.area_id:
            return self.filter(area_id=user.area_id)
        return self.none()


class Electorate(models.Model):
    """The body that votes (票决主体): a town congress (镇人大, its in-office town deputies) or a
    sub-district residents' representative meeting (居民代表会议; 街道 have no congress, so its members
    are listed in `ElectorateMember`)."""

    area = models.OneToOneField(Area, verbose_name=_("区划"), on_delete=models.PROTECT, related_name="electorate")
    kind = models.CharField(_("类型"), max_length=20, choices=ElectorateKind.choices)
    name = models.CharField(_("名称"), max_length=80)

    objects = ElectorateQuerySet.as_manager()

    class Meta:
        verbose_name = _("票决主体")
        verbose_name_plural = _("票决主体")
        ordering = ["area__sort", "id"]

    def __str__(self):
        return self.name

    def members(self):
        """The deputies in office of this electorate (the base of the pass rule)."""
        from deputies.models import Deputy

        if self.kind == ElectorateKind.TOWN_CONGRESS:
            return Deputy.objects.filter(Exists(_town_mandates(OuterRef("pk"), self.area_id)))
        return Deputy.objects.filter(Exists(ElectorateMember.objects.filter(
            electorate_id=self.pk, deputy_id=OuterRef("pk"), active=True)))

    def has_member(self, deputy) -> bool:
        return deputy is not None and self.members().filter(pk=deputy.pk).exists()


class ElectorateMember(models.Model):
    """A residents' representative (居民代表) of a sub-district meeting; `active` False once they left."""

    electorate = models.ForeignKey(Electorate, verbose_name=_("票决主体"), on_delete=models.CASCADE,
                                   related_name="memberships")
    deputy = models.ForeignKey("deputies.Deputy", verbose_name=_("代表"), on_delete=models.CASCADE,
                               related_name="electorate_memberships")
    active = models.BooleanField(_("在任"), default=True)

    class Meta:
        verbose_name = _("居民代表")
        verbose_name_plural = _("居民代表")
        constraints = [models.UniqueConstraint(fields=["electorate", "deputy"], name="electorate_member_unique")]

    def __str__(self):
        return f"{self.electorate} {self.deputy}"


class RoundQuerySet(models.QuerySet):
    def visible_to(self, user):
        if not user.is_authenticated:
            return self.none()
        q = scope_q(user, "electorate__")
        return self.all() if q is None else self.filter(q)


class VoteRound(models.Model):
    """One year's vote of an electorate (年度民生实事项目票决): the call for ideas, the candidates, the
    number of places, the vote at a session, and its result. `in_office` is the number of deputies in
    office when the vote closed: a candidate passes with 赞成 from more than half of it."""

    electorate = models.ForeignKey(Electorate, verbose_name=_("票决主体"), on_delete=models.PROTECT,
                                   related_name="rounds")
    year = models.PositiveSmallIntegerField(_("年度"))
    session_name = models.CharField(_("会议名称"), max_length=80, help_text=_("如:渠沟镇第八届人民代表大会第二次会议"))
    places = models.PositiveSmallIntegerField(_("项目名额"), validators=[MinValueValidator(1), MaxValueValidator(50)])
    method = models.CharField(_("表决方式"), max_length=20, choices=VoteMethod.choices, default=VoteMethod.ELECTRONIC)
    ideas_from = models.DateField(_("征集开始"), null=True, blank=True)
    ideas_until = models.DateField(_("征集截止"), null=True, blank=True)
    state = models.CharField(_("状态"), max_length=20, choices=RoundState.choices, default=RoundState.COLLECTING,
                             db_index=True)
    last_receipt = models.PositiveIntegerField(_("已用回执号"), default=0, editable=False)
    opened_at = models.DateTimeField(_("开始投票时间"), null=True, blank=True)
    closed_at = models.DateTimeField(_("结束投票时间"), null=True, blank=True)
    in_office = models.PositiveIntegerField(_("在任代表数"), null=True, blank=True)
    ballots_cast = models.PositiveIntegerField(_("收回选票/投票人数"), null=True, blank=True)
    result_note = models.TextField(_("票决情况说明"), blank=True)
    public_token = models.CharField(_("公开页令牌"), max_length=40, unique=True, default=_token, editable=False)
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)

    objects = RoundQuerySet.as_manager()

    class Meta:
        verbose_name = _("票决年度")
        verbose_name_plural = _("票决年度")
        ordering = ["-year", "electorate__area__sort"]
        constraints = [models.UniqueConstraint(fields=["electorate", "year"], name="vote_round_unique_year")]

    def __str__(self):
        return _("%(e)s%(y)s年民生实事项目票决") % {"e": self.electorate.name, "y": self.year}

    def get_absolute_url(self):
        return reverse("projects:round_detail", args=[self.pk])

    @property
    def pass_threshold(self) -> int | None:
        """The fewest 赞成 that pass: more than half of the deputies in office (73 → 37)."""
        return None if self.in_office is None else self.in_office // 2 + 1


class RoundEvent(LoopEvent):
    """The append-only timeline of a round, including every tally edit (old and new value, officer,
    time in `data`) and every electronic vote (without its content: the ballot is secret)."""

    round = models.ForeignKey(VoteRound, verbose_name=_("票决年度"), on_delete=models.CASCADE, related_name="events")

    class Meta(LoopEvent.Meta):
        verbose_name = _("票决记录")
        verbose_name_plural = _("票决记录")


class Idea(models.Model):
    """An idea collected in the call (征集意见), with its receipt number; `merged_into` when staff merged
    it into another; `item` the opinion item (社情民意) it came from."""

    round = models.ForeignKey(VoteRound, verbose_name=_("票决年度"), on_delete=models.CASCADE, related_name="ideas")
    receipt = models.PositiveIntegerField(_("回执号"))
    title = models.CharField(_("项目建议"), max_length=120)
    body = models.TextField(_("内容"), blank=True)
    source = models.CharField(_("来源"), max_length=20, choices=IdeaSource.choices, default=IdeaSource.STAFF)
    item = models.ForeignKey("petitions.Item", verbose_name=_("社情民意"), null=True, blank=True,
                             on_delete=models.SET_NULL, related_name="project_ideas")
    tags = models.CharField(_("标签"), max_length=80, blank=True)
    merged_into = models.ForeignKey("self", verbose_name=_("并入"), null=True, blank=True, on_delete=models.SET_NULL,
                                    related_name="merged")
    entered_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("录入人"), null=True, blank=True,
                                   on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(_("登记时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("征集意见")
        verbose_name_plural = _("征集意见")
        ordering = ["round", "receipt"]
        constraints = [models.UniqueConstraint(fields=["round", "receipt"], name="idea_unique_receipt")]

    def __str__(self):
        return f"{self.receipt_number} {self.title}"

    @property
    def receipt_number(self) -> str:
        """The receipt (回执号), e.g. 2026-东山-征集-0007: numbered per round, never reused."""
        return receipt_number(self.round, self.receipt)

    @property
    def tag_list(self) -> list[str]:
        return split_tags(self.tags)


def split_tags(value: str) -> list[str]:
    """Free tags, typed with any of the usual separators (、,,;空格), without repeats."""
    import re

    out = []
    for tag in re.split(r"[、,,;;\s]+", value or ""):
        if tag and tag not in out:
            out.append(tag)
    return out


def receipt_number(rnd, n: int) -> str:
    short = rnd.electorate.area.name
    for suffix in ("街道", "镇", "乡"):
        if short.endswith(suffix) and len(short) > len(suffix):
            short = short[: -len(suffix)]
            break
    return f"{rnd.year}-{short}-征集-{n:04d}"


class Candidate(models.Model):
    """A candidate project (候选项目) drafted by the government side; after the vote it carries its
    totals, rank and outcome (written once by `round_close`)."""

    round = models.ForeignKey(VoteRound, verbose_name=_("票决年度"), on_delete=models.CASCADE,
                              related_name="candidates")
    name = models.CharField(_("项目名称"), max_length=120)
    content = models.TextField(_("建设内容"))
    location = models.CharField(_("建设地点"), max_length=120)
    total_investment = models.DecimalField(_("总投资(元)"), max_digits=14, decimal_places=2,
                                           validators=[MinValueValidator(0)])
    year_investment = models.DecimalField(_("当年投资(元)"), max_digits=14, decimal_places=2,
                                          validators=[MinValueValidator(0)])
    unit = models.ForeignKey("units.HandlingUnit", verbose_name=_("责任单位"), on_delete=models.PROTECT,
                             related_name="candidate_projects")
    starts_on = models.DateField(_("计划开工"))
    completes_on = models.DateField(_("计划完工"))
    ideas = models.ManyToManyField(Idea, verbose_name=_("来源意见"), blank=True, related_name="candidates")
    sort = models.PositiveSmallIntegerField(_("排序"), default=0)
    yes = models.PositiveIntegerField(_("赞成"), null=True, blank=True)
    no = models.PositiveIntegerField(_("反对"), null=True, blank=True)
    abstain = models.PositiveIntegerField(_("弃权"), null=True, blank=True)
    rank = models.PositiveSmallIntegerField(_("名次"), null=True, blank=True)
    outcome = models.CharField(_("票决结果"), max_length=20, choices=Outcome.choices, blank=True)

    class Meta:
        verbose_name = _("候选项目")
        verbose_name_plural = _("候选项目")
        ordering = ["round", "sort", "id"]

    def __str__(self):
        return self.name


class BallotBox(models.Model):
    """A paper ballot box (票箱) with the ballots issued and returned, signed off by the scrutineer
    (监票人) once its count is final."""

    round = models.ForeignKey(VoteRound, verbose_name=_("票决年度"), on_delete=models.CASCADE, related_name="boxes")
    name = models.CharField(_("票箱"), max_length=40)
    ballots_issued = models.PositiveIntegerField(_("发出选票"))
    ballots_returned = models.PositiveIntegerField(_("收回选票"))
    scrutineer = models.CharField(_("监票人"), max_length=30, blank=True)
    signed_off_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("确认人"), null=True, blank=True,
                                      on_delete=models.SET_NULL, related_name="+")
    signed_off_at = models.DateTimeField(_("签字确认时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("票箱")
        verbose_name_plural = _("票箱")
        ordering = ["round", "id"]
        constraints = [
            models.UniqueConstraint(fields=["round", "name"], name="ballot_box_unique_name"),
            models.CheckConstraint(condition=Q(ballots_returned__lte=models.F("ballots_issued")),
                                   name="ballot_box_returned_lte_issued"),
        ]

    def __str__(self):
        return self.name


class BoxTally(models.Model):
    """The count of one candidate in one box (赞成, 反对, 弃权)."""

    box = models.ForeignKey(BallotBox, verbose_name=_("票箱"), on_delete=models.CASCADE, related_name="tallies")
    candidate = models.ForeignKey(Candidate, verbose_name=_("候选项目"), on_delete=models.CASCADE,
                                  related_name="tallies")
    yes = models.PositiveIntegerField(_("赞成"), default=0)
    no = models.PositiveIntegerField(_("反对"), default=0)
    abstain = models.PositiveIntegerField(_("弃权"), default=0)

    class Meta:
        verbose_name = _("分箱计票")
        verbose_name_plural = _("分箱计票")
        constraints = [models.UniqueConstraint(fields=["box", "candidate"], name="box_tally_unique")]

    def __str__(self):
        return f"{self.box} {self.candidate}"


class Ballot(models.Model):
    """One deputy's electronic ballot in a round: one per deputy (the unique constraint is the backstop
    of the round lock), changeable until the vote closes."""

    round = models.ForeignKey(VoteRound, verbose_name=_("票决年度"), on_delete=models.CASCADE, related_name="ballots")
    deputy = models.ForeignKey("deputies.Deputy", verbose_name=_("代表"), on_delete=models.PROTECT,
                               related_name="project_ballots")
    cast_at = models.DateTimeField(_("投票时间"))
    changes = models.PositiveSmallIntegerField(_("修改次数"), default=0)

    class Meta:
        verbose_name = _("电子选票")
        verbose_name_plural = _("电子选票")
        constraints = [models.UniqueConstraint(fields=["round", "deputy"], name="ballot_one_per_deputy")]

    def __str__(self):
        return f"{self.round} {self.deputy}"


class BallotChoice(models.Model):
    ballot = models.ForeignKey(Ballot, on_delete=models.CASCADE, related_name="choices")
    candidate = models.ForeignKey(Candidate, on_delete=models.CASCADE, related_name="ballot_choices")
    choice = models.CharField(_("表决意见"), max_length=10, choices=Choice.choices)

    class Meta:
        verbose_name = _("表决意见")
        verbose_name_plural = _("表决意见")
        constraints = [models.UniqueConstraint(fields=["ballot", "candidate"], name="ballot_choice_unique")]

    def __str__(self):
        return f"{self.candidate} {self.get_choice_display()}"


class ProjectQuerySet(models.QuerySet):
    def visible_to(self, user):
        """District-wide roles all; area staff their area's; a unit the projects it is responsible for;
        a deputy those of their electorates."""
        if not user.is_authenticated:
            return self.none()
        q = scope_q(user, "candidate__round__electorate__")
        if q is None:
            return self.all()
        if user.has_role(Role.UNIT) and user.unit_id:
            q |= Q(candidate__unit_id=user.unit_id)
        if user.deputy_profile is not None:
            # A supervision group's leader may come from outside the electorate (常委会/主席团).
            q |= Q(Exists(SupervisionMember.objects.filter(project_id=OuterRef("pk"),
                                                           deputy_id=user.deputy_profile.pk)))
        return self.filter(q)


class Project(models.Model):
    """A passed project (民生实事项目): the candidate that won a place, delivered by its responsible unit
    and supervised by the deputies; `grade` is the year-end assessment (满意度测评)."""

    candidate = models.OneToOneField(Candidate, verbose_name=_("候选项目"), on_delete=models.PROTECT,
                                     related_name="project")
    state = models.CharField(_("状态"), max_length=20, choices=ProjectState.choices,
                             default=ProjectState.IMPLEMENTING, db_index=True)
    percent = models.PositiveSmallIntegerField(_("形象进度(%)"), default=0,
                                               validators=[MinValueValidator(0), MaxValueValidator(100)])
    spent = models.DecimalField(_("已完成投资(元)"), max_digits=14, decimal_places=2, default=0)
    last_report_on = models.DateField(_("最近报送"), null=True, blank=True)
    completed_on = models.DateField(_("完工日期"), null=True, blank=True)
    accepted_on = models.DateField(_("验收日期"), null=True, blank=True)
    grade = models.CharField(_("测评等次"), max_length=20, choices=Rating.choices, blank=True)

    objects = ProjectQuerySet.as_manager()

    class Meta:
        verbose_name = _("民生实事项目")
        verbose_name_plural = _("民生实事项目")
        ordering = ["candidate__round", "candidate__rank", "id"]

    def __str__(self):
        return self.candidate.name

    def get_absolute_url(self):
        return reverse("projects:project_detail", args=[self.pk])

    def is_overdue(self, today) -> bool:
        from core.loops import is_overdue

        return self.state == ProjectState.IMPLEMENTING and is_overdue(self.candidate.completes_on, today)


class MilestoneQuerySet(models.QuerySet):
    def visible_to(self, user):
        return self.filter(project__in=Project.objects.visible_to(user))

    def overdue(self, today):
        """Overdue (逾期): planned before today and not done (the planned day itself is on time)."""
        from core.loops import overdue_q

        return self.filter(overdue_q("planned_on", today), done_on__isnull=True)


class Milestone(models.Model):
    """A milestone of a project's plan (节点计划): what is to be done by when, set by the responsible unit
    or staff and marked done (完成) by them through `projects.services`; overdue when its planned day
    has passed and it is not done."""

    project = models.ForeignKey(Project, verbose_name=_("项目"), on_delete=models.CASCADE, related_name="milestones")
    name = models.CharField(_("节点名称"), max_length=120)
    planned_on = models.DateField(_("计划完成日期"))
    sort = models.PositiveSmallIntegerField(_("顺序"), default=0)
    note = models.TextField(_("说明"), blank=True)
    done_on = models.DateField(_("实际完成日期"), null=True, blank=True)
    done_note = models.TextField(_("完成情况"), blank=True)
    done_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("确认人"), null=True, blank=True,
                                on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)

    objects = MilestoneQuerySet.as_manager()

    class Meta:
        verbose_name = _("项目节点")
        verbose_name_plural = _("节点计划")
        ordering = ["project", "sort", "planned_on", "id"]

    def __str__(self):
        return self.name

    def is_overdue(self, today) -> bool:
        from core.loops import is_overdue

        return self.done_on is None and is_overdue(self.planned_on, today)


def project_photo_path(instance, filename):
    # A random stored name under MEDIA_ROOT (never served directly): no path tricks, no guessing.
    import uuid

    ext = filename.rsplit(".", 1)[-1].lower()[:8] if "." in filename else "img"
    return f"projects/{timezone.localdate():%Y/%m}/{uuid.uuid4().hex}.{ext}"


MAX_PHOTOS = 3


class _Photo(models.Model):
    """A photo content-checked on upload (petitions.files via residents' PhotoField), stored privately and
    served only through views that check the project's scope (core.downloads.stored_file)."""

    project = models.ForeignKey(Project, verbose_name=_("项目"), on_delete=models.CASCADE, related_name="+")
    file = models.FileField(_("照片"), upload_to=project_photo_path, max_length=200)
    content_type = models.CharField(_("类型"), max_length=100)
    size = models.PositiveIntegerField(_("大小"))
    uploaded_at = models.DateTimeField(_("上传时间"), auto_now_add=True)

    class Meta:
        abstract = True
        ordering = ["id"]

    def __str__(self):
        return _("照片 %(n)s") % {"n": self.pk}


class ProgressReport(models.Model):
    """A progress report of the responsible unit (进度报送): % of works, investment spent, a text."""

    project = models.ForeignKey(Project, verbose_name=_("项目"), on_delete=models.CASCADE, related_name="reports")
    reported_on = models.DateField(_("报送日期"))
    percent = models.PositiveSmallIntegerField(_("形象进度(%)"), validators=[MaxValueValidator(100)])
    spent = models.DecimalField(_("已完成投资(元)"), max_digits=14, decimal_places=2, null=True, blank=True)
    text = models.TextField(_("进展情况"))
    reported_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("报送人"), null=True, blank=True,
                                    on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("进度报送")
        verbose_name_plural = _("进度报送")
        ordering = ["project", "-reported_on", "-id"]

    def __str__(self):
        return f"{self.project} {self.reported_on} {self.percent}%"


class ProgressPhoto(_Photo):
    """A photo of a progress report (at most 3). Shown on the public page only once staff marked it
    public (`is_public`), through its own opaque token."""

    project = models.ForeignKey(Project, verbose_name=_("项目"), on_delete=models.CASCADE,
                                related_name="progress_photos")
    report = models.ForeignKey(ProgressReport, verbose_name=_("进度报送"), on_delete=models.CASCADE,
                               related_name="photos")
    token = models.CharField(max_length=40, unique=True, default=_token, editable=False)
    is_public = models.BooleanField(_("在公开页显示"), default=False)

    class Meta(_Photo.Meta):
        verbose_name = _("进度照片")
        verbose_name_plural = _("进度照片")


class ProjectRating(models.Model):
    """A deputy's year-end rating of a project (满意 / 基本满意 / 不满意), changeable until graded."""

    project = models.ForeignKey(Project, verbose_name=_("项目"), on_delete=models.CASCADE, related_name="ratings")
    deputy = models.ForeignKey("deputies.Deputy", verbose_name=_("代表"), on_delete=models.PROTECT,
                               related_name="project_ratings")
    rating = models.CharField(_("测评意见"), max_length=20, choices=Rating.choices)
    rated_at = models.DateTimeField(_("测评时间"))

    class Meta:
        verbose_name = _("满意度测评")
        verbose_name_plural = _("满意度测评")
        constraints = [models.UniqueConstraint(fields=["project", "deputy"], name="project_rating_unique")]

    def __str__(self):
        return f"{self.project} {self.get_rating_display()}"


class ProjectEvent(LoopEvent):
    """The append-only timeline of a project."""

    project = models.ForeignKey(Project, verbose_name=_("项目"), on_delete=models.CASCADE, related_name="events")

    class Meta(LoopEvent.Meta):
        verbose_name = _("项目记录")
        verbose_name_plural = _("项目记录")


class SupervisionMember(models.Model):
    """A member of a project's supervision group (监督小组): a deputy of the electorate, or as its leader
    (组长) also a district deputy (the standing committee and the presidium are drawn from them)."""

    project = models.ForeignKey(Project, verbose_name=_("项目"), on_delete=models.CASCADE, related_name="supervisors")
    deputy = models.ForeignKey("deputies.Deputy", verbose_name=_("代表"), on_delete=models.PROTECT,
                               related_name="project_supervisions")
    role = models.CharField(_("职务"), max_length=10, choices=GroupRole.choices, default=GroupRole.MEMBER)
    added_at = models.DateTimeField(_("加入时间"), default=timezone.now)

    class Meta:
        verbose_name = _("监督小组成员")
        verbose_name_plural = _("监督小组成员")
        ordering = ["project", "role", "id"]
        constraints = [
            models.UniqueConstraint(fields=["project", "deputy"], name="supervision_member_unique"),
            models.UniqueConstraint(fields=["project"], condition=Q(role=GroupRole.LEADER),
                                    name="supervision_one_leader"),
        ]

    def __str__(self):
        return f"{self.project} {self.deputy} {self.get_role_display()}"


class Inspection(models.Model):
    """An inspection of the supervision group (视察记录): when, where, what was found."""

    project = models.ForeignKey(Project, verbose_name=_("项目"), on_delete=models.CASCADE, related_name="inspections")
    inspected_on = models.DateField(_("视察日期"))
    place = models.CharField(_("视察地点"), max_length=120)
    findings = models.TextField(_("视察发现"))
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("记录人"), null=True, blank=True,
                                    on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("视察记录")
        verbose_name_plural = _("视察记录")
        ordering = ["project", "-inspected_on", "-id"]

    def __str__(self):
        return f"{self.project} {self.inspected_on} {self.place}"


class InspectionPhoto(_Photo):
    """A photo of an inspection (at most 3); never public."""

    project = models.ForeignKey(Project, verbose_name=_("项目"), on_delete=models.CASCADE,
                                related_name="inspection_photos")
    inspection = models.ForeignKey(Inspection, verbose_name=_("视察记录"), on_delete=models.CASCADE,
                                   related_name="photos")

    class Meta(_Photo.Meta):
        verbose_name = _("视察照片")
        verbose_name_plural = _("视察照片")


class IssueQuerySet(models.QuerySet):
    def visible_to(self, user):
        """The issues of the projects the user sees (the responsible unit's users included)."""
        return self.filter(project__in=Project.objects.visible_to(user))

    def overdue(self, today):
        from core.loops import overdue_q

        return self.exclude(state=IssueState.CLOSED).filter(overdue_q("due_on", today))


class Issue(models.Model):
    """An issue to fix (问题清单) raised by the supervision group: the owner is the responsible unit or a
    named person (text); 待整改 → 已整改 (the unit's note) → 已销号 (the group confirms), or back to 待整改.
    Overdue when past due and not 已销号. The state is written only by `projects.services`."""

    project = models.ForeignKey(Project, verbose_name=_("项目"), on_delete=models.CASCADE, related_name="issues")
    description = models.TextField(_("问题描述"))
    owner = models.CharField(_("整改责任人"), max_length=60)
    due_on = models.DateField(_("整改期限"))
    state = models.CharField(_("状态"), max_length=20, choices=IssueState.choices, default=IssueState.OPEN,
                             db_index=True)
    fixed_note = models.TextField(_("整改情况"), blank=True)
    closed_on = models.DateField(_("销号日期"), null=True, blank=True)
    raised_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("提出人"), null=True, blank=True,
                                  on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)

    objects = IssueQuerySet.as_manager()

    class Meta:
        verbose_name = _("整改问题")
        verbose_name_plural = _("问题清单")
        ordering = ["project", "due_on", "id"]

    def __str__(self):
        return self.description[:40]

    def get_absolute_url(self):
        return f"{self.project.get_absolute_url()}#issue-{self.pk}"

    def is_overdue(self, today) -> bool:
        from core.loops import is_overdue

        return self.state != IssueState.CLOSED and is_overdue(self.due_on, today)


class IssueEvent(LoopEvent):
    """The append-only timeline of an issue to fix."""

    issue = models.ForeignKey(Issue, verbose_name=_("整改问题"), on_delete=models.CASCADE, related_name="events")

    class Meta(LoopEvent.Meta):
        verbose_name = _("整改记录")
        verbose_name_plural = _("整改记录")


class ProjectFollow(models.Model):
    """A deputy following a project (关注): told of its progress, issues and completion."""

    project = models.ForeignKey(Project, verbose_name=_("项目"), on_delete=models.CASCADE, related_name="follows")
    deputy = models.ForeignKey("deputies.Deputy", verbose_name=_("代表"), on_delete=models.CASCADE,
                               related_name="project_follows")
    created_at = models.DateTimeField(_("关注时间"), default=timezone.now)

    class Meta:
        verbose_name = _("关注项目")
        verbose_name_plural = _("关注项目")
        constraints = [models.UniqueConstraint(fields=["project", "deputy"], name="project_follow_unique")]

    def __str__(self):
        return f"{self.deputy} {self.project}"
