"""The filter bar's deputy picker (代表): the htmx choices endpoint, the no-JavaScript name resolution, and
a leader choosing a deputy in Chromium."""

import datetime
from urllib.parse import parse_qs, urlparse

import pytest
from django.urls import reverse

from areas.models import Area
from tests import factories
from tests.access import ViewAccessCases
from units.models import HandlingUnit

from .builders import make_item

pytestmark = pytest.mark.django_db

ALLOWED = ("staff", "leader", "admin", "dongshan_staff", "zhujian", "group_leader")


def picker(**params) -> str:
    return reverse("dashboards:deputy_picker") + "?" + "&".join(f"{k}={v}" for k, v in params.items())


def choices(response) -> set[int]:
    """The deputy ids offered by a picker fragment (or a page showing candidates)."""
    html = response.content.decode()
    return {int(part.split('"')[0]) for part in html.split('data-deputy="')[1:]}


@pytest.fixture(autouse=True)
def no_nav_badges(monkeypatch):
    """The navigation's work-count badges are other apps' queries; count ours."""
    monkeypatch.setattr("core.nav.items_for", lambda user: [])


class TestDeputyPicker(ViewAccessCases):
    allowed = ALLOWED
    forbidden = ("deputy", "renwei_deputy")

    def url(self, cast):
        return picker(deputy_name="zw")


class TestDeputyPickerInAnotherArea(ViewAccessCases):
    allowed = ("staff", "leader", "renwei_staff")
    out_of_scope = ("dongshan_staff",)
    forbidden = ("deputy",)

    def url(self, cast):
        return picker(deputy_name="zq", area=Area.objects.get(name="任圩街道").pk)


def test_it_finds_a_deputy_by_pinyin_initials(cast, login):
    zhang, zhao = cast.group_leader.deputy_profile, cast.renwei_deputy.deputy_profile
    client = login(cast.leader)
    for text in ("zw", "zhw", "ZW", "zhangwei", "张伟"):
        response = client.get(picker(deputy_name=text, period="year", year="2025"))
        assert response.status_code == 200
        assert choices(response) == {zhang.pk}, text
    assert choices(client.get(picker(deputy_name="zq"))) == {zhao.pk}
    # Each choice is a link to the overview keeping the filter bar's values, plus the deputy.
    href = client.get(picker(deputy_name="zw", period="year", year="2025")).content.decode().split('href="')[1]
    query = parse_qs(urlparse(href.split('"')[0].replace("&amp;", "&")).query)
    assert query == {"period": ["year"], "year": ["2025"], "deputy": [str(zhang.pk)]}


def test_it_answers_nothing_for_empty_text(cast, login):
    response = login(cast.leader).get(picker(deputy_name="  "))
    assert response.status_code == 200 and response.content == b""


def test_it_never_gives_area_staff_another_areas_deputy(cast, login):
    zhao = cast.renwei_deputy.deputy_profile
    dongshan = login(cast.dongshan_staff)
    for text in ("zq", "赵强", "zhaoqiang", "z"):
        assert zhao.pk not in choices(dongshan.get(picker(deputy_name=text))), text
    # Without JavaScript either: no match, no redirect to his dashboard.
    response = dongshan.get(reverse("dashboards:overview"), {"deputy_name": "赵强"})
    assert response.status_code == 200
    assert "没有找到与“赵强”匹配的代表" in response.content.decode()
    assert zhao.pk not in choices(response)
    assert choices(login(cast.renwei_staff).get(picker(deputy_name="zq"))) == {zhao.pk}


def test_it_offers_only_deputies_of_the_chosen_area_and_group(cast, login):
    zhang, zhao = cast.group_leader.deputy_profile, cast.renwei_deputy.deputy_profile
    client = login(cast.staff)
    assert choices(client.get(picker(deputy_name="z"))) >= {zhang.pk, zhao.pk}
    renwei = Area.objects.get(name="任圩街道").pk
    assert choices(client.get(picker(deputy_name="z", area=renwei))) == {zhao.pk}
    # A group leader is held to the group they lead.
    assert choices(login(cast.group_leader).get(picker(deputy_name="z"))) == {zhang.pk}
    # A handling unit sees no deputies (Deputy.objects.visible_to).
    assert choices(login(cast.zhujian).get(picker(deputy_name="z"))) == set()


