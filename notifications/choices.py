from django.db import models
from django.utils.translation import gettext_lazy as _


class Channel(models.TextChoices):
    IN_APP = "in_app", _("站内")
    EMAIL = "email", _("邮件")
    SMS = "sms", _("短信")
    WECOM = "wecom", _("企业微信")
    DINGTALK = "dingtalk", _("钉钉")


# Channels a person may switch on or off; in-app is always on for anyone with an account.
OPTIONAL_CHANNELS = (Channel.EMAIL, Channel.SMS, Channel.WECOM, Channel.DINGTALK)


class DeliveryStatus(models.TextChoices):
    PENDING = "pending", _("待发送")
    SENDING = "sending", _("发送中")
    SENT = "sent", _("已送达")
    FAILED = "failed", _("发送失败")
    UNDELIVERABLE = "undeliverable", _("无法送达")


class Kind(models.TextChoices):
    """What a notification is about. Other apps may use their own kind strings as well
    (the petitions workflow does); these are the scheduled ones this app writes."""

    MONTHLY_REMINDER = "monthly_reminder", _("月度报送提醒")
    GROUP_MISSING = "group_missing", _("小组未报送名单")
    UNIT_ALERT = "unit_alert", _("承办单位逾期预警")
    STAFF_OVERDUE = "staff_overdue", _("逾期事项汇总")
    ESCALATION = "escalation", _("逾期升级提醒")
    WEEKLY_DIGEST = "weekly_digest", _("每周简报")
    UNIT_WEEKLY_DIGEST = "unit_weekly_digest", _("单位每周简报")
