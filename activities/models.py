from django.conf import settings
from django.db import models
from django.db.models import Exists, OuterRef, Q
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from accounts.choices import Role
from areas.models import Area

from .choices import ActivityKind, AttendanceStatus


def _led_group_ids(deputy):
    from groups.models import GroupMembership

    return GroupMembership.objects.filter(deputy=deputy, role__in=GroupMembership.LEADING_ROLES).values("group_id")


class ActivityQuerySet(models.QuerySet):
    def visible_to(self, user):
        """Who may read which activity: district-wide roles all; area staff those organised in their
        area or inviting one of its deputies; a deputy those they were invited to; a group leader
        also those their group organised."""
        if not user.is_authenticated:
            return self.none()
        if user.is_district_wide:
            return self.all()
        q = Q(pk__in=[])
        if user.has_role(Role.AREA_STAFF) and user.area_id:
            sub = Area.objects.subtree(user.area)
            q |= Q(organiser_area__in=sub) | Q(organiser_group__area__in=sub)
            q |= Q(Exists(Attendance.objects.filter(activity=OuterRef("pk"), deputy__mandates__area__in=sub)))
        deputy = user.deputy_profile
        if deputy is not None:
            q |= Q(Exists(Attendance.objects.filter(activity=OuterRef("pk"), deputy=deputy)))
            if user.has_role(Role.GROUP_LEADER):
                q |= Q(organiser_group_id__in=_led_group_ids(deputy))
        return self.filter(q)

    def editable_by(self, user):
        """Who may record and change activities: district staff all, area staff their area's, group
        leaders their group's."""
        if not user.is_authenticated:
            return self.none()
        if user.has_role(Role.ADMIN, Role.DISTRICT_STAFF):
            return self.all()
        q = Q(pk__in=[])
        if user.has_role(Role.AREA_STAFF) and user.area_id:
            sub = Area.objects.subtree(user.area)
            q |= Q(organiser_area__in=sub) | Q(organiser_group__area__in=sub)
        deputy = user.deputy_profile
        if deputy is not None and user.has_role(Role.GROUP_LEADER):
            q |= Q(organiser_group_id__in=_led_group_ids(deputy))
        return self.filter(q)


def may_record_activities(user) -> bool:
    """Staff and group leaders record activities (DOMAIN.md, issue 7); others only read."""
    return user.is_authenticated and user.has_role(Role.ADMIN, Role.DISTRICT_STAFF, Role.AREA_STAFF, Role.GROUP_LEADER)


class Activity(models.Model):
    """A deputy activity (履职活动): 调研视察, 工作督查, 接待选民日, 学习培训 … organised by a deputy group
    or an area, with the deputies invited and their attendance. A voter reception day (接待选民日)
    is an activity of that kind held at a deputy home, with voters received and problems raised."""

    kind = models.CharField(_("活动类型"), max_length=20, choices=ActivityKind.choices, db_index=True)
    title = models.CharField(_("活动名称"), max_length=200)
    date = models.DateField(_("活动日期"), db_index=True)
    place = models.CharField(_("活动地点"), max_length=200, blank=True)
    organiser_group = models.ForeignKey("deputy_groups.DeputyGroup", verbose_name=_("组织小组"), null=True,
                                        blank=True, on_delete=models.PROTECT, related_name="activities")
    organiser_area = models.ForeignKey(Area, verbose_name=_("组织区划"), null=True, blank=True,
                                       on_delete=models.PROTECT, related_name="activities")
    summary = models.TextField(_("活动纪要"), blank=True)
    home = models.ForeignKey("deputies.DeputyHome", verbose_name=_("代表之家/联络站"), null=True, blank=True,
                             on_delete=models.PROTECT, related_name="activities")
    voters_received = models.PositiveIntegerField(_("接待选民人数"), default=0)
    items = models.ManyToManyField("petitions.Item", verbose_name=_("形成的社情民意"), blank=True,
                                   related_name="activities")
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("登记人"), null=True,
                                   on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(_("登记时间"), auto_now_add=True)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)

    history = HistoricalRecords()
    objects = ActivityQuerySet.as_manager()

    class Meta:
        verbose_name = _("履职活动")
        verbose_name_plural = _("履职活动")
        ordering = ["-date", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(organiser_group__isnull=False) | Q(organiser_area__isnull=False),
                name="activity_has_organiser"),
        ]

    def __str__(self):
        return f"{self.date:%Y-%m-%d} {self.title}"

    @property
    def is_reception(self) -> bool:
        return self.kind == ActivityKind.RECEPTION

    @property
    def organiser(self):
        return self.organiser_group or self.organiser_area


