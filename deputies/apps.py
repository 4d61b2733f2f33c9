from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DeputiesConfig(AppConfig):
    name = "deputies"
    verbose_name = _("代表")

    def ready(self):
        from accounts.choices import Role
        from core import home, nav

        nav.register(
            nav.NavItem(key="roster", label=_("代表名册"), url_name="deputies:roster", icon="people",
                        roles=frozenset({Role.ADMIN, Role.DISTRICT_STAFF, Role.AREA_STAFF, Role.LEADER}), order=20),
        )

        @home.register(order=30)
        def roster_panel(request):
            user = request.user
            if not user.has_role(Role.ADMIN, Role.DISTRICT_STAFF, Role.AREA_STAFF, Role.LEADER):
                return None
            from .selectors import roster_counts

            return {"title": _("代表名册"), "template": "deputies/_home_panel.html",
                    "counts": roster_counts(user=user), "can_import": user.is_staff_role}
