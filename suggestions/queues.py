"""Work queues (待办) of deputy suggestions: what is waiting for this user, per role.

A queue is a condition on a suggestion (`Box.condition(user, limits)`), always inside
`Suggestion.objects.visible_to(user)`, so a queue is scoped exactly like the list. The list page shows
one queue (`?box=<key>`) and the navigation badge counts them all; both use the same conditions, so a
badge or a tab counts exactly the rows the queue lists.

The deadlines of the conditions depend on `SuggestionSettings` (the due-soon and send-back windows in
working days) and on the holiday calendar. To keep the badge to one query per page, the settings are not
loaded first: `Limits` lists today's answer for every value a setting may take (computed from the holiday
calendar in memory, core.workdays) and picks one in SQL by the setting's value, read by a subquery of the
same statement (`(ARRAY[...])[setting]`).
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.contrib.postgres.fields import ArrayField
from django.db.models import Count, DateField, DateTimeField, Exists, Func, OuterRef, Q, Subquery, Value
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.choices import Role
from core.loops import due_in_workdays
from core.workdays import is_workday

from .choices import REPLYING_ROLES, ConsultationAnswer, RequestKind, RequestStatus, State, UnitRole
from .models import Consultation, CoSigner, Evaluation, HandlingRequest, Suggestion, SuggestionSettings, SuggestionUnit

# The bounds of the two working-day settings (SuggestionSettings validators).
_SOON_RANGE = range(0, 61)
_WINDOW_RANGE = range(1, 61)
_SETTING_DEFAULTS = {f.name: f.default for f in SuggestionSettings._meta.fields
                     if f.name in ("due_soon_workdays", "return_window_workdays")}

# Until it is concluded a 面商 record waits in the deputy's queue (the record can still be confirmed later,
# from the page, choices.TRANSITIONS).
_CONSULTATION_STATES = (State.HANDLING, State.REVIEW, State.ANSWERED, State.SUPERVISION)


def due_soon_limits(today: datetime.date, max_workdays: int = _SOON_RANGE.stop - 1) -> list[datetime.date]:
    """[n]: the last due date that counts as 即将逾期 today with n working days (core.loops.due_soon_limit,
    i.e. due_in_workdays(today, n)), for n = 0..max_workdays in one walk."""
    out = [due_in_workdays(today, 0)]
    day = out[0]
    while len(out) <= max_workdays:
        day += datetime.timedelta(days=1)
        if is_workday(day):
            out.append(day)
    return out


def window_cutoffs(today: datetime.date, max_workdays: int = _WINDOW_RANGE.stop - 1) -> dict[int, datetime.date]:
    """For each n: the earliest assignment date whose n-working-day send-back window still includes
    `today`, i.e. the smallest d with due_in_workdays(d, n) >= today (services.suggestion_request_return).

    due_in_workdays(d, n) >= today exactly when fewer than n working days lie in (d, today), so walking d
    back from today and counting the working days passed gives every n in one walk."""
    out: dict[int, datetime.date] = {}
    day, passed = today, 0  # `passed`: working days in (day, today)
    n = 1
    while n <= max_workdays:
        # `day` qualifies for every n > passed; step back while that still holds for n.
        previous = day - datetime.timedelta(days=1)
        passed_before = passed + (1 if is_workday(day) and day != today else 0)
        if passed_before >= n:
            out[n] = day
            n += 1
            continue
        day, passed = previous, passed_before
    return out


class _Pick(Func):
    """`(ARRAY[...])[i]`: the i-th (1-based) value of a list computed in Python, chosen in SQL."""

    template = "(%(expressions)s]"
    arg_joiner = ")["


def _setting(name: str):
    return Coalesce(Subquery(SuggestionSettings.objects.filter(pk=1).values(name)[:1]),
                    Value(_SETTING_DEFAULTS[name]))


class Limits:
    """Today's dates the conditions compare with, each picked by a setting read in the same query:
    `soon` the last due date that is 即将逾期, `window_from` the earliest assignment time whose send-back
    window is still open."""

    def __init__(self, today: datetime.date):
        self.today = today
        tz = timezone.get_current_timezone()
        soon = due_soon_limits(today)  # index n + 1
        cutoffs = window_cutoffs(today)
        starts = [datetime.datetime.combine(cutoffs[n], datetime.time.min, tz) for n in _WINDOW_RANGE]  # index n
        self.soon = _Pick(Value(soon, output_field=ArrayField(DateField())),
                          _setting("due_soon_workdays") + 1 - _SOON_RANGE.start, output_field=DateField())
        self.window_from = _Pick(Value(starts, output_field=ArrayField(DateTimeField())),
                                 _setting("return_window_workdays") + 1 - _WINDOW_RANGE.start,
                                 output_field=DateTimeField())


# ---------------------------------------------------------------------------------------------
# The queues


# The sets a queue's suggestions belong to are uncorrelated subqueries (`pk__in`): PostgreSQL reads each
# once per query (a hashed subplan) instead of once per suggestion.

def _my_parts(user, **kw):
    """The suggestions of the user's unit's current parts (matching `kw`)."""
    return SuggestionUnit.objects.filter(unit_id=user.unit_id, is_current=True, cancelled_at__isnull=True,
                                         **kw).values("suggestion_id")


def _open_part(user, **kw) -> Q:
    return Q(state=State.HANDLING, pk__in=_my_parts(user, done_at__isnull=True, **kw))


def _pending_requests(kind):
    """The suggestions with a pending request of `kind`: uncorrelated (read once per query, not per row)."""
    return HandlingRequest.objects.filter(kind=kind, status=RequestStatus.PENDING).values("suggestion_id")


def _is_unit(user) -> bool:
    return user.has_role(Role.UNIT) and bool(user.unit_id)


def _is_staff(user) -> bool:
    return user.has_role(Role.ADMIN, Role.DISTRICT_STAFF, Role.AREA_STAFF)


def _is_deputy(user) -> bool:
    return user.deputy_profile is not None


@dataclass(frozen=True)
class Box:
    key: str
    label: str
    who: object  # user -> bool: the queue is one of this user's
    condition: object  # (user, Limits) -> Q on a Suggestion
    hint: str = ""
    # The states every suggestion of the queue is in (or, with none, the indexed condition `pre` it
    # meets): the badge reads only those rows, never the whole table.
    states: tuple = ()
    pre: Q | None = None


BOXES: dict[str, Box] = {b.key: b for b in [
    # Handling units: what my unit still owes in the current round.
    Box("reply", _("待答复"), _is_unit,
        lambda u, lim: _open_part(u, role__in=REPLYING_ROLES),
        _("交办给本单位(主办或分办)、尚未答复的建议。"), (State.HANDLING,)),
    Box("opinion", _("待提交协办意见"), _is_unit,
        lambda u, lim: _open_part(u, role=UnitRole.CO),
        _("本单位协办、尚未向主办单位提交意见的建议。"), (State.HANDLING,)),
    Box("return_window", _("可申请退回"), _is_unit,
        lambda u, lim: _open_part(u, role__in=REPLYING_ROLES, assigned_at__gte=lim.window_from)
        & ~Q(pk__in=_pending_requests(RequestKind.RETURN)),
        _("交办未满规定工作日,交办有误的可申请退回。"), (State.HANDLING,)),
    Box("overdue", _("已逾期"), _is_unit,
        lambda u, lim: _open_part(u, due_date__lt=lim.today),
        _("本单位答复或协办意见已过期限。"), (State.HANDLING,)),
    Box("due_soon", _("即将逾期"), _is_unit,
        lambda u, lim: _open_part(u, due_date__gte=lim.today, due_date__lte=lim.soon),
        _("本单位答复或协办意见期限将至。"), (State.HANDLING,)),
    Box("tracking", _("待报告落实"), _is_unit,
        lambda u, lim: Q(state=State.CONCLUDED, tracking=True)
        & Q(pk__in=_my_parts(u, role__in=REPLYING_ROLES)),
        _("B、C 类答复的计划措施尚未报告落实(跟踪)。"), (), Q(tracking=True)),
    # Staff: the steps that wait for 人大工作人员.
    Box("register", _("待登记"), _is_staff, lambda u, lim: Q(state=State.SUBMITTED),
        _("代表已提交、尚未登记编号的建议。"), (State.SUBMITTED,)),
    Box("examine", _("待审查"), _is_staff, lambda u, lim: Q(state__in=(State.REGISTERED, State.REVIEWING)),
        _("已登记、尚未决定立案、并案或不予立案的建议。"), (State.REGISTERED, State.REVIEWING)),
    Box("assign", _("待交办"), _is_staff, lambda u, lim: Q(state=State.ACCEPTED), _("已立案、尚未交办的建议。"),
        (State.ACCEPTED,)),
    Box("approve", _("答复待审核"), _is_staff, lambda u, lim: Q(state=State.REVIEW),
        _("承办单位已答复、待工作人员审核的建议。"), (State.REVIEW,)),
    Box("extension", _("延期申请"), _is_staff,
        lambda u, lim: Q(state=State.HANDLING, pk__in=_pending_requests(RequestKind.EXTENSION)),
        _("承办单位申请延期答复、待审批。"), (State.HANDLING,)),
    Box("send_back", _("退回申请"), _is_staff,
        lambda u, lim: Q(state=State.HANDLING, pk__in=_pending_requests(RequestKind.RETURN)),
        _("承办单位申请退回、待审批。"), (State.HANDLING,)),
    Box("supervision", _("督办"), _is_staff, lambda u, lim: Q(state=State.SUPERVISION),
        _("代表两次不满意、转督办的建议。"), (State.SUPERVISION,)),
    # Deputies: what waits for me.
    Box("cosign", _("待确认附议"), _is_deputy,
        lambda u, lim: Q(state__in=(State.DRAFT, State.SUBMITTED))
        & Q(pk__in=CoSigner.objects.filter(deputy_id=u.deputy_profile.pk, confirmed_at__isnull=True)
            .values("suggestion_id")),
        _("请您确认附议的建议。"), (State.DRAFT, State.SUBMITTED)),
    Box("consultation", _("待确认面商"), _is_deputy,
        lambda u, lim: Q(lead_deputy_id=u.deputy_profile.pk, state__in=_CONSULTATION_STATES)
        & Q(pk__in=Consultation.objects.filter(answer=ConsultationAnswer.PENDING,
                                               suggestion__lead_deputy_id=u.deputy_profile.pk,
                                               suggestion__state__in=_CONSULTATION_STATES).values("suggestion_id")),
        _("承办单位记录了面商情况,请您确认或提出异议。"), _CONSULTATION_STATES),
    Box("evaluate", _("待评价"), _is_deputy,
        lambda u, lim: Q(state=State.ANSWERED) & (
            Q(lead_deputy_id=u.deputy_profile.pk)
            | (Q(Exists(SuggestionSettings.objects.filter(pk=1, cosigners_evaluate=True)))
               & Q(Exists(CoSigner.objects.filter(suggestion=OuterRef("pk"), deputy_id=u.deputy_profile.pk,
                                                  confirmed_at__isnull=False)))
               & ~Q(Exists(Evaluation.objects.filter(suggestion=OuterRef("pk"), deputy_id=u.deputy_profile.pk,
                                                     round=OuterRef("handling_round")))))),
        _("已答复,请您对办理工作和办理结果分别评价。"), (State.ANSWERED,)),
    Box("drafts", _("我的草稿"), lambda u: _is_deputy(u) or u.has_role(Role.ADMIN, Role.DISTRICT_STAFF),
        lambda u, lim: Q(state=State.DRAFT) & (
            Q(entered_by_id=u.pk) | (Q(lead_deputy_id=u.deputy_profile.pk) if _is_deputy(u) else Q(pk__in=[]))),
        _("尚未提交的建议。"), (State.DRAFT,)),
]}


def boxes_for(user) -> list[Box]:
    """The queues of this user's roles, in order (none for read-only leaders)."""
    if not user.is_authenticated or user.is_read_only:
        return []
    return [b for b in BOXES.values() if b.who(user)]


