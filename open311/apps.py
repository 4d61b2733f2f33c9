from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class Open311Config(AppConfig):
    name = "open311"
    verbose_name = _("Open311 接口")

    def ready(self):
        from django.db.models.signals import post_save

        from residents.models import Report

        from .services import request_token_for_new_report

        # Every resident report gets its public id when it is written, whichever door wrote it (the QR
        # pages, a partner): the residents app knows nothing of Open311.
        post_save.connect(request_token_for_new_report, sender=Report, dispatch_uid="open311_request_token")
