"""Choices of resident reports (群众来信 via 代表码 / 联络站码) and the one transition table of their loop.

待验证 (the SMS code is not confirmed yet: the report does not count) → 已提交 → 已受理 → one of
已答复 (直接答复), 已转社情民意 (an opinion item on the deputy's behalf, source 线上), 不予受理 (with a reason).
A deputy or station staff may also answer, convert or refuse straight from 已提交.
"""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from core.loops import Transition, transition


class CodeKind(models.TextChoices):
    DEPUTY = "deputy", _("代表码")
    STATION = "station", _("联络站码")


class State(models.TextChoices):
    PENDING = "pending", _("待验证")
    SUBMITTED = "submitted", _("已提交")
    ACCEPTED = "accepted", _("已受理")
    ANSWERED = "answered", _("已答复")
    CONVERTED = "converted", _("已转社情民意")
    REJECTED = "rejected", _("不予受理")


# Counted reports (a report counts once its phone number is confirmed).
COUNTED_STATES = (State.SUBMITTED, State.ACCEPTED, State.ANSWERED, State.CONVERTED, State.REJECTED)
# Waiting for the deputy (the nav badge).
NEW_STATES = (State.SUBMITTED,)
# Finished on the deputy's side: the retention clock runs from `closed_at`.
CLOSED_STATES = (State.ANSWERED, State.CONVERTED, State.REJECTED)


class Category(models.TextChoices):
    """What the resident chooses from (plain words; mapped to the opinion-item categories on conversion)."""

    URBAN = "urban", _("城乡建设、道路交通")
    ECOLOGY = "ecology", _("环境卫生、生态环境")
    LIVELIHOOD = "livelihood", _("民生保障、教育医疗")
    GOVERNANCE = "governance", _("社会治理、邻里纠纷")
    ECONOMY = "economy", _("经济发展、就业创业")
    OTHER = "other", _("其他")


class Action(models.TextChoices):
    CREATE = "create", _("填写")
    VERIFY = "verify", _("短信验证")
    ACCEPT = "accept", _("受理")
    ANSWER = "answer", _("直接答复")
    CONVERT = "convert", _("转为社情民意")
    REJECT = "reject", _("不予受理")


class Actor(models.TextChoices):
    RESIDENT = "resident", _("群众")
    DEPUTY = "deputy", _("代表")
    STAFF = "staff", _("工作人员")


_HANDLERS = (Actor.DEPUTY, Actor.STAFF)
_OPEN = (State.SUBMITTED, State.ACCEPTED)

TRANSITIONS: dict[str, Transition] = {
    Action.VERIFY: transition((State.PENDING,), (Actor.RESIDENT,), State.SUBMITTED),
    Action.ACCEPT: transition((State.SUBMITTED,), _HANDLERS, State.ACCEPTED),
    Action.ANSWER: transition(_OPEN, _HANDLERS, State.ANSWERED),
    Action.CONVERT: transition(_OPEN, _HANDLERS, State.CONVERTED),
    Action.REJECT: transition(_OPEN, _HANDLERS, State.REJECTED),
}
