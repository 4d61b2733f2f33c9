"""The one door for every state change of an opinion item (STYLE.md "one door per change").

Each action is one function, keyword-only, checked against `choices.TRANSITIONS`: it opens a
transaction, re-reads the item with select_for_update(), checks the state and the actor (role and
data scope), writes an ItemEvent, saves with update_fields and creates notification rows for whoever
must act next, inside the same transaction. The lock-and-check, the event row, the notification call
and the due-date arithmetic are the loop engine's (core.loops); who the actors are, who is told and
which notifications an action settles are the item's own and stay here. A refused call raises a
`WorkflowError` (core.loops.LoopError) whose message is shown to the user as is, and changes nothing.

- `StaleState`: the item is no longer in a state the action starts from (a double click, a colleague
  was quicker): "该事项已被 … 处理,请刷新".
- `NotAllowed`: this person may not take this action on this item (views answer 403).
"""

from __future__ import annotations

import datetime

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.choices import Role
from areas.models import Area
from core.loops import (
    LoopError,
    NotAllowed,
    StaleState,
    due_in_days,
    due_in_workdays,
    lock,
    notify_on_commit,
    record_event,
)
from core.loops import allowed_actions as table_allows
from core.workdays import workdays_between
from deputies.models import Deputy

from .choices import (
    TRANSITIONS,
    Action,
    Actor,
    Conclusion,
    RequestKind,
    RequestStatus,
    Satisfaction,
    State,
    UnitRole,
)
from .models import Assignment, Attachment, HandlingRequest, Item, ItemEvent, ItemSettings, first_of_month

MAX_TEXT = 20000  # characters in any free-text field (the forms say so before we do)


# The engine's refusals (NotAllowed, StaleState, imported above) under the names callers know:
# every WorkflowError is a core.loops.LoopError.
WorkflowError = LoopError


# ---------------------------------------------------------------------------------------------
# Who is acting


def _is_district_staff(user) -> bool:
    return user.has_role(Role.ADMIN, Role.DISTRICT_STAFF)


def staff_may_process(user, item) -> bool:
    """District staff and admin: every item; area staff: items of their area subtree."""
    if user is None or not user.is_authenticated:
        return False
    if _is_district_staff(user):
        return True
    if user.has_role(Role.AREA_STAFF) and user.area_id and item.area_id:
        return Area.objects.subtree(user.area).filter(pk=item.area_id).exists()
    return False


def current_assignment(item, unit_id) -> Assignment | None:
    """The unit's live assignment in the item's current round (None when it has none)."""
    if not unit_id:
        return None
    return (Assignment.objects.filter(item=item, unit_id=unit_id, is_current=True, cancelled_at__isnull=True)
            .order_by("role", "-id").first())


def actor_kinds(user, item) -> set[str]:
    """Every `Actor` the user is for this item (used by the checks and by the item page)."""
    if user is None:
        return {Actor.SYSTEM}
    if not user.is_authenticated:
        return set()
    kinds = set()
    deputy = user.deputy_profile
    if deputy is not None and item.deputy_id == deputy.pk:
        kinds |= {Actor.DEPUTY, Actor.OWNER}
    if staff_may_process(user, item):
        kinds.add(Actor.STAFF)
        if item.entered_by_id == user.pk:
            kinds.add(Actor.OWNER)
        if item.state == State.EVALUATION and not Deputy.objects.filter(
                pk=item.deputy_id, user__isnull=False).exists():
            kinds.add(Actor.PROXY)
    if user.has_role(Role.UNIT) and user.unit_id:
        assignment = current_assignment(item, user.unit_id)
        if assignment is not None:
            kinds.add(Actor.UNIT)
            if assignment.role == UnitRole.LEAD:
                kinds.add(Actor.LEAD_UNIT)
    return kinds


def allowed_actions(user, item) -> set[str]:
    """Actions this user could take now (the item page shows these buttons)."""
    if user.is_authenticated and user.is_read_only:
        return set()
    return table_allows(TRANSITIONS, item.state, actor_kinds(user, item))


def _stale_message(item) -> str:
    last = item.events.select_related("actor", "actor_unit").order_by("-created_at", "-id").first()
    who = last.actor_label if last else _("他人")
    return _("该事项已被 %(who)s 处理(当前状态:%(state)s),请刷新后查看。") % {
        "who": who, "state": item.get_state_display()}


def _not_allowed_message(action) -> str:
    return _("您无权对该事项执行“%(action)s”。") % {"action": Action(action).label}


def _lock(item, action: str, actor, *, kinds_of=actor_kinds) -> tuple[Item, set[str]]:
    """Re-read the item under a row lock and check the transition and the actor against the table."""
    return lock(item, action, actor, table=TRANSITIONS, actor_kinds=kinds_of, stale_message=_stale_message,
                not_allowed_message=_not_allowed_message, model=Item, missing_message=_("事项不存在。"))


def _text(value, label, *, required=True) -> str:
    value = (value or "").strip()
    if required and not value:
        raise WorkflowError(_("请填写%(label)s。") % {"label": label})
    if len(value) > MAX_TEXT:
        raise WorkflowError(_("%(label)s过长(最多 %(n)s 字)。") % {"label": label, "n": MAX_TEXT})
    return value


def _event(item, action, actor, from_state, *, comment="", unit=None, data=None, at=None) -> ItemEvent:
    event = record_event(ItemEvent, item=item, action=action, actor=actor, actor_unit=unit, from_state=from_state,
                         to_state=item.state, comment=comment, data=data, at=at)
    _settle_notifications(item, actor)
    return event