class Attendance(models.Model):
    """A deputy invited to an activity and whether they attended (出席), asked for leave (请假) or
    were absent without leave (缺席). For a reception day, attending means being on duty (值班)."""

    activity = models.ForeignKey(Activity, verbose_name=_("活动"), on_delete=models.CASCADE,
                                 related_name="attendances")
    deputy = models.ForeignKey("deputies.Deputy", verbose_name=_("代表"), on_delete=models.PROTECT,
                               related_name="attendances")
    status = models.CharField(_("出席情况"), max_length=20, choices=AttendanceStatus.choices,
                              default=AttendanceStatus.INVITED, db_index=True)
    note = models.CharField(_("说明(请假事由等)"), max_length=200, blank=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("出席情况")
        verbose_name_plural = _("出席情况")
        ordering = ["activity", "deputy__name_pinyin"]
        constraints = [models.UniqueConstraint(fields=["activity", "deputy"], name="attendance_unique")]

    def __str__(self):
        return f"{self.activity} {self.deputy} {self.get_status_display()}"


class ActivityPhoto(models.Model):
    """A photo of an activity. Stored outside the web root; served only through a scoped view."""

    activity = models.ForeignKey(Activity, verbose_name=_("活动"), on_delete=models.CASCADE, related_name="photos")
    file = models.FileField(_("照片"), upload_to="activities/%Y/%m/")
    caption = models.CharField(_("说明"), max_length=200, blank=True)
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("上传人"), null=True,
                                    on_delete=models.SET_NULL, related_name="+")
    uploaded_at = models.DateTimeField(_("上传时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("活动照片")
        verbose_name_plural = _("活动照片")
        ordering = ["uploaded_at", "id"]

    def __str__(self):
        return self.caption or self.file.name


class ReceptionProblem(models.Model):
    """A problem a voter raised on a reception day (接待选民日). It is solved on the spot, or turned in
    one step into an opinion item on the receiving deputy's behalf and counted solved when that item
    is concluded."""

    activity = models.ForeignKey(Activity, verbose_name=_("接待活动"), on_delete=models.CASCADE,
                                 related_name="problems")
    deputy = models.ForeignKey("deputies.Deputy", verbose_name=_("接待代表"), on_delete=models.PROTECT,
                               related_name="reception_problems")
    voter_name = models.CharField(_("选民姓名"), max_length=50, blank=True)
    voter_contact = models.CharField(_("联系方式"), max_length=50, blank=True)
    description = models.TextField(_("反映问题"))
    category = models.CharField(_("问题类别"), max_length=20, blank=True,
                                help_text=_("转为社情民意时使用的类别(经济发展、生态环境……)。"))
    solved_on_site = models.BooleanField(_("当场解决"), default=False)
    item = models.OneToOneField("petitions.Item", verbose_name=_("转成的社情民意"), null=True, blank=True,
                                on_delete=models.PROTECT, related_name="reception_problem")
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("登记人"), null=True,
                                   on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(_("登记时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("选民反映问题")
        verbose_name_plural = _("选民反映问题")
        ordering = ["activity", "id"]

    def __str__(self):
        return self.description[:40]
