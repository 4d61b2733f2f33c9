"""The security audit log (安全审计, issue 17): one append-only table.

Append-only twice over: the model refuses updates and deletes, and a PostgreSQL trigger (migration
0001) refuses UPDATE and DELETE from any client, except a DELETE by the retention job
(`audit.services.security_events_purge`), which sets ``SET LOCAL audit.purge = 'on'`` and may remove only
rows older than the retention — never younger than the 180-day floor the trigger itself holds.

`user` has no database constraint and is never cleared (ON DELETE would be an UPDATE, which the trigger
refuses); `username` keeps the name after the account is deleted."""

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .choices import EventKind, EventResult


class AppendOnlyError(Exception):
    """Raised on any attempt to change or delete a security event through the application."""


class SecurityEventQuerySet(models.QuerySet):
    def update(self, **kwargs):
        raise AppendOnlyError("security events are append-only")

    def delete(self):
        raise AppendOnlyError("security events are append-only; use purge_security_events")


class SecurityEvent(models.Model):
    at = models.DateTimeField(_("时间"), default=timezone.now, db_index=True)
    user = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("用户"), null=True, blank=True,
                             on_delete=models.DO_NOTHING, db_constraint=False, related_name="+")
    username = models.CharField(_("用户名"), max_length=150, blank=True, db_index=True)
    ip = models.GenericIPAddressField(_("IP地址"), null=True, blank=True)
    kind = models.CharField(_("类型"), max_length=32, choices=EventKind.choices, db_index=True)
    content_type = models.ForeignKey(ContentType, verbose_name=_("对象类型"), null=True, blank=True,
                                     on_delete=models.DO_NOTHING, db_constraint=False, related_name="+")
    object_id = models.CharField(_("对象编号"), max_length=64, blank=True)
    object_repr = models.CharField(_("对象"), max_length=200, blank=True)
    result = models.CharField(_("结果"), max_length=16, choices=EventResult.choices, default=EventResult.SUCCESS)
    detail = models.JSONField(_("详情"), default=dict, blank=True)

    objects = SecurityEventQuerySet.as_manager()

    class Meta:
        verbose_name = _("安全审计记录")
        verbose_name_plural = _("安全审计记录")
        ordering = ["-at", "-pk"]
        indexes = [models.Index(fields=["kind", "at"])]

    def __str__(self):
        return f"{self.get_kind_display()} {self.username} {self.at:%Y-%m-%d %H:%M}"

    def save(self, *args, **kwargs):
        if not self._state.adding:
            raise AppendOnlyError("security events are append-only")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise AppendOnlyError("security events are append-only")

    @property
    def target(self) -> str:
        """What the event was about: the object, else the file or import kind of its detail."""
        detail = self.detail or {}
        return self.object_repr or detail.get("filename") or detail.get("what") or detail.get("field") or ""
