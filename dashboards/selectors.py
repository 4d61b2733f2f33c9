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
from django.db.models import Count, Exists, F, OuterRef, Q, Subquery, Sum, Value
from django.db.models.functions import Coalesce, TruncMonth
from django.utils import timezone

from areas.models import Area
from core import loops
from deputies.choices import MandateStatus
from deputies.models import Deputy, Mandate
from deputies.search import name_query
from groups.models import DeputyGroup, GroupMembership
from petitions.choices import CLOCKED_STATES, NOT_COLLECTED_STATES, OPEN_STATES, Category, Satisfaction, State, UnitRole
from petitions.models import Assignment, Item
from units.models import HandlingUnit

from .models import RollupDeputyMonth, RollupGroup, RollupItem, RollupPeriod, RollupUnit
from .periods import Period, Scope, add_months, month_end

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
    return Q(state__in=states) & loops.overdue_q("stage_due", day)


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


# ---------------------------------------------------------------- where the counts come from

@dataclass(frozen=True)
class Split:
    """A period cut into whole months (read from the rollups) and the days at its ends (counted live)."""

    months: tuple[datetime.date, datetime.date] | None  # first days of the first and last whole month
    days: tuple[Period, ...]  # at most two partial-month ranges

    def months_q(self, prefix: str = "") -> Q:
        """The whole months as a filter on items' submission time (for the counts that stay live)."""
        if self.months is None:
            return Q(pk__in=[])
        return period_q(Period(self.months[0], month_end(self.months[1])), prefix)

    def days_q(self, prefix: str = "") -> Q:
        q = Q(pk__in=[])
        for p in self.days:
            q |= period_q(p, prefix)
        return q

    def rollup_q(self) -> Q:
        return Q(month__gte=self.months[0], month__lte=self.months[1]) if self.months else Q(pk__in=[])


def split(period: Period) -> Split:
    first = period.start if period.start.day == 1 else add_months(period.start, 1)
    last = period.end.replace(day=1) if period.end == month_end(period.end) else add_months(period.end, -1)
    if first > last:
        return Split(None, (period,))
    days = []
    if period.start < first:
        days.append(Period(period.start, first - datetime.timedelta(days=1)))
    if period.end > month_end(last):
        days.append(Period(month_end(last) + datetime.timedelta(days=1), period.end))
    return Split((first, last), tuple(days))


def uses_rollup(scope: Scope) -> bool:
    """The rollups are by area; a group, unit or deputy scope is counted live (their items are few)."""
    return scope.group is None and scope.unit is None and scope.deputy is None


def _rollup_area_q(scope: Scope) -> Q:
    return Q() if scope.area is None else Q(area_id__in=Area.objects.subtree(scope.area).values("pk"))


def _span(*splits: Split) -> Split:
    """The whole months of the splits and any between them, as one range (for an index range scan)."""
    months = [s.months for s in splits if s.months]
    return Split((min(m[0] for m in months), max(m[1] for m in months)), ())


def _span_q(*splits: Split) -> Q:
    return _span(*splits).rollup_q()


def _add(target: dict, source: dict, keys) -> None:
    for k in keys:
        target[k] = target.get(k, 0) + (source.get(k) or 0)


ITEM_COUNTS = ("collected", "concluded", "evaluated", "satisfied")


def _rows(qs, scope: Scope) -> list[dict]:
    """The rows of a values() queryset. A unit's items are reached through its few thousand current
    lead assignments; the default random_page_cost (4, for spinning disks) makes PostgreSQL scan the
    whole period instead (77 ms against 15 ms at a million items), so that one query runs with SSD costs."""
    if scope.unit is None:
        return list(qs)
    sql, params = qs.query.sql_with_params()
    names = [*qs.query.values_select, *qs.query.annotation_select]
    with connection.cursor() as cursor:
        # One query string is one implicit transaction: SET LOCAL ends with it.
        cursor.execute("SET LOCAL random_page_cost = 1.1; " + sql, params)
        return [dict(zip(names, row, strict=True)) for row in cursor.fetchall()]


def drill_count(period: Period, scope: Scope, *, metric: str = "collected", by_unit=None, by_area=None,
                by_group=None, category: str | None = None) -> int | None:
    """The number of `drill_items` without counting them, where the rollups hold it (a month-based
    count by area and category); None where they do not: the list counts its rows."""
    if (metric not in ITEM_COUNTS or by_unit is not None or by_group is not None or not uses_rollup(scope)):
        return None
    sp = split(period)
    total = 0
    if sp.months:
        qs = RollupItem.objects.filter(_rollup_area_q(scope), sp.rollup_q())
        if by_area is not None:
            qs = qs.filter(area_id=by_area.pk)
        if category is not None:
            qs = qs.filter(category=category)
        total += qs.aggregate(n=Sum(metric))["n"] or 0
    if sp.days:
        total += drill_items(Period(sp.days[0].start, sp.days[-1].end), scope, metric=metric, by_area=by_area,
                             category=category).filter(sp.days_q()).count()
    return total


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
        **_overdue_counts(prefix, cond, day),
    }


