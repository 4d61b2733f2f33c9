"""Reads for opinion items: the work lists (boxes) with their navigation counts, list filters, the
export, the monthly quota, and the due-soon/overdue selectors the scheduled jobs use."""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.db.models import Case, CharField, Count, Exists, OuterRef, Prefetch, Q, QuerySet, Subquery, Sum, Value, When
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.choices import STAFF_ROLES, Role
from core import loops
from core.loops import overdue_q
from core.queries import Prepared
from deputies.models import Deputy

from .choices import CLOCKED_STATES, NOT_COLLECTED_STATES, STAGE_STATES, Action, RequestStatus, State, UnitRole
from .models import Assignment, Attachment, HandlingRequest, Item, ItemEvent, ItemSettings, deputy_item_ids, item_number_sql

DEPUTY_ROLES = frozenset({Role.DEPUTY, Role.GROUP_LEADER})
UNIT_ROLES = frozenset({Role.UNIT})
EVERYONE = frozenset(Role.values)


@dataclass(frozen=True)
class Box:
    """A work list (工作箱): which items, for which roles, under which menu label."""

    key: str
    label: str
    roles: frozenset
    icon: str


BOXES: dict[str, Box] = {b.key: b for b in [
    # Not for a committee member as such: the items they enter through 双联 are followed on the contact page.
    Box("all", _("社情民意"), EVERYONE - DEPUTY_ROLES - {Role.COMMITTEE_MEMBER}, "chat-square-text"),
    Box("mine", _("我的社情民意"), DEPUTY_ROLES, "chat-square-text"),
    Box("evaluate", _("待评价"), DEPUTY_ROLES, "star-half"),
    Box("research", _("待研处"), STAFF_ROLES, "search"),
    Box("review", _("待审核反馈"), STAFF_ROLES, "clipboard-check"),
    Box("requests", _("延期/退回申请"), STAFF_ROLES, "hourglass-split"),
    Box("overdue", _("已逾期"), STAFF_ROLES | UNIT_ROLES, "exclamation-triangle"),
    Box("todo", _("待办理"), UNIT_ROLES, "inbox"),
    Box("due_soon", _("即将逾期"), UNIT_ROLES, "alarm"),
]}


def due_soon_limit(today: datetime.date) -> datetime.date:
    """The last day that still counts as 即将逾期 (within N working days, DOMAIN.md: 2)."""
    return loops.due_soon_limit(today, workdays=ItemSettings.load().due_soon_workdays)


def _due_soon_q(field: str, today: datetime.date) -> Q:
    return loops.due_soon_q(field, today, workdays=ItemSettings.load().due_soon_workdays)


def _open_assignments(unit_id):
    return Assignment.objects.filter(unit_id=unit_id, is_current=True, cancelled_at__isnull=True,
                                     handled_at__isnull=True, item__state=State.HANDLING)


def box_queryset(user, box: str, today: datetime.date | None = None) -> QuerySet:
    """The items of one work list, always within `Item.objects.visible_to(user)`."""
    today = today or timezone.localdate()
    # Only 全部 and 我的 can hold a draft (the author's own); the work lists never do.
    qs = Item.objects.visible_to(user, drafts=box in ("all", "mine"))
    deputy = user.deputy_profile
    is_unit = user.has_role(Role.UNIT) and user.unit_id and not user.is_staff_role
    if box == "mine":
        if deputy is None:
            return qs.none()
        return qs.filter(pk__in=deputy_item_ids(deputy))
    if box == "evaluate":
        return qs.filter(state=State.EVALUATION, deputy=deputy) if deputy else qs.none()
    if box == "research":
        return qs.filter(state__in=STAGE_STATES["research"])
    if box == "review":
        return qs.filter(state__in=[State.REVIEW, State.SUPERVISION])
    if box == "requests":
        return qs.filter(Exists(HandlingRequest.objects.filter(item=OuterRef("pk"), status="pending")))
    if box == "todo":
        return qs.filter(Exists(_open_assignments(user.unit_id).filter(item=OuterRef("pk")))) if is_unit else qs.none()
    if box == "due_soon":
        if not is_unit:
            return qs.filter(_due_soon_q("stage_due", today), state__in=CLOCKED_STATES)
        return qs.filter(Exists(_open_assignments(user.unit_id).filter(
            _due_soon_q("due_date", today), item=OuterRef("pk"))))
    if box == "overdue":
        if is_unit:
            return qs.filter(Exists(_open_assignments(user.unit_id).filter(overdue_q("due_date", today),
                                                                           item=OuterRef("pk"))))
        return qs.filter(overdue_q("stage_due", today), state__in=CLOCKED_STATES)
    return qs


