"""The home-page panel (工作台) for opinion items: the user's work lists with counts."""

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from accounts.choices import Role

from . import selectors


def work_panel(request):
    user = request.user
    boxes = [b for b in selectors.BOXES.values() if user.roles & b.roles]
    if not boxes:
        return None
    rows = []
    for box in boxes:
        name = "list" if box.key == "all" else box.key
        count = selectors.box_queryset(user, box.key).count()
        rows.append({"label": box.label, "url": reverse(f"petitions:{name}"), "count": count, "icon": box.icon,
                     "warn": box.key in ("overdue", "due_soon") and count})
    can_create = user.has_role(Role.DEPUTY, Role.GROUP_LEADER, Role.ADMIN, Role.DISTRICT_STAFF, Role.AREA_STAFF)
    # 退回补充: the deputy's own items sent back, each with the reason and a link to add what was asked.
    returned = selectors.returned_for_detail(user)
    return {"title": _("社情民意"), "template": "petitions/panel.html", "rows": rows, "can_create": can_create,
            "returned": returned}


def profile_section(request, deputy):
    """The deputy's page (履职档案): months owed and met this year (每月一条) and their latest items."""
    from django.utils import timezone

    from .models import Item

    today = timezone.localdate()
    quota = selectors.deputy_quota(deputy, today.year, today)
    items = list(selectors.item_list(Item.objects.visible_to(request.user).filter(deputy=deputy))[:10])
    return {"key": "items", "title": _("社情民意"), "template": "petitions/_profile_items.html",
            "context": {"quota": quota, "quota_met": sum(1 for m in quota if m["met"]), "items": items,
                        "year": today.year}}
