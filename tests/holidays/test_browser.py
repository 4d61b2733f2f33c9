"""In a real Chromium: district staff follow the home-page warning to the 2027 schedule, add 元旦, see a
refused entry keep what they typed, on a desktop and on a phone (no sideways scroll)."""

import os
from pathlib import Path

import pytest

from holidays.models import CalendarEntry
from tests.conftest import browser_login

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SHOTS = Path(os.environ.get("SCREENSHOT_DIR", Path(__file__).resolve().parents[2] / "var" / "screenshots"))


def shot(page, name):
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / f"holidays-{name}.png"), full_page=True)


def no_sideways_scroll(page):
    return page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")


def add(page, kind, name, start, end=""):
    page.select_option("[data-testid=entry-form] select[name=kind]", kind)
    page.fill("[data-testid=entry-form] input[name=name]", name)
    page.fill("[data-testid=entry-form] input[name=start]", start)
    page.fill("[data-testid=entry-form] input[name=end]", end)
    page.click("[data-testid=entry-form] button[type=submit]")
    page.wait_for_load_state("networkidle")


@pytest.mark.parametrize("width", [1280, 390])
def test_staff_follow_the_warning_and_enter_next_years_holidays(cast, browser, live_server, width):
    context = browser.new_context(locale="zh-CN", viewport={"width": width, "height": 900},
                                  is_mobile=width < 500, has_touch=width < 500)
    page = context.new_page()
    page.set_default_timeout(15000)
    page.base_url = live_server.url
    try:
        browser_login(page, "staff")
        warning = page.locator("[data-testid=calendar-warning]")
        assert "2027 年的节假日安排尚未录入" in warning.inner_text()  # the real clock: December 2026
        shot(page, f"home-{width}")
        warning.locator("a").click()
        page.wait_for_selector("[data-testid=entry-form]")
        add(page, "holiday", "元旦", "2027-01-01", "2027-01-03")
        assert "元旦" in page.locator("[data-testid=calendar-entries]").inner_text()
        add(page, "workday", "元旦调休", "2027-01-02")
        assert "调休上班日落在节假日“元旦”" in page.locator("[data-testid=entry-form]").inner_text()
        assert page.input_value("[data-testid=entry-form] input[name=name]") == "元旦调休"
        assert page.input_value("[data-testid=entry-form] input[name=start]") == "2027-01-02"
        assert list(CalendarEntry.objects.values_list("name", flat=True)) == ["元旦"]
        assert no_sideways_scroll(page)
        shot(page, f"year-{width}")
        page.goto(page.base_url + "/holidays/")
        assert "已录入" in page.locator("[data-year='2027']").inner_text()
        assert no_sideways_scroll(page)
        shot(page, f"years-{width}")
        page.goto(page.base_url + "/holidays/import/")
        assert no_sideways_scroll(page)
        shot(page, f"import-{width}")
        page.goto(page.base_url + "/")
        assert page.locator("[data-testid=calendar-warning]").count() == 0
    finally:
        context.close()


@pytest.mark.parametrize("width", [1280, 390])
def test_staff_import_a_year_see_the_refusals_then_confirm(cast, browser, live_server, tmp_path, settings, width):
    from .helpers import workbook

    settings.MEDIA_ROOT = tmp_path / "media"
    bad = tmp_path / "2027年节假日安排(有误).xlsx"
    bad.write_bytes(workbook([("节假日", "元旦", "2027-01-01", "2027-01-03"),
                              ("调休上班", "元旦调休", "2027-01-02", None),
                              ("放年假", "春节", "2027-02-06", "2027-02-12")]))
    good = tmp_path / "2027年节假日安排.xlsx"
    good.write_bytes(workbook([("节假日", "元旦", "2027-01-01", "2027-01-03"),
                               ("调休上班", "春节调休", "2027-02-20", None)]))
    context = browser.new_context(locale="zh-CN", viewport={"width": width, "height": 900},
                                  is_mobile=width < 500, has_touch=width < 500)
    page = context.new_page()
    page.set_default_timeout(15000)
    page.base_url = live_server.url
    try:
        browser_login(page, "staff")
        page.goto(page.base_url + "/holidays/import/")
        page.set_input_files("input[name=file]", str(bad))
        page.click("[data-testid=import-upload]")
        page.wait_for_selector("[data-testid=refused]")
        text = page.locator("[data-testid=refused]").inner_text()
        assert "调休上班日落在节假日“元旦”" in text and "放年假" in text
        assert page.locator("[data-testid=import-confirm]").count() == 0
        assert no_sideways_scroll(page)
        shot(page, f"import-refused-{width}")
        page.goto(page.base_url + "/holidays/import/")
        page.set_input_files("input[name=file]", str(good))
        page.click("[data-testid=import-upload]")
        page.wait_for_selector("[data-testid=import-rows]")
        assert not CalendarEntry.objects.exists()
        shot(page, f"import-preview-{width}")
        page.click("[data-testid=import-confirm]")
        page.wait_for_selector("[data-testid=calendar-entries]")
        assert "已导入 2027 年的节假日安排,共 2 项" in page.locator(".alert-success").inner_text()
        assert CalendarEntry.objects.count() == 2
    finally:
        context.close()
