"""A whole electronic vote on phones in a real Chromium (issue 12 "Done when"): three deputies vote on
390 px, one changes their mind, the presidium's staff close the vote, the deputies see the result and
the notice prints on A4."""

import pytest

from accounts.choices import Role
from accounts.services import user_create
from projects.choices import Outcome
from projects.models import ElectorateMember
from tests import factories
from tests.conftest import browser_login
from tests.personas import PASSWORD

from .helpers import dongshan, make_round

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _phone(browser, live_server, username):
    context = browser.new_context(locale="zh-CN", viewport={"width": 390, "height": 844}, is_mobile=True,
                                  has_touch=True)
    page = context.new_page()
    page.set_default_timeout(15000)
    page.base_url = live_server.url
    browser_login(page, username, PASSWORD)
    return context, page


def _vote(page, url, choices):
    page.goto(url)
    for pk, choice in choices.items():
        page.locator(f"[data-testid=choice-{pk}-{choice}] + label").click()
    page.click("[data-testid=submit-vote]")
    page.wait_for_load_state("networkidle")
    assert page.locator("[data-testid=voted]").count() == 1, page.content()
    assert page.evaluate("document.documentElement.scrollWidth") <= page.evaluate("window.innerWidth")


def test_three_deputies_vote_on_phones_one_changes_and_the_notice_prints(cast, browser, live_server):
    electorate = dongshan(cast, extra=0)
    third = user_create(username="wangli", password=PASSWORD, full_name="王丽", roles=[Role.DEPUTY])
    ElectorateMember.objects.create(electorate=electorate, deputy=factories.DeputyFactory(name="王丽", user=third))
    rnd = make_round(cast, electorate=electorate, places=2)
    a, b, c = rnd.candidates.order_by("sort")
    url = live_server.url + f"/projects/rounds/{rnd.pk}/vote/"

    for username, choices in (("deputy", {a.pk: "yes", b.pk: "no", c.pk: "yes"}),
                              ("zuzhang", {a.pk: "yes", b.pk: "yes", c.pk: "abstain"}),
                              ("wangli", {a.pk: "yes", b.pk: "no", c.pk: "no"})):
        ctx, page = _phone(browser, live_server, username)
        _vote(page, url, choices)
        if username == "wangli":  # changes her mind on 背街小巷亮化 and 社区养老服务站
            _vote(page, url, {b.pk: "yes", c.pk: "yes"})
            assert page.locator(f"[data-testid=choice-{a.pk}-yes]").is_checked()
            assert page.locator(f"[data-testid=choice-{b.pk}-yes]").is_checked()
        ctx.close()

    ctx, page = _phone(browser, live_server, "dongshan")
    page.goto(live_server.url + rnd.get_absolute_url())
    assert "已有 3 / 3 名代表投票" in page.inner_text("[data-testid=turnout]")
    assert page.locator("[data-testid=yes]").count() == 0  # no tally while the vote is open
    page.on("dialog", lambda dialog: dialog.accept())
    page.click("[data-testid=do-close_vote]")
    page.wait_for_load_state("networkidle")
    assert page.inner_text("[data-testid=round-state]") == "已票决"
    # 老旧小区改造 3 赞成 and 背街小巷亮化 2 win the two places; 社区养老服务站 has 2 too: a tie at the cut-off.
    rnd.refresh_from_db()
    outcomes = {x.name: (x.yes, x.outcome) for x in rnd.candidates.all()}
    assert outcomes == {"老旧小区改造": (3, Outcome.WON), "背街小巷亮化": (2, Outcome.TIED),
                        "社区养老服务站": (2, Outcome.TIED)}
    assert "重新票决" in page.inner_text("[data-testid=result-note]")
    page.click("[data-testid=notice-link]")
    page.wait_for_load_state("networkidle")
    notice = page.inner_text("[data-testid=notice]")
    assert "在任代表 3 名,参加投票 3 名" in notice and "不少于 2 票" in notice
    page.emulate_media(media="print")
    assert not page.locator("[data-testid=print-notice]").is_visible()
    assert page.pdf(format="A4")[:4] == b"%PDF"
    ctx.close()

    ctx, page = _phone(browser, live_server, "wangli")
    page.goto(url)
    yes = page.locator("[data-testid=result-yes]").all_inner_texts()
    assert yes == ["3", "2", "2"]
    ctx.close()
