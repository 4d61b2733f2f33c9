from django.conf import settings
from django.db import models
from django.db.models import Exists, OuterRef, Q
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from accounts.choices import Role
from areas.models import Area

from .choices import GroupKind, MemberRole


class DeputyGroupQuerySet(models.QuerySet):
    def visible_to(self, user):
        if not user.is_authenticated:
            return self.none()
        if user.is_district_wide:
            return self.all()
        q = Q(pk__in=[])
        if user.has_role(Role.AREA_STAFF) and user.area_id:
            q |= Q(area__in=Area.objects.subtree(user.area))
        deputy = user.deputy_profile
        if deputy is not None:
            q |= Q(Exists(GroupMembership.objects.filter(group=OuterRef("pk"), deputy=deputy)))
        return self.filter(q)

    def editable_by(self, user):
        if not user.is_authenticated or not user.is_staff_role:
            return self.none()
        if user.has_role(Role.ADMIN, Role.DISTRICT_STAFF):
            return self.all()
        if user.area_id:
            return self.filter(area__in=Area.objects.subtree(user.area))
        return self.none()


class StateOrgan(models.Model):
    """A state organ (国家机关) that a group keeps fixed contact with, e.g. 市财政局."""

    name = models.CharField(_("名称"), max_length=80, unique=True)

    class Meta:
        verbose_name = _("国家机关")
        verbose_name_plural = _("国家机关")
        ordering = ["name"]

    def __str__(self):
        return self.name


class DeputyGroup(models.Model):
    """A deputy group (代表小组), formed by territory, profession, balance and free will."""

    name = models.CharField(_("小组名称"), max_length=80, unique=True)
    kind = models.CharField(_("类别"), max_length=20, choices=GroupKind.choices)
    area = models.ForeignKey(Area, verbose_name=_("所属区划"), null=True, blank=True,
                             on_delete=models.PROTECT, related_name="deputy_groups")
    liaison_user = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("联络员(工作人员)"),
                                     null=True, blank=True, on_delete=models.SET_NULL,
                                     related_name="liaison_groups")
    liaison_deputy = models.ForeignKey("deputies.Deputy", verbose_name=_("联络员(代表)"), null=True,
                                       blank=True, on_delete=models.SET_NULL, related_name="liaison_groups")
    contact_areas = models.ManyToManyField(Area, verbose_name=_("定点联系村/社区"), blank=True,
                                           related_name="contact_groups")
    contact_organs = models.ManyToManyField(StateOrgan, verbose_name=_("固定联系国家机关"), blank=True,
                                            related_name="groups")
    sort = models.PositiveIntegerField(_("排序"), default=0)

    history = HistoricalRecords()
    objects = DeputyGroupQuerySet.as_manager()

    class Meta:
        verbose_name = _("代表小组")
        verbose_name_plural = _("代表小组")
        ordering = ["kind", "sort", "name"]

    def __str__(self):
        return self.name


class GroupMembership(models.Model):
    """A deputy's place in a group, with a role (组长, 副组长, 成员)."""

    LEADING_ROLES = (MemberRole.LEADER, MemberRole.DEPUTY_LEADER)

    group = models.ForeignKey(DeputyGroup, verbose_name=_("代表小组"), on_delete=models.CASCADE,
                              related_name="memberships")
    deputy = models.ForeignKey("deputies.Deputy", verbose_name=_("代表"), on_delete=models.CASCADE,
                               related_name="memberships")
    role = models.CharField(_("小组职务"), max_length=20, choices=MemberRole.choices, default=MemberRole.MEMBER)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("小组成员")
        verbose_name_plural = _("小组成员")
        ordering = ["group", "role", "deputy__name_pinyin"]
        constraints = [models.UniqueConstraint(fields=["group", "deputy"], name="membership_unique")]

    def __str__(self):
        return f"{self.group} {self.deputy} ({self.get_role_display()})"
