import pytest

from tests.conftest import browser_login

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

HOME_SIGNS = {
    "staff": "李明", "dongshan": "周敏", "renwei": "陈刚", "zhujian": "孙磊", "huanbao": "吴芳",
    "deputy": "刘芳", "zuzhang": "张伟", "leader": "王主任", "admin": "系统管理员",
}


def test_it_lets_each_persona_log_in_and_land_on_its_home_page(cast, page):
    for username, name in HOME_SIGNS.items():
        browser_login(page, username)
        assert page.url.rstrip("/") == page.base_url.rstrip("/"), username
        assert name in page.locator("[data-testid=home-title]").inner_text()
        page.click("[data-testid=user-menu]")
        page.click("text=退出登录")
        page.wait_for_url("**/accounts/login/")


def test_it_works_on_a_phone(cast, phone_page):
    browser_login(phone_page, "deputy")
    assert "刘芳" in phone_page.locator("[data-testid=home-title]").inner_text()
    # The navigation collapses behind the toggler on a narrow screen.
    assert phone_page.locator(".navbar-toggler").is_visible()
