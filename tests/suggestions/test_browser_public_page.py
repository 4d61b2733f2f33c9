"""The public disclosure page in a real Chromium on a phone (390 px): readable without a login and
without sideways scrolling."""

import datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.urls import reverse

from suggestions.choices import State

from .helpers import make

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_it_fits_the_public_page_on_a_phone_without_a_login(cast, phone_page):
    # Answered two months ago, so the 20 working days have passed on the real clock the server keeps.
    past = datetime.datetime.now(ZoneInfo("Asia/Shanghai")) - datetime.timedelta(days=60)
    with time_machine.travel(past, tick=False):
        s = make(cast, State.CONCLUDED, title="关于" + "改善东山路早晚高峰交通秩序和停车难问题" * 3 + "的建议")
    page = phone_page
    page.goto(page.base_url + reverse("suggestions:public_session", args=[s.session.public_token]))
    card = page.locator("[data-testid=public-suggestion]")
    assert card.count() == 1
    assert s.display_number in card.inner_text() and "2027年上半年增设信号灯两处" in card.inner_text()
    assert page.evaluate("document.documentElement.scrollWidth") <= page.evaluate("window.innerWidth")
    assert page.locator("input[name=password]").count() == 0
    page.screenshot(path="/tmp/suggestions-public-390.png", full_page=True)
