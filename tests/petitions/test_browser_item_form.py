"""The new-item form and the item lists in a real Chromium (issue 10 §4): the co-signer picker by pinyin
initials telling two 张伟 apart, a refused submit marking the missing fields, and no sideways scroll at
390 px for the form and the lists (the deputy's as cards); the staff list at 1280 px keeps its bar."""

import os
import re

import pytest
from django.urls import reverse

from petitions.choices import State
from petitions.models import Item
from tests.conftest import browser_login

from .helpers import make
from .test_item_form import other_zhang_wei

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

# Screenshots for a person to look at (set ITEMFORM_SHOTS=/some/dir); none by default.
SHOTS = os.environ.get("ITEMFORM_SHOTS")


def shot(page, name):
    if SHOTS:
        page.screenshot(path=os.path.join(SHOTS, f"{name}.png"), full_page=True)


def no_sideways_scroll(page):
    return page.evaluate("document.documentElement.scrollWidth <= document.documentElement.clientWidth")


def test_it_lets_a_deputy_fill_the_form_on_a_phone(cast, phone_page):
    page = phone_page
    zhang, other = cast.group_leader.deputy_profile, other_zhang_wei()
    browser_login(page, "deputy")
    page.goto(page.base_url + reverse("petitions:create"))
    assert no_sideways_scroll(page)
    assert page.locator("#id_area option:checked").inner_text() == "东山街道"  # their own town
    assert page.locator("[data-testid=co-deputy-find]").count() == 0  # the no-JavaScript button is gone
    page.fill("#id_title", "周庄社区路灯不亮")
    page.locator("[data-testid=co-deputy-input]").press_sequentially("zw", delay=50)
    choice = page.locator("[data-testid=co-choice]")
    choice.first.wait_for()
    assert set(choice.all_inner_texts()) == {"张伟（东山街道·区人大代表）", "张伟（任圩街道·镇人大代表）"}
    assert no_sideways_scroll(page)
    shot(page, "form-390-picker")
    page.locator(f"[data-testid=co-choice][data-deputy='{zhang.pk}']").click()
    assert page.locator("[data-testid=co-chosen-deputy]").count() == 1
    assert page.locator("[data-testid=co-choice]").count() == 0  # the list closed
    assert page.input_value("[data-testid=co-deputy-input]") == ""
    # Submitting without content and category: the form comes back with them marked, the rest kept.
    page.select_option("#id_area", "")
    page.click("[data-testid=submit-item]")
    page.wait_for_selector("[data-testid=form-errors]")
    for field in ("#id_content", "#id_category", "#id_area"):
        assert "is-invalid" in page.get_attribute(field, "class"), field
    assert page.input_value("#id_title") == "周庄社区路灯不亮"
    assert page.locator("[data-testid=co-chosen-deputy]").count() == 1
    assert no_sideways_scroll(page)
    shot(page, "form-390-refused")
    page.fill("#id_content", "主干道路灯坏了两周。")
    page.select_option("#id_category", "urban")
    page.select_option("#id_area", label="东山街道")
    page.click("[data-testid=submit-item]")
    page.wait_for_url("**/items/*/")
    item = Item.objects.get()
    assert item.state == State.SUBMITTED and list(item.co_deputies.all()) == [zhang]
    assert other not in item.co_deputies.all()


def test_it_shows_a_deputy_cards_and_the_simple_filter_on_a_phone(cast, phone_page):
    page = phone_page
    for i in range(3):
        make(cast, State.HANDLING, title=f"周庄社区主干道路灯已坏两周居民夜间出行不便请尽快修复第{i}件")
    make(cast, State.RETURNED, title="一件被退回补充的社情民意,标题也写得比较长")
    browser_login(page, "deputy")
    page.goto(page.base_url + "/")
    assert page.locator("[data-testid=returned-item]").is_visible()
    assert no_sideways_scroll(page)
    shot(page, "home-390-deputy")
    for name in ("petitions:mine", "petitions:evaluate"):
        page.goto(page.base_url + reverse(name))
        assert no_sideways_scroll(page), name
        assert page.locator("[data-testid=simple-filters]").is_visible()
        assert page.locator("[data-testid=filters]").count() == 0
    page.goto(page.base_url + reverse("petitions:mine"))
    assert page.locator("[data-testid=item-card]").first.is_visible()
    assert not page.locator("[data-testid=item-table]").is_visible()
    shot(page, "mine-390-deputy")
    page.select_option("#id_state", "returned")
    page.click("[data-testid=simple-filters] button[type=submit]")
    page.wait_for_load_state("networkidle")
    assert page.locator("[data-testid=item-card]").count() == 1


