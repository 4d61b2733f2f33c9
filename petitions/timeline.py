"""What the item page and its print view show of an item's timeline, and to whom.

A module of its own (not selectors.py) because it is one rule with two halves that belong together:

- Who sees staff-only notes. The submitting deputy's side (the deputy, co-deputies, their group
  leader) never sees internal notes (交办意见, 审核意见, 审批意见, a unit's request to staff, a co-unit's
  opinion to the lead unit), and sees a unit's reply (办理结果) only once staff have passed it on
  (反馈, DOMAIN.md: 待审核 → 已反馈). Staff, units and leaders see everything in their scope.
- What each row says was decided (同意/不同意, the new due date, the rating), in words.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.utils.translation import gettext as _

from accounts.choices import Role

from .choices import Action, Satisfaction, State
from .models import Item, ItemEvent

# Rows the deputy's side never sees at all: exchanges between units and staff.
HIDDEN_ROWS = frozenset({Action.SUBMIT_PART, Action.REQUEST_RETURN, Action.DECIDE_RETURN, Action.SEND_BACK,
                         Action.REQUEST_EXTENSION})
# Rows the deputy's side sees without their note (and its attachments): the note is for staff or units.
NOTE_HIDDEN = frozenset({Action.ASSIGN, Action.PASS_ON, Action.RECALL, Action.DECIDE_EXTENSION})
# States in which the item's reply has reached the deputy (passed on, answered directly, or refused).
REPLY_SHOWN_STATES = frozenset({State.EVALUATION, State.SUPERVISION, State.CLOSED})


def sees_internal(user) -> bool:
    """Staff, units and read-only leaders see the whole handling record; a deputy does not."""
    return bool(user.is_staff_role or user.is_district_wide or user.has_role(Role.UNIT))


def reply_visible(user, item: Item) -> bool:
    """The reply card (and the 答复单): for the deputy, only once the reply has been passed on."""
    return bool(item.reply) and (sees_internal(user) or item.state in REPLY_SHOWN_STATES)


@dataclass
class Row:
    """One timeline row as a reader sees it."""

    event: ItemEvent
    comment: str
    attachments: list
    facts: list[str] = field(default_factory=list)
    note: str = ""


def _passed_results(events: list[ItemEvent], state: str) -> tuple[set[int], set[int]]:
    """Lead-unit results that reached the deputy, and the one still waiting for review (if any).

    A result reached the deputy when staff passed it on (反馈), or when the item went on to be
    evaluated without a recorded review (items imported from a ledger); a 退回重办 discards it."""
    passed, waiting = set(), None
    for e in events:
        if e.action == Action.SUBMIT_RESULT:
            waiting = e.pk
        elif waiting is not None and (e.action == Action.PASS_ON or e.from_state == State.EVALUATION):
            passed.add(waiting)
            waiting = None
        elif e.action == Action.SEND_BACK:
            waiting = None
    if waiting is not None and state in REPLY_SHOWN_STATES:
        passed.add(waiting)
        waiting = None
    return passed, ({waiting} if waiting is not None else set())


def facts(e: ItemEvent) -> list[str]:
    """What was decided, in words: 同意/不同意, new due dates, the rating."""
    d = e.data or {}
    out = []
    if e.action == Action.SUBMIT and d.get("stage_due"):
        out.append(_("研处截止 %(d)s") % {"d": d["stage_due"]})
    elif e.action == Action.ASSIGN and d.get("lead_name"):
        text = _("主办:%(lead)s") % {"lead": d["lead_name"]}
        if d.get("co_names"):
            text += _(";协办:%(co)s") % {"co": "、".join(d["co_names"])}
        out.append(text)
        if d.get("due_date"):
            out.append(_("办理期限 %(d)s") % {"d": d["due_date"]})
    elif e.action == Action.REQUEST_EXTENSION and d.get("days"):
        out.append(_("申请延期 %(n)s 个工作日") % {"n": d["days"]})
    elif e.action == Action.DECIDE_EXTENSION:
        if d.get("approved"):
            out.append(_("同意延期 %(n)s 个工作日") % {"n": d.get("days", "")})
            if d.get("due_date"):
                out.append(_("新的办理期限 %(d)s") % {"d": d["due_date"]})
        else:
            out.append(_("不同意延期"))
    elif e.action == Action.DECIDE_RETURN:
        out.append(_("同意退回,回到研处") if d.get("approved") else _("不同意退回,由原单位继续办理"))
    elif e.action == Action.SUBMIT_RESULT and "on_time" in d:
        out.append(_("按期提交") if d["on_time"] else _("逾期提交"))
    elif e.action in (Action.PASS_ON, Action.ANSWER_DIRECTLY) and d.get("evaluation_due"):
        out.append(_("请代表于 %(d)s 前评价") % {"d": d["evaluation_due"]})
    elif e.action == Action.SEND_BACK:
        out.append(_("审核未通过,退回承办单位重办"))
    elif e.action == Action.EVALUATE and d.get("satisfaction"):
        out.append(_("评价:%(s)s") % {"s": Satisfaction(d["satisfaction"]).label})
        if d.get("on_behalf"):
            out.append(_("工作人员代为录入"))
        if e.to_state == State.HANDLING and d.get("due_date"):
            out.append(_("重新办理(第 %(r)s 轮),新的办理期限 %(d)s") % {"r": d.get("round", ""), "d": d["due_date"]})
        elif e.to_state == State.RESEARCH:
            out.append(_("回到研处"))
        elif e.to_state == State.SUPERVISION:
            out.append(_("第二次不满意,转督办办结"))
    elif e.action == Action.MERGE and d.get("into_number"):
        out.append(_("并入 %(n)s") % {"n": d["into_number"]})
    elif e.action == Action.MERGED_IN and d.get("from_number"):
        out.append(_("重复事项 %(n)s") % {"n": d["from_number"]})
    return out


def rows_for(user, item: Item, events, *, attachments: dict | None = None) -> list[Row]:
    """The timeline of `item` as `user` may read it (events in time order; their files prefetched, or
    given as `attachments`, {event id: files})."""
    events = list(events)
    internal = sees_internal(user)
    passed, pending = _passed_results(events, item.state)
    out = []
    for e in events:
        files = list(e.attachments.all()) if attachments is None else attachments.get(e.pk, [])
        row = Row(event=e, comment=e.comment, attachments=files, facts=facts(e))
        if not internal:
            if e.action in HIDDEN_ROWS:
                continue
            if e.action == Action.DECIDE_EXTENSION and not (e.data or {}).get("approved"):
                continue
            if e.action == Action.SUBMIT_RESULT and e.pk not in passed:
                if e.pk not in pending:
                    continue  # sent back: the deputy never gets that version
                row.comment, row.attachments = "", []
                row.note = _("承办单位已提交办理结果,人大工作人员审核后反馈给您。")
                row.facts = []
            if e.action in NOTE_HIDDEN:
                row.comment, row.attachments = "", []
        out.append(row)
    return out


def attachment_visible(user, attachment) -> bool:
    """A file of a timeline row the deputy may not read is not theirs to download either."""
    if sees_internal(user) or attachment.event_id is None:
        return True
    events = (ItemEvent.objects.filter(item_id=attachment.item_id).prefetch_related("attachments")
              .order_by("created_at", "id"))
    return any(a.pk == attachment.pk for row in rows_for(user, attachment.item, events) for a in row.attachments)
