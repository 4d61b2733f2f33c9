"""The one door for every change of publicity records (信息宣传): create, update, delete.

Each service checks the actor's right (district staff anywhere, area staff in their area; a leader
never writes) and the input, and raises `LoopError` with a Chinese message (`NotAllowed` for a right
the actor lacks, answered 403) before anything is written. Every write keeps a history row with the
actor (django-simple-history), so who recorded, changed or deleted a piece stays on record.
"""

from __future__ import annotations

import datetime

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.choices import Role
from areas.models import Area
from core.forms import EARLIEST_WORK_DATE
from core.loops import LoopError, NotAllowed

from .choices import Level
from .models import FILE_MIMES, HTTP_URL, Piece, may_record

__all__ = ["LoopError", "NotAllowed", "check_file", "piece_create", "piece_delete", "piece_update"]

TITLE_MAX, AUTHOR_MAX, MEDIUM_MAX, AWARD_MAX = 200, 100, 100, 200


def check_file(uploaded) -> str:
    """The content type of an attached copy, refused unless its content is a photo or a PDF within the
    size limit (the attachment check every upload of the project goes through)."""
    from petitions.files import validate_attachment

    try:
        validate_attachment(uploaded)
    except ValidationError as exc:
        raise LoopError(";".join(exc.messages)) from None
    mime = getattr(uploaded, "xs_content_type", "")
    if mime not in FILE_MIMES:
        raise LoopError(_("稿件文件“%(name)s”须为图片或 PDF。") % {"name": uploaded.name})
    return mime


def _text(value, label, limit, *, required=True) -> str:
    value = (value or "").strip()
    if required and not value:
        raise LoopError(_("请填写%(label)s。") % {"label": label})
    if len(value) > limit:
        raise LoopError(_("%(label)s过长(最多 %(n)s 字)。") % {"label": label, "n": limit})
    return value


def _deputy_town(deputy) -> int | None:
    """The town-level area (街道/镇) of the deputy's mandate in office."""
    from assessments.selectors import area_map, town_of
    from deputies.choices import MandateStatus

    mandate = deputy.mandates.filter(status=MandateStatus.IN_OFFICE).order_by("id").first()
    return town_of(mandate.area_id, area_map()) if mandate is not None and mandate.area_id else None


def _district(actor) -> bool:
    return actor.has_role(Role.ADMIN, Role.DISTRICT_STAFF)


def _area_of(actor, deputy, group) -> int | None:
    """The area a piece belongs to: the deputy's, else the group's, else the recording staff's. Area
    staff always keep what they record inside their own area."""
    from assessments.selectors import area_map, town_of

    area_id = None
    if deputy is not None:
        area_id = _deputy_town(deputy)
    elif group is not None and group.area_id:
        area_id = town_of(group.area_id, area_map())
    if not _district(actor):
        if area_id is None or not Area.objects.subtree(actor.area).filter(pk=area_id).exists():
            area_id = actor.area_id
    return area_id


def _check_recorder(actor) -> None:
    if actor is None or not may_record(actor) or (not _district(actor) and not actor.area_id):
        raise NotAllowed(_("只有区人大或街道/镇人大工作人员可以登记信息宣传。"))


