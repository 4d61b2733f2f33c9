"""Who may open the dashboards, and the scope each user is held to (STYLE.md: 403 for a role that may
not use the page, 404 for an object outside the user's scope).

- district staff, leaders, admin: any scope;
- area staff: their area's subtree (a narrower area, a group, unit or deputy intersect with it);
- a handling unit's user: their unit only;
- a group leader: the groups they lead.
"""

from __future__ import annotations

from django.db.models import Case, When
from django.http import Http404

from accounts.choices import Role
from areas.models import Area
from deputies.models import Deputy
from groups.choices import MemberRole
from groups.models import DeputyGroup, GroupMembership
from units.models import HandlingUnit

from .periods import Scope

DASHBOARD_ROLES = frozenset({Role.ADMIN, Role.DISTRICT_STAFF, Role.LEADER, Role.AREA_STAFF, Role.UNIT,
                             Role.GROUP_LEADER})


def _get(model_qs, pk):
    if pk in (None, ""):
        return None
    try:
        return model_qs.get(pk=int(pk))
    except (ValueError, TypeError, model_qs.model.DoesNotExist):
        raise Http404 from None


def scope_for(user, params) -> Scope:
    """The scope asked for in `params` (area, group, unit, deputy ids), held to what `user` may see."""
    area = _get(Area.objects.all(), params.get("area"))
    group = _get(DeputyGroup.objects.all(), params.get("group"))
    unit = _get(HandlingUnit.objects.all(), params.get("unit"))
    deputy = _get(Deputy.objects.visible_to(user), params.get("deputy"))
    locked = set()
    if user.is_district_wide:
        pass
    elif user.has_role(Role.AREA_STAFF) and user.area_id:
        mine = Area.objects.subtree(user.area)
        if area is None:
            area = user.area
        elif not mine.filter(pk=area.pk).exists():
            raise Http404
        if group is not None and not (group.area_id and mine.filter(pk=group.area_id).exists()):
            raise Http404
        locked.add("area")
    elif user.has_role(Role.UNIT) and user.unit_id:
        if unit is not None and unit.pk != user.unit_id:
            raise Http404
        unit = user.unit
        locked.add("unit")
    elif user.has_role(Role.GROUP_LEADER) and user.deputy_profile is not None:
        led = DeputyGroup.objects.filter(memberships__deputy=user.deputy_profile,
                                         memberships__role__in=GroupMembership.LEADING_ROLES)
        if group is None:
            # By default the group they lead as 组长, before one where they are 副组长.
            group = led.order_by(Case(When(memberships__role=MemberRole.LEADER, then=0), default=1),
                                 "name", "pk").first()
        if group is None or not led.filter(pk=group.pk).exists():
            raise Http404
        locked.add("group")
    else:
        raise Http404
    return Scope(area=area, group=group, unit=unit, deputy=deputy, locked=frozenset(locked))


def choices_for(user, scope: Scope) -> dict:
    """Options of the scope pickers, narrowed to what the user may choose."""
    areas = Area.objects.towns()
    groups = DeputyGroup.objects.all()
    units = HandlingUnit.objects.all()
    if "area" in scope.locked:
        areas = Area.objects.subtree(user.area).filter(pk=user.area_id)
        groups = groups.filter(area__in=Area.objects.subtree(user.area))
    if "unit" in scope.locked:
        units = units.filter(pk=user.unit_id)
    if "group" in scope.locked:
        groups = groups.filter(memberships__deputy=user.deputy_profile,
                               memberships__role__in=GroupMembership.LEADING_ROLES)
    return {"area_choices": areas.order_by("sort", "pk"), "group_choices": groups.order_by("name"),
            "unit_choices": units.order_by("sort", "name")}
