from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ActivitiesConfig(AppConfig):
    name = "activities"
    verbose_name = _("履职活动")

    def ready(self):
        from accounts.choices import Role
        from core import nav

        nav.register(nav.NavItem(
            key="activities", label=_("履职活动"), url_name="activities:list", icon="calendar-event",
            roles=frozenset({Role.ADMIN, Role.DISTRICT_STAFF, Role.AREA_STAFF, Role.DEPUTY,
                             Role.GROUP_LEADER, Role.LEADER}),
            order=40,
        ))
