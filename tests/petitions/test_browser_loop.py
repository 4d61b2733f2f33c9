"""The whole loop in a real Chromium with four roles: deputy submits → staff assign → unit replies →
staff pass on → deputy evaluates 满意 → 已办结, checking the timeline."""

import pytest

from petitions.choices import Action, State
from petitions.models import Item
from tests.conftest import browser_login

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def as_user(page, username):
    page.context.clear_cookies()
    browser_login(page, username)


def test_it_runs_the_closed_loop_with_four_roles(cast, page):
    as_user(page, "deputy")
    page.goto(page.base_url + "/items/new/")
    page.fill("#id_title", "周庄社区路灯不亮 <b>急</b>")
    page.fill("#id_content", "周庄社区主干道路灯坏了两周。")
    page.select_option("#id_category", "urban")
    page.select_option("#id_area", label="东山街道")
    page.click("[data-testid=submit-item]")
    page.wait_for_url("**/items/*/")
    assert page.inner_text("[data-testid=item-state]") == "已提交"
    assert "<b>急</b>" in page.inner_text("[data-testid=item-title]")  # shown as text
    item = Item.objects.get()

    as_user(page, "staff")
    page.goto(page.base_url + item.get_absolute_url())
    page.select_option("#id_assign_lead_unit", label="相山区住房和城乡建设局")
    page.click("[data-testid=do-assign]")
    page.wait_for_selector("text=已交办")
    assert page.inner_text("[data-testid=item-state]") == "办理中"

    as_user(page, "zhujian")
    page.goto(page.base_url + "/items/todo/")
    page.click(f"a[href='{item.get_absolute_url()}']")
    page.fill("[data-testid=form-result] textarea[name=result]", "已更换灯具 12 盏,恢复照明。")
    page.once("dialog", lambda dialog: dialog.accept())  # 提交办理结果 asks for confirmation
    page.click("[data-testid=do-submit_result]")
    page.wait_for_selector("text=办理结果已提交")
    assert page.inner_text("[data-testid=item-state]") == "待审核"

    as_user(page, "staff")
    page.goto(page.base_url + "/items/review/")
    page.click(f"a[href='{item.get_absolute_url()}']")
    page.click("[data-testid=do-pass_on]")
    page.wait_for_selector("text=审核完成")
    assert page.inner_text("[data-testid=item-state]") == "待评价"

    as_user(page, "deputy")
    page.goto(page.base_url + "/items/evaluate/")
    page.click(f"a[href='{item.get_absolute_url()}']")
    assert "已更换灯具" in page.inner_text("[data-testid=item-reply]")
    page.click("[data-testid=sat-satisfied]")
    page.click("[data-testid=do-evaluate]")
    page.wait_for_selector("text=评价已提交")
    assert page.inner_text("[data-testid=item-state]") == "已办结"

    timeline = page.inner_text("[data-testid=timeline]")
    for words in ("提交", "交办", "提交办理结果", "反馈代表", "评价", "刘芳", "李明", "孙磊", "相山区住房和城乡建设局",
                  "草稿 → 已提交", "已提交 → 办理中", "办理中 → 待审核", "待审核 → 待评价", "待评价 → 已办结"):
        assert words in timeline, words
    item.refresh_from_db()
    assert item.state == State.CLOSED
    assert list(item.events.values_list("action", flat=True)) == [
        Action.CREATE, Action.SUBMIT, Action.ASSIGN, Action.SUBMIT_RESULT, Action.PASS_ON, Action.EVALUATE]


def test_it_lets_a_deputy_submit_from_a_phone(cast, phone_page):
    page = phone_page
    browser_login(page, "deputy")
    page.goto(page.base_url + "/items/new/")
    page.fill("#id_title", "学校门口拥堵")
    page.fill("#id_content", "上下学时段拥堵。")
    page.select_option("#id_category", "livelihood")
    page.select_option("#id_area", label="东山街道")
    button = page.locator("[data-testid=submit-item]")
    box = button.bounding_box()
    assert box["width"] > 300 and box["height"] >= 44  # a big, thumb-sized button on a single column
    button.click()
    page.wait_for_url("**/items/*/")
    assert page.inner_text("[data-testid=item-state]") == "已提交"
