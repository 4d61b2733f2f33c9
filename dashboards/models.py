"""Rollups (汇总表) of the dashboard figures, kept exact by PostgreSQL triggers (dashboards/rollup.py).

Each table holds counts of **collected** items (收集: submitted, not draft / withdrawn / merged) per
month of submission (local time) and one or two dimensions. The triggers add the difference every
statement on ``petitions_item``, ``petitions_assignment`` or ``deputy_groups_groupmembership`` makes,
inside that statement's transaction, so the rollups are never stale, whoever writes (the workflow,
the ledger import, demo or bench data, the admin, raw SQL). ``manage.py rebuild_rollups`` recounts
them from scratch. ``area_id`` 0 means "no area" (a real key, so that upserts can conflict on it).

Counts that depend on today (逾期) are not rolled up: they are counted live from the open items.
"""

from django.db import models
from django.utils.translation import gettext_lazy as _


class RollupItem(models.Model):
    """Collected items per (submission month, area, category): 收集/办结/已评价/满意."""

    month = models.DateField()
    area_id = models.BigIntegerField()
    category = models.CharField(max_length=20)
    collected = models.IntegerField(default=0)
    concluded = models.IntegerField(default=0)
    evaluated = models.IntegerField(default=0)
    satisfied = models.IntegerField(default=0)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["month", "area_id", "category"], name="rollup_item_key")]

    def __str__(self):
        return f"{self.month:%Y-%m} {self.area_id} {self.category}: {self.collected}"


class RollupGroup(models.Model):
    """Collected items per (submission month, area, deputy group of the submitting deputy); a deputy in
    two groups counts in both, as in the live group table."""

    month = models.DateField()
    area_id = models.BigIntegerField()
    group_id = models.BigIntegerField()
    collected = models.IntegerField(default=0)
    concluded = models.IntegerField(default=0)
    evaluated = models.IntegerField(default=0)
    satisfied = models.IntegerField(default=0)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["month", "area_id", "group_id"], name="rollup_group_key")]

    def __str__(self):
        return f"{self.month:%Y-%m} {self.area_id} {self.group_id}: {self.collected}"


class RollupUnit(models.Model):
    """Lead assignments (主办, not cancelled) of collected items per (submission month, area, unit).

    ``assigned``..``satisfied`` count current-round rows (with the item's state); ``ended`` / ``on_time``
    count rows of any round whose 办理 ended (按期办结率)."""

    month = models.DateField()
    area_id = models.BigIntegerField()
    unit_id = models.BigIntegerField()
    assigned = models.IntegerField(default=0)
    concluded = models.IntegerField(default=0)
    evaluated = models.IntegerField(default=0)
    satisfied = models.IntegerField(default=0)
    ended = models.IntegerField(default=0)
    on_time = models.IntegerField(default=0)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["month", "area_id", "unit_id"], name="rollup_unit_key")]

    def __str__(self):
        return f"{self.month:%Y-%m} {self.area_id} {self.unit_id}: {self.assigned}"


class RollupDeputyMonth(models.Model):
    """Collected items per (deputy, month the item counts for, ``Item.period``): the monthly quota (月度报送)."""

    deputy_id = models.BigIntegerField()
    period = models.DateField()
    items = models.IntegerField(default=0)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["deputy_id", "period"], name="rollup_deputy_month_key")]

    def __str__(self):
        return f"{self.deputy_id} {self.period:%Y-%m}: {self.items}"


class RollupPeriod(models.Model):
    """Per month (``Item.period``): how many deputies have at least one collected item counting for it."""

    period = models.DateField(unique=True)
    deputies = models.IntegerField(default=0)

    def __str__(self):
        return f"{self.period:%Y-%m}: {self.deputies}"


class RollupState(models.Model):
    """All items per state (drafts and withdrawn ones too): the item list's total without counting a
    million rows."""

    state = models.CharField(max_length=20, unique=True)
    items = models.IntegerField(default=0)

    def __str__(self):
        return f"{self.state}: {self.items}"


class RollupCheck(models.Model):
    """One run of ``check_rollups`` (汇总表校验): stored rollups vs a recount, installed trigger functions vs
    rollup.py. The newest row is what admins see on their home page (上次校验时间/结果)."""

    checked_at = models.DateTimeField(_("校验时间"), auto_now_add=True)
    ok = models.BooleanField(_("结果一致"))
    differences = models.JSONField(_("差异"), default=list)

    class Meta:
        ordering = ["-checked_at", "-pk"]
        verbose_name = _("汇总表校验")
        verbose_name_plural = _("汇总表校验")

    def __str__(self):
        return f"{self.checked_at:%Y-%m-%d %H:%M} {'ok' if self.ok else len(self.differences)}"
