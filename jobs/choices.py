from django.db import models
from django.utils.translation import gettext_lazy as _


class JobKind(models.TextChoices):
    ITEMS_EXPORT = "items_export", _("导出社情民意")
    ROSTER_EXPORT = "roster_export", _("导出代表名册")
    LEDGER_IMPORT = "ledger_import", _("导入台账")
    LEDGER_DRY_RUN = "ledger_dry_run", _("台账试运行")


class JobState(models.TextChoices):
    PENDING = "pending", _("排队中")
    RUNNING = "running", _("进行中")
    DONE = "done", _("已完成")
    FAILED = "failed", _("失败")
    EXPIRED = "expired", _("已过期")


FINISHED = frozenset({JobState.DONE, JobState.FAILED, JobState.EXPIRED})
