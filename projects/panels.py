"""The home-page (工作台) panel for staff and leaders: this year's livelihood projects — rounds, places,
projects in delivery and completed, investment planned and spent, overdue milestones and open issues
(问题清单) — linked to the lists."""

from __future__ import annotations

from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.choices import Role

from .selectors import year_figures

PANEL_ROLES = frozenset({Role.ADMIN, Role.DISTRICT_STAFF, Role.AREA_STAFF, Role.LEADER})


def projects_panel(request):
    if not request.user.roles & PANEL_ROLES:
        return None
    today = timezone.localdate()
    figures = year_figures(request.user, today.year, today)
    if not figures["rounds"] and not figures["total"]:
        return None
    return {"title": _("民生实事项目"), "template": "projects/panel.html", "figures": figures}
