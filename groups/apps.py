from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class GroupsConfig(AppConfig):
    name = "groups"
    label = "deputy_groups"
    verbose_name = _("代表小组")
