"""Every figure of the leader dashboards (统计看板), computed in SQL.

Definitions (DOMAIN.md "The numbers leaders watch"; petitions/models.py says which columns):

- All figures are over the items **collected** (收集) in the period and scope: ``submitted_at`` on a day
  of the period (local time, both ends included), state not draft / withdrawn / merged.
- 办结数: of those, state 已办结. 在办数: of those, not yet 已办结.
- 满意率: (满意 + 基本满意) / evaluated (``evaluated_at`` set; deemed evaluations are stored as 满意).
- 按期办结率: lead assignments (主办, not cancelled) of those items whose 办理 has ended (``handled_at``
  set): ended on or before ``due_date`` (which already includes approved extensions) / all ended.
  Counted per assignment, so an item handled in two rounds counts twice.
- 逾期数: of those items, the ones overdue today: in 研处 or 办理 with ``stage_due`` before today.
  Per unit: the unit's open current lead assignment is past its ``due_date`` while the item is 办理中.
- A unit's items: items whose current lead assignment (主办, current round, not cancelled) is that unit.
- 月度报送率: over the months of the period (up to the current month), deputy-months where an in-office
  deputy (in scope, mandate begun by the month's end) submitted at least one collected item counting
  for that month (``Item.period``) / deputy-months owed. Not defined for a unit scope (null).

Rates are percent with one decimal, rounded half up, None where the denominator is 0 (`rate`).
Every function runs a fixed number of queries, whatever the data size.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from django.db import connection
from django.db.models import Count, Exists, F, FloatField, OuterRef, Q, Value
from django.db.models.functions import Cast, Coalesce, TruncMonth
from django.utils import timezone

from areas.models import Area
from deputies.choices import MandateStatus
from deputies.models import Deputy, Mandate
from groups.models import GroupMembership
from petitions.choices import CLOCKED_STATES, NOT_COLLECTED_STATES, OPEN_STATES, Category, Satisfaction, State, UnitRole
from petitions.models import Assignment, Item

from .periods import Period, Scope

SATISFIED = (Satisfaction.SATISFIED, Satisfaction.BASIC)
RESEARCH_STATES = (State.SUBMITTED, State.RESEARCH)


def rate(numerator: int, denominator: int) -> Decimal | None:
    """Percent with one decimal, rounded half up (4236 / 4530 → 93.5); None when nothing to divide by."""
    if not denominator:
        return None
    return (Decimal(numerator) * 100 / Decimal(denominator)).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)


def today() -> datetime.date:
    return timezone.localdate()


# ---------------------------------------------------------------- item filters (shared by all figures)

def period_q(period: Period, prefix: str = "") -> Q:
    lo, hi = period.bounds()
    return Q(**{f"{prefix}submitted_at__gte": lo, f"{prefix}submitted_at__lt": hi})


def collected_q(prefix: str = "") -> Q:
    return Q(**{f"{prefix}submitted_at__isnull": False}) & ~Q(**{f"{prefix}state__in": NOT_COLLECTED_STATES})


def current_lead(unit_id, item_ref: str = "pk"):
    """Exists: the item's current lead assignment (主办, current round, not cancelled) is `unit_id`."""
    return Exists(Assignment.objects.filter(item_id=OuterRef(item_ref), unit_id=unit_id, role=UnitRole.LEAD,
                                            is_current=True, cancelled_at__isnull=True))


def unit_overdue_q(unit_id, day: datetime.date, item_ref: str = "pk") -> Q:
    """The item is 办理中 and the unit's open current lead assignment is past due."""
    late = Assignment.objects.filter(item_id=OuterRef(item_ref), unit_id=unit_id, role=UnitRole.LEAD,
                                     is_current=True, cancelled_at__isnull=True, handled_at__isnull=True,
                                     due_date__lt=day)
    return Q(state=State.HANDLING) & Q(Exists(late))


