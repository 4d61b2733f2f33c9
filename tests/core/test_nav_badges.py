"""The navigation badges (issue 16: counts together ≤ 5 ms at a million items): every badge of a bar in
one query, each counted up to a cap (99+), and kept a short while in Redis with the user's own changes
shown at once."""

import uuid

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext, override_settings

from core import nav
from petitions.choices import State
from tests.notifications.conftest import make_item

pytestmark = pytest.mark.django_db


def _fresh(user):
    user = type(user).objects.get(pk=user.pk)
    user.roles, user.deputy_profile  # noqa: B018 - loaded by every page before the bar
    return user


def _counts(user):
    return {e["key"]: e["count"] for e in nav.items_for(user) if e["count"] is not None}


def test_every_badge_of_a_bar_is_counted_in_one_query(cast):
    deputy = cast.deputy.deputy_profile
    make_item(deputy, state=State.RESEARCH)
    make_item(deputy, state=State.REVIEW)
    for who in (cast.staff, cast.dongshan_staff, cast.zhujian, cast.deputy):
        who = _fresh(who)
        nav.items_for(who)  # settings and the calendar are read once per process
        with CaptureQueriesContext(connection) as ctx:
            counts = _counts(who)
        assert len([q for q in ctx.captured_queries if "COUNT(" in q["sql"].upper()]) == 1, who
        assert len(counts) >= 3, counts
    staff = _counts(_fresh(cast.staff))
    assert staff["items_research"] == 1 and staff["items_review"] == 1


def test_a_badge_says_99_plus_once_it_reaches_the_cap(cast, login, monkeypatch):
    monkeypatch.setattr(nav, "BADGE_CAP", 3)
    deputy = cast.deputy.deputy_profile
    for _ in range(2):
        make_item(deputy, state=State.RESEARCH)
    entry = next(e for e in nav.items_for(_fresh(cast.staff)) if e["key"] == "items_research")
    assert (entry["count"], entry["badge"]) == (2, "2")
    for _ in range(3):
        make_item(deputy, state=State.RESEARCH)
    entry = next(e for e in nav.items_for(_fresh(cast.staff)) if e["key"] == "items_research")
    assert (entry["count"], entry["badge"]) == (3, "2+")  # counted up to the cap, never further
    page = login(cast.staff).get("/items/research/")
    assert page.status_code == 200
    assert ">2+</span>" in page.content.decode()


@pytest.fixture
def kept_badges():
    """Badges kept 30 s in Redis, under a key prefix of this test alone."""
    from django.conf import settings

    caches = {**settings.CACHES, "nav": {**settings.CACHES["nav"], "KEY_PREFIX": f"t-{uuid.uuid4().hex}"}}
    with override_settings(CACHES=caches, NAV_BADGE_CACHE_SECONDS=30):
        yield


def test_kept_badges_show_others_changes_later_and_the_users_own_at_once(cast, login, kept_badges):
    deputy = cast.deputy.deputy_profile
    make_item(deputy, state=State.RESEARCH)
    assert _counts(_fresh(cast.staff))["items_research"] == 1
    make_item(deputy, state=State.RESEARCH)  # somebody else's change
    with CaptureQueriesContext(connection) as ctx:
        assert _counts(_fresh(cast.staff))["items_research"] == 1  # kept: nothing counted
    assert not [q for q in ctx.captured_queries if "COUNT(" in q["sql"].upper()]
    client = login(cast.staff)
    client.post("/notifications/read/")  # any change of the user's own (an unsafe request)
    assert _counts(_fresh(cast.staff))["items_research"] == 2
    assert _counts(_fresh(cast.dongshan_staff))  # another user has their own entry


def test_the_badges_are_counted_live_when_redis_is_down(cast, kept_badges):
    from django.conf import settings

    down = {**settings.CACHES, "nav": {**settings.CACHES["nav"], "LOCATION": "redis://127.0.0.1:1/0"}}
    make_item(cast.deputy.deputy_profile, state=State.RESEARCH)
    with override_settings(CACHES=down):
        assert _counts(_fresh(cast.staff))["items_research"] == 1
        nav.forget_counts(cast.staff)  # no error either


def test_a_long_list_counts_its_total_up_to_the_cap(cast, login, monkeypatch):
    """Issue 16: an area's list of 100,000 items costs what 2,000 do ("2,000+"); under the cap, exact."""
    monkeypatch.setattr("petitions.views.LIST_COUNT_CAP", 3)
    deputy = cast.deputy.deputy_profile
    area = cast.dongshan_staff.area
    for _ in range(3):
        make_item(deputy, state=State.RESEARCH, area=area)
    page = login(cast.dongshan_staff).get("/items/").content.decode()
    assert "共 3 件" in page and "3+" not in page
    make_item(deputy, state=State.RESEARCH, area=area)
    with CaptureQueriesContext(connection) as ctx:
        page = login(cast.dongshan_staff).get("/items/").content.decode()
    assert "共 3+ 件" in page
    # Counted over any rows up to the cap, never sorted first: sorting a whole area's items before taking
    # 2,001 of them cost a second at a million items (bench/RESULTS.md, 2026-12-04).
    counts = [q["sql"] for q in ctx.captured_queries if q["sql"].startswith("SELECT COUNT(*) FROM (SELECT")
              and "petitions_item" in q["sql"]]
    assert counts and not [sql for sql in counts if "ORDER BY" in sql]


def test_every_process_finds_the_same_kept_badges(cast):
    """The key must not depend on the process (str hash() is salted per process): a user's own change in
    one web worker drops what another worker kept."""
    import subprocess
    import sys

    code = ("import django, os; os.environ.setdefault('DJANGO_SETTINGS_MODULE', 'xiangshan.settings.test'); "
            "django.setup(); from core import nav; "
            "from types import SimpleNamespace as U; "
            "print(nav._cache_key(U(pk=7, roles={'district_staff'}, unit_id=None, area_id=3)))")
    keys = {subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True,
                           env={**__import__("os").environ, "PYTHONHASHSEED": seed}).stdout.strip().splitlines()[-1]
            for seed in ("1", "2")}
    assert len(keys) == 1, keys
