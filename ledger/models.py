from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class LedgerRow(models.Model):
    """One row of a historical ledger (历史台账) that became an item: its ledger number (编号) is unique, so
    importing the same file again changes nothing."""

    number = models.CharField(_("台账编号"), max_length=60, unique=True)
    item = models.OneToOneField("petitions.Item", verbose_name=_("事项"), on_delete=models.PROTECT,
                                related_name="ledger_row")
    source_file = models.CharField(_("来源文件"), max_length=200, blank=True)
    row = models.PositiveIntegerField(_("行号"))
    imported_at = models.DateTimeField(_("导入时间"), default=timezone.now)
    imported_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("导入人"), null=True, blank=True,
                                    on_delete=models.SET_NULL, related_name="+")

    class Meta:
        verbose_name = _("台账导入记录")
        verbose_name_plural = _("台账导入记录")
        ordering = ["-imported_at", "row"]

    def __str__(self):
        return self.number
