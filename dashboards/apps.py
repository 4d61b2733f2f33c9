from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DashboardsConfig(AppConfig):
    name = "dashboards"
    verbose_name = _("统计看板")

    def ready(self):
        from core import nav

        from .access import DASHBOARD_ROLES

        nav.register(nav.NavItem(key="dashboards", label=_("统计看板"), url_name="dashboards:overview",
                                 icon="bar-chart-line", roles=DASHBOARD_ROLES, order=60))
