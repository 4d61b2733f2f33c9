from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class NotificationQuerySet(models.QuerySet):
    def visible_to(self, user):
        """A person sees their own notifications; staff see all (to spot undeliverable ones)."""
        if not user.is_authenticated:
            return self.none()
        if user.is_staff_role:
            return self.all()
        return self.filter(recipient=user)

    def for_user(self, user):
        return self.filter(recipient=user) if user.is_authenticated else self.none()

    def unread(self):
        return self.filter(read_at__isnull=True)


class Notification(models.Model):
    """One message to one person: a row first (an outbox), then delivered on its channels.

    `key` is unique per (kind, recipient, subject): writing the same notification twice — a job run
    twice, a retried task, a double click — creates nothing new (`notify` uses ON CONFLICT DO NOTHING).
    A recipient is an account, or a deputy without one (reached by SMS at the number on file).
    """

    key = models.CharField(_("去重键"), max_length=200, unique=True)
    kind = models.CharField(_("类型"), max_length=50, db_index=True)
    recipient = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("接收人"), null=True, blank=True,
                                  on_delete=models.CASCADE, related_name="notifications")
    recipient_deputy = models.ForeignKey("deputies.Deputy", verbose_name=_("接收代表(无账号)"), null=True,
                                         blank=True, on_delete=models.CASCADE, related_name="notifications")
    title = models.CharField(_("标题"), max_length=200)
    body = models.TextField(_("内容"), blank=True)
    url = models.CharField(_("链接"), max_length=300, blank=True)
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True, db_index=True)
    read_at = models.DateTimeField(_("已读时间"), null=True, blank=True)

    objects = NotificationQuerySet.as_manager()

    class Meta:
        verbose_name = _("通知")
        verbose_name_plural = _("通知")
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["recipient", "read_at"], name="notif_recipient_unread")]

    def __str__(self):
        return self.title
