from django.conf import settings
from django.contrib.postgres.fields import ArrayField
from django.db import models
from django.db.models import Exists, OuterRef, Q
from django.utils.translation import gettext_lazy as _

from accounts.choices import Role

from .choices import Channel, DeliveryStatus


class NotificationQuerySet(models.QuerySet):
    def visible_to(self, user):
        """A person sees their own notifications (and their unit's); admins and district staff see
        all, to spot the undeliverable ones."""
        if not user.is_authenticated:
            return self.none()
        if user.has_role(Role.ADMIN, Role.DISTRICT_STAFF):
            return self.all()
        return self.for_user(user)

    def for_user(self, user):
        """The inbox of one account: addressed to it, or to its handling unit (承办单位)."""
        if not user.is_authenticated:
            return self.none()
        q = Q(recipient=user)
        if user.unit_id and user.has_role(Role.UNIT):
            q |= Q(recipient_unit_id=user.unit_id)
        return self.filter(q)

    def unread(self):
        return self.filter(read_at__isnull=True)

    def undeliverable(self):
        """Nothing went out on any channel, and nothing is still trying: staff must act."""
        deliveries = Delivery.objects.filter(notification=OuterRef("pk"))
        return self.filter(
            ~Exists(deliveries.filter(status__in=[DeliveryStatus.SENT, DeliveryStatus.PENDING,
                                                  DeliveryStatus.SENDING])),
            Exists(deliveries.filter(status__in=[DeliveryStatus.FAILED, DeliveryStatus.UNDELIVERABLE])),
        )


class Notification(models.Model):
    """One message to one person: a row first (an outbox), then delivered on its channels.

    `key` is unique per (kind, recipient, subject): writing the same notification twice — a job run
    twice, a retried task, a double click — creates nothing new (`notify` uses ON CONFLICT DO NOTHING).
    A recipient is an account, a deputy without one (reached by SMS at the number on file), or a
    handling unit (承办单位: its users read it in the app, its contact gets the SMS).
    """

    key = models.CharField(_("去重键"), max_length=200, unique=True)
    kind = models.CharField(_("类型"), max_length=50, db_index=True)
    recipient = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("接收人"), null=True, blank=True,
                                  on_delete=models.CASCADE, related_name="notifications")
    recipient_deputy = models.ForeignKey("deputies.Deputy", verbose_name=_("接收代表(无账号)"), null=True,
                                         blank=True, on_delete=models.CASCADE, related_name="notifications")
    recipient_unit = models.ForeignKey("units.HandlingUnit", verbose_name=_("接收单位"), null=True, blank=True,
                                       on_delete=models.CASCADE, related_name="notifications")
    title = models.CharField(_("标题"), max_length=200)
    body = models.TextField(_("内容"), blank=True)
    url = models.CharField(_("链接"), max_length=300, blank=True)
    # What it is about and what it asks the recipient to do: a notification whose recipient has acted
    # on its subject, or whose task someone else has done, needs nothing more and is marked read
    # (`notification_mark_done`). The subject's owner names both, e.g. "item:12" and "review".
    subject = models.CharField(_("所涉对象"), max_length=60, blank=True)
    task = models.CharField(_("待办"), max_length=60, blank=True,
                            help_text=_("通知要求接收人办理的事项;办理完毕(或已由他人办理)后自动标为已读。"))
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True, db_index=True)
    read_at = models.DateTimeField(_("已读时间"), null=True, blank=True)

    objects = NotificationQuerySet.as_manager()

    class Meta:
        verbose_name = _("通知")
        verbose_name_plural = _("通知")
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["recipient", "read_at"], name="notif_recipient_unread"),
            models.Index(fields=["recipient_unit", "read_at"], name="notif_unit_unread"),
            # Marking done looks up the unread rows of one subject, on every workflow action.
            models.Index(fields=["subject"], name="notif_subject_unread", condition=Q(read_at__isnull=True)),
        ]

    def __str__(self):
        return self.title

    @property
    def recipient_label(self) -> str:
        if self.recipient_id:
            return str(self.recipient)
        if self.recipient_deputy_id:
            return _("%(deputy)s(代表,无账号)") % {"deputy": self.recipient_deputy}
        if self.recipient_unit_id:
            return str(self.recipient_unit)
        return "—"