def _overdue_counts(prefix: str, cond: Q, day: datetime.date) -> dict:
    return {
        f"{prefix}overdue": Count("pk", filter=cond & overdue_q(day)),
        f"{prefix}overdue_research": Count("pk", filter=cond & overdue_q(day, "research")),
        f"{prefix}overdue_handle": Count("pk", filter=cond & overdue_q(day, "handle")),
    }


def on_time_q(prefix: str = "") -> Q:
    # handled_at__date is the local calendar day (TIME_ZONE), compared with the due day.
    return Q(**{f"{prefix}handled_at__date__lte": F(f"{prefix}due_date")})


def _ended(date_q: Q, scope: Scope):
    """Lead assignments (主办, not cancelled) whose 办理 ended, of the collected items of `date_q`."""
    ended = Assignment.objects.filter(date_q, collected_q("item__"), scope_q(scope, "item__"),
                                      role=UnitRole.LEAD, cancelled_at__isnull=True, handled_at__isnull=False)
    if scope.unit is not None:
        ended = ended.filter(unit=scope.unit)
    return ended


def headline(period: Period, scope: Scope, *, day: datetime.date | None = None,
             overdue: dict | None = None) -> tuple[Figures, Figures]:
    """The headline figures of the period and of the previous one.

    Whole months come from the rollups (two queries), the days at the ends and 逾期 (which depends on
    today) are counted live; a group, unit or deputy scope is counted live. Plus one query for 月度报送率.
    `overdue`: `overdue_tables` of the same period, scope and day (its whole months' 逾期, read once for the page)."""
    day = day or today()
    prev = period.previous()
    figs = {"c_": Figures(), "p_": Figures()}
    found: dict = {}
    if uses_rollup(scope):
        parts = {"c_": split(period), "p_": split(prev)}
        whole = [s for s in parts.values() if s.months]
        if whole:
            counts = RollupItem.objects.filter(_rollup_area_q(scope), _span_q(*whole)).aggregate(
                **{f"{p}{k}": Sum(k, filter=s.rollup_q()) for p, s in parts.items() for k in ITEM_COUNTS})
            _add(found, counts, counts.keys())
            ended = RollupUnit.objects.filter(_rollup_area_q(scope), _span_q(*whole)).aggregate(
                **{f"{p}{k}": Sum(k, filter=s.rollup_q()) for p, s in parts.items() for k in ("ended", "on_time")})
            _add(found, ended, ended.keys())
            if overdue is not None:
                late = overdue["headline"]
            else:  # one submission-time range over both periods (an OR of ranges misleads the planner)
                late = (Item.objects.filter(_span(*whole).months_q(), collected_q(), scope_q(scope), overdue_q(day))
                        .aggregate(**{k: v for p, s in parts.items() for k, v in
                                      _overdue_counts(p, s.months_q(), day).items()}))
            _add(found, late, late.keys())
        days = {p: (s.days_q(), s.days_q("item__")) for p, s in parts.items() if s.days}
    else:
        days = {p: (period_q(per), period_q(per, "item__")) for p, per in (("c_", period), ("p_", prev))}
    if days:
        row = Item.objects.filter(_or(q for q, _a in days.values()), collected_q(), scope_q(scope)).aggregate(
            **{k: v for p, (q, _a) in days.items() for k, v in _counts(p, q, day).items()})
        _add(found, row, row.keys())
        t = _ended(_or(a for _q, a in days.values()), scope).aggregate(
            **{f"{p}ended": Count("pk", filter=a) for p, (_q, a) in days.items()},
            **{f"{p}on_time": Count("pk", filter=a & on_time_q()) for p, (_q, a) in days.items()})
        _add(found, t, t.keys())
    for key, value in found.items():
        setattr(figs[key[:2]], key[2:], value or 0)
    by_month = submission_months([*period.months(until=day), *prev.months(until=day)], scope)
    for p, per in (("c_", period), ("p_", prev)):
        rows = [by_month[m] for m in per.months(until=day) if m in by_month]
        figs[p].submitted, figs[p].owed = sum(r[0] for r in rows), sum(r[1] for r in rows)
    return figs["c_"], figs["p_"]


def _or(qs) -> Q:
    out = Q(pk__in=[])
    for q in qs:
        out |= q
    return out


# ---------------------------------------------------------------- the deputy picker (代表)

PICKER_LIMIT = 20


def deputy_candidates(user, scope: Scope, text: str, *, limit: int = PICKER_LIMIT) -> list[Deputy]:
    """Deputies the picker offers for `text` (name, pinyin or initials: the roster's search): visible to
    `user`, with a mandate in the scope's area and a member of its group. One query; `limit` + 1 rows so
    the caller can tell there are more."""
    qs = Deputy.objects.visible_to(user).filter(name_query(text))
    if scope.area is not None:
        qs = qs.filter(Exists(Mandate.objects.filter(deputy=OuterRef("pk"),
                                                     area__in=Area.objects.subtree(scope.area).values("pk"))))
    if scope.group is not None:
        qs = qs.filter(Exists(GroupMembership.objects.filter(group=scope.group, deputy=OuterRef("pk"))))
    return list(qs.select_related("area").order_by("name_pinyin", "pk")[:limit + 1])


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
    found = submission_months(months, scope)
    return [{"month": m, "met": found[m][0], "owed": found[m][1], "rate": rate(*found[m])} for m in months
            if m in found]


