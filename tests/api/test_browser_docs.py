"""The Swagger UI page in Chromium: it draws every operation from the local assets under the site's
strict Content-Security-Policy, and "Try it out" with a device token reaches the live API."""

import pytest

from tests.api.conftest import token_for
from tests.core.test_browser_csp import watch

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_it_draws_the_docs_and_calls_the_api_under_the_policy(cast, page):
    console = watch(page)
    outside = []
    page.on("request", lambda r: outside.append(r.url) if not r.url.startswith(page.base_url) else None)
    page.goto(page.base_url + "/api/v1/docs/")
    page.wait_for_selector("#operations-me-me")
    assert page.locator(".opblock").count() >= 12
    # Authorize with a token, then run GET /api/v1/me from the page.
    page.click("button.authorize")
    scheme = page.locator(".modal-ux .auth-container", has_text="deviceToken")
    scheme.locator("input").fill(token_for(cast.deputy))
    scheme.locator("button.authorize").click()
    page.click(".modal-ux button.btn-done")
    page.click("#operations-me-me .opblock-summary")
    page.click("#operations-me-me button.try-out__btn")
    page.click("#operations-me-me button.execute")
    page.wait_for_selector("#operations-me-me .live-responses-table .response-col_status")
    assert "刘芳" in page.inner_text("#operations-me-me .live-responses-table")
    assert page.evaluate("window.__csp || []") + console == []
    assert outside == []  # no CDN
