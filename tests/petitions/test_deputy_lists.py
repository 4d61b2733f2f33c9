"""What a deputy sees of their items (issue 10 §4): a returned item (退回补充) on the home page with the
reason and a link to edit it; their lists with a simple filter (状态, 月份) and cards on a phone, while
staff keep the full filter bar and the export."""

import re

import pytest
from django.urls import reverse

from petitions import workflow
from petitions.choices import State

from .helpers import make

pytestmark = pytest.mark.django_db


# ---- the home panel ------------------------------------------------------------------------------


def test_it_shows_a_returned_item_on_the_deputys_home_with_the_reason_and_an_edit_link(cast, login):
    item = make(cast, State.RETURNED, title="周庄社区路灯不亮")
    make(cast, State.HANDLING, title="另一件在办理")
    html = login(cast.deputy).get("/").content.decode()
    block = re.search(r'data-testid="returned-items".*?</div>\s*</div>\s*</div>\s*</div>', html, re.S).group(0)
    assert block.count('data-testid="returned-item"') == 1
    assert "周庄社区路灯不亮" in block and "请补充具体位置" in block
    assert f'href="{reverse("petitions:edit", args=[item.pk])}"' in block
    assert "另一件在办理" not in block
    # The link leads to the form, which says why too.
    html = login(cast.deputy).get(reverse("petitions:edit", args=[item.pk])).content.decode()
    assert 'data-testid="returned-note"' in html and "退回原因:请补充具体位置" in html
    # The latest reason is the one shown (the item is changed first: unchanged it cannot go back).
    workflow.item_update(item=item, actor=cast.deputy, data={"address": "周庄社区 3 号楼"})
    workflow.item_submit(item=item, actor=cast.deputy)
    item = workflow.item_start_research(item=item, actor=cast.staff)
    workflow.item_return_for_detail(item=item, actor=cast.staff, comment="请附现场照片")
    html = login(cast.deputy).get("/").content.decode()
    assert "请附现场照片" in html and "请补充具体位置" not in html


def test_it_shows_returned_items_only_to_their_deputy_and_not_once_resubmitted(cast, login):
    item = make(cast, State.RETURNED)
    for name in ("group_leader", "renwei_deputy", "staff", "dongshan_staff"):
        assert 'data-testid="returned-item"' not in login(getattr(cast, name)).get("/").content.decode(), name
    workflow.item_update(item=item, actor=cast.deputy, data={"address": "周庄社区 3 号楼"})
    workflow.item_submit(item=item, actor=cast.deputy)
    assert 'data-testid="returned-item"' not in login(cast.deputy).get("/").content.decode()


# ---- the lists -----------------------------------------------------------------------------------


def test_it_gives_deputies_a_simple_filter_and_cards_without_the_export(cast, login):
    make(cast, State.HANDLING, title="下水道堵塞")
    client = login(cast.deputy)
    for name in ("petitions:mine", "petitions:evaluate"):
        html = client.get(reverse(name)).content.decode()
        assert 'data-testid="simple-filters"' in html and 'data-testid="filters"' not in html, name
        assert 'name="state"' in html and 'name="month"' in html
        for staff_only in ('name="q"', 'name="stage"', 'name="unit"', 'name="area"', 'name="overdue"', "导出 Excel"):
            assert staff_only not in html, (name, staff_only)
    html = client.get(reverse("petitions:mine")).content.decode()
    assert 'data-testid="item-cards"' in html and html.count('data-testid="item-card"') == 1
    # Asking for the export anyway gets the page, not a spreadsheet.
    response = client.get(reverse("petitions:mine"), {"export": "xlsx"})
    assert response["Content-Type"].startswith("text/html")


def test_it_filters_a_deputys_list_by_state_and_month(cast, login):
    handling = make(cast, State.HANDLING, title="下水道堵塞")
    submitted = make(cast, State.SUBMITTED, title="路灯")
    client = login(cast.deputy)

    def shown(**params):
        html = client.get(reverse("petitions:mine"), params).content.decode()
        return {pk for pk in (handling.pk, submitted.pk) if f"/items/{pk}/" in html}

    assert shown() == {handling.pk, submitted.pk}
    assert shown(state="handling") == {handling.pk}
    assert shown(month=handling.period.strftime("%Y-%m")) == {handling.pk, submitted.pk}
    assert shown(month="2001-01") == set()
    # Staff-bar parameters do nothing here, and bad input is no 500.
    assert shown(q="路灯", stage="handle") == {handling.pk, submitted.pk}
    assert client.get(reverse("petitions:mine"), {"state": "nope", "month": "x"}).status_code == 200


def test_it_keeps_the_full_filter_bar_and_export_for_staff(cast, login):
    make(cast, State.HANDLING)
    html = login(cast.staff).get(reverse("petitions:list")).content.decode()
    assert 'data-testid="filters"' in html and 'data-testid="simple-filters"' not in html
    assert 'name="q"' in html and 'name="unit"' in html and 'data-testid="export"' in html
    assert 'data-testid="item-cards"' not in html


def test_it_lists_a_deputys_items_in_a_fixed_number_of_queries(cast, login, django_assert_max_num_queries):
    client = login(cast.deputy)
    for _ in range(2):
        make(cast, State.HANDLING)
    client.get(reverse("petitions:mine"))
    with django_assert_max_num_queries(30) as small:
        client.get(reverse("petitions:mine"))
    for _ in range(8):
        make(cast, State.REVIEW)
    with django_assert_max_num_queries(len(small.captured_queries)):
        response = client.get(reverse("petitions:mine"))
    assert response.status_code == 200 and response.content.decode().count('data-testid="item-card"') == 10


def test_it_shows_the_home_page_in_a_fixed_number_of_queries_with_returned_items(cast, login,
                                                                              django_assert_max_num_queries):
    client = login(cast.deputy)
    make(cast, State.RETURNED)
    client.get("/")
    with django_assert_max_num_queries(60) as small:
        client.get("/")
    for _ in range(4):
        make(cast, State.RETURNED)
    with django_assert_max_num_queries(len(small.captured_queries)):
        html = client.get("/").content.decode()
    assert html.count('data-testid="returned-item"') == 5


def test_the_list_rows_show_each_item_escaped_with_its_state_unit_due_date_and_overdue_mark(cast, login):
    """The rows are built in Python (petitions/render.py): what the template showed, escaped alike."""
    import datetime

    from petitions.models import Item

    item = make(cast, State.HANDLING, title='<b>路灯</b> & "井盖"' + "长" * 50)
    Item.objects.filter(pk=item.pk).update(stage_due=datetime.date(2020, 1, 2), supervised=True)
    calm = make(cast, State.SUBMITTED, title="新报的事项")
    for who, testid in ((cast.staff, "item-table"), (cast.deputy, "item-cards")):
        html = login(who).get(reverse("petitions:list" if testid == "item-table" else "petitions:mine")).content.decode()
        block = html[html.index(f'data-testid="{testid}"'):]
        assert "<b>路灯</b>" not in block and "&lt;b&gt;路灯&lt;/b&gt; &amp; &quot;井盖&quot;" in block
        assert "长" * 45 not in block and "长" * 20 in block  # truncated (40 characters in the table, 60 on a card)
        assert f'href="{item.get_absolute_url()}"' in block and f'href="{calm.get_absolute_url()}"' in block
        item.refresh_from_db()
        assert item.number in block and item.lead_unit.name in block and "办理中" in block and "已提交" in block
        assert '<span class="text-danger fw-semibold">' in block and "2020-01-02" in block
        assert "督办" in block
