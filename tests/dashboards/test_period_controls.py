"""The dashboard filter bar shows only the controls of the chosen period; a group leader's default group;
the current month of the deputy × month grid is 进行中 until it has ended."""

import datetime
import re
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.urls import reverse

from groups.choices import MemberRole
from tests import factories
from tests.access import ViewAccessCases

from .builders import make_item
from .test_access import ALLOWED

pytestmark = pytest.mark.django_db

CONTROLS = {"year", "month", "quarter", "from", "to"}


def controls(html: str) -> set[str]:
    """The period fields the filter bar renders (before the area picker)."""
    names = set(re.findall(r'name="(\w+)"', html[html.index('data-testid="dashboard-filters"'):
                                                  html.index('id="f-area"')]))
    return names & CONTROLS


@pytest.mark.parametrize("params,shown", [
    ({"period": "month", "year": "2025", "month": "3"}, {"year", "month"}),
    ({"period": "quarter", "year": "2025", "quarter": "2"}, {"year", "quarter"}),
    ({"period": "year", "year": "2025"}, {"year"}),
    ({"period": "term"}, set()),
    ({"period": "range", "from": "2025-02-01", "to": "2025-03-31"}, {"from", "to"}),
    ({}, {"year"}),
])
def test_it_shows_only_the_controls_of_the_chosen_period(cast, login, params, shown):
    html = login(cast.staff).get(reverse("dashboards:overview"), params).content.decode()
    assert controls(html) == shown
    assert f'hx-get="{reverse("dashboards:period_controls")}"' in html


def test_the_fragment_brings_the_controls_of_the_new_kind_filled_from_the_old_ones(cast, login):
    client = login(cast.staff)
    url = reverse("dashboards:period_controls")
    quarter = client.get(url, {"period": "quarter", "year": "2025", "month": "5"}).content.decode()
    assert set(re.findall(r'name="(\w+)"', quarter)) == {"year", "quarter"}
    assert 'value="2025"' in quarter and '<option value="2" selected>' in quarter
    month = client.get(url, {"period": "month", "year": "2025", "quarter": "3"}).content.decode()
    assert set(re.findall(r'name="(\w+)"', month)) == {"year", "month"} and '<option value="7" selected>' in month
    dates = client.get(url, {"period": "range", "year": "2025", "month": "2"}).content.decode()
    assert set(re.findall(r'name="(\w+)"', dates)) == {"from", "to"}
    assert 'value="2025-02-01"' in dates and 'value="2025-02-28"' in dates
    year = client.get(url, {"period": "year", "from": "2024-03-01", "to": "2024-05-31"}).content.decode()
    assert set(re.findall(r'name="(\w+)"', year)) == {"year"} and 'value="2024"' in year
    assert 'id="period-controls"' in year and "<html" not in year


def test_without_javascript_a_kind_chosen_then_queried_gets_its_own_controls(cast, login):
    """No JavaScript: the year field is still there when 自定义 is chosen; 查询 then shows that year's dates."""
    response = login(cast.staff).get(reverse("dashboards:overview"), {"period": "range", "year": "2025"})
    assert response.context["period"].kind == "range"
    html = response.content.decode()
    assert controls(html) == {"from", "to"} and 'value="2025-01-01"' in html and 'value="2025-12-31"' in html
    assert '<option value="range" selected>' in html


class TestPeriodControlsAccess(ViewAccessCases):
    allowed = ALLOWED
    forbidden = ("deputy",)

    def url(self, cast):
        return reverse("dashboards:period_controls") + "?period=month"


def test_a_group_leaders_default_group_is_the_one_they_lead_as_zuzhang(cast, login):
    zhang = cast.group_leader.deputy_profile
    # A group that sorts first, where 张伟 is only 副组长 and someone else is 组长.
    other = factories.DeputyGroupFactory(name="A 先排序的小组", sort=0)
    factories.GroupMembershipFactory(group=other, deputy=zhang, role=MemberRole.DEPUTY_LEADER)
    factories.GroupMembershipFactory(group=other, role=MemberRole.LEADER)
    response = login(cast.group_leader).get(reverse("dashboards:overview"))
    assert response.context["scope"].group.name == "东山街道区人大代表小组"
    assert response.context["group_choices"].count() == 2  # the other group can still be chosen
    chosen = login(cast.group_leader).get(reverse("dashboards:overview"), {"group": other.pk})
    assert chosen.context["scope"].group == other


def grid_cells(html: str, name: str) -> list[tuple[str, str]]:
    row = html[html.index(f'<td class="text-nowrap">{name}</td>'):]
    row = row[:row.index("</tr>")]
    return re.findall(r'data-status="(\w+)">([^<]*)</td>', row)


def test_the_current_month_is_running_not_missed_until_it_has_ended(cast, login):
    liu = cast.deputy.deputy_profile
    make_item(liu, submitted=datetime.date(2026, 10, 8), period=datetime.date(2026, 10, 1))
    client = login(cast.staff)
    cells = grid_cells(client.get(reverse("dashboards:submissions"), {"year": "2026"}).content.decode(), "刘芳")
    assert cells[9] == ("done", "1")  # October
    assert cells[10] == ("running", "进行中")  # 26 November: still running, not ✗
    assert cells[11] == ("future", "") and cells[8] == ("missed", "✗")
    with time_machine.travel(datetime.datetime(2026, 12, 1, 9, 0, tzinfo=ZoneInfo("Asia/Shanghai")), tick=True):
        client = login(cast.staff)  # days later: the idle timeout has signed the first session out
        cells = grid_cells(client.get(reverse("dashboards:submissions"), {"year": "2026"}).content.decode(), "刘芳")
    assert cells[10] == ("missed", "✗") and cells[11] == ("running", "进行中")