def scope_q(scope: Scope, prefix: str = "") -> Q:
    """The scope as a filter on Item (`prefix` "item__" when filtering assignments)."""
    q = Q()
    if scope.area is not None:
        q &= Q(**{f"{prefix}area__in": Area.objects.subtree(scope.area).values("pk")})
    if scope.group is not None:
        q &= Q(Exists(GroupMembership.objects.filter(group=scope.group, deputy_id=OuterRef(f"{prefix}deputy_id"))))
    if scope.unit is not None:
        q &= Q(current_lead(scope.unit.pk, "item_id" if prefix else "pk"))
    if scope.deputy is not None:
        q &= Q(**{f"{prefix}deputy": scope.deputy})
    return q


def collected_items(period: Period, scope: Scope):
    """收集数's items: the base of every figure and of every drill-down list."""
    return Item.objects.filter(period_q(period), collected_q(), scope_q(scope))


def overdue_q(day: datetime.date, stage: str | None = None) -> Q:
    states = {"research": RESEARCH_STATES, "handle": (State.HANDLING,)}.get(stage, CLOCKED_STATES)
    return Q(state__in=states, stage_due__lt=day)


# What each clickable number means, as a filter on the collected items (drill-down lists use these).
METRICS = {
    "collected": lambda day: Q(),
    "concluded": lambda day: Q(state=State.CLOSED),
    "in_progress": lambda day: Q(state__in=OPEN_STATES),
    "overdue": lambda day: overdue_q(day),
    "overdue_research": lambda day: overdue_q(day, "research"),
    "overdue_handle": lambda day: overdue_q(day, "handle"),
    "evaluated": lambda day: Q(evaluated_at__isnull=False),
    "satisfied": lambda day: Q(evaluated_at__isnull=False, satisfaction__in=SATISFIED),
}


def drill_items(period: Period, scope: Scope, *, metric: str = "collected", by_unit=None, by_area=None,
                by_group=None, category: str | None = None, day: datetime.date | None = None):
    """Exactly the items behind one number on a dashboard (the list's count equals the number)."""
    day = day or today()
    qs = collected_items(period, scope)
    if by_unit is not None:
        qs = qs.filter(current_lead(by_unit.pk))
        if metric == "overdue":
            return qs.filter(unit_overdue_q(by_unit.pk, day))
    if by_area is not None:
        qs = qs.filter(area=by_area)
    if by_group is not None:
        qs = qs.filter(Exists(GroupMembership.objects.filter(group=by_group, deputy_id=OuterRef("deputy_id"))))
    if category is not None:
        qs = qs.filter(category=category)
    return qs.filter(METRICS[metric](day))


# ---------------------------------------------------------------- headline figures

@dataclass
class Figures:
    collected: int = 0
    concluded: int = 0
    evaluated: int = 0
    satisfied: int = 0
    overdue: int = 0
    overdue_research: int = 0
    overdue_handle: int = 0
    ended: int = 0
    on_time: int = 0
    owed: int = 0
    submitted: int = 0

    @property
    def in_progress(self) -> int:
        return self.collected - self.concluded

    @property
    def completion_rate(self):
        return rate(self.concluded, self.collected)

    @property
    def satisfaction_rate(self):
        return rate(self.satisfied, self.evaluated)

    @property
    def on_time_rate(self):
        return rate(self.on_time, self.ended)

    @property
    def monthly_submission_rate(self):
        return rate(self.submitted, self.owed)


def _counts(prefix: str, cond: Q, day: datetime.date) -> dict:
    return {
        f"{prefix}collected": Count("pk", filter=cond),
        f"{prefix}concluded": Count("pk", filter=cond & Q(state=State.CLOSED)),
        f"{prefix}evaluated": Count("pk", filter=cond & Q(evaluated_at__isnull=False)),
        f"{prefix}satisfied": Count("pk", filter=cond & Q(evaluated_at__isnull=False, satisfaction__in=SATISFIED)),
        f"{prefix}overdue": Count("pk", filter=cond & overdue_q(day)),
        f"{prefix}overdue_research": Count("pk", filter=cond & overdue_q(day, "research")),
        f"{prefix}overdue_handle": Count("pk", filter=cond & overdue_q(day, "handle")),
    }


def on_time_q(prefix: str = "") -> Q:
    # handled_at__date is the local calendar day (TIME_ZONE), compared with the due day.
    return Q(**{f"{prefix}handled_at__date__lte": F(f"{prefix}due_date")})


