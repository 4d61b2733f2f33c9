"""Each dashboard page runs the same number of queries whatever the amount of data."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from units.models import HandlingUnit

from .conftest import build_random

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def no_nav_badges(monkeypatch):
    """The navigation's work-count badges are other apps' queries (and change as they grow); count ours."""
    monkeypatch.setattr("core.nav.items_for", lambda user: [])

PARAMS = {"period": "year", "year": "2025"}
PAGES = [
    ("dashboards:overview", (), PARAMS),
    ("dashboards:print", (), PARAMS),
    ("dashboards:export", ("units",), PARAMS),
    ("dashboards:items", (), {"from": "2025-01-01", "to": "2025-12-31", "metric": "overdue"}),
    ("dashboards:submissions", (), {"year": "2025"}),
    ("dashboards:items_export", (), {"from": "2025-01-01", "to": "2025-12-31", "metric": "overdue"}),
]
# Session + user + the user's groups; then the page's own queries (逾期 of all tables: one query, overdue_tables).
# The two exports also write their audit event (audit.SecurityEvent, one insert).
EXPECTED = {"dashboards:overview": 18, "dashboards:print": 15, "dashboards:export": 16, "dashboards:items": 5,
            "dashboards:submissions": 8, "dashboards:items_export": 5}


def count(client, name, args, params):
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(reverse(name, args=args), params)
        if hasattr(response, "render"):
            response.content  # noqa: B018
    assert response.status_code == 200
    return len(ctx.captured_queries)


@pytest.mark.parametrize("name,args,params", PAGES)
def test_it_runs_a_fixed_number_of_queries(cast, login, frozen, django_assert_num_queries, name, args, params):
    client = login(cast.staff)
    build_random(cast, n=15, seed=3)
    small = count(client, name, args, params)
    build_random(cast, n=120)
    for i in range(6):
        HandlingUnit.objects.create(name=f"单位{i}")
    build_random(cast, n=120, seed=11)
    large = count(client, name, args, params)
    assert (small, large) == (EXPECTED[name], EXPECTED[name])
    with django_assert_num_queries(EXPECTED[name]):
        client.get(reverse(name, args=args), params)


def test_it_runs_the_unit_dashboard_in_a_fixed_number_of_queries(cast, login, frozen, django_assert_num_queries):
    client = login(cast.zhujian)
    build_random(cast, n=15, seed=3)
    small = count(client, "dashboards:overview", (), PARAMS)
    build_random(cast, n=120)
    with django_assert_num_queries(small):
        client.get(reverse("dashboards:overview"), PARAMS)
    assert small == 11  # headline, tables and the unit row: one query (unit_overview)
