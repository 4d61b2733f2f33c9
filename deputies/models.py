from django.conf import settings
from django.contrib.postgres.fields import ArrayField
from django.db import models
from django.db.models import Exists, OuterRef, Q
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from accounts.choices import Role
from areas.models import Area
from core.text import cn_number

from .choices import Education, Gender, HomeKind, Level, MandateStatus, Occupation, Party, SixHaves


class CongressTerm(models.Model):
    """A numbered term (届) of a congress at one level, e.g. 区十二届, 市十七届, 镇八届."""

    level = models.CharField(_("层级"), max_length=10, choices=Level.choices)
    number = models.PositiveSmallIntegerField(_("届次"))
    start_year = models.PositiveSmallIntegerField(_("起始年份"), null=True, blank=True)
    end_year = models.PositiveSmallIntegerField(_("结束年份"), null=True, blank=True)
    is_current = models.BooleanField(_("本届"), default=True)

    class Meta:
        verbose_name = _("届次")
        verbose_name_plural = _("届次")
        ordering = ["level", "-number"]
        constraints = [models.UniqueConstraint(fields=["level", "number"], name="term_unique_level_number")]

    def __str__(self):
        return _("%(level)s%(number)s届") % {"level": self.get_level_display(), "number": cn_number(self.number)}


class CongressSession(models.Model):
    """A numbered session (次会议) of a term, e.g. 区人大十二届一次会议."""

    term = models.ForeignKey(CongressTerm, verbose_name=_("届次"), on_delete=models.PROTECT,
                             related_name="sessions")
    number = models.PositiveSmallIntegerField(_("会次"))
    date = models.DateField(_("召开日期"), null=True, blank=True)

    class Meta:
        verbose_name = _("会议")
        verbose_name_plural = _("会议")
        ordering = ["term", "number"]
        constraints = [models.UniqueConstraint(fields=["term", "number"], name="session_unique_term_number")]

    def __str__(self):
        return _("%(level)s人大%(term)s届%(number)s次会议") % {
            "level": self.term.get_level_display(), "term": cn_number(self.term.number), "number": cn_number(self.number)}


class DeputyQuerySet(models.QuerySet):
    def visible_to(self, user):
        """Who may read which deputy: the one place this is decided."""
        if not user.is_authenticated:
            return self.none()
        if user.is_district_wide:
            return self.all()
        q = Q(pk__in=[])
        if user.has_role(Role.AREA_STAFF) and user.area_id:
            q |= Q(Exists(Mandate.objects.filter(
                deputy=OuterRef("pk"), area__in=Area.objects.subtree(user.area))))
        deputy = user.deputy_profile
        if deputy is not None:
            q |= Q(pk=deputy.pk)
            if user.has_role(Role.GROUP_LEADER):
                from groups.models import GroupMembership

                led = GroupMembership.objects.filter(deputy=deputy, role__in=GroupMembership.LEADING_ROLES)
                q |= Q(Exists(GroupMembership.objects.filter(
                    deputy=OuterRef("pk"), group_id__in=led.values("group_id"))))
        return self.filter(q)

    def editable_by(self, user):
        """Who may change which deputy: district staff everyone, area staff their area's."""
        if not user.is_authenticated or not user.is_staff_role:
            return self.none()
        if user.has_role(Role.ADMIN, Role.DISTRICT_STAFF):
            return self.all()
        if user.area_id:
            return self.filter(Exists(Mandate.objects.filter(
                deputy=OuterRef("pk"), area__in=Area.objects.subtree(user.area))))
        return self.none()

    def in_office(self):
        return self.filter(Exists(Mandate.objects.filter(deputy=OuterRef("pk"), status=MandateStatus.IN_OFFICE)))