def box_count(box: str):
    """The number of items in one work list, as a function of the user."""

    def count(user) -> int:
        return box_queryset(user, box).count()

    return count


def box_query(box: str):
    """A navigation badge query for `core.nav.NavItem.count_query`: the work list's items."""

    def query(user) -> QuerySet:
        return box_queryset(user, box)

    return query


def filter_items(qs: QuerySet, data: dict, today: datetime.date | None = None) -> QuerySet:
    """Apply the list filters (ItemFilterForm.cleaned_data)."""
    today = today or timezone.localdate()
    if data.get("state"):
        qs = qs.filter(state=data["state"])
    if data.get("stage"):
        qs = qs.filter(state__in=STAGE_STATES.get(data["stage"], ()))
    if data.get("area"):
        qs = qs.filter(area=data["area"])
    if data.get("unit"):
        qs = qs.filter(Exists(Assignment.objects.filter(item=OuterRef("pk"), unit=data["unit"],
                                                        cancelled_at__isnull=True)))
    if data.get("category"):
        qs = qs.filter(category=data["category"])
    if data.get("source"):
        qs = qs.filter(source=data["source"])
    if data.get("month"):
        qs = qs.filter(period=data["month"])
    if data.get("overdue"):
        qs = qs.filter(overdue_q("stage_due", today), state__in=CLOCKED_STATES)
    keyword = (data.get("q") or "").strip()
    if keyword:
        cond = Q(title__icontains=keyword) | Q(content__icontains=keyword) | Q(deputy__name__icontains=keyword)
        digits = keyword.upper().rsplit("-", 1)[-1]
        if digits.isdigit():
            cond |= Q(pk=int(digits))
        qs = qs.filter(cond)
    return qs


def list_total(user, box: str, filtered: bool) -> int | None:
    """The total of an unfiltered "all" list for a district-wide user, without counting a million rows:
    every item but drafts, from the per-state rollup the dashboards keep exact (dashboards/rollup.py),
    plus the user's own drafts (few, by the state index). None when the list is narrower: count it."""
    if box != "all" or filtered or not user.is_district_wide:
        return None
    from dashboards.models import RollupState

    others = RollupState.objects.exclude(state=State.DRAFT).aggregate(n=Sum("items"))["n"] or 0
    mine = Q(entered_by=user)
    if user.deputy_profile is not None:
        mine |= Q(deputy=user.deputy_profile)
    return others + Item.objects.filter(mine, state=State.DRAFT).count()


def item_list(qs: QuerySet) -> QuerySet:
    """What every list row shows, in a fixed number of queries."""
    return qs.select_related("deputy", "area", "lead_unit").order_by("-submitted_at", "-created_at", "-id")


def returned_for_detail(user) -> list[Item]:
    """The deputy's own items sent back for more detail (退回补充), each with `return_reason`, the
    comment of the latest 退回补充 event, for the home panel: one query."""
    deputy = user.deputy_profile
    if deputy is None:
        return []
    reason = (ItemEvent.objects.filter(item=OuterRef("pk"), action=Action.RETURN_FOR_DETAIL)
              .order_by("-created_at", "-id").values("comment")[:1])
    return list(Item.objects.visible_to(user).filter(deputy=deputy, state=State.RETURNED)
                .annotate(return_reason=Subquery(reason)).order_by("-updated_at", "-id")[:10])