def _attach(item, event, files, actor) -> None:
    for f in files or ():
        if f is None:
            continue
        Attachment.objects.create(item=item, event=event, file=f, name=getattr(f, "name", "file")[:200],
                                  content_type=getattr(f, "xs_content_type", "") or getattr(f, "content_type", "")
                                  or "application/octet-stream",
                                  size=getattr(f, "size", 0) or 0, uploaded_by=actor)


# ---------------------------------------------------------------------------------------------
# Who must act next


def _staff_for(item):
    """Area staff of the item's area, else district staff (研处 is area first, then district)."""
    return _area_staff(item) or _district_staff()


def _area_staff(item):
    from accounts.models import User

    if not item.area_id:
        return []
    return list(User.objects.filter(is_active=True, groups__name=Role.AREA_STAFF, area_id=item.area_id))


def _district_staff():
    from accounts.models import User

    return list(User.objects.filter(is_active=True, groups__name=Role.DISTRICT_STAFF))


def _holding_staff(item):
    """The staff who can act at the level that holds the item now (review requests go to them only).

    The level that holds it is the one whose staff made its 研处 decision (DOMAIN.md: 研处 is area staff
    first, then district staff): the last 交办 or 直接答复 event says who. District staff (or admin)
    → district staff; area staff → the area staff of the item's area (district staff when it has none
    left). An item without such a decision (imported) is held as for 研处: area first."""
    decision = (ItemEvent.objects.filter(item=item, action__in=(Action.ASSIGN, Action.ANSWER_DIRECTLY),
                                         actor__isnull=False)
                .select_related("actor").order_by("-created_at", "-id").first())
    if decision is not None and _is_district_staff(decision.actor):
        return _district_staff()
    return _staff_for(item)


def _unit_users(unit_ids):
    from accounts.models import User

    return list(User.objects.filter(is_active=True, unit_id__in=list(unit_ids), groups__name=Role.UNIT))


def _deputies(item):
    out = [item.deputy]
    # Staff who entered it follow it; someone a channel vouched for (双联) cannot open the item page.
    if item.on_behalf and item.entered_by_id and item.entered_by.is_staff_role:
        out.append(item.entered_by)
    return out


# What a notification asks its recipients to do (Notification.task), and the states in which that is
# still to do; a pending request (申请退回/申请延期) is its own task, "request:<id>", until decided.
TASK_STATES = {
    "research": (State.SUBMITTED, State.RESEARCH),  # 待研处 (until 交办, 答复, 退回 …)
    "detail": (State.RETURNED,),  # 退回补充: the deputy adds detail
    "handle": (State.HANDLING,),  # the units handle it
    "review": (State.REVIEW,),  # 办理结果待审核
    "evaluate": (State.EVALUATION,),  # the deputy evaluates
    "supervise": (State.SUPERVISION,),  # 督办办结
}


def _subject(item) -> str:
    return f"item:{item.pk}"


def _request_task(request) -> str:
    return f"request:{request.pk}"


def _settle_notifications(item, actor):
    """Every action's common path (from `_event`, in the action's transaction): the actor's unread
    notifications about the item are read (they acted on it), and so is every notification whose task
    is no longer open (someone else did what it asked)."""
    from notifications.services import notification_mark_done

    open_tasks = {task for task, states in TASK_STATES.items() if item.state in states}
    if item.state == State.HANDLING:  # requests are pending only while the item is 办理中
        open_tasks |= {f"request:{pk}" for pk in HandlingRequest.objects.filter(
            item=item, status=RequestStatus.PENDING).values_list("pk", flat=True)}
    notification_mark_done(subject=_subject(item), actor=actor, open_tasks=open_tasks)


def _notify(item, event, recipients, title, body=None, *, task="", part=""):
    """Notify `recipients` of `event`. `task`: what it asks them to do (TASK_STATES or a request), so
    it is marked read once done; `part`: a key suffix when one event sends different messages."""
    notify_on_commit(key=f"item:{item.pk}:event:{event.pk}" + (f":{part}" if part else ""), kind=f"item.{event.action}",
           recipients=recipients, title=f"{title}:{item.title}"[:200],
           body=event.comment[:500] if body is None else body[:500], url=item.get_absolute_url(),
           subject=_subject(item), task=task)


def _current_units(item):
    return list(Assignment.objects.filter(item=item, is_current=True, cancelled_at__isnull=True)
                .values_list("unit_id", flat=True))


def _void_pending_requests(item, at):
    HandlingRequest.objects.filter(item=item, status=RequestStatus.PENDING).update(
        status=RequestStatus.VOID, decided_at=at)


# ---------------------------------------------------------------------------------------------
# 收集: create, edit, submit, withdraw

ITEM_FIELDS = ("title", "content", "category", "area", "community", "address", "source", "period")


def _apply_fields(item, data) -> list[str]:
    changed = []
    for name in ITEM_FIELDS:
        if name in data:
            value = data[name]
            if name == "period":
                value = first_of_month(value) if value else first_of_month()
            if name in ("title", "content", "address"):
                value = (value or "").strip()
            setattr(item, name, value)
            changed.append(name)
    if not (item.title or "").strip():
        raise WorkflowError(_("请填写标题。"))
    return changed


class DuplicateSubmission(StaleState):
    """The new-item form was already sent once (its one-time token is used): `item` is the item that
    first submission made; nothing new was created."""

    def __init__(self, message, item):
        super().__init__(message)
        self.item = item


