from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class HolidaysConfig(AppConfig):
    name = "holidays"
    verbose_name = _("节假日安排")

    def ready(self):
        from core import home, nav

        from .services import EDIT_ROLES

        nav.register(nav.NavItem(key="holidays", label=_("节假日安排"), url_name="holidays:years",
                                 icon="calendar-week", roles=EDIT_ROLES, order=95))

        @home.register(order=5)
        def calendar_warning(request):
            """From 1 November, district staff are told when next year's holidays are not known yet."""
            from django.utils import timezone

            from .selectors import next_year_unknown

            if not request.user.has_role(*EDIT_ROLES):
                return None
            today = timezone.localdate()
            if not next_year_unknown(today):
                return None
            return {"title": _("节假日安排"), "template": "holidays/_home_warning.html", "col": "col-lg-12",
                    "year": today.year + 1}