def headline(period: Period, scope: Scope, *, day: datetime.date | None = None) -> tuple[Figures, Figures]:
    """The headline figures of the period and of the previous one: four queries."""
    day = day or today()
    prev = period.previous()
    span = Period(prev.start, period.end)
    cur_q, prev_q = period_q(period), period_q(prev)
    row = (Item.objects.filter(period_q(span), collected_q(), scope_q(scope))
           .aggregate(**_counts("c_", cur_q, day), **_counts("p_", prev_q, day)))
    ended = Assignment.objects.filter(period_q(span, "item__"), collected_q("item__"), scope_q(scope, "item__"),
                                      role=UnitRole.LEAD, cancelled_at__isnull=True, handled_at__isnull=False)
    if scope.unit is not None:
        ended = ended.filter(unit=scope.unit)
    t = ended.aggregate(
        c_ended=Count("pk", filter=period_q(period, "item__")),
        c_on_time=Count("pk", filter=period_q(period, "item__") & on_time_q()),
        p_ended=Count("pk", filter=period_q(prev, "item__")),
        p_on_time=Count("pk", filter=period_q(prev, "item__") & on_time_q()),
    )
    out = []
    for p, per in (("c_", period), ("p_", prev)):
        fig = Figures(**{k[2:]: v for k, v in {**row, **t}.items() if k.startswith(p)})
        fig.submitted, fig.owed = submission_counts(per, scope, day=day)
        out.append(fig)
    return out[0], out[1]


# ---------------------------------------------------------------- monthly submission (月度报送率)

def owing_deputies(scope: Scope):
    """In-office deputies of the scope (who owe one item a month)."""
    qs = Deputy.objects.filter(Exists(Mandate.objects.filter(deputy=OuterRef("pk"), status=MandateStatus.IN_OFFICE)))
    if scope.area is not None:
        qs = qs.filter(Exists(Mandate.objects.filter(deputy=OuterRef("pk"), status=MandateStatus.IN_OFFICE,
                                                     area__in=Area.objects.subtree(scope.area).values("pk"))))
    if scope.group is not None:
        qs = qs.filter(Exists(GroupMembership.objects.filter(group=scope.group, deputy=OuterRef("pk"))))
    if scope.deputy is not None:
        qs = qs.filter(pk=scope.deputy.pk)
    return qs


def submission_counts(period: Period, scope: Scope, *, day: datetime.date | None = None) -> tuple[int, int]:
    """(deputy-months met, deputy-months owed) over the months of the period up to this month: one query."""
    rows = submission_by_month(period, scope, day=day)
    return sum(r["met"] for r in rows), sum(r["owed"] for r in rows)


def submission_by_month(period: Period, scope: Scope, *, day: datetime.date | None = None) -> list[dict]:
    """Per month of the period (up to this month): deputies who met the quota, deputies who owed: one query.

    A deputy owes a month from the month their in-office mandate began (every month when no start date)."""
    day = day or today()
    months = period.months(until=day)
    if scope.unit is not None or not months:
        return []
    deputies_sql, deputies_params = owing_deputies(scope).order_by().values("pk").query.sql_with_params()
    sql = f"""
        WITH d AS (
            SELECT m.deputy_id AS id, date_trunc('month', COALESCE(MIN(m.start_date), DATE '1900-01-01'))::date AS since
            FROM {Mandate._meta.db_table} m
            WHERE m.status = %s AND m.deputy_id IN ({deputies_sql})
            GROUP BY m.deputy_id
        ), months AS (
            SELECT generate_series(%s::date, %s::date, interval '1 month')::date AS m
        ), met AS (
            SELECT DISTINCT i.deputy_id, i.period FROM {Item._meta.db_table} i
            WHERE i.period >= %s AND i.period <= %s AND i.submitted_at IS NOT NULL
              AND NOT (i.state = ANY(%s)) AND i.deputy_id IN (SELECT id FROM d)
        )
        SELECT months.m, count(met.deputy_id), count(d.id)
        FROM months LEFT JOIN d ON months.m >= d.since
        LEFT JOIN met ON met.deputy_id = d.id AND met.period = months.m
        GROUP BY months.m ORDER BY months.m
    """
    params = [MandateStatus.IN_OFFICE, *deputies_params, months[0], months[-1], months[0], months[-1],
              list(NOT_COLLECTED_STATES)]
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return [{"month": m, "met": met, "owed": owed, "rate": rate(met, owed)} for m, met, owed in cursor.fetchall()]


