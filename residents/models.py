"""Resident reports (群众来信): the QR codes residents scan (代表码 / 联络站码), the reports they send without an
account, and the append-only timeline of each report (the loop engine's event row)."""

from __future__ import annotations

import secrets

from django.conf import settings
from django.db import models
from django.db.models import Exists, OuterRef, Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from accounts.choices import Role
from areas.models import Area
from core.loops import LoopEvent

from .choices import Action, Category, CodeKind, Satisfaction, State


def new_token() -> str:
    """An opaque token for a public URL: never a database id, not guessable."""
    return secrets.token_urlsafe(18)


def new_receipt_no() -> str:
    """A receipt number (回执号) the resident can read out on the phone: 12 random digits."""
    return "".join(secrets.choice("0123456789") for _ in range(12))


# Roles that may open the 群众来信 pages at all (visible_to decides which reports).
READ_ROLES = frozenset({Role.ADMIN, Role.DISTRICT_STAFF, Role.AREA_STAFF, Role.DEPUTY, Role.GROUP_LEADER})
STAFF_ROLES = frozenset({Role.ADMIN, Role.DISTRICT_STAFF, Role.AREA_STAFF})
# Roles that may open the figures page (leaders read the aggregates; they do not open the reports).
FIGURE_ROLES = frozenset({Role.ADMIN, Role.DISTRICT_STAFF, Role.AREA_STAFF, Role.LEADER})
# Roles that keep the district-wide blocklist of phone numbers.
BLOCKLIST_ROLES = frozenset({Role.ADMIN, Role.DISTRICT_STAFF})


class ResidentCodeQuerySet(models.QuerySet):
    def editable_by(self, user):
        """Codes staff may issue, revoke and print: district staff all, area staff their area's."""
        if not user.is_authenticated or not user.has_role(*STAFF_ROLES):
            return self.none()
        if user.has_role(Role.ADMIN, Role.DISTRICT_STAFF):
            return self.all()
        return self.filter(area__in=Area.objects.subtree(user.area)) if user.area_id else self.none()

    def visible_to(self, user):
        """Staff in scope, and a deputy their own code and the codes of stations they are on duty at."""
        if not user.is_authenticated:
            return self.none()
        q = Q(pk__in=self.editable_by(user).values("pk"))
        deputy = user.deputy_profile
        if deputy is not None:
            q |= Q(deputy=deputy) | Q(Exists(ResidentCode.on_duty.through.objects.filter(
                residentcode_id=OuterRef("pk"), deputy_id=deputy.pk)))
        return self.filter(q)


class ResidentCode(models.Model):
    """A QR code residents scan (代表码 for a deputy in office, 联络站码 for a deputy home / liaison station).
    The URL holds `token` only; revoking it (staff) makes the printed code dead, reissuing makes a new one."""

    kind = models.CharField(_("类型"), max_length=10, choices=CodeKind.choices)
    deputy = models.ForeignKey("deputies.Deputy", verbose_name=_("代表"), null=True, blank=True,
                               on_delete=models.PROTECT, related_name="resident_codes")
    home = models.ForeignKey("deputies.DeputyHome", verbose_name=_("代表之家/联络站"), null=True, blank=True,
                             on_delete=models.PROTECT, related_name="resident_codes")
    area = models.ForeignKey(Area, verbose_name=_("所属区划"), null=True, blank=True, on_delete=models.PROTECT,
                             related_name="+")
    on_duty = models.ManyToManyField("deputies.Deputy", verbose_name=_("值班代表"), blank=True,
                                     related_name="duty_codes",
                                     help_text=_("联络站码:这些代表可以看到并办理该站收到的群众来信"))
    token = models.CharField(_("令牌"), max_length=40, unique=True, default=new_token, editable=False)
    is_active = models.BooleanField(_("有效"), default=True)
    created_at = models.DateTimeField(_("生成时间"), auto_now_add=True)
    revoked_at = models.DateTimeField(_("作废时间"), null=True, blank=True)

    objects = ResidentCodeQuerySet.as_manager()

    class Meta:
        verbose_name = _("代表码/联络站码")
        verbose_name_plural = _("代表码/联络站码")
        ordering = ["kind", "id"]
        constraints = [
            models.UniqueConstraint(fields=["deputy"], condition=Q(is_active=True), name="residents_one_active_deputy_code"),
            models.UniqueConstraint(fields=["home"], condition=Q(is_active=True), name="residents_one_active_home_code"),
            models.CheckConstraint(condition=(Q(kind=CodeKind.DEPUTY, deputy__isnull=False, home__isnull=True)
                                              | Q(kind=CodeKind.STATION, home__isnull=False, deputy__isnull=True)),
                                   name="residents_code_target"),
        ]

    def __str__(self):
        return f"{self.get_kind_display()}:{self.target_name}"

    @property
    def target_name(self) -> str:
        return self.deputy.name if self.deputy_id else self.home.name

    def public_url(self) -> str:
        return reverse("residents_public:intake", args=[self.token])


