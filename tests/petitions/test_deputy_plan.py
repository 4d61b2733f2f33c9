"""A deputy's items are found through the indexes on deputy (issue 16: 我的社情民意 and every deputy page
read the deputy's few items, not the whole table)."""

import pytest
from django.db import connection

from petitions.models import Item
from petitions.selectors import box_queryset

from .helpers import new_item

pytestmark = pytest.mark.django_db


def plan(qs) -> str:
    sql, params = qs.only("pk").query.sql_with_params()
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_seqscan = off")
        cursor.execute("EXPLAIN " + sql, params)
        return "\n".join(row[0] for row in cursor.fetchall())


@pytest.mark.parametrize("persona", ["deputy", "group_leader"])
def test_a_deputys_items_are_reached_by_index_not_by_filtering_every_row(cast, persona):
    new_item(cast)
    user = getattr(cast, persona)
    for qs in (Item.objects.visible_to(user), box_queryset(user, "mine")):
        text = plan(qs)
        # An OR of EXISTS in the outer WHERE makes PostgreSQL filter every item row (a "Filter" with
        # SubPlans on a full scan); the UNION of ids is joined through the indexes instead.
        assert "SubPlan" not in text and "alternative" not in text, text
        assert "Seq Scan on petitions_item " not in text, text