def deputy_month_grid(year: int, scope: Scope, *, order: str = "name"):
    """Deputies × the 12 months of `year`: items counting for each month (`Item.period`), months met.

    A queryset of deputies annotated m1..m12 and `met`; sortable by name, met or -met."""
    collected = Q(items__submitted_at__isnull=False) & ~Q(items__state__in=NOT_COLLECTED_STATES)
    ann = {f"m{i}": Count("items", filter=collected & Q(items__period=datetime.date(year, i, 1)))
           for i in range(1, 13)}
    qs = owing_deputies(scope).annotate(**ann)
    met = sum((_positive(f"m{i}") for i in range(1, 13)), Value(0))
    qs = qs.annotate(met=met)
    orders = {"name": ["name_pinyin", "pk"], "met": ["met", "name_pinyin", "pk"], "-met": ["-met", "name_pinyin", "pk"]}
    return qs.order_by(*orders.get(order, orders["name"]))


def _positive(name):
    from django.db.models import Case, IntegerField, When

    return Case(When(**{f"{name}__gt": 0}, then=Value(1)), default=Value(0), output_field=IntegerField())


# ---------------------------------------------------------------- tables

def _row_counts(day: datetime.date, prefix: str = "") -> dict:
    st = f"{prefix}state"
    return {
        "collected": Count("pk"),
        "concluded": Count("pk", filter=Q(**{st: State.CLOSED})),
        "evaluated": Count("pk", filter=Q(**{f"{prefix}evaluated_at__isnull": False})),
        "satisfied": Count("pk", filter=Q(**{f"{prefix}evaluated_at__isnull": False,
                                             f"{prefix}satisfaction__in": SATISFIED})),
        "overdue": Count("pk", filter=Q(**{f"{st}__in": CLOCKED_STATES, f"{prefix}stage_due__lt": day})),
    }


def _with_rates(rows) -> list[dict]:
    out = []
    for r in rows:
        r = dict(r)
        r["completion_rate"] = rate(r["concluded"], r.get("collected", r.get("assigned", 0)))
        r["satisfaction_rate"] = rate(r["satisfied"], r["evaluated"])
        if "ended" in r:
            r["on_time_rate"] = rate(r["on_time"], r["ended"])
        out.append(r)
    return out


def unit_rows(period: Period, scope: Scope, *, day: datetime.date | None = None) -> list[dict]:
    """Per handling unit (重点调度): assigned, concluded, completion, on time, satisfaction, overdue.

    One query over lead assignments; ranked lowest completion first, then most overdue."""
    day = day or today()
    cur = Q(is_current=True)
    qs = (Assignment.objects
          .filter(period_q(period, "item__"), collected_q("item__"), scope_q(scope, "item__"),
                  role=UnitRole.LEAD, cancelled_at__isnull=True)
          .values("unit_id", "unit__name")
          .annotate(
              assigned=Count("pk", filter=cur),
              concluded=Count("pk", filter=cur & Q(item__state=State.CLOSED)),
              evaluated=Count("pk", filter=cur & Q(item__evaluated_at__isnull=False)),
              satisfied=Count("pk", filter=cur & Q(item__evaluated_at__isnull=False,
                                                   item__satisfaction__in=SATISFIED)),
              overdue=Count("pk", filter=cur & Q(item__state=State.HANDLING, handled_at__isnull=True,
                                                 due_date__lt=day)),
              ended=Count("pk", filter=Q(handled_at__isnull=False)),
              on_time=Count("pk", filter=Q(handled_at__isnull=False) & on_time_q()),
          )
          .filter(assigned__gt=0)
          .annotate(ratio=Cast("concluded", FloatField()) / Cast("assigned", FloatField()))
          .order_by("ratio", "-overdue", "unit__name"))
    if scope.unit is not None:
        qs = qs.filter(unit=scope.unit)
    rows = _with_rates(qs)
    for r in rows:
        r["name"] = r.pop("unit__name")
    return rows