def test_it_keeps_staff_lists_and_form_without_sideways_scroll_on_a_phone(cast, phone_page):
    page = phone_page
    for i in range(3):
        make(cast, State.HANDLING, title=f"周庄社区主干道路灯已坏两周居民夜间出行不便请尽快修复第{i}件")
    browser_login(page, "staff")
    for name in ("petitions:list", "petitions:research", "petitions:review", "petitions:overdue",
                 "petitions:create"):
        page.goto(page.base_url + reverse(name))
        assert no_sideways_scroll(page), name
    page.goto(page.base_url + reverse("petitions:list"))
    shot(page, "list-390-staff")
    page.context.clear_cookies()
    browser_login(page, "zhujian")
    for name in ("petitions:list", "petitions:todo", "petitions:due_soon"):
        page.goto(page.base_url + reverse(name))
        assert no_sideways_scroll(page), name


def test_it_keeps_the_full_bar_and_export_for_staff_on_a_desktop(cast, page):
    make(cast, State.HANDLING)
    browser_login(page, "staff")
    page.goto(page.base_url + reverse("petitions:list"))
    assert page.locator("[data-testid=filters]").is_visible()
    assert page.locator("[data-testid=export]").is_visible()
    assert page.locator("[data-testid=item-table]").is_visible()
    shot(page, "list-1280-staff")
    page.goto(page.base_url + reverse("petitions:create"))
    # Entering on a deputy's behalf: the deputy is found by typing, not picked from the whole roster.
    assert page.locator("select#id_deputy").count() == 0
    page.locator("[data-testid=deputy-input]").press_sequentially("lf", delay=50)
    page.locator("[data-testid=deputy-candidate]").first.wait_for()
    assert page.locator("[data-testid=deputy-choices] label").all_inner_texts() == ["刘芳（东山街道·区人大代表）"]
    page.locator("[data-testid=deputy-candidate]").check()
    # The co-signer search then leaves the chosen deputy out.
    page.locator("[data-testid=co-deputy-input]").press_sequentially("lf", delay=50)
    page.locator("[data-testid=co-pick-message]").wait_for()
    shot(page, "form-1280-staff")


def test_it_lets_a_deputy_choose_co_signers_without_javascript(cast, browser, live_server):
    context = browser.new_context(locale="zh-CN", viewport={"width": 390, "height": 844}, java_script_enabled=False)
    page = context.new_page()
    page.set_default_timeout(15000)
    page.base_url = live_server.url
    try:
        zhao, other = cast.renwei_deputy.deputy_profile, other_zhang_wei()
        browser_login(page, "deputy")
        page.goto(page.base_url + reverse("petitions:create"))
        page.fill("#id_title", "周庄社区路灯不亮")
        page.fill("[data-testid=co-deputy-input]", "zq 张伟")
        page.click("[data-testid=co-deputy-find]")
        page.wait_for_selector("[data-testid=co-candidates]")
        assert page.locator("[data-testid=co-chosen-deputy]").count() == 1
        assert "赵强（任圩街道·区人大代表）" in page.inner_text("[data-testid=co-chosen]")
        assert set(page.locator("[data-testid=co-candidates] label").all_inner_texts()) == {
            "张伟（东山街道·区人大代表）", "张伟（任圩街道·镇人大代表）"}
        assert page.input_value("#id_title") == "周庄社区路灯不亮"
        assert no_sideways_scroll(page)
        shot(page, "form-390-nojs")
        page.check(f"[data-testid=co-candidate][value='{other.pk}']")
        page.fill("#id_content", "主干道路灯坏了两周。")
        page.select_option("#id_category", "urban")
        page.click("[data-testid=submit-item]")
        page.wait_for_url("**/items/*/")
        assert set(Item.objects.get().co_deputies.all()) == {zhao, other}
    finally:
        context.close()


def test_it_disables_the_buttons_once_the_form_is_sent(cast, page):
    # Issue 17 defect 7: once the form is sent its buttons are disabled (item_form.js), so a double click
    # cannot send it twice, and the pressed button still counts (提交, not 保存草稿). The server refuses a
    # second POST of the same form anyway (test_item_form.py, test_concurrency.py).
    browser_login(page, "deputy")
    page.goto(page.base_url + reverse("petitions:create"))
    page.fill("#id_title", "周庄社区路灯不亮")
    page.fill("#id_content", "主干道路灯坏了两周。")
    page.select_option("#id_category", "urban")
    # Hold the first sending here (a slow network), to look at the form while it is on its way.
    page.evaluate("document.querySelector('[data-testid=item-form]')"
                  ".addEventListener('submit', function (e) { e.preventDefault(); })")
    page.click("[data-testid=submit-item]")
    assert page.is_disabled("[data-testid=submit-item]") and page.is_disabled("[data-testid=save-draft]")
    assert page.locator("[data-testid=item-form] input[type=hidden][name=submit]").count() == 1
    # The held sending goes on (form.submit is the button named "submit", hence the prototype's).
    page.evaluate("HTMLFormElement.prototype.submit.call(document.querySelector('[data-testid=item-form]'))")
    page.wait_for_url(re.compile(r"/items/\d+/$"))
    item = Item.objects.get()
    assert item.state == State.SUBMITTED and item.submission_token is not None
