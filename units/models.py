from django.db import models
from django.utils.translation import gettext_lazy as _


class HandlingUnitQuerySet(models.QuerySet):
    def visible_to(self, user):
        if not user.is_authenticated:
            return self.none()
        if user.unit_id and not (user.is_district_wide or user.is_staff_role):
            return self.filter(pk=user.unit_id)
        return self.all()

    def active(self):
        return self.filter(is_active=True)


class HandlingUnit(models.Model):
    """A handling unit (承办单位): a government department that answers opinion items."""

    name = models.CharField(_("单位名称"), max_length=80, unique=True)
    short_name = models.CharField(_("简称"), max_length=30, blank=True)
    category = models.CharField(_("类别"), max_length=30, blank=True,
                                help_text=_("如:政府部门、街道、垂直管理单位、国有企业"))
    contact_name = models.CharField(_("联系人"), max_length=30, blank=True)
    contact_phone = models.CharField(_("联系电话"), max_length=20, blank=True)
    is_active = models.BooleanField(_("启用"), default=True)
    sort = models.PositiveIntegerField(_("排序"), default=0)

    objects = HandlingUnitQuerySet.as_manager()

    class Meta:
        verbose_name = _("承办单位")
        verbose_name_plural = _("承办单位")
        ordering = ["sort", "name"]

    def __str__(self):
        return self.name
