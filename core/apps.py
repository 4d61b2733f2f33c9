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
            _axes_names_in_chinese()


def _axes_names_in_chinese() -> None:
    """The admin's titles and breadcrumbs show str(obj), which django-axes writes in English
    ("Attempted Access: …"); replacing __str__ changes no field, table or migration."""
    from axes.models import AccessAttempt, AccessFailureLog, AccessLog
    from django.utils import timezone
    from django.utils.translation import gettext

    def when(obj):
        return timezone.localtime(obj.attempt_time).strftime("%Y-%m-%d %H:%M") if obj.attempt_time else ""

    AccessAttempt.__str__ = lambda self: gettext("%(user)s 的登录尝试(%(time)s)") % {
        "user": self.username or "-", "time": when(self)}
    AccessFailureLog.__str__ = lambda self: gettext("%(user)s 登录失败(%(time)s,%(ip)s)") % {
        "user": self.username or "-", "time": when(self), "ip": self.ip_address or "-"}
    AccessLog.__str__ = lambda self: gettext("%(user)s 的登录记录(%(time)s)") % {
        "user": self.username or "-", "time": when(self)}
