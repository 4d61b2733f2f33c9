"""导出Excel on the drill-down lists (统计明细): exactly the items listed, all pages, same order; access."""

import io

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from tests.access import ViewAccessCases

from .conftest import build_random
from .test_access import ALLOWED, renwei_area

pytestmark = pytest.mark.django_db

PARAMS = {"from": "2024-01-01", "to": "2025-12-31"}


class TestItemsExport(ViewAccessCases):
    allowed = tuple(name for name in ALLOWED if name != "dongshan_staff")
    forbidden = ("deputy",)
    out_of_scope = ("dongshan_staff",)

    def url(self, cast):
        return reverse("dashboards:items_export") + f"?from=2025-01-01&to=2025-12-31&metric=overdue&area={renwei_area()}"


def listed(client, params) -> list[str]:
    """The item numbers of every page of the drill-down list."""
    numbers, page = [], 1
    while True:
        ctx = client.get(reverse("dashboards:items"), {**params, "page": page}).context
        numbers += [it.number for it in ctx["page_obj"]]
        if not ctx["page_obj"].has_next():
            return numbers
        page += 1


@pytest.mark.parametrize("extra", [{"metric": "collected"}, {"metric": "overdue"}, {"metric": "concluded",
                                                                                   "category": "urban"}])
def test_it_exports_exactly_the_items_listed(cast, login, frozen, extra):
    build_random(cast, n=130)  # more than one page of 50
    client = login(cast.staff)
    params = {**PARAMS, **extra}
    page = client.get(reverse("dashboards:items"), params)
    html = page.content.decode()
    expected = listed(client, params)
    assert expected and 'data-testid="export-items"' in html
    assert reverse("dashboards:items_export") in html
    response = client.get(reverse("dashboards:items_export"), params)
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    ws = load_workbook(io.BytesIO(response.content)).active
    assert ws["A2"].value == "编号"
    exported = [r[0] for r in ws.iter_rows(min_row=3, values_only=True)]
    assert exported == expected and len(exported) == page.context["count"]


def test_it_narrows_the_export_like_the_list_by_unit_and_scope(cast, login, frozen):
    build_random(cast, n=60)
    from units.models import HandlingUnit

    unit = HandlingUnit.objects.order_by("pk").first()
    params = {**PARAMS, "metric": "collected", "by_unit": unit.pk}
    client = login(cast.dongshan_staff)
    ws = load_workbook(io.BytesIO(client.get(reverse("dashboards:items_export"), params).content)).active
    assert [r[0] for r in ws.iter_rows(min_row=3, values_only=True)] == listed(client, params)
    assert "东山街道" in ws["A1"].value and str(unit) in ws["A1"].value
