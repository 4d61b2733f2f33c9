"""Reads for deputy groups: the list with member counts and leaders, and the group page."""

from django.db.models import Count, Prefetch, Q, QuerySet
from django.shortcuts import get_object_or_404

from .choices import MemberRole
from .models import DeputyGroup, GroupMembership


def group_list(*, user) -> QuerySet:
    return (DeputyGroup.objects.visible_to(user).select_related("area", "liaison_user", "liaison_deputy")
            .annotate(member_count=Count("memberships", distinct=True),
                      contact_count=Count("contact_areas", distinct=True) + Count("contact_organs", distinct=True))
            .prefetch_related(Prefetch("memberships", to_attr="leaders", queryset=GroupMembership.objects.filter(
                role=MemberRole.LEADER).select_related("deputy")))
            .order_by("kind", "sort", "name"))


def group_page(*, user, pk: int) -> DeputyGroup:
    """The group with members (leaders first), contacts and liaison; 404 outside the user's scope."""
    role_order = {MemberRole.LEADER: 0, MemberRole.DEPUTY_LEADER: 1, MemberRole.MEMBER: 2}
    group = get_object_or_404(
        DeputyGroup.objects.visible_to(user).select_related("area", "liaison_user", "liaison_deputy").prefetch_related(
            Prefetch("memberships", queryset=GroupMembership.objects.select_related("deputy", "deputy__area")
                     .prefetch_related("deputy__mandates__term")),
            Prefetch("contact_areas"), Prefetch("contact_organs")),
        pk=pk)
    group.members_sorted = sorted(group.memberships.all(),
                                  key=lambda m: (role_order.get(m.role, 9), m.deputy.name_pinyin))
    return group


def groups_led_by(user) -> QuerySet:
    deputy = user.deputy_profile
    if deputy is None:
        return DeputyGroup.objects.none()
    return DeputyGroup.objects.filter(Q(memberships__deputy=deputy, memberships__role__in=GroupMembership.LEADING_ROLES)
                                      ).distinct()