def submission_months(months: list[datetime.date], scope: Scope) -> dict:
    """{month: (deputies who met it, deputies who owed it)} from the quota rollup: one query.

    Met = an owing deputy has a collected item counting for the month (RollupDeputyMonth.items > 0).
    District-wide, that is every deputy with such an item (RollupPeriod) less the few who did not owe
    the month (not in office, or not yet); for a narrower scope, its own deputies' rows."""
    if scope.unit is not None or not months:
        return {}
    months = sorted(set(months))
    deputies_sql, deputies_params = owing_deputies(scope).order_by().values("pk").query.sql_with_params()
    district = scope.area is None and scope.group is None and scope.deputy is None
    met = f"""
        SELECT p.period AS m, p.deputies - COALESCE(c.n, 0) AS n
        FROM {RollupPeriod._meta.db_table} p LEFT JOIN (
            SELECT x.period, count(*) AS n
            FROM (SELECT dd.id, NULL::date AS since FROM {Deputy._meta.db_table} dd
                  WHERE NOT EXISTS (SELECT 1 FROM d WHERE d.id = dd.id)
                  UNION ALL SELECT id, since FROM d WHERE since > %(first)s) nd
            CROSS JOIN LATERAL (
                SELECT x.period FROM {RollupDeputyMonth._meta.db_table} x
                WHERE x.deputy_id = nd.id AND x.period >= %(first)s AND x.period <= %(last)s
                  AND (x.period = ANY(%(months)s)) IS TRUE AND x.items > 0
                  AND (nd.since IS NULL OR nd.since > x.period)
                OFFSET 0) x  -- OFFSET 0: probe the index per deputy (a few hundred), never scan the months;
                             -- one range per deputy (IS TRUE keeps the 24-value ANY out of the index scan)
            GROUP BY x.period) c ON c.period = p.period
        WHERE p.period = ANY(%(months)s)
    """ if district else f"""
        SELECT x.period AS m, count(*) AS n FROM d JOIN {RollupDeputyMonth._meta.db_table} x
            ON x.deputy_id = d.id AND x.period >= d.since
        WHERE x.period = ANY(%(months)s) AND x.items > 0 GROUP BY x.period
    """
    names = {f"p{i}": v for i, v in enumerate(deputies_params)}
    deputies_sql = deputies_sql % tuple(f"%({k})s" for k in names)
    # District-wide the owing deputies are those with an in-office mandate: the mandates' own filter.
    owing = "" if district else f"AND m.deputy_id IN ({deputies_sql})"
    sql = f"""
        WITH d AS MATERIALIZED (
            SELECT m.deputy_id AS id, date_trunc('month', COALESCE(MIN(m.start_date), DATE '1900-01-01'))::date AS since
            FROM {Mandate._meta.db_table} m
            WHERE m.status = %(in_office)s {owing}
            GROUP BY m.deputy_id
        ), owed_n AS (
            SELECT months.m, COALESCE(sum(d.n), 0) AS n FROM unnest(%(months)s::date[]) AS months(m)
            LEFT JOIN (SELECT since, count(*) AS n FROM d GROUP BY since) d ON months.m >= d.since
            GROUP BY months.m
        ), met AS ({met})
        SELECT owed_n.m, COALESCE(met.n, 0), owed_n.n FROM owed_n LEFT JOIN met ON met.m = owed_n.m ORDER BY 1
    """
    params = {"in_office": MandateStatus.IN_OFFICE, "months": months, "first": months[0], "last": months[-1],
              **({} if district else names)}
    with connection.cursor() as cursor:
        # Row estimates of the per-deputy probes are far too high and would pay ~0.4 s of JIT compiling;
        # one query string is one (implicit) transaction, so SET LOCAL ends with it.
        cursor.execute("SET LOCAL jit = off; " + sql, params)
        return {m: (int(n_met), int(n_owed)) for m, n_met, n_owed in cursor.fetchall()}


def deputy_month_grid(year: int, scope: Scope, *, order: str = "name"):
    """Deputies × the 12 months of `year`: items counting for each month (`Item.period`), months met.

    A queryset of deputies annotated m1..m12 and `met` (from the quota rollup); sortable by name, met or -met."""
    rows = RollupDeputyMonth.objects.filter(deputy_id=OuterRef("pk"), period__year=year)
    ann = {f"m{i}": Coalesce(Subquery(rows.filter(period=datetime.date(year, i, 1)).values("items")[:1]), Value(0))
           for i in range(1, 13)}
    firsts = [datetime.date(year, i, 1) for i in range(1, 13)]
    met = Coalesce(Subquery(rows.filter(items__gt=0, period__in=firsts).order_by().values("deputy_id")
                            .annotate(n=Count("pk")).values("n")[:1]), Value(0))
    qs = owing_deputies(scope).annotate(met=met, **ann)
    orders = {"name": ["name_pinyin", "pk"], "met": ["met", "name_pinyin", "pk"], "-met": ["-met", "name_pinyin", "pk"]}
    return qs.order_by(*orders.get(order, orders["name"]))


