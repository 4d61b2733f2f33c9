import datetime

import pytest
from django.urls import reverse

from areas.models import Area
from petitions.choices import State
from units.models import HandlingUnit

from .builders import make_item

pytestmark = pytest.mark.django_db

PARAMS = {"period": "range", "from": "2025-01-01", "to": "2025-12-31"}


@pytest.fixture
def two_sides(cast, frozen):
    zj = HandlingUnit.objects.get(name="相山区住房和城乡建设局")
    hb = HandlingUnit.objects.get(name="淮北市相山区生态环境分局")
    dongshan, renwei = Area.objects.get(name="东山街道"), Area.objects.get(name="任圩街道")
    day = datetime.date(2025, 5, 5)
    for _ in range(3):
        make_item(cast.deputy.deputy_profile, submitted=day, area=dongshan, unit=zj, handled=day)
    for _ in range(5):
        make_item(cast.renwei_deputy.deputy_profile, submitted=day, area=renwei, unit=hb, handled=day,
                  state=State.HANDLING, stage_due=datetime.date(2025, 6, 1), due=datetime.date(2025, 6, 1))
    return zj, hb


def test_it_shows_a_unit_only_its_own_figures(login, cast, two_sides):
    zj, hb = two_sides
    ctx = login(cast.zhujian).get(reverse("dashboards:overview"), PARAMS).context
    assert ctx["cur"].collected == 3
    assert [u["name"] for u in ctx["units"]] == [zj.name]
    assert ctx["scope"].unit == zj
    # Asking for the other unit is a 404, not a quiet fallback.
    assert login(cast.zhujian).get(reverse("dashboards:overview"), {**PARAMS, "unit": hb.pk}).status_code == 404


def test_it_shows_area_staff_only_their_area(login, cast, two_sides):
    ctx = login(cast.dongshan_staff).get(reverse("dashboards:overview"), PARAMS).context
    assert ctx["cur"].collected == 3
    assert [a["name"] for a in ctx["areas"]] == ["东山街道"]
    ctx = login(cast.renwei_staff).get(reverse("dashboards:overview"), PARAMS).context
    assert ctx["cur"].collected == 5 and ctx["cur"].overdue == 5


def test_it_shows_the_district_to_leaders(login, cast, two_sides):
    ctx = login(cast.leader).get(reverse("dashboards:overview"), PARAMS).context
    assert ctx["cur"].collected == 8
    assert [u["name"] for u in ctx["units"]][0] == "淮北市相山区生态环境分局"  # lowest completion first
    assert ctx["units"][0]["low"] is True


def test_it_keeps_drill_down_lists_in_scope(login, cast, two_sides):
    zj, hb = two_sides
    response = login(cast.zhujian).get(reverse("dashboards:items"), {**PARAMS, "by_unit": hb.pk})
    assert response.context["count"] == 0
    response = login(cast.dongshan_staff).get(reverse("dashboards:items"), {**PARAMS, "metric": "collected"})
    assert response.context["count"] == 3


def test_it_lets_a_group_leader_see_their_group_only(login, cast, two_sides):
    ctx = login(cast.group_leader).get(reverse("dashboards:overview"), PARAMS).context
    assert ctx["scope"].group.name == "东山街道区人大代表小组"
    assert ctx["cur"].collected == 3  # 刘芳's items; 赵强 is in no group
