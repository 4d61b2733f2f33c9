from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class GroupsConfig(AppConfig):
    name = "groups"
    label = "deputy_groups"
    verbose_name = _("代表小组")

    def ready(self):
        from accounts.choices import Role
        from core import nav

        nav.register(
            nav.NavItem(key="groups", label=_("代表小组"), url_name="groups:list", icon="diagram-3",
                        roles=frozenset({Role.ADMIN, Role.DISTRICT_STAFF, Role.AREA_STAFF, Role.LEADER}), order=25),
            nav.NavItem(key="my_group", label=_("我的小组"), url_name="groups:mine", icon="people-fill",
                        roles=frozenset({Role.GROUP_LEADER}), order=25),
        )
