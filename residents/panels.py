"""The home-page (工作台) panel of resident reports (群众来信) for staff, leaders and deputies: this year's
received, accepted on time, closed and satisfaction of the user's scope (the district, the area, or the
deputy's own 代表码), each number linked to exactly those reports in the 群众来信 list."""

from __future__ import annotations

from urllib.parse import urlencode

from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .models import FIGURE_ROLES, READ_ROLES
from .selectors import panel_figures, panel_scope


def residents_panel(request):
    user = request.user
    qs, filters = panel_scope(user)
    if qs is None:
        return None
    year = timezone.localdate().year
    figures = panel_figures(qs, year)
    if not figures["received"]:
        return None
    links = {}
    # Leaders read the aggregates only (they do not open reports): no links, the figures page instead.
    if user.has_role(*READ_ROLES) and not user.is_read_only:
        base = reverse("residents:list")
        for measure in ("", "on_time", "closed", "pleased", "unrated"):
            params = {**filters, "year": year, **({"measure": measure} if measure else {})}
            links[measure or "received"] = f"{base}?{urlencode(params)}"
    return {"title": _("群众来信"), "template": "residents/panel.html", "figures": figures, "year": year,
            "links": links, "may_see_figures": user.has_role(*FIGURE_ROLES)}
