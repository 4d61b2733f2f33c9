from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CoreConfig(AppConfig):
    name = "core"
    verbose_name = _("基础")

    def ready(self):
        from django.conf import settings
        from django.contrib import admin

        admin.site.site_header = settings.SITE_NAME + _(" · 管理后台")
        admin.site.site_title = settings.SITE_NAME
        admin.site.index_title = _("系统管理")
        # django-axes names its admin section after its label ("Axes"); its models and fields are
        # translated by our catalogue (locale/zh_Hans), this title cannot be.
        from django.apps import apps

        if apps.is_installed("axes"):
            apps.get_app_config("axes").verbose_name = _("登录安全")
