"""Staff filing an item for a deputy choose the deputy through a search, not a list of the whole roster
(issue 16: the new-item form stays small whatever the roster's size)."""

import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from areas.models import Area
from petitions.choices import State
from petitions.models import Item
from tests import factories
from tests.access import ViewAccessCases

from .helpers import item_data

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def no_nav_badges(monkeypatch):
    monkeypatch.setattr("core.nav.items_for", lambda user: [])


def filer_search(text):
    return reverse("petitions:filer_search") + f"?deputy_name={text}"


class TestFilerSearch(ViewAccessCases):
    allowed = ("staff", "dongshan_staff")
    forbidden = ("deputy", "zhujian", "leader")

    def url(self, cast):
        return filer_search("lf")


def test_the_search_offers_in_office_deputies_in_the_staff_members_scope_as_choices(cast, login):
    liu, zhao = cast.deputy.deputy_profile, cast.renwei_deputy.deputy_profile
    html = login(cast.staff).get(filer_search("zq")).content.decode()
    assert f'name="deputy" value="{zhao.pk}"' in html
    html = login(cast.dongshan_staff).get(filer_search("zq")).content.decode()
    assert f'value="{zhao.pk}"' not in html and "没有找到" in html  # 赵强 is 任圩街道's
    html = login(cast.dongshan_staff).get(filer_search("刘芳")).content.decode()
    assert f'name="deputy" value="{liu.pk}"' in html and "刘芳（东山街道·区人大代表）" in html
    assert login(cast.staff).get(filer_search("")).content == b""
    assert login(cast.staff).get(filer_search("%00" + "x" * 80)).status_code == 200


def _new_page(client):
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(reverse("petitions:create"))
    assert response.status_code == 200
    return response, len(ctx)


def test_the_staff_form_stays_small_with_the_query_count_constant_as_the_roster_grows(cast, login):
    from deputies.models import Deputy, Mandate

    client = login(cast.staff)
    _response, few = _new_page(client)
    mandate = cast.deputy.deputy_profile.mandates.first()
    people = Deputy.objects.bulk_create([Deputy(name=f"代表{i:04d}") for i in range(3000)])
    Mandate.objects.bulk_create([Mandate(deputy=d, term=mandate.term, area=mandate.area) for d in people])
    response, many = _new_page(client)
    assert many == few
    html = response.content.decode()
    assert len(response.content) <= 40_000, len(response.content)
    assert "代表2999" not in html and 'data-testid="deputy-input"' in html


def _base(cast):
    return {**item_data(), "area": Area.objects.get(name="东山街道").pk, "source": "visit", "submit": "1"}


def test_staff_file_for_the_only_deputy_matching_the_typed_name(cast, login):
    response = login(cast.dongshan_staff).post(reverse("petitions:create"), {**_base(cast), "deputy_name": "lf"})
    item = Item.objects.get()
    assert response.status_code == 302 and item.deputy == cast.deputy.deputy_profile
    assert item.state == State.SUBMITTED and item.entered_by == cast.dongshan_staff


def test_two_namesakes_become_choices_and_nothing_is_saved_until_one_is_chosen(cast, login):
    dongshan = Area.objects.get(name="东山街道")
    other = factories.DeputyFactory(name="刘芳", area=dongshan)
    factories.MandateFactory(deputy=other, term=cast.deputy.deputy_profile.mandates.first().term, area=dongshan)
    client = login(cast.staff)
    response = client.post(reverse("petitions:create"), {**_base(cast), "deputy_name": "刘芳"})
    assert response.status_code == 200 and not Item.objects.exists()
    html = response.content.decode()
    assert "有多位代表与“刘芳”匹配" in html
    offered = set(map(int, re.findall(r'name="deputy" value="(\d+)" data-testid="deputy-candidate"', html)))
    assert offered == {cast.deputy.deputy_profile.pk, other.pk}
    assert 'value="周庄社区路灯不亮"' in html  # what was typed is kept
    response = client.post(reverse("petitions:create"), {**_base(cast), "deputy": other.pk})
    assert response.status_code == 302 and Item.objects.get().deputy == other


def test_no_deputy_or_an_unknown_or_out_of_scope_one_is_refused_and_changes_nothing(cast, login):
    client = login(cast.dongshan_staff)
    response = client.post(reverse("petitions:create"), _base(cast))
    assert response.status_code == 200 and "请选择代表。" in response.content.decode()
    response = client.post(reverse("petitions:create"), {**_base(cast), "deputy_name": "不存在的人"})
    assert "没有找到在任代表“不存在的人”" in response.content.decode()
    response = client.post(reverse("petitions:create"), {**_base(cast), "deputy": cast.renwei_deputy.deputy_profile.pk})
    assert response.status_code == 200 and 'data-testid="deputy-error"' in response.content.decode()
    assert not Item.objects.exists()


def test_a_chosen_deputy_stays_chosen_when_the_form_comes_back(cast, login):
    liu = cast.deputy.deputy_profile
    response = login(cast.staff).post(reverse("petitions:create"), {**_base(cast), "deputy": liu.pk, "content": ""})
    html = response.content.decode()
    assert response.status_code == 200 and not Item.objects.exists()
    assert f'name="deputy" value="{liu.pk}" id="filer-chosen" checked' in html