class ReportQuerySet(models.QuerySet):
    def visible_to(self, user):
        """Who may read which report: the one place this is decided. A deputy: reports to their own code
        and to stations they are on duty at; area staff: their area's; district staff and admins: all."""
        if not user.is_authenticated:
            return self.none()
        q = Q(pk__in=[])
        if user.has_role(Role.ADMIN, Role.DISTRICT_STAFF):
            return self.all()
        if user.has_role(Role.AREA_STAFF) and user.area_id:
            q |= Q(area__in=Area.objects.subtree(user.area))
        deputy = user.deputy_profile
        if deputy is not None:
            q |= Q(code__deputy=deputy) | Q(Exists(ResidentCode.on_duty.through.objects.filter(
                residentcode_id=OuterRef("code_id"), deputy_id=deputy.pk)))
        return self.filter(q)

    def counted(self):
        return self.exclude(state=State.PENDING)

    def figures_for(self, user):
        """The reports the user's figures (统计) count: district-wide roles (leaders too, read only)
        all, area staff their area's, nobody else any. Aggregates only: the rows themselves are opened
        through `visible_to`."""
        if not user.is_authenticated or not user.has_role(*FIGURE_ROLES):
            return self.none()
        if user.is_district_wide:
            return self.all()
        return self.filter(area__in=Area.objects.subtree(user.area)) if user.area_id else self.none()


class Report(models.Model):
    """A resident's report (群众来信) sent through a code, without an account. It counts once the phone
    number is confirmed by an SMS code. Personal fields (name, phone, address) are erased after
    RESIDENT_DATA_RETENTION_DAYS by the scheduled job (`purged_at`)."""

    code = models.ForeignKey(ResidentCode, verbose_name=_("二维码"), on_delete=models.PROTECT, related_name="reports")
    area = models.ForeignKey(Area, verbose_name=_("所属区划"), null=True, blank=True, on_delete=models.PROTECT,
                             related_name="+")
    category = models.CharField(_("问题类别"), max_length=20, choices=Category.choices)
    text = models.TextField(_("反映内容"), max_length=1000)
    address = models.CharField(_("地点"), max_length=200, blank=True)
    name = models.CharField(_("姓名"), max_length=30, blank=True)
    show_name = models.BooleanField(_("向代表显示姓名"), default=False)
    phone = models.CharField(_("手机号码"), max_length=11, blank=True)
    state = models.CharField(_("状态"), max_length=20, choices=State.choices, default=State.PENDING, db_index=True)
    receipt_no = models.CharField(_("回执号"), max_length=12, unique=True, default=new_receipt_no, editable=False)
    status_token = models.CharField(_("查询令牌"), max_length=40, unique=True, default=new_token, editable=False)
    public_reply = models.TextField(_("答复"), blank=True,
                                    help_text=_("显示在群众查询页面上的答复;原文保存在办理记录中"))
    reply_hidden = models.BooleanField(_("不在查询页显示答复"), default=False)
    moderated_at = models.DateTimeField(_("审核时间"), null=True, blank=True)
    moderated_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("审核人"), null=True, blank=True,
                                     on_delete=models.SET_NULL, related_name="+")
    satisfaction = models.CharField(_("群众评价"), max_length=20, choices=Satisfaction.choices, blank=True)
    rating_comment = models.TextField(_("评价意见"), max_length=500, blank=True)
    rated_at = models.DateTimeField(_("评价时间"), null=True, blank=True)
    dissatisfied_count = models.PositiveSmallIntegerField(_("不满意次数"), default=0)
    item = models.OneToOneField("petitions.Item", verbose_name=_("转成的社情民意"), null=True, blank=True,
                                on_delete=models.SET_NULL, related_name="resident_report")
    verify_hash = models.CharField(max_length=128, blank=True, editable=False)
    verify_expires_at = models.DateTimeField(null=True, blank=True, editable=False)
    verify_attempts = models.PositiveSmallIntegerField(default=0, editable=False)
    created_at = models.DateTimeField(_("填写时间"), auto_now_add=True, db_index=True)
    submitted_at = models.DateTimeField(_("提交时间"), null=True, blank=True)
    accept_due = models.DateField(_("受理期限"), null=True, blank=True)
    # The first response (受理, or an answer, conversion, transfer or refusal straight away): the
    # figures' 按时受理 compares its date with accept_due.
    accepted_at = models.DateTimeField(_("受理时间"), null=True, blank=True)
    transferred_at = models.DateTimeField(_("转交时间"), null=True, blank=True)
    closed_at = models.DateTimeField(_("办结时间"), null=True, blank=True)
    purged_at = models.DateTimeField(_("个人信息删除时间"), null=True, blank=True)
    # Set by the worker when it takes the receipt SMS (回执短信) of a confirmed report: sent once
    # (services.receipt_send); cleared again when the gateway refused it.
    receipt_sent_at = models.DateTimeField(_("回执短信发送时间"), null=True, blank=True, editable=False)

    objects = ReportQuerySet.as_manager()

    class Meta:
        verbose_name = _("群众来信")
        verbose_name_plural = _("群众来信")
        ordering = ["-created_at", "-id"]

    def __str__(self):
        return self.receipt_no

    def get_absolute_url(self):
        return reverse("residents:detail", args=[self.pk])

    def status_url(self) -> str:
        return reverse("residents_public:status", args=[self.status_token])

    @property
    def title(self) -> str:
        text = " ".join(self.text.split())
        return text[:30] + ("…" if len(text) > 30 else "")


