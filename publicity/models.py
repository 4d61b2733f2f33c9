"""Publicity records (信息宣传): a piece about the deputies' work published by a medium, whether it was
taken (采用) and any prize it won. Adopted pieces of a deputy count in the quarterly points."""

from __future__ import annotations

from django.conf import settings
from django.core.validators import URLValidator
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from accounts.choices import Role
from areas.models import Area

from .choices import Level

# Who records pieces: district staff everywhere, area staff in their area. Leaders only read.
RECORD_ROLES = (Role.ADMIN, Role.DISTRICT_STAFF, Role.AREA_STAFF)
# Who reads the year's figures.
FIGURE_ROLES = (*RECORD_ROLES, Role.LEADER)
READ_ROLES = (*FIGURE_ROLES, Role.DEPUTY, Role.GROUP_LEADER)
# An attached copy of the piece: a photo of the page or a PDF (the content decides, not the name).
FILE_MIMES = {"application/pdf", "image/jpeg", "image/png", "image/gif", "image/webp", "image/heic", "image/bmp"}
HTTP_URL = URLValidator(schemes=["http", "https"])


def may_record(user) -> bool:
    return user.is_authenticated and not user.is_read_only and user.has_role(*RECORD_ROLES)


class PieceQuerySet(models.QuerySet):
    def visible_to(self, user):
        """District-wide roles (admin, district staff, leaders) see all; area staff their area's; a
        deputy their own pieces; anyone else none."""
        if not user.is_authenticated:
            return self.none()
        if user.is_district_wide:
            return self.all()
        q = Q(pk__in=[])
        if user.has_role(Role.AREA_STAFF) and user.area_id:
            q |= Q(area__in=Area.objects.subtree(user.area))
        if user.deputy_profile is not None:
            q |= Q(deputy=user.deputy_profile)
        return self.filter(q)

    def editable_by(self, user):
        """Who may change or delete a piece: district staff all, area staff their area's."""
        if not may_record(user):
            return self.none()
        if user.has_role(Role.ADMIN, Role.DISTRICT_STAFF):
            return self.all()
        if user.area_id:
            return self.filter(area__in=Area.objects.subtree(user.area))
        return self.none()


class Piece(models.Model):
    """A publicity piece (信息宣传稿件), e.g. 关于…的报道 in 安徽日报: who wrote it (a deputy, a deputy
    group or a free-text author), where and when it was published, the medium's level, whether it was
    taken (是否被采用) and any prize (获奖情况). `area` is the deputy's or the recording staff's area and
    decides who sees it."""

    title = models.CharField(_("标题"), max_length=200)
    author = models.CharField(_("作者"), max_length=100, help_text=_("作者姓名或小组名称。"))
    deputy = models.ForeignKey("deputies.Deputy", verbose_name=_("代表"), null=True, blank=True,
                               on_delete=models.PROTECT, related_name="publicity_pieces")
    group = models.ForeignKey("deputy_groups.DeputyGroup", verbose_name=_("代表小组"), null=True, blank=True,
                              on_delete=models.SET_NULL, related_name="publicity_pieces")
    date = models.DateField(_("刊发日期"))
    medium = models.CharField(_("媒体名称"), max_length=100)
    level = models.CharField(_("媒体级别"), max_length=20, choices=Level.choices)
    adopted = models.BooleanField(_("是否被采用"), default=False)
    award = models.CharField(_("获奖情况"), max_length=200, blank=True)
    link = models.URLField(_("链接"), max_length=500, blank=True, validators=[HTTP_URL])
    file = models.FileField(_("稿件文件"), upload_to="publicity/%Y/%m/", blank=True)
    file_name = models.CharField(_("文件名"), max_length=200, blank=True)
    file_type = models.CharField(max_length=100, blank=True)
    area = models.ForeignKey(Area, verbose_name=_("所属区划"), null=True, blank=True, on_delete=models.PROTECT,
                             related_name="+")
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("登记人"), null=True,
                                   on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(_("登记时间"), auto_now_add=True)

    # Who changed what and when (the audit of records, as for activities and the roster).
    history = HistoricalRecords()
    objects = PieceQuerySet.as_manager()

    class Meta:
        verbose_name = _("信息宣传")
        verbose_name_plural = _("信息宣传")
        ordering = ["-date", "-id"]
        indexes = [
            models.Index(fields=["date"], name="publicity_piece_date"),
            models.Index(fields=["level", "adopted"], name="publicity_piece_level"),
        ]

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        return reverse("publicity:detail", args=[self.pk])

    @property
    def file_is_image(self) -> bool:
        return self.file_type.startswith("image/")