def test_it_runs_a_fixed_number_of_queries_and_offers_at_most_20(cast, login, django_assert_num_queries):
    client = login(cast.dongshan_staff)
    dongshan = Area.objects.get(name="东山街道")
    for c in "文武维":
        factories.MandateFactory(deputy=factories.DeputyFactory(name=f"张{c}", area=dongshan), area=dongshan)
    # Session, user, roles; the user's area, their deputy profile (none); the candidates: one query.
    with django_assert_num_queries(6):
        response = client.get(picker(deputy_name="zw"))
    assert len(choices(response)) == 4
    for c in "一二三四五六七八九十甲乙丙丁戊己庚辛壬癸子丑寅卯辰巳午未申酉戌亥东南西北春夏秋冬":
        factories.MandateFactory(deputy=factories.DeputyFactory(name=f"张文{c}", area=dongshan), area=dongshan)
    with django_assert_num_queries(6):
        response = client.get(picker(deputy_name="zw"))
    assert len(choices(response)) == 20
    assert "只显示前 20 位" in response.content.decode()
    client = login(cast.leader)
    with django_assert_num_queries(4):  # district-wide: session, user, roles, candidates
        response = client.get(picker(deputy_name="zw"))
    assert len(choices(response)) == 20


def test_it_shows_bad_input_escaped_and_never_fails(cast, login):
    client = login(cast.leader)
    for text in ("<script>alert(1)</script>", "x" * 5000, "某\x00人", "%", "_", "' OR 1=1 --"):
        for url in (reverse("dashboards:deputy_picker"), reverse("dashboards:overview")):
            response = client.get(url, {"deputy_name": text})
            assert response.status_code == 200, (url, text[:20])
            assert "<script>alert(1)</script>" not in response.content.decode()
    # A NUL is dropped from every query parameter (core.middleware): 张\x00伟 is 张伟, as typed without it.
    assert client.get(reverse("dashboards:overview"), {"deputy_name": "张\x00伟"})["Location"] == \
        client.get(reverse("dashboards:overview"), {"deputy_name": "张伟"})["Location"]
    html = client.get(reverse("dashboards:deputy_picker"), {"deputy_name": "<b>x</b>"}).content.decode()
    assert "&lt;b&gt;x&lt;/b&gt;" in html
    html = client.get(reverse("dashboards:deputy_picker"), {"deputy_name": "x" * 5000}).content.decode()
    assert "不超过 30 个字" in html


def test_it_resolves_a_typed_name_without_javascript(cast, login):
    zhang = cast.group_leader.deputy_profile
    client = login(cast.leader)
    response = client.get(reverse("dashboards:overview"), {"period": "year", "year": "2025", "deputy_name": "张伟"})
    assert response.status_code == 302
    assert parse_qs(urlparse(response["Location"]).query) == {"period": ["year"], "year": ["2025"],
                                                              "deputy": [str(zhang.pk)]}

    other = factories.DeputyFactory(name="张文")
    response = client.get(reverse("dashboards:overview"), {"period": "year", "year": "2025", "deputy_name": "zw"})
    assert response.status_code == 200
    html = response.content.decode()
    assert "有多位代表与“zw”匹配,请选择一位" in html
    assert choices(response) == {zhang.pk, other.pk}
    assert f"deputy={zhang.pk}" in html and "period=year&amp;year=2025" in html

    response = client.get(reverse("dashboards:overview"), {"deputy_name": "无此人"})
    assert response.status_code == 200
    assert "没有找到与“无此人”匹配的代表" in response.content.decode()


