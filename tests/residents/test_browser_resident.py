"""The resident's path in a real Chromium on a phone (390 px): scan, write, confirm the SMS code (captured
from the fake gateway), receipt; the deputy answers on their phone; the status page shows the reply."""

import pytest

from residents.models import Report, ResidentCode

from ..conftest import browser_login

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_resident_reports_on_a_phone_and_follows_it_to_the_answer(cast, phone_page, sms):
    deputy = cast.deputy.deputy
    code = ResidentCode.objects.create(kind="deputy", deputy=deputy, area=deputy.area)
    page = phone_page
    page.goto(page.base_url + f"/q/{code.token}/")
    assert "刘芳" in page.locator("h1").inner_text()
    page.select_option("select[name=category]", "urban")
    page.fill("textarea[name=text]", "周庄社区3号楼门口路灯坏了两个月,晚上老人出行不便。")
    page.fill("input[name=address]", "周庄社区3号楼")
    page.fill("input[name=phone]", "13912345678")
    page.check("input[name=consent]")
    assert page.evaluate("document.documentElement.scrollWidth") <= page.evaluate("window.innerWidth")
    page.click("[data-testid=intake-submit]")

    page.wait_for_selector("[data-testid=verify-form]")
    page.fill("input[name=code]", sms.last_code("13912345678"))
    page.click("[data-testid=verify-submit]")
    page.wait_for_selector("[data-testid=receipt]")
    report = Report.objects.get()
    assert page.locator("[data-testid=receipt-no]").inner_text() == report.receipt_no
    assert page.locator("[data-testid=status-state]").inner_text() == "已提交"
    status_url = page.url.split("?")[0]
    assert "13912345678" not in page.content()

    # The deputy, on the phone: the new report in 群众来信, phone masked; accept, then answer.
    browser_login(page, "deputy")
    page.goto(page.base_url + "/residents/")
    row = page.locator("[data-testid=report-row]")
    assert row.count() == 1 and "139****5678" in row.inner_text()
    row.click()
    page.click("[data-testid=do-accept]")
    page.wait_for_selector("[data-testid=action-answer]")
    page.fill("[data-testid=action-answer] textarea[name=reply]", "已联系社区和供电所,三天内修复。")
    page.click("[data-testid=do-answer]")
    page.wait_for_selector("[data-testid=report-state]:has-text('已答复')")

    page.goto(status_url)
    assert page.locator("[data-testid=status-state]").inner_text() == "已答复"
    assert "三天内修复" in page.locator("[data-testid=status-reply]").inner_text()
    page.screenshot(path="/tmp/residents-status-390.png", full_page=True)


def test_a_resident_reports_with_a_photo_and_rates_the_concluded_item(cast, phone_page, sms):
    """The issue's done-when: report with a photo on a phone, confirm the SMS code, the deputy accepts and
    converts it, the item runs through its loop (the units' part through the petitions services), the
    status page shows it concluded, and the resident rates it."""
    from .conftest import PNG, conclude_item

    deputy = cast.deputy.deputy
    code = ResidentCode.objects.create(kind="deputy", deputy=deputy, area=deputy.area)
    page = phone_page
    page.goto(page.base_url + f"/q/{code.token}/")
    page.select_option("select[name=category]", "urban")
    page.fill("textarea[name=text]", "周庄社区3号楼门口路灯坏了两个月,晚上老人出行不便。")
    page.set_input_files("input[name=photos]", files=[{"name": "light.png", "mimeType": "image/png", "buffer": PNG}])
    page.fill("input[name=phone]", "13912345678")
    page.check("input[name=consent]")
    assert page.evaluate("document.documentElement.scrollWidth") <= page.evaluate("window.innerWidth")
    page.click("[data-testid=intake-submit]")
    page.wait_for_selector("[data-testid=verify-form]")
    page.fill("input[name=code]", sms.last_code("13912345678"))
    page.click("[data-testid=verify-submit]")
    page.wait_for_selector("[data-testid=receipt]")
    status_url = page.url.split("?")[0]
    report = Report.objects.get()
    assert report.photos.count() == 1
    assert page.locator("[data-testid=rate-form]").count() == 0

    # The deputy sees the photo, accepts and converts the report into an opinion item.
    browser_login(page, "deputy")
    page.goto(page.base_url + f"/residents/{report.pk}/")
    photo = page.locator("[data-testid=report-photos] img")
    photo.scroll_into_view_if_needed()
    assert photo.evaluate("img => img.complete && img.naturalWidth ? img.naturalWidth : new Promise("
                          "r => img.addEventListener('load', () => r(img.naturalWidth)))") == 1
    page.click("[data-testid=do-accept]")
    page.wait_for_selector("[data-testid=action-convert]")
    page.fill("[data-testid=action-convert] textarea[name=note]", "建议统一检修")
    page.click("[data-testid=do-convert]")
    page.wait_for_selector("[data-testid=report-item]")
    report.refresh_from_db()
    assert report.state == "converted"

    # The item's loop: research, assignment, the unit's reply, review, the deputy's evaluation.
    conclude_item(cast, report.item)

    page.context.clear_cookies()  # the resident again, no account
    page.goto(status_url)
    assert page.locator("[data-testid=item-state]").inner_text() == "已办结"
    page.check("[data-testid=rate-form] input[value=satisfied]")
    page.click("[data-testid=rate-submit]")
    page.wait_for_selector("[data-testid=status-rating]")
    assert page.locator("[data-testid=status-state]").inner_text() == "已办结"
    assert "满意" in page.locator("[data-testid=status-rating]").inner_text()
    assert "13912345678" not in page.content()
    report.refresh_from_db()
    assert report.state == "closed" and report.satisfaction == "satisfied"
    page.screenshot(path="/tmp/residents-rated-390.png", full_page=True)
