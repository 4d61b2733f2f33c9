"""Every dashboard view: anonymous → login; deputies → 403; out of scope → 404; in scope → 200."""

import pytest
from django.urls import reverse

from areas.models import Area
from tests.access import ViewAccessCases
from units.models import HandlingUnit

pytestmark = pytest.mark.django_db

ALLOWED = ("staff", "leader", "admin", "dongshan_staff", "zhujian", "group_leader")


def renwei_area():
    return Area.objects.get(name="任圩街道").pk


class TestOverview(ViewAccessCases):
    allowed = ALLOWED
    forbidden = ("deputy", "renwei_deputy")

    def url(self, cast):
        return reverse("dashboards:overview")


class TestOverviewOfAnotherArea(ViewAccessCases):
    # A unit or a group leader may narrow their own items by area; area staff may not leave theirs.
    allowed = ("staff", "leader", "renwei_staff", "zhujian", "group_leader")
    out_of_scope = ("dongshan_staff",)
    forbidden = ("deputy",)

    def url(self, cast):
        return reverse("dashboards:overview") + f"?area={renwei_area()}"


class TestOverviewOfAnotherUnit(ViewAccessCases):
    allowed = ("staff", "leader", "huanbao")
    out_of_scope = ("zhujian",)
    forbidden = ("deputy",)

    def url(self, cast):
        return reverse("dashboards:overview") + f"?unit={HandlingUnit.objects.get(name__contains='生态环境').pk}"


class TestPrint(ViewAccessCases):
    allowed = ALLOWED
    forbidden = ("deputy",)

    def url(self, cast):
        return reverse("dashboards:print")


class TestExport(ViewAccessCases):
    allowed = ALLOWED
    forbidden = ("deputy",)
    out_of_scope = ("dongshan_staff",)

    def url(self, cast):
        return reverse("dashboards:export", args=["units"]) + f"?area={renwei_area()}&unit="

    def test_it_hides_objects_out_of_scope(self, login, cast):
        # dongshan staff asking for 任圩 is out of scope
        response = login(cast.dongshan_staff).get(self.url(cast))
        assert response.status_code == 404

    def test_it_works_in_scope(self, login, cast):
        for name in ("staff", "leader"):
            response = login(getattr(cast, name)).get(self.url(cast))
            assert response.status_code == 200
            assert response["Content-Type"].startswith("application/vnd.openxmlformats")


class TestItems(ViewAccessCases):
    allowed = ALLOWED
    forbidden = ("deputy",)

    def url(self, cast):
        return reverse("dashboards:items") + "?from=2025-01-01&to=2025-12-31&metric=overdue"


class TestItemsOfAnotherArea(ViewAccessCases):
    allowed = ("staff", "renwei_staff", "zhujian")  # a unit may narrow its own items by area
    out_of_scope = ("dongshan_staff",)
    forbidden = ("deputy",)

    def url(self, cast):
        return reverse("dashboards:items") + f"?from=2025-01-01&to=2025-12-31&area={renwei_area()}"


class TestSubmissions(ViewAccessCases):
    allowed = ("staff", "leader", "admin", "dongshan_staff", "group_leader")
    out_of_scope = ("zhujian",)  # a unit has no deputies
    forbidden = ("deputy",)

    def url(self, cast):
        return reverse("dashboards:submissions") + "?year=2026"


def test_it_refuses_post_on_the_read_only_pages(login, cast):
    for name in ("dashboards:overview", "dashboards:print", "dashboards:items", "dashboards:submissions"):
        assert login(cast.staff).post(reverse(name)).status_code == 405


def test_the_drill_down_links_every_row_to_its_item_page(login, cast):
    from .conftest import build_random

    build_random(cast, n=12)
    response = login(cast.staff).get(reverse("dashboards:items"), {"from": "2024-01-01", "to": "2025-12-31"})
    rows = list(response.context["page_obj"])
    html = response.content.decode()
    assert rows
    for item in rows:
        assert f'<a href="{reverse("petitions:detail", args=[item.pk])}">{item.number}</a>' in html