def item_create(*, actor, deputy, data: dict, files=(), co_deputies=(), submit: bool = False,
                submission_token=None, vouched_by: str = "") -> Item:
    """A new item as a draft (草稿) for `deputy`, entered by the deputy or by staff on their behalf
    (recorded as such); `submit=True` submits it at once.

    `submission_token`: the form's one-time token. A token already used (a double click, two parallel
    POSTs) raises DuplicateSubmission carrying the first item, and creates nothing; the unique index
    decides the race, so this holds across parallel transactions.

    `vouched_by`: the name of another app's channel (e.g. 双联) whose service has already checked that
    `actor` may enter items for this deputy (a standing-committee member linked to them): the staff
    scope check is skipped, the actor counts as the one who entered it (提交人) for the submit, and the
    creation event says through which channel. A read-only account is refused all the same."""
    from deputies.models import Deputy

    if actor.is_read_only:
        raise NotAllowed(_("领导账号只能查看,不能办理。"))
    own = actor.deputy_profile is not None and actor.deputy_profile.pk == deputy.pk
    if not own and not vouched_by and not (
            actor.is_staff_role and Deputy.objects.visible_to(actor).filter(pk=deputy.pk).exists()):
        raise NotAllowed(_("您不能为该代表录入社情民意。"))
    if submission_token is not None:
        _refuse_used_token(submission_token)
    try:
        with transaction.atomic():
            item = Item(deputy=deputy, entered_by=actor, on_behalf=not own, state=State.DRAFT,
                        period=first_of_month(), submission_token=submission_token)
            _apply_fields(item, data)
            item.save()
            item.co_deputies.set([d for d in co_deputies if d.pk != deputy.pk])
            if own:
                comment = ""
            elif vouched_by:
                comment = _("%(who)s 通过%(via)s代代表录入") % {"who": actor, "via": vouched_by}
            else:
                comment = _("工作人员 %(who)s 代代表录入") % {"who": actor}
            event = _event(item, Action.CREATE, actor, "", comment=comment)
            _attach(item, event, files, actor)
    except IntegrityError:
        if submission_token is None:
            raise
        _refuse_used_token(submission_token)  # the parallel POST committed first
        raise
    if submit:
        item = _submit(item, actor, _vouched_kinds if vouched_by and not own else actor_kinds)
    return item


def _vouched_kinds(user, item) -> set[str]:
    """`actor_kinds` of someone a channel vouched for (item_create's `vouched_by`): the one who entered
    the item is its 提交人 for submitting it."""
    kinds = actor_kinds(user, item)
    if user is not None and item.entered_by_id == user.pk:
        kinds.add(Actor.OWNER)
    return kinds


def _refuse_used_token(token):
    first = Item.objects.filter(submission_token=token).first()
    if first is not None:
        raise DuplicateSubmission(_("该表单已经提交过一次(编号 %(n)s),未重复录入。") % {"n": first.number}, first)


def item_update(*, item, actor, data: dict, files=(), co_deputies=None) -> Item:
    """Edit a draft, or add the detail staff asked for (退回补充)."""
    with transaction.atomic():
        item, _kinds = _lock(item, Action.EDIT, actor)
        changed = _apply_fields(item, data)
        item.save(update_fields=changed + ["updated_at"])
        if co_deputies is not None:
            item.co_deputies.set([d for d in co_deputies if d.pk != item.deputy_id])
        if item.state == State.RETURNED or files:
            event = _event(item, Action.EDIT, actor, item.state,
                           comment=_("补充修改了事项内容") if item.state == State.RETURNED else "")
            _attach(item, event, files, actor)
    return item


def _content_snapshot(item) -> dict:
    """What the deputy wrote, to tell later whether a returned item (退回补充) was changed at all."""
    return {
        "title": item.title, "content": item.content, "category": item.category, "area": item.area_id,
        "community": item.community_id, "address": item.address, "source": item.source,
        "period": item.period.isoformat() if item.period else None,
        "co_deputies": sorted(item.co_deputies.values_list("pk", flat=True)),
    }


def _unchanged_since_return(item) -> bool:
    """True when a returned item is exactly as it was returned: same fields, no new attachment."""
    returned = (ItemEvent.objects.filter(item=item, action=Action.RETURN_FOR_DETAIL)
                .order_by("-created_at", "-id").first())
    if returned is None or "snapshot" not in returned.data:
        return False  # returned before snapshots were kept: cannot tell, do not block the deputy
    if Attachment.objects.filter(item=item, event_id__gt=returned.pk).exists():
        return False
    return _content_snapshot(item) == returned.data["snapshot"]


def item_submit(*, item, actor) -> Item:
    """草稿/退回补充 → 已提交: the 研处 clock starts (研处时限, working days). A returned item must
    have been changed first: resubmitting it as it was returned is refused."""
    return _submit(item, actor, actor_kinds)


def _submit(item, actor, kinds_of) -> Item:
    with transaction.atomic():
        item, _kinds = _lock(item, Action.SUBMIT, actor, kinds_of=kinds_of)
        if item.state == State.RETURNED and _unchanged_since_return(item):
            raise WorkflowError(_("该事项被退回补充后尚未作任何修改。请先按退回意见补充修改内容,再重新提交。"))
        missing = [str(Item._meta.get_field(f).verbose_name) for f in ("content", "category", "area")
                   if not getattr(item, f if f != "area" else "area_id")]
        if missing:
            raise WorkflowError(_("提交前请填写:%(fields)s。") % {"fields": "、".join(missing)})
        now, from_state = timezone.now(), item.state
        today = timezone.localdate(now)
        item.state = State.SUBMITTED
        item.submitted_at = item.submitted_at or now
        item.stage_due = due_in_workdays(today, ItemSettings.load().research_workdays)
        item.save(update_fields=["state", "submitted_at", "stage_due", "updated_at"])
        event = _event(item, Action.SUBMIT, actor, from_state, at=now,
                       data={"stage_due": item.stage_due.isoformat()},
                       comment=_("再次提交(已补充)") if from_state == State.RETURNED else "")
        _notify(item, event, _staff_for(item), _("新的社情民意待研处"), task="research")
    return item


