from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ResidentsConfig(AppConfig):
    name = "residents"
    verbose_name = _("群众来信")

    def ready(self):
        from core import home, nav

        from .models import READ_ROLES, STAFF_ROLES
        from .panels import residents_panel
        from .selectors import new_query

        # Keys under items_: the entries sit in the 社情民意 menu, where reports become items.
        nav.register(
            nav.NavItem(key="items_residents", label=_("群众来信"), url_name="residents:list", icon="envelope-paper",
                        roles=READ_ROLES, count_query=new_query, order=40),
            nav.NavItem(key="items_resident_codes", label=_("代表码/联络站码"), url_name="residents:codes",
                        icon="qr-code", roles=STAFF_ROLES, order=41),
        )
        home.register(order=30)(residents_panel)
