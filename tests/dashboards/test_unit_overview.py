"""A unit's dashboard from one query (`unit_overview`) == the figure functions run one by one."""

import datetime
import random

import pytest

from dashboards import selectors
from dashboards.periods import Period, Scope
from petitions.choices import State, UnitRole
from petitions.models import Assignment, Item
from units.models import HandlingUnit

from .builders import at
from .conftest import TODAY, build_random

pytestmark = pytest.mark.django_db

PERIODS = [Period.year(2025), Period.year(2024), Period.month(2025, 3), Period.quarter(2024, 4),
           Period(datetime.date(2024, 11, 17), datetime.date(2025, 8, 9)), Period.year(2026)]


def _rounds(seed):
    """Earlier rounds, co-handlers and cancelled rows next to the current lead assignments."""
    rnd = random.Random(seed)
    units = list(HandlingUnit.objects.order_by("pk"))
    for a in Assignment.objects.filter(is_current=True).select_related("item").order_by("pk"):
        day = a.item.submitted_at.date()
        roll = rnd.random()
        if roll < 0.3:  # an earlier (ended) round of the same unit, late or on time
            Assignment.objects.create(item=a.item, unit=a.unit, role=UnitRole.LEAD, is_current=False,
                                      assigned_at=at(day, 12), due_date=day + datetime.timedelta(days=10),
                                      handled_at=at(day + datetime.timedelta(days=rnd.choice([5, 10, 11])), 23))
        elif roll < 0.45:  # a co-handler, and a cancelled lead of another unit
            other = rnd.choice(units)
            Assignment.objects.create(item=a.item, unit=other, role=UnitRole.CO, assigned_at=at(day, 12),
                                      due_date=day + datetime.timedelta(days=10), handled_at=at(day, 16))
            Assignment.objects.create(item=a.item, unit=other, role=UnitRole.LEAD, assigned_at=at(day, 12),
                                      due_date=day, cancelled_at=at(day, 13))
        elif roll < 0.7 and a.item.state == State.HANDLING:  # the unit's open current round: late, due today, not yet
            due = TODAY + datetime.timedelta(days=rnd.choice([-3, 0, 0, 1]))
            Assignment.objects.filter(pk=a.pk).update(handled_at=None, due_date=due)


def _one_by_one(period, scope, day):
    cur, prev = selectors.headline(period, scope, day=day)
    return {"cur": cur, "prev": prev, "units": selectors.unit_rows(period, scope, day=day),
            "areas": selectors.area_rows(period, scope, day=day), "groups": selectors.group_rows(period, scope, day=day),
            "trend": selectors.monthly_trend(period, scope), "categories": selectors.category_rows(period, scope)}


@pytest.mark.parametrize("seed", [3, 11])
def test_unit_overview_equals_the_figure_functions(cast, frozen, seed):
    build_random(cast, n=150, seed=seed)
    _rounds(seed)
    Item.objects.filter(pk__in=Item.objects.order_by("pk").values("pk")[:5]).update(area=None)
    units = HandlingUnit.objects.filter(assignments__isnull=False).distinct()
    assert units.count() >= 2
    checked = 0
    for unit in units:
        scope = Scope(unit=unit)
        for period in PERIODS:
            got = selectors.unit_overview(period, scope, day=frozen)
            assert got == _one_by_one(period, scope, frozen), (unit, period)
            checked += bool(got["units"])
    assert checked > 3


def test_a_units_dashboard_reads_only_assignments_made_since_its_window_opened(cast, frozen):
    """Issue 16, finding 4: the cost follows the period, not the unit's history. An item assigned before
    the window opens was submitted before it too, so the bound loses nothing (the test above compares)."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    unit = HandlingUnit.objects.order_by("pk").first()
    period = Period.year(2025)
    with CaptureQueriesContext(connection) as ctx:
        selectors.unit_overview(period, Scope(unit=unit), day=frozen)
    (sql,) = [q["sql"] for q in ctx.captured_queries if "MATERIALIZED" in q["sql"]]
    lo = min(period.bounds()[0], period.previous().bounds()[0])
    assert "ca.assigned_at >=" in sql and str(lo.date()) in sql
    with connection.cursor() as cur:
        cur.execute("SELECT indexdef FROM pg_indexes WHERE indexname = 'dash_assign_lead_time'")
        (indexdef,) = cur.fetchone()
    assert "(unit_id, assigned_at)" in indexdef and "is_current" in indexdef