def item_withdraw(*, item, actor, comment: str = "") -> Item:
    """Withdraw before 研处 starts (已撤回). Nothing is deleted; a withdrawal is a state."""
    with transaction.atomic():
        item, _kinds = _lock(item, Action.WITHDRAW, actor)
        from_state = item.state
        item.state = State.WITHDRAWN
        item.stage_due = None
        item.save(update_fields=["state", "stage_due", "updated_at"])
        _event(item, Action.WITHDRAW, actor, from_state, comment=_text(comment, _("撤回说明"), required=False))
    return item


# ---------------------------------------------------------------------------------------------
# 研处


def item_start_research(*, item, actor) -> Item:
    """已提交 → 研处中: staff take it up; the deputy can no longer withdraw it."""
    with transaction.atomic():
        item, _kinds = _lock(item, Action.START_RESEARCH, actor)
        item.state = State.RESEARCH
        item.save(update_fields=["state", "updated_at"])
        _event(item, Action.START_RESEARCH, actor, State.SUBMITTED)
    return item


def item_return_for_detail(*, item, actor, comment: str) -> Item:
    """退回补充: back to the deputy, who adds detail and submits again."""
    comment = _text(comment, _("退回原因"))
    with transaction.atomic():
        item, _kinds = _lock(item, Action.RETURN_FOR_DETAIL, actor)
        from_state = item.state
        item.state = State.RETURNED
        item.stage_due = None
        item.save(update_fields=["state", "stage_due", "updated_at"])
        event = _event(item, Action.RETURN_FOR_DETAIL, actor, from_state, comment=comment,
                       data={"snapshot": _content_snapshot(item)})
        _notify(item, event, _deputies(item), _("社情民意被退回补充"), task="detail")
    return item


def item_merge(*, item, actor, into, comment: str = "") -> Item:
    """合并: a duplicate of `into`; both deputies see where it went (an event on each item)."""
    comment = _text(comment, _("合并说明"), required=False)
    into_pk = into.pk if isinstance(into, Item) else into
    item_pk = item.pk if isinstance(item, Item) else item
    if into_pk == item_pk:
        raise WorkflowError(_("不能合并到事项本身。"))
    with transaction.atomic():
        # Lock both rows in id order so two merges in opposite directions cannot deadlock.
        for pk in sorted([item_pk, into_pk]):
            Item.objects.select_for_update().filter(pk=pk).first()
        item, _kinds = _lock(item_pk, Action.MERGE, actor)
        target = Item.objects.filter(pk=into_pk).first()
        if target is None or not staff_may_process(actor, target):
            raise WorkflowError(_("找不到要并入的事项。"))
        if target.state in (State.DRAFT, State.WITHDRAWN, State.MERGED, State.RETURNED):
            raise WorkflowError(_("目标事项(%(state)s)不能作为合并对象。") % {"state": target.get_state_display()})
        from_state = item.state
        item.state = State.MERGED
        item.merged_into = target
        item.stage_due = None
        item.save(update_fields=["state", "merged_into", "stage_due", "updated_at"])
        event = _event(item, Action.MERGE, actor, from_state, comment=comment,
                       data={"into": target.pk, "into_number": target.number})
        _event(target, Action.MERGED_IN, actor, target.state, comment=comment,
               data={"from": item.pk, "from_number": item.number})
        _notify(item, event, _deputies(item),
                _("社情民意已并入 %(n)s 一并办理") % {"n": target.number})
        _notify(target, event, _deputies(target),
                _("重复事项 %(n)s 已并入您的事项") % {"n": item.number})
    return item


def _to_evaluation(item, reply, now):
    item.state = State.EVALUATION
    item.reply = reply
    item.replied_at = now
    item.stage_due = None
    item.evaluation_due = due_in_days(timezone.localdate(now), ItemSettings.load().evaluation_days)


def item_answer_directly(*, item, actor, reply: str, files=()) -> Item:
    """直接答复: staff answer without a unit; the deputy evaluates it (→ 待评价)."""
    reply = _text(reply, _("答复内容"))
    with transaction.atomic():
        item, _kinds = _lock(item, Action.ANSWER_DIRECTLY, actor)
        from_state, now = item.state, timezone.now()
        _to_evaluation(item, reply, now)
        item.save(update_fields=["state", "reply", "replied_at", "stage_due", "evaluation_due", "updated_at"])
        event = _event(item, Action.ANSWER_DIRECTLY, actor, from_state, comment=reply, at=now,
                       data={"evaluation_due": item.evaluation_due.isoformat()})
        _attach(item, event, files, actor)
        _notify(item, event, _deputies(item), _("社情民意已答复,请评价"), task="evaluate")
    return item


def item_reject(*, item, actor, reason: str) -> Item:
    """不予受理: closes the item with the written reason as its reply (counts as concluded)."""
    reason = _text(reason, _("不予受理理由"))
    with transaction.atomic():
        item, _kinds = _lock(item, Action.REJECT, actor)
        from_state, now = item.state, timezone.now()
        item.state = State.CLOSED
        item.reply, item.replied_at = reason, now
        item.concluded_at, item.conclusion = now, Conclusion.REJECTED
        item.stage_due = None
        item.save(update_fields=["state", "reply", "replied_at", "concluded_at", "conclusion", "stage_due",
                                 "updated_at"])
        event = _event(item, Action.REJECT, actor, from_state, comment=reason, at=now)
        _notify(item, event, _deputies(item), _("社情民意不予受理"))
    return item


