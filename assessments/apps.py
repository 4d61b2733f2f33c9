from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AssessmentsConfig(AppConfig):
    name = "assessments"
    verbose_name = _("履职考核")

    def ready(self):
        from accounts.choices import Role
        from core import nav

        nav.register(nav.NavItem(
            key="assessments", label=_("履职考核"), url_name="assessments:index", icon="award",
            roles=frozenset({Role.ADMIN, Role.DISTRICT_STAFF, Role.AREA_STAFF, Role.LEADER, Role.DEPUTY,
                             Role.GROUP_LEADER}),
            order=60,
        ))
        self._profile_section()

    def _profile_section(self):
        """Contribute the 履职档案 section to the deputy profile page (deputies.profile), if present."""
        try:
            from deputies.profile import register
        except ImportError:
            return
        from .profile import record_section

        register(order=50)(record_section)
