"""双联 in a real Chromium on a 390 px phone: 钱主任 signs in, records a visit to 刘芳 with two opinions,
turns one into an opinion item, and the district staff see it in the figures (1 contact, 2 opinions,
1 item)."""

import datetime

import pytest

from liaison.models import Contact, Opinion
from petitions.models import Item
from tests.conftest import browser_login

from .conftest import link_of

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _context(browser, live_server, username, *, phone):
    size = {"width": 390, "height": 844} if phone else {"width": 1280, "height": 900}
    context = browser.new_context(locale="zh-CN", viewport=size, is_mobile=phone, has_touch=phone)
    page = context.new_page()
    page.set_default_timeout(15000)
    page.base_url = live_server.url
    browser_login(page, username)
    return context, page


def _fits(page):
    assert page.evaluate("document.documentElement.scrollWidth") <= page.evaluate("window.innerWidth")


def _submit(page, selector):
    page.click(selector)
    page.wait_for_load_state("networkidle")


def test_a_member_records_a_visit_on_a_phone_converts_an_opinion_and_staff_see_the_figures(cast, browser,
                                                                                         live_server):
    link = link_of(cast, cast.member, cast.deputy)
    link_of(cast, cast.other_member, cast.group_leader)
    base = live_server.url

    # 1. 钱主任 opens 双联 on his phone: his deputy, with a 记录联系 button.
    ctx, phone = _context(browser, live_server, "qian", phone=True)
    phone.goto(base + "/liaison/")
    assert phone.url == base + "/liaison/mine/"
    _fits(phone)
    assert "刘芳" in phone.inner_text("[data-testid=my-links]")
    assert phone.locator("[data-testid=idle]").count() == 1
    _submit(phone, f"[data-testid=record-{cast.deputy.deputy.pk}]")
    _fits(phone)

    # 2. A visit today with two opinions, one per line.
    phone.check("input[name=kind][value=visit]")
    phone.fill("input[name=date]", datetime.date.today().isoformat())
    phone.fill("input[name=place]", "东山街道周庄社区代表之家")
    phone.fill("textarea[name=heard]", "刘芳代表介绍了周庄社区老旧小区改造的进展。")
    phone.fill("textarea[name=opinions]", "3号楼加装电梯资金分摊方案迟迟未定\n小区停车位紧张")
    _submit(phone, "[data-testid=do-save]")
    assert "联系记录已保存" in phone.content(), phone.inner_text("main")
    _fits(phone)
    assert phone.locator("[data-testid=opinion]").count() == 2

    # 3. The first opinion becomes an opinion item, once.
    phone.locator("[data-testid=convert-form]").first.locator("select[name=category]").select_option("urban")
    _submit(phone, "[data-testid=convert-form] >> nth=0 >> [data-testid=do-convert]")
    assert "已转为社情民意" in phone.content()
    item = Item.objects.get()
    assert phone.locator("[data-testid=opinion-item]").count() == 1 and item.number in phone.inner_text("main")
    assert phone.locator("[data-testid=do-convert]").count() == 1
    _fits(phone)
    ctx.close()
    assert (item.deputy, item.entered_by, item.state, item.category) == (
        cast.deputy.deputy, cast.member, "submitted", "urban")
    assert Contact.objects.get().created_by == cast.member and Opinion.objects.filter(contact__link=link).count() == 2

    # 4. 李明, district staff, sees it in the figures; 孙委员 is flagged 本季度未联系.
    ctx, desk = _context(browser, live_server, "staff", phone=False)
    desk.goto(base + "/liaison/figures/")
    assert desk.inner_text("[data-testid=contacts]") == "1"
    assert desk.inner_text("[data-testid=heard]") == "2"
    assert desk.inner_text("[data-testid=converted]") == "1"
    assert desk.inner_text("[data-testid=covered]") == "2"
    flagged = desk.locator("[data-testid=member-row]", has=desk.locator("[data-testid=flagged]"))
    assert flagged.count() == 1 and "孙委员" in flagged.inner_text()
    ctx.close()
