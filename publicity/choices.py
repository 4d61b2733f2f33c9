"""Choices of publicity records (信息宣传)."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Level(models.TextChoices):
    """The level of the medium that took a piece (媒体级别), highest first."""

    NATIONAL = "national", _("国家级")
    PROVINCIAL = "provincial", _("省级")
    CITY = "city", _("市级")
    DISTRICT = "district", _("区级")


# The two figures the annual report quotes: taken at provincial level or above, at city level or above.
PROVINCIAL_UP = (Level.NATIONAL, Level.PROVINCIAL)
CITY_UP = (Level.NATIONAL, Level.PROVINCIAL, Level.CITY)
