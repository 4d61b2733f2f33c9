import pytest

from tests.conftest import browser_login

from . import fixtures

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_it_prints_the_performance_record_with_name_term_and_counts(cast, page):
    fixtures.records(cast)
    deputy = cast.deputy.deputy
    browser_login(page, "staff")
    page.goto(f"{page.base_url}/assessments/records/{deputy.pk}/")
    with page.context.expect_page() as popup:
        page.click("[data-testid=print-link]")
    sheet = popup.value
    sheet.wait_for_load_state("networkidle")
    sheet.emulate_media(media="print")
    assert sheet.locator("h1").inner_text().replace(" ", "") == "人大代表履职档案"
    assert sheet.locator("[data-testid=record-name]").inner_text() == "刘芳"
    assert "区十二届" in sheet.locator("[data-testid=record-term]").inner_text()
    assert sheet.locator("[data-testid=count-items]").inner_text() == "13"
    assert sheet.locator("[data-testid=count-attended]").inner_text() == "4"
    assert sheet.locator("[data-testid=count-trainings]").inner_text() == "1"
    # Print layout: the on-screen print button is hidden, and the record lays out on A4 pages.
    assert not sheet.locator(".no-print").is_visible()
    pdf = sheet.pdf(format="A4")
    assert pdf[:4] == b"%PDF"


def test_a_deputy_opens_their_own_record_from_the_assessments_page(cast, phone_page):
    browser_login(phone_page, "deputy")
    phone_page.goto(f"{phone_page.base_url}/assessments/")
    phone_page.click("[data-testid=my-record]")
    assert "刘芳" in phone_page.locator("[data-testid=record-name]").inner_text()
