"""双联: each standing-committee member (常委会组成人员) keeps in touch with a list of grass-roots deputies
(DOMAIN.md: 118 deputies covered, 500+ opinions heard a year). A `Link` pairs a member with a deputy for a
term, each `Contact` records one visit, meeting, call or WeChat exchange, and each `Opinion` heard can
become an opinion item (社情民意) on the deputy's behalf in one step."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Exists, OuterRef, Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from accounts.choices import Role
from areas.models import Area

from .choices import Kind

# Who keeps the register (结对名单): district staff and admin. Area staff and leaders read it.
MANAGE_ROLES = (Role.ADMIN, Role.DISTRICT_STAFF)
REGISTER_ROLES = (*MANAGE_ROLES, Role.AREA_STAFF, Role.LEADER)
FIGURE_ROLES = REGISTER_ROLES
# Who records contacts: the member for their own deputies, district staff on a member's behalf.
RECORD_ROLES = (*MANAGE_ROLES, Role.COMMITTEE_MEMBER)
NAV_ROLES = (*REGISTER_ROLES, Role.COMMITTEE_MEMBER)
# Deputies read the contacts about themselves.
READ_ROLES = (*NAV_ROLES, Role.DEPUTY, Role.GROUP_LEADER)


def may_manage(user) -> bool:
    return user.is_authenticated and not user.is_read_only and user.has_role(*MANAGE_ROLES)


def is_member(user) -> bool:
    return user.is_authenticated and user.has_role(Role.COMMITTEE_MEMBER)


def _scope(user, prefix: str) -> Q | None:
    """Who sees which 双联 rows, written once for links (prefix "") and the rows below them ("link__",
    "contact__link__"). None: everything (district staff, admin, leaders). A member sees their own
    links; area staff the links of deputies whose mandate of the link's term is in their area; a
    deputy the links about themselves; anyone else (handling units) nothing."""
    if not user.is_authenticated:
        return Q(pk__in=[])
    if user.is_district_wide:
        return None
    q = Q(pk__in=[])
    if user.has_role(Role.COMMITTEE_MEMBER):
        q |= Q(**{f"{prefix}member": user})
    if user.has_role(Role.AREA_STAFF) and user.area_id:
        from deputies.models import Mandate

        q |= Q(Exists(Mandate.objects.filter(deputy=OuterRef(f"{prefix}deputy_id"), term=OuterRef(f"{prefix}term_id"),
                                             area__in=Area.objects.subtree(user.area))))
    if user.deputy_profile is not None:
        q |= Q(**{f"{prefix}deputy": user.deputy_profile})
    return q


class _Scoped(models.QuerySet):
    prefix = ""

    def visible_to(self, user):
        q = _scope(user, self.prefix)
        return self.all() if q is None else self.filter(q)


class LinkQuerySet(_Scoped):
    def recordable_by(self, user):
        """The links the user may record contacts for: a member their own, district staff any."""
        if not user.is_authenticated or user.is_read_only:
            return self.none()
        if user.has_role(*MANAGE_ROLES):
            return self.all()
        if user.has_role(Role.COMMITTEE_MEMBER):
            return self.filter(member=user)
        return self.none()


class Link(models.Model):
    """A 双联 pairing (双联关系): a standing-committee member and a deputy they keep in touch with during a
    term, since a date. A deputy may be linked to several members. Ending a link keeps it (inactive,
    with its end date) so that its contacts stay counted."""

    member = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("常委会组成人员"), on_delete=models.PROTECT,
                               related_name="liaison_links")
    deputy = models.ForeignKey("deputies.Deputy", verbose_name=_("联系代表"), on_delete=models.PROTECT,
                               related_name="liaison_links")
    term = models.ForeignKey("deputies.CongressTerm", verbose_name=_("届次"), on_delete=models.PROTECT,
                             related_name="+")
    since = models.DateField(_("结对日期"))
    active = models.BooleanField(_("有效"), default=True)
    ended_on = models.DateField(_("结束日期"), null=True, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("登记人"), null=True,
                                   on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(_("登记时间"), auto_now_add=True)

    history = HistoricalRecords()
    objects = LinkQuerySet.as_manager()

    class Meta:
        verbose_name = _("双联关系")
        verbose_name_plural = _("双联关系")
        ordering = ["id"]
        constraints = [models.UniqueConstraint(fields=["member", "deputy", "term"], name="liaison_link_unique")]
        indexes = [models.Index(fields=["term", "active"], name="liaison_link_term_active")]

    def __str__(self):
        return f"{self.member} — {self.deputy}"


class ContactQuerySet(_Scoped):
    prefix = "link__"


class Contact(models.Model):
    """One contact (联系记录) of a member with a linked deputy: how (走访, 座谈, 电话, 微信), when, where,
    and what was heard. Recorded by the member, or by district staff on the member's behalf."""

    link = models.ForeignKey(Link, verbose_name=_("双联关系"), on_delete=models.PROTECT, related_name="contacts")
    kind = models.CharField(_("联系方式"), max_length=20, choices=Kind.choices)
    date = models.DateField(_("联系日期"))
    place = models.CharField(_("地点"), max_length=100, blank=True)
    heard = models.TextField(_("听取的情况"))
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("记录人"), null=True,
                                   on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(_("记录时间"), auto_now_add=True)

    history = HistoricalRecords()
    objects = ContactQuerySet.as_manager()

    class Meta:
        verbose_name = _("联系记录")
        verbose_name_plural = _("联系记录")
        ordering = ["-date", "-id"]
        indexes = [models.Index(fields=["date"], name="liaison_contact_date")]

    def __str__(self):
        return f"{self.link} · {self.get_kind_display()} · {self.date:%Y-%m-%d}"

    def get_absolute_url(self):
        return reverse("liaison:contact", args=[self.pk])


class OpinionQuerySet(_Scoped):
    prefix = "contact__link__"


class Opinion(models.Model):
    """An opinion heard in a contact (听取的意见). `item` is the opinion item (社情民意) it became, made
    once on the deputy's behalf through petitions' own door (liaison.services.opinion_convert)."""

    contact = models.ForeignKey(Contact, verbose_name=_("联系记录"), on_delete=models.CASCADE,
                                related_name="opinions")
    text = models.TextField(_("意见内容"))
    item = models.OneToOneField("petitions.Item", verbose_name=_("转成的社情民意"), null=True, blank=True,
                                on_delete=models.SET_NULL, related_name="liaison_opinion")
    converted_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("转办人"), null=True, blank=True,
                                     on_delete=models.SET_NULL, related_name="+")
    converted_at = models.DateTimeField(_("转办时间"), null=True, blank=True)

    history = HistoricalRecords()
    objects = OpinionQuerySet.as_manager()

    class Meta:
        verbose_name = _("意见")
        verbose_name_plural = _("意见")
        ordering = ["contact_id", "id"]

    def __str__(self):
        return self.text[:40]
