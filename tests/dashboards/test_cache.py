"""The dashboards' figures kept between requests (dashboards/cache.py, issue 16): served again until anything
they count changes — through any writer — and counted live when Redis is down."""

import datetime
import io
import re
import uuid

import pytest
from django.conf import settings
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext, override_settings
from django.urls import reverse

from areas.models import Area
from deputies.models import Mandate
from petitions.choices import State
from petitions.models import Item
from units.models import HandlingUnit

from .builders import make_item

pytestmark = pytest.mark.django_db
PARAMS = {"period": "year", "year": "2025"}


@pytest.fixture
def kept():
    """Figures kept 60 s, under a key prefix of this test alone."""
    caches = {**settings.CACHES, "nav": {**settings.CACHES["nav"], "KEY_PREFIX": f"t-{uuid.uuid4().hex}"}}
    with override_settings(CACHES=caches, DASHBOARD_CACHE_SECONDS=60):
        yield


def figure(html: str, key: str) -> str:
    return re.search(rf'data-testid="figure-{key}">(?:<a [^>]*>)?([^<]*)<', html).group(1)


def page(client, **params):
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(reverse("dashboards:overview"), {**PARAMS, **params})
    assert response.status_code == 200
    return response.content.decode(), len(ctx.captured_queries)


def test_kept_figures_are_served_again_with_fewer_queries_and_the_same_page(cast, login, frozen, kept):
    deputy = cast.deputy.deputy_profile
    for day in (3, 4, 5):
        make_item(deputy, submitted=datetime.date(2025, 3, day), unit=HandlingUnit.objects.first())
    client = login(cast.leader)
    first, counted = page(client)
    again, served = page(client)
    assert figure(first, "collected") == figure(again, "collected") == "3"
    assert served <= counted - 8  # the figures' own queries are not run again
    strip = lambda html: re.sub(r'(csrfmiddlewaretoken" value=|data-csrf=)"[^"]+"', "", html)  # noqa: E731
    assert strip(first) == strip(again)


@pytest.mark.parametrize("change", ["orm", "bulk update", "raw sql", "delete", "unit renamed", "mandate ended"])
def test_any_change_to_what_the_figures_count_shows_at_once(cast, login, frozen, kept, change):
    deputy = cast.deputy.deputy_profile
    unit = HandlingUnit.objects.first()
    items = [make_item(deputy, submitted=datetime.date(2025, 3, d), unit=unit) for d in (3, 4)]
    client = login(cast.leader)
    html, _ = page(client)
    assert figure(html, "collected") == "2" and unit.name in html
    if change == "orm":
        make_item(deputy, submitted=datetime.date(2025, 3, 5))
        expect = ("collected", "3")
    elif change == "bulk update":
        Item.objects.filter(pk=items[0].pk).update(state=State.WITHDRAWN)
        expect = ("collected", "1")
    elif change == "raw sql":
        with connection.cursor() as cursor:
            cursor.execute("UPDATE petitions_item SET state = 'withdrawn' WHERE id = %s", [items[1].pk])
        expect = ("collected", "1")
    elif change == "delete":
        Item.objects.filter(pk__in=[i.pk for i in items]).delete()
        expect = ("collected", "0")
    elif change == "unit renamed":
        HandlingUnit.objects.filter(pk=unit.pk).update(name="改名后的单位")
        html, _ = page(client)
        assert "改名后的单位" in html
        return
    else:  # 月度报送率 counts the deputies in office
        before = figure(html, "monthly_submission_rate")
        Mandate.objects.filter(deputy=deputy).update(status="ended")
        html, _ = page(client)
        assert figure(html, "monthly_submission_rate") != before
        return
    html, _ = page(client)
    assert figure(html, expect[0]) == expect[1]


def test_kept_figures_belong_to_their_scope_and_period(cast, login, frozen, kept):
    deputy = cast.deputy.deputy_profile  # 东山街道
    make_item(deputy, submitted=datetime.date(2025, 3, 3))
    make_item(cast.renwei_deputy.deputy_profile, submitted=datetime.date(2025, 3, 4),
              area=Area.objects.get(name="任圩街道"))
    make_item(deputy, submitted=datetime.date(2024, 3, 4))
    assert figure(page(login(cast.leader))[0], "collected") == "2"
    assert figure(page(login(cast.dongshan_staff))[0], "collected") == "1"  # their area only
    assert figure(page(login(cast.leader), year="2024")[0], "collected") == "1"
    assert figure(page(login(cast.leader))[0], "collected") == "2"


def test_the_figures_are_counted_when_redis_is_down(cast, login, frozen, kept):
    make_item(cast.deputy.deputy_profile, submitted=datetime.date(2025, 3, 3))
    down = {**settings.CACHES, "nav": {**settings.CACHES["nav"], "LOCATION": "redis://127.0.0.1:1/0"}}
    with override_settings(CACHES=down):
        assert figure(page(login(cast.leader))[0], "collected") == "1"


def test_nothing_is_kept_when_the_setting_is_zero(cast, login, frozen):
    make_item(cast.deputy.deputy_profile, submitted=datetime.date(2025, 3, 3))
    client = login(cast.leader)
    _, first = page(client)
    _, second = page(client)
    assert first == second


def test_rebuilt_rollups_are_not_hidden_by_figures_kept_from_the_broken_ones(cast, login, frozen, kept):
    deputy = cast.deputy.deputy_profile
    for day in (3, 4):
        make_item(deputy, submitted=datetime.date(2025, 3, day))
    with connection.cursor() as cursor:  # rollups gone wrong (what check_rollups reports): no item changed
        cursor.execute("UPDATE dashboards_rollupitem SET collected = collected + 5")
    client = login(cast.leader)
    assert figure(page(client)[0], "collected") == "7"
    call_command("rebuild_rollups", stdout=io.StringIO())
    assert figure(page(client)[0], "collected") == "2"
