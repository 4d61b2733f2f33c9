from django.db import models
from django.utils.translation import gettext_lazy as _


class ActivityKind(models.TextChoices):
    """The kinds of deputy activity (履职活动) of DOMAIN.md."""

    RESEARCH = "research", _("调研视察")
    SUPERVISION = "supervision", _("工作督查")
    ORGAN_CONTACT = "organ_contact", _("联系国家机关")
    RECEPTION = "reception", _("接待选民日")
    TRAINING = "training", _("学习培训")
    GROUP = "group", _("代表小组活动")
    REPORT = "report", _("向选民述职")
    DOUBLE_CONTACT = "double_contact", _("双联走访")


class AttendanceStatus(models.TextChoices):
    """A deputy's answer to an invitation. Only 缺席 (absent without leave) is deducted; 已邀请 means
    attendance was not recorded yet and counts neither way."""

    INVITED = "invited", _("已邀请(未登记)")
    ATTENDED = "attended", _("出席")
    LEAVE = "leave", _("请假")
    ABSENT = "absent", _("缺席(未请假)")


# Reception days are held on these days of the month (每月5日、25日).
RECEPTION_DAYS_OF_MONTH = (5, 25)
