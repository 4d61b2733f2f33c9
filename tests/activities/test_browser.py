"""In a real Chromium at 390 px: the activities list is one readable card per activity."""

import datetime

import pytest

from activities.choices import ActivityKind
from tests.conftest import browser_login

from .factories import activity_with

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_the_activities_list_is_cards_on_a_phone(cast, phone_page):
    title = "相山区东山街道周庄社区老旧小区雨污管网改造及背街小巷路面破损修复情况专题调研"
    activity_with(cast.deputy.deputy, cast.group_leader.deputy, kind=ActivityKind.RESEARCH, title=title,
                  date=datetime.date(2026, 11, 10))
    browser_login(phone_page, "staff")
    phone_page.goto(phone_page.base_url + "/activities/")
    cards = phone_page.locator("[data-testid=activity-card]")
    assert cards.count() == 1 and cards.first.is_visible()
    text = cards.first.inner_text()
    assert title in text and "2026-11-10" in text and "邀请 2" in text and "出席 2" in text
    assert not phone_page.locator("[data-testid=activity-table]").is_visible()
    box = cards.first.bounding_box()
    assert box["x"] >= 0 and box["x"] + box["width"] <= 390
    assert phone_page.evaluate("document.documentElement.scrollWidth <= document.documentElement.clientWidth")
