"""The whole loop through the action cards of a suggestion's page, in a real Chromium: staff register,
review, accept and assign with a co-unit; the co-unit sends its opinion; the lead unit records 面商 and
replies B with a plan; staff approve; the deputy on a phone (390 px) rates both dimensions; the unit
reports the planned measures done (the B follow-up closes)."""

import datetime

import pytest

from suggestions.choices import State
from suggestions.models import Evaluation
from tests.conftest import browser_login

from .helpers import make

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _as(browser, live_server, username, width=1280):
    context = browser.new_context(locale="zh-CN", viewport={"width": width, "height": 900},
                                  is_mobile=width < 500, has_touch=width < 500)
    page = context.new_page()
    page.set_default_timeout(15000)
    page.base_url = live_server.url
    browser_login(page, username)
    return context, page


def _do(page, name):
    page.click(f"[data-testid=do-{name}]")
    page.wait_for_load_state("networkidle")
    assert page.locator(".alert-danger").count() == 0, page.locator(".alert-danger").all_inner_texts()


def test_the_loop_is_walked_from_the_page(cast, browser, live_server):
    s = make(cast, State.SUBMITTED)
    url = live_server.url + s.get_absolute_url()

    ctx, page = _as(browser, live_server, "staff")
    page.goto(url)
    for name in ("register", "start_review", "accept"):
        _do(page, name)
    page.select_option("#id_assign_lead_unit", str(cast.zhujian.unit_id))
    page.select_option("#id_assign_co_units", [str(cast.huanbao.unit_id)])
    _do(page, "assign")
    ctx.close()
    s.refresh_from_db()
    assert s.state == State.HANDLING

    ctx, page = _as(browser, live_server, "huanbao")
    page.goto(url)
    page.fill("#id_co_opinion_opinion", "同意主办单位意见。")
    _do(page, "co_opinion")
    ctx.close()

    ctx, page = _as(browser, live_server, "zhujian")
    page.goto(url)
    page.select_option("#id_consult_form", "visit")
    page.fill("#id_consult_date", datetime.date.today().isoformat())
    page.fill("#id_consult_person_name", "王局长")
    page.select_option("#id_consult_person_level", "head")
    _do(page, "consult")
    for name, value in (("doc_number", "相住建〔2026〕12号"), ("signer", "王局长"), ("contact_name", "孙磊"),
                        ("contact_phone", "0561-3012345"), ("body", "已制定改造方案。"),
                        ("planned_measures", "2027年上半年增设信号灯两处。"), ("planned_date", "2027-06-30"),
                        ("co_opinions", "区生态环境分局:同意。")):
        page.fill(f"#id_reply_{name}", value)
    page.select_option("#id_reply_reply_class", "B")
    _do(page, "reply")
    ctx.close()
    s.refresh_from_db()
    assert s.state == State.REVIEW

    ctx, page = _as(browser, live_server, "staff")
    page.goto(url)
    _do(page, "approve_reply")
    ctx.close()

    ctx, page = _as(browser, live_server, "deputy", width=390)
    page.goto(url)
    assert page.evaluate("document.documentElement.scrollWidth") <= page.evaluate("window.innerWidth")
    page.check("#id_evaluate_work_rating_0")  # 满意
    page.check("#id_evaluate_result_rating_1")  # 基本满意
    _do(page, "evaluate")
    page.screenshot(path="/tmp/suggestion-actions-390.png", full_page=True)
    ctx.close()
    s.refresh_from_db()
    assert s.state == State.CONCLUDED and s.tracking
    e = Evaluation.objects.get(suggestion=s)
    assert (e.work_rating, e.result_rating) == ("satisfied", "basic")

    ctx, page = _as(browser, live_server, "zhujian")
    page.goto(url)
    page.fill("#id_measures_done_comment", "信号灯已装好。")
    _do(page, "measures_done")
    ctx.close()
    s.refresh_from_db()
    assert not s.tracking