class Delivery(models.Model):
    """One channel's attempt to deliver one notification (投递记录).

    Created with the notification; `deliver_pending` claims a row with a conditional UPDATE
    (pending and due → sending, with a lease in `claimed_until`), calls the channel's sender and
    marks it sent. A worker killed mid-send leaves the row in `sending`; once the lease runs out
    the sweep claims it again. A sent row is never claimed again.
    """

    notification = models.ForeignKey(Notification, verbose_name=_("通知"), on_delete=models.CASCADE,
                                     related_name="deliveries")
    channel = models.CharField(_("渠道"), max_length=20, choices=Channel.choices)
    address = models.CharField(_("地址"), max_length=200, blank=True,
                               help_text=_("手机号码、邮箱等,创建时确定。"))
    status = models.CharField(_("状态"), max_length=20, choices=DeliveryStatus.choices,
                              default=DeliveryStatus.PENDING)
    attempts = models.PositiveSmallIntegerField(_("尝试次数"), default=0)
    next_attempt_at = models.DateTimeField(_("下次尝试"), null=True, blank=True)
    claimed_until = models.DateTimeField(_("占用至"), null=True, blank=True)
    sent_at = models.DateTimeField(_("送达时间"), null=True, blank=True)
    last_error = models.TextField(_("最近错误"), blank=True)
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("投递记录")
        verbose_name_plural = _("投递记录")
        ordering = ["notification", "channel"]
        constraints = [
            models.UniqueConstraint(fields=["notification", "channel"], name="delivery_unique_channel"),
        ]
        indexes = [
            # The sweep's claim: due pending rows and expired leases.
            models.Index(fields=["next_attempt_at"], name="delivery_pending_due",
                         condition=Q(status="pending")),
            models.Index(fields=["claimed_until"], name="delivery_sending_lease",
                         condition=Q(status="sending")),
        ]

    def __str__(self):
        return f"{self.notification_id}/{self.channel}: {self.status}"


class NotificationPreference(models.Model):
    """The channels a person chose in their settings (通知方式). In-app is always on; a person
    without a row gets `settings.NOTIFY_DEFAULT_CHANNELS`."""

    user = models.OneToOneField(settings.AUTH_USER_MODEL, verbose_name=_("用户"), on_delete=models.CASCADE,
                                related_name="notification_preference")
    channels = ArrayField(models.CharField(max_length=20, choices=Channel.choices), verbose_name=_("接收渠道"),
                          default=list, blank=True)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)

    class Meta:
        verbose_name = _("通知偏好")
        verbose_name_plural = _("通知偏好")

    def __str__(self):
        return f"{self.user}: {', '.join(self.channels)}"


class Escalation(models.Model):
    """An overdue item that has been escalated to the leaders (逾期升级), at most once per item and
    stage due date. The unique row is what makes the escalation happen once."""

    key = models.CharField(_("去重键"), max_length=100, unique=True)
    item_id = models.BigIntegerField(_("事项ID"), db_index=True)
    escalated_on = models.DateField(_("升级日期"))

    class Meta:
        verbose_name = _("逾期升级记录")
        verbose_name_plural = _("逾期升级记录")

    def __str__(self):
        return self.key


class ScheduledRun(models.Model):
    """One row per run of a scheduled job and period (the crontab fire time it serves): the claim that
    makes a job run once per period, and the record that lets a job missed while the broker was down be
    caught up when it returns (notifications/periodic.py). A `skipped` row is the baseline written the
    first time a job is seen, so a new installation does not run every job for a period long past."""

    task = models.CharField(_("任务"), max_length=200)
    period = models.DateTimeField(_("计划运行时间"))
    started_at = models.DateTimeField(_("开始时间"))
    finished_at = models.DateTimeField(_("结束时间"), null=True, blank=True)
    caught_up = models.BooleanField(_("补运行"), default=False)
    skipped = models.BooleanField(_("起点记录(未运行)"), default=False)
    result = models.CharField(_("结果"), max_length=500, blank=True)

    class Meta:
        verbose_name = _("定时任务运行记录")
        verbose_name_plural = _("定时任务运行记录")
        constraints = [models.UniqueConstraint(fields=["task", "period"], name="scheduled_run_once_per_period")]
        indexes = [models.Index(fields=["task", "-period"], name="scheduled_run_latest")]

    def __str__(self):
        return f"{self.task} @ {self.period:%Y-%m-%d %H:%M}"