class MonthCell:
    """What a deputy × month cell shows (月度报送): done (the number of items), missed (✗, a month that has
    ended without one), running (进行中: the current month, not yet ended) or future (blank)."""

    DONE, MISSED, RUNNING, FUTURE = "done", "missed", "running", "future"


def month_status(n: int, month: datetime.date, day: datetime.date) -> str:
    if n:
        return MonthCell.DONE
    if month > day:
        return MonthCell.FUTURE
    if (month.year, month.month) == (day.year, day.month):
        return MonthCell.RUNNING  # the month has not ended: not (yet) missed
    return MonthCell.MISSED


def grid_rows(deputies, year: int, *, day: datetime.date | None = None) -> list[dict]:
    """Rows of the deputy × month grid from `deputy_month_grid` deputies: [{"deputy", "months": [(n,
    status)], "met"}]; the overview's page and the group page show the same rows."""
    day = day or today()
    rows = []
    for d in deputies:
        counts = [getattr(d, f"m{m}") for m in range(1, 13)]
        rows.append({"deputy": d, "met": d.met, "months": [
            (n, month_status(n, datetime.date(year, m, 1), day)) for m, n in enumerate(counts, 1)]})
    return rows


def months_started(year: int, *, day: datetime.date | None = None) -> int:
    """Months of `year` that have begun (the current one included: it is owed, though still running)."""
    day = day or today()
    return sum(1 for m in range(1, 13) if datetime.date(year, m, 1) <= day)


# ---------------------------------------------------------------- tables

