"""The one door for every change of 双联 records: link a member with a deputy, end a link, record a
contact with the opinions heard, and turn an opinion into an opinion item (转为社情民意).

Each service checks the actor's right and the input and raises `LoopError` with a Chinese message
(`NotAllowed` for a right the actor lacks, answered 403) before anything is written. Links, contacts and
opinions keep history rows with the actor (django-simple-history).
"""

from __future__ import annotations

import datetime

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.choices import Role
from core.forms import EARLIEST_WORK_DATE
from core.loops import LoopError, NotAllowed

from .choices import Kind
from .models import Contact, Link, Opinion, is_member, may_manage

__all__ = ["LoopError", "NotAllowed", "contact_record", "link_create", "link_end", "opinion_convert",
           "opinion_lines"]

PLACE_MAX, HEARD_MAX, OPINION_MAX, OPINIONS_MAX, TITLE_MAX = 100, 5000, 1000, 20, 200
# The channel named in the item's creation event (petitions.workflow.item_create's `vouched_by`).
CHANNEL = "双联"


def _text(value, label, limit, *, required=True) -> str:
    value = (value or "").strip()
    if required and not value:
        raise LoopError(_("请填写%(label)s。") % {"label": label})
    if len(value) > limit:
        raise LoopError(_("%(label)s过长(最多 %(n)s 字)。") % {"label": label, "n": limit})
    return value


def _date(value, label) -> datetime.date:
    if not isinstance(value, datetime.date):
        raise LoopError(_("请填写%(label)s。") % {"label": label})
    if value > timezone.localdate():
        raise LoopError(_("%(label)s不能晚于今天。") % {"label": label})
    if value < EARLIEST_WORK_DATE:
        raise LoopError(_("请填写正确的%(label)s。") % {"label": label})
    return value


def _check_manager(actor) -> None:
    if actor is None or not may_manage(actor):
        raise NotAllowed(_("只有区人大工作人员可以维护双联关系。"))


def opinion_lines(text: str) -> list[str]:
    """The opinions typed one per line, blank lines dropped."""
    return [line.strip() for line in (text or "").splitlines() if line.strip()]


# ---------------------------------------------------------------------------------------------
# The register


def link_create(*, actor, member, deputy, term, since: datetime.date | None = None) -> Link:
    """Link a standing-committee member with a deputy holding an in-office mandate of `term`. A link of
    the same three that was ended becomes active again (its history keeps the earlier period)."""
    from deputies.choices import MandateStatus

    _check_manager(actor)
    if member is None or not member.is_active or not member.has_role(Role.COMMITTEE_MEMBER):
        raise LoopError(_("所选用户不是常委会组成人员。"))
    if deputy is None or term is None:
        raise LoopError(_("请选择联系代表和届次。"))
    if member.deputy_profile is not None and member.deputy_profile.pk == deputy.pk:
        raise LoopError(_("常委会组成人员不能与本人结对。"))
    if not deputy.mandates.filter(term=term, status=MandateStatus.IN_OFFICE).exists():
        raise LoopError(_("%(name)s在%(term)s没有在任的代表资格。") % {"name": deputy.name, "term": term})
    since = _date(since or timezone.localdate(), _("结对日期"))
    try:
        with transaction.atomic():
            link = Link.objects.select_for_update().filter(member=member, deputy=deputy, term=term).first()
            if link is not None and link.active:
                raise LoopError(_("%(member)s与%(name)s已结对。") % {"member": member, "name": deputy.name})
            if link is None:
                link = Link(member=member, deputy=deputy, term=term, created_by=actor)
            link.since, link.active, link.ended_on = since, True, None
            link._history_user = actor
            link.save()
    except IntegrityError:  # a colleague linked the same two at the same moment
        raise LoopError(_("%(member)s与%(name)s已结对。") % {"member": member, "name": deputy.name}) from None
    return link


def link_end(*, actor, link: Link, ended_on: datetime.date | None = None) -> Link:
    """End a link (结束联系): it stays on record with its contacts, and no new contact can be added."""
    _check_manager(actor)
    with transaction.atomic():
        locked = Link.objects.select_for_update().filter(pk=link.pk).first()
        if locked is None:
            raise LoopError(_("该双联关系不存在。"))
        if not locked.active:
            raise LoopError(_("该双联关系已结束。"))
        ended_on = _date(ended_on or timezone.localdate(), _("结束日期"))
        if ended_on < locked.since:
            raise LoopError(_("结束日期不能早于结对日期(%(d)s)。") % {"d": f"{locked.since:%Y-%m-%d}"})
        locked.active, locked.ended_on = False, ended_on
        locked._history_user = actor
        locked.save(update_fields=["active", "ended_on"])
    return locked


