"""The item page in a real Chromium: the deputy's page on a phone (390 px) and the unit's
confirmation before 提交办理结果."""

import pytest

from petitions.choices import State
from petitions.models import Item
from tests.conftest import browser_login

from .helpers import make

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_it_fits_the_deputy_page_on_a_phone_with_the_evaluation_before_the_timeline(cast, phone_page):
    item = make(cast, State.EVALUATION)
    page = phone_page
    browser_login(page, "deputy")
    page.goto(page.base_url + item.get_absolute_url())
    # No sideways scroll, neither of the page nor inside the 交办情况 table.
    assert page.evaluate("document.documentElement.scrollWidth") <= page.evaluate("window.innerWidth")
    table = page.locator("[data-testid=assignments]")
    assert table.evaluate("t => t.scrollWidth <= t.parentElement.clientWidth")
    assert "相山区住房和城乡建设局" in table.inner_text()
    evaluate_top = page.locator("[data-testid=form-evaluate]").bounding_box()["y"]
    timeline_top = page.locator("[data-testid=timeline]").bounding_box()["y"]
    assert evaluate_top < timeline_top
    page.screenshot(path="/tmp/itempage-deputy-390.png", full_page=True)


def test_it_asks_the_unit_before_submitting_the_result(cast, page):
    item = make(cast, State.HANDLING)
    browser_login(page, "zhujian")
    page.goto(page.base_url + item.get_absolute_url())
    page.fill("[data-testid=form-result] textarea[name=result]", "已更换灯具 12 盏。")
    asked = []

    def dismiss(dialog):
        asked.append(dialog.message)
        dialog.dismiss()

    page.once("dialog", dismiss)
    page.click("[data-testid=do-submit_result]")
    page.wait_for_timeout(300)
    assert asked and "由人大工作人员审核" in asked[0]
    assert Item.objects.get(pk=item.pk).state == State.HANDLING  # said no: nothing sent

    page.once("dialog", lambda dialog: dialog.accept())
    page.click("[data-testid=do-submit_result]")
    page.wait_for_selector("text=办理结果已提交")
    assert Item.objects.get(pk=item.pk).state == State.REVIEW
    page.screenshot(path="/tmp/itempage-unit-1280.png", full_page=True)


@pytest.mark.parametrize("username,state", [("zhujian", State.HANDLING), ("staff", State.RESEARCH),
                                            ("staff", State.REVIEW)])
def test_it_has_no_sideways_scroll_on_a_phone_for_units_and_staff(cast, phone_page, username, state):
    item = make(cast, state)
    browser_login(phone_page, username)
    phone_page.goto(phone_page.base_url + item.get_absolute_url())
    for summary in phone_page.locator("details > summary").all():
        summary.click()  # open every folded form: none of them may be wider than the phone
    assert phone_page.evaluate("document.documentElement.scrollWidth") <= phone_page.evaluate("window.innerWidth")
