"""Choices of 双联 (standing-committee members keeping in touch with grass-roots deputies)."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Kind(models.TextChoices):
    """How a member kept in touch with a deputy (联系方式)."""

    VISIT = "visit", _("走访")
    MEETING = "meeting", _("座谈")
    PHONE = "phone", _("电话")
    WECHAT = "wechat", _("微信")