# ---------------------------------------------------------------------------------------------
# Contacts


def contact_record(*, actor, link: Link, kind: str, date: datetime.date, heard: str, place: str = "",
                   opinions=()) -> Contact:
    """Record a contact on an active link, with the opinions heard (one per entry; blank ones dropped).
    The member records their own; district staff may record on a member's behalf."""
    if actor is None or not actor.is_authenticated or actor.is_read_only:
        raise NotAllowed(_("领导账号只能查看,不能记录。"))
    if not Link.objects.recordable_by(actor).filter(pk=link.pk).exists():
        raise NotAllowed(_("只能记录本人联系代表的情况。"))
    if kind not in Kind.values:
        raise LoopError(_("请选择联系方式(走访、座谈、电话或微信)。"))
    date = _date(date, _("联系日期"))
    place = _text(place, _("地点"), PLACE_MAX, required=False)
    heard = _text(heard, _("听取的情况"), HEARD_MAX)
    texts = [t.strip() for t in opinions if (t or "").strip()]
    if len(texts) > OPINIONS_MAX:
        raise LoopError(_("一次最多记录 %(n)s 条意见。") % {"n": OPINIONS_MAX})
    for i, text in enumerate(texts, start=1):
        if len(text) > OPINION_MAX:
            raise LoopError(_("第 %(i)s 条意见过长(最多 %(n)s 字)。") % {"i": i, "n": OPINION_MAX})
    with transaction.atomic():
        locked = Link.objects.select_for_update().filter(pk=link.pk).first()
        if locked is None or not locked.active:
            raise LoopError(_("该双联关系已结束,不能再记录联系。"))
        contact = Contact(link=locked, kind=kind, date=date, place=place, heard=heard, created_by=actor)
        contact._history_user = actor
        contact.save()
        for text in texts:
            opinion = Opinion(contact=contact, text=text)
            opinion._history_user = actor
            opinion.save()
    return contact


# ---------------------------------------------------------------------------------------------
# One step to an opinion item


def _item_area(link: Link):
    """The town-level area (街道/镇) of the deputy's mandate of the link's term: where the item belongs."""
    from areas.models import Area
    from assessments.selectors import area_map, town_of

    mandate = link.deputy.mandates.filter(term_id=link.term_id).first()  # one per deputy and term
    if mandate is None:
        return None
    town = town_of(mandate.area_id, area_map())
    return Area.objects.filter(pk=town).first() if town else None


def may_convert(actor, link: Link) -> bool:
    """District staff for any link; the member for their own link while it is active."""
    if not actor.is_authenticated or actor.is_read_only:
        return False
    if may_manage(actor):
        return True
    return is_member(actor) and link.member_id == actor.pk and link.active


def opinion_convert(*, opinion: Opinion, actor, category: str = "", title: str = "") -> Opinion:
    """转为社情民意: a submitted opinion item on the deputy's behalf, made through petitions' own door
    (`item_create`, which records that the member entered it through 双联), linked from the opinion.
    Once per opinion: a second call is refused and changes nothing."""
    from petitions.choices import Category, Source
    from petitions.workflow import item_create

    if actor is None or not actor.is_authenticated or actor.is_read_only:
        raise NotAllowed(_("领导账号只能查看,不能办理。"))
    category = category if category in Category.values else Category.OTHER
    with transaction.atomic():
        locked = (Opinion.objects.select_for_update(of=("self",)).select_related("contact__link__deputy", "item")
                  .filter(pk=opinion.pk).first())
        if locked is None:
            raise LoopError(_("该意见不存在。"))
        link = locked.contact.link
        if not may_convert(actor, link):
            raise NotAllowed(_("您与该代表没有有效的双联关系,不能代为录入社情民意。"))
        if locked.item_id:
            raise LoopError(_("该意见已转为社情民意(编号 %(n)s),未重复录入。") % {"n": locked.item.number})
        title = _text(title, _("标题"), TITLE_MAX, required=False) or \
            _("双联:%(t)s") % {"t": locked.text[:40] + ("…" if len(locked.text) > 40 else "")}
        contact = locked.contact
        content = "\n".join([
            locked.text,
            _("(%(member)s于 %(date)s %(kind)s联系代表时听取)") % {
                "member": link.member, "date": f"{contact.date:%Y-%m-%d}", "kind": contact.get_kind_display()},
        ])
        item = item_create(actor=actor, deputy=link.deputy, submit=True, vouched_by=CHANNEL, data={
            "title": title[:TITLE_MAX], "content": content, "category": category, "area": _item_area(link),
            "source": Source.OTHER})
        locked.item, locked.converted_by, locked.converted_at = item, actor, timezone.now()
        locked._history_user = actor
        locked.save(update_fields=["item", "converted_by", "converted_at"])
    return locked
