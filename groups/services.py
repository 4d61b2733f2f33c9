"""Writes for deputy groups: the group itself and its members' roles (组长, 副组长, 成员)."""

from django.core.exceptions import PermissionDenied
from django.db import transaction

from .models import DeputyGroup, GroupMembership


def _require_editable(group: DeputyGroup, actor) -> None:
    if not DeputyGroup.objects.editable_by(actor).filter(pk=group.pk).exists():
        raise PermissionDenied


@transaction.atomic
def group_save(*, group: DeputyGroup | None, actor, data: dict) -> DeputyGroup:
    if group is not None:
        _require_editable(group, actor)
    elif not actor.is_staff_role:
        raise PermissionDenied
    group = group or DeputyGroup()
    many = {k: data.pop(k) for k in ("contact_areas", "contact_organs") if k in data}
    for name, value in data.items():
        setattr(group, name, value)
    group.save()
    if group.area_id and not DeputyGroup.objects.editable_by(actor).filter(pk=group.pk).exists():
        raise PermissionDenied  # area staff may not move a group out of their area
    for name, values in many.items():
        getattr(group, name).set(values)
    return group


@transaction.atomic
def group_member_set(*, group: DeputyGroup, deputy, role: str, actor) -> GroupMembership:
    """Put a deputy in the group with a role, or change their role."""
    _require_editable(group, actor)
    membership, created = GroupMembership.objects.select_for_update().get_or_create(
        group=group, deputy=deputy, defaults={"role": role})
    if not created and membership.role != role:
        membership.role = role
        membership.save(update_fields=["role"])
    return membership


@transaction.atomic
def group_member_remove(*, membership: GroupMembership, actor) -> None:
    _require_editable(membership.group, actor)
    membership.delete()
