"""The idle warning in Chromium: 继续 keeps the session without leaving the page; at expiry the draft is kept
and restored after signing in again (issue 17: Sessions; defect 11)."""

import pytest
from django.urls import reverse

from tests.conftest import browser_login
from tests.personas import PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_the_idle_warning_keeps_the_session_and_the_draft(cast, page, settings):
    settings.SESSION_IDLE_MINUTES = 0.1  # 6 s
    settings.SESSION_WARNING_SECONDS = 3
    browser_login(page, "deputy")
    create = page.base_url + reverse("petitions:create")
    page.goto(create)
    page.fill("#id_title", "周庄社区路灯不亮")
    warning = page.locator("#session-idle-warning")
    warning.wait_for(timeout=8000)
    assert "1 分钟后将自动退出登录" in warning.inner_text()
    warning.get_by_role("button", name="继续").click()
    warning.wait_for(state="detached", timeout=3000)
    assert page.url == create and page.input_value("#id_title") == "周庄社区路灯不亮"
    # No more activity: the page goes to the login page by itself, keeping the draft.
    page.wait_for_url("**/accounts/login/**", timeout=12000)
    assert "长时间未操作" in page.content()
    page.fill("input[name=username]", "deputy")
    page.fill("input[name=password]", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_url(create)
    assert page.input_value("#id_title") == "周庄社区路灯不亮"
