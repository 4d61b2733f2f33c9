"""The work-list badges (issue 16, finding 1): they count what the lists show, and their queries leave
out the private-draft clause, which defeated index-only counts at a million items."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from petitions import selectors
from petitions.choices import State
from tests.notifications.conftest import make_item

pytestmark = pytest.mark.django_db

COUNTED = ("research", "review", "requests", "overdue", "todo", "due_soon", "evaluate")


def test_no_badge_query_carries_the_private_draft_clause(cast):
    for who in (cast.staff, cast.dongshan_staff, cast.zhujian, cast.deputy):
        with CaptureQueriesContext(connection) as ctx:
            for box in COUNTED:
                selectors.box_count(box)(who)
        counts = [q["sql"] for q in ctx.captured_queries if "COUNT(" in q["sql"].upper()]
        assert counts, who
        for sql in counts:
            assert "entered_by_id" not in sql, sql


def test_the_badges_count_no_draft_and_the_mine_list_keeps_its_own_drafts(cast):
    deputy = cast.deputy.deputy_profile
    draft = make_item(deputy, state=State.DRAFT, submitted=False)
    draft.entered_by = cast.staff
    draft.save(update_fields=["entered_by"])
    research = make_item(deputy, state=State.RESEARCH)
    assert set(selectors.box_queryset(cast.staff, "research")) == {research}
    assert draft in selectors.box_queryset(cast.deputy, "mine")
    assert draft in selectors.box_queryset(cast.staff, "all")  # staff entered it: still theirs
    assert draft not in selectors.box_queryset(cast.dongshan_staff, "all")
    assert selectors.box_count("research")(cast.staff) == 1