def _create_round(item, *, lead_unit, co_units, due_date, actor, now) -> list[Assignment]:
    Assignment.objects.filter(item=item, is_current=True).update(is_current=False)
    item.handling_round += 1
    rows = [Assignment(item=item, unit=lead_unit, role=UnitRole.LEAD, round=item.handling_round,
                       assigned_at=now, assigned_by=actor, due_date=due_date)]
    seen = {lead_unit.pk}
    for unit in co_units or ():
        if unit.pk not in seen:
            seen.add(unit.pk)
            rows.append(Assignment(item=item, unit=unit, role=UnitRole.CO, round=item.handling_round,
                                   assigned_at=now, assigned_by=actor, due_date=due_date))
    Assignment.objects.bulk_create(rows)
    item.lead_unit = lead_unit
    item.stage_due = due_date
    return rows


def _check_due(due_date, today):
    if due_date is None:
        return due_in_workdays(today, ItemSettings.load().handling_workdays)
    if due_date < today:
        raise WorkflowError(_("办理期限不能早于今天。"))
    return due_date


def item_assign(*, item, actor, lead_unit, co_units=(), due_date: datetime.date | None = None,
                comment: str = "") -> Item:
    """交办: one lead unit (主办) and optional co-units (协办) with a due date (default: 办理时限
    working days from today)."""
    if lead_unit is None:
        raise WorkflowError(_("请选择主办单位。"))
    comment = _text(comment, _("交办意见"), required=False)
    with transaction.atomic():
        item, _kinds = _lock(item, Action.ASSIGN, actor)
        from_state, now = item.state, timezone.now()
        due_date = _check_due(due_date, timezone.localdate(now))
        rows = _create_round(item, lead_unit=lead_unit, co_units=co_units, due_date=due_date, actor=actor, now=now)
        item.state = State.HANDLING
        item.save(update_fields=["state", "lead_unit", "stage_due", "handling_round", "updated_at"])
        event = _event(item, Action.ASSIGN, actor, from_state, comment=comment, at=now, data={
            "lead": lead_unit.pk, "lead_name": str(lead_unit),
            "co": [r.unit_id for r in rows[1:]], "co_names": [str(r.unit) for r in rows[1:]],
            "due_date": due_date.isoformat(), "round": item.handling_round})
        _notify(item, event, _unit_users(r.unit_id for r in rows),
                _("新交办的社情民意(%(due)s 前办结)") % {"due": due_date.isoformat()}, task="handle")
        # The deputy follows the item: told who handles it and by when (not the internal 交办意见).
        co_names = "、".join(r.unit.name for r in rows[1:])
        _notify(item, event, _deputies(item),
                _("社情民意已交办%(unit)s办理(%(due)s 前办结)") % {
                    "unit": lead_unit.short_name or lead_unit.name, "due": due_date.isoformat()},
                _("主办单位:%(lead)s;协办单位:%(co)s;办理期限:%(due)s。") % {
                    "lead": lead_unit.name, "co": co_names or _("无"), "due": due_date.isoformat()},
                part="deputy")
    return item


def item_bulk_assign(*, items, actor, lead_unit, co_units=(), due_date=None, comment: str = ""):
    """批量交办: each item in its own transaction; returns (assigned items, [(item, message)] refused)."""
    done, refused = [], []
    for item in items:
        try:
            done.append(item_assign(item=item, actor=actor, lead_unit=lead_unit, co_units=co_units,
                                    due_date=due_date, comment=comment))
        except WorkflowError as exc:
            refused.append((item, exc.message))
    return done, refused


def item_recall(*, item, actor, comment: str) -> Item:
    """撤回交办: staff take an item back from the units to 研处 (e.g. assigned to the wrong unit)."""
    comment = _text(comment, _("撤回原因"))
    with transaction.atomic():
        item, _kinds = _lock(item, Action.RECALL, actor)
        now = timezone.now()
        units = _current_units(item)
        _back_to_research(item, now)
        item.save(update_fields=["state", "lead_unit", "stage_due", "updated_at"])
        event = _event(item, Action.RECALL, actor, State.HANDLING, comment=comment, at=now)
        _notify(item, event, _unit_users(units), _("社情民意已撤回交办"))
    return item


def _back_to_research(item, now):
    Assignment.objects.filter(item=item, is_current=True, cancelled_at__isnull=True).update(cancelled_at=now)
    _void_pending_requests(item, now)
    item.state = State.RESEARCH
    item.lead_unit = None
    item.stage_due = due_in_workdays(timezone.localdate(now), ItemSettings.load().research_workdays)


# ---------------------------------------------------------------------------------------------
# 办理


def item_add_progress(*, item, actor, comment: str, files=()) -> Item:
    """办理进展: a unit's progress note (no state change); the deputy follows it."""
    comment = _text(comment, _("进展情况"))
    with transaction.atomic():
        item, _kinds = _lock(item, Action.PROGRESS, actor)
        event = _event(item, Action.PROGRESS, actor, item.state, comment=comment, unit=actor.unit)
        _attach(item, event, files, actor)
        _notify(item, event, _deputies(item), _("社情民意有新的办理进展"))
    return item