class ReportEvent(LoopEvent):
    """One step of a report's timeline (append-only)."""

    report = models.ForeignKey(Report, verbose_name=_("群众来信"), on_delete=models.CASCADE, related_name="events")
    action = models.CharField(_("操作"), max_length=30, choices=Action.choices)

    class Meta(LoopEvent.Meta):
        verbose_name = _("来信办理记录")
        verbose_name_plural = _("来信办理记录")



def photo_path(instance, filename):
    # A random stored name under MEDIA_ROOT (never served directly): no path tricks, no guessing.
    import uuid

    from django.utils import timezone

    ext = filename.rsplit(".", 1)[-1].lower()[:8] if "." in filename else "img"
    return f"residents/{timezone.localdate():%Y/%m}/{uuid.uuid4().hex}.{ext}"


class ReportPhoto(models.Model):
    """A photo a resident sent with a report (at most 3), content-checked on upload, stored privately
    and served only through views that check the report's scope. Shown on the resident's status page
    only once staff marked it public (`is_public`, moderation); erased with the personal fields."""

    report = models.ForeignKey(Report, verbose_name=_("群众来信"), on_delete=models.CASCADE, related_name="photos")
    file = models.FileField(_("照片"), upload_to=photo_path, max_length=200)
    content_type = models.CharField(_("类型"), max_length=100)
    size = models.PositiveIntegerField(_("大小"))
    token = models.CharField(max_length=40, unique=True, default=new_token, editable=False)
    is_public = models.BooleanField(_("在查询页显示"), default=False)
    uploaded_at = models.DateTimeField(_("上传时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("来信照片")
        verbose_name_plural = _("来信照片")
        ordering = ["id"]

    def __str__(self):
        return _("照片 %(n)s") % {"n": self.pk}


class BlockedPhone(models.Model):
    """A phone number that may not send reports (abuse): it gets the same neutral message as a number
    over its rate limit, and no SMS is sent to it."""

    phone = models.CharField(_("手机号码"), max_length=11, unique=True)
    reason = models.CharField(_("原因"), max_length=200, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("操作人"), null=True, blank=True,
                                   on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(_("屏蔽时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("屏蔽号码")
        verbose_name_plural = _("屏蔽号码")
        ordering = ["-created_at", "-id"]

    def __str__(self):
        from core.text import mask_mobile

        return mask_mobile(self.phone)
