"""axe-core (from npm, package.json) runs in Chromium on every main page, as the persona that uses it, in
the normal and the 关怀版 mode: no serious or critical violation (issue 17, accessibility). axe is
injected by Playwright into a context that bypasses the CSP for the test only; the site itself never
serves it."""

import os
from pathlib import Path

import pytest
from django.conf import settings
from django.urls import reverse

from petitions.models import Item
from suggestions.choices import State
from tests.conftest import browser_login
from tests.core.test_phone_layout import world
from tests.suggestions.helpers import make

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def axe_path() -> Path:
    path = Path(os.environ.get("AXE_CORE_JS") or Path(settings.NODE_MODULES) / "axe-core" / "axe.min.js")
    assert path.exists(), f"{path} is missing: run npm ci (axe-core is in package.json)"
    return path


RUN = """async () => {
  const r = await axe.run(document, {resultTypes: ['violations']});
  return r.violations.filter(v => ['serious', 'critical'].includes(v.impact)).map(v =>
    v.id + ' (' + v.impact + '): ' + v.nodes.slice(0, 3).map(n =>
      n.target.join(' ') + ' ' + ((n.any[0] || {}).message || '') + ' ' + n.html.slice(0, 80)).join(' | '));
}"""


def pages(cast, data, suggestion):
    item = Item.objects.visible_to(cast.staff).order_by("pk").first()
    staff = [reverse("home"), reverse("petitions:list"), reverse("petitions:create"),
             reverse("dashboards:overview"), reverse("deputies:roster"), reverse("activities:list"),
             reverse("activities:detail", args=[data["reception"].pk]), reverse("assessments:index"),
             reverse("suggestions:list"), reverse("suggestions:detail", args=[suggestion.pk])]
    if item is not None:
        staff.append(reverse("petitions:detail", args=[item.pk]))
    deputy = [reverse("home"), reverse("petitions:mine"), reverse("petitions:create"),
              reverse("suggestions:list")]
    return {"staff": staff, "deputy": deputy, "zhujian": [reverse("home"), reverse("petitions:list")],
            "leader": [reverse("home"), reverse("dashboards:overview")]}


def check(page, url):
    response = page.goto(page.base_url + url)
    assert response.status < 400, f"{url}: {response.status}"
    page.wait_for_load_state("networkidle")
    page.add_script_tag(path=str(axe_path()))
    return [f"{url} {v}" for v in page.evaluate(RUN)]


@pytest.fixture
def axe_page(browser, live_server):
    context = browser.new_context(locale="zh-CN", viewport={"width": 1280, "height": 900}, bypass_csp=True)
    pg = context.new_page()
    pg.set_default_timeout(20000)
    pg.base_url = live_server.url
    yield pg
    context.close()


@pytest.mark.parametrize("care", [False, True], ids=["normal", "care"])
def test_no_serious_or_critical_violation_on_the_main_pages(cast, axe_page, care):
    data = world(cast)
    suggestion = make(cast, State.CONCLUDED)
    failed = []
    if care:
        axe_page.context.add_cookies([{"name": "care_mode", "value": "1", "url": axe_page.base_url}])
    failed += check(axe_page, reverse("login"))
    if care:
        assert axe_page.evaluate("document.documentElement.classList.contains('care-mode')")
    for name, urls in pages(cast, data, suggestion).items():
        user = getattr(cast, name)
        user.care_mode = care
        user.save(update_fields=["care_mode"])
        axe_page.context.clear_cookies()
        browser_login(axe_page, user.username)
        assert "/accounts/login/" not in axe_page.url, f"{name} not signed in"
        for url in urls:
            failed += [f"{name} {line}" for line in check(axe_page, url)]
    assert failed == [], "\n".join(failed)


def test_care_mode_enlarges_type_and_targets(cast, axe_page):
    browser_login(axe_page, cast.deputy.username)
    normal = axe_page.evaluate("parseFloat(getComputedStyle(document.documentElement).fontSize)")
    axe_page.click("[data-testid=care-toggle]")
    axe_page.wait_for_load_state("networkidle")
    sizes = axe_page.evaluate("""() => ({
      root: parseFloat(getComputedStyle(document.documentElement).fontSize),
      line: parseFloat(getComputedStyle(document.body).lineHeight) / parseFloat(getComputedStyle(document.body).fontSize),
      button: document.querySelector('[data-testid=care-toggle]').getBoundingClientRect().height})""")
    assert sizes["root"] >= 1.25 * normal and sizes["line"] >= 1.5 and sizes["button"] >= 44
    axe_page.keyboard.press("Tab")
    assert axe_page.evaluate("document.activeElement.dataset.testid") == "skip-link"
