"""The 双联 figures on a small known dataset (the clock: 2026-11-26, the fourth quarter)."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from accounts.choices import Role
from accounts.services import user_create
from liaison import selectors, services
from petitions.choices import State
from petitions.models import Item
from tests import factories
from tests.personas import PASSWORD

from .conftest import contact_of, link_of

pytestmark = pytest.mark.django_db


@pytest.fixture
def dataset(cast, links, term):
    """钱主任: Q4 a visit to 刘芳 (2 opinions, one an item since concluded) and a call to 赵强 (1 opinion,
    an item still open); Q3 a visit to 刘芳 (1 opinion). 孙委员 (also linked to 刘芳): only a Q3 call to
    张伟. 周委员: no links at all. An ended link of 钱主任 with 代表丙 covers nobody."""
    visit = contact_of(cast, links["liu"])
    call = contact_of(cast, links["zhao"], kind="phone", date=datetime.date(2026, 10, 5), place="",
                      opinions=["寇湾社区养老服务站人手不足"])
    contact_of(cast, links["liu"], date=datetime.date(2026, 8, 1), opinions=["东山路公交站台缺少遮雨棚"])
    contact_of(cast, links["zhang"], kind="wechat", date=datetime.date(2026, 9, 15), opinions=[])
    link_of(cast, cast.other_member, cast.deputy)
    ended = services.link_create(actor=cast.staff, member=cast.member, term=term, since=datetime.date(2026, 1, 5),
                                 deputy=factories.MandateFactory(term=term, deputy__name="代表丙").deputy)
    services.link_end(actor=cast.staff, link=ended)
    cast.zhou = user_create(username="zhou", password=PASSWORD, full_name="周委员", roles=[Role.COMMITTEE_MEMBER])
    concluded = services.opinion_convert(opinion=visit.opinions.first(), actor=cast.member)
    services.opinion_convert(opinion=call.opinions.first(), actor=cast.member)
    Item.objects.filter(pk=concluded.item_id).update(state=State.CLOSED)  # as if carried through the loop
    return cast


def test_the_quarter_and_the_year_add_up(dataset, term):
    f = selectors.figures(user=dataset.staff, term=term, year=2026, quarter=4)
    assert f["deputies_covered"] == 3  # 刘芳 (twice), 赵强, 张伟; 代表丙's link ended
    assert (f["contacts_quarter"], f["heard_quarter"], f["converted_quarter"], f["concluded_quarter"]) == (2, 3, 2, 1)
    assert (f["contacts_year"], f["heard_year"], f["converted_year"], f["concluded_year"]) == (4, 4, 2, 1)
    assert [(p["key"], p["rate"]) for p in f["periods"]] == [("quarter", 50), ("year", 50)]


def test_members_without_a_contact_this_quarter_are_flagged(dataset, term):
    f = selectors.figures(user=dataset.staff, term=term, year=2026, quarter=4)
    rows = {m.full_name: (m.deputy_count, m.contacts_quarter, m.contacts_year, m.heard_quarter,
                          m.converted_quarter, m.flagged) for m in f["members"]}
    assert rows == {"钱主任": (2, 2, 3, 3, 2, False), "孙委员": (2, 0, 1, 0, 0, True), "周委员": (0, 0, 0, 0, 0, True)}
    assert f["flagged_count"] == 2
    q3 = {m.full_name: m.flagged for m in selectors.figures(user=dataset.staff, term=term, year=2026,
                                                            quarter=3)["members"]}
    assert q3 == {"钱主任": False, "孙委员": False, "周委员": True}


def test_area_staff_figures_cover_their_area_only(dataset, term):
    f = selectors.figures(user=dataset.dongshan_staff, term=term, year=2026, quarter=4)
    assert (f["deputies_covered"], f["contacts_quarter"], f["heard_quarter"], f["converted_quarter"]) == (2, 1, 2, 1)
    assert {m.full_name: m.contacts_quarter for m in f["members"]} == {"钱主任": 1, "孙委员": 0}


def test_an_empty_quarter_has_no_rate(cast, term):
    f = selectors.figures(user=cast.leader, term=term, year=2025, quarter=1)
    assert f["deputies_covered"] == 0 and [p["rate"] for p in f["periods"]] == [None, None]


def test_the_figures_take_the_same_queries_whatever_the_rows(cast, links, term):
    contact_of(cast, links["liu"])
    with CaptureQueriesContext(connection) as few:
        selectors.figures(user=cast.staff, term=term, year=2026, quarter=4)
    for i in range(6):
        member = user_create(username=f"m{i}", password=PASSWORD, full_name=f"委员{i}", roles=[Role.COMMITTEE_MEMBER])
        link = link_of(cast, member, cast.deputy)
        services.opinion_convert(opinion=contact_of(cast, link).opinions.first(), actor=member)
    with CaptureQueriesContext(connection) as many:
        f = selectors.figures(user=cast.staff, term=term, year=2026, quarter=4)
    assert len(f["members"]) == 8 and f["converted_quarter"] == 6
    assert len(many) == len(few) <= 5
