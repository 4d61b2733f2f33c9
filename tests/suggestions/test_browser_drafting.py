"""Drafting a suggestion in a real Chromium on a phone (390 px): two co-signers picked by typing."""

import pytest
from django.urls import reverse

from suggestions.choices import State
from suggestions.models import CoSigner, Suggestion
from tests.conftest import browser_login

from .helpers import session

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _pick(page, text, deputy):
    page.locator("[data-testid=co-deputy-input]").press_sequentially(text, delay=50)
    page.locator(f"[data-testid=co-choice][data-deputy='{deputy.pk}']").click()


def test_a_deputy_drafts_on_a_phone_with_two_co_signers(cast, phone_page):
    session()
    page = phone_page
    browser_login(page, cast.deputy.username)
    page.goto(page.base_url + reverse("suggestions:list"))
    page.click("[data-testid=new-suggestion]")
    page.fill("input[name=title]", "关于增设东山路信号灯的建议")
    page.fill("textarea[name=body]", "早晚高峰拥堵,建议增设信号灯。")
    assert page.locator("[data-testid=co-deputy-find]").count() == 0  # JS took over the no-JS button
    first, second = cast.group_leader.deputy, cast.renwei_deputy.deputy
    _pick(page, first.name, first)
    _pick(page, second.name, second)
    assert page.locator("[data-testid=co-chosen-deputy]").count() == 2
    assert page.evaluate("document.documentElement.scrollWidth") <= page.evaluate("window.innerWidth")
    page.click("[data-testid=save-draft]")
    page.wait_for_load_state("networkidle")
    s = Suggestion.objects.get()
    assert s.state == State.DRAFT and page.url.endswith(reverse("suggestions:detail", args=[s.pk]))
    assert set(CoSigner.objects.filter(suggestion=s).values_list("deputy", flat=True)) == {first.pk, second.pk}
    page.screenshot(path="/tmp/suggestions-draft-390.png", full_page=True)