class Deputy(models.Model):
    """A person who holds one or more deputy mandates (代表). One person appears once in the
    roster even when they are a 市 and a 区 deputy at the same time."""

    name = models.CharField(_("姓名"), max_length=30, db_index=True)
    name_pinyin = models.CharField(_("姓名拼音"), max_length=120, blank=True)  # indexed with id, see Meta
    name_initials = models.CharField(_("拼音首字母"), max_length=30, blank=True)
    # Every pinyin spelling of the name, for "zw"/"zhw" → 张伟 (deputies/search.py).
    name_search = models.CharField(_("拼音检索"), max_length=255, blank=True, editable=False)
    gender = models.CharField(_("性别"), max_length=1, choices=Gender.choices, blank=True)
    ethnicity = models.CharField(_("民族"), max_length=20, blank=True, default="汉族")
    birth_date = models.DateField(_("出生年月"), null=True, blank=True)
    party = models.CharField(_("政治面貌"), max_length=20, choices=Party.choices, blank=True)
    education = models.CharField(_("学历"), max_length=20, choices=Education.choices, blank=True)
    workplace = models.CharField(_("工作单位及职务"), max_length=200, blank=True)
    occupation = models.CharField(_("职业构成"), max_length=20, choices=Occupation.choices, blank=True)
    mobile = models.CharField(_("手机号码"), max_length=11, blank=True)
    id_number = models.CharField(_("身份证号"), max_length=18, blank=True)
    area = models.ForeignKey(Area, verbose_name=_("所属区划"), null=True, blank=True,
                             on_delete=models.PROTECT, related_name="resident_deputies")
    user = models.OneToOneField(settings.AUTH_USER_MODEL, verbose_name=_("登录账号"), null=True,
                                blank=True, on_delete=models.SET_NULL, related_name="deputy")
    note = models.TextField(_("备注"), blank=True)
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)

    # Every change to personal data is kept with who, when, old and new value.
    history = HistoricalRecords()
    objects = DeputyQuerySet.as_manager()

    class Meta:
        verbose_name = _("代表")
        verbose_name_plural = _("代表")
        ordering = ["name_pinyin", "id"]
        constraints = [
            models.UniqueConstraint(fields=["id_number"], condition=~Q(id_number=""),
                                    name="deputy_unique_id_number"),
        ]
        indexes = [
            # The roster's order: a page deep in 10,000 deputies is an index scan, not a sort.
            models.Index(fields=["name_pinyin", "id"], name="deputy_pinyin_order_idx"),
            # The 民族 filter lists the ethnicities present: an index-only scan instead of reading every row.
            models.Index(fields=["ethnicity"], name="deputy_ethnicity_idx"),
        ]

    def __str__(self):
        return self.name

    def save(self, *args, **kwargs):
        self.fill_name_fields()
        if kwargs.get("update_fields") is not None and "name" in kwargs["update_fields"]:
            kwargs["update_fields"] = set(kwargs["update_fields"]) | {"name_pinyin", "name_initials", "name_search"}
        super().save(*args, **kwargs)

    def fill_name_fields(self) -> None:
        """The pinyin columns derived from the name (bulk_create skips save(), so importers call this)."""
        from pypinyin import lazy_pinyin

        from core.pinyin import pinyin_initials

        from .search import name_search_text

        # One pypinyin call serves the full pinyin and the search spellings; a 10,000-row import
        # spends seconds in pypinyin.
        syllables = lazy_pinyin(self.name or "")
        self.name_pinyin = "".join(syllables).lower()
        self.name_initials = pinyin_initials(self.name)
        self.name_search = name_search_text(self.name, syllables=syllables)

    def mandates_in_office(self):
        return [m for m in self.mandates.all() if m.status == MandateStatus.IN_OFFICE]


class Mandate(models.Model):
    """One deputy mandate (代表资格) at one level and term."""

    deputy = models.ForeignKey(Deputy, verbose_name=_("代表"), on_delete=models.CASCADE,
                               related_name="mandates")
    term = models.ForeignKey(CongressTerm, verbose_name=_("届次"), on_delete=models.PROTECT,
                             related_name="mandates")
    constituency = models.CharField(_("选区"), max_length=80, blank=True)
    area = models.ForeignKey(Area, verbose_name=_("所属区划"), on_delete=models.PROTECT,
                             related_name="mandates")
    start_date = models.DateField(_("起始日期"), null=True, blank=True)
    end_date = models.DateField(_("终止日期"), null=True, blank=True)
    status = models.CharField(_("状态"), max_length=20, choices=MandateStatus.choices,
                              default=MandateStatus.IN_OFFICE, db_index=True)
    is_first_time = models.BooleanField(_("初任"), default=False)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("代表资格")
        verbose_name_plural = _("代表资格")
        ordering = ["term__level", "-term__number"]
        constraints = [models.UniqueConstraint(fields=["deputy", "term"], name="mandate_unique_deputy_term")]

    def __str__(self):
        return _("%(term)s代表 %(name)s") % {"term": self.term, "name": self.deputy.name}

    @property
    def level(self):
        return self.term.level


class DeputyHomeQuerySet(models.QuerySet):
    def visible_to(self, user):
        """Homes are public places: every signed-in user may read them."""
        return self.all() if user.is_authenticated else self.none()

    def editable_by(self, user):
        if not user.is_authenticated or not user.is_staff_role:
            return self.none()
        if user.has_role(Role.ADMIN, Role.DISTRICT_STAFF):
            return self.all()
        if user.area_id:
            return self.filter(area__in=Area.objects.subtree(user.area))
        return self.none()


class DeputyHome(models.Model):
    """A deputy home or liaison station (代表之家 / 代表联络站) where reception days happen."""

    name = models.CharField(_("名称"), max_length=80)
    kind = models.CharField(_("类型"), max_length=20, choices=HomeKind.choices, default=HomeKind.HOME)
    area = models.ForeignKey(Area, verbose_name=_("所属区划"), on_delete=models.PROTECT,
                             related_name="deputy_homes")
    address = models.CharField(_("地址"), max_length=200, blank=True)
    six_haves = ArrayField(models.CharField(max_length=20, choices=SixHaves.choices),
                           verbose_name=_("“六有”达标项"), default=list, blank=True)
    contact_name = models.CharField(_("联系人"), max_length=30, blank=True)
    contact_phone = models.CharField(_("联系电话"), max_length=20, blank=True)
    reception_days = models.CharField(_("接待选民日"), max_length=60, blank=True,
                                      help_text=_("如:每月5日、25日"))

    history = HistoricalRecords()
    objects = DeputyHomeQuerySet.as_manager()

    class Meta:
        verbose_name = _("代表之家/联络站")
        verbose_name_plural = _("代表之家/联络站")
        ordering = ["area__sort", "name"]

    def __str__(self):
        return self.name

    def six_haves_labels(self) -> list[tuple[str, bool]]:
        """The checklist in its fixed order: (label, met)."""
        return [(label, value in self.six_haves) for value, label in SixHaves.choices]
