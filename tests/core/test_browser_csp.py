"""In Chromium no main page breaks the Content-Security-Policy (issue 17, defect 11): a listener for
`securitypolicyviolation` installed before any page script, and the console's CSP errors, stay silent on
every page of the personas that use them, including the dashboard's ECharts and the item form's picker."""

import pytest
from django.urls import reverse

from suggestions.choices import State
from tests.conftest import browser_login
from tests.core.test_phone_layout import urls_for, world
from tests.suggestions.helpers import make

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

LISTEN = """
window.__csp = [];
document.addEventListener('securitypolicyviolation', e => window.__csp.push(
  e.violatedDirective + ' ' + (e.blockedURI || 'inline') + ' ' + (e.sourceFile || '') + ':' + e.lineNumber));
"""


def watch(page):
    page.add_init_script(LISTEN)
    console = []
    page.on("console", lambda m: console.append(m.text) if "Content Security Policy" in m.text else None)
    return console


def visit(page, url, console):
    response = page.goto(page.base_url + url)
    assert response.status < 400, f"{url}: {response.status}"
    assert url == reverse("login") or "/accounts/login/" not in page.url, f"{url}: not signed in"
    page.wait_for_load_state("networkidle")
    headers = response.all_headers()
    if "text/html" in headers.get("content-type", ""):
        assert "script-src 'self'" in headers["content-security-policy"], url
    problems = page.evaluate("window.__csp || []") + console[:]
    console.clear()
    return [f"{url}: {p}" for p in problems]


def test_no_page_reports_a_policy_violation(cast, page):
    data = world(cast)
    suggestion = make(cast, State.CONCLUDED)
    console = watch(page)
    failed = visit(page, reverse("login"), console)
    for name in ("staff", "deputy", "zhujian", "leader"):
        user = getattr(cast, name)
        page.context.clear_cookies()
        browser_login(page, user.username)
        urls = urls_for(user, cast, data)
        if name in ("staff", "deputy"):
            urls += [reverse("suggestions:list"), reverse("suggestions:detail", args=[suggestion.pk])]
        for url in urls:
            failed += [f"{name} {p}" for p in visit(page, url, console)]
    assert failed == [], "\n".join(failed)


def test_the_dashboard_charts_draw_under_the_policy(cast, page):
    """ECharts styles its elements through the CSSOM (allowed by style-src 'self'); its tooltip too."""
    world(cast)
    console = watch(page)
    browser_login(page, cast.staff.username)
    assert visit(page, reverse("dashboards:overview"), console) == []
    chart = page.locator("[_echarts_instance_]").first
    chart.wait_for()
    box = chart.bounding_box()
    assert box["height"] > 100
    page.mouse.move(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2)
    page.wait_for_timeout(300)
    assert page.evaluate("window.__csp") == [] and console == []


def test_a_confirm_asked_by_data_confirm_still_guards_the_action(cast, page):
    """The handlers moved out of the templates (data-confirm in static/js/app.js) still work."""

    console = watch(page)
    browser_login(page, cast.staff.username)
    assert visit(page, reverse("home"), console) == []
    asked = []
    page.on("dialog", lambda d: (asked.append(d.message), d.dismiss()))
    page.evaluate("""() => { const f = document.createElement('form'); f.method = 'post';
        f.dataset.confirm = '确定吗?'; f.action = '/nowhere/'; document.body.append(f);
        f.requestSubmit(); }""")
    page.wait_for_timeout(200)
    assert asked == ["确定吗?"] and page.url.endswith(reverse("home"))