def _pending(item, kind):
    return HandlingRequest.objects.filter(item=item, kind=kind, status=RequestStatus.PENDING)


def item_request_return(*, item, actor, reason: str, today: datetime.date | None = None) -> Item:
    """申请退回: the lead unit says it was wrongly assigned; only within the return window
    (working days after assignment). Staff decide (item_decide_return)."""
    reason = _text(reason, _("退回理由"))
    today = today or timezone.localdate()
    with transaction.atomic():
        item, _kinds = _lock(item, Action.REQUEST_RETURN, actor)
        assignment = current_assignment(item, actor.unit_id)
        window = ItemSettings.load().return_window_workdays
        if workdays_between(timezone.localtime(assignment.assigned_at).date(), today) > window:
            raise WorkflowError(_("已超过交办后 %(n)s 个工作日的申请退回期限。") % {"n": window})
        if _pending(item, RequestKind.RETURN).exists():
            raise StaleState(_("已有待审批的退回申请,请勿重复提交。"))
        request = HandlingRequest.objects.create(item=item, assignment=assignment, kind=RequestKind.RETURN,
                                                 reason=reason, requested_by=actor)
        event = _event(item, Action.REQUEST_RETURN, actor, item.state, comment=reason, unit=actor.unit,
                       data={"request": request.pk})
        _notify(item, event, _holding_staff(item), _("承办单位申请退回"), task=_request_task(request))
    return item


def item_decide_return(*, item, actor, request, approve: bool, comment: str = "") -> Item:
    """审批退回申请: approve → back to 研处中 (assignments cancelled); refuse → the unit keeps it."""
    comment = _text(comment, _("审批意见"), required=not approve)
    with transaction.atomic():
        item, _kinds = _lock(item, Action.DECIDE_RETURN, actor)
        request = _pending(item, RequestKind.RETURN).select_for_update().filter(
            pk=getattr(request, "pk", request)).first()
        if request is None:
            raise StaleState(_("该申请已被处理,请刷新后查看。"))
        now = timezone.now()
        units = _current_units(item)
        request.status = RequestStatus.APPROVED if approve else RequestStatus.REFUSED
        request.decided_by, request.decided_at, request.decision_comment = actor, now, comment
        request.save(update_fields=["status", "decided_by", "decided_at", "decision_comment"])
        if approve:
            _back_to_research(item, now)
            item.save(update_fields=["state", "lead_unit", "stage_due", "updated_at"])
        event = _event(item, Action.DECIDE_RETURN, actor, State.HANDLING, comment=comment, at=now,
                       data={"request": request.pk, "approved": approve})
        _notify(item, event, _unit_users(units),
                _("退回申请已同意") if approve else _("退回申请未同意,请继续办理"))
    return item


def item_request_extension(*, item, actor, days: int, reason: str) -> Item:
    """申请延期: a unit asks for more working days (at most the configured maximum in total)."""
    reason = _text(reason, _("延期理由"))
    with transaction.atomic():
        item, _kinds = _lock(item, Action.REQUEST_EXTENSION, actor)
        assignment = current_assignment(item, actor.unit_id)
        left = ItemSettings.load().extension_max_workdays - assignment.extension_days
        if not days or days < 1 or days > left:
            raise WorkflowError(_("延期天数应为 1 到 %(n)s 个工作日。") % {"n": max(left, 0)})
        if assignment.handled_at is not None:
            raise StaleState(_("本单位已提交办理结果,无需延期。"))
        if _pending(item, RequestKind.EXTENSION).filter(assignment=assignment).exists():
            raise StaleState(_("已有待审批的延期申请,请勿重复提交。"))
        request = HandlingRequest.objects.create(item=item, assignment=assignment, kind=RequestKind.EXTENSION,
                                                 reason=reason, days=days, requested_by=actor)
        event = _event(item, Action.REQUEST_EXTENSION, actor, item.state, comment=reason, unit=actor.unit,
                       data={"request": request.pk, "days": days})
        _notify(item, event, _holding_staff(item), _("承办单位申请延期 %(n)s 个工作日") % {"n": days},
                task=_request_task(request))
    return item


def item_decide_extension(*, item, actor, request, approve: bool, days: int | None = None,
                          comment: str = "") -> Item:
    """审批延期申请: approve adds working days to that unit's due date (the item's too, for the lead)."""
    comment = _text(comment, _("审批意见"), required=not approve)
    with transaction.atomic():
        item, _kinds = _lock(item, Action.DECIDE_EXTENSION, actor)
        request = _pending(item, RequestKind.EXTENSION).select_for_update().filter(
            pk=getattr(request, "pk", request)).first()
        if request is None:
            raise StaleState(_("该申请已被处理,请刷新后查看。"))
        assignment = Assignment.objects.select_for_update().get(pk=request.assignment_id)
        now = timezone.now()
        data = {"request": request.pk, "approved": approve}
        if approve:
            days = days or request.days
            left = ItemSettings.load().extension_max_workdays - assignment.extension_days
            if days < 1 or days > left:
                raise WorkflowError(_("延期天数应为 1 到 %(n)s 个工作日。") % {"n": max(left, 0)})
            assignment.due_date = due_in_workdays(assignment.due_date, days)
            assignment.extension_days += days
            assignment.save(update_fields=["due_date", "extension_days"])
            if assignment.role == UnitRole.LEAD:
                item.stage_due = assignment.due_date
                item.save(update_fields=["stage_due", "updated_at"])
            data.update(days=days, due_date=assignment.due_date.isoformat())
        request.status = RequestStatus.APPROVED if approve else RequestStatus.REFUSED
        request.decided_by, request.decided_at, request.decision_comment = actor, now, comment
        request.save(update_fields=["status", "decided_by", "decided_at", "decision_comment"])
        event = _event(item, Action.DECIDE_EXTENSION, actor, item.state, comment=comment, at=now, data=data)
        _notify(item, event, _unit_users([assignment.unit_id]),
                _("延期申请已同意,新期限 %(d)s") % {"d": assignment.due_date.isoformat()} if approve
                else _("延期申请未同意"))
        if approve:
            unit = assignment.unit
            _notify(item, event, _deputies(item),
                    _("延期获批,新的办理期限 %(d)s") % {"d": assignment.due_date.isoformat()},
                    _("%(unit)s申请延期 %(n)s 个工作日,已获批准,办理期限延至 %(d)s。") % {
                        "unit": unit.name, "n": days, "d": assignment.due_date.isoformat()},
                    part="deputy")
    return item


