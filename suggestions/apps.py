from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SuggestionsConfig(AppConfig):
    name = "suggestions"
    verbose_name = _("代表建议")

    def ready(self):
        from core import home, nav

        from .queues import nav_query
        from .views import READ_ROLES

        # The badge: suggestions waiting in one of the user's work queues (待办), one query.
        nav.register(nav.NavItem(key="suggestions", label=_("代表建议"), url_name="suggestions:list",
                                 icon="journal-text", roles=READ_ROLES, order=15, count_query=nav_query))

        from .panels import report_panel

        home.register(order=25)(report_panel)
