"""The suggestion list in a real Chromium on a phone (390 px): cards, no sideways scrolling."""

import pytest
from django.urls import reverse

from suggestions.choices import State
from tests.conftest import browser_login

from .helpers import make

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_the_list_is_cards_on_a_phone_without_sideways_scrolling(cast, phone_page):
    make(cast, State.HANDLING, title="关于" + "改善东山路早晚高峰交通秩序和停车难问题" * 3 + "的建议")
    make(cast, State.REGISTERED, co=[], title="关于增设社区养老服务站的建议")
    page = phone_page
    browser_login(page, "staff")
    page.goto(page.base_url + reverse("suggestions:list"))
    cards = page.locator("[data-testid=suggestion-card]")
    assert cards.count() == 2
    assert "养老服务站" in cards.nth(0).inner_text() + cards.nth(1).inner_text()
    assert not page.locator("[data-testid=suggestion-table]").is_visible()
    assert page.evaluate("document.documentElement.scrollWidth") <= page.evaluate("window.innerWidth")
    page.screenshot(path="/tmp/suggestions-list-390.png", full_page=True)


def test_a_unit_opens_its_reply_queue_from_the_tabs_on_a_phone(cast, phone_page):
    make(cast, State.HANDLING, title="关于改善东山路交通秩序的建议")  # lead 区住建局, co-unit 区生态环境分局
    page = phone_page
    browser_login(page, "zhujian")
    page.goto(page.base_url + reverse("suggestions:list"))
    tabs = page.locator("[data-testid=queues]")
    assert "待答复" in tabs.inner_text() and "待登记" not in tabs.inner_text()  # only the unit's queues
    assert page.evaluate("document.documentElement.scrollWidth") <= page.evaluate("window.innerWidth")
    page.locator("[data-testid=queue-reply]").click()
    page.wait_for_load_state("networkidle")
    assert "box=reply" in page.url
    assert page.locator("[data-testid=queue-hint]").is_visible()
    cards = page.locator("[data-testid=suggestion-card]")
    assert cards.count() == 1 and "东山路" in cards.first.inner_text()
    assert page.locator("[data-testid=queue-reply] [data-testid=queue-count]").inner_text() == "1"
    page.screenshot(path="/tmp/suggestions-queues-390.png", full_page=True)