def area_rows(period: Period, scope: Scope, *, day: datetime.date | None = None) -> list[dict]:
    """Per area (街道/镇) the item happened in: one query."""
    day = day or today()
    qs = (collected_items(period, scope).values("area_id", "area__name")
          .annotate(**_row_counts(day)).order_by(Coalesce("area__sort", Value(9999)), "area_id"))
    rows = _with_rates(qs)
    for r in rows:
        r["name"] = r.pop("area__name") or "未指定"
    return rows


def group_rows(period: Period, scope: Scope, *, day: datetime.date | None = None) -> list[dict]:
    """Per deputy group (代表小组) of the submitting deputy: one query (a deputy in two groups counts in both)."""
    day = day or today()
    qs = collected_items(period, scope).filter(deputy__memberships__isnull=False)
    if scope.group is not None:
        qs = qs.filter(deputy__memberships__group=scope.group)
    qs = (qs.values(gid=F("deputy__memberships__group_id"), gname=F("deputy__memberships__group__name"))
          .annotate(**_row_counts(day)).order_by("gname"))
    rows = _with_rates(qs)
    for r in rows:
        r["group_id"], r["name"] = r.pop("gid"), r.pop("gname")
    return rows


def monthly_trend(period: Period, scope: Scope) -> list[dict]:
    """Per month of submission: collected and (now) concluded, completion rate. One query."""
    qs = (collected_items(period, scope).annotate(month=TruncMonth("submitted_at")).values("month")
          .annotate(collected=Count("pk"), concluded=Count("pk", filter=Q(state=State.CLOSED))).order_by("month"))
    out = []
    for r in qs:
        month = timezone.localtime(r["month"]).date() if isinstance(r["month"], datetime.datetime) else r["month"]
        start, end = max(month, period.start), min(_month_end(month), period.end)
        out.append({"month": month, "label": f"{month:%Y-%m}", "from": start, "to": end,
                    "collected": r["collected"], "concluded": r["concluded"],
                    "completion_rate": rate(r["concluded"], r["collected"])})
    return out


def _month_end(day):
    from .periods import month_end

    return month_end(day)


def category_rows(period: Period, scope: Scope) -> list[dict]:
    labels = dict(Category.choices)
    qs = (collected_items(period, scope).values("category")
          .annotate(collected=Count("pk"), concluded=Count("pk", filter=Q(state=State.CLOSED)))
          .order_by("-collected", "category"))
    return [{**r, "name": str(labels.get(r["category"], "未分类")),
             "completion_rate": rate(r["concluded"], r["collected"])} for r in qs]


def stats(period: Period, scope: Scope, *, day: datetime.date | None = None) -> dict:
    """The figures of `manage.py stats --json` (fixed keys, see issue 5)."""
    day = day or today()
    cur, _prev = headline(period, scope, day=day)
    units = unit_rows(period, scope, day=day)

    def num(v):
        return None if v is None else float(v)

    return {
        "from": period.start.isoformat(),
        "to": period.end.isoformat(),
        "scope": str(scope.label),
        "collected": cur.collected,
        "concluded": cur.concluded,
        "completion_rate": num(cur.completion_rate),
        "satisfaction_rate": num(cur.satisfaction_rate),
        "on_time_rate": num(cur.on_time_rate),
        "in_progress": cur.in_progress,
        "overdue": cur.overdue,
        "monthly_submission_rate": num(cur.monthly_submission_rate),
        "units": [{"name": u["name"], "assigned": u["assigned"], "concluded": u["concluded"],
                   "completion_rate": num(u["completion_rate"]), "on_time_rate": num(u["on_time_rate"]),
                   "satisfaction_rate": num(u["satisfaction_rate"]), "overdue": u["overdue"]} for u in units],
    }


__all__ = ["Figures", "rate", "headline", "unit_rows", "area_rows", "group_rows", "monthly_trend",
           "category_rows", "stats", "drill_items", "deputy_month_grid", "submission_counts", "collected_items"]