def item_submit_result(*, item, actor, result: str, files=()) -> Item:
    """提交办理结果. A co-unit (协办) submits its opinion to the lead unit (no state change); the lead
    unit's (主办) result is the reply the deputy gets, and goes to staff for review (→ 待审核)."""
    result = _text(result, _("办理结果"))
    with transaction.atomic():
        pk = item.pk if isinstance(item, Item) else item
        probe = Item.objects.select_for_update().get(pk=pk)
        is_lead = Actor.LEAD_UNIT in actor_kinds(actor, probe)
        action = Action.SUBMIT_RESULT if is_lead else Action.SUBMIT_PART
        item, _kinds = _lock(pk, action, actor)
        now = timezone.now()
        assignment = current_assignment(item, actor.unit_id)
        if assignment.handled_at is not None and not is_lead:
            raise StaleState(_("本单位已提交协办意见。"))
        assignment.handled_at, assignment.result = now, result
        assignment.save(update_fields=["handled_at", "result"])
        if is_lead:
            _void_pending_requests(item, now)
            item.state = State.REVIEW
            item.reply, item.replied_at = result, now
            item.stage_due = None
            item.save(update_fields=["state", "reply", "replied_at", "stage_due", "updated_at"])
        event = _event(item, action, actor, State.HANDLING, comment=result, unit=actor.unit, at=now,
                       data={"on_time": timezone.localdate(now) <= assignment.due_date})
        _attach(item, event, files, actor)
        if is_lead:
            _notify(item, event, _holding_staff(item), _("办理结果待审核"), task="review")
        else:
            lead = item.lead_unit_id
            _notify(item, event, _unit_users([lead] if lead else []), _("协办单位已提交意见"), task="handle")
    return item


# ---------------------------------------------------------------------------------------------
# 反馈 and 评价


def item_review_reply(*, item, actor, approve: bool, comment: str = "") -> Item:
    """Staff check the lead unit's reply: approve → 反馈 to the deputy (待评价); refuse → 退回重办."""
    action = Action.PASS_ON if approve else Action.SEND_BACK
    comment = _text(comment, _("退回重办意见"), required=not approve)
    with transaction.atomic():
        item, _kinds = _lock(item, action, actor)
        now = timezone.now()
        if approve:
            _to_evaluation(item, item.reply, now)
            item.save(update_fields=["state", "replied_at", "stage_due", "evaluation_due", "updated_at"])
            event = _event(item, action, actor, State.REVIEW, comment=comment, at=now,
                           data={"evaluation_due": item.evaluation_due.isoformat()})
            # Not the event's comment: a review note (审核意见) is for staff and never reaches the deputy.
            _notify(item, event, _deputies(item), _("社情民意已办理答复,请评价"),
                    _("%(reply)s\n请在 %(d)s 前查看答复并评价。") % {
                        "reply": item.reply[:400], "d": item.evaluation_due.isoformat()},
                    task="evaluate")
        else:
            lead = Assignment.objects.filter(item=item, is_current=True, role=UnitRole.LEAD,
                                             cancelled_at__isnull=True).first()
            lead.handled_at = None
            lead.save(update_fields=["handled_at"])
            item.state = State.HANDLING
            item.stage_due = lead.due_date
            item.save(update_fields=["state", "stage_due", "updated_at"])
            event = _event(item, action, actor, State.REVIEW, comment=comment, at=now)
            _notify(item, event, _unit_users([lead.unit_id]), _("办理结果被退回重办"), task="handle")
    return item


