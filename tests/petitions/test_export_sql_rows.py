"""The item export's rows are formatted by PostgreSQL (issue 16: a million rows in 90 s): the same cells,
to the character, as the rows the export formatted in Python before — kept here as the reference."""

import datetime as dt

import pytest
from django.db import connection
from django.utils import timezone

from petitions import selectors, workflow
from petitions.choices import Category, Source, State
from petitions.models import Item, item_number

from .helpers import make, new_item, past_evaluation_window

pytestmark = pytest.mark.django_db

FIELDS = ("id", "title", "category", "source", "deputy__name", "area__name", "period", "state", "lead_unit__name",
          "submitted_at", "stage_due", "satisfaction", "satisfaction_deemed", "concluded_at")


def python_rows(qs):
    """The export's data rows as petitions.selectors.export_rows formatted them in Python until issue 16."""
    labels = {name: {value: str(label) for value, label in Item._meta.get_field(name).flatchoices}
              for name in ("category", "source", "state", "satisfaction")}
    category, source, state, satisfaction = (labels[n] for n in ("category", "source", "state", "satisfaction"))
    local = timezone.localtime
    for (pk, title, cat, src, deputy, area, period, st, unit, submitted, due, sat, sat_deemed,
         concluded) in selectors.item_list(qs).values_list(*FIELDS):
        yield [item_number(pk, period), title, category.get(cat, cat), source.get(src, src), deputy, area or "",
               period.strftime("%Y-%m"), state.get(st, st), unit or "",
               local(submitted).strftime("%Y-%m-%d %H:%M") if submitted else "",
               due.isoformat() if due else "",
               (satisfaction.get(sat, sat) + ("(视为)" if sat_deemed else "")) if sat else "",
               local(concluded).strftime("%Y-%m-%d") if concluded else ""]


def sql_rows(qs):
    rows = list(selectors.export_rows(qs))
    assert all(isinstance(v, str) for row in rows for v in row)  # nothing left for Python to format
    return rows[0], [list(r) for r in rows[1:]]


@pytest.fixture
def varied(cast):
    """Every state; every source; a draft without category and area; a deemed 满意; control characters and
    formula-like text; times either side of midnight in Beijing."""
    for state in State.values:
        make(cast, state)
    for src in Source.values:
        new_item(cast, source=src, title=f"来源 {src}")
    new_item(cast, submit=False, category="", area=None, title="=HYPERLINK(\"http://x\")")  # a draft may lack both
    new_item(cast, title="路灯\x0b不亮\x01的问题 & <b>")
    deemed = make(cast, State.EVALUATION)
    past_evaluation_window(deemed)
    workflow.item_deem_satisfied(item=deemed)
    late = new_item(cast, category=Category.OTHER, title="-1 +2 @3")
    # 2026-01-31 16:30 UTC is 2026-02-01 00:30 in Beijing: the local day and month, not UTC's.
    Item.objects.filter(pk=late.pk).update(submitted_at=dt.datetime(2026, 1, 31, 16, 30, tzinfo=dt.UTC),
                                           concluded_at=dt.datetime(2026, 3, 31, 15, 59, tzinfo=dt.UTC))


@pytest.mark.parametrize("who, box", [("staff", "all"), ("deputy", "mine")])
def test_the_sql_rows_equal_the_python_formatted_rows(cast, varied, who, box):
    qs = selectors.box_queryset(getattr(cast, who), box)
    header, rows = sql_rows(qs)
    assert header[0] == "编号" and len(header) == 13
    expected = list(python_rows(qs))
    assert len(rows) == len(expected) > 15
    assert rows == expected
    # The fixture reaches every branch: each state's label (a draft only in its author's list), the
    # deemed suffix, blanks, the local day.
    states = {str(label) for _v, label in State.choices}
    assert {r[7] for r in rows} == (states if box == "mine" else states - {"草稿"})
    assert "满意(视为)" in {r[11] for r in rows} and "不满意" in {r[11] for r in rows}
    assert any(r[8] == "" for r in rows)  # no lead unit yet
    assert any(r[5] == "" and r[2] == "" for r in rows) == (box == "mine")
    assert any(r[9] == "2026-02-01 00:30" and r[12] == "2026-03-31" for r in rows)


def test_the_number_matches_item_number_past_six_digits(cast):
    seq = "pg_get_serial_sequence('petitions_item', 'id')"
    with connection.cursor() as c:
        c.execute(f"SELECT nextval({seq})")
        before = c.fetchone()[0]
        c.execute(f"SELECT setval({seq}, 999998)")
    try:
        items = [new_item(cast) for _ in range(3)]  # 999999, 1000000, 1000001
    finally:
        with connection.cursor() as c:
            c.execute(f"SELECT setval({seq}, %s)", [before])
    assert [i.pk for i in items] == [999_999, 1_000_000, 1_000_001]
    rows = sql_rows(Item.objects.filter(pk__in=[i.pk for i in items]))[1]
    assert sorted(r[0] for r in rows) == sorted(item_number(i.pk, i.period) for i in items)
    assert {r[0][7:] for r in rows} == {"999999", "1000000", "1000001"}
