import datetime

import pytest

from petitions.choices import State
from tests.conftest import browser_login
from units.models import HandlingUnit

from .builders import make_item

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_it_takes_a_leader_from_a_units_overdue_count_to_exactly_those_items(cast, page):
    zj = HandlingUnit.objects.get(name="相山区住房和城乡建设局")
    hb = HandlingUnit.objects.get(name="淮北市相山区生态环境分局")
    liu = cast.deputy.deputy_profile
    late = datetime.date(2025, 7, 1)
    overdue = {make_item(liu, submitted=datetime.date(2025, 6, d), state=State.HANDLING, unit=zj, due=late,
                         stage_due=late).pk for d in (2, 3, 4)}
    make_item(liu, submitted=datetime.date(2025, 6, 5), unit=zj, handled=datetime.date(2025, 6, 20))  # concluded
    make_item(liu, submitted=datetime.date(2025, 6, 6), state=State.HANDLING, unit=hb, due=late, stage_due=late)
    make_item(liu, submitted=datetime.date(2024, 6, 6), state=State.HANDLING, unit=zj, due=late, stage_due=late)

    browser_login(page, "leader")
    page.locator("[data-nav=dashboards]:visible").first.click()
    page.wait_for_selector("[data-testid=headline]")
    page.select_option("[data-testid=period-kind]", "year")
    page.fill("[data-testid=period-year]", "2025")
    page.click("[data-testid=apply-filters]")
    page.wait_for_load_state("networkidle")
    assert "2025年" in page.inner_text("[data-testid=period-label]")
    row = page.locator(f"[data-testid=unit-row][data-unit='{zj.name}']")
    link = row.locator("[data-testid=unit-overdue]")
    assert link.inner_text() == "3"
    link.click()
    page.wait_for_selector("[data-testid=items-table]")
    assert page.inner_text("[data-testid=items-count]") == "3"
    assert page.locator("[data-testid=item-row]").count() == 3
    shown = {int(t.split("-")[1]) for t in page.locator("[data-testid=item-row] td:first-child").all_inner_texts()}
    assert shown == overdue


def test_it_draws_charts_with_their_numbers_beside_them_on_a_phone(cast, phone_page):
    make_item(cast.deputy.deputy_profile, submitted=datetime.date.today().replace(day=1))
    browser_login(phone_page, "leader")
    phone_page.goto(phone_page.base_url + "/dashboards/")
    phone_page.wait_for_selector("#chart-trend svg", state="attached")
    assert phone_page.locator("[data-testid=trend-table] tbody tr").count() >= 1
    # Nothing wider than the screen except inside scrollable tables.
    width = phone_page.evaluate("document.documentElement.scrollWidth")
    assert width <= 400
