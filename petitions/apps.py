from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PetitionsConfig(AppConfig):
    name = "petitions"
    verbose_name = _("社情民意")

    def ready(self):
        from core import home, nav

        from . import selectors

        # Work lists with their counts (DOMAIN.md roles): the badge is the work waiting.
        counted = {"evaluate", "research", "review", "requests", "overdue", "todo", "due_soon"}
        for order, box in enumerate(selectors.BOXES.values(), start=20):
            nav.register(nav.NavItem(
                key=f"items_{box.key}", label=box.label, url_name=f"petitions:{box.key if box.key != 'all' else 'list'}",
                icon=box.icon, roles=box.roles, order=order,
                count_query=selectors.box_query(box.key) if box.key in counted else None))

        try:
            from deputies.profile import register as profile_register
        except ImportError:  # the roster app may not offer profile sections
            profile_register = None
        if profile_register is not None:
            @profile_register(order=20)
            def items_section(request, deputy):
                from .panels import profile_section

                return profile_section(request, deputy)

        @home.register(order=20)
        def items_panel(request):
            from .panels import work_panel

            return work_panel(request)
