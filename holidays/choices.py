from django.db import models
from django.utils.translation import gettext_lazy as _


class EntryKind(models.TextChoices):
    """What a calendar entry says about its days: off (节假日) or worked although a weekend (调休上班)."""

    HOLIDAY = "holiday", _("节假日")
    WORKDAY = "workday", _("调休上班")
