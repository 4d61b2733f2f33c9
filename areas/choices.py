from django.db import models
from django.utils.translation import gettext_lazy as _


class AreaKind(models.TextChoices):
    DISTRICT = "district", _("区")
    TOWN = "town", _("镇")
    SUBDISTRICT = "subdistrict", _("街道")
    ZONE = "zone", _("开发区")
    COMMUNITY = "community", _("社区")
    VILLAGE = "village", _("村")


# Kinds whose staff are "area staff" (街道人大工委 / 镇人大主席团).
STAFFED_KINDS = (AreaKind.TOWN, AreaKind.SUBDISTRICT, AreaKind.ZONE)