def return_reason(item: Item) -> str:
    """Why the item was last sent back for more detail (退回补充), for its edit form."""
    event = ItemEvent.objects.filter(item=item, action=Action.RETURN_FOR_DETAIL).order_by("-created_at", "-id").first()
    return event.comment if event else ""


# ---- co-signing deputies (联名代表) on the item form ------------------------------------------------

CO_SIGNER_LIMIT = 20


def co_signers(user) -> QuerySet:
    """Deputies `user` may name as co-signers (联名代表) of an item: any in-office deputy, for the
    people who file items (deputies and staff); nobody for anyone else (a unit, a leader)."""
    from deputies.models import Deputy

    if not user.is_authenticated or not user.has_role(*DEPUTY_ROLES, *STAFF_ROLES):
        return Deputy.objects.none()
    return Deputy.objects.in_office()


def with_office_labels(qs: QuerySet) -> QuerySet:
    """Deputies with `office_mandates` (in-office, with term and area) prefetched, for `co_signer_label`:
    two people of one name are told apart by area and level. One query more, whatever the rows."""
    from deputies.choices import MandateStatus
    from deputies.models import Mandate

    return qs.select_related("area").prefetch_related(Prefetch(
        "mandates", to_attr="office_mandates",
        queryset=Mandate.objects.filter(status=MandateStatus.IN_OFFICE).select_related("term", "area")
        .order_by("term__level", "-term__number")))


def co_signer_label(deputy) -> str:
    """张伟（东山街道·区人大代表）, or with several mandates 张伟（东山街道·区人大代表;相山区·市人大代表）."""
    mandates = getattr(deputy, "office_mandates", None) or []
    parts = [_("%(area)s·%(level)s人大代表") % {"area": m.area.name, "level": m.term.get_level_display()}
             for m in mandates]
    if not parts and deputy.area_id:
        parts = [deputy.area.name]
    return f"{deputy.name}（{'；'.join(str(p) for p in parts)}）" if parts else deputy.name


def co_signer_candidates(user, text: str, *, exclude=(), limit: int = CO_SIGNER_LIMIT, pool=None) -> list:
    """Co-signers matching `text` (name, full pinyin or initials: the roster's search), not in `exclude`,
    each with `.label`; `limit` + 1 rows so the caller can tell there are more. Two queries.
    `pool`: the deputies to pick from (default `co_signers(user)`; suggestions pass their own scope)."""
    from deputies.search import name_query

    text = (text or "").strip()
    if not text:
        return []
    qs = ((co_signers(user) if pool is None else pool).filter(name_query(text)).exclude(pk__in=list(exclude))
          .order_by("name_pinyin", "pk"))
    found = list(with_office_labels(qs)[:limit + 1])
    for d in found:
        d.label = co_signer_label(d)
    return found


def deputy_typed(user, text: str, *, pool) -> tuple:
    """A single deputy named by typing (staff filing for a deputy, a suggestion's 领衔代表): (the only
    match in `pool`, []) or (None, the first CO_SIGNER_LIMIT matches to choose from; empty: none)."""
    found = co_signer_candidates(user, text, pool=pool)
    if len(found) == 1:
        return found[0], []
    return None, found[:CO_SIGNER_LIMIT]


def co_signers_chosen(user, pks, *, pool=None) -> list:
    """The chosen co-signers (ids from a form) with `.label`, in name order (`pool` as above)."""
    pks = [int(p) for p in pks if str(p).isdigit()]
    if not pks:
        return []
    pool = co_signers(user) if pool is None else pool
    found = list(with_office_labels(pool.filter(pk__in=pks)).order_by("name_pinyin", "pk"))
    for d in found:
        d.label = co_signer_label(d)
    return found