def _clean(*, actor, piece: Piece | None, title, author, deputy, group, date, medium, level, adopted, award,
           link) -> dict:
    """The checked fields of a piece, or LoopError / NotAllowed naming what is wrong."""
    from deputies.models import Deputy
    from groups.models import DeputyGroup, GroupMembership

    if deputy is not None and (piece is None or deputy.pk != piece.deputy_id) \
            and not Deputy.objects.editable_by(actor).filter(pk=deputy.pk).exists():
        raise NotAllowed(_("只能登记本街道/镇代表的信息宣传。"))
    if group is not None and (piece is None or group.pk != piece.group_id) \
            and not DeputyGroup.objects.editable_by(actor).filter(pk=group.pk).exists():
        raise NotAllowed(_("只能登记本街道/镇代表小组的信息宣传。"))
    if group is None and deputy is not None:
        # The deputy's group when they belong to exactly one: the figures count the piece for it.
        groups = list(GroupMembership.objects.filter(deputy=deputy).values_list("group_id", flat=True)[:2])
        if len(groups) == 1:
            group = DeputyGroup.objects.get(pk=groups[0])
    title = _text(title, _("标题"), TITLE_MAX)
    author = _text(author, _("作者"), AUTHOR_MAX, required=False) or (deputy.name if deputy is not None else "") \
        or (group.name if group is not None else "")
    if not author:
        raise LoopError(_("请填写作者,或选择代表或代表小组。"))
    if not isinstance(date, datetime.date):
        raise LoopError(_("请填写刊发日期。"))
    if date > timezone.localdate():
        raise LoopError(_("刊发日期不能晚于今天。"))
    if date < EARLIEST_WORK_DATE:
        raise LoopError(_("请填写正确的刊发日期。"))
    medium = _text(medium, _("媒体名称"), MEDIUM_MAX)
    if level not in Level.values:
        raise LoopError(_("请选择媒体级别(国家级、省级、市级或区级)。"))
    award = _text(award, _("获奖情况"), AWARD_MAX, required=False)
    link = (link or "").strip()
    if link:
        try:
            HTTP_URL(link)
        except ValidationError:
            raise LoopError(_("链接须为以 http:// 或 https:// 开头的网址。")) from None
        if len(link) > 500:
            raise LoopError(_("链接过长(最多 500 个字符)。"))
    return {"title": title, "author": author, "deputy": deputy, "group": group, "date": date, "medium": medium,
            "level": level, "adopted": bool(adopted), "award": award, "link": link,
            "area_id": _area_of(actor, deputy, group)}


def piece_create(*, actor, title: str, date: datetime.date, medium: str, level: str, author: str = "",
                 deputy=None, group=None, adopted: bool = False, award: str = "", link: str = "",
                 file=None) -> Piece:
    """Record a piece. Without an author the deputy's name (or the group's) is used; a deputy in exactly
    one group brings that group. The area is the deputy's, else the group's, else the recorder's."""
    _check_recorder(actor)
    fields = _clean(actor=actor, piece=None, title=title, author=author, deputy=deputy, group=group, date=date,
                    medium=medium, level=level, adopted=adopted, award=award, link=link)
    file_type = check_file(file) if file else ""
    with transaction.atomic():
        piece = Piece(**fields, created_by=actor)
        if file:
            piece.file, piece.file_name, piece.file_type = file, file.name[:200], file_type
        piece._history_user = actor
        piece.save()
    return piece


def _locked(piece: Piece, actor) -> Piece:
    _check_recorder(actor)
    locked = Piece.objects.select_for_update().filter(pk=piece.pk).first()
    if locked is None:
        raise LoopError(_("该信息宣传记录已被删除。"))
    if not Piece.objects.editable_by(actor).filter(pk=locked.pk).exists():
        raise NotAllowed(_("您无权修改该信息宣传记录。"))
    return locked


def piece_update(*, piece: Piece, actor, title: str, date: datetime.date, medium: str, level: str,
                 author: str = "", deputy=None, group=None, adopted: bool = False, award: str = "",
                 link: str = "", file=None, remove_file: bool = False) -> Piece:
    """Change a piece; a new file replaces the old one, `remove_file` drops it (the stored copy stays
    for the history)."""
    file_type = check_file(file) if file else ""
    with transaction.atomic():
        piece = _locked(piece, actor)
        fields = _clean(actor=actor, piece=piece, title=title, author=author, deputy=deputy, group=group,
                        date=date, medium=medium, level=level, adopted=adopted, award=award, link=link)
        for name, value in fields.items():
            setattr(piece, name, value)
        if file:
            piece.file, piece.file_name, piece.file_type = file, file.name[:200], file_type
        elif remove_file:
            piece.file, piece.file_name, piece.file_type = "", "", ""
        piece._history_user = actor
        piece.save()
    return piece


def piece_delete(*, piece: Piece, actor) -> None:
    """Delete a piece (its history row records who deleted it and what it said)."""
    with transaction.atomic():
        piece = _locked(piece, actor)
        piece._history_user = actor
        piece.delete()
