from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class LiaisonConfig(AppConfig):
    name = "liaison"
    verbose_name = _("双联")

    def ready(self):
        from core import nav

        from .models import NAV_ROLES

        nav.register(nav.NavItem(key="liaison", label=_("双联"), url_name="liaison:index", icon="link-45deg",
                                 roles=frozenset(NAV_ROLES), order=38))
