"""Shared fixtures: the personas, clients signed in as them, and the browser."""

import datetime
import os
import shutil
from zoneinfo import ZoneInfo

import pytest
import time_machine

from . import personas

# Playwright's sync API runs an event loop in the test thread; Django's ORM calls made by the
# test itself (fixtures, assertions) are still synchronous, which is what this flag permits.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

CHROMIUM = "/usr/bin/chromium"

# A fixed "now" for the suite: Thursday 26 November 2026, 09:30 in Xiangshan, a working day. Tests
# about dates must mean the same next year (a due date two working days on, "this year's" quota);
# tests that need another date travel themselves (nesting works). Browser tests and tests with a
# real Celery worker keep the real clock: Chromium and the worker process cannot share a fake one.
FIXED_NOW = datetime.datetime(2026, 11, 26, 9, 30, tzinfo=ZoneInfo("Asia/Shanghai"))


@pytest.fixture(autouse=True)
def _fixed_clock(request):
    if request.node.get_closest_marker("browser") or request.node.get_closest_marker("worker"):
        yield
        return
    with time_machine.travel(FIXED_NOW, tick=True):
        yield


@pytest.fixture
def cast(db):
    return personas.build()


@pytest.fixture
def login(client):
    """`login(user)` returns the test client signed in as that user."""

    def _login(user):
        client.force_login(user, backend="django.contrib.auth.backends.ModelBackend")
        return client

    return _login




@pytest.fixture(scope="session")
def browser():
    if not os.path.exists(CHROMIUM) and not shutil.which("chromium"):
        pytest.skip("Debian chromium is not installed (python3 dev.py test installs it)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        b = pw.chromium.launch(
            executable_path=CHROMIUM if os.path.exists(CHROMIUM) else shutil.which("chromium"),
            headless=True,
            args=["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                  "--disable-background-networking", "--disable-component-update", "--disable-sync",
                  "--disable-dev-shm-usage"],
        )
        yield b
        b.close()


@pytest.fixture
def page(browser, live_server):
    context = browser.new_context(locale="zh-CN", viewport={"width": 1280, "height": 900})
    pg = context.new_page()
    pg.set_default_timeout(15000)
    pg.base_url = live_server.url
    yield pg
    context.close()


@pytest.fixture
def phone_page(browser, live_server):
    context = browser.new_context(locale="zh-CN", viewport={"width": 390, "height": 844},
                                  is_mobile=True, has_touch=True)
    pg = context.new_page()
    pg.set_default_timeout(15000)
    pg.base_url = live_server.url
    yield pg
    context.close()


def browser_login(page, username, password=personas.PASSWORD):
    page.goto(page.base_url + "/accounts/login/")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", password)
    page.click("button[type=submit]")
    page.wait_for_load_state("networkidle")
