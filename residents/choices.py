"""Choices of resident reports (群众来信 via 代表码 / 联络站码) and the one transition table of their loop.

待验证 (the SMS code is not confirmed yet: the report does not count) → 已提交 → 已受理 → one of
已答复 (直接答复), 已转社情民意 (an opinion item on the deputy's behalf, source 线上), 已转交 (to the area
staff, who then answer, convert or refuse it), 不予受理 (with a reason). A deputy or station staff may also
answer, convert, transfer or refuse straight from 已提交.

After 已答复 (or once the converted item is concluded) the resident rates it: 满意 / 基本满意 → 已办结;
the first 不满意 reopens it (back to 已受理, or to 已转交 when the area staff had it); the second goes to
待复核, which staff close with a note (复核办结). Not rated within RESIDENT_RATING_DAYS calendar days of the
answer (or of the converted item's conclusion): the nightly job closes it as 未评价 (逾期未评价办结), which
is NOT counted as satisfied and is shown apart in the figures.

A converted report follows its item; when that item was merged (合并) into another, it follows the item it
was merged into (the master), as far as the merges go (`services.followed_item`).
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
    TRANSFERRED = "transferred", _("已转交街道")
    ANSWERED = "answered", _("已答复")
    CONVERTED = "converted", _("已转社情民意")
    REJECTED = "rejected", _("不予受理")
    REVIEW = "review", _("待复核")
    CLOSED = "closed", _("已办结")


class Satisfaction(models.TextChoices):
    SATISFIED = "satisfied", _("满意")
    BASIC = "basic", _("基本满意")
    DISSATISFIED = "dissatisfied", _("不满意")
    # Set by the scheduled job only, never chosen by the resident: NOT counted as satisfied.
    UNRATED = "unrated", _("未评价")


# What the resident may choose on the status page.
RESIDENT_RATINGS = (Satisfaction.SATISFIED, Satisfaction.BASIC, Satisfaction.DISSATISFIED)


# Counted reports (a report counts once its phone number is confirmed).
COUNTED_STATES = tuple(s for s in State.values if s != State.PENDING)
# Waiting for the deputy (the nav badge); staff also count those transferred to them and to review.
NEW_STATES = (State.SUBMITTED,)
STAFF_NEW_STATES = (State.TRANSFERRED, State.REVIEW)
# Still with a handler (the list's 待办 filters).
OPEN_STATES = (State.SUBMITTED, State.ACCEPTED, State.TRANSFERRED)
# Answered on the handler's side: the retention clock runs from `closed_at`.
CLOSED_STATES = (State.ANSWERED, State.CONVERTED, State.REJECTED, State.REVIEW, State.CLOSED)
# Final (办结 in the figures): rated or closed after review, or refused with a reason.
FINAL_STATES = (State.CLOSED, State.REJECTED)


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
    TRANSFER = "transfer", _("转交街道")
    REJECT = "reject", _("不予受理")
    RATE = "rate", _("群众评价")
    REVIEW_CLOSE = "review_close", _("复核办结")
    MODERATE = "moderate", _("审核公开内容")
    EXPIRE_RATING = "expire_rating", _("逾期未评价办结")


class Actor(models.TextChoices):
    RESIDENT = "resident", _("群众")
    DEPUTY = "deputy", _("代表")
    STAFF = "staff", _("工作人员")
    SYSTEM = "system", _("系统")


_HANDLERS = (Actor.DEPUTY, Actor.STAFF)
# A transferred report is the area staff's: `services.actor_kinds` does not count its deputy as a
# handler any more, so the same rows serve both.
_OPEN = (State.SUBMITTED, State.ACCEPTED, State.TRANSFERRED)

TRANSITIONS: dict[str, Transition] = {
    Action.VERIFY: transition((State.PENDING,), (Actor.RESIDENT,), State.SUBMITTED),
    Action.ACCEPT: transition((State.SUBMITTED,), _HANDLERS, State.ACCEPTED),
    Action.ANSWER: transition(_OPEN, _HANDLERS, State.ANSWERED),
    Action.CONVERT: transition(_OPEN, _HANDLERS, State.CONVERTED),
    Action.REJECT: transition(_OPEN, _HANDLERS, State.REJECTED),
    Action.TRANSFER: transition((State.SUBMITTED, State.ACCEPTED), (Actor.DEPUTY,), State.TRANSFERRED),
    # The service decides: 已办结, reopened (已受理 / 已转交) or 待复核; from 已转社情民意 only once the item
    # is concluded.
    Action.RATE: transition((State.ANSWERED, State.CONVERTED), (Actor.RESIDENT,), None),
    Action.REVIEW_CLOSE: transition((State.REVIEW,), (Actor.STAFF,), State.CLOSED),
    # Staff moderate what the status page shows (the reply, photos); the state does not change.
    Action.MODERATE: transition(COUNTED_STATES, (Actor.STAFF,), None),
    # The nightly job (services.reports_close_unrated): the rating window passed without a rating.
    Action.EXPIRE_RATING: transition((State.ANSWERED, State.CONVERTED), (Actor.SYSTEM,), State.CLOSED),
}
