from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from .choices import EntryKind


class CalendarEntry(models.Model):
    """One line of a year's holiday schedule (节假日安排) as the State Council publishes it: a holiday
    range (节假日, e.g. 春节 2月5日至11日) or adjusted working days (调休上班, weekends that are worked).

    A year with at least one entry overrides the `chinesecalendar` package for that year entirely
    (core.workdays). `year` is the schedule's year; 元旦 of a year may start in the December before.
    Only `holidays.services` writes these rows; every change is kept in the history (修改记录)."""

    year = models.PositiveSmallIntegerField(_("年份"), db_index=True)
    kind = models.CharField(_("类型"), max_length=10, choices=EntryKind.choices)
    name = models.CharField(_("名称"), max_length=30)
    start = models.DateField(_("开始日期"))
    end = models.DateField(_("结束日期"))
    updated_at = models.DateTimeField(_("修改时间"), default=timezone.now)
    updated_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("修改人"), null=True, blank=True,
                                   on_delete=models.SET_NULL, related_name="+")
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("节假日安排")
        verbose_name_plural = _("节假日安排")
        ordering = ["start", "kind"]
        constraints = [models.CheckConstraint(condition=models.Q(end__gte=models.F("start")),
                                              name="calendar_entry_end_not_before_start")]

    def __str__(self):
        return f"{self.year} {self.get_kind_display()} {self.name} {self.start:%Y-%m-%d}–{self.end:%Y-%m-%d}"

    @property
    def days(self) -> int:
        return (self.end - self.start).days + 1
