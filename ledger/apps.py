from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class LedgerConfig(AppConfig):
    name = "ledger"
    verbose_name = _("台账导入")

    def ready(self):
        from core import nav

        from .services import IMPORT_ROLES

        nav.register(nav.NavItem(key="ledger", label=_("台账导入"), url_name="ledger:import",
                                 icon="file-earmark-arrow-up", roles=IMPORT_ROLES, order=90))
