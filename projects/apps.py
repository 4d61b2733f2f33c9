from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ProjectsConfig(AppConfig):
    name = "projects"
    verbose_name = _("民生实事项目票决")

    def ready(self):
        from core import home, nav

        from .panels import projects_panel
        from .views import ISSUE_LIST_ROLES, PROJECT_ROLES, ROUND_ROLES

        nav.register(
            nav.NavItem(key="project_rounds", label=_("民生实事票决"), url_name="projects:list", icon="check2-square",
                        roles=ROUND_ROLES, order=17),
            nav.NavItem(key="projects", label=_("民生实事项目"), url_name="projects:project_list", icon="cone-striped",
                        roles=PROJECT_ROLES, order=18),
            nav.NavItem(key="project_issues", label=_("项目问题清单"), url_name="projects:issue_list",
                        icon="list-check", roles=frozenset(ISSUE_LIST_ROLES), order=19),
        )
        home.register(order=27)(projects_panel)
