from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PointsConfig(AppConfig):
    name = "points"
    verbose_name = _("履职积分")

    def ready(self):
        from core import nav

        from .models import READ_ROLES

        nav.register(nav.NavItem(key="points", label=_("履职积分"), url_name="points:home", icon="award",
                                 roles=frozenset(READ_ROLES), order=36))
