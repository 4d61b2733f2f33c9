"""A strict Content-Security-Policy on every page (issue 17, headers; defect 11): scripts and styles only
from our static files. The policy would block inline code, so no page may carry any: every main page
is rendered as each persona and its HTML scanned for inline <script>, <style>, style="..." and on*=
handlers (a <script type="application/json"> from json_script is data, never run, and allowed)."""

from html.parser import HTMLParser

import pytest
from django.template.loader import render_to_string
from django.urls import reverse

from petitions.models import Item
from suggestions.choices import State
from tests.core.test_phone_layout import PERSONAS, urls_for, world
from tests.suggestions.helpers import make

pytestmark = pytest.mark.django_db

POLICY = {
    "default-src": "'self'", "script-src": "'self'", "style-src": "'self'", "img-src": "'self' data:",
    "object-src": "'none'", "base-uri": "'self'", "form-action": "'self'", "frame-ancestors": "'none'",
}


class InlineFinder(HTMLParser):
    """Collects what a strict policy would refuse: inline scripts, <style>, style and on* attributes."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.found = []

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        line = self.getpos()[0]
        if tag == "script" and not attrs.get("src") and attrs.get("type") != "application/json":
            self.found.append(f"line {line}: inline <script>")
        if tag == "style":
            self.found.append(f"line {line}: <style> element")
        for name in attrs:
            if name == "style":
                self.found.append(f"line {line}: style= on <{tag}>")
            elif name.startswith("on"):
                self.found.append(f"line {line}: {name}= on <{tag}>")
        if tag == "a" and (attrs.get("href") or "").strip().lower().startswith("javascript:"):
            self.found.append(f"line {line}: javascript: link")

    handle_startendtag = handle_starttag


def inline_code(html: str) -> list[str]:
    finder = InlineFinder()
    finder.feed(html)
    return finder.found


def parse_policy(header: str) -> dict:
    parts = [p.strip() for p in header.split(";") if p.strip()]
    return {p.split(" ", 1)[0]: p.split(" ", 1)[1] if " " in p else "" for p in parts}


def test_the_scanner_finds_each_kind_of_inline_code():
    html = """<p style="color:red" onclick="x()">a</p><script>alert(1)</script><style>p{}</style>
    <a href="javascript:void(0)">b</a><script src="/static/js/app.js" defer></script>
    <script id="d" type="application/json">{"a": 1}</script><img src="/x.png" alt="">"""
    found = inline_code(html)
    assert len(found) == 5, found
    assert inline_code('<script src="/static/x.js"></script><script type="application/json">{}</script>') == []


def test_the_login_page_sends_the_strict_policy_and_has_no_inline_code(client):
    response = client.get(reverse("login"))
    assert response.status_code == 200
    assert parse_policy(response.headers["Content-Security-Policy"]) == POLICY
    assert inline_code(response.content.decode()) == []


def test_an_attachment_keeps_its_own_stricter_policy(cast, login):
    from django.core.files.uploadedfile import SimpleUploadedFile

    from petitions.models import Attachment
    from tests.petitions.helpers import PNG, item_data

    data = {**item_data(), "area": cast.dongshan_staff.area.pk, "source": "visit",
            "files": [SimpleUploadedFile("a.png", PNG)], "submit": "1"}
    login(cast.deputy).post(reverse("petitions:create"), data)
    response = login(cast.staff).get(reverse("petitions:attachment", args=[Attachment.objects.get().pk]))
    assert response.status_code == 200
    assert parse_policy(response.headers["Content-Security-Policy"])["default-src"] == "'none'"


def extra_urls(user, cast, data, suggestion) -> list[str]:
    """Pages the navigation does not list directly: print sheets, notices, the suggestion pages."""
    urls = []
    item = Item.objects.visible_to(user).order_by("pk").first()
    if item is not None and user.is_staff_role:
        urls.append(reverse("petitions:print", args=[item.pk]))
    if user.is_staff_role:
        year = data["assessment"].year
        urls += [reverse("assessments:notice", args=[year]), reverse("dashboards:print"),
                 reverse("assessments:record_print", args=[cast.deputy.deputy.pk])]
    if user.has_role("admin", "district_staff") or user == cast.deputy:
        urls += [reverse("suggestions:list"), reverse("suggestions:detail", args=[suggestion.pk])]
    return urls


def test_no_main_page_has_inline_code_for_any_persona(cast, login):
    data = world(cast)
    suggestion = make(cast, State.CONCLUDED)
    failed, seen = [], 0
    for name in PERSONAS:
        user = getattr(cast, name)
        client = login(user)
        for url in urls_for(user, cast, data) + extra_urls(user, cast, data, suggestion):
            response = client.get(url, follow=True)
            if response.status_code in (403, 404):
                continue  # a page outside this persona's role; the others visit it
            assert response.status_code == 200, f"{name} {url}: {response.status_code}"
            if "text/html" not in response.headers.get("Content-Type", ""):
                continue
            seen += 1
            assert parse_policy(response.headers["Content-Security-Policy"]) == POLICY, url
            failed += [f"{name} {url} {problem}" for problem in inline_code(response.content.decode())]
        client.logout()
    assert seen > 60
    assert failed == [], "\n".join(failed)


def test_the_public_disclosure_page_and_the_500_page_have_no_inline_code(client, cast):
    suggestion = make(cast, State.CONCLUDED)
    response = client.get(reverse("suggestions:public_session", args=[suggestion.session.public_token]))
    assert response.status_code == 200
    assert inline_code(response.content.decode()) == []
    assert inline_code(render_to_string("500.html")) == []
