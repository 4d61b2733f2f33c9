"""The page's 逾期 from one query (`overdue_tables`) == each figure function counting its own."""

import datetime

import pytest

from areas.models import Area
from dashboards import selectors
from dashboards.periods import Period, Scope
from petitions.models import Assignment

from .conftest import TODAY, build_random

pytestmark = pytest.mark.django_db

PERIODS = [Period.year(2025), Period.year(2024), Period.month(2025, 3), Period.quarter(2024, 4),
           Period(datetime.date(2024, 11, 17), datetime.date(2025, 8, 9)),
           Period(datetime.date(2025, 5, 3), datetime.date(2025, 5, 20)), Period.year(2026)]


def _figures(period, scope, day, overdue):
    cur, prev = selectors.headline(period, scope, day=day, overdue=overdue)
    return {"cur": cur, "prev": prev, "units": selectors.unit_rows(period, scope, day=day, overdue=overdue),
            "areas": selectors.area_rows(period, scope, day=day, overdue=overdue),
            "groups": selectors.group_rows(period, scope, day=day, overdue=overdue)}


@pytest.mark.parametrize("seed", [3, 11])
def test_overdue_tables_equal_the_separate_counts(cast, frozen, seed):
    build_random(cast, n=150, seed=seed)
    # open current rounds due before, on and after today (the unit's 逾期 is its assignment's due date)
    for i, a in enumerate(Assignment.objects.filter(item__state="handling").order_by("pk")):
        Assignment.objects.filter(pk=a.pk).update(handled_at=None,
                                                  due_date=TODAY + datetime.timedelta(days=(-2, 0, 1)[i % 3]))
    seen = 0
    for scope in (Scope(), Scope(area=Area.objects.get(name="东山街道"))):
        for period in PERIODS:
            late = selectors.overdue_tables(period, scope, day=frozen)
            got = _figures(period, scope, frozen, late)
            assert got == _figures(period, scope, frozen, None), (scope, period)
            seen += got["cur"].overdue + sum(u["overdue"] for u in got["units"])
    assert seen > 10
    assert selectors.overdue_tables(Period.year(2025), Scope(unit=Assignment.objects.first().unit)) is None
