"""The append-only event row of a loop: the timeline a person reads and the source that durations and
overdue figures are computed from (STYLE.md, like Healthchecks' Flip rows)."""

from __future__ import annotations

import datetime

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from .errors import AppendOnly


class LoopEvent(models.Model):
    """One step of a loop (办理记录): who did what, when, from which state to which, with a comment and
    any data (units, due dates, ratings). ``actor`` null means the system (a scheduled job).

    Abstract: a loop's event model subclasses it and adds the foreign key to its subject (and any field
    of its own); it may redeclare a field to add choices. Rows are written once and never changed:
    ``save()`` of an existing row and ``delete()`` are refused (bulk inserts are fine)."""

    action = models.CharField(gettext_lazy("操作"), max_length=30)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=gettext_lazy("操作人"), null=True,
                              blank=True, on_delete=models.SET_NULL, related_name="+")
    from_state = models.CharField(gettext_lazy("原状态"), max_length=20, blank=True)
    to_state = models.CharField(gettext_lazy("新状态"), max_length=20, blank=True)
    comment = models.TextField(gettext_lazy("说明"), blank=True)
    data = models.JSONField(gettext_lazy("数据"), default=dict, blank=True)
    created_at = models.DateTimeField(gettext_lazy("时间"), default=timezone.now, db_index=True)

    class Meta:
        abstract = True
        ordering = ["created_at", "id"]

    def save(self, *args, **kwargs):
        if not self._state.adding:
            raise AppendOnly(_("办理记录只能追加,不能修改。"))
        return super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise AppendOnly(_("办理记录不能删除。"))


def record_event(model: type[LoopEvent], *, action: str, actor, from_state: str, to_state: str,
                 comment: str = "", data: dict | None = None, at: datetime.datetime | None = None,
                 **fields) -> LoopEvent:
    """Append one event row of `model`; `fields` are the model's own (its subject, an acting unit).
    An anonymous or absent actor is stored as the system (null)."""
    return model.objects.create(
        action=action, actor=actor if actor is not None and actor.is_authenticated else None,
        from_state=from_state, to_state=to_state, comment=comment, data=data or {},
        created_at=at or timezone.now(), **fields)
