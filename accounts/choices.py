from django.db import models
from django.utils.translation import gettext_lazy as _


class Role(models.TextChoices):
    """The roles of DOMAIN.md ("Who uses it"). Each is one Django auth group, named by the value."""

    ADMIN = "admin", _("系统管理员")
    DISTRICT_STAFF = "district_staff", _("人大工作人员")
    AREA_STAFF = "area_staff", _("街道/镇人大工作人员")
    UNIT = "unit", _("承办单位")
    DEPUTY = "deputy", _("代表")
    GROUP_LEADER = "group_leader", _("代表小组组长")
    LEADER = "leader", _("领导")
    # A member of the district standing committee (常委会组成人员) who keeps in touch with deputies (双联).
    COMMITTEE_MEMBER = "committee_member", _("常委会组成人员")


# Roles that see the whole district.
DISTRICT_WIDE = frozenset({Role.ADMIN, Role.DISTRICT_STAFF, Role.LEADER})
# Roles that may change the roster and process items (each within its scope).
STAFF_ROLES = frozenset({Role.ADMIN, Role.DISTRICT_STAFF, Role.AREA_STAFF})
