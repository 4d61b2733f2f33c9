"""Reads for the scheduled jobs and the notification pages. The opinion-item tables belong to
`petitions`; these queries only read them (by the definitions in petitions/models.py's docstring)."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field

from django.contrib.postgres.aggregates import ArrayAgg
from django.db.models import CharField, Count, Exists, F, Min, OuterRef, Prefetch, Q, Value
from django.db.models.functions import Cast, Concat

from accounts.choices import Role
from core.loops import overdue_q
from core.workdays import workdays_between

from .models import Delivery, Notification

# ------------------------------------------------------------------ notification centre


def notifications_for_list(user, *, unread_only: bool = False):
    qs = Notification.objects.for_user(user)
    if unread_only:
        qs = qs.unread()
    return qs.only("id", "title", "body", "url", "kind", "created_at", "read_at")


def unread_query(user):
    """The user's unread notifications (the navigation badge, `core.nav.NavItem.count_query`)."""
    if not user.is_authenticated:
        return Notification.objects.none()
    return Notification.objects.for_user(user).unread()


def unread_count(user) -> int:
    return unread_query(user).count()


def notifications_for_monitor(*, status: str = ""):
    """The staff view (投递监控): every notification with its delivery rows, filtered by a status."""
    qs = Notification.objects.select_related("recipient", "recipient_deputy", "recipient_unit").prefetch_related(
        Prefetch("deliveries", queryset=Delivery.objects.order_by("channel")))
    if status == "undeliverable":
        qs = qs.undeliverable()
    elif status:
        qs = qs.filter(Exists(Delivery.objects.filter(notification=OuterRef("pk"), status=status)))
    return qs


# ------------------------------------------------------------------ people


def users_with_role(role: str):
    from accounts.models import User

    return User.objects.filter(groups__name=role, is_active=True).distinct().order_by("pk")


def leaders():
    return users_with_role(Role.LEADER)


def district_staff():
    return users_with_role(Role.DISTRICT_STAFF)


def deputies_missing_month(month: dt.date):
    """In-office deputies (在任) with no collected item counting for `month` (月度报送)."""
    from deputies.models import Deputy
    from petitions.models import Item

    has_item = Item.objects.collected().filter(deputy=OuterRef("pk"), period=month)
    return Deputy.objects.in_office().filter(~Exists(has_item)).select_related("user").order_by("pk")


def group_missing_lists(missing_ids) -> list[tuple]:
    """For each group with members who have not submitted: (group, leaders as Deputy rows, names)."""
    from groups.models import DeputyGroup, GroupMembership

    missing = defaultdict(list)
    for group_id, name in (GroupMembership.objects.filter(deputy_id__in=missing_ids)
                           .order_by("group_id", "deputy__name_pinyin").values_list("group_id", "deputy__name")):
        missing[group_id].append(name)
    if not missing:
        return []
    leads = defaultdict(list)
    for m in (GroupMembership.objects.filter(group_id__in=missing.keys(), role__in=GroupMembership.LEADING_ROLES)
              .select_related("deputy__user")):
        leads[m.group_id].append(m.deputy)
    groups = DeputyGroup.objects.in_bulk(list(missing.keys()))
    return [(groups[g], leads[g], names) for g, names in missing.items() if leads[g]]


# ------------------------------------------------------------------ overdue and due soon


def due_soon_limit(today: dt.date) -> dt.date:
    """The last due date that counts as due soon (即将逾期): the petitions definition."""
    from petitions.selectors import due_soon_limit as limit

    return limit(today)


def escalation_cutoff(today: dt.date, workdays: int) -> dt.date:
    """Due dates before the returned day are overdue by more than `workdays` working days."""
    day = today
    while workdays_between(day - dt.timedelta(days=1), today) <= workdays:
        day -= dt.timedelta(days=1)
    return day


def _open_assignments():
    from petitions.choices import State
    from petitions.models import Assignment

    return Assignment.objects.filter(is_current=True, cancelled_at__isnull=True, handled_at__isnull=True,
                                     item__state=State.HANDLING)


