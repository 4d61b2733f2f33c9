from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PublicityConfig(AppConfig):
    name = "publicity"
    verbose_name = _("信息宣传")

    def ready(self):
        from core import nav
        from points import sources
        from points.choices import Basis, RecordKind

        from .models import READ_ROLES
        from .selectors import adopted_by_deputy

        nav.register(nav.NavItem(key="publicity", label=_("信息宣传"), url_name="publicity:list", icon="megaphone",
                                 roles=frozenset(READ_ROLES), order=37))
        # Adopted pieces of a deputy count in the quarterly points (rule basis 信息宣传被采用).
        sources.register(Basis.PUBLICITY, RecordKind.PUBLICITY, adopted_by_deputy)
