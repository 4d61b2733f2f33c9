"""关怀版 (elderly mode, issue 17): a toggle in the top bar and on the login page, remembered on the account
when signed in and in a cookie without login; it marks the page (html.care-mode, body.care-mode) for the
large-type, high-contrast styles in static/css/app.css. Every page starts with a skip link."""

import re

import pytest
from django.contrib.staticfiles import finders
from django.test import Client
from django.urls import reverse

pytestmark = pytest.mark.django_db

URL = reverse("care_mode")


def care_on(html: str) -> bool:
    return bool(re.search(r'<html[^>]*class="care-mode"', html)) and "care-mode\">" in html.split("<body", 1)[1][:200]


def test_anonymous_visitors_switch_it_on_the_login_page_and_a_cookie_remembers_it(client):
    page = client.get(reverse("login")).content.decode()
    assert 'data-testid="care-toggle"' in page and not care_on(page)
    response = client.post(URL, {"on": "1", "next": reverse("login")})
    assert response.status_code == 302 and response.url == reverse("login")
    assert response.cookies["care_mode"].value == "1"
    assert care_on(client.get(reverse("login")).content.decode())
    client.post(URL, {"next": reverse("login")})  # off again
    assert not care_on(client.get(reverse("login")).content.decode())


def test_it_is_remembered_on_the_account_across_devices(cast, login):
    client = login(cast.deputy)
    response = client.post(URL, {"on": "1", "next": reverse("petitions:mine")})
    assert response.status_code == 302 and response.url == reverse("petitions:mine")
    cast.deputy.refresh_from_db()
    assert cast.deputy.care_mode is True
    other_device = Client()
    other_device.force_login(cast.deputy, backend="django.contrib.auth.backends.ModelBackend")
    assert care_on(other_device.get(reverse("home")).content.decode())
    assert not care_on(login(cast.staff).get(reverse("home")).content.decode())  # someone else's choice
    other_device.post(URL, {})
    cast.deputy.refresh_from_db()
    assert cast.deputy.care_mode is False


def test_the_toggle_is_post_only_and_never_redirects_off_site(client, cast, login):
    assert client.get(URL).status_code == 405
    response = login(cast.deputy).post(URL, {"on": "1", "next": "https://evil.example/"})
    assert response.status_code == 302 and response.url == reverse("home")


def test_the_top_bar_has_the_toggle_and_each_page_starts_with_the_skip_link(cast, login):
    html = login(cast.staff).get(reverse("home")).content.decode()
    body = html.split("<body", 1)[1]
    first_focusable = re.search(r"<(a|button|input|select|textarea)\b[^>]*>", body).group(0)
    assert 'href="#main"' in first_focusable and "跳到主要内容" in body.split("</a>", 1)[0]
    assert 'id="main"' in html
    assert 'data-testid="care-toggle"' in html and 'aria-pressed="false"' in html


def test_the_care_mode_styles_meet_the_sizes_asked_for():
    css = open(finders.find("css/app.css"), encoding="utf-8").read()
    root = re.search(r"html\.care-mode\s*\{\s*font-size:\s*(\d+)%", css)
    assert root and int(root.group(1)) >= 125
    assert re.search(r"\.care-mode body[^{]*\{[^}]*line-height:\s*1\.[5-9]", css)
    assert "min-height: 44px" in css and ":focus-visible" in css
