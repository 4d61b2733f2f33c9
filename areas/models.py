from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from .choices import STAFFED_KINDS, AreaKind


class AreaQuerySet(models.QuerySet):
    def subtree(self, area):
        """The area and everything below it (the tree is at most district → town → village deep)."""
        if area is None:
            return self.none()
        return self.filter(Q(pk=area.pk) | Q(parent_id=area.pk) | Q(parent__parent_id=area.pk))

    def visible_to(self, user):
        # The area tree is public knowledge inside the system: everyone may read it.
        return self.all() if user.is_authenticated else self.none()

    def in_scope_of(self, user):
        """Areas whose data the user may see: all for district-wide roles, the own subtree for area
        staff, none otherwise (a filter or picker of areas offers exactly these)."""
        if user.is_authenticated and user.is_district_wide:
            return self.all()
        return self.subtree(user.area) if user.is_authenticated and user.area_id else self.none()

    def towns(self):
        """The level below the district: towns, sub-districts and the development zone."""
        return self.filter(kind__in=STAFFED_KINDS)


class Area(models.Model):
    """An administrative area (区划): district → town / sub-district / zone → community / village."""

    name = models.CharField(_("名称"), max_length=50)
    kind = models.CharField(_("类型"), max_length=20, choices=AreaKind.choices)
    parent = models.ForeignKey(
        "self", verbose_name=_("上级区划"), null=True, blank=True, on_delete=models.PROTECT,
        related_name="children",
    )
    code = models.CharField(_("区划代码"), max_length=20, blank=True)
    sort = models.PositiveIntegerField(_("排序"), default=0)

    objects = AreaQuerySet.as_manager()

    class Meta:
        verbose_name = _("区划")
        verbose_name_plural = _("区划")
        ordering = ["sort", "id"]
        constraints = [
            models.UniqueConstraint(fields=["parent", "name"], name="area_unique_name_in_parent"),
        ]

    def __str__(self):
        return self.name

    @property
    def full_name(self) -> str:
        """E.g. 东山街道周庄社区 for a community; the name alone above that level."""
        if self.kind in (AreaKind.COMMUNITY, AreaKind.VILLAGE) and self.parent_id:
            return f"{self.parent.name}{self.name}"
        return self.name

    def town(self):
        """The town-level ancestor (or self) that area staff are attached to."""
        node = self
        while node is not None and node.kind not in STAFFED_KINDS:
            node = node.parent
        return node
