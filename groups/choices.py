from django.db import models
from django.utils.translation import gettext_lazy as _


class MemberRole(models.TextChoices):
    LEADER = "leader", _("组长")
    DEPUTY_LEADER = "deputy_leader", _("副组长")
    MEMBER = "member", _("成员")


class GroupKind(models.TextChoices):
    """City deputies form their own groups; district and town deputies are grouped together."""

    CITY = "city", _("市人大代表小组")
    DISTRICT_TOWN = "district_town", _("区、镇人大代表小组")
