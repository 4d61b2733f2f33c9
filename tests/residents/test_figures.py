"""Figures (统计) per deputy, station and area: received, accepted on time, closed, satisfaction, with
drill-down to the filtered list; a few aggregate queries whatever the number of reports."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from deputies.models import DeputyHome
from residents.models import ResidentCode
from tests.access import ViewAccessCases

from .test_inbox import _code, make_report

pytestmark = pytest.mark.django_db
TODAY = datetime.date(2026, 11, 26)


def _station(cast):
    home = DeputyHome.objects.get_or_create(name="周庄社区代表联络站", kind="station",
                                            area=cast.deputy.deputy.area)[0]
    return ResidentCode.objects.get_or_create(kind="station", home=home, defaults={"area": home.area})[0]


def _renwei_code(cast):
    deputy = cast.renwei_deputy.deputy
    return ResidentCode.objects.get_or_create(kind="deputy", deputy=deputy, defaults={"area": deputy.area})[0]


def _populate(cast, n=1):
    """Per round, for 刘芳's code: one accepted on time and rated 满意, one accepted late and rated
    不满意 (in review), one never accepted; one at the station, closed 基本满意; one in 任圩."""
    now = timezone.now()
    late = now + datetime.timedelta(days=5)
    for _ in range(n):
        make_report(_code(cast), state="closed", accept_due=TODAY, accepted_at=now, satisfaction="satisfied")
        make_report(_code(cast), state="review", accept_due=TODAY, accepted_at=late, satisfaction="dissatisfied",
                    dissatisfied_count=2)
        make_report(_code(cast), accept_due=TODAY)
        make_report(_station(cast), state="closed", accept_due=TODAY, accepted_at=now, satisfaction="basic")
        make_report(_renwei_code(cast), state="rejected", accept_due=TODAY, accepted_at=now)
    make_report(_code(cast), state="pending")  # unconfirmed: not counted


class TestFiguresAccess(ViewAccessCases):
    allowed = ("staff", "dongshan_staff", "leader", "admin")
    forbidden = ("deputy", "group_leader", "zhujian")

    def url(self, cast):
        return reverse("residents:figures")

    def test_it_counts_per_deputy_station_and_area(self, login, cast):
        _populate(cast)
        from residents import selectors
        from residents.models import Report

        figures = selectors.figures(Report.objects.figures_for(cast.staff))
        total = figures["total"]
        assert (total["received"], total["on_time"], total["closed"], total["rated"], total["pleased"]) == (5, 3, 3, 3, 2)
        assert total["satisfaction_rate"] == 67 and total["on_time_rate"] == 60
        liu = next(r for r in figures["deputies"] if r["name"] == "刘芳")
        assert (liu["received"], liu["on_time"], liu["closed"], liu["review"], liu["satisfaction_rate"]) == (3, 1, 1, 1, 50)
        station = figures["stations"][0]
        assert station["name"] == "周庄社区代表联络站" and station["satisfaction_rate"] == 100
        areas = {r["name"]: r["received"] for r in figures["areas"]}
        assert areas == {"东山街道": 4, "任圩街道": 1}

        page = login(cast.staff).get(self.url(cast)).content.decode()
        assert 'data-testid="total-received">5<' in page
        deputy_id = cast.deputy.deputy.pk
        assert f"{reverse('residents:list')}?deputy={deputy_id}" in page
        # The drill-down lists exactly those reports.
        listing = login(cast.staff).get(f"{reverse('residents:list')}?deputy={deputy_id}").content.decode()
        assert listing.count('data-testid="report-row"') == 3
        review = login(cast.staff).get(f"{reverse('residents:list')}?state=review&deputy={deputy_id}").content.decode()
        assert review.count('data-testid="report-row"') == 1
        home = login(cast.staff).get(f"{reverse('residents:list')}?home={_station(cast).home_id}").content.decode()
        assert home.count('data-testid="report-row"') == 1
        # Leaders read the figures but do not open the list: no drill-down links for them.
        leader = login(cast.leader).get(self.url(cast)).content.decode()
        assert 'data-testid="total-received">5<' in leader and f"?deputy={deputy_id}" not in leader

    def test_area_staff_see_their_area_only(self, login, cast):
        _populate(cast)
        page = login(cast.dongshan_staff).get(self.url(cast)).content.decode()
        assert 'data-testid="total-received">4<' in page and "赵强" not in page and "任圩街道" not in page
        renwei = login(cast.renwei_staff).get(self.url(cast)).content.decode()
        assert 'data-testid="total-received">1<' in renwei and "刘芳" not in renwei

    def test_its_queries_do_not_grow_with_the_rows(self, login, cast):
        client = login(cast.staff)
        _populate(cast)
        client.get(self.url(cast))
        with CaptureQueriesContext(connection) as few:
            client.get(self.url(cast))
        _populate(cast, n=6)
        with CaptureQueriesContext(connection) as many:
            page = client.get(self.url(cast)).content.decode()
        assert 'data-testid="total-received">35<' in page
        assert len(many) == len(few) <= 16  # 4 of them are the figures, the rest the page (session, nav)


def test_bad_drill_down_values_are_ignored_not_a_500(login, cast):
    _populate(cast)
    client = login(cast.staff)
    for query in ("?deputy=abc", "?area=99999999999999999999", "?home=-1", "?deputy=1%00", "?area=<script>"):
        response = client.get(reverse("residents:list") + query)
        assert response.status_code == 200, query
    assert client.get(reverse("residents:list") + "?area=999999").content.decode().count('data-testid="report-row"') == 0


def test_the_list_links_to_the_figures_for_those_who_may_see_them(login, cast):
    assert 'data-testid="figures-link"' in login(cast.dongshan_staff).get(reverse("residents:list")).content.decode()
    assert 'data-testid="figures-link"' not in login(cast.deputy).get(reverse("residents:list")).content.decode()


def test_each_closed_link_lists_exactly_the_closed_reports_it_counts(login, cast):
    """A 办结 number of the figures page opens exactly its reports (an 已答复 one is not 办结)."""
    import re

    _populate(cast)
    make_report(_code(cast), state="answered", accept_due=TODAY, accepted_at=timezone.now())
    client = login(cast.staff)
    page = client.get(reverse("residents:figures")).content.decode()
    links = re.findall(r'href="(/residents/\?measure=closed&(?:amp;)?[^"]+)">(\d+)</a>', page)
    assert links, "no 办结 drill-down link"
    for href, number in links:
        listed = client.get(href.replace("&amp;", "&")).context["page_obj"].paginator.count
        assert listed == int(number), href
