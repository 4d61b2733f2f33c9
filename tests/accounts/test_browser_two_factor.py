"""Two-factor sign-in in Chromium: a staff member of a required role is sent to enrolment, scans (here:
reads) the key, confirms, sees the recovery codes, and signs in again with password and code."""

import base64

import pytest
from django_otp.oath import totp

from tests.conftest import browser_login

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def code(secret: str, drift: int = 0) -> str:
    key = base64.b32decode(secret.replace(" ", ""))
    return f"{totp(key, drift=drift):06d}"


def test_enrolment_and_a_two_step_sign_in(cast, page, settings):
    settings.OTP_REQUIRED_ROLES = ["district_staff"]
    errors = []
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    browser_login(page, "staff")
    assert page.url.endswith("/accounts/two-factor/")
    assert page.locator("[data-testid=qr] svg").is_visible()
    secret = page.locator("[data-testid=secret]").inner_text()
    page.fill("input[name=code]", code(secret))
    page.get_by_role("button", name="完成绑定").click()
    page.wait_for_url("**/two-factor/codes/")
    assert page.locator("[data-testid=recovery-codes] code").count() == 10
    page.get_by_role("link", name="我已保存,继续").click()
    page.wait_for_url(page.base_url + "/")

    page.context.clear_cookies()
    browser_login(page, "staff")
    assert page.url.endswith("/accounts/login/verify/")
    page.fill("input[name=code]", code(secret, drift=1))  # the next step: the last one is used up
    page.get_by_role("button", name="验证并登录").click()
    page.wait_for_url(page.base_url + "/")
    assert "李明" in page.content()
    assert not [e for e in errors if "Content Security Policy" in e]
