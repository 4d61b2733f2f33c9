from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class NotificationsConfig(AppConfig):
    name = "notifications"
    verbose_name = _("通知")

    def ready(self):
        from accounts.choices import Role
        from core import nav

        from . import selectors

        nav.register(
            nav.NavItem(key="notifications", label=_("通知"), url_name="notifications:list", icon="bell",
                        count_query=selectors.unread_query, order=900),
            nav.NavItem(key="notification_monitor", label=_("投递监控"), url_name="notifications:monitor",
                        icon="send-check", roles=frozenset({Role.ADMIN, Role.DISTRICT_STAFF}), order=910),
        )
