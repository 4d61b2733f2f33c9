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

        @home.register(order=90)
        def rollup_check_panel(request):
            """For admins: the last 汇总表校验 (check_rollups, nightly)."""
            if not request.user.has_role(Role.ADMIN):
                return None
            from .checks import last_check

            return {"title": _("统计汇总表校验"), "template": "dashboards/_rollup_check_panel.html",
                    "check": last_check(), "col": "col-lg-6"}