# The item page's reads of one item (issue 16): the same six queries for every item, their SQL compiled
# once per process (core.queries.Prepared) — building and compiling the querysets cost ~5 ms of the page,
# ten times what PostgreSQL takes to answer them.
def _by_item(build) -> Prepared:
    return Prepared(build, "item", ints=("item",))


_EVENTS = _by_item(lambda item: ItemEvent.objects.filter(item_id=item).select_related("actor", "actor_unit")
                   .order_by("created_at", "id"))
_ATTACHMENTS = _by_item(lambda item: Attachment.objects.filter(item_id=item).order_by("id"))
_ASSIGNMENTS = _by_item(lambda item: Assignment.objects.filter(item_id=item).select_related("unit")
                        .order_by("-round", "role", "id"))
_PENDING = _by_item(lambda item: HandlingRequest.objects.filter(item_id=item, status=RequestStatus.PENDING)
                    .select_related("assignment__unit", "requested_by"))
_CO_DEPUTIES = _by_item(lambda item: Deputy.objects.filter(co_items__id=item))
_MERGED = _by_item(lambda item: Item.objects.filter(merged_into_id=item))


@dataclass
class DetailReads:
    events: list  # in time order
    attachments: dict  # {event id: [its files, by id]}
    item_attachments: list  # the files filed with the item itself (when it was entered or edited)
    assignments: list
    pending_requests: list
    co_deputies: list
    merged_items: list


def detail_reads(item: Item) -> DetailReads:
    """Everything the item page reads about `item` besides the item itself, in six queries."""
    if item.pk is None:
        return DetailReads([], {}, [], [], [], [], [])
    pk = item.pk
    events = _EVENTS.all(item=pk)
    by_event: dict = {}
    filed = {e.pk for e in events if e.action in (Action.CREATE, Action.EDIT)}
    files = _ATTACHMENTS.all(item=pk)
    for a in files:
        by_event.setdefault(a.event_id, []).append(a)
    own = sorted((a for a in files if a.event_id in filed), key=lambda a: (a.uploaded_at, a.pk))
    return DetailReads(events, by_event, own, _ASSIGNMENTS.all(item=pk), _PENDING.all(item=pk),
                       _CO_DEPUTIES.all(item=pk), _MERGED.all(item=pk))


def item_detail(user, pk: int) -> Item:
    from django.shortcuts import get_object_or_404

    # Only the relations every item shows: each more table joined cost PostgreSQL more to plan than the
    # whole query takes to run (7 tables: 1.2 ms planning; 5: 0.3 ms). Who entered it on a deputy's
    # behalf and the item it was merged into are read when the page shows them (a few items).
    return get_object_or_404(
        Item.objects.visible_to(user).select_related("deputy", "area", "community", "lead_unit"), pk=pk)


def export_rows(qs: QuerySet):
    """Rows for the .xlsx export (header first), every cell formatted by PostgreSQL: the item number, the
    choice labels (a CASE built from the labels translated now), local times and dates as text, "" for
    what is missing — so each row arrives as a tuple of str and Python does nothing per row (about 2 µs
    of the worker's CPU a row instead of 21 µs; issue 16). Read from a server-side cursor in chunks
    of `EXPORT_CHUNK`; iterate inside a transaction (core.downloads.xlsx_file_write does), or PostgreSQL
    computes the whole result before it sends the first row (a cursor outside one is WITH HOLD)."""
    from core.queries import choice_label, date_text, local_text, text_or_blank

    yield [str(h) for h in (_("编号"), _("标题"), _("类别"), _("来源"), _("提交代表"), _("街道/镇"), _("计入月份"),
                            _("状态"), _("主办单位"), _("提交时间"), _("本环节截止"), _("满意度"), _("办结时间"))]
    columns = {
        "x_number": item_number_sql(),
        "x_category": choice_label(Item, "category"),
        "x_source": choice_label(Item, "source"),
        "x_area": text_or_blank("area__name"),
        "x_period": date_text("period", "YYYY-MM"),
        "x_state": choice_label(Item, "state"),
        "x_unit": text_or_blank("lead_unit__name"),
        "x_submitted": local_text("submitted_at", "YYYY-MM-DD HH24:MI"),
        "x_due": date_text("stage_due"),
        "x_satisfaction": Case(When(satisfaction="", then=Value("")),
                               default=choice_label(Item, "satisfaction", suffix=("satisfaction_deemed", "(视为)")),
                               output_field=CharField()),
        "x_concluded": local_text("concluded_at", "YYYY-MM-DD"),
    }
    yield from (item_list(qs).annotate(**columns)
                .values_list("x_number", "title", "x_category", "x_source", "deputy__name", "x_area", "x_period",
                             "x_state", "x_unit", "x_submitted", "x_due", "x_satisfaction", "x_concluded")
                .iterator(chunk_size=EXPORT_CHUNK))