def box_queryset(user, key: str, today: datetime.date | None = None):
    """Exactly the suggestions of one queue (scoped like the list). An unknown key or one not of the
    user's roles: none."""
    today = today or timezone.localdate()
    box = BOXES.get(key)
    if box is None or box not in boxes_for(user):
        return Suggestion.objects.none()
    return Suggestion.objects.visible_to(user).filter(box.condition(user, Limits(today)))


def queue_counts(user, today: datetime.date | None = None, *, memo: bool = False) -> dict:
    """{key: count} of each of the user's queues and "any": the suggestions in at least one, in ONE
    aggregate query. `memo`: keep the answer on the user object for the rest of the request, so the list
    page's tabs and the navigation badge share the one query."""
    if memo and "_suggestion_queue_counts" in user.__dict__:
        return user.__dict__["_suggestion_queue_counts"]
    counts = _queue_counts(user, today)
    if memo:
        user.__dict__["_suggestion_queue_counts"] = counts
    return counts


def _conditions(user, today, boxes):
    """({key: condition} of each queue, the condition of being in any, a cheap pre-filter on state)."""
    lim = Limits(today or timezone.localdate())
    conds = {b.key: b.condition(user, lim) for b in boxes}
    anyq = Q(pk__in=[])
    for box in boxes:
        anyq |= conds[box.key]
    pre = Q(state__in=sorted({state for box in boxes for state in box.states}))
    for box in boxes:
        if box.pre is not None:
            pre |= box.pre
    return conds, anyq, pre


def _queue_counts(user, today):
    boxes = boxes_for(user)
    if not boxes:
        return {"any": 0}
    conds, anyq, pre = _conditions(user, today, boxes)
    # Aliased apart from the model's fields (a queue and a field may share a name, e.g. tracking).
    row = Suggestion.objects.visible_to(user).filter(pre).aggregate(
        **{f"box_{k}": Count("pk", filter=c) for k, c in conds.items()}, box_any=Count("pk", filter=anyq))
    return {k.removeprefix("box_"): n for k, n in row.items()}


def nav_query(user, today: datetime.date | None = None):
    """The navigation badge of 代表建议 (core.nav.NavItem.count_query): the suggestions in at least one
    of the user's queues — queue_counts()["any"] as rows."""
    boxes = boxes_for(user)
    if not boxes:
        return Suggestion.objects.none()
    _conds, anyq, pre = _conditions(user, today, boxes)
    return Suggestion.objects.visible_to(user).filter(pre).filter(anyq)