def _row_counts(day: datetime.date, prefix: str = "") -> dict:
    st = f"{prefix}state"
    return {
        "collected": Count("pk"),
        "concluded": Count("pk", filter=Q(**{st: State.CLOSED})),
        "evaluated": Count("pk", filter=Q(**{f"{prefix}evaluated_at__isnull": False})),
        "satisfied": Count("pk", filter=Q(**{f"{prefix}evaluated_at__isnull": False,
                                             f"{prefix}satisfaction__in": SATISFIED})),
        "overdue": Count("pk", filter=Q(**{f"{st}__in": CLOCKED_STATES}) & loops.overdue_q(f"{prefix}stage_due", day)),
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


def _merge(parts, key: str, counts) -> dict:
    """Sum rows of several sources by `key` (rollup months + live days + live 逾期)."""
    out: dict = {}
    for rows in parts:
        for r in rows:
            _add(out.setdefault(r[key], {key: r[key]}), r, counts)
    return out


UNIT_COUNTS = ("assigned", "concluded", "evaluated", "satisfied", "overdue", "ended", "on_time")


def _unit_counts_live(date_q: Q, scope: Scope, day: datetime.date):
    cur = Q(is_current=True)
    return (Assignment.objects
            .filter(date_q, collected_q("item__"), scope_q(scope, "item__"), role=UnitRole.LEAD,
                    cancelled_at__isnull=True)
            .values("unit_id")
            .annotate(
                assigned=Count("pk", filter=cur),
                concluded=Count("pk", filter=cur & Q(item__state=State.CLOSED)),
                evaluated=Count("pk", filter=cur & Q(item__evaluated_at__isnull=False)),
                satisfied=Count("pk", filter=cur & Q(item__evaluated_at__isnull=False,
                                                     item__satisfaction__in=SATISFIED)),
                overdue=Count("pk", filter=cur & _unit_late_q(day)),
                ended=Count("pk", filter=Q(handled_at__isnull=False)),
                on_time=Count("pk", filter=Q(handled_at__isnull=False) & on_time_q()),
            ).order_by())


def _unit_late_q(day: datetime.date) -> Q:
    return Q(item__state=State.HANDLING, handled_at__isnull=True, due_date__lt=day)


def unit_rows(period: Period, scope: Scope, *, day: datetime.date | None = None,
              overdue: dict | None = None) -> list[dict]:
    """Per handling unit (重点调度): assigned, concluded, completion, on time, satisfaction, overdue.

    Ranked lowest completion first, then most overdue, then by name. Whole months from the unit rollup,
    the days at the ends and 逾期 live (a fixed number of queries)."""
    day = day or today()
    parts = []
    if uses_rollup(scope):
        sp = split(period)
        if sp.months:
            parts.append(RollupUnit.objects.filter(_rollup_area_q(scope), sp.rollup_q()).values("unit_id")
                         .annotate(**{k: Sum(k) for k in UNIT_COUNTS if k != "overdue"}).order_by())
            parts.append(overdue["units"] if overdue is not None else Assignment.objects.filter(
                sp.months_q("item__"), collected_q("item__"), scope_q(scope, "item__"), role=UnitRole.LEAD,
                cancelled_at__isnull=True, is_current=True).filter(_unit_late_q(day))
                .values("unit_id").annotate(overdue=Count("pk")).order_by())
        if sp.days:
            parts.append(_unit_counts_live(sp.days_q("item__"), scope, day))
    else:
        parts.append(_rows(_unit_counts_live(period_q(period, "item__"), scope, day), scope))
    return _unit_list(_merge(parts, "unit_id", UNIT_COUNTS), scope)


def _unit_list(merged: dict, scope: Scope) -> list[dict]:
    if scope.unit is not None:
        merged = {k: v for k, v in merged.items() if k == scope.unit.pk}
        names = {scope.unit.pk: scope.unit.name}
    else:
        names = dict(HandlingUnit.objects.filter(pk__in=list(merged)).values_list("pk", "name"))
    rows = []
    for unit_id, r in merged.items():
        if r["assigned"] > 0:
            rows.append({"unit_id": unit_id, "name": names.get(unit_id, ""), **{k: r[k] for k in UNIT_COUNTS},
                         "ratio": r["concluded"] / r["assigned"]})
    rows.sort(key=lambda r: (r["ratio"], -r["overdue"], r["name"]))
    return _with_rates(rows)


ROW_COUNTS = ("collected", "concluded", "evaluated", "satisfied", "overdue")


def _table(period: Period, scope: Scope, day: datetime.date, *, rollup, field: str, key: str, live,
           overdue: list | None = None) -> dict:
    """Rows by `key` from a rollup model (whole months) + `live(date_q)` (days, or everything)."""
    parts = []
    if uses_rollup(scope):
        sp = split(period)
        if sp.months:
            parts.append(rollup.objects.filter(_rollup_area_q(scope), sp.rollup_q()).values(**{key: F(field)})
                         .annotate(**{k: Sum(k) for k in ITEM_COUNTS}).order_by())
            parts.append(overdue if overdue is not None else
                         live(sp.months_q()).filter(overdue_q(day)).annotate(overdue=Count("pk")))
        if sp.days:
            parts.append(live(sp.days_q()).annotate(**_row_counts(day)))
    else:
        parts.append(_rows(live(period_q(period)).annotate(**_row_counts(day)), scope))
    return {k: r for k, r in _merge(parts, key, ROW_COUNTS).items() if r["collected"] > 0}


def area_rows(period: Period, scope: Scope, *, day: datetime.date | None = None,
              overdue: dict | None = None) -> list[dict]:
    """Per area (街道/镇) the item happened in."""
    day = day or today()

    def live(date_q):
        return (Item.objects.filter(date_q, collected_q(), scope_q(scope))
                .values(area_key=Coalesce("area_id", Value(0))).order_by())

    return _area_list(_table(period, scope, day, rollup=RollupItem, field="area_id", key="area_key", live=live,
                             overdue=overdue and overdue["areas"]))


def _area_list(merged: dict) -> list[dict]:
    areas = {a["pk"]: a for a in Area.objects.filter(pk__in=list(merged)).values("pk", "name", "sort")}
    rows = []
    for area_id, r in merged.items():
        a = areas.get(area_id)
        rows.append({**{k: v for k, v in r.items() if k != "area_key"}, "area_id": a and area_id,
                     "name": a["name"] if a else "未指定",
                     "_sort": (9999 if not a or a["sort"] is None else a["sort"], a is None, area_id)})
    rows.sort(key=lambda r: r.pop("_sort"))
    return _with_rates(rows)


def group_rows(period: Period, scope: Scope, *, day: datetime.date | None = None,
               overdue: dict | None = None) -> list[dict]:
    """Per deputy group (代表小组) of the submitting deputy (a deputy in two groups counts in both)."""
    day = day or today()

    def live(date_q):
        qs = Item.objects.filter(date_q, collected_q(), scope_q(scope)).filter(deputy__memberships__isnull=False)
        if scope.group is not None:
            qs = qs.filter(deputy__memberships__group=scope.group)
        return qs.values(gid=F("deputy__memberships__group_id")).order_by()

    return _group_list(_table(period, scope, day, rollup=RollupGroup, field="group_id", key="gid", live=live,
                              overdue=overdue and overdue["groups"]))


def _group_list(merged: dict) -> list[dict]:
    names = dict(DeputyGroup.objects.filter(pk__in=list(merged)).values_list("pk", "name"))
    rows = [{**{k: v for k, v in r.items() if k != "gid"}, "group_id": gid, "name": names.get(gid, "")}
            for gid, r in merged.items()]
    rows.sort(key=lambda r: r["name"])
    return _with_rates(rows)


def monthly_trend(period: Period, scope: Scope) -> list[dict]:
    """Per month of submission: collected and (now) concluded, completion rate."""
    parts = []

    def live(date_q):
        qs = (Item.objects.filter(date_q, collected_q(), scope_q(scope)).annotate(month=TruncMonth("submitted_at"))
              .values("month").annotate(collected=Count("pk"), concluded=Count("pk", filter=Q(state=State.CLOSED)))
              .order_by())
        return [{**r, "month": _local_day(r["month"])} for r in _rows(qs, scope)]

    if uses_rollup(scope):
        sp = split(period)
        if sp.months:
            parts.append(RollupItem.objects.filter(_rollup_area_q(scope), sp.rollup_q()).values("month")
                         .annotate(collected=Sum("collected"), concluded=Sum("concluded")).order_by())
        if sp.days:
            parts.append(live(sp.days_q()))
    else:
        parts.append(live(period_q(period)))
    return _trend_list(_merge(parts, "month", ("collected", "concluded")), period)


def _trend_list(merged: dict, period: Period) -> list[dict]:
    out = []
    for month, r in sorted(merged.items()):
        if not r["collected"]:
            continue
        start, end = max(month, period.start), min(month_end(month), period.end)
        out.append({"month": month, "label": f"{month:%Y-%m}", "from": start, "to": end,
                    "collected": r["collected"], "concluded": r["concluded"],
                    "completion_rate": rate(r["concluded"], r["collected"])})
    return out


def _local_day(value) -> datetime.date:
    if not isinstance(value, datetime.datetime):
        return value
    return (timezone.localtime(value) if timezone.is_aware(value) else value).date()


def category_rows(period: Period, scope: Scope) -> list[dict]:
    parts = []

    def live(date_q):
        return _rows(Item.objects.filter(date_q, collected_q(), scope_q(scope)).values("category")
                     .annotate(collected=Count("pk"), concluded=Count("pk", filter=Q(state=State.CLOSED))).order_by(),
                     scope)

    if uses_rollup(scope):
        sp = split(period)
        if sp.months:
            parts.append(RollupItem.objects.filter(_rollup_area_q(scope), sp.rollup_q()).values("category")
                         .annotate(collected=Sum("collected"), concluded=Sum("concluded")).order_by())
        if sp.days:
            parts.append(live(sp.days_q()))
    else:
        parts.append(live(period_q(period)))
    return _category_list(_merge(parts, "category", ("collected", "concluded")))


def _category_list(merged: dict) -> list[dict]:
    labels = dict(Category.choices)
    rows = [r for r in merged.values() if r["collected"]]
    rows.sort(key=lambda r: (-r["collected"], r["category"]))
    return [{**r, "name": str(labels.get(r["category"], "未分类")),
             "completion_rate": rate(r["concluded"], r["collected"])} for r in rows]


# ---------------------------------------------------------------- 逾期 of a rollup scope in one query

_IT = Item._meta.db_table
_AS = Assignment._meta.db_table
_GM = GroupMembership._meta.db_table


def overdue_tables(period: Period, scope: Scope, *, day: datetime.date | None = None) -> dict | None:
    """The live 逾期 counts of the whole months that `headline`, `unit_rows`, `area_rows` and `group_rows`
    each query separately, from one query (pass the result as their `overdue=`): the clocked items
    (`dash_item_clocked`) of both periods' whole months are read once, then counted per period, per area,
    per deputy group (memberships) and per unit (its open current lead assignment past due).
    None when the scope is not counted from the rollups (then every function counts live)."""
    if not uses_rollup(scope):
        return None
    day = day or today()
    cur, prv = split(period), split(period.previous())
    whole = [s for s in (cur, prv) if s.months]
    if not whole:
        return {"headline": {}, "units": [], "areas": [], "groups": []}
    items = (Item.objects.filter(_span(*whole).months_q(), collected_q(), scope_q(scope), state__in=CLOCKED_STATES)
             .values("id", "state", "stage_due", "area_id", "deputy_id", "submitted_at").order_by())
    base, base_params = items.query.sql_with_params()

    def within(s: Split):
        if not s.months:
            return "FALSE", []
        return "(x.submitted_at >= %s AND x.submitted_at < %s)", list(Period(s.months[0], month_end(s.months[1])).bounds())

    (cur_sql, cur_params), (prv_sql, prv_params) = within(cur), within(prv)
    research, handling = list(RESEARCH_STATES), State.HANDLING
    late = {"overdue": ("", []), "overdue_research": (" AND state = ANY(%s)", [research]),
            "overdue_handle": (" AND state = %s", [handling])}
    head_cols, head_params = [], []
    for p, flag in (("c_", "cur"), ("p_", "prv")):
        for k, (cond, cp) in late.items():
            head_cols.append(f"count(*) FILTER (WHERE {flag} AND late{cond}) AS {p}{k}")
            head_params += cp
    sql = f"""
        WITH it AS MATERIALIZED (
            SELECT x.id, x.state, x.area_id, x.deputy_id, x.stage_due < %s AS late,
                   {cur_sql} AS cur, {prv_sql} AS prv
            FROM ({base}) x
        )
        SELECT 'h' AS kind, NULL::bigint AS k, {", ".join(head_cols)} FROM it
        UNION ALL
        SELECT 'a', COALESCE(area_id, 0), count(*), NULL, NULL, NULL, NULL, NULL FROM it
        WHERE cur AND late GROUP BY 2
        UNION ALL
        SELECT 'g', m.group_id, count(*), NULL, NULL, NULL, NULL, NULL
        FROM it JOIN {_GM} m ON m.deputy_id = it.deputy_id WHERE it.cur AND it.late GROUP BY 2
        UNION ALL
        SELECT 'u', a.unit_id, count(*), NULL, NULL, NULL, NULL, NULL
        FROM it JOIN {_AS} a ON a.item_id = it.id
        WHERE it.cur AND it.state = %s AND a.role = %s AND a.is_current AND a.cancelled_at IS NULL
          AND a.handled_at IS NULL AND a.due_date < %s
        GROUP BY 2
    """
    params = [day, *cur_params, *prv_params, *base_params, *head_params, handling, UnitRole.LEAD, day]
    out: dict = {"headline": {}, "units": [], "areas": [], "groups": []}
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        names = [c.name for c in cursor.description]
        for row in cursor.fetchall():
            kind, key, n = row[0], row[1], row[2]
            if kind == "h":
                out["headline"] = dict(zip(names[2:], row[2:], strict=True))
            elif kind == "a":
                out["areas"].append({"area_key": key, "overdue": n})
            elif kind == "g":
                out["groups"].append({"gid": key, "overdue": n})
            else:
                out["units"].append({"unit_id": key, "overdue": n})
    return out


# ---------------------------------------------------------------- one unit's dashboard in one query

def unit_scope_only(scope: Scope) -> bool:
    """A unit's own dashboard (no other filter): everything comes from `unit_overview`."""
    return scope.unit is not None and scope.area is None and scope.group is None and scope.deputy is None


_SUMS = {
    # item counts (headline, areas, groups, categories, months)
    "collected": "count(*)",
    "concluded": "count(*) FILTER (WHERE it.state = %(closed)s)",
    "evaluated": "count(*) FILTER (WHERE it.ev)",
    "satisfied": "count(*) FILTER (WHERE it.sat)",
    "overdue": "count(*) FILTER (WHERE it.state = ANY(%(clocked)s) AND it.stage_due < %(day)s)",
    "overdue_research": "count(*) FILTER (WHERE it.state = ANY(%(research)s) AND it.stage_due < %(day)s)",
    "overdue_handle": "count(*) FILTER (WHERE it.state = %(handling)s AND it.stage_due < %(day)s)",
    # the unit's lead assignments of those items (unit row, 按期办结率)
    "ended": "COALESCE(sum(a.ended), 0)",
    "on_time": "COALESCE(sum(a.on_time), 0)",
    "u_assigned": "COALESCE(sum(a.cur), 0)",
    "u_concluded": "COALESCE(sum(a.cur) FILTER (WHERE it.state = %(closed)s), 0)",
    "u_evaluated": "COALESCE(sum(a.cur) FILTER (WHERE it.ev), 0)",
    "u_satisfied": "COALESCE(sum(a.cur) FILTER (WHERE it.sat), 0)",
    "u_overdue": "COALESCE(sum(a.late) FILTER (WHERE it.state = %(handling)s), 0)",
}


def unit_overview(period: Period, scope: Scope, *, day: datetime.date | None = None) -> dict:
    """What `headline`, `unit_rows`, `area_rows`, `group_rows`, `monthly_trend` and `category_rows` give
    for a unit's own scope, from one query: the unit's items of both periods (reached through its current
    lead assignments, `dash_assign_lead_current`) are read once, then counted by GROUPING SETS (period;
    period × area / category / month) and, for the groups, joined to the memberships.
    The same definitions as the functions above (tests/dashboards/test_unit_overview.py compares them)."""
    assert unit_scope_only(scope)
    day = day or today()
    prev = period.previous()
    (c_lo, c_hi), (p_lo, p_hi) = period.bounds(), prev.bounds()
    tz = timezone.get_current_timezone_name()
    cols = ", ".join(f"{sql} AS {name}" for name, sql in _SUMS.items())
    sql = f"""
        WITH it AS MATERIALIZED (
            SELECT i.id, i.state, i.area_id, i.category, i.deputy_id, i.stage_due,
                   i.evaluated_at IS NOT NULL AS ev,
                   i.evaluated_at IS NOT NULL AND i.satisfaction = ANY(%(satisfied)s) AS sat,
                   i.submitted_at >= %(c_lo)s AND i.submitted_at < %(c_hi)s AS cur,
                   date_trunc('month', i.submitted_at AT TIME ZONE %(tz)s)::date AS month
            FROM {_IT} i
            -- An item is assigned after it is submitted (the workflow, the ledger import's 交办日期早于提交日期
            -- check), so its unit's assignments from before the window cannot hold it: the bound on
            -- assigned_at makes this read what the period holds, not the unit's whole history (issue 16).
            WHERE i.id IN (SELECT ca.item_id FROM {_AS} ca WHERE ca.unit_id = %(unit)s AND ca.role = %(lead)s
                                AND ca.is_current AND ca.cancelled_at IS NULL AND ca.assigned_at >= %(lo)s)
              AND i.submitted_at >= %(lo)s AND i.submitted_at < %(hi)s
              AND ((i.submitted_at >= %(c_lo)s AND i.submitted_at < %(c_hi)s)
                   OR (i.submitted_at >= %(p_lo)s AND i.submitted_at < %(p_hi)s))
              AND NOT (i.state = ANY(%(not_collected)s))
        ), a AS (
            SELECT x.item_id,
                   count(*) FILTER (WHERE x.handled_at IS NOT NULL) AS ended,
                   count(*) FILTER (WHERE x.handled_at IS NOT NULL
                                    AND (x.handled_at AT TIME ZONE %(tz)s)::date <= x.due_date) AS on_time,
                   count(*) FILTER (WHERE x.is_current) AS cur,
                   count(*) FILTER (WHERE x.is_current AND x.handled_at IS NULL AND x.due_date < %(day)s) AS late
            FROM {_AS} x WHERE x.item_id IN (SELECT id FROM it)
              AND x.unit_id = %(unit)s AND x.role = %(lead)s AND x.cancelled_at IS NULL
            GROUP BY x.item_id
        )
        SELECT 'p' || (GROUPING(it.area_id) + 2 * GROUPING(it.category) + 4 * GROUPING(it.month))::text AS kind,
               it.cur, COALESCE(it.area_id, 0) AS area_key, it.category, it.month, NULL::bigint AS gid, {cols}
        FROM it LEFT JOIN a ON a.item_id = it.id
        GROUP BY GROUPING SETS ((it.cur), (it.cur, it.area_id), (it.cur, it.category), (it.cur, it.month))
        UNION ALL
        SELECT 'g', it.cur, NULL, NULL, NULL, m.group_id, {cols}
        FROM it JOIN {_GM} m ON m.deputy_id = it.deputy_id LEFT JOIN a ON a.item_id = it.id
        WHERE it.cur GROUP BY it.cur, m.group_id
    """
    params = {
        "unit": scope.unit.pk, "lead": UnitRole.LEAD, "not_collected": list(NOT_COLLECTED_STATES),
        "satisfied": list(SATISFIED), "closed": State.CLOSED, "handling": State.HANDLING,
        "clocked": list(CLOCKED_STATES), "research": list(RESEARCH_STATES), "day": day, "tz": tz,
        "c_lo": c_lo, "c_hi": c_hi, "p_lo": p_lo, "p_hi": p_hi, "lo": min(c_lo, p_lo), "hi": max(c_hi, p_hi),
    }
    with connection.cursor() as cursor:
        # One query string is one implicit transaction: SET LOCAL ends with it (see `_rows`).
        cursor.execute("SET LOCAL random_page_cost = 1.1; " + sql, params)
        names = [c.name for c in cursor.description]
        rows = [dict(zip(names, row, strict=True)) for row in cursor.fetchall()]
    figs = {True: Figures(), False: Figures()}
    areas, groups, trend, categories, units = {}, {}, {}, {}, {}
    item_keys = ("collected", "concluded", "evaluated", "satisfied", "overdue")
    for r in rows:
        kind = r["kind"]
        if kind == "p7":  # the whole period: headline, and the unit's own row
            f = figs[r["cur"]]
            for k in (*ITEM_COUNTS, "overdue", "overdue_research", "overdue_handle", "ended", "on_time"):
                setattr(f, k, int(r[k]))
            if r["cur"]:
                units[scope.unit.pk] = {"unit_id": scope.unit.pk, **{k: int(r[f"u_{k}"]) for k in UNIT_COUNTS
                                                                      if f"u_{k}" in r},
                                        "ended": int(r["ended"]), "on_time": int(r["on_time"])}
            continue
        if not r["cur"]:
            continue
        if kind == "p6":
            areas[r["area_key"]] = {"area_key": r["area_key"], **{k: int(r[k]) for k in item_keys}}
        elif kind == "p5":
            categories[r["category"]] = {"category": r["category"], "collected": int(r["collected"]),
                                         "concluded": int(r["concluded"])}
        elif kind == "p3":
            trend[r["month"]] = {"month": r["month"], "collected": int(r["collected"]),
                                 "concluded": int(r["concluded"])}
        elif kind == "g":
            groups[r["gid"]] = {"gid": r["gid"], **{k: int(r[k]) for k in item_keys}}
    return {
        "cur": figs[True], "prev": figs[False],
        "units": _unit_list(units, scope), "areas": _area_list(areas), "groups": _group_list(groups),
        "trend": _trend_list(trend, period), "categories": _category_list(categories),
    }


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
           "category_rows", "unit_overview", "stats", "drill_items", "deputy_month_grid", "submission_counts", "collected_items"]