def test_it_shows_the_chosen_deputy_with_a_way_to_clear_it(cast, login, django_assert_max_num_queries):
    zhang = cast.group_leader.deputy_profile
    make_item(zhang, submitted=datetime.date(2025, 3, 3))
    client = login(cast.leader)
    response = client.get(reverse("dashboards:overview"), {"period": "year", "year": "2025", "deputy": zhang.pk})
    html = response.content.decode()
    assert 'data-testid="deputy-chosen">张伟<' in html
    assert 'href="?period=year&amp;year=2025" title="清除代表"' in html
    assert 'data-testid="deputy-input"' not in html
    assert 'name="deputy_name"' in client.get(reverse("dashboards:overview")).content.decode()
    # A handling unit sees no deputies, so it gets no picker.
    assert 'data-testid="deputy-picker"' not in login(cast.zhujian).get(reverse("dashboards:overview")).content.decode()


def test_it_keeps_the_overview_query_count_fixed_with_a_deputy(cast, login, frozen, django_assert_num_queries,
                                                               django_assert_max_num_queries):
    """No deputy: the overview's count is unchanged (test_queries.py); a chosen deputy at most one more (scope_for
    reads it; its figures are counted live, which is fewer) and a typed name one more (the candidates), whatever
    the amount of data."""
    from .conftest import build_random
    from .test_queries import EXPECTED, PARAMS

    zhang = cast.group_leader.deputy_profile
    client = login(cast.staff)
    url = reverse("dashboards:overview")
    build_random(cast, n=15, seed=3)
    # One item of his in a unit, area and group, so that each table has rows to name (an empty one skips that query).
    make_item(zhang, submitted=datetime.date(2025, 5, 5), unit=HandlingUnit.objects.order_by("pk").first())
    with django_assert_num_queries(EXPECTED["dashboards:overview"]):
        client.get(url, PARAMS)
    with django_assert_max_num_queries(EXPECTED["dashboards:overview"] + 1) as chosen:
        client.get(url, {**PARAMS, "deputy": zhang.pk})
    factories.DeputyFactory(name="张文")
    with django_assert_num_queries(EXPECTED["dashboards:overview"] + 1):
        client.get(url, {**PARAMS, "deputy_name": "zw"})
    build_random(cast, n=150, seed=11)
    with django_assert_num_queries(len(chosen.captured_queries)):
        client.get(url, {**PARAMS, "deputy": zhang.pk})


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_it_lets_a_leader_pick_a_deputy_by_initials_in_the_browser(cast, page):
    from tests.conftest import browser_login

    zhang, liu = cast.group_leader.deputy_profile, cast.deputy.deputy_profile
    for day in (3, 4, 5):
        make_item(zhang, submitted=datetime.date(2025, 4, day))
    for day in (6, 7):
        make_item(liu, submitted=datetime.date(2025, 4, day))
    make_item(zhang, submitted=datetime.date(2024, 4, 3))  # another year

    browser_login(page, "leader")
    page.goto(page.base_url + reverse("dashboards:overview") + "?period=year&year=2025")
    assert page.inner_text("[data-testid=figure-collected]") == "5"
    page.locator("[data-testid=deputy-input]").press_sequentially("zw", delay=50)
    choice = page.locator("[data-testid=deputy-choice]")
    choice.first.wait_for()
    page.keyboard.press("Escape")  # closes the list; typing again reopens it
    choice.first.wait_for(state="detached")
    page.locator("[data-testid=deputy-input]").press_sequentially("h", delay=50)  # "zwh" finds nobody…
    page.wait_for_selector("[data-testid=deputy-pick-message]")
    page.locator("[data-testid=deputy-input]").fill("zhw")  # …"zhw" is 张伟 again
    choice.first.wait_for()
    assert choice.count() == 1 and choice.first.inner_text().startswith("张伟")
    choice.first.click()
    page.wait_for_selector("[data-testid=deputy-chosen]")
    assert page.inner_text("[data-testid=deputy-chosen]") == "张伟"
    assert page.inner_text("[data-testid=period-label]") == "2025年 · 张伟"
    assert page.inner_text("[data-testid=figure-collected]") == "3"
    page.click("[data-testid=deputy-clear]")
    page.wait_for_selector("[data-testid=deputy-input]")
    assert page.inner_text("[data-testid=period-label]") == "2025年 · 全区"
    assert page.inner_text("[data-testid=figure-collected]") == "5"