def item_evaluate(*, item, actor, satisfaction: str, comment: str = "",
                  due_date: datetime.date | None = None) -> Item:
    """The deputy evaluates: 满意/基本满意 → 已办结; 不满意 → 重新办理 (a new round with a new due date;
    back to 研处 when it was a direct answer); the second 不满意 → 待督办办结 (staff close it, 督办).
    For a deputy without a login, staff in scope record the deputy's answer (代为评价, marked so)."""
    if satisfaction not in Satisfaction.values:
        raise WorkflowError(_("请选择评价结果。"))
    comment = _text(comment, _("评价意见"), required=satisfaction == Satisfaction.DISSATISFIED)
    with transaction.atomic():
        item, kinds = _lock(item, Action.EVALUATE, actor)
        on_behalf = Actor.DEPUTY not in kinds
        now = timezone.now()
        today = timezone.localdate(now)
        item.satisfaction, item.satisfaction_deemed = satisfaction, False
        item.evaluation_comment, item.evaluated_at = comment, now
        fields = ["state", "satisfaction", "satisfaction_deemed", "evaluation_comment", "evaluated_at",
                  "evaluation_due", "updated_at"]
        item.evaluation_due = None
        data = {"satisfaction": satisfaction}
        if on_behalf:
            data["on_behalf"] = True
            comment = _("(工作人员代为录入代表评价)") + (f" {comment}" if comment else "")
        # Staff at the level that holds it are told; the lead unit that answered is told the result.
        answered_by, rating = item.lead_unit_id, Satisfaction(satisfaction).label
        title, task = _("代表已评价:%(rating)s") % {"rating": rating}, ""
        units, unit_title, unit_task = [answered_by] if answered_by else [], _("代表评价:%(rating)s") % {
            "rating": rating}, ""
        if satisfaction != Satisfaction.DISSATISFIED:
            item.state, item.concluded_at, item.conclusion = State.CLOSED, now, Conclusion.EVALUATED
            fields += ["concluded_at", "conclusion"]
        else:
            item.dissatisfied_count += 1
            fields.append("dissatisfied_count")
            last = list(Assignment.objects.filter(item=item, is_current=True, cancelled_at__isnull=True)
                        .select_related("unit").order_by("role", "id"))
            if item.dissatisfied_count >= 2:
                item.state, item.stage_due = State.SUPERVISION, None
                item.supervised = True
                fields += ["stage_due", "supervised"]
                title, task = _("代表再次不满意,请督办办结"), "supervise"
                unit_title = _("代表再次评价不满意,转督办办结")
            elif last:
                lead = next((a.unit for a in last if a.role == UnitRole.LEAD), last[0].unit)
                due = _check_due(due_date, today)
                _create_round(item, lead_unit=lead, co_units=[a.unit for a in last if a.unit_id != lead.pk],
                              due_date=due, actor=actor, now=now)
                item.state = State.HANDLING
                fields += ["lead_unit", "stage_due", "handling_round"]
                data.update(due_date=due.isoformat(), round=item.handling_round)
                title = _("代表不满意,已交原承办单位重新办理(%(due)s 前)") % {"due": due.isoformat()}
                units = [a.unit_id for a in last]
                unit_title = _("代表评价不满意,请重新办理(%(due)s 前)") % {"due": due.isoformat()}
                unit_task = "handle"
            else:
                item.state = State.RESEARCH
                item.stage_due = due_in_workdays(today, ItemSettings.load().research_workdays)
                fields.append("stage_due")
                title, task = _("代表对直接答复不满意,请重新研处"), "research"
        item.save(update_fields=fields)
        event = _event(item, Action.EVALUATE, actor, State.EVALUATION, comment=comment, at=now, data=data)
        _notify(item, event, _holding_staff(item), title, task=task)
        if units:
            body = _("评价结果:%(rating)s。") % {"rating": rating} + (
                _("评价意见:%(comment)s") % {"comment": comment} if comment else "")
            _notify(item, event, _unit_users(units), unit_title, body, task=unit_task, part="units")
    return item


def item_deem_satisfied(*, item, actor=None, today: datetime.date | None = None) -> Item:
    """逾期未评价视为满意: closes an item whose evaluation window has passed, as deemed 满意. Called by
    the scheduled job with actor=None (系统); refused before the window has passed."""
    today = today or timezone.localdate()
    with transaction.atomic():
        item, _kinds = _lock(item, Action.DEEM_SATISFIED, actor)
        if item.evaluation_due is None or item.evaluation_due >= today:
            raise WorkflowError(_("评价期限未到,不能视为满意。"))
        now = timezone.now()
        item.state, item.concluded_at, item.conclusion = State.CLOSED, now, Conclusion.DEEMED
        item.satisfaction, item.satisfaction_deemed, item.evaluated_at = Satisfaction.SATISFIED, True, now
        item.save(update_fields=["state", "concluded_at", "conclusion", "satisfaction", "satisfaction_deemed",
                                 "evaluated_at", "updated_at"])
        event = _event(item, Action.DEEM_SATISFIED, actor, State.EVALUATION, at=now,
                       comment=_("评价期限(%(d)s)已过,视为满意并自动办结。") % {"d": item.evaluation_due.isoformat()})
        _notify(item, event, _deputies(item), _("社情民意逾期未评价,视为满意"))
    return item


def item_close_supervised(*, item, actor, comment: str) -> Item:
    """督办办结: after the second 不满意 staff close the item, flagged for supervision."""
    comment = _text(comment, _("督办意见"))
    with transaction.atomic():
        item, _kinds = _lock(item, Action.CLOSE_SUPERVISED, actor)
        now = timezone.now()
        item.state, item.concluded_at, item.conclusion = State.CLOSED, now, Conclusion.SUPERVISED
        item.supervised = True
        item.save(update_fields=["state", "concluded_at", "conclusion", "supervised", "updated_at"])
        event = _event(item, Action.CLOSE_SUPERVISED, actor, State.SUPERVISION, comment=comment, at=now)
        _notify(item, event, _deputies(item) + _unit_users([item.lead_unit_id] if item.lead_unit_id else []),
                _("社情民意已督办办结"))
    return item


def items_deem_satisfied_due(*, today: datetime.date | None = None) -> int:
    """For the scheduled job: deem every item past its evaluation window; returns how many closed.
    Safe to run twice (the second run finds nothing; a concurrent run loses with StaleState)."""
    today = today or timezone.localdate()
    closed = 0
    for pk in Item.objects.filter(state=State.EVALUATION, evaluation_due__lt=today).values_list("pk", flat=True):
        try:
            item_deem_satisfied(item=pk, actor=None, today=today)
            closed += 1
        except WorkflowError:
            continue
    return closed
