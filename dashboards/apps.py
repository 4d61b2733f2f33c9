from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DashboardsConfig(AppConfig):
    name = "dashboards"
    verbose_name = _("统计看板")

    def ready(self):
        from accounts.choices import Role
        from core import home, nav

        from .access import DASHBOARD_ROLES

        nav.register(nav.NavItem(key="dashboards", label=_("统计看板"), url_name="dashboards:overview",
                                 icon="bar-chart-line", roles=DASHBOARD_ROLES, order=60))

        from groups import sections

        @sections.register(order=10)
        def monthly_submissions(request, group):
            """The group page's 月度报送情况: its members × the months of this year, the overview's grid."""
            return group_monthly_section(request, group)

        @home.register(order=90)
        def rollup_check_panel(request):
            """For admins: the last 汇总表校验 (check_rollups, nightly)."""
            if not request.user.has_role(Role.ADMIN):
                return None
            from .checks import last_check

            return {"title": _("统计汇总表校验"), "template": "dashboards/_rollup_check_panel.html",
                    "check": last_check(), "col": "col-lg-6"}


def group_monthly_section(request, group) -> dict:
    from accounts.choices import Role
    from groups.selectors import groups_led_by

    from . import selectors
    from .periods import Scope

    day = selectors.today()
    rows = selectors.grid_rows(selectors.deputy_month_grid(day.year, Scope(group=group)), day.year, day=day)
    user = request.user
    # The whole grid (and its export) on the dashboards, for those who may open them for this group.
    full = (user.has_role(Role.ADMIN, Role.DISTRICT_STAFF, Role.LEADER, Role.AREA_STAFF)
            or (user.has_role(Role.GROUP_LEADER) and groups_led_by(user).filter(pk=group.pk).exists()))
    return {"key": "monthly", "title": _("月度报送情况"), "template": "dashboards/_group_monthly.html",
            "context": {"rows": rows, "months": range(1, 13), "owed": selectors.months_started(day.year, day=day),
                        "year": day.year, "full": full}}