EXPORT_CHUNK = 5_000


def deputy_quota(deputy, year: int, today: datetime.date | None = None) -> list[dict]:
    """每月一条: for each month of `year` up to now, how many items the deputy filed for it (by the
    month it counts for) and whether the month is met."""
    today = today or timezone.localdate()
    last = 12 if year < today.year else (today.month if year == today.year else 0)
    counts = dict(Item.objects.filter(deputy=deputy, period__year=year).exclude(state__in=NOT_COLLECTED_STATES)
                  .values_list("period__month").annotate(n=Count("id")).values_list("period__month", "n"))
    return [{"month": m, "count": counts.get(m, 0), "met": counts.get(m, 0) > 0} for m in range(1, last + 1)]


# ---- for the scheduled jobs (issue 6) and the dashboards (issue 5) --------------------------------


def assignments_open(unit=None) -> QuerySet:
    """Live assignments still to be handled (current round, not cancelled, no result yet)."""
    qs = Assignment.objects.filter(is_current=True, cancelled_at__isnull=True, handled_at__isnull=True,
                                   item__state=State.HANDLING).select_related("item", "unit")
    return qs.filter(unit=unit) if unit is not None else qs


def assignments_due_soon(today: datetime.date, unit=None) -> QuerySet:
    return assignments_open(unit).filter(_due_soon_q("due_date", today))


def assignments_overdue(today: datetime.date, unit=None) -> QuerySet:
    return assignments_open(unit).filter(overdue_q("due_date", today))


def items_overdue(today: datetime.date, stage: str | None = None) -> QuerySet:
    """Items whose current clocked stage (研处 or 办理) is past its due date."""
    states = STAGE_STATES[stage] if stage else CLOCKED_STATES
    return Item.objects.filter(overdue_q("stage_due", today), state__in=states).select_related("deputy", "area", "lead_unit")


def items_due_soon(today: datetime.date, stage: str | None = None) -> QuerySet:
    states = STAGE_STATES[stage] if stage else CLOCKED_STATES
    return Item.objects.filter(_due_soon_q("stage_due", today), state__in=states)


def overdue_by_unit(today: datetime.date) -> QuerySet:
    """[{unit_id, unit__name, overdue}] for the lead and co-units with overdue open assignments."""
    return (assignments_overdue(today).values("unit_id", "unit__name").annotate(overdue=Count("id"))
            .order_by("-overdue", "unit__name"))


def overdue_by_stage(today: datetime.date) -> dict[str, int]:
    return {stage: items_overdue(today, stage).count() for stage in ("research", "handle")}


def items_awaiting_deemed_evaluation(today: datetime.date) -> QuerySet:
    """Items whose evaluation window has passed (→ workflow.item_deem_satisfied)."""
    return Item.objects.filter(overdue_q("evaluation_due", today), state=State.EVALUATION)


def lead_assignments_ended() -> QuerySet:
    """按期办结率 denominator: lead assignments whose 办理 ended (numerator adds handled_at__date <= due_date)."""
    return Assignment.objects.filter(role=UnitRole.LEAD, handled_at__isnull=False, cancelled_at__isnull=True)