@dataclass
class UnitAlert:
    unit_id: int
    overdue: list = field(default_factory=list)  # (item_id, title, due_date)
    due_soon: list = field(default_factory=list)


def unit_alerts(today: dt.date) -> list[UnitAlert]:
    """Per unit, its open assignments that are overdue or due soon, grouped in SQL (one row per unit)."""
    soon = due_soon_limit(today)
    line = Concat(Cast("item_id", CharField()), Value("\t"), Cast("due_date", CharField()), Value("\t"),
                  F("item__title"), output_field=CharField())
    rows = (_open_assignments().filter(due_date__lte=soon).values("unit_id")
            .annotate(overdue=ArrayAgg(line, filter=overdue_q("due_date", today), order_by=("due_date", "item_id"),
                                       default=Value([])),
                      due_soon=ArrayAgg(line, filter=Q(due_date__gte=today), order_by=("due_date", "item_id"),
                                        default=Value([])))
            .order_by("unit_id"))

    def parse(lines):
        out = []
        for text in lines:
            item_id, due, title = text.split("\t", 2)
            out.append((int(item_id), dt.date.fromisoformat(due), title))
        return out

    return [UnitAlert(r["unit_id"], parse(r["overdue"]), parse(r["due_soon"])) for r in rows]


def overdue_by_unit(today: dt.date) -> list[dict]:
    """The staff's list: overdue open assignments counted per unit, most first."""
    return list(_open_assignments().filter(overdue_q("due_date", today)).values("unit_id", "unit__name")
                .annotate(count=Count("id"), oldest=Min("due_date")).order_by("-count", "unit__name"))


def research_overdue_count(today: dt.date) -> int:
    """Items late in 研处 (the staff's own stage)."""
    from petitions.choices import State
    from petitions.models import Item

    return Item.objects.filter(overdue_q("stage_due", today), state__in=(State.SUBMITTED, State.RESEARCH)).count()


def escalation_candidates(today: dt.date, workdays: int):
    """Lead assignments overdue by more than `workdays` working days: (assignment id, item id, due, title, unit)."""
    from petitions.choices import UnitRole

    cutoff = escalation_cutoff(today, workdays)
    return (_open_assignments().filter(role=UnitRole.LEAD, due_date__lt=cutoff)
            .values_list("id", "item_id", "due_date", "item__title", "unit__name").order_by("due_date", "item_id"))


def unevaluated_item_ids(today: dt.date) -> list[int]:
    """Replies whose evaluation window has passed (评价截止日期 before today), by the petitions selector."""
    from petitions.selectors import items_awaiting_deemed_evaluation

    return list(items_awaiting_deemed_evaluation(today).order_by("pk").values_list("pk", flat=True))


# ------------------------------------------------------------------ weekly digest


def week_bounds(day: dt.date) -> tuple[dt.date, dt.date]:
    """The last complete week (Monday to Sunday) before `day`'s week."""
    monday = day - dt.timedelta(days=day.weekday())
    return monday - dt.timedelta(days=7), monday - dt.timedelta(days=1)


def _day_range(start: dt.date, end: dt.date):
    from django.utils import timezone

    tz = timezone.get_current_timezone()
    return (dt.datetime.combine(start, dt.time.min, tzinfo=tz),
            dt.datetime.combine(end + dt.timedelta(days=1), dt.time.min, tzinfo=tz))


def district_week_figures(start: dt.date, end: dt.date) -> dict:
    """The week's activity for the leaders, in one query: items collected (submitted, by the dashboards'
    definition) and items concluded (reached 已办结) during the week. The year's figures come from the
    dashboards (`dashboards.selectors`), not from here."""
    from petitions.choices import NOT_COLLECTED_STATES, State
    from petitions.models import Item

    lo, hi = _day_range(start, end)
    return Item.objects.aggregate(
        collected_week=Count("pk", filter=Q(submitted_at__gte=lo, submitted_at__lt=hi)
                             & ~Q(state__in=NOT_COLLECTED_STATES)),
        concluded_week=Count("pk", filter=Q(state=State.CLOSED, concluded_at__gte=lo, concluded_at__lt=hi)),
    )
