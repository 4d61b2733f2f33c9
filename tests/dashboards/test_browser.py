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
    page.wait_for_load_state("load")  # htmx has processed the page
    with page.expect_response(lambda r: "/dashboards/period/" in r.url):  # the controls swapped in (htmx)
        page.select_option("[data-testid=period-kind]", "year")
    page.wait_for_selector("[data-testid=period-controls][data-kind=year]")
    page.wait_for_timeout(100)  # htmx settles the swap after the response
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


def shot(page, name):
    """Screenshots for a person to look at, when XS_SHOTS names a directory."""
    import os

    if os.environ.get("XS_SHOTS"):
        os.makedirs(os.environ["XS_SHOTS"], exist_ok=True)
        page.screenshot(path=os.path.join(os.environ["XS_SHOTS"], f"{name}.png"), full_page=True)


def test_it_swaps_the_period_controls_without_reloading_and_keeps_the_page_in_a_phone_width(cast, page,
                                                                                          phone_page):
    liu = cast.deputy.deputy_profile
    today = datetime.date.today()
    make_item(liu, submitted=today.replace(day=1), period=today.replace(day=1))
    browser_login(page, "leader")
    page.goto(page.base_url + "/dashboards/?period=year")
    page.wait_for_selector("[data-testid=headline]")
    page.wait_for_load_state("load")
    page.evaluate("window.__kept = 1")  # gone if the page reloads
    assert page.locator("[data-testid=period-month]").count() == 0
    page.select_option("[data-testid=period-kind]", "month")
    page.wait_for_selector("[data-testid=period-month]")
    assert page.locator("[data-testid=period-quarter]").count() == 0 and page.evaluate("window.__kept") == 1
    page.select_option("[data-testid=period-kind]", "range")
    page.wait_for_selector("[data-testid=period-from]")
    assert page.locator("[data-testid=period-month], [data-testid=period-year]").count() == 0
    page.select_option("[data-testid=period-kind]", "quarter")
    page.wait_for_selector("[data-testid=period-quarter]")
    page.click("[data-testid=apply-filters]")
    page.wait_for_load_state("networkidle")
    assert "季度" in page.inner_text("[data-testid=period-label]")
    shot(page, "dashboard-leader-1280")

    browser_login(phone_page, "zuzhang")
    phone_page.goto(phone_page.base_url + "/dashboards/")
    phone_page.wait_for_selector("[data-testid=headline]")
    assert "东山街道区人大代表小组" in phone_page.inner_text("[data-testid=period-label]")
    shot(phone_page, "dashboard-zuzhang-390")
    assert phone_page.evaluate("document.documentElement.scrollWidth") <= 400
    phone_page.goto(phone_page.base_url + "/groups/mine/")
    phone_page.wait_for_selector("[data-section=monthly] [data-testid=grid]")
    assert "进行中" in phone_page.inner_text("[data-section=monthly]")
    shot(phone_page, "group-zuzhang-390")
    assert phone_page.evaluate("document.documentElement.scrollWidth") <= 400
    page.goto(page.base_url + phone_page.url.replace(phone_page.base_url, ""))
    page.wait_for_selector("[data-section=monthly] [data-testid=grid]")
    shot(page, "group-leader-1280")
