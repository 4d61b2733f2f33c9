"""Deputy group pages: the list, a group (members, roles, contacts, sections), edits of members."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from accounts.choices import Role
from core.access import role_required

from . import services
from .choices import MemberRole
from .forms import GroupForm, MemberForm
from .models import DeputyGroup, GroupMembership
from .sections import sections_for
from .selectors import group_list, group_page, groups_led_by

GROUP_ROLES = (Role.ADMIN, Role.DISTRICT_STAFF, Role.AREA_STAFF, Role.LEADER, Role.DEPUTY, Role.GROUP_LEADER)
EDIT_ROLES = (Role.ADMIN, Role.DISTRICT_STAFF, Role.AREA_STAFF)


def _editable(user, group) -> bool:
    return DeputyGroup.objects.editable_by(user).filter(pk=group.pk).exists()


@require_GET
@role_required(*GROUP_ROLES)
def group_index(request):
    groups = list(group_list(user=request.user))
    return render(request, "groups/list.html", {"groups": groups, "can_add": request.user.has_role(*EDIT_ROLES)})


@require_GET
@role_required(Role.GROUP_LEADER)
def my_group(request):
    """我的小组: straight to the group a leader leads (the list when several)."""
    led = list(groups_led_by(request.user)[:2])
    if len(led) == 1:
        return redirect("groups:detail", pk=led[0].pk)
    return redirect("groups:list")


@require_GET
@login_required
def group_detail(request, pk):
    return _detail_page(request, group_page(user=request.user, pk=pk))


def _detail_page(request, group, *, member_form=None, status=200):
    """The group page; after a refused 添加成员, with that form bound and its errors (400)."""
    can_edit = _editable(request.user, group)
    sections = sections_for(request, group)
    return render(request, "groups/detail.html", {
        "group": group, "can_edit": can_edit, "sections": sections, "role_choices": MemberRole.choices,
        "member_form": (member_form or MemberForm(user=request.user, group=group)) if can_edit else None,
    }, status=status)


@role_required(*EDIT_ROLES)
def group_edit(request, pk=None):
    group = None
    if pk is not None:
        group = get_object_or_404(DeputyGroup.objects.visible_to(request.user), pk=pk)
        if not _editable(request.user, group):
            raise PermissionDenied
    form = GroupForm(request.POST or None, instance=group, user=request.user)
    if request.method == "POST" and form.is_valid():
        group = services.group_save(group=group, actor=request.user, data=form.group_data())
        messages.success(request, _("代表小组已保存。"))
        return redirect("groups:detail", pk=group.pk)
    return render(request, "groups/form.html", {"form": form, "group": group})


@require_POST
@login_required
def member_set(request, pk):
    group = get_object_or_404(DeputyGroup.objects.visible_to(request.user), pk=pk)
    if not _editable(request.user, group):
        raise PermissionDenied
    form = MemberForm(request.POST, user=request.user, group=group)
    if not form.is_valid():
        return _detail_page(request, group_page(user=request.user, pk=group.pk), member_form=form, status=400)
    membership = services.group_member_set(group=group, deputy=form.cleaned_data["deputy"],
                                           role=form.cleaned_data["role"], actor=request.user)
    messages.success(request, _("%(name)s 已加入本组,职务:%(role)s。") % {
        "name": membership.deputy.name, "role": membership.get_role_display()})
    return redirect("groups:detail", pk=group.pk)


@require_POST
@login_required
def member_role(request, pk, membership_pk):
    group = get_object_or_404(DeputyGroup.objects.visible_to(request.user), pk=pk)
    membership = get_object_or_404(GroupMembership.objects.select_related("deputy"), pk=membership_pk, group=group)
    if not _editable(request.user, group):
        raise PermissionDenied
    role = request.POST.get("role")
    if role not in dict(GroupMembership._meta.get_field("role").choices):
        messages.error(request, _("无效的小组职务。"))
    else:
        services.group_member_set(group=group, deputy=membership.deputy, role=role, actor=request.user)
        messages.success(request, _("已更新 %(name)s 的小组职务。") % {"name": membership.deputy.name})
    return redirect("groups:detail", pk=group.pk)


@require_POST
@login_required
def member_remove(request, pk, membership_pk):
    group = get_object_or_404(DeputyGroup.objects.visible_to(request.user), pk=pk)
    membership = get_object_or_404(GroupMembership.objects.select_related("deputy", "group"), pk=membership_pk,
                                   group=group)
    if not _editable(request.user, group):
        raise PermissionDenied
    services.group_member_remove(membership=membership, actor=request.user)
    messages.success(request, _("%(name)s 已移出本组。") % {"name": membership.deputy.name})
    return redirect("groups:detail", pk=group.pk)
