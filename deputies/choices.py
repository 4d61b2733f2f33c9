from django.db import models
from django.utils.translation import gettext_lazy as _


class Level(models.TextChoices):
    """Congress level (层级). Streets have no congress of their own."""

    CITY = "city", _("市")
    DISTRICT = "district", _("区")
    TOWN = "town", _("镇")


class Gender(models.TextChoices):
    MALE = "M", _("男")
    FEMALE = "F", _("女")


class Party(models.TextChoices):
    CPC = "cpc", _("中共党员")
    DEMOCRATIC = "democratic", _("民主党派")
    MASSES = "masses", _("群众")


class MandateStatus(models.TextChoices):
    IN_OFFICE = "in_office", _("在任")
    RESIGNED = "resigned", _("辞职")
    RECALLED = "recalled", _("罢免")
    TERMINATED = "terminated", _("终止")


class Occupation(models.TextChoices):
    WORKER = "worker", _("工人")
    FARMER = "farmer", _("农民")
    PROFESSIONAL = "professional", _("专业技术人员")
    CIVIL_SERVANT = "civil_servant", _("公务员")
    CADRE = "cadre", _("党政领导干部")
    ENTERPRISE = "enterprise", _("企业负责人")
    MILITARY = "military", _("解放军")
    OTHER = "other", _("其他")


class Education(models.TextChoices):
    POSTGRADUATE = "postgraduate", _("研究生")
    BACHELOR = "bachelor", _("大学本科")
    COLLEGE = "college", _("大学专科")
    SECONDARY = "secondary", _("中专/高中")
    BELOW = "below", _("初中及以下")


class HomeKind(models.TextChoices):
    HOME = "home", _("代表之家")
    STATION = "station", _("代表联络站")


class SixHaves(models.TextChoices):
    """The "six haves" (六有) checklist of a deputy home."""

    PLACE = "place", _("有场所")
    SIGN = "sign", _("有牌子")
    RULES = "rules", _("有制度")
    STAFF = "staff", _("有人员")
    ACTIVITIES = "activities", _("有活动")
    RECORDS = "records", _("有档案")
