from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ApiConfig(AppConfig):
    name = "api"
    verbose_name = _("接口")

    def ready(self):
        from . import authentication  # noqa: F401  (registers the token scheme with the OpenAPI schema)
