"""Issue 15's "Done when", in a real Chromium: a deputy self-reports a training with a photo on her phone,
the area staff approve it, the district publishes the quarter, the deputy asks for a correction of her
absence line, the staff accept, and the next quarter shows the corrected line marked 更正 while the
published quarter is unchanged."""

from decimal import Decimal

import pytest

from points.models import Line, Snapshot
from tests.conftest import browser_login

from .conftest import PNG

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _phone(browser, live_server, username):
    context = browser.new_context(locale="zh-CN", viewport={"width": 390, "height": 844}, is_mobile=True,
                                  has_touch=True)
    page = context.new_page()
    page.set_default_timeout(15000)
    page.base_url = live_server.url
    browser_login(page, username)
    return context, page


def _desk(browser, live_server, username):
    context = browser.new_context(locale="zh-CN", viewport={"width": 1280, "height": 900})
    page = context.new_page()
    page.set_default_timeout(15000)
    page.base_url = live_server.url
    browser_login(page, username)
    page.on("dialog", lambda dialog: dialog.accept())
    return context, page


def _fits(page):
    assert page.evaluate("document.documentElement.scrollWidth") <= page.evaluate("window.innerWidth")


def _submit(page, selector):
    page.click(selector)
    page.wait_for_load_state("networkidle")


def test_self_report_publish_correct_and_the_next_quarter_shows_it(cast, rules, q3, browser, live_server):
    base = live_server.url

    # 1. 刘芳, on her phone, reports a provincial training in Q3 with a photo.
    ctx, phone = _phone(browser, live_server, "deputy")
    phone.goto(base + "/points/claims/new/")
    _fits(phone)
    phone.select_option("select[name=rule]", label="参加上级组织的学习培训(自行申报)")
    phone.fill("input[name=date]", "2026-09-03")
    phone.fill("textarea[name=description]", "参加省人大代表履职培训班(合肥)")
    phone.set_input_files("input[name=files]", files=[{"name": "培训现场.png", "mimeType": "image/png",
                                                       "buffer": PNG}])
    _submit(phone, "[data-testid=do-claim]")
    assert "已提交,等待所在街道/镇人大工作人员审核" in phone.content(), phone.inner_text("main")
    claim_url = phone.url
    assert phone.locator("[data-testid=files] img").count() == 1
    ctx.close()

    # 2. 周敏, the 东山街道 staff, approves it from her queue.
    ctx, desk = _desk(browser, live_server, "dongshan")
    desk.goto(base + "/points/")
    desk.click("[data-testid=pending-claims] a")
    desk.wait_for_load_state("networkidle")
    assert desk.url == claim_url
    desk.fill("[data-testid=action-approve] textarea[name=reason]", "培训通知和照片齐全")
    _submit(desk, "[data-testid=do-approve]")
    assert "已审核通过" in desk.content()
    ctx.close()

    # 3. 李明, district staff, computes and publishes 2026 Q3.
    ctx, desk = _desk(browser, live_server, "staff")
    desk.goto(base + "/points/")
    desk.fill("[data-testid=compute-form] input[name=year]", "2026")
    desk.select_option("[data-testid=compute-form] select[name=quarter]", "3")
    _submit(desk, "[data-testid=do-compute]")
    _submit(desk, "[data-testid=do-publish]")
    assert desk.inner_text("[data-testid=snapshot-status]") == "已发布"
    ctx.close()
    q3_snap = Snapshot.objects.get(year=2026, quarter=3)
    published = sorted(Line.objects.filter(snapshot=q3_snap).values_list("pk", "rule_name", "points"))

    # 4. 刘芳 sees her lines, each record a link, and asks for a correction of the absence.
    ctx, phone = _phone(browser, live_server, "deputy")
    phone.goto(base + "/points/mine/")
    _fits(phone)
    lines = phone.inner_text("[data-testid=lines]")
    assert "参加上级组织的学习培训(自行申报)" in lines and "无故缺席活动" in lines and "小组集中活动" in lines
    total_before = phone.inner_text("[data-testid=total]")
    phone.select_option("[data-testid=correction-form] select[name=line]", label="无故缺席活动(1 条/次,-2.00 分)")
    phone.fill("[data-testid=correction-form] textarea[name=reason]", "当日已向小组长请假,附请假条")
    phone.set_input_files("[data-testid=correction-form] input[name=files]",
                          files=[{"name": "请假条.png", "mimeType": "image/png", "buffer": PNG}])
    _submit(phone, "[data-testid=do-correct]")
    assert "已提交更正申请" in phone.content()
    correction_url = phone.url
    ctx.close()

    # 5. 周敏 accepts: +2, the absence was excused.
    ctx, desk = _desk(browser, live_server, "dongshan")
    desk.goto(base + "/points/")
    desk.click("[data-testid=pending-corrections] a")
    desk.wait_for_load_state("networkidle")
    assert desk.url == correction_url
    assert desk.input_value("[data-testid=action-accept] input[name=delta]") in ("2", "2.00")
    desk.fill("[data-testid=action-accept] textarea[name=answer]", "经核实已请假,撤销扣分")
    _submit(desk, "[data-testid=do-accept]")
    assert "已同意更正" in desk.content()
    ctx.close()

    # 6. The district computes Q4: the correction shows there, marked 更正; Q3 is as published.
    ctx, desk = _desk(browser, live_server, "staff")
    desk.goto(base + "/points/")
    desk.fill("[data-testid=compute-form] input[name=year]", "2026")
    desk.select_option("[data-testid=compute-form] select[name=quarter]", "4")
    _submit(desk, "[data-testid=do-compute]")
    q4_snap = Snapshot.objects.get(year=2026, quarter=4)
    desk.goto(base + f"/points/{q4_snap.pk}/deputies/{cast.deputy.deputy.pk}/")
    marked = desk.locator("[data-testid=line]", has=desk.locator("[data-testid=correction-mark]"))
    assert marked.count() == 1
    assert "无故缺席活动" in marked.inner_text() and marked.locator("[data-testid=line-points]").inner_text() == "2.00"
    desk.goto(base + f"/points/{q3_snap.pk}/deputies/{cast.deputy.deputy.pk}/")
    assert desk.locator("[data-testid=correction-mark]").count() == 0
    assert desk.inner_text("[data-testid=total]") == total_before
    ctx.close()
    assert sorted(Line.objects.filter(snapshot=q3_snap).values_list("pk", "rule_name", "points")) == published
    assert Line.objects.get(snapshot=q4_snap, correction__isnull=False).points == Decimal("2")
